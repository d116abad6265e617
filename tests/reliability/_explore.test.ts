import type { RunningEmulator } from "../../emulator";
import { startTestEmulator } from "../helpers/emulator";
import { describeCalls, graphCalls } from "../helpers/requestLog";
import { loseResponses, stackProgram, tenantEngine } from "./tenantFixture";

let emu: RunningEmulator;
beforeAll(async () => { emu = await startTestEmulator(); });
afterAll(() => emu.stop());

test("explore", async () => {
  const engine = tenantEngine(emu, { wechatKey: "wk1", qqKey: "qk1" });
  const l = loseResponses([{ method: "POST", path: /^\/beta\/trustFramework\/keySets$/, times: 1 }]);
  try { await engine.up(stackProgram); } catch (e) { console.log(e); }
  l.restore();
  console.log(l.lost, describeCalls(graphCalls(emu.requestLog())));
});
