// Key activity (issue 19 item 5, issue 20 item 6): one active-key rule over enabled keys only, the
// documented getActiveKey answer (no kid) matched to a key, a roll-over window at least the key's
// lifetime refused, a past declared expiresOn that blocks nothing once no key is made with it, and
// a certificate holding a private key refused (item 4). Pure rules, then the components and the
// provider's check (preview), no Graph call.
import { ensureCertificateAuthority, issueServerCertificate } from "../../emulator/certificateAuthority";
import { PolicyKey } from "../../api";
import {
  activeKey,
  disabledKeyWarning,
  expiryWarning,
  isPastDeclaredExpiry,
  rotationDue,
  rotationKeyDates,
  rotationWindowProblems,
  validUntil,
} from "../../domain/keyExpiry";
import { kidOfActiveKeyAnswer, localActiveKey } from "../../policyKeys/active";
import { policyKeyProvider } from "../../policyKeys/provider";
import { certificatePrivateKeyProblems, validatePolicyKey } from "../../policyKeys/rules";
import { capture } from "../helpers/pulumiHarness";

const NOW = 1_900_000_000;
const DAY = 86400;

describe("only enabled keys count", () => {
  const keys = [
    { kid: "enabled", nbf: NOW - 100 * DAY, exp: NOW + 10 * DAY, status: "enabled" },
    { kid: "disabled", nbf: NOW - DAY, exp: NOW + 400 * DAY, status: "disabled" },
  ];

  test("a disabled key is never active, and does not hide the expiry of the enabled one", () => {
    expect(activeKey(keys, NOW)?.kid).toBe("enabled");
    expect(validUntil(keys, NOW)).toBe(NOW + 10 * DAY);
    expect(expiryWarning("B2C_1A_X", keys, { now: NOW })).toMatch(/active key enabled expires on .* \(in 10 days\)/);
    expect(localActiveKey(keys, NOW)).toEqual({ activeKeyId: "enabled", certain: false }); // Graph is asked when a key is not enabled
  });

  test("roll-over looks at enabled keys only: a disabled long-lived key does not stop it", () => {
    expect(rotationDue(keys, 30, NOW)).toBe(true);
    expect(rotationDue(keys.map((k) => ({ ...k, status: "enabled" })), 30, NOW)).toBe(false);
  });

  test("no enabled key: the warning says so and what to do", () => {
    const off = [{ kid: "k", status: "disabled" }];
    expect(expiryWarning("B2C_1A_X", off, { now: NOW })).toMatch(/no valid key: every enabled key .*\(1 key is disabled\).*enable a key in the portal/);
    expect(disabledKeyWarning("B2C_1A_X", off)).toMatch(/Policy key B2C_1A_X: its newest key k is disabled, so B2C does not use it.*Enable it in the Azure portal .*Policy keys > B2C_1A_X/);
    expect(disabledKeyWarning("B2C_1A_X", [...off, { kid: "new", status: "enabled" }])).toBeUndefined();
  });

  test("a key with exp and no nbf is valid until exp (AADB2C90019 is for no valid key)", () => {
    expect(activeKey([{ kid: "exp-only", exp: NOW + DAY }], NOW)?.kid).toBe("exp-only");
  });
});

describe("the documented getActiveKey answer has no kid", () => {
  const keys = [
    { kid: "old", nbf: NOW - 10 * DAY, exp: NOW + DAY, use: "sig", status: "enabled" },
    { kid: "new", nbf: NOW - DAY, exp: NOW + 300 * DAY, use: "sig", status: "enabled", x5t: "thumb-new" },
  ];
  test("matched by kid when given, else x5t, else its dates; nothing when ambiguous", () => {
    expect(kidOfActiveKeyAnswer(keys, { kid: "old" })).toBe("old");
    expect(kidOfActiveKeyAnswer(keys, { x5t: "thumb-new", kty: "RSA" })).toBe("new");
    expect(kidOfActiveKeyAnswer(keys, { k: "k-value", kty: "oct", use: "sig", nbf: NOW - 10 * DAY, exp: NOW + DAY } as never)).toBe("old");
    expect(kidOfActiveKeyAnswer([{ kid: "a" }, { kid: "b" }], { use: "sig" })).toBeUndefined();
  });
});

describe("rotateBeforeExpiryDays and the key's lifetime", () => {
  test("a window at least as long as the key lives is refused, naming the argument", () => {
    const generate = { notBefore: new Date((NOW - DAY) * 1000).toISOString(), expiresOn: new Date((NOW + 9 * DAY) * 1000).toISOString(), rotateBeforeExpiryDays: 30 };
    expect(rotationWindowProblems(generate, { creating: false, now: NOW })).toEqual([
      expect.objectContaining({ argument: "generate.rotateBeforeExpiryDays", reason: expect.stringMatching(/\(30 days\) must be shorter than the key's lifetime \(10 days/) }),
    ]);
    expect(rotationWindowProblems({ ...generate, rotateBeforeExpiryDays: 5 }, { creating: false, now: NOW })).toEqual([]);
    // Only expiresOn: judged when the key is made (now..expiresOn), not later (the clock would shrink it).
    expect(rotationWindowProblems({ expiresOn: generate.expiresOn, rotateBeforeExpiryDays: 30 }, { creating: true, now: NOW })).toHaveLength(1);
    expect(rotationWindowProblems({ expiresOn: generate.expiresOn, rotateBeforeExpiryDays: 30 }, { creating: false, now: NOW })).toEqual([]);
    expect(() => new PolicyKey("short", { name: "Short", generate: { keyType: "RSA", use: "sig", ...generate } })).toThrow(/PolicyKey "short".*generate\.rotateBeforeExpiryDays: \(30 days\) must be shorter/);
  });

  test("a roll-over key outlives the window, so it rolls at most once per lifetime", () => {
    const short = [{ kid: "a", nbf: NOW - 5 * DAY, exp: NOW + DAY }]; // a 6-day key, window 30 days
    const { nbf, exp } = rotationKeyDates(short, NOW, 30);
    expect(rotationDue([...short, { kid: "b", nbf, exp }], 30, NOW + DAY)).toBe(false);
  });
});

describe("a past declared expiresOn", () => {
  test("blocks only when a key is about to be made with it", async () => {
    const past = new Date((Math.floor(Date.now() / 1000) - DAY) * 1000).toISOString();
    const generate = { keyType: "RSA" as const, use: "sig" as const, notBefore: new Date(Date.now() - 365 * DAY * 1000).toISOString(), expiresOn: past, rotateBeforeExpiryDays: 30 };
    const problem = validatePolicyKey({ name: "K", generate }).find((p) => p.argument === "generate.expiresOn")!;
    expect(isPastDeclaredExpiry(problem, { generate })).toBe(true);
    // Construction (preview) passes under roll-over; the provider's check refuses it for a new keyset only.
    await capture(() => new PolicyKey("rolled", { name: "Rolled", generate }));
    const creating = await policyKeyProvider.check!({} as never, { name: "Rolled", generate } as never);
    expect(creating.failures?.map((f) => f.property)).toEqual(["generate.expiresOn"]);
    const existing = await policyKeyProvider.check!({ name: "Rolled", generate } as never, { name: "Rolled", generate } as never);
    expect(existing.failures ?? []).toEqual([]);
    // Without roll-over a past date still stops construction (any key it adds would carry it).
    expect(() => new PolicyKey("plain", { name: "Plain", secret: { value: "v", expiresOn: past } })).toThrow(/secret\.expiresOn: is in the past/);
  });
});

describe("item 4: a certificate with its private key", () => {
  const ca = ensureCertificateAuthority();
  const { certPem, keyPem } = issueServerCertificate(ca, ["saml.example.com"]);
  test("is refused as PEM text and as base64 of it, naming certificate.value and pkcs12, never echoing the key", () => {
    for (const value of [keyPem + certPem, Buffer.from(certPem + keyPem).toString("base64")]) {
      const problems = certificatePrivateKeyProblems({ certificate: { value } });
      expect(problems).toEqual([expect.objectContaining({ argument: "certificate.value", reason: expect.stringContaining("pkcs12") })]);
      expect(JSON.stringify(problems)).not.toContain(keyPem.split("\n")[1]);
      expect(() => new PolicyKey("bundle", { name: "Bundle", certificate: { value } })).toThrow(/PolicyKey "bundle".*certificate\.value: holds a private key/);
    }
    expect(certificatePrivateKeyProblems({ certificate: { value: certPem } })).toEqual([]);
  });
});
