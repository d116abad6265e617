// Shared fixtures of the reliability suite (tests/reliability): the tenant every run declares
// through index.ts, exact expectations of what the emulator must hold afterwards, a preview
// runner (program construction + every provider's `check`, never a create), and a time-compressed
// rate limit (the emulator's own, with a short window).
import { createHash, generateKeyPairSync } from "crypto";
import * as forge from "node-forge";
import * as pulumi from "@pulumi/pulumi";
import requireFromString from "require-from-string";
import type { EmulatorSnapshot, FaultSettings, RateLimitSettings, RequestLogEntry, RunningEmulator } from "../../emulator";
import { fingerprintOf, graphFetch } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig, loadProvider, unwrapSecrets } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";
import { UNKNOWN } from "../../domain/notKnownYet";

// The language host's "wait until every resource operation is done" (internal to @pulumi/pulumi).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { waitForRPCs }: { waitForRPCs: () => Promise<void> } = require("@pulumi/pulumi/runtime/settings");

// The real stack program, loaded the way `pulumi up` loads index.ts (it exports a function).
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const stackProgram: () => unknown = require("../../index");

/**
 * Node's own global object. The engine loads providers with require-from-string, so provider code
 * (and the Graph client it requires) runs in Node's main context, not in jest's sandbox: its
 * `fetch` and `console` are this object's, not the test file's `globalThis.fetch` / `console`.
 */
export const nodeGlobal: typeof globalThis = requireFromString("module.exports = globalThis;");

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** App id of the flows' test application (runUserFlowUrl). */
export const TEST_APP_ID = "11111111-2222-3333-4444-555555555555";
export const WECHAT_APP_ID = "wx5e1ab1e0000c0de1";
export const QQ_APP_ID = "101000777";

/** The type token prefix of the plugin's resources (and components: tell them apart by `custom`). */
export const PLUGIN_TYPE = "b2c-identity:index:";

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

/** The plugin resources the tenant consists of, as `Type::name` (engine state keys without the prefix). */
export const TENANT_RESOURCES = [
  "IdentityProvider::social-sign-in-qq",
  "IdentityProvider::social-sign-in-wechat",
  "TrustFrameworkKeySet::social-sign-in-qq-secret",
  "TrustFrameworkKeySet::social-sign-in-wechat-secret",
  "UserFlow::social-sign-in-signin",
  "UserFlow::social-sign-in-signupsignin",
  "UserFlowIdentityProviderLink::social-sign-in-signin-wechat",
  "UserFlowIdentityProviderLink::social-sign-in-signupsignin-qq",
  "UserFlowIdentityProviderLink::social-sign-in-signupsignin-wechat",
];

export function stateKeys(engine: LifecycleEngine): string[] {
  return [...engine.state.keys()].map((k) => k.slice(PLUGIN_TYPE.length)).sort();
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
 * key from a re-sent upload, no orphan or backup keyset), no policy. Objects that were in the
 * tenant before (`before`, e.g. made by hand in the portal) must be there unchanged.
 */
export function expectIntendedTenant(snapshot: EmulatorSnapshot, want: IntendedTenant, before?: EmulatorSnapshot): void {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  const ours = <T extends { id: string }>(items: T[], existing: T[] = []) => {
    const ids = existing.map((e) => e.id);
    expect(byId(items.filter((i) => ids.includes(i.id)))).toEqual(byId(existing));
    return byId(items.filter((i) => !ids.includes(i.id)));
  };
  expect(ours(snapshot.identityProviders, before?.identityProviders)).toEqual([
    { id: "QQ-OAUTH", type: "QQ", displayName: "QQ", clientId: QQ_APP_ID, clientSecretFingerprint: fingerprintOf(want.qqKeys[want.qqKeys.length - 1]) },
    {
      id: "WeChat-OAUTH",
      type: "WeChat",
      displayName: want.wechatName,
      clientId: WECHAT_APP_ID,
      clientSecretFingerprint: fingerprintOf(want.wechatKeys[want.wechatKeys.length - 1]),
    },
  ]);
  expect(ours(snapshot.userFlows, before?.userFlows).map((f) => ({ ...f, identityProviderIds: [...f.identityProviderIds].sort() }))).toEqual([
    { id: "B2C_1_signin", userFlowType: "signIn", userFlowTypeVersion: 3, identityProviderIds: ["WeChat-OAUTH"] },
    { id: "B2C_1_signupsignin", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, identityProviderIds: ["QQ-OAUTH", "WeChat-OAUTH"] },
  ]);
  const keySets = ours(snapshot.keySets, before?.keySets);
  expect(keySets.map((k) => k.id)).toEqual(["B2C_1A_QQSecret", "B2C_1A_WeChatSecret"]);
  expect(keySets[0].keys.map((k) => k.secretFingerprint)).toEqual(want.qqKeys.map(fingerprintOf));
  expect(keySets[1].keys.map((k) => k.secretFingerprint)).toEqual(want.wechatKeys.map(fingerprintOf));
  for (const set of keySets) {
    expect(set.keys.every((k) => k.kty.toLowerCase() === "oct" && k.use === "sig")).toBe(true);
    expect(new Set(set.keys.map((k) => k.kid)).size).toBe(set.keys.length);
  }
  expect(ours(snapshot.policies, before?.policies)).toEqual([]);
}

/** Objects made by hand before the stack existed (a Google provider, a portal keyset): they must survive everything. */
export async function seedHandMadeObjects(emu: RunningEmulator): Promise<void> {
  const idp = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "Google",
    identityProviderType: "Google",
    clientId: "google-client",
    clientSecret: "google-secret",
  });
  const keySet = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "B2C_1A_PortalKey" });
  const key = await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_PortalKey/uploadSecret", { use: "sig", k: "portal-key" });
  expect([idp.status, keySet.status, key.status]).toEqual([201, 201, 200]);
}

/** Settings that inject nothing (the emulator's defaults). */
export const NO_FAULTS: FaultSettings = {
  rules: [],
  latencyMs: 0,
  rateLimit: { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200, windowMs: 60_000 },
  consistencyWindowMs: 0,
};

/** Graph writes of a request log, as "METHOD path" (for readable failures). */
export function writeLines(log: RequestLogEntry[]): string[] {
  return graphWrites(log).map((e) => `${e.method} ${e.path} -> ${e.status}`);
}

const SECRET_CONFIG = /secret|key|password/i;

/** A value not known yet as the engine hands it to a provider: its placeholder string, not the mocks' object. */
function asEngineSends(value: unknown): unknown {
  if (pulumi.isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(asEngineSends);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asEngineSends(v)]));
  return value;
}

/**
 * `pulumi preview` of a fresh stack: runs the program under mocks and hands every plugin resource
 * to the `check` of the implementation the plugin serves for its type (configured with the stack
 * config), as the engine's preview does. Nothing is ever created: outputs of resources stay
 * unknown. Throws the first error: one thrown while the program is constructed, a check failure
 * (in the engine's wording, `<type> "<name>": <property>: <reason>`), or an unhandled rejection (an input that failed
 * validation when its Output resolved: Pulumi leaves those unhandled on purpose, and the language
 * host fails the program with them). Returns the resources whose check passed.
 */
export async function preview(program: () => unknown, config: Record<string, string>): Promise<string[]> {
  const errors: unknown[] = [];
  const checked: string[] = [];
  let pending = 0;
  // Node's own process (jest's sandbox has a copy): route its unhandled rejections here meanwhile.
  const realProcess = nodeGlobal.process;
  const jestListeners = realProcess.rawListeners("unhandledRejection") as ((...args: unknown[]) => void)[];
  const onRejection = (reason: unknown) => errors.push(reason);
  realProcess.removeAllListeners("unhandledRejection");
  realProcess.on("unhandledRejection", onRejection);
  pulumi.runtime.setAllConfig({ ...config }, Object.keys(config).filter((k) => SECRET_CONFIG.test(k)));
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-id`, state: args.inputs };
        if (!args.custom || !args.type.startsWith(PLUGIN_TYPE)) return { id: undefined, state: args.inputs };
        pending++;
        try {
          const raw = args.inputs;
          const provider = await loadProvider(args.type, config);
          const result = provider.check ? await provider.check({}, asEngineSends(unwrapSecrets(raw))) : { inputs: raw };
          if (result.failures?.length) {
            throw new Error(`${args.type} "${args.name}": ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
          }
          checked.push(`${args.type.slice(PLUGIN_TYPE.length)}::${args.name}`);
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
  try {
    let result: unknown;
    try {
      result = program();
    } catch (error) {
      // Thrown at construction (e.g. a declaration made twice): resources registered before it are
      // still in flight; the wait below lets them finish here rather than in the next run.
      errors.push(error);
    }
    // The program's own outputs (a component's validation may only reject there).
    const outputs = Promise.resolve(result).then(async (value) => {
      const values = value && typeof value === "object" ? Object.values(value) : [];
      for (const v of values) if (pulumi.Output.isInstance(v)) await (v as unknown as { promise(): Promise<unknown> }).promise();
    });
    let outputsSettled = false;
    outputs.then(
      () => void (outputsSettled = true),
      (error) => void (errors.push(error), (outputsSettled = true)),
    );
    // Like the language host: the program is done when its outputs and every resource operation
    // (registrations, component outputs) have settled and no check is running. A failed operation
    // may never settle: the first error ends the wait.
    const deadline = Date.now() + 20_000;
    let rpcsDone = false;
    let stable = 0;
    const watch = () => waitForRPCs().then(() => void (rpcsDone = true));
    let rpcs = watch();
    while (errors.length === 0 && stable < 5) {
      await Promise.race([rpcs, new Promise((r) => setTimeout(r, 5))]);
      if (Date.now() > deadline) throw new Error("preview: the program did not settle within 20 s");
      stable = rpcsDone && outputsSettled && pending === 0 ? stable + 1 : 0;
      if (rpcsDone && stable === 0) {
        rpcsDone = false;
        rpcs = watch();
      }
    }
    // The same failure rejects every input and output it flows into, a little apart: let them all
    // arrive here (up to the end of the resource operations, at most 500 ms).
    if (errors.length > 0) await Promise.race([rpcs, new Promise((r) => setTimeout(r, 500))]);
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    realProcess.removeListener("unhandledRejection", onRejection);
    for (const listener of jestListeners) realProcess.on("unhandledRejection", listener);
  }
  if (errors.length > 0) throw errors[0];
  return checked.sort();
}

/**
 * The real CPIM limit is 300 requests per tenant per sliding 60 s window; the whole lifecycle of the
 * reliability tenant makes ~25 Graph calls, so a proportional limit is a handful of calls per window,
 * and a real 60 s window would make every throttled run wait most of a minute. The emulator's
 * `rateLimit.windowMs` shortens the window: `perTenantPerMinute` calls per `60 s / factor` of wall
 * time, with Retry-After values in wall seconds the client can honour as they are (e.g. factor 30
 * turns "6 per minute" into 6 per 2 s).
 */
export function compressedRateLimit(perTenantPerMinute: number, factor: number): RateLimitSettings {
  return { enabled: true, perTenantPerMinute, perAppPerTenantPerMinute: 200, windowMs: 60_000 / factor };
}

/** A self-signed certificate and its key (forge objects), valid from yesterday (or `notBefore`) for a year. */
function selfSigned(notBefore = new Date(Date.now() - 86_400_000)): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "0b";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(Math.max(Date.now(), notBefore.getTime()) + 365 * 86_400_000);
  cert.setSubject([{ name: "commonName", value: "reliability" }]);
  cert.setIssuer([{ name: "commonName", value: "reliability" }]);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as forge.pki.rsa.PrivateKey;
  cert.sign(key, forge.md.sha256.create());
  return { cert, key };
}

/** A .pfx (base64) with its password; `withKey: false` leaves the private key out. */
export function makePfx(password: string, withKey = true, notBefore?: Date): string {
  const { cert, key } = selfSigned(notBefore);
  const p12 = forge.pkcs12.toPkcs12Asn1(withKey ? key : null, [cert], password, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary").toString("base64");
}

/** A .cer (base64 DER) without a key. */
export function makeCertificate(notBefore?: Date): string {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(selfSigned(notBefore).cert)).getBytes(), "binary").toString("base64");
}
