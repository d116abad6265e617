import { generateKeyPairSync } from "crypto";
import * as forge from "node-forge";
import {
  canonicalKeyType,
  certificateDer,
  normalizeKeySetId,
  policyKeyRules,
  PolicyKeyInput,
  sameKeySet,
  toUnixSeconds,
  validatePolicyKey,
} from "../../policyKeys/rules";
import { KEY_EXPIRY_RULES } from "../../domain/keyExpiry";
import { checkArgument } from "../../domain/argumentRules";
import { UNKNOWN } from "../../domain/notKnownYet";
import { validateExpirySettings } from "../../domain/keyExpiry";

const NOW = Math.floor(Date.parse("2026-01-01T00:00:00Z") / 1000);

/** A self-signed certificate (base64 DER), valid from/to the given dates. */
function certificate(notBefore: Date, notAfter: Date): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: "test-padded" }]);
  cert.setIssuer([{ name: "commonName", value: "test-padded" }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()), forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary").toString("base64");
}

/** A .pfx (base64) of a fresh key and self-signed certificate; `withKey: false` leaves the private key out. */
function pfx(password: string, withKey = true): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "02";
  cert.validity.notBefore = new Date("2025-01-01");
  cert.validity.notAfter = new Date("2030-01-01");
  cert.setSubject([{ name: "commonName", value: "pfx-padded" }]);
  cert.setIssuer([{ name: "commonName", value: "pfx-padded" }]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(withKey ? key : null, [cert], password, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary").toString("base64");
}
const PFX = pfx("pfx-password-1");

function arguments_(input: PolicyKeyInput): string[] {
  return validatePolicyKey(input, NOW).map((p) => p.argument);
}

const secret = (extra: Record<string, unknown> = {}) => ({ name: "WeChatSecret", secret: { value: "app-key-padded", ...extra } });

describe("validatePolicyKey", () => {
  test("a valid secret, generate, certificate and pkcs12 input has no problems", () => {
    expect(validatePolicyKey(secret({ use: "enc", notBefore: "2026-02-01", expiresOn: new Date("2027-01-01T00:00:00Z") }), NOW)).toEqual([]);
    expect(validatePolicyKey({ name: "B2C_1A_TokenSigningKeyContainer", generate: { keyType: "RSA", use: "sig" } }, NOW)).toEqual([]);
    expect(validatePolicyKey({ name: "Cert", certificate: { value: certificate(new Date("2025-01-01"), new Date("2030-01-01")) } }, NOW)).toEqual([]);
    expect(validatePolicyKey({ name: "Pfx", pkcs12: { value: PFX, password: "pfx-password-1" } }, NOW)).toEqual([]);
  });

  test("a PFX opened locally: a wrong password names pkcs12.password", () => {
    const problems = validatePolicyKey({ name: "Pfx", pkcs12: { value: PFX, password: "pfx-password-2" } }, NOW);
    expect(problems).toEqual([{ argument: "pkcs12.password", reason: expect.stringMatching(/does not open the \.pfx file.*password it was exported with/) }]);
  });

  test("a .cer given as PKCS#12 names pkcs12.value and says to use certificate", () => {
    const problems = validatePolicyKey({ name: "Pfx", pkcs12: { value: certificate(new Date("2025-01-01"), new Date("2030-01-01")), password: "pw" } }, NOW);
    expect(problems).toEqual([{ argument: "pkcs12.value", reason: expect.stringMatching(/is an X\.509 certificate \(\.cer\/\.crt\).*certificate: \{ value \}/) }]);
  });

  test("a .pfx without its private key names pkcs12.value", () => {
    const problems = validatePolicyKey({ name: "Pfx", pkcs12: { value: pfx("pw", false), password: "pw" } }, NOW);
    expect(problems).toEqual([{ argument: "pkcs12.value", reason: expect.stringMatching(/holds no private key/) }]);
  });

  test("no key source names all four sources", () => {
    const problems = validatePolicyKey({ name: "X" }, NOW);
    expect(problems).toHaveLength(1);
    expect(problems[0].argument).toBe("secret|generate|certificate|pkcs12");
  });

  test("more than one key source names the ones given", () => {
    const problems = validatePolicyKey({ name: "X", secret: { value: "v-padded" }, generate: { keyType: "RSA", use: "sig" } }, NOW);
    expect(problems.map((p) => p.argument)).toEqual(["secret|generate"]);
    expect(problems[0].reason).toMatch(/exactly one/);
  });

  test("RSA requested with a secret value names secret.keyType", () => {
    const problems = validatePolicyKey(secret({ keyType: "RSA" }), NOW);
    expect(problems.map((p) => p.argument)).toEqual(["secret.keyType"]);
    expect(problems[0].reason).toMatch(/generate/);
  });

  test("secret.keyType oct is accepted", () => {
    expect(arguments_(secret({ keyType: "oct" }))).toEqual([]);
  });

  test("expiresOn in the past names secret.expiresOn", () => {
    expect(arguments_(secret({ expiresOn: "2025-12-31T23:59:00Z" }))).toEqual(["secret.expiresOn"]);
  });

  test("expiresOn in the past for generate names generate.expiresOn", () => {
    expect(arguments_({ name: "X", generate: { keyType: "RSA", use: "sig", expiresOn: new Date("2020-01-01") } })).toEqual(["generate.expiresOn"]);
  });

  test("notBefore after expiresOn names secret.notBefore", () => {
    expect(arguments_(secret({ notBefore: "2028-01-01", expiresOn: "2027-01-01" }))).toEqual(["secret.notBefore"]);
  });

  test("a date that is not ISO 8601 (or lacks a time zone) names the field", () => {
    expect(arguments_(secret({ notBefore: "next tuesday" }))).toEqual(["secret.notBefore"]);
    expect(arguments_(secret({ expiresOn: "2030-01-01T00:00:00" }))).toEqual(["secret.expiresOn"]);
    expect(arguments_(secret({ expiresOn: 1893456000 }))).toEqual(["secret.expiresOn"]);
  });

  test("empty secret names secret.value", () => {
    expect(arguments_(secret({ value: "" }))).toEqual(["secret.value"]);
    expect(arguments_(secret({ value: "   " }))).toEqual(["secret.value"]);
    expect(arguments_({ name: "X", secret: {} })).toEqual(["secret.value"]);
  });

  test("an invalid use names secret.use / generate.use", () => {
    expect(arguments_(secret({ use: "signature" }))).toEqual(["secret.use"]);
    expect(arguments_({ name: "X", generate: { keyType: "RSA" } })).toEqual(["generate.use"]);
  });

  test("generate needs keyType RSA or oct", () => {
    expect(arguments_({ name: "X", generate: { keyType: "EC", use: "sig" } })).toEqual(["generate.keyType"]);
    expect(arguments_({ name: "X", generate: { use: "sig" } })).toEqual(["generate.keyType"]);
    expect(arguments_({ name: "X", generate: { keyType: "oct", use: "enc" } })).toEqual([]);
  });

  test("invalid names name the argument", () => {
    for (const name of ["", "has space", "dots.bak", "B2C_1A_", "ümlaut", "x".repeat(200)]) {
      expect(arguments_({ name, secret: { value: "v-padded" } })).toEqual(["name"]);
    }
  });

  test("invalid base64 certificate names certificate.value", () => {
    expect(arguments_({ name: "X", certificate: { value: "not base64 !!" } })).toEqual(["certificate.value"]);
  });

  test("base64 that is not a certificate names certificate.value", () => {
    const problems = validatePolicyKey({ name: "X", certificate: { value: Buffer.from("hello world").toString("base64") } }, NOW);
    expect(problems.map((p) => p.argument)).toEqual(["certificate.value"]);
    expect(problems[0].reason).toMatch(/not an X\.509/);
  });

  test("an expired certificate names certificate.value", () => {
    const problems = validatePolicyKey({ name: "X", certificate: { value: certificate(new Date("2020-01-01"), new Date("2021-01-01")) } }, NOW);
    expect(problems.map((p) => p.argument)).toEqual(["certificate.value"]);
    expect(problems[0].reason).toMatch(/expired/);
  });

  test("invalid base64 pfx names pkcs12.value", () => {
    expect(arguments_({ name: "X", pkcs12: { value: "%%%-padded", password: "pw" } })).toEqual(["pkcs12.value"]);
    expect(arguments_({ name: "X", pkcs12: { value: Buffer.from("plain text, not DER at all, long enough to pass the length test........").toString("base64"), password: "pw" } })).toEqual([
      "pkcs12.value",
    ]);
  });

  test("empty pfx password names pkcs12.password", () => {
    expect(arguments_({ name: "X", pkcs12: { value: PFX, password: "" } })).toEqual(["pkcs12.password"]);
  });

  test("unknown properties of a key source are named", () => {
    expect(arguments_(secret({ kty: "oct" }))).toEqual(["secret.kty"]);
  });

  test("rotationTrigger and adoptExisting types are checked", () => {
    expect(arguments_({ ...secret(), rotationTrigger: 5 })).toEqual(["rotationTrigger"]);
    expect(arguments_({ ...secret(), adoptExisting: "yes" })).toEqual(["adoptExisting"]);
  });

  test("values not known yet (UNKNOWN) are skipped", () => {
    expect(arguments_({ name: UNKNOWN, secret: { value: UNKNOWN, expiresOn: UNKNOWN } })).toEqual([]);
    expect(arguments_({ name: "X", pkcs12: { value: UNKNOWN, password: UNKNOWN } })).toEqual([]);
  });
});

describe("helpers", () => {
  test("names with and without the prefix, in any case, are the same keyset", () => {
    expect(normalizeKeySetId("WeChatSecret")).toBe("B2C_1A_WeChatSecret");
    expect(normalizeKeySetId(" b2c_1a_WeChatSecret ")).toBe("B2C_1A_WeChatSecret");
    expect(sameKeySet("wechatsecret", "B2C_1A_WeChatSecret")).toBe(true);
    expect(sameKeySet("WeChatSecret", "QQSecret")).toBe(false);
  });

  test("dates become Unix seconds", () => {
    expect(toUnixSeconds("2030-01-01")).toBe(1893456000);
    expect(toUnixSeconds("2030-01-01T08:00:00+08:00")).toBe(1893456000);
    expect(toUnixSeconds(new Date("2030-01-01T00:00:00.900Z"))).toBe(1893456000);
    expect(toUnixSeconds("2030-13-45")).toBe("invalid");
  });

  test("key types are matched case-insensitively", () => {
    expect(canonicalKeyType("rsa")).toBe("RSA");
    expect(canonicalKeyType("OCT")).toBe("oct");
    expect(canonicalKeyType("EC")).toBeUndefined();
  });

  test("a PEM certificate and base64 of a PEM file give the DER", () => {
    const der = certificate(new Date("2025-01-01"), new Date("2030-01-01"));
    const pem = `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    expect(certificateDer(pem)?.toString("base64")).toBe(der);
    expect(certificateDer(Buffer.from(pem).toString("base64"))?.toString("base64")).toBe(der);
  });
});

// The one rule for a number of days, under every name it has (expiryWarningDays,
// generate.rotateBeforeExpiryDays, rotateBeforeExpiryDays, tokenKeysRotateBeforeExpiryDays,
// b2c:socialSignIn.keySets[i].rotateBeforeExpiryDays).
describe("KEY_EXPIRY_RULES", () => {
  test.each([0, -1, 1.5, 3651, "30"])("%p days is refused", (days) => {
    expect(KEY_EXPIRY_RULES.rotateBeforeExpiryDays(days, {})).toEqual([expect.stringContaining("whole number of days between 1 and 3650")]);
    expect(KEY_EXPIRY_RULES.expiryWarningDays(days, {})).toEqual([expect.stringContaining("whole number of days between 1 and 3650")]);
  });
  test.each([undefined, 1, 30, 3650])("%p days is accepted", (days) => {
    expect(KEY_EXPIRY_RULES.rotateBeforeExpiryDays(days, {})).toEqual([]);
  });
  test("validateExpirySettings names the same rule's reason after the PolicyKey argument", () => {
    expect(validateExpirySettings({ generate: { rotateBeforeExpiryDays: 0 } })).toEqual([
      { argument: "generate.rotateBeforeExpiryDays", reason: KEY_EXPIRY_RULES.rotateBeforeExpiryDays(0, {})[0] },
    ]);
  });
});

// One rule per PolicyKey argument: each judges only its own argument (a key source's rule its
// fields too, named `<source>.<field>`), so every layer that checks one argument runs the same rule.
describe("policyKeyRules", () => {
  const rules = policyKeyRules(Date.parse("2026-01-01T00:00:00Z") / 1000);
  test("a rule for every PolicyKey argument", () => {
    expect(Object.keys(rules).sort()).toEqual(["adoptExisting", "certificate", "generate", "name", "pkcs12", "rotationNotBeforeDelayMinutes", "rotationTrigger", "secret"]);
  });
  test("a key source's rule names its fields relative to it; an argument not given is no problem", () => {
    expect(rules.generate({ keyType: "DSA" }, {})).toEqual([
      { at: "keyType", reason: "must be 'RSA' or 'oct', got 'DSA'" },
      { at: "use", reason: "is required: 'sig' (signature) or 'enc' (encryption)" },
    ]);
    expect(rules.secret("text", {})).toEqual([expect.stringContaining("must be an object")]);
    expect(rules.secret(undefined, {})).toEqual([]);
    expect(rules.rotationNotBeforeDelayMinutes(-1, {})).toEqual([expect.stringContaining("whole minutes")]);
  });
  test("checkArgument names a field's problem after the argument the caller wrote", () => {
    expect(checkArgument(rules, "generate", { keyType: "RSA" }, {}, "tokenSigningKey.generate")).toEqual([
      { argument: "tokenSigningKey.generate.use", reason: "is required: 'sig' (signature) or 'enc' (encryption)" },
    ]);
  });
  test("validatePolicyKey is the rules plus the one rule across arguments (exactly one key source)", () => {
    const input = { name: "x y", secret: { value: "abcdefgh" }, generate: { keyType: "RSA", use: "sig" } };
    expect(validatePolicyKey(input).map((p) => p.argument)).toEqual(["name", "secret|generate"]);
  });
});
