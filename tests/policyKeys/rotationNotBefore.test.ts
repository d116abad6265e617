// A rotated key's not-before is configurable per key (rotationNotBeforeDelayMinutes). Default: now.
// Nothing documents a minimum; IEFPolicies moved its default to 3 hours ahead after failures
// (mrochon/IEFPolicies#63). https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { PolicyKey } from "../../policyKeys/component";
import { WeChatSecretKey } from "../../policyKeys/presets";
import { rotationNotBefore } from "../../policyKeys/provider";
import { useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
const nowSeconds = () => Math.floor(Date.now() / 1000);

test("rotationNotBefore: now by default, later by the delay", () => {
  expect(rotationNotBefore({}, 1_000_000)).toBe(1_000_000);
  expect(rotationNotBefore({ rotationNotBeforeDelayMinutes: 180 }, 1_000_000)).toBe(1_000_000 + 3 * 3600);
});

async function rotate(delay: number | undefined) {
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  const program = (appKey: string) => () => {
    const key = new WeChatSecretKey("wechat", { appKey: pulumi.secret(appKey), rotationNotBeforeDelayMinutes: delay });
    return { active: key.activeKeyId, keys: key.keys };
  };
  const first = await engine.up(program("app-key-1"));
  emu.clearRequestLog();
  const before = nowSeconds();
  const second = await engine.up(program("app-key-2"));
  const upload = graphWrites(emu.requestLog()).filter((e) => e.path.endsWith("/uploadSecret"));
  expect(upload).toHaveLength(1);
  return { first: first.outputs as any, second: second.outputs as any, nbf: (upload[0].body as any).nbf as number, before };
}

test("default: the rotated APP KEY is active from now", async () => {
  const { second, nbf, before } = await rotate(undefined);
  expect(nbf).toBeGreaterThanOrEqual(before);
  expect(nbf).toBeLessThanOrEqual(nowSeconds());
  expect(second.active).toBe(second.keys[1].kid);
});

test("180 minutes: the rotated key starts 3 hours ahead and the old key stays active until then", async () => {
  const { first, second, nbf, before } = await rotate(180);
  expect(nbf).toBeGreaterThanOrEqual(before + 10_800);
  expect(nbf).toBeLessThanOrEqual(nowSeconds() + 10_800);
  expect(second.keys).toHaveLength(2);
  expect(second.keys[1].nbf).toBe(nbf);
  expect(second.active).toBe(first.active);
});

test.each([-1, 1.5, 20_000, "180"])("rotationNotBeforeDelayMinutes %p is refused before any Graph call, naming the argument", async (bad) => {
  expect(() => new PolicyKey("k", { name: "X", secret: { value: "s-padded" }, rotationNotBeforeDelayMinutes: bad as number })).toThrow(/rotationNotBeforeDelayMinutes: must be whole minutes from 0/);
  expect(emu.requestLog()).toEqual([]);
});
