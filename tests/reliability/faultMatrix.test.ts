// Issue 7 item 1: the fault matrix. The reliability tenant (WeChat + QQ, their secret keys, two user
// flows and three attachments, declared through index.ts and `b2c:socialSignIn`) goes through up,
// a no-op up, an update (display name change + APP KEY rotation) and destroy under each fault.
// Every run must converge, and afterwards the emulator must hold exactly the intended objects: no
// duplicate provider, keyset or key (key counts: 1 after up, 2 after the rotation), no orphan
// keyset, nothing made by hand touched, and after destroy exactly the tenant as it was before up. Each phase also proves that its
// faults really fired, so that a case can't pass by not being exercised.
// One emulator for every case, reset in between; cases run one after the other.
//
// Only the fault shapes that need a whole tenant are here: a rate limit binding across all its
// writes, and the consistency window hiding lost creates. Each single-request fault kind (429, 503,
// AADB2C90063, 409 AADB2C95053, a dropped connection, a lost answer) is proven on every write of
// every resource kind in providerFaultMatrix.test.ts, and the two that cross the process boundary
// through the real engine in tests/engine/faultMatrix.test.ts. Waits are skipped, not slept
// (tests/helpers/clock.ts), the emulator's windows going by the same clock.
import type { FaultSettings, RequestLogEntry, RunningEmulator } from "../../emulator";
import { useSkippedWaits } from "../helpers/clock";
import { startTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import {
  compressedRateLimit,
  PLUGIN_TYPE,
  expectIntendedTenant,
  IntendedTenant,
  NO_FAULTS,
  seedHandMadeObjects,
  signInConfig,
  stackProgram,
  stateKeys,
  TENANT_RESOURCES,
  tenantEngine,
  writeLines,
} from "./tenantFixture";

type Phase = "up" | "update" | "destroy";

interface FaultCase {
  name: string;
  /** Emulator faults per phase (the other settings stay at NO_FAULTS). */
  faults?: Partial<Record<Phase, Partial<FaultSettings>>>;
  /** Set up before the run; returns the clean-up. */
  arrange?: () => () => void;
  /** Phase-specific proof that the fault fired (rules and lost responses are checked generically). */
  fired?: (phase: Phase, log: RequestLogEntry[]) => void;
}

// Graph paths below the version root, as the emulator's rules match them.
const IDP_COLLECTION = "^/identity/identityProviders$";
const KEYSET_COLLECTION = "^/trustFramework/keySets$";
const UPLOAD_SECRET = "^/trustFramework/keySets/*/uploadSecret$";
const FLOW_COLLECTION = "^/identity/b2cUserFlows$";

const count = (log: RequestLogEntry[], fault: RegExp) => log.filter((e) => e.fault !== undefined && fault.test(e.fault)).length;

const RATE_LIMIT = compressedRateLimit(6, 30);

const CASES: FaultCase[] = [
  {
    // See compressedRateLimit: 6 calls per (compressed) minute against 11 calls in up and 9 in
    // destroy, with the minute lasting 2 s of wall time (factor 30). Scaled like this the tenant is
    // throttled in up and in destroy, with Retry-After values of at most 2 s.
    name: "per-tenant rate limit (6 per minute, clock compressed 30x)",
    faults: { up: { rateLimit: RATE_LIMIT }, update: { rateLimit: RATE_LIMIT }, destroy: { rateLimit: RATE_LIMIT } },
    fired: (phase, log) => {
      if (phase === "up" || phase === "destroy") expect(count(log, /^rateLimit:tenant$/)).toBeGreaterThan(0);
    },
  },
  {
    // The window, 10 s (the client keeps retrying 404s for 30 s after its own creates); on
    // skipped waits it costs no real time. Writes are never hidden (the emulator hides new objects
    // from reads only), so the answers of the creates are lost as well: to find out what landed the
    // client must read objects it has just created, inside the window. The fired check proves that
    // reads did hit the window.
    name: "eventual consistency: new objects invisible to reads for 10 s, answers of the creates lost",
    faults: {
      up: {
        consistencyWindowMs: 10_000,
        rules: [
          { method: "POST", path: IDP_COLLECTION, loseResponse: true, times: 2 },
          { method: "POST", path: KEYSET_COLLECTION, loseResponse: true, times: 2 },
          { method: "POST", path: UPLOAD_SECRET, loseResponse: true, times: 2 },
          { method: "POST", path: FLOW_COLLECTION, loseResponse: true, times: 2 },
        ],
      },
      update: { consistencyWindowMs: 10_000 },
      destroy: { consistencyWindowMs: 10_000 },
    },
    fired: (phase, log) => {
      if (phase === "up") expect(count(log, /^consistencyWindow$/)).toBeGreaterThan(0);
    },
  },
];

let emu: RunningEmulator;
const clock = useSkippedWaits();
beforeAll(async () => {
  emu = await startTestEmulator({ windowClock: clock.now });
});
afterAll(() => emu.stop());

/**
 * The engine's state must describe the tenant: every resource recorded as created by the stack (a
 * create that had to find its own lost first attempt is not an adoption), and each PolicyKey's keys
 * exactly the keys its keyset holds.
 */
function expectStateMatchesTenant(engine: LifecycleEngine): void {
  const adopted = [...engine.state.values()].filter((r) => "adopted" in r.outs).map((r) => `${r.name}: ${r.outs.adopted}`);
  // 2 identity providers, 2 keysets, 2 flows and 3 attachments record whether they were adopted: none was.
  expect(adopted).toHaveLength(9);
  expect(adopted.filter((a) => !a.endsWith(": false"))).toEqual([]);
  const snapshot = emu.snapshot();
  for (const [name, keySetId] of [
    ["social-sign-in-wechat-secret", "B2C_1A_WeChatSecret"],
    ["social-sign-in-qq-secret", "B2C_1A_QQSecret"],
  ]) {
    const outs = engine.state.get(`${PLUGIN_TYPE}TrustFrameworkKeySet::${name}`)!.outs;
    const keys = snapshot.keySets.find((k) => k.id === keySetId)!.keys;
    expect(outs.keySetId).toBe(keySetId);
    expect(outs.keys.map((k: { kid: string }) => k.kid)).toEqual(keys.map((k) => k.kid));
    expect(outs.activeKeyId).toBe(keys[keys.length - 1].kid);
  }
}

/** Runs one phase under its faults and proves they fired. */
async function underFaults<T>(c: FaultCase, phase: Phase, run: () => Promise<T>): Promise<{ result: T; log: RequestLogEntry[] }> {
  emu.setFaults({ ...NO_FAULTS, ...c.faults?.[phase] });
  emu.clearRequestLog();
  const result = await run();
  const log = emu.requestLog();
  const phaseRules = c.faults?.[phase]?.rules ?? [];
  // Every injected rule was used up, and each use shows in the log as an injected answer.
  expect(emu.getFaults().rules.map((r) => `${r.method} ${r.path}: ${r.times} left`)).toEqual(phaseRules.map((r) => `${r.method} ${r.path}: 0 left`));
  expect(count(log, /^(injected:|dropConnection$|loseResponse$)/)).toBe(phaseRules.reduce((n, r) => n + (r.times ?? 0), 0));
  c.fired?.(phase, log);
  return { result, log };
}

test.each(CASES.map((c) => [c.name, c] as const))("%s: up, no-op up, update, destroy converge to exactly the intended tenant", async (_name, c) => {
  emu.reset();
  emu.setFaults(NO_FAULTS);
  await seedHandMadeObjects(emu);
  const before = emu.snapshot();
  const cleanup = c.arrange?.();
  try {
    const engine = tenantEngine(emu, { wechatKey: "c69a18f61c0c52e35dbcf990062977d1", qqKey: "qq-app-key-v1" });
    // 1. up from an empty tenant
    const up = await underFaults(c, "up", () => engine.up(stackProgram));
    expect(up.result.steps.map((s) => `${s.action} ${s.type.slice(PLUGIN_TYPE.length)}::${s.name}`).sort()).toEqual(TENANT_RESOURCES.map((r) => `create ${r}`));
    const v1: IntendedTenant = { wechatName: "WeChat", wechatKeys: ["c69a18f61c0c52e35dbcf990062977d1"], qqKeys: ["qq-app-key-v1"] };
    expectIntendedTenant(emu.snapshot(), v1, before);
    expect(stateKeys(engine)).toEqual(TENANT_RESOURCES);
    expectStateMatchesTenant(engine);
    const outputs = up.result.outputs as any;
    expect(outputs.identityProviders.WeChat.identityProviderId).toBe("WeChat-OAUTH");
    expect(outputs.identityProviders.QQ.identityProviderId).toBe("QQ-OAUTH");
    expect(outputs.keySetIds).toEqual({ WeChatSecret: "B2C_1A_WeChatSecret", QQSecret: "B2C_1A_QQSecret" });
    expect(Object.keys(outputs.userFlows).sort()).toEqual(["B2C_1_signin", "B2C_1_signupsignin"]);

    // 2. converged: the same program again changes nothing and writes nothing (faults off)
    emu.setFaults(NO_FAULTS);
    emu.clearRequestLog();
    const again = await engine.up(stackProgram);
    expect(writeLines(emu.requestLog())).toEqual([]);
    expect(again.steps.filter((s) => s.action !== "same")).toEqual([]);

    // 3. update: display name change + APP KEY rotation, in place
    engine.setConfig({ "b2c:socialSignIn": signInConfig("微信 WeChat"), "b2c:wechatAppKey": "86773268483aa584e699a1c47d306e03" });
    const update = await underFaults(c, "update", () => engine.up(stackProgram));
    expect(update.result.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.type.slice(PLUGIN_TYPE.length)}::${s.name}`).sort()).toEqual([
      "update IdentityProvider::social-sign-in-wechat",
      "update TrustFrameworkKeySet::social-sign-in-wechat-secret",
    ]);
    expectIntendedTenant(emu.snapshot(), { wechatName: "微信 WeChat", wechatKeys: ["c69a18f61c0c52e35dbcf990062977d1", "86773268483aa584e699a1c47d306e03"], qqKeys: ["qq-app-key-v1"] }, before);
    expectStateMatchesTenant(engine);

    // 4. destroy: the tenant as it was before up
    await underFaults(c, "destroy", () => engine.destroy());
    expect(engine.state.size).toBe(0);
    expect(emu.snapshot()).toEqual(before);
  } finally {
    cleanup?.();
    emu.setFaults(NO_FAULTS);
  }
});
