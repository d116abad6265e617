// PolicyKey's resource (b2c-identity:index:TrustFrameworkKeySet), through the implementation the
// provider plugin serves for that type, against the local Graph emulator (never a stubbed client).
import { createHash, generateKeyPairSync } from "crypto";
import * as forge from "node-forge";
import type { RunningEmulator } from "../../emulator";
import { PolicyKey, PolicyKeyArgs } from "../../policyKeys/component";
import { useSkippedWaits } from "../helpers/clock";
import { fingerprintOf, graphFetch, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";

const TYPE = "b2c-identity:index:TrustFrameworkKeySet";
const KEYSETS = "/beta/trustFramework/keySets";

let emu: RunningEmulator;

// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The resource's inputs as a PolicyKey component registers them (secrets unwrapped, as the engine hands them over). */
async function inputsOf(args: PolicyKeyArgs): Promise<Record<string, any>> {
  const { registrations } = await capture(() => new PolicyKey("key", args));
  const reg = registrations.find((r) => r.type === TYPE);
  if (!reg) throw new Error(`no ${TYPE} registered`);
  return reg.inputs;
}

/** The implementation the plugin serves for the keyset type, configured with the emulator's stack config. */
async function provider() {
  return loadProvider(TYPE, emulatorStackConfig(emu));
}

/** check + create, as the engine does for a new resource; the request log starts empty. */
async function createKey(args: PolicyKeyArgs) {
  const inputs = await inputsOf(args);
  const p = await provider();
  emu.clearRequestLog();
  const created = await checkAndCreate(p, inputs);
  return { p, ...created };
}

/** check + diff (+ update when the diff asks for it), as the engine does for an existing resource. */
async function checkedInputs(p: any, args: PolicyKeyArgs): Promise<any> {
  const inputs = await inputsOf(args);
  // Old inputs, as the engine passes for a resource in state (a new one, olds {}, is looked up in the tenant).
  const checked = await p.check({ name: inputs.name }, inputs);
  expect(checked.failures ?? []).toEqual([]);
  return checked.inputs;
}

function keySet(id: string) {
  return emu.snapshot().keySets.find((s) => s.id.toLowerCase() === id.toLowerCase());
}

async function serviceActiveKid(id: string): Promise<string> {
  const res = await graphFetch(emu, "GET", `${KEYSETS}/${id}/getActiveKey`);
  expect(res.status).toBe(200);
  // The documented answer has no kid: the key with the answer's dates and use.
  const keys = (await graphFetch(emu, "GET", `${KEYSETS}/${id}`)).body.keys as { kid: string; nbf?: number; exp?: number }[];
  const match = keys.filter((k) => k.nbf === res.body.nbf && k.exp === res.body.exp);
  return match[match.length - 1].kid;
}

async function createOutOfBand(id: string, keys: Array<Record<string, unknown>> = [], action = "uploadSecret"): Promise<void> {
  expect((await graphFetch(emu, "POST", KEYSETS, { id })).status).toBe(201);
  for (const body of keys) {
    expect((await graphFetch(emu, "POST", `${KEYSETS}/${id}/${action}`, body)).status).toBe(200);
  }
}

/** A self-signed RSA certificate (base64 DER) and a PFX (base64) holding it with its private key. */
function certificateAndPfx(password: string): { certificate: string; pfx: string; thumbprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "0a";
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: "commonName", value: "policy-key-test" }]);
  cert.setIssuer([{ name: "commonName", value: "policy-key-test" }]);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  cert.sign(key, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: "3des" });
  return {
    certificate: der.toString("base64"),
    pfx: Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary").toString("base64"),
    thumbprint: createHash("sha1").update(der).digest("base64url"),
  };
}

describe("the plugin's implementation", () => {
  test("the component registers the plugin's keyset type with the secret as an input, and the plugin serves that type", async () => {
    const inputs = await inputsOf({ name: "Served", secret: { value: "served-app-key-1" } });
    expect(inputs.secret.value).toBe("served-app-key-1");
    const p = await provider();
    expect(typeof p.create).toBe("function");
    expect(typeof p.diff).toBe("function");
  });
});

describe("create", () => {
  test("secret: exactly 2 writes (create keyset, uploadSecret) after create's look; outputs without material", async () => {
    const { id, outs } = await createKey({ name: "WeChatSecret", secret: { value: "e6a36e34191d2bc8e9164f5448061364" } });
    const log = emu.requestLog();
    // Looked up just before the first write (README "Who owns what"); a preview's look is the
    // plugin's Create with preview set, which `up` without a preview does not make.
    expect(describeCalls(graphCalls(log))).toEqual([
      `GET ${KEYSETS}/B2C_1A_WeChatSecret -> 404`,
      `POST ${KEYSETS} -> 201`,
      `POST ${KEYSETS}/B2C_1A_WeChatSecret/uploadSecret -> 200`,
    ]);
    expect(graphWrites(log)).toHaveLength(2);
    // The bare name: the service adds B2C_1A_ (see tests/domain/ids.test.ts).
    expect(graphWrites(log)[0].body).toEqual({ id: "WeChatSecret" });
    expect(graphWrites(log)[1].body).toEqual({ use: "sig", k: "[redacted]" });
    expect(id).toBe("B2C_1A_WeChatSecret");
    expect(outs.keySetId).toBe("B2C_1A_WeChatSecret");
    const set = keySet(id)!;
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: "OCT", use: "sig", secretFingerprint: fingerprintOf("e6a36e34191d2bc8e9164f5448061364") });
    expect(outs.keys).toEqual([{ kid: set.keys[0].kid, use: "sig", kty: "OCT", status: "enabled" }]);
    expect(outs.activeKeyId).toBe(set.keys[0].kid);
    expect(outs.activeKeyId).toBe(await serviceActiveKid(id));
    expect(JSON.stringify(outs)).not.toContain("e6a36e34191d2bc8e9164f5448061364");
    expect(outs.adopted).toBe(false);
  });

  test("a name given with the prefix in another case names the same keyset", async () => {
    const { id } = await createKey({ name: "b2c_1a_FacebookSecret", secret: { value: "fb-padded" } });
    expect(id).toBe("B2C_1A_FacebookSecret");
    expect(emu.snapshot().keySets.map((s) => s.id)).toEqual(["B2C_1A_FacebookSecret"]);
  });

  test("dates are sent as Unix seconds (ISO string and Date)", async () => {
    const { id, outs } = await createKey({
      name: "Dated",
      secret: { value: "v-padded", use: "enc", notBefore: "2026-01-01T00:00:00Z", expiresOn: new Date("2040-06-01T12:00:00Z") },
    });
    const upload = graphWrites(emu.requestLog())[1];
    expect(upload.body).toEqual({ use: "enc", k: "[redacted]", nbf: 1767225600, exp: 2222164800 });
    expect(keySet(id)!.keys[0]).toMatchObject({ nbf: 1767225600, exp: 2222164800, use: "enc" });
    expect(outs.keys[0]).toMatchObject({ nbf: 1767225600, exp: 2222164800 });
  });

  test("generate RSA enc -> generateKey {use, kty}", async () => {
    const { id, outs } = await createKey({ name: "TokenEncryptionKeyContainer", generate: { keyType: "RSA", use: "enc" } });
    const writes = graphWrites(emu.requestLog());
    expect(writes).toHaveLength(2);
    expect(writes[1].path).toBe(`${KEYSETS}/B2C_1A_TokenEncryptionKeyContainer/generateKey`);
    expect(writes[1].body).toEqual({ use: "enc", kty: "RSA" });
    expect(keySet(id)!.keys).toEqual([expect.objectContaining({ kty: "RSA", use: "enc" })]);
    expect(outs.keys[0]).toEqual({ kid: keySet(id)!.keys[0].kid, use: "enc", kty: "RSA", status: "enabled" });
  });

  test("certificate -> uploadCertificate {key}", async () => {
    const { certificate, thumbprint } = certificateAndPfx("pw");
    const { id } = await createKey({ name: "SamlCert", certificate: { value: certificate } });
    const writes = graphWrites(emu.requestLog());
    expect(writes.map((w) => w.path)).toEqual([KEYSETS, `${KEYSETS}/B2C_1A_SamlCert/uploadCertificate`]);
    expect(keySet(id)!.keys).toHaveLength(1);
    const listed = await graphFetch(emu, "GET", `${KEYSETS}/${id}`);
    expect(listed.body.keys[0].x5t).toBe(thumbprint);
  });

  test("pkcs12 -> uploadPkcs12 {key, password}", async () => {
    const { pfx } = certificateAndPfx("pfx-pass-1");
    const { id, outs } = await createKey({ name: "SamlPfx", pkcs12: { value: pfx, password: "pfx-pass-1" } });
    const writes = graphWrites(emu.requestLog());
    expect(writes[1].path).toBe(`${KEYSETS}/B2C_1A_SamlPfx/uploadPkcs12`);
    expect(writes[1].body).toEqual({ key: "[redacted]", password: "[redacted]" });
    expect(keySet(id)!.keys[0].secretFingerprint).toEqual(fingerprintOf(pfx));
    expect(JSON.stringify(outs)).not.toContain("pfx-pass-1");
  });

  test("a wrong pfx password is caught locally: no Graph call at all, and the password is never shown", async () => {
    const { pfx } = certificateAndPfx("right-password");
    const error = await createKey({ name: "WrongPfx", pkcs12: { value: pfx, password: "wrong-password-42" } }).catch((e) => e);
    expect(error.message).toMatch(/pkcs12\.password: does not open the \.pfx file/);
    expect(error.message).not.toContain("wrong-password-42");
    expect(graphCalls(emu.requestLog())).toEqual([]);
    expect(emu.snapshot().keySets).toEqual([]);
  });

  test("uploadSecret failing permanently: readable error, keyset deleted again (no orphan)", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", status: 400, code: "AADB2C90215" }] });
    const error = await createKey({ name: "Broken", secret: { value: "the-secret-value" } }).catch((e) => e);
    expect(error).toMatchObject({ name: "PolicyKeyError" });
    expect(error.message).toMatch(/Could not add the key to policy key container B2C_1A_Broken: the key is badly formatted/);
    expect(error.message).toMatch(/deleted again, so nothing is left behind/);
    expect(error.message).not.toContain("the-secret-value");
    expect(emu.snapshot().keySets).toEqual([]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      `POST ${KEYSETS} -> 201`,
      `POST ${KEYSETS}/B2C_1A_Broken/uploadSecret -> 400`,
      `DELETE ${KEYSETS}/B2C_1A_Broken -> 204`,
    ]);
  });

  test("uploadSecret failing with AADB2C90063 once, then succeeding: exactly one key", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", code: "AADB2C90063", times: 1 }] });
    const { id, outs } = await createKey({ name: "Flaky", secret: { value: "flaky-secret" } });
    const uploads = graphWrites(emu.requestLog()).filter((e) => e.path.endsWith("/uploadSecret"));
    expect(uploads.map((e) => e.status)).toEqual([400, 200]);
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(keySet(id)!.keys[0].secretFingerprint).toEqual(fingerprintOf("flaky-secret"));
    expect(outs.keys).toHaveLength(1);
  });

  test("a key upload whose connection drops is not blindly re-sent: the keyset is read first, then one key", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", dropConnection: true, times: 1 }] });
    const { id, outs } = await createKey({ name: "DropUpload", secret: { value: "drop-upload" } });
    const calls = describeCalls(graphCalls(emu.requestLog()));
    expect(calls.filter((c) => c.includes("/uploadSecret"))).toEqual([
      `POST ${KEYSETS}/B2C_1A_DropUpload/uploadSecret -> 0`,
      `POST ${KEYSETS}/B2C_1A_DropUpload/uploadSecret -> 200`,
    ]);
    expect(calls).toContain(`GET ${KEYSETS}/B2C_1A_DropUpload -> 200`);
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(outs.keys).toHaveLength(1);
  });

  // Issue 20: uploads are not idempotent; a 504 leaves the outcome unknown, like a lost answer.
  test("a 504 after the upload was carried out: the keyset is read, the landed key is ours, nothing is sent again", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", loseResponse: true, status: 504, times: 1 }] });
    const { id, outs } = await createKey({ name: "Gateway", secret: { value: "gateway-secret" } });
    const calls = describeCalls(graphCalls(emu.requestLog()));
    expect(calls.filter((c) => c.includes("/uploadSecret"))).toEqual([`POST ${KEYSETS}/B2C_1A_Gateway/uploadSecret -> 504`]);
    expect(calls).toContain(`GET ${KEYSETS}/B2C_1A_Gateway -> 200`);
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(outs.keys).toHaveLength(1);
  });

  test("a 504 before the upload was carried out: the keyset is read, nothing landed, it is sent again: one key", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", status: 504, code: "gatewayTimeout", times: 1 }] });
    const { id, outs } = await createKey({ name: "Gateway2", secret: { value: "gateway-secret" } });
    const calls = describeCalls(graphCalls(emu.requestLog()));
    expect(calls.filter((c) => c.includes("/uploadSecret"))).toEqual([
      `POST ${KEYSETS}/B2C_1A_Gateway2/uploadSecret -> 504`,
      `POST ${KEYSETS}/B2C_1A_Gateway2/uploadSecret -> 200`,
    ]);
    expect(calls).toContain(`GET ${KEYSETS}/B2C_1A_Gateway2 -> 200`);
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(outs.keys).toHaveLength(1);
  });

  test("a fresh keyset answering 404 (AADB2C90073) to the upload for a while is waited for", async () => {
    emu.setFaults({
      consistencyWindowMs: 1000,
      rules: [{ method: "POST", path: "/uploadSecret$", status: 404, code: "AADB2C90073", times: 2 }],
    });
    const { p, id, outs } = await createKey({ name: "Eventual", secret: { value: "eventual" } });
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(outs.keys).toHaveLength(1);
    // A refresh inside the 1 s window: GET answers 404, but right after our own write that is not "deleted".
    emu.clearRequestLog();
    const read = await p.read!(id, outs);
    expect(read.id).toBe(id);
    expect(read.props.keys).toHaveLength(1);
    expect(graphCalls(emu.requestLog()).some((e) => e.status === 404)).toBe(true);
  });

  test("a fresh keyset answering AADB2C95052 (not created yet) to the upload is waited for", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/generateKey$", status: 400, code: "AADB2C95052", times: 1 }] });
    const { id } = await createKey({ name: "NotYet", generate: { keyType: "RSA", use: "sig" } });
    expect(keySet(id)!.keys).toHaveLength(1);
  });

  test("POST carried out and its answer lost, the resend answering duplicate: the empty keyset is ours, one key", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/trustFramework/keySets$", loseResponse: true, times: 1 }] });
    const { id, outs } = await createKey({ name: "Dropped", secret: { value: "dropped-padded" } });
    expect(id).toBe("B2C_1A_Dropped");
    expect(outs.adopted).toBe(false);
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      `POST ${KEYSETS} -> 201`,
      `POST ${KEYSETS} -> 409`,
      `POST ${KEYSETS}/B2C_1A_Dropped/uploadSecret -> 200`,
    ]);
  });

  test("'already exists' for a name Graph can't show yet (just deleted by a replace) is retried, not reported", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/trustFramework/keySets$", status: 409, code: "AADB2C95028", times: 1 }] });
    const { id } = await createKey({ name: "Replaced", secret: { value: "v-padded" } });
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([
      `GET ${KEYSETS}/B2C_1A_Replaced -> 404`,
      `POST ${KEYSETS} -> 409`,
      `GET ${KEYSETS}/B2C_1A_Replaced -> 404`,
      `POST ${KEYSETS} -> 201`,
      `POST ${KEYSETS}/B2C_1A_Replaced/uploadSecret -> 200`,
    ]);
    expect(keySet(id)!.keys).toHaveLength(1);
  });

  test("after a dropped connection, a duplicate keyset that already has keys is not taken as ours", async () => {
    await createOutOfBand("B2C_1A_NotOurs", [{ use: "sig", k: "someone-elses" }]);
    emu.setFaults({ rules: [{ method: "POST", path: "/trustFramework/keySets$", dropConnection: true, times: 1 }] });
    const error = await createKey({ name: "NotOurs", secret: { value: "mine-padded" } }).catch((e) => e);
    expect(error.message).toMatch(/already exists/);
    expect(keySet("B2C_1A_NotOurs")!.keys).toHaveLength(1);
  });
});

describe("existing keyset (AADB2C95028)", () => {
  test("refused without adoptExisting: clear message at check (preview), nothing written", async () => {
    await createOutOfBand("B2C_1A_Taken", [{ use: "sig", k: "portal-secret" }]);
    const error = await createKey({ name: "Taken", secret: { value: "stack-secret" } }).catch((e) => e);
    expect(error.message).toMatch(/policy key container B2C_1A_Taken already exists in tenant .*adoptExisting: true/);
    expect(keySet("B2C_1A_Taken")!.keys).toHaveLength(1);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("adopt secret: existing keys kept, the stack's secret added once as the active key; a re-run adds nothing", async () => {
    await createOutOfBand("B2C_1A_Adopted", [{ use: "sig", k: "portal-secret" }]);
    const args: PolicyKeyArgs = { name: "Adopted", secret: { value: "stack-secret" }, adoptExisting: true };
    const { p, id, outs } = await createKey(args);
    const set = keySet(id)!;
    expect(set.keys).toHaveLength(2);
    expect(set.keys[1].secretFingerprint).toEqual(fingerprintOf("stack-secret"));
    expect(Math.abs(set.keys[1].nbf! - nowSeconds())).toBeLessThanOrEqual(2);
    expect(outs.adopted).toBe(true);
    expect(outs.keys.map((k: any) => k.kid)).toEqual(set.keys.map((k) => k.kid));
    expect(outs.activeKeyId).toBe(set.keys[1].kid);
    expect(outs.activeKeyId).toBe(await serviceActiveKid(id));
    // The next `up`: same secret, no change, no call.
    emu.clearRequestLog();
    const diff = await p.diff!(id, outs, await checkedInputs(p, args));
    expect(diff.changes).toBe(false);
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });

  test("adopt an empty keyset: the key is added as a create would (no nbf)", async () => {
    await createOutOfBand("B2C_1A_Empty");
    const { id, outs } = await createKey({ name: "Empty", secret: { value: "s-padded" }, adoptExisting: true });
    expect(keySet(id)!.keys).toHaveLength(1);
    expect(keySet(id)!.keys[0].nbf).toBeUndefined();
    expect(outs.adopted).toBe(true);
  });

  test("adopt generate with a matching RSA key: nothing generated (the token key is not rotated)", async () => {
    await createOutOfBand("B2C_1A_TokenSigningKeyContainer", [{ use: "sig", kty: "RSA" }], "generateKey");
    const before = keySet("B2C_1A_TokenSigningKeyContainer")!.keys[0].kid;
    const { id, outs } = await createKey({ name: "TokenSigningKeyContainer", generate: { keyType: "RSA", use: "sig" }, adoptExisting: true });
    // Adoption looks first: one read, no write.
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([`GET ${KEYSETS}/B2C_1A_TokenSigningKeyContainer -> 200`]);
    expect(keySet(id)!.keys.map((k) => k.kid)).toEqual([before]);
    expect(outs.keys.map((k: any) => k.kid)).toEqual([before]);
    expect(outs.activeKeyId).toBe(before);
  });

  test("adopt generate where every key has expired: one new key is generated", async () => {
    await createOutOfBand("B2C_1A_Expired");
    // Expires 1-2 s from now (B2C refuses a past exp, so an expired key has to age).
    const exp = nowSeconds() + 2;
    expect((await graphFetch(emu, "POST", `${KEYSETS}/B2C_1A_Expired/generateKey`, { use: "sig", kty: "RSA", exp })).status).toBe(200);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    const { id, outs } = await createKey({ name: "Expired", generate: { keyType: "RSA", use: "sig" }, adoptExisting: true });
    expect(graphWrites(emu.requestLog()).map((e) => e.path)).toEqual([`${KEYSETS}/B2C_1A_Expired/generateKey`]);
    const set = keySet(id)!;
    expect(set.keys).toHaveLength(2);
    expect(outs.activeKeyId).toBe(set.keys[1].kid);
  });

  test("adopt generate RSA over an oct keyset is refused with the reason", async () => {
    await createOutOfBand("B2C_1A_OctSet", [{ use: "sig", k: "oct-secret" }]);
    const error = await createKey({ name: "OctSet", generate: { keyType: "RSA", use: "sig" }, adoptExisting: true }).catch((e) => e);
    expect(error.message).toMatch(/Cannot adopt policy key container B2C_1A_OctSet: it holds OCT\/sig keys .* RSA\/sig/);
    expect(keySet("B2C_1A_OctSet")!.keys).toHaveLength(1);
  });

  test("adopt certificate already present (same x5t): nothing uploaded", async () => {
    const { certificate } = certificateAndPfx("pw");
    await createOutOfBand("B2C_1A_CertSet", [{ key: certificate }], "uploadCertificate");
    const { id } = await createKey({ name: "CertSet", certificate: { value: certificate }, adoptExisting: true });
    expect(graphWrites(emu.requestLog()).map((e) => e.path)).toEqual([]);
    expect(keySet(id)!.keys).toHaveLength(1);
  });

  test("adopt pkcs12 whose certificate is already present: nothing uploaded", async () => {
    const { certificate, pfx } = certificateAndPfx("pw-1");
    await createOutOfBand("B2C_1A_PfxSet", [{ key: certificate }], "uploadCertificate");
    const { id } = await createKey({ name: "PfxSet", pkcs12: { value: pfx, password: "pw-1" }, adoptExisting: true });
    expect(graphWrites(emu.requestLog()).map((e) => e.path)).toEqual([]);
    expect(keySet(id)!.keys).toHaveLength(1);
  });
});

describe("diff and update", () => {
  test("no change: changes false and 0 Graph calls", async () => {
    const args: PolicyKeyArgs = { name: "Stable", secret: { value: "same-padded", notBefore: "2026-01-01", expiresOn: "2040-01-01" }, rotationTrigger: "a" };
    const { p, id, outs } = await createKey(args);
    const news = await checkedInputs(p, { ...args, name: "b2c_1a_stable" });
    emu.clearRequestLog();
    const diff = await p.diff!(id, outs, news);
    expect(diff.changes).toBe(false);
    expect(diff.replaces).toEqual([]);
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });

  test("rotation: a new secret appends one key to the same keyset (1 write), active from now", async () => {
    const { p, id, outs } = await createKey({ name: "Rotating", secret: { value: "v1-padded" } });
    const news = await checkedInputs(p, { name: "Rotating", secret: { value: "v2-padded" } });
    emu.clearRequestLog();
    const diff = await p.diff!(id, outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await p.update!(id, outs, news);
    const writes = graphWrites(emu.requestLog());
    expect(describeCalls(writes)).toEqual([`POST ${KEYSETS}/B2C_1A_Rotating/uploadSecret -> 200`]);
    expect(graphCalls(emu.requestLog())).toHaveLength(1);
    const nbf = (writes[0].body as any).nbf;
    expect(Math.abs(nbf - nowSeconds())).toBeLessThanOrEqual(2);
    const set = keySet(id)!;
    expect(set.keys.map((k) => k.secretFingerprint)).toEqual([fingerprintOf("v1-padded"), fingerprintOf("v2-padded")]);
    expect(updated.outs!.keySetId).toBe(id);
    expect(updated.outs!.keys.map((k: any) => k.kid)).toEqual(set.keys.map((k) => k.kid));
    expect(updated.outs!.activeKeyId).not.toBe(outs.activeKeyId);
    expect(updated.outs!.activeKeyId).toBe(set.keys[1].kid);
    expect(updated.outs!.activeKeyId).toBe(await serviceActiveKid(id));
    // And the state now matches v2: the next diff is quiet.
    expect((await p.diff!(id, updated.outs, news)).changes).toBe(false);
  });

  test("rotation keeps a user-given notBefore", async () => {
    const { p, id, outs } = await createKey({ name: "RotNbf", secret: { value: "v1-padded", notBefore: "2025-06-01T00:00:00Z" } });
    const news = await checkedInputs(p, { name: "RotNbf", secret: { value: "v2-padded", notBefore: "2025-07-01T00:00:00Z" } });
    emu.clearRequestLog();
    await p.update!(id, outs, news);
    expect((graphWrites(emu.requestLog())[0].body as any).nbf).toBe(1751328000);
  });

  test("a rotationTrigger change generates one new key in the same keyset", async () => {
    const { p, id, outs } = await createKey({ name: "GenRot", generate: { keyType: "RSA", use: "sig" }, rotationTrigger: "2025" });
    const news = await checkedInputs(p, { name: "GenRot", generate: { keyType: "RSA", use: "sig" }, rotationTrigger: "2026" });
    expect((await p.diff!(id, outs, news)).changes).toBe(true);
    emu.clearRequestLog();
    const updated = await p.update!(id, outs, news);
    expect(graphWrites(emu.requestLog()).map((e) => e.path)).toEqual([`${KEYSETS}/B2C_1A_GenRot/generateKey`]);
    expect(keySet(id)!.keys).toHaveLength(2);
    expect(updated.outs!.activeKeyId).toBe(keySet(id)!.keys[1].kid);
  });

  test("a new expiresOn is a rotation (keys can't be changed), not a replacement", async () => {
    const { p, id, outs } = await createKey({ name: "Extend", secret: { value: "v-padded", expiresOn: "2035-01-01" } });
    const news = await checkedInputs(p, { name: "Extend", secret: { value: "v-padded", expiresOn: "2036-01-01" } });
    const diff = await p.diff!(id, outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await p.update!(id, outs, news);
    expect(keySet(id)!.keys.map((k) => k.exp)).toEqual([2051222400, 2082758400]);
  });

  test("source kind, use or keyType changes replace the keyset (delete first); a name change replaces (create first)", async () => {
    const { p, id, outs } = await createKey({ name: "Kinds", secret: { value: "v-padded" } });
    const toGenerate = await p.diff!(id, outs, await checkedInputs(p, { name: "Kinds", generate: { keyType: "oct", use: "sig" } }));
    expect(toGenerate).toMatchObject({ changes: true, replaces: ["secret", "generate"], deleteBeforeReplace: true });
    const toEnc = await p.diff!(id, outs, await checkedInputs(p, { name: "Kinds", secret: { value: "v-padded", use: "enc" } }));
    expect(toEnc).toMatchObject({ changes: true, replaces: ["secret"], deleteBeforeReplace: true });
    const renamed = await p.diff!(id, outs, await checkedInputs(p, { name: "Kinds2", secret: { value: "v-padded" } }));
    expect(renamed).toMatchObject({ changes: true, replaces: ["name"], deleteBeforeReplace: false });

    const gen = await createKey({ name: "GenKinds", generate: { keyType: "RSA", use: "sig" } });
    const toOct = await gen.p.diff!(gen.id, gen.outs, await checkedInputs(gen.p, { name: "GenKinds", generate: { keyType: "oct", use: "sig" } }));
    expect(toOct).toMatchObject({ changes: true, replaces: ["generate"], deleteBeforeReplace: true });
  });

  test("rotation on a keyset deleted out of band says to refresh", async () => {
    const { p, id, outs } = await createKey({ name: "Vanished", secret: { value: "v1-padded" } });
    expect((await graphFetch(emu, "DELETE", `${KEYSETS}/${id}`)).status).toBe(204);
    const news = await checkedInputs(p, { name: "Vanished", secret: { value: "v2-padded" } });
    const error = await p.update!(id, outs, news).catch((e: Error) => e);
    expect(error).toMatchObject({ name: "PolicyKeyError" });
    expect((error as Error).message).toMatch(/no longer exists .*pulumi refresh/);
    expect((error as Error).message).not.toContain("v2");
  });
});

describe("read (refresh) and delete", () => {
  /** State as it looks a minute after the create: outside the read-after-write grace. */
  const aged = (outs: any) => ({ ...outs, lastWriteAt: Date.now() - 60_000 });

  test("refresh is one GET when the active key follows from the documented rules", async () => {
    const { p, id, outs } = await createKey({ name: "Refresh", secret: { value: "v-padded" } });
    emu.clearRequestLog();
    const read = await p.read!(id, aged(outs));
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([`GET ${KEYSETS}/B2C_1A_Refresh -> 200`]);
    expect(read.id).toBe(id);
    expect(read.props.activeKeyId).toBe(outs.activeKeyId);
  });

  test("a key added out of band appears in keys (and becomes the active key)", async () => {
    const { p, id, outs } = await createKey({ name: "Drift", secret: { value: "v-padded" } });
    const added = await graphFetch(emu, "POST", `${KEYSETS}/${id}/uploadSecret`, { use: "sig", k: "portal-added", nbf: nowSeconds() - 10 });
    emu.clearRequestLog();
    const read = await p.read!(id, aged(outs));
    expect(read.props.keys.map((k: any) => k.kid)).toEqual([outs.keys[0].kid, added.body.kid]);
    expect(read.props.activeKeyId).toBe(added.body.kid);
    expect(graphCalls(emu.requestLog())).toHaveLength(1);
    expect(read.props.activeKeyId).toBe(await serviceActiveKid(id));
  });

  test("when the rules leave it open (two undated keys), refresh asks getActiveKey", async () => {
    const { p, id, outs } = await createKey({ name: "Undated", secret: { value: "v-padded" } });
    const added = await graphFetch(emu, "POST", `${KEYSETS}/${id}/uploadSecret`, { use: "sig", k: "second-undated" });
    emu.clearRequestLog();
    const read = await p.read!(id, aged(outs));
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([`GET ${KEYSETS}/B2C_1A_Undated -> 200`, `GET ${KEYSETS}/B2C_1A_Undated/getActiveKey -> 200`]);
    expect(read.props.activeKeyId).toBe(added.body.kid);
  });

  test("a keyset deleted out of band disappears from state", async () => {
    const { p, id, outs } = await createKey({ name: "Gone", secret: { value: "v-padded" } });
    expect((await graphFetch(emu, "DELETE", `${KEYSETS}/${id}`)).status).toBe(204);
    emu.clearRequestLog();
    const read = await p.read!(id, aged(outs));
    expect(read).toEqual({ id: "", props: {} });
    // Long after our last write a 404 means gone: one read, no waiting out the read-after-write grace.
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([`GET ${KEYSETS}/B2C_1A_Gone -> 404`]);
  });

  test("delete removes the keyset; a second delete (404) counts as done", async () => {
    const { p, id, outs } = await createKey({ name: "Deleted", secret: { value: "v-padded" } });
    emu.clearRequestLog();
    await p.delete!(id, outs);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([`DELETE ${KEYSETS}/B2C_1A_Deleted -> 204`]);
    expect(keySet(id)).toBeUndefined();
    await expect(p.delete!(id, outs)).resolves.toBeUndefined();
  });
});

describe("check", () => {
  test("fails before any Graph call, naming the argument", async () => {
    const p = await provider();
    emu.clearRequestLog();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: "X" }, "secret|generate|certificate|pkcs12"],
      [{ name: "X", secret: { value: "v-padded" }, generate: { keyType: "RSA", use: "sig" } }, "secret|generate"],
      [{ name: "X", secret: { value: "v-padded", keyType: "RSA" } }, "secret.keyType"],
      [{ name: "X", secret: { value: "v-padded", expiresOn: "2001-01-01" } }, "secret.expiresOn"],
      [{ name: "X", secret: { value: "v-padded", notBefore: "2031-01-01", expiresOn: "2030-01-01" } }, "secret.notBefore"],
      [{ name: "X", secret: { value: "" } }, "secret.value"],
      [{ name: "bad name!", secret: { value: "v-padded" } }, "name"],
      [{ name: "X", certificate: { value: "@@@-padded" } }, "certificate.value"],
      [{ name: "X", pkcs12: { value: "@@@-padded", password: "p" } }, "pkcs12.value"],
      [{ name: "X", pkcs12: { value: Buffer.alloc(80, 0x30).toString("base64"), password: "" } }, "pkcs12.password"],
    ];
    for (const [inputs, property] of cases) {
      const result = await p.check!({}, inputs);
      expect(result.failures?.map((f) => f.property)).toEqual([property]);
    }
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });

  test("normalizes: default use sig, canonical keyType, adoptExisting false", async () => {
    const p = await provider();
    const secret = await p.check!({}, { name: "X", secret: { value: "v-padded" } });
    expect(secret.inputs).toMatchObject({ secret: { value: "v-padded", use: "sig" }, adoptExisting: false });
    const generated = await p.check!({}, { name: "X", generate: { keyType: "rsa", use: "sig" } });
    expect(generated.inputs).toMatchObject({ generate: { keyType: "RSA", use: "sig" } });
  });
});
