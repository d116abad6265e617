// The expiry settings reach every keyset a component makes: the token key presets take
// rotateBeforeExpiryDays, and B2CSocialSignIn passes its own settings to the keysets it creates.
import { B2CSocialSignIn } from "../../signIn/component";
import { TokenEncryptionKey, TokenSigningKey } from "../../policyKeys/presets";
import { capture } from "../helpers/pulumiHarness";

const POLICY_KEY = "b2c-identity:index:TrustFrameworkKeySet";

test("the token key presets hand rotateBeforeExpiryDays to their generated keys", async () => {
  const { registrations } = await capture(() => {
    new TokenSigningKey("signing", { rotateBeforeExpiryDays: 14 });
    new TokenEncryptionKey("encryption");
  });
  const generate = Object.fromEntries(registrations.filter((r) => r.type === POLICY_KEY).map((r) => [r.inputs.name, r.inputs.generate]));
  expect(generate.TokenSigningKeyContainer.rotateBeforeExpiryDays).toBe(14);
  expect(generate.TokenEncryptionKeyContainer).not.toHaveProperty("rotateBeforeExpiryDays");
});

test("B2CSocialSignIn's token keys roll over when asked, and its settings are checked like PolicyKey's", async () => {
  const { registrations } = await capture(() => {
    new B2CSocialSignIn("s", {
      identityProviders: [{ type: "QQ", clientId: "101000001", clientSecret: "k-padded", policyKey: true }],
      tokenKeys: true,
      tokenKeysRotateBeforeExpiryDays: 20,
      expiryWarningDays: 45,
    });
  });
  const keys = registrations.filter((r) => r.type === POLICY_KEY);
  expect(keys.map((k) => k.inputs.name).sort()).toEqual(["QQSecret", "TokenEncryptionKeyContainer", "TokenSigningKeyContainer"]);
  for (const k of keys.filter((r) => r.inputs.generate)) expect(k.inputs.generate.rotateBeforeExpiryDays).toBe(20);
  await capture(() => {
    expect(() => new B2CSocialSignIn("bad", { identityProviders: [{ type: "QQ", clientId: "101000001", clientSecret: "k-padded", policyKey: true }], expiryWarningDays: -3 })).toThrow(
      /expiryWarningDays/,
    );
  });
});
