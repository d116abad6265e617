// A keyset `pulumi import` brought in (policyKeys/provider.ts readForImport): Graph does not say how
// its keys were made, so the source in state is inferred (keySetSource) and no material is known.
// The first declaration settles it as adoptExisting would (adoption.ts), without a replacement for
// the reading Graph can't tell apart; any other change of kind stays a replacement, refused for an
// adopted keyset. diff makes no Graph call, so it is called directly.
import { policyKeyProvider } from "../../policyKeys/provider";
import type { PolicyKeyInputs, PolicyKeyState } from "../../policyKeys/state";

const imported = (source: "secret" | "certificate"): PolicyKeyState => ({
  name: "B2C_1A_QQSecret",
  keySetId: "B2C_1A_QQSecret",
  source,
  ...(source === "secret" ? { use: "sig", keyType: "oct" } : {}),
  keys: [{ kid: "k1", use: "sig", kty: "oct", status: "enabled" }],
  activeKeyId: "k1",
  adopted: true,
  inferredSource: true,
  lastWriteAt: 0,
});

const diff = (olds: PolicyKeyState, news: Partial<PolicyKeyInputs>) => policyKeyProvider.diff!("B2C_1A_QQSecret", olds, { name: "B2C_1A_QQSecret", adoptExisting: true, ...news } as PolicyKeyInputs);

test("an inferred secret keyset declared with its secret: an update (the key is added once), no replacement", async () => {
  expect(await diff(imported("secret"), { secret: { value: "qq-app-key-0002", use: "sig" } })).toMatchObject({ changes: true, replaces: [] });
});

test("an inferred secret keyset declared as a generated oct key: an update that settles the source, no replacement", async () => {
  expect(await diff(imported("secret"), { generate: { keyType: "oct", use: "sig" } })).toMatchObject({ changes: true, replaces: [] });
});

test("an inferred certificate keyset declared as a PKCS#12 file: no replacement", async () => {
  expect(await diff(imported("certificate"), { pkcs12: { value: "MIIK", password: "pw" } })).toMatchObject({ changes: true, replaces: [] });
});

test("another kind of key than the keyset holds is still a replacement, refused for an adopted keyset", async () => {
  await expect(diff(imported("secret"), { generate: { keyType: "RSA", use: "sig" } })).rejects.toThrow(/was adopted .* would replace it/);
});

test("once settled (no inferred source), a generated oct key is another source again", async () => {
  const settled = { ...imported("secret"), inferredSource: undefined, keyMaterialHash: "hmac-sha256:x:y" };
  await expect(diff(settled, { generate: { keyType: "oct", use: "sig" } })).rejects.toThrow(/would replace it/);
});
