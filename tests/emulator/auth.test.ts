// Checklist 2: bearer required on every Graph route (401), per-endpoint application permissions (403).
import type { RunningEmulator } from "../../emulator";
import { graphFetch, startTestEmulator } from "../helpers/emulator";

const READER = { clientId: "reader-app", clientSecret: "reader-secret", permissions: ["IdentityProvider.Read.All", "TrustFrameworkKeySet.Read.All", "Policy.Read.All", "IdentityUserFlow.Read.All"] };
const NOTHING = { clientId: "no-perm-app", clientSecret: "no-perm-secret", permissions: [] as string[] };
const ADMIN = {
  clientId: "admin-app",
  clientSecret: "admin-secret",
  permissions: ["IdentityProvider.ReadWrite.All", "IdentityUserFlow.ReadWrite.All", "TrustFrameworkKeySet.ReadWrite.All", "Policy.ReadWrite.TrustFramework"],
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ applications: [ADMIN, READER, NOTHING] });
});
afterAll(() => emu.stop());

// Always three columns: jest passes a done callback to test.each functions given fewer arguments.
const ROUTES: Array<[string, string, unknown]> = [
  ["GET", "/v1.0/identity/identityProviders", undefined],
  ["POST", "/v1.0/identity/identityProviders", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "x", identityProviderType: "QQ", clientId: "a", clientSecret: "b" }],
  ["GET", "/beta/identity/identityProviders/availableProviderTypes", undefined],
  ["GET", "/beta/identity/b2cUserFlows", undefined],
  ["POST", "/beta/identity/b2cUserFlows", { id: "x", userFlowType: "signIn", userFlowTypeVersion: 3 }],
  ["GET", "/beta/trustFramework/keySets", undefined],
  ["POST", "/beta/trustFramework/keySets", { id: "x" }],
  ["POST", "/beta/trustFramework/keySets/B2C_1A_x/uploadSecret", { use: "sig", k: "s" }],
  ["GET", "/beta/trustFramework/policies", undefined],
  ["DELETE", "/beta/trustFramework/policies/B2C_1A_x", undefined],
  ["POST", "/beta/$batch", { requests: [{ id: "1", method: "GET", url: "/trustFramework/keySets" }] }],
];

test.each(ROUTES)("%s %s without a bearer -> 401 InvalidAuthenticationToken", async (method, path, body) => {
  const res = await graphFetch(emu, method, path, body, { authorization: undefined });
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe("InvalidAuthenticationToken");
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
});

test("malformed, unsigned or foreign bearers -> 401", async () => {
  const realToken = (await (await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: ADMIN.clientId, client_secret: ADMIN.clientSecret, scope: "https://graph.microsoft.com/.default" }).toString(),
  })).json()).access_token as string;
  const [h, p] = realToken.split(".");
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: [...claims.roles, "Directory.ReadWrite.All"] })).toString("base64url")}.${realToken.split(".")[2]}`;
  for (const authorization of ["Bearer", "Bearer not-a-jwt", `Basic ${realToken}`, `Bearer ${tampered}`, `Bearer ${h}.${p}.`]) {
    const res = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization });
    expect([authorization, res.status, res.body.error.code]).toEqual([authorization, 401, "InvalidAuthenticationToken"]);
  }
  const ok = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: `Bearer ${realToken}` });
  expect(ok.status).toBe(200);
});

test.each(ROUTES.filter(([, path]) => !path.endsWith("$batch")))("%s %s with an app lacking the permission -> 403 Authorization_RequestDenied", async (method, path, body) => {
  const res = await graphFetch(emu, method, path, body, {}, NOTHING);
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe("Authorization_RequestDenied");
  expect(res.body.error.message).toBe("Insufficient privileges to complete the operation.");
});

test("Read.All permissions allow reads but not writes, per family", async () => {
  for (const [method, path, body] of ROUTES.filter(([, p]) => !p.endsWith("$batch"))) {
    const res = await graphFetch(emu, method, path, body, {}, READER);
    if (method === "GET") expect([method, path, res.status]).toEqual([method, path, 200]);
    else expect([method, path, res.status]).toEqual([method, path, 403]);
  }
});

test("an app with only one family's permission is refused on the others", async () => {
  const idpOnly = await startTestEmulator({ applications: [{ clientId: "idp-only", clientSecret: "s", permissions: ["IdentityProvider.ReadWrite.All"] }] });
  try {
    expect((await graphFetch(idpOnly, "GET", "/v1.0/identity/identityProviders")).status).toBe(200);
    expect((await graphFetch(idpOnly, "GET", "/beta/trustFramework/keySets")).status).toBe(403);
    expect((await graphFetch(idpOnly, "GET", "/beta/trustFramework/policies")).status).toBe(403);
    expect((await graphFetch(idpOnly, "GET", "/beta/identity/b2cUserFlows")).status).toBe(403);
    idpOnly.setBehaviour({ enforcePermissions: false });
    expect((await graphFetch(idpOnly, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
  } finally {
    await idpOnly.stop();
  }
});

test("inside $batch each request is authorized on its own", async () => {
  const res = await graphFetch(emu, "POST", "/beta/$batch", {
    requests: [
      { id: "read", method: "GET", url: "/trustFramework/keySets" },
      { id: "write", method: "POST", url: "/trustFramework/keySets", headers: { "Content-Type": "application/json" }, body: { id: "x" } },
    ],
  }, {}, READER);
  expect(res.status).toBe(200);
  const byId = Object.fromEntries(res.body.responses.map((r: any) => [r.id, r.status]));
  expect(byId).toEqual({ read: 200, write: 403 });
});

test("a token minted by the app itself with roles it was not granted is held to the app registry: a read-only app can't write", async () => {
  // The emulator signs an app's tokens with a key derived from the app's own credential, so the app
  // can sign a token of its own; the roles in it don't count beyond what the registry grants.
  const { createHash, createHmac } = await import("crypto");
  const key = createHash("sha256").update(`pulumi-b2c-identity-emulator|${emu.tenantId}|${READER.clientId}|${READER.clientSecret}|`).digest();
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "b2c-emulator" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ aud: "https://graph.microsoft.com", tid: emu.tenantId, appid: READER.clientId, exp: now + 600, roles: [...ADMIN.permissions, "TrustFrameworkKeySet.Read.All"] }),
  ).toString("base64url");
  const forged = `${header}.${payload}.${createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url")}`;
  const write = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Forged" }, { authorization: `Bearer ${forged}` });
  expect([write.status, write.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
  // The same token still reads (the registry grants READER the Read.All roles): it is valid, only its extra roles don't count.
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets", undefined, { authorization: `Bearer ${forged}` })).status).toBe(200);
  expect(emu.snapshot().keySets).toEqual([]);
});
