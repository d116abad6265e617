// Writes to one object leave the process one at a time (graph/objectWrites.ts); writes to different
// objects still go in parallel. Checked against the emulator, which refuses overlapping writes to one
// object with 409 AADB2C95053 (its detectConcurrentWrites behaviour, on by default).
import type { RunningEmulator } from "../../emulator";
import { graphApiFromConfig } from "../../graph/client";
import { oneWriteAtATime, writeTargetOf } from "../../graph/objectWrites";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphCalls } from "../helpers/requestLog";

describe("writeTargetOf", () => {
  test.each([
    ["/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", "trustframework/keysets/b2c_1a_wechatsecret"],
    ["/trustFramework/keySets/b2c_1a_wechatsecret", "trustframework/keysets/b2c_1a_wechatsecret"],
    ["/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", "identity/b2cuserflows/b2c_1_susi"],
    ["/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/QQ-OAUTH/$ref", "identity/b2cuserflows/b2c_1_susi"],
    ["/trustFramework/policies/B2C_1A_Base/$value", "trustframework/policies/b2c_1a_base"],
    ["/identity/identityProviders/WeChat-OAUTH", "identity/identityproviders/wechat-oauth"],
    ["/identity/identityProviders/We%43hat-OAUTH", "identity/identityproviders/wechat-oauth"],
  ])("%s is a write to %s", (path, target) => {
    expect(writeTargetOf(path)).toBe(target);
  });

  test.each(["/trustFramework/keySets", "/identity/b2cUserFlows", "/identity/identityProviders?$filter=x", "/organization"])(
    "%s (a create, or no B2C object) has no target",
    (path) => {
      expect(writeTargetOf(path)).toBeUndefined();
    },
  );
});

describe("oneWriteAtATime", () => {
  test("runs writes under one key in order, each after the one before has settled, failures included", async () => {
    const events: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      oneWriteAtATime("k", step("a", 30, true)),
      oneWriteAtATime("k", step("b", 10)),
      oneWriteAtATime("other", step("c", 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(events.filter((e) => !e.startsWith("c"))).toEqual(["a start", "a end", "b start", "b end"]);
    expect(events.indexOf("c end")).toBeLessThan(events.indexOf("a end")); // another key does not wait
  });
});

/** When the emulator was handling a request: its log entry's time is when the answer went out. */
const span = (e: { time: string; durationMs: number }) => ({ start: Date.parse(e.time) - e.durationMs, end: Date.parse(e.time) });

describe("through the Graph client", () => {
  let emu: RunningEmulator;
  useTestEmulator((e) => (emu = e));
  const graph = () => graphApiFromConfig({ get: (k) => emulatorStackConfig(emu)[k] }, {});
  const upload = (keySet: string, k: string) =>
    graph().call({ method: "POST", version: "beta", path: `/trustFramework/keySets/${keySet}/uploadSecret`, body: { use: "sig", k }, description: "upload", secrets: [k] });

  test("parallel writes to one object are sent one after another: no 409, every key lands", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Busy" });
    emu.setFaults({ latencyMs: 150 });
    emu.clearRequestLog();
    await Promise.all(["one", "two", "three"].map((k) => upload("B2C_1A_Busy", k)));
    const writes = graphCalls(emu.requestLog()).filter((e) => e.method === "POST");
    expect(writes.map((e) => e.status)).toEqual([200, 200, 200]);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(3);
    // Server-side intervals (an entry's time is when it was answered): each write starts after the one before has ended.
    const spans = writes.map(span);
    for (let i = 1; i < spans.length; i++) expect(spans[i].start).toBeGreaterThanOrEqual(Math.floor(spans[i - 1].end) - 1);
  });

  test("writes to different objects still overlap", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "First" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Second" });
    emu.setFaults({ latencyMs: 300 });
    emu.clearRequestLog();
    await Promise.all([upload("B2C_1A_First", "one"), upload("B2C_1A_Second", "two")]);
    const [a, b] = graphCalls(emu.requestLog())
      .filter((e) => e.method === "POST")
      .map(span);
    expect(Math.max(a.start, b.start)).toBeLessThan(Math.min(a.end, b.end));
  });
});
