// Checklist 18-25: keysets, key material never returned, generateKey, uploadSecret,
// uploadCertificate/uploadPkcs12, missing keysets, getActiveKey.
// Pages: https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta,
// https://learn.microsoft.com/graph/api/resources/trustframeworkkey?view=graph-rest-beta and the action pages.
import { createHash, X509Certificate } from "crypto";
import * as forge from "node-forge";
import { ensureCertificateAuthority } from "../../emulator/certificateAuthority";
import type { RunningEmulator } from "../../emulator";
import { fingerprintOf, graphFetch, useTestEmulator } from "../helpers/emulator";

const SETS = "/beta/trustFramework/keySets";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const now = () => Math.floor(Date.now() / 1000);
const ca = ensureCertificateAuthority();
const certificateDerBase64 = new X509Certificate(ca.caPem).raw.toString("base64");

function pfxBase64(password: string): string {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(ca.caKeyPem), [forge.pki.certificateFromPem(ca.caPem)], password, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary").toString("base64");
}

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
beforeEach(() => {
  emu.setBehaviour({
    duplicateKeySetStatus: 409,
    rejectKeysOnKeySetCreate: false,
    keySetIdPrefix: "keepPrefixed",
    keyDatesAsStrings: false,
    keySetDeleteLeavesBackup: false,
    missingKeySetOnKeyOperation: "AADB2C90073",
    noActiveKeyStatus: 404,
    detectWrongPkcs12Password: true,
  });
});

async function createSet(id = "WeChatSecret") {
  return graphFetch(emu, "POST", SETS, { id });
}

describe("checklist 18: create keyset", () => {
  test("adds the B2C_1A_ prefix; 201 + Location keySets('<id>') + {id, keys: []}", async () => {
    const res = await createSet("WeChatSecret");
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/trustFramework/keySets('B2C_1A_WeChatSecret')");
    expect(res.body).toMatchObject({ id: "B2C_1A_WeChatSecret", keys: [] });
    const prefixed = await createSet("B2C_1A_QQSecret");
    expect(prefixed.body.id).toBe("B2C_1A_QQSecret");
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_WeChatSecret", "B2C_1A_QQSecret"]);
  });

  test("keySetIdPrefix 'always' prefixes whatever is sent, as the page's example reads", async () => {
    emu.setBehaviour({ keySetIdPrefix: "always" });
    expect((await createSet("keyset1")).body.id).toBe("B2C_1A_keyset1");
    expect((await createSet("B2C_1A_twice")).body.id).toBe("B2C_1A_B2C_1A_twice");
  });

  test("duplicate -> AADB2C95028, 409 by default or the configured status", async () => {
    await createSet("Dup");
    const dup = await createSet("B2C_1A_dup");
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("AADB2C95028");
    expect(dup.body.error.message).toContain("already exists");
    emu.setBehaviour({ duplicateKeySetStatus: 400 });
    expect((await createSet("Dup")).status).toBe(400);
  });

  test("a keyset created with a key in the body: 201 (the page's 'Create a keyset with a key'); rejected only when switched on", async () => {
    const withKeys = { id: "Keys", keys: [{ kty: "oct", use: "sig", k: "c2VjcmV0" }] };
    const allowed = await graphFetch(emu, "POST", SETS, withKeys);
    expect(allowed.status).toBe(201);
    expect(allowed.body.keys).toEqual([expect.objectContaining({ kty: "OCT", use: "sig", k: null })]);
    expect(allowed.text).not.toContain("c2VjcmV0");
    emu.setBehaviour({ rejectKeysOnKeySetCreate: true });
    const res = await graphFetch(emu, "POST", SETS, { ...withKeys, id: "Other" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^The 'keySet' field is invalid/);
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_Keys"]);
  });

  test("missing id -> AADB2C90253", async () => {
    const res = await graphFetch(emu, "POST", SETS, {});
    expect([res.status, res.body.error.code]).toEqual([400, "AADB2C90253"]);
  });
});

describe("checklist 19: get, list, put/patch, delete", () => {
  test("GET and list; missing -> 404 AADB2C90073 KeyContainer message", async () => {
    await createSet("A");
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_A`)).body).toMatchObject({ id: "B2C_1A_A", keys: [] });
    const list = await graphFetch(emu, "GET", SETS);
    expect(list.body.value).toEqual([{ id: "B2C_1A_A", keys: [] }]);
    const missing = await graphFetch(emu, "GET", `${SETS}/B2C_1A_Missing`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("AADB2C90073");
    expect(missing.body.error.message).toBe(`KeyContainer with 'id': 'B2C_1A_Missing' cannot be found in the directory '${emu.tenantDomain}'.`);
  });

  test("PATCH is not documented for keysets: 405, keys unchanged", async () => {
    await createSet("Rsa");
    const res = await graphFetch(emu, "PATCH", `${SETS}/B2C_1A_Rsa`, { keys: [{ kty: "oct", use: "enc", k: "bmV3LXNlY3JldA" }] });
    expect(res.status).toBe(405);
    expect(emu.snapshot().keySets[0].keys).toEqual([]);
  });

  test.each(["PUT"])("%s replaces keys (200) and rejects keys carrying kid (AADB2C95059)", async (method) => {
    await createSet("Rsa");
    await graphFetch(emu, "POST", `${SETS}/B2C_1A_Rsa/generateKey`, { use: "sig", kty: "RSA" });
    const replaced = await graphFetch(emu, method, `${SETS}/B2C_1A_Rsa`, { keys: [{ kty: "oct", use: "enc", k: "bmV3LXNlY3JldA" }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.keys).toHaveLength(1);
    expect(replaced.body.keys[0]).toMatchObject({ kty: "OCT", use: "enc" });
    expect(replaced.body.keys[0].kid).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(replaced.text).not.toContain("bmV3LXNlY3JldA");
    expect(emu.snapshot().keySets[0].keys[0].secretFingerprint).toEqual(fingerprintOf("bmV3LXNlY3JldA"));
    const withKid = await graphFetch(emu, method, `${SETS}/B2C_1A_Rsa`, { keys: [{ kid: "abc", kty: "oct", use: "sig", k: "eA" }] });
    expect([withKid.status, withKid.body.error.code]).toEqual([400, "AADB2C95059"]);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(1);
  });

  test("DELETE 204, then 404; optional .bak shadow", async () => {
    await createSet("Gone");
    expect((await graphFetch(emu, "DELETE", `${SETS}/B2C_1A_Gone`)).status).toBe(204);
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_Gone`)).status).toBe(404);
    expect((await graphFetch(emu, "DELETE", `${SETS}/B2C_1A_Gone`)).status).toBe(404);
    expect(emu.snapshot().keySets).toHaveLength(0);
    emu.setBehaviour({ keySetDeleteLeavesBackup: true });
    await createSet("Backed");
    await graphFetch(emu, "DELETE", `${SETS}/B2C_1A_Backed`);
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_Backed.bak"]);
    expect((await createSet("Backed")).status).toBe(201);
  });
});

describe("checklist 20: key material is never returned", () => {
  test("no k/d/p/q/dp/dq/qi in any response; generated keys have x5c [] and a kid", async () => {
    await createSet("Mixed");
    const secret = "super-secret-app-key-for-wechat";
    const uploaded = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Mixed/uploadSecret`, { use: "sig", k: secret });
    await createSet("Gen");
    const generated = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Gen/generateKey`, { use: "sig", kty: "RSA" });
    expect(generated.body.x5c).toEqual([]);
    // The generateKey example: "k": null.
    expect(generated.body.k).toBeNull();
    expect(generated.body.kid).toBeTruthy();
    const texts = [uploaded.text, generated.text, (await graphFetch(emu, "GET", SETS)).text, (await graphFetch(emu, "GET", `${SETS}/B2C_1A_Mixed`)).text];
    for (const text of texts) {
      expect(text).not.toContain(secret);
      for (const field of ["k", "d", "p", "q", "dp", "dq", "qi"]) expect(text).not.toMatch(new RegExp(`"${field}":"`));
    }
  });
});

describe("checklist 21: generateKey", () => {
  test("RSA key with e AQAB, echoing nbf/exp, trustFrameworkKey context", async () => {
    await createSet("Sign");
    const nbf = now() - 60;
    const exp = now() + 86400;
    const res = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Sign/generateKey`, { use: "sig", kty: "rsa", nbf, exp });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kty: "RSA", use: "sig", e: "AQAB", nbf, exp });
    expect(res.body.n.length).toBeGreaterThan(300);
    expect(res.body["@odata.context"]).toBe(`${emu.url}/beta/$metadata#microsoft.graph.trustFrameworkKey`);
  });

  test("use/kty validation codes", async () => {
    await createSet("V");
    const cases: Array<[object, string]> = [
      [{ kty: "RSA" }, "AADB2C95033"],
      [{ use: "sign", kty: "RSA" }, "AADB2C95033"],
      [{ use: "sig" }, "AADB2C95030"],
      [{ use: "sig", kty: "EC" }, "AADB2C95031"],
    ];
    for (const [body, code] of cases) {
      const res = await graphFetch(emu, "POST", `${SETS}/B2C_1A_V/generateKey`, body);
      expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), 400, code]);
    }
    expect(emu.snapshot().keySets[0].keys).toHaveLength(0);
  });

  test("one kty per set (AADB2C95032) and one use per set (AADB2C95042)", async () => {
    await createSet("One");
    expect((await graphFetch(emu, "POST", `${SETS}/B2C_1A_One/generateKey`, { use: "sig", kty: "RSA" })).status).toBe(200);
    const mixKty = await graphFetch(emu, "POST", `${SETS}/B2C_1A_One/generateKey`, { use: "sig", kty: "oct" });
    expect(mixKty.body.error.code).toBe("AADB2C95032");
    const mixSecret = await graphFetch(emu, "POST", `${SETS}/B2C_1A_One/uploadSecret`, { use: "sig", k: "x" });
    expect(mixSecret.body.error.code).toBe("AADB2C95032");
    const mixUse = await graphFetch(emu, "POST", `${SETS}/B2C_1A_One/generateKey`, { use: "enc", kty: "RSA" });
    expect(mixUse.body.error.code).toBe("AADB2C95042");
    expect(emu.snapshot().keySets[0].keys).toHaveLength(1);
  });
});

describe("checklist 22: uploadSecret", () => {
  test("200 {kid, use, kty OCT, nbf, exp}; each call appends a key; secret stored only as sha256", async () => {
    await createSet("WeChatSecret");
    const first = await graphFetch(emu, "POST", `${SETS}/B2C_1A_WeChatSecret/uploadSecret`, { use: "sig", k: "app-key-1" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ use: "sig", kty: "OCT" });
    expect(first.body.kid).toBeTruthy();
    const exp = now() + 3600;
    const second = await graphFetch(emu, "POST", `${SETS}/B2C_1A_WeChatSecret/uploadSecret`, { use: "sig", k: "app-key-2", nbf: now(), exp });
    expect(second.body.exp).toBe(exp);
    expect(second.body.kid).not.toBe(first.body.kid);
    const keys = emu.snapshot().keySets[0].keys;
    expect(keys.map((k) => k.secretFingerprint)).toEqual([fingerprintOf("app-key-1"), fingerprintOf("app-key-2")]);
    expect(JSON.stringify(emu.snapshot())).not.toContain("app-key-1");
  });

  test("missing k or use -> AADB2C90253; bad use -> AADB2C95033; past exp -> AADB2C90214", async () => {
    await createSet("S");
    const cases: Array<[object, string]> = [
      [{ use: "sig" }, "AADB2C90253"],
      [{ k: "x" }, "AADB2C90253"],
      [{ use: "signature", k: "x" }, "AADB2C95033"],
      [{ use: "sig", k: "x", exp: now() - 10 }, "AADB2C90214"],
    ];
    for (const [body, code] of cases) {
      const res = await graphFetch(emu, "POST", `${SETS}/B2C_1A_S/uploadSecret`, body);
      expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), 400, code]);
    }
    expect(emu.snapshot().keySets[0].keys).toHaveLength(0);
  });
});

describe("checklist 23: uploadCertificate and uploadPkcs12", () => {
  test("uploadCertificate accepts base64 DER (and PEM), returns x5c/x5t and validity", async () => {
    await createSet("Cert");
    const res = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key: certificateDerBase64 });
    expect(res.status).toBe(200);
    const cert = new X509Certificate(ca.caPem);
    // kty as the uploadCertificate example shows it: "oct".
    expect(res.body).toMatchObject({ kty: "oct", use: "sig", x5c: [certificateDerBase64], e: "AQAB", k: null });
    expect(res.body.x5t).toBe(createHash("sha1").update(cert.raw).digest("base64url"));
    expect(res.body.exp).toBe(Math.floor(Date.parse(cert.validTo) / 1000));
    const pem = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key: ca.caPem });
    expect(pem.status).toBe(200);
  });

  test("uploadCertificate: invalid base64 -> AADB2C90215, not a certificate -> AADB2C90179", async () => {
    await createSet("Cert");
    const badBase64 = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key: "!!! not base64 !!!" });
    expect([badBase64.status, badBase64.body.error.code]).toEqual([400, "AADB2C90215"]);
    const notCert = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key: Buffer.from("hello world, not a cert").toString("base64") });
    expect([notCert.status, notCert.body.error.code]).toEqual([400, "AADB2C90179"]);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(0);
  });

  test("uploadPkcs12: right password 200, wrong password AADB2C95025 (detection switchable), garbage AADB2C90215", async () => {
    await createSet("Pfx");
    const pfx = pfxBase64("pfx-pass");
    const ok = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Pfx/uploadPkcs12`, { key: pfx, password: "pfx-pass" });
    expect(ok.status).toBe(200);
    expect(ok.body.x5c).toEqual([certificateDerBase64]);
    // kty as the uploadPkcs12 example shows it: "OCT".
    expect(ok.body.kty).toBe("OCT");
    expect(ok.text).not.toContain("pfx-pass");
    const wrong = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Pfx/uploadPkcs12`, { key: pfx, password: "nope" });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, "AADB2C95025"]);
    const garbage = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Pfx/uploadPkcs12`, { key: Buffer.from("garbage").toString("base64"), password: "x" });
    expect([garbage.status, garbage.body.error.code]).toEqual([400, "AADB2C90215"]);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(1);
    emu.setBehaviour({ detectWrongPkcs12Password: false });
    expect((await graphFetch(emu, "POST", `${SETS}/B2C_1A_Pfx/uploadPkcs12`, { key: pfx, password: "nope" })).status).toBe(200);
  });
});

describe("checklist 24: upload/generate on a missing keyset", () => {
  test.each(["generateKey", "uploadSecret", "uploadCertificate", "uploadPkcs12"])("%s -> 404 AADB2C90073 (or 400 AADB2C95052 when configured)", async (action) => {
    const body = { use: "sig", kty: "RSA", k: "x", key: certificateDerBase64, password: "" };
    const payload = Object.fromEntries(Object.entries(body).filter(([name]) => ({ generateKey: ["use", "kty"], uploadSecret: ["use", "k"], uploadCertificate: ["key"], uploadPkcs12: ["key", "password"] } as Record<string, string[]>)[action].includes(name)));
    const res = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Never/${action}`, payload);
    expect([res.status, res.body.error.code]).toEqual([404, "AADB2C90073"]);
    emu.setBehaviour({ missingKeySetOnKeyOperation: "AADB2C95052" });
    const alt = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Never/${action}`, payload);
    expect([alt.status, alt.body.error.code]).toEqual([400, "AADB2C95052"]);
    expect(emu.snapshot().keySets).toHaveLength(0);
  });
});

describe("checklist 25: getActiveKey", () => {
  async function keysOf(set: string) {
    return (await graphFetch(emu, "GET", `${SETS}/${set}`)).body.keys;
  }
  function nbfOf(keys: { kid: string; nbf?: number }[], kid: string) {
    return keys.find((k) => k.kid === kid)!.nbf;
  }
  async function upload(set: string, k: string, nbf?: number, exp?: number) {
    const res = await graphFetch(emu, "POST", `${SETS}/${set}/uploadSecret`, { use: "sig", k, ...(nbf !== undefined ? { nbf } : {}), ...(exp !== undefined ? { exp } : {}) });
    expect(res.status).toBe(200);
    return res.body.kid as string;
  }

  test("latest key with nbf <= now and valid exp wins over older and future ones", async () => {
    await createSet("Rot");
    await upload("B2C_1A_Rot", "old", now() - 7200, now() + 3600);
    const current = await upload("B2C_1A_Rot", "current", now() - 60, now() + 3600);
    await upload("B2C_1A_Rot", "future", now() + 7200);
    const active = await graphFetch(emu, "GET", `${SETS}/B2C_1A_Rot/getActiveKey`);
    expect(active.status).toBe(200);
    expect(active.body.nbf).toBe(nbfOf(await keysOf("B2C_1A_Rot"), current));
    expect(active.body["@odata.context"]).toBe(`${emu.url}/beta/$metadata#microsoft.graph.trustFrameworkKey`);
  });

  test("the answer is the documented trustFrameworkKey: no kid (the getActiveKey page's example has none)", async () => {
    await createSet("NoKid");
    await upload("B2C_1A_NoKid", "only", now() - 60);
    const active = await graphFetch(emu, "GET", `${SETS}/B2C_1A_NoKid/getActiveKey`);
    expect(active.status).toBe(200);
    expect(active.body).not.toHaveProperty("kid");
    expect(active.body).toMatchObject({ kty: "OCT", use: "sig" });
  });

  test("falls back to a key without nbf/exp when no dated key is valid", async () => {
    await createSet("Fallback");
    await upload("B2C_1A_Fallback", "timeless");
    await upload("B2C_1A_Fallback", "not yet", now() + 7200);
    const active = (await graphFetch(emu, "GET", `${SETS}/B2C_1A_Fallback/getActiveKey`)).body;
    expect([active.nbf, active.exp]).toEqual([undefined, undefined]);
  });

  test("a key with exp and no nbf is valid (AADB2C90019 is for 'no valid key'), not 'no active key'", async () => {
    await createSet("ExpOnly");
    const exp = now() + 86400;
    await upload("B2C_1A_ExpOnly", "expires later", undefined, exp);
    const active = await graphFetch(emu, "GET", `${SETS}/B2C_1A_ExpOnly/getActiveKey`);
    expect(active.status).toBe(200);
    expect(active.body.exp).toBe(exp);
  });

  test("switch uploadedKeysStartDisabled: uploads start disabled and a disabled key is never active", async () => {
    await createSet("Disabled");
    const enabled = await upload("B2C_1A_Disabled", "first", now() - 120);
    emu.setBehaviour({ uploadedKeysStartDisabled: true });
    const added = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Disabled/uploadSecret`, { use: "sig", k: "second", nbf: now() - 60 });
    expect(added.body.status).toBe("disabled");
    const keys = await keysOf("B2C_1A_Disabled");
    expect(keys.map((k: { status: string }) => k.status)).toEqual(["enabled", "disabled"]);
    // The newer key (later nbf) would win if enabled: the older, enabled one stays active.
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_Disabled/getActiveKey`)).body.nbf).toBe(nbfOf(keys, enabled));
    await createSet("AllDisabled");
    await upload("B2C_1A_AllDisabled", "off");
    const none = await graphFetch(emu, "GET", `${SETS}/B2C_1A_AllDisabled/getActiveKey`);
    expect([none.status, none.body.error.code]).toEqual([404, "AADB2C90019"]);
    // generateKey is not an upload: B2C makes the key, enabled.
    await createSet("Generated");
    expect((await graphFetch(emu, "POST", `${SETS}/B2C_1A_Generated/generateKey`, { use: "sig", kty: "RSA" })).body.status).toBe("enabled");
  });

  test("no active key -> AADB2C90019 with 404 (or 400 when configured); missing keyset -> 404", async () => {
    await createSet("Empty");
    const empty = await graphFetch(emu, "GET", `${SETS}/B2C_1A_Empty/getActiveKey`);
    expect([empty.status, empty.body.error.code]).toEqual([404, "AADB2C90019"]);
    await upload("B2C_1A_Empty", "future only", now() + 7200);
    emu.setBehaviour({ noActiveKeyStatus: 400 });
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_Empty/getActiveKey`)).status).toBe(400);
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_Nope/getActiveKey`)).body.error.code).toBe("AADB2C90073");
  });
});

describe("nbf/exp types", () => {
  test("numbers (resource page, Int64) by default; strings as the uploadSecret example shows, when switched", async () => {
    await createSet("Dates");
    const nbf = now() - 10;
    const exp = now() + 3600;
    const numbers = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Dates/uploadSecret`, { use: "sig", k: "secret-one", nbf, exp });
    expect(numbers.body).toMatchObject({ kty: "OCT", nbf, exp });
    emu.setBehaviour({ keyDatesAsStrings: true });
    const strings = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Dates/uploadSecret`, { use: "sig", k: "secret-two", nbf, exp });
    expect(strings.body).toMatchObject({ nbf: String(nbf), exp: String(exp) });
    expect((await graphFetch(emu, "GET", `${SETS}/B2C_1A_Dates`)).body.keys.map((k: any) => typeof k.nbf)).toEqual(["string", "string"]);
  });
});
