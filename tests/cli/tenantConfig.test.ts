import * as pulumi from "@pulumi/pulumi";
import { readTenantExtras } from "../../program/tenantConfig";

// b2c:socialSignIn.keySets / .customPolicies / .expiryWarningDays, as `import` writes them: every
// mistake is reported naming the config key and the fix, before any resource exists.

function reader(signIn: unknown, secrets: Record<string, string> = {}) {
  return {
    object: (key: string) => (key === "b2c:socialSignIn" ? signIn : undefined),
    secret: (key: string) => (key in secrets ? pulumi.secret(secrets[key]) : undefined),
  };
}

test("the imported shape reads back as it was written", () => {
  const extras = readTenantExtras(
    reader({
      keySets: [
        { name: "B2C_1A_TokenSigningKeyContainer", source: "generate", use: "sig", keyType: "RSA", adoptExisting: true, rotateBeforeExpiryDays: 30 },
        { name: "B2C_1A_FacebookSecret", source: "secret", use: "sig", keyType: "oct", adoptExisting: true },
        { name: "WeChatSecret", source: "secret", use: "sig", secretKey: "wechatPolicyKey" },
      ],
      customPolicies: { folder: "policies", adoptExisting: true },
      expiryWarningDays: 45,
    }, { "b2c:wechatPolicyKey": "v" }),
  );
  expect(extras.keySets.map((k) => [k.name, k.source, k.secret !== undefined])).toEqual([
    ["B2C_1A_TokenSigningKeyContainer", "generate", false],
    ["B2C_1A_FacebookSecret", "secret", false],
    ["WeChatSecret", "secret", true],
  ]);
  expect(extras.customPolicies).toEqual({ folder: "policies", adoptExisting: true });
  expect(extras.expiryWarningDays).toBe(45);
});

test.each([
  [{ keySets: [{ name: "X", source: "magic" }] }, "b2c:socialSignIn.keySets[0].source: must be one of secret, generate, certificate, pkcs12"],
  [{ keySets: [{ name: "X", source: "secret" }] }, "b2c:socialSignIn.keySets[0]: has no key material: set adoptExisting: true to take X over as it is, or give secretKey"],
  [{ keySets: [{ name: "X", source: "secret", secretKey: "missing" }] }, "b2c:missing: is not set: the secret of keyset X; set it with `pulumi config set --secret b2c:missing <value>`"],
  [{ keySets: [{ name: "X", source: "secret", adoptExisting: true, rotateBeforeExpiryDays: 10 }] }, "b2c:socialSignIn.keySets[0].rotateBeforeExpiryDays: only generated keys"],
  [{ keySets: [{ name: "X", source: "generate", use: "sig" }] }, "b2c:socialSignIn.keySets[0]: a generated keyset needs use (sig/enc) and keyType (RSA/oct)"],
  [{ keySets: [{ name: "B2C_1A_X", source: "generate", use: "sig", keyType: "RSA" }, { name: "x", source: "generate", use: "sig", keyType: "RSA" }] }, "b2c:socialSignIn.keySets[1].name: x is listed twice"],
  [{ keySets: [{ name: "bad name!", source: "generate" }] }, "b2c:socialSignIn.keySets[0].name: must be a keyset name"],
  [{ customPolicies: { adoptExisting: true } }, "b2c:socialSignIn.customPolicies.folder: must be the folder of the policy files"],
  [{ customPolicies: { folder: "p", adoptExisting: "yes" } }, "b2c:socialSignIn.customPolicies.adoptExisting: must be true or false"],
  [{ expiryWarningDays: 0 }, "b2c:socialSignIn.expiryWarningDays: must be a whole number of days"],
  [{ customPolicies: { folder: "p", versioning: { keep: 0 } } }, "b2c:socialSignIn.customPolicies.versioning.keep: must be a whole number of releases, 1 or more, got 0"],
  [{ customPolicies: { folder: "p", versioning: "on" } }, "b2c:socialSignIn.customPolicies.versioning: must be true, or an object such as { keep: 2 }"],
  [{ customPolicies: { folder: "p", production: "yes" } }, "b2c:socialSignIn.customPolicies.production: must be true or false"],
])("%j is refused: %s", (signIn, message) => {
  expect(() => readTenantExtras(reader(signIn))).toThrow(message);
});

test("customPolicies.versioning: true takes the defaults, an object its keep; production passes through", () => {
  expect(readTenantExtras(reader({ customPolicies: { folder: "p", versioning: true } })).customPolicies).toEqual({ folder: "p", versioning: {} });
  expect(readTenantExtras(reader({ customPolicies: { folder: "p", versioning: { keep: 3 }, production: true } })).customPolicies).toEqual({
    folder: "p",
    versioning: { keep: 3 },
    production: true,
  });
  expect(readTenantExtras(reader({ customPolicies: { folder: "p", versioning: false } })).customPolicies).toEqual({ folder: "p" });
});
