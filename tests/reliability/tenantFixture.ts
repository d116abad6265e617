// Shared fixtures of the reliability suite (tests/reliability): the tenant every run declares
// through index.ts, exact expectations of what the emulator must hold afterwards, a preview
// runner (program construction + every provider's `check`, never a create), and the test-side
// fault tools the emulator lacks (a time-compressed rate limiter, responses lost after the request
// landed).
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import requireFromString from "require-from-string";
import type { EmulatorSnapshot, FaultSettings, RequestLogEntry, RunningEmulator } from "../../emulator";
import { FaultInjector } from "../../emulator/faults";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig, loadProvider, unwrapSecrets } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";

// The real stack program, loaded the way `pulumi up` loads index.ts (it exports a function).
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const stackProgram: () => unknown = require("../../index");

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** App id of the flows' test application (runUserFlowUrl). */
export const TEST_APP_ID = "11111111-2222-3333-4444-555555555555";
export const WECHAT_APP_ID = "wx-reliability-app";
export const QQ_APP_ID = "101000777";

export const DYNAMIC = "pulumi-nodejs:dynamic/b2c-identity:";

export interface TenantValues {
  wechatName?: string;
  wechatKey: string;
  qqKey: string;
}

/**
 * `b2c:socialSignIn` of the reliability tenant: WeChat and QQ, each with its secret key
 * (policyKey: true), and two user flows created by the stack with the attachments
 * (signupsignin: WeChat + QQ, signin: WeChat).
 */
export function signInConfig(wechatName = "WeChat"): string {
  return JSON.stringify({
    identityProviders: [
      { type: "WeChat", appId: WECHAT_APP_ID, displayName: wechatName, policyKey: true },
      { type: "QQ", clientId: QQ_APP_ID, policyKey: true },
    ],
    userFlows: [
      { name: "signupsignin", identityProviders: ["WeChat", "QQ"], testApplicationId: TEST_APP_ID },
      { name: "signin", userFlowType: "signIn", identityProviders: ["WeChat"] },
    ],
  });
}

/** Stack config of the reliability tenant against `emu`. */
export function tenantStackConfig(emu: RunningEmulator, values: TenantValues): Record<string, string> {
  return {
    ...emulatorStackConfig(emu),
    "b2c:socialSignIn": signInConfig(values.wechatName),
    "b2c:wechatAppKey": values.wechatKey,
    "b2c:qqAppKey": values.qqKey,
  };
}

export function tenantEngine(emu: RunningEmulator, values: TenantValues): LifecycleEngine {
  return new LifecycleEngine(tenantStackConfig(emu, values));
}

/** The dynamic resources the tenant consists of, as `Type::name` (engine state keys without the prefix). */
export const TENANT_RESOURCES = [
  "IdentityProvider::social-sign-in-qq",
  "IdentityProvider::social-sign-in-wechat",
  "PolicyKey::social-sign-in-qq-secret",
  "PolicyKey::social-sign-in-wechat-secret",
  "UserFlow::social-sign-in-signin",
  "UserFlow::social-sign-in-signupsignin",
  "UserFlowIdentityProvider::social-sign-in-signin-wechat",
  "UserFlowIdentityProvider::social-sign-in-signupsignin-qq",
  "UserFlowIdentityProvider::social-sign-in-signupsignin-wechat",
];

export function stateKeys(engine: LifecycleEngine): string[] {
  return [...engine.state.keys()].map((k) => k.slice(DYNAMIC.length)).sort();
}

export interface IntendedTenant {
  wechatName: string;
  /** APP KEYs in upload order: the keys of B2C_1A_WeChatSecret / the secret of the WeChat provider is the last. */
  wechatKeys: string[];
  qqKeys: string[];
}

/**
 * Exactly the intended objects, nothing more: one provider per type with the current secret, the two
 * flows with exactly their attachments, the two keysets with exactly the keys uploaded (no duplicate
 * key from a re-sent upload, no orphan or backup keyset), no policy.
 */
export function expectIntendedTenant(snapshot: EmulatorSnapshot, want: IntendedTenant): void {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  expect(byId(snapshot.identityProviders)).toEqual([
    { id: "QQ-OAUTH", type: "QQ", displayName: "QQ", clientId: QQ_APP_ID, clientSecretSha256: sha256(want.qqKeys[want.qqKeys.length - 1]) },
    {
      id: "WeChat-OAUTH",
      type: "WeChat",
      displayName: want.wechatName,
      clientId: WECHAT_APP_ID,
      clientSecretSha256: sha256(want.wechatKeys[want.wechatKeys.length - 1]),
    },
  ]);
  expect(byId(snapshot.userFlows).map((f) => ({ ...f, identityProviderIds: [...f.identityProviderIds].sort() }))).toEqual([
    { id: "B2C_1_signin", userFlowType: "signIn", userFlowTypeVersion: 3, identityProviderIds: ["WeChat-OAUTH"] },
    { id: "B2C_1_signupsignin", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, identityProviderIds: ["QQ-OAUTH", "WeChat-OAUTH"] },
  ]);
  const keySets = byId(snapshot.keySets);
  expect(keySets.map((k) => k.id)).toEqual(["B2C_1A_QQSecret", "B2C_1A_WeChatSecret"]);
  expect(keySets[0].keys.map((k) => k.secretSha256)).toEqual(want.qqKeys.map(sha256));
  expect(keySets[1].keys.map((k) => k.secretSha256)).toEqual(want.wechatKeys.map(sha256));
  for (const set of keySets) {
    expect(set.keys.every((k) => k.kty.toLowerCase() === "oct" && k.use === "sig")).toBe(true);
    expect(new Set(set.keys.map((k) => k.kid)).size).toBe(set.keys.length);
  }
  expect(snapshot.policies).toEqual([]);
}

/** Settings that inject nothing (the emulator's defaults). */
export const NO_FAULTS: FaultSettings = {
  rules: [],
  latencyMs: 0,
  rateLimit: { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200 },
  consistencyWindowMs: 0,
};

/** Graph writes of a request log, as "METHOD path" (for readable failures). */
export function writeLines(log: RequestLogEntry[]): string[] {
  return graphWrites(log).map((e) => `${e.method} ${e.path} -> ${e.status}`);
}

const SECRET_CONFIG = /secret|key|password/i;

/**
 * `pulumi preview` of a fresh stack: runs the program under mocks and hands every dynamic resource
 * to its serialized provider's `check` (configured with the stack config), as the engine's preview
 * does. Nothing is ever created: outputs of resources stay unknown. Throws the first construction or
 * check error, with the engine's wording for check failures (`<type> "<name>": <property>: <reason>`).
 * Returns the resources whose check passed.
 */
export async function preview(program: () => unknown, config: Record<string, string>): Promise<string[]> {
  const errors: unknown[] = [];
  const checked: string[] = [];
  let pending = 0;
  pulumi.runtime.setAllConfig({ ...config }, Object.keys(config).filter((k) => SECRET_CONFIG.test(k)));
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        if (!args.type.startsWith("pulumi-nodejs:dynamic/")) return { id: undefined, state: args.inputs };
        pending++;
        try {
          const { __provider, ...raw } = args.inputs;
          const provider = await loadProvider(__provider as string, config);
          const result = provider.check ? await provider.check({}, unwrapSecrets(raw)) : { inputs: raw };
          if (result.failures?.length) {
            throw new Error(`${args.type} "${args.name}": ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
          }
          checked.push(`${args.type.slice(DYNAMIC.length)}::${args.name}`);
          return { id: undefined, state: {} };
        } catch (error) {
          errors.push(error);
          return { id: undefined, state: {} };
        } finally {
          pending--;
        }
      },
      call: (args) => args.inputs,
    },
    "b2c-identity",
    "dev",
    true,
  );
  program();
  let stable = 0;
  while (stable < 8) {
    await new Promise((r) => setTimeout(r, 5));
    stable = pending === 0 ? stable + 1 : 0;
  }
  if (errors.length > 0) throw errors[0];
  return checked.sort();
}

/**
 * The real CPIM limit is 300 requests per tenant per sliding 60 s window; the whole lifecycle of the
 * reliability tenant makes ~25 Graph calls, so a proportional limit is a handful of calls per window,
 * and a real 60 s window would make every throttled run wait most of a minute. This runs the
 * emulator's own limiter (its window bookkeeping and Retry-After computation) on a clock `factor`
 * times faster than the wall clock and scales the Retry-After it answers back to wall seconds:
 * e.g. factor 20 turns "6 per minute" into 6 per 3 s of wall time, with Retry-After values the
 * client can honour as they are. Returns the restore function.
 */
export function compressRateLimitClock(factor: number): () => void {
  const original = FaultInjector.prototype.checkRateLimit;
  const start = Date.now();
  const spy = jest.spyOn(FaultInjector.prototype, "checkRateLimit").mockImplementation(function (this: FaultInjector, clientId: string) {
    const error = original.call(this, clientId, start + (Date.now() - start) * factor);
    const headers = error?.options.headers;
    if (headers?.["Retry-After"] !== undefined) headers["Retry-After"] = String(Math.max(0.001, Number(headers["Retry-After"]) / factor));
    return error;
  });
  return () => spy.mockRestore();
}

/**
 * Node's own global object. The engine loads providers with require-from-string, so provider code
 * (and the Graph client it requires) runs in Node's main context, not in jest's sandbox: its
 * `fetch` and `console` are this object's, not the test file's `globalThis.fetch` / `console`.
 */
export const nodeGlobal: typeof globalThis = requireFromString("module.exports = globalThis;");

export interface LostResponseRule {
  method: string;
  /** Matched against the URL path (version prefix included). */
  path: RegExp;
  times: number;
}

/**
 * What the emulator's dropConnection can't show (it drops BEFORE handling): the request reached
 * Graph and was carried out, but the answer never came back (reset after the write). Wraps the
 * fetch the providers' Graph client uses (Node's, see nodeGlobal): a matching request is sent, its answer awaited and thrown
 * away, and the caller gets the same TypeError undici gives for a reset connection.
 * Returns what was lost and the restore function.
 */
export function loseResponses(rules: LostResponseRule[]): { lost: string[]; restore: () => void } {
  const realFetch = nodeGlobal.fetch;
  const lost: string[] = [];
  const left = rules.map((r) => ({ ...r }));
  nodeGlobal.fetch = (async (input: any, init?: any) => {
    const method = String(init?.method ?? input?.method ?? "GET").toUpperCase();
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const rule = left.find((r) => r.times > 0 && r.method === method && r.path.test(url.pathname));
    if (rule) rule.times--;
    const response = await realFetch(input, init);
    if (!rule) return response;
    await response.arrayBuffer();
    lost.push(`${method} ${url.pathname} -> ${response.status}`);
    throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
  }) as typeof fetch;
  return { lost, restore: () => void (nodeGlobal.fetch = realFetch) };
}
