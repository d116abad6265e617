// PolicyKey and its presets under pulumi.runtime.setMocks: type tokens, parenting, outputs and the
// secretness of secret inputs.
import { generateKeyPairSync } from "crypto";
import * as forge from "node-forge";
import * as pulumi from "@pulumi/pulumi";
import { policyKeyFieldProblems } from "../../policyKeys/component";
import { PolicyKey, QQSecretKey, TokenEncryptionKey, TokenSigningKey, WeChatSecretKey } from "../../api";
import { capture, isSecretOutput, isSecretWrapped, Registration, valueOf } from "../helpers/pulumiHarness";

const COMPONENT = "b2c-identity:index:PolicyKey";
/** The custom resource behind a PolicyKey (the component holds the name PolicyKey). */
const KEYSET = "b2c-identity:index:TrustFrameworkKeySet";

/** URNs the mock monitor registered (they encode the parent chain). */
function registeredUrns(): string[] {
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  return [...monitor.getRegisteredResources().keys()];
}

/** A self-signed certificate, base64 DER, valid for a year. */
function selfSignedCertificate(): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: "commonName", value: "c-padded" }]);
  cert.setIssuer([{ name: "commonName", value: "c-padded" }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary").toString("base64");
}

/** A real .pfx (password "pw"): PolicyKey opens it locally to check the password. */
const PFX = (() => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(selfSignedCertificate(), "base64").toString("binary")));
  return Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, [cert], "pw", { algorithm: "3des" })).getBytes(), "binary").toString("base64");
})();

function keySetOf(registrations: Registration[]): Registration {
  const found = registrations.filter((r) => r.type === KEYSET);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Mocked outputs: what the provider would return for a created keyset. The keyset id is one the
 * component could not derive from its name, so asserting it shows the output is the resource's.
 */
const created = (reg: Registration) =>
  reg.type === KEYSET ? { keySetId: "B2C_1A_FromResource", activeKeyId: "kid-1", keys: [{ kid: "kid-1", use: "sig", kty: "OCT" }] } : undefined;

describe("PolicyKey component", () => {
  test("type tokens, parenting and outputs", async () => {
    let key!: PolicyKey;
    const { registrations } = await capture(
      () => {
        key = new PolicyKey("wechat-key", { name: "WeChatSecret", secret: { value: "app-key-padded" } });
      },
      { outputs: created },
    );
    expect(registrations.map((r) => r.type)).toEqual([COMPONENT, KEYSET]);
    expect(registrations.map((r) => r.name)).toEqual(["wechat-key", "wechat-key"]);
    expect(registeredUrns()).toContain(`urn:pulumi:test::b2c-identity::${COMPONENT}$${KEYSET}::wechat-key`);
    expect(await valueOf(key.keySetId)).toBe("B2C_1A_FromResource");
    expect(await valueOf(key.activeKeyId)).toBe("kid-1");
    expect(await valueOf(key.keys)).toEqual([{ kid: "kid-1", use: "sig", kty: "OCT" }]);
  });

  test("the secret value is registered as a secret, the rest of the inputs are plain and normalized", async () => {
    const { registrations } = await capture(() => new PolicyKey("k", { name: "WeChatSecret", secret: { value: "app-key-padded", expiresOn: new Date("2040-01-01T00:00:00Z") } }));
    const reg = keySetOf(registrations);
    // Pulumi lifts a nested secret to its top-level property: the whole `secret` object is secret.
    expect(isSecretWrapped(reg.rawInputs.secret)).toBe(true);
    expect(isSecretWrapped(reg.rawInputs.name)).toBe(false);
    expect(reg.inputs).toMatchObject({
      name: "WeChatSecret",
      secret: { value: "app-key-padded", use: "sig", expiresOn: "2040-01-01T00:00:00.000Z" },
      adoptExisting: false,
    });
  });

  test("pkcs12 value and password are secrets; a certificate is one too (no key material in state, issue 19 item 4)", async () => {
    const pfx = await capture(() => new PolicyKey("p", { name: "Pfx", pkcs12: { value: PFX, password: "pw" } }));
    const pfxReg = keySetOf(pfx.registrations);
    expect(isSecretWrapped(pfxReg.rawInputs.pkcs12)).toBe(true);
    expect(pfxReg.inputs.pkcs12).toEqual({ value: PFX, password: "pw" });
    const cert = await capture(() => new PolicyKey("c", { name: "Cert", certificate: { value: selfSignedCertificate() } }));
    expect(isSecretWrapped(keySetOf(cert.registrations).rawInputs.certificate)).toBe(true);
    const gen = await capture(() => new PolicyKey("g", { name: "Gen", generate: { keyType: "RSA", use: "sig" } }));
    expect(isSecretWrapped(keySetOf(gen.registrations).rawInputs.generate)).toBe(false);
  });

  test("outputs never carry the secret (and are not marked secret)", async () => {
    let key!: PolicyKey;
    await capture(
      () => {
        key = new PolicyKey("k", { name: "WeChatSecret", secret: { value: pulumi.secret("app-key-padded") } });
      },
      { outputs: created },
    );
    expect(JSON.stringify(await valueOf(key.keys))).not.toContain("app-key");
    expect(await isSecretOutput(key.keySetId)).toBe(false);
    expect(await isSecretOutput(key.keys)).toBe(false);
  });

  test("invalid known arguments throw at construction, naming the argument", () => {
    expect(() => new PolicyKey("bad", { name: "X", secret: { value: "v-padded", keyType: "RSA" as any } })).toThrow(/secret\.keyType/);
    expect(() => new PolicyKey("bad2", { name: "X" })).toThrow(/secret\|generate\|certificate\|pkcs12/);
    expect(() => new PolicyKey("bad3", { name: "X", secret: { value: "v-padded", expiresOn: "2001-01-01" } })).toThrow(/secret\.expiresOn/);
  });

  test("Output-valued secret fields are checked when they resolve (the validator given to checkedInput)", () => {
    expect(policyKeyFieldProblems("secret", "value", "").map((p) => p.argument)).toEqual(["secret.value"]);
    expect(policyKeyFieldProblems("secret", "value", "ok-secret")).toEqual([]);
    expect(policyKeyFieldProblems("secret", "value", "", { "secret.value": "appKey" }).map((p) => p.argument)).toEqual(["appKey"]);
    expect(policyKeyFieldProblems("pkcs12", "password", "").map((p) => p.argument)).toEqual(["pkcs12.password"]);
    expect(policyKeyFieldProblems("pkcs12", "password", "pw")).toEqual([]);
    expect(policyKeyFieldProblems("pkcs12", "value", "%%").map((p) => p.argument)).toEqual(["pkcs12.value"]);
    expect(policyKeyFieldProblems("certificate", "value", "aGVsbG8=").map((p) => p.argument)).toEqual(["certificate.value"]);
  });
});

describe("presets", () => {
  test("WeChatSecretKey and QQSecretKey: B2C_1A_WeChatSecret / B2C_1A_QQSecret, sig, the APP KEY as a secret", async () => {
    const { registrations } = await capture(() => {
      new WeChatSecretKey("wechat", { appKey: "7db95259fd1508226f403616ada333b5" });
      new QQSecretKey("qq", { appKey: "qq-app-key" });
    });
    expect(registrations.map((r) => r.type).sort()).toEqual(["b2c-identity:index:QQSecretKey", "b2c-identity:index:WeChatSecretKey", KEYSET, KEYSET].sort());
    const wechat = registrations.find((r) => r.type === KEYSET && r.inputs.name === "WeChatSecret")!;
    const qq = registrations.find((r) => r.type === KEYSET && r.inputs.name === "QQSecret")!;
    expect(wechat.inputs).toMatchObject({ name: "WeChatSecret", secret: { value: "7db95259fd1508226f403616ada333b5", use: "sig" } });
    expect(qq.inputs).toMatchObject({ name: "QQSecret", secret: { value: "qq-app-key", use: "sig" } });
    expect(isSecretWrapped(wechat.rawInputs.secret)).toBe(true);
    expect(isSecretWrapped(qq.rawInputs.secret)).toBe(true);
    expect(registeredUrns()).toContain(`urn:pulumi:test::b2c-identity::b2c-identity:index:WeChatSecretKey$${KEYSET}::wechat`);
  });

  test("token keys: generated RSA, sig for signing and enc for encryption", async () => {
    let signing!: TokenSigningKey;
    const { registrations } = await capture(
      () => {
        signing = new TokenSigningKey("signing");
        new TokenEncryptionKey("encryption", { adoptExisting: true });
      },
      { outputs: (reg) => (reg.type === KEYSET ? { keySetId: `from-resource/${reg.name}` } : undefined) },
    );
    const sig = registrations.find((r) => r.type === KEYSET && r.name === "signing")!;
    const enc = registrations.find((r) => r.type === KEYSET && r.name === "encryption")!;
    expect(sig.inputs).toMatchObject({ name: "TokenSigningKeyContainer", generate: { keyType: "RSA", use: "sig" }, adoptExisting: false });
    expect(enc.inputs).toMatchObject({ name: "TokenEncryptionKeyContainer", generate: { keyType: "RSA", use: "enc" }, adoptExisting: true });
    expect(await valueOf(signing.keySetId)).toBe("from-resource/signing");
    expect(registeredUrns()).toContain(`urn:pulumi:test::b2c-identity::b2c-identity:index:TokenEncryptionKey$${KEYSET}::encryption`);
  });

  test("preset errors use the preset's argument names", () => {
    expect(() => new WeChatSecretKey("w", { appKey: "" })).toThrow(/appKey: must be a non-empty string/);
    expect(() => new TokenSigningKey("t", { expiresOn: "2001-01-01" })).toThrow(/expiresOn: is in the past/);
    expect(() => new QQSecretKey("q", { appKey: "k-padded", keySetName: "bad name" })).toThrow(/keySetName: must be letters/);
  });
});
