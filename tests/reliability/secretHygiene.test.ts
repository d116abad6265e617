// Issue 7 item 3: secret hygiene. The lifecycle (up, APP KEY rotation, refresh, failing runs,
// recovery, destroy) runs with distinctive secrets: the app's client secret, APP KEYs old and new,
// and a PFX with its password (PolicyKey pkcs12, from secret config like a real program). Then
// everything a user or a log could see is searched for them: stack outputs, every dynamic resource's
// state (outputs, and inputs except the secret-marked ones, whose RAW registration must be
// secret-wrapped instead: the real engine keeps those encrypted), the serialized providers, the
// errors of failing runs (message, stack, inspect, JSON, cause), console and stdout/stderr, and the
// emulator's request log. The failing runs get Graph errors that ECHO the secret they were sent
// (as a real service may), so redaction is exercised. The test also proves the secrets did reach the
// emulator (snapshot hashes, a successful token grant), so that searching for them means something.
import { inspect, format } from "util";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PERMISSIONS, RunningEmulator } from "../../emulator";
import { PolicyKey } from "../../policyKeys/component";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { fingerprintOf, startTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { capture, isSecretWrapped } from "../helpers/pulumiHarness";
import { graphCalls, tokenRequests } from "../helpers/requestLog";
import { PLUGIN_TYPE, makePfx, nodeGlobal, sha256, signInConfig, stackProgram, tenantStackConfig } from "./tenantFixture";

const CLIENT_ID = "5ec7e7aa-0000-4000-8000-00000000c0de";

/** A self-signed RSA certificate with its private key as a PFX (base64), under `password`. */
const PFX_PASSWORD = "pfxPASS-hyg-51c0e9d2";
const SECRETS = {
  clientSecret: "clientSECRET-hyg-7f3a9b1e4c",
  wechatV1: "0d8e2f6aDeCAFE1bad0d8e2f6aC1D7e1",
  wechatV2: "93b4c1d7BEADfeed93b4c1d7Ab2C0de2",
  wechatV3: "e5a07f28FADEd0c5e5a07f28dEc0DE33",
  qqV1: "qqKEY-v1-hyg-4b6d8f0a",
  weiboV1: "weiboKEY-v1-hyg-2a4c6e8f",
  weiboV2: "weiboKEY-v2-hyg-c3e5a7b9",
  pfxPassword: PFX_PASSWORD,
  pfx: makePfx(PFX_PASSWORD),
};

/**
 * What must never be seen: each secret, its base64, upper-cased, URL-encoded and truncated forms (as
 * a service may quote it), and its unsalted SHA-256 (reversible by a dictionary).
 */
const NEEDLES: [string, string][] = Object.entries(SECRETS).flatMap(([name, value]) => [
  [name, value],
  [`${name} (base64)`, Buffer.from(value).toString("base64")],
  [`${name} (upper-cased)`, value.toUpperCase()],
  [`${name} (URL-encoded)`, encodeURIComponent(value)],
  [`${name} (first 10 characters)`, value.slice(0, 10)],
  [`${name} (sha256)`, sha256(value)],
]);

function leaks(text: string): string[] {
  return NEEDLES.filter(([, needle]) => text.includes(needle)).map(([name]) => name);
}

/** Everything observable about an error: message, stack, every own property, inspect (with cause), JSON. */
function errorText(error: unknown): string {
  const e = error as Record<string, unknown>;
  const own = e && typeof e === "object" ? Object.getOwnPropertyNames(e).map((k) => `${k}=${format("%s", e[k])}`) : [];
  let json = "";
  try {
    json = JSON.stringify(e, e && typeof e === "object" ? Object.getOwnPropertyNames(e) : undefined);
  } catch {
    json = "(circular)";
  }
  return [String(e?.message), String(e?.stack), own.join("\n"), inspect(error, { depth: 10, showHidden: true }), json, e?.cause ? errorText(e.cause) : ""].join("\n");
}

/** Captures console (jest's and Node's) and the process' stdout/stderr until restored. */
function captureOutput(): { text: () => string; restore: () => void } {
  const lines: string[] = [];
  const restores: (() => void)[] = [];
  for (const target of [console, nodeGlobal.console] as unknown as Record<string, (...args: unknown[]) => void>[]) {
    for (const method of ["log", "info", "warn", "error", "debug", "trace"]) {
      const original = target[method];
      target[method] = (...args: unknown[]) => void lines.push(format(...args));
      restores.push(() => void (target[method] = original));
    }
  }
  for (const stream of [nodeGlobal.process.stdout, nodeGlobal.process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof stream.write;
    restores.push(() => void (stream.write = original));
  }
  return { text: () => lines.join("\n"), restore: () => restores.reverse().forEach((r) => r()) };
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ applications: [{ clientId: CLIENT_ID, clientSecret: SECRETS.clientSecret, permissions: [...DEFAULT_PERMISSIONS] }] });
});
afterAll(() => emu.stop());

/** index.ts plus a signing certificate from a PFX in secret config, as a real program would add it. */
function program(): Record<string, unknown> {
  const outputs = stackProgram() as Record<string, unknown>;
  const b2c = new pulumi.Config("b2c");
  const cert = new PolicyKey("signing-cert", { name: "SigningCert", pkcs12: { value: b2c.requireSecret("signingKeyPfx"), password: b2c.requireSecret("signingKeyPassword") } });
  return { ...outputs, signingKeySetId: cert.keySetId, signingKeys: cert.keys };
}

/** Paths (a.b.c) of secret-wrapped values in raw registered inputs. */
function secretPaths(value: unknown, path = ""): string[] {
  if (isSecretWrapped(value)) return [path];
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k));
  return [];
}

function withoutPaths(value: Record<string, any>, paths: string[]): { rest: Record<string, any>; removed: unknown[] } {
  const rest = JSON.parse(JSON.stringify(value));
  const removed: unknown[] = [];
  for (const path of paths) {
    const keys = path.split(".");
    let holder = rest;
    for (const k of keys.slice(0, -1)) holder = holder?.[k];
    if (holder && keys[keys.length - 1] in holder) {
      removed.push(holder[keys[keys.length - 1]]);
      delete holder[keys[keys.length - 1]];
    }
  }
  return { rest, removed };
}

test("no secret in outputs, state, errors, console or the request log; all of them reached Graph", async () => {
  const config = {
    ...tenantStackConfig(emu, { wechatKey: SECRETS.wechatV1, qqKey: SECRETS.qqV1 }),
    "b2c:clientId": CLIENT_ID,
    "b2c:clientSecret": SECRETS.clientSecret,
    "b2c:signingKeyPfx": SECRETS.pfx,
    "b2c:signingKeyPassword": SECRETS.pfxPassword,
    "b2c:weiboAppKey": SECRETS.weiboV1,
  };
  const observed: { what: string; text: string }[] = [];
  const see = (what: string, value: unknown) => observed.push({ what, text: typeof value === "string" ? value : JSON.stringify(value) });
  const before = emu.snapshot();
  const engine = new LifecycleEngine(config);

  const weibo = () => {
    const b2c = new pulumi.Config("b2c");
    new SocialIdentityProvider("weibo", { type: "Weibo", clientId: "weibo-app", clientSecret: b2c.requireSecret("weiboAppKey") });
  };
  const secondCert = () => {
    const b2c = new pulumi.Config("b2c");
    new PolicyKey("second-cert", { name: "SecondCert", pkcs12: { value: b2c.requireSecret("signingKeyPfx"), password: b2c.requireSecret("signingKeyPassword") } });
  };
  // The RAW registrations (as the engine receives them): which inputs are secret-wrapped.
  const secretInputs: Record<string, string[]> = {};
  for (const p of [program, weibo, secondCert]) {
    const { registrations } = await capture(p, { config });
    for (const reg of registrations.filter((r) => r.custom && r.type.startsWith(PLUGIN_TYPE))) {
      secretInputs[`${reg.type}::${reg.name}`] = secretPaths(reg.rawInputs);
    }
  }
  expect(Object.keys(secretInputs)).toHaveLength(12);
  // Every input that carries a secret is registered secret-wrapped (the real engine keeps it encrypted)...
  expect(Object.fromEntries(Object.entries(secretInputs).filter(([, paths]) => paths.length > 0))).toEqual({
    [`${PLUGIN_TYPE}IdentityProvider::social-sign-in-wechat`]: ["clientSecret"],
    [`${PLUGIN_TYPE}IdentityProvider::social-sign-in-qq`]: ["clientSecret"],
    [`${PLUGIN_TYPE}IdentityProvider::weibo`]: ["clientSecret"],
    [`${PLUGIN_TYPE}TrustFrameworkKeySet::social-sign-in-wechat-secret`]: ["secret"],
    [`${PLUGIN_TYPE}TrustFrameworkKeySet::social-sign-in-qq-secret`]: ["secret"],
    [`${PLUGIN_TYPE}TrustFrameworkKeySet::signing-cert`]: ["pkcs12"],
    [`${PLUGIN_TYPE}TrustFrameworkKeySet::second-cert`]: ["pkcs12"],
  });
  // ...so the state is searched without those inputs (kept aside, to show that is where the secrets are).
  const secretMarked = new Set<string>();
  const seeState = (label: string, stack: LifecycleEngine) => {
    for (const [key, res] of stack.state) {
      const { rest, removed } = withoutPaths(res.inputs, secretInputs[key] ?? []);
      for (const [name] of NEEDLES.filter(([, needle]) => JSON.stringify(removed).includes(needle))) secretMarked.add(name);
      see(`${label}: inputs of ${key} (without the secret-marked ones)`, rest);
      see(`${label}: outputs of ${key}`, res.outs);
      see(`${label}: id of ${key}`, res.id);
    }
  };
  const output = captureOutput();
  let canarySeen = false;
  try {
    // The capture is live in both realms (else a clean console would prove nothing).
    nodeGlobal.console.log("canary-node");
    console.warn("canary-jest");
    canarySeen = output.text().includes("canary-node") && output.text().includes("canary-jest");

    // 1. up
    const up = await engine.up(program);
    see("outputs of up", up.outputs);
    seeState("after up", engine);
    let snap = emu.snapshot();
    expect(snap.identityProviders.map((p) => p.clientSecretFingerprint)).toEqual(expect.arrayContaining([fingerprintOf(SECRETS.wechatV1), fingerprintOf(SECRETS.qqV1)]));
    expect(snap.identityProviders).toHaveLength(2);
    expect(snap.keySets.find((k) => k.id === "B2C_1A_SigningCert")!.keys.map((k) => k.secretFingerprint)).toEqual([fingerprintOf(SECRETS.pfx)]);
    expect(snap.keySets.find((k) => k.id === "B2C_1A_QQSecret")!.keys.map((k) => k.secretFingerprint)).toEqual([fingerprintOf(SECRETS.qqV1)]);

    // 2. rotation of the WeChat APP KEY (and a new display name)
    engine.setConfig({ "b2c:socialSignIn": signInConfig("微信"), "b2c:wechatAppKey": SECRETS.wechatV2 });
    const rotated = await engine.up(program);
    see("outputs of the rotation", rotated.outputs);
    seeState("after the rotation", engine);
    snap = emu.snapshot();
    expect(snap.identityProviders.find((p) => p.type === "WeChat")!.clientSecretFingerprint).toEqual(fingerprintOf(SECRETS.wechatV2));
    expect(snap.keySets.find((k) => k.id === "B2C_1A_WeChatSecret")!.keys.map((k) => k.secretFingerprint)).toEqual([fingerprintOf(SECRETS.wechatV1), fingerprintOf(SECRETS.wechatV2)]);

    // 3. refresh
    see("refresh result", await engine.refresh());
    seeState("after refresh", engine);

    // 4. failing runs whose Graph errors quote the secret sent. (Only resources without dependents
    //    fail here: the test engine, unlike Pulumi's, would go on to update their dependents.)
    const failures: unknown[] = [];
    // The emulator's echoSecretsInErrors switch quotes the request's secrets back in the error, as
    // sent, base64, upper-cased, URL-encoded and truncated; one injected 400 per failing run.
    const failing = async (run: () => Promise<unknown>, rule: { method: string; path: string }) => {
      emu.setBehaviour({ echoSecretsInErrors: true });
      emu.setFaults({ rules: [{ ...rule, status: 400, code: "BadRequest", times: 1 }] });
      const injected = () => emu.requestLog().filter((e) => e.fault === "injected:400:BadRequest").length;
      const before = injected();
      try {
        failures.push(await run().then(() => new Error("the run did not fail"), (e: unknown) => e));
      } finally {
        emu.setBehaviour({ echoSecretsInErrors: false });
        emu.setFaults({ rules: [] });
      }
      expect(injected() - before).toBe(1);
    };
    // 4a. WeChat rotation: the key upload fails (the provider's PATCH goes through)
    engine.setConfig({ "b2c:wechatAppKey": SECRETS.wechatV3 });
    await failing(() => engine.up(program), { method: "POST", path: "/keySets/B2C_1A_WeChatSecret/uploadSecret$" });
    seeState("after failing run 1", engine);
    // 4b-d. another stack: creating a provider fails, then uploading a PFX to a new keyset (rolled
    //       back); then the provider is created and its secret rotation fails
    const other = new LifecycleEngine({ ...config });
    await failing(() => other.up(weibo), { method: "POST", path: "^/identity/identityProviders$" });
    await failing(() => other.up(secondCert), { method: "POST", path: "/keySets/B2C_1A_SecondCert/uploadPkcs12$" });
    expect(emu.snapshot().keySets.map((k) => k.id)).not.toContain("B2C_1A_SecondCert");
    await other.up(weibo);
    seeState("other stack after up", other);
    expect(emu.snapshot().identityProviders.find((p) => p.type === "Weibo")!.clientSecretFingerprint).toEqual(fingerprintOf(SECRETS.weiboV1));
    other.setConfig({ "b2c:weiboAppKey": SECRETS.weiboV2 });
    await failing(() => other.up(weibo), { method: "PATCH", path: "^/identity/identityProviders/Weibo-OAUTH$" });
    expect(emu.snapshot().identityProviders.find((p) => p.type === "Weibo")!.clientSecretFingerprint).toEqual(fingerprintOf(SECRETS.weiboV1));
    expect(failures).toHaveLength(4);
    failures.forEach((error, i) => {
      expect(String((error as Error).message)).not.toMatch(/the run did not fail/);
      // The errors do carry Graph's message (with the secret redacted), so their text was searched for real.
      expect(errorText(error)).toMatch(/Received: '\*\*\*' \(base64 \*\*\*=*, upper \*\*\*, url \*\*\*, first chars \*\*\*\.\.\.\)/);
      see(`error of failing run ${i + 1}`, errorText(error));
    });
    seeState("other stack after the failing rotation", other);
    await other.destroy();

    // 5. recovery: the same config without faults converges
    const recovered = await engine.up(program);
    see("outputs of the recovery", recovered.outputs);
    snap = emu.snapshot();
    expect(snap.identityProviders.find((p) => p.type === "WeChat")!.clientSecretFingerprint).toEqual(fingerprintOf(SECRETS.wechatV3));
    expect(snap.keySets.find((k) => k.id === "B2C_1A_WeChatSecret")!.keys.map((k) => k.secretFingerprint)).toEqual(
      [SECRETS.wechatV1, SECRETS.wechatV2, SECRETS.wechatV3].map(fingerprintOf),
    );

    seeState("after recovery", engine);
    // (the secret-marked inputs are where the secrets are; weiboV2 never got past its failing update)
    expect([...secretMarked].filter((n) => !n.includes("(")).sort()).toEqual(["pfx", "pfxPassword", "qqV1", "wechatV1", "wechatV2", "wechatV3", "weiboV1"]);

    // 6. destroy
    await engine.destroy();
    expect(emu.snapshot()).toEqual(before);
  } finally {
    output.restore();
  }
  expect(canarySeen).toBe(true);
  see("console, stdout and stderr", output.text().replace(/canary-(node|jest)/g, ""));

  // The request log: secrets redacted, but the secret-bearing calls are all there.
  const log = emu.requestLog();
  see("emulator request log", log);
  expect(tokenRequests(log).length).toBeGreaterThan(0);
  expect(tokenRequests(log).every((e) => e.status === 200 && e.clientId === CLIENT_ID)).toBe(true);
  const bodies = graphCalls(log).filter((e) => /uploadSecret|uploadPkcs12$/.test(e.path) && e.status === 200).map((e) => e.body);
  expect(bodies).toEqual(expect.arrayContaining([expect.objectContaining({ k: "[redacted]" }), expect.objectContaining({ key: "[redacted]", password: "[redacted]" })]));

  expect(observed.length).toBeGreaterThan(100);
  expect(observed.map(({ what, text }) => ({ what, leaks: leaks(text) })).filter((o) => o.leaks.length > 0)).toEqual([]);
});

test("the search itself finds each secret (needles are what the tenant received)", () => {
  expect(leaks(JSON.stringify(SECRETS)).filter((n) => !n.includes("(")).sort()).toEqual(Object.keys(SECRETS).sort());
  expect(leaks(NEEDLES.map(([, n]) => n).join(" "))).toEqual(NEEDLES.map(([name]) => name));
});
