// Checklist 5-10 and 16 (deprecated beta /identityProviders), workforce-mode type restrictions.
// Pages: https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0 (create, `scope`),
// https://learn.microsoft.com/graph/api/identityproviderbase-availableprovidertypes?view=graph-rest-1.0.
import { createHash } from "crypto";
import type { RunningEmulator } from "../../emulator";
import { fingerprintOf, graphFetch, startTestEmulator, useTestEmulator } from "../helpers/emulator";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const social = (type: string, extra: Record<string, unknown> = {}) => ({
  "@odata.type": "microsoft.graph.socialIdentityProvider",
  displayName: `${type} login`,
  identityProviderType: type,
  clientId: `${type}-app-id`,
  clientSecret: `${type}-app-key-secret`,
  ...extra,
});

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
beforeEach(() => {
  emu.setBehaviour({
    duplicateIdentityProviderStatus: 400,
    secretMask: "******",
    echoClientSecretOnCreate: false,
    deprecatedEndpoints: "reject",
    availableProviderTypesExcludeConfigured: false,
  });
});

describe("checklist 5: @odata.type", () => {
  test.each(["microsoft.graph.socialIdentityProvider", "#microsoft.graph.socialIdentityProvider"])("accepts %s on create; emits the # form", async (odataType) => {
    const created = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ", { "@odata.type": odataType }));
    expect(created.status).toBe(201);
    expect(created.body["@odata.type"]).toBe("#microsoft.graph.socialIdentityProvider");
    const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    expect(list.body.value[0]["@odata.type"]).toBe("#microsoft.graph.socialIdentityProvider");
    const got = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH");
    expect(got.body["@odata.type"]).toBe("#microsoft.graph.socialIdentityProvider");
  });

  test("missing or foreign @odata.type is rejected", async () => {
    const { "@odata.type": _omit, ...untyped } = social("QQ");
    expect((await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", untyped)).status).toBe(400);
    expect((await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ", { "@odata.type": "#microsoft.graph.user" }))).status).toBe(400);
    expect(emu.snapshot().identityProviders).toHaveLength(0);
  });
});

describe("checklist 6: create", () => {
  test("WeChat and QQ get <Type>-OAUTH ids, Microsoft gets MSA-OIDC; 201 with the object", async () => {
    const expectedIds: Record<string, string> = { WeChat: "WeChat-OAUTH", QQ: "QQ-OAUTH", Microsoft: "MSA-OIDC", GitHub: "GitHub-OAUTH" };
    for (const [type, id] of Object.entries(expectedIds)) {
      const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social(type));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id, identityProviderType: type, displayName: `${type} login`, clientId: `${type}-app-id` });
      expect(res.body["@odata.context"]).toBe(`${emu.url}/v1.0/$metadata#identity/identityProviders/$entity`);
    }
    expect(emu.snapshot().identityProviders.map((i) => i.id).sort()).toEqual(Object.values(expectedIds).sort());
    expect(emu.snapshot().identityProviders.find((i) => i.id === "WeChat-OAUTH")!.clientSecretFingerprint).toEqual(fingerprintOf("WeChat-app-key-secret"));
  });

  test.each(["displayName", "identityProviderType", "clientId", "clientSecret"])("missing %s -> 400", async (field) => {
    const body: Record<string, unknown> = social("WeChat");
    delete body[field];
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });

  test("unknown or wrongly cased types -> 400", async () => {
    for (const type of ["Yahoo", "wechat", "MicrosoftAccount"]) {
      const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social(type));
      expect([type, res.status]).toEqual([type, 400]);
    }
  });

  test("a second IdP of the same type -> 400 by default, 409 when configured", async () => {
    expect((await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"))).status).toBe(201);
    const dup = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat", { displayName: "again" }));
    expect(dup.status).toBe(400);
    expect(dup.body.error.code).toBe("Request_MultipleObjectsWithSameKeyValue");
    emu.setBehaviour({ duplicateIdentityProviderStatus: 409 });
    expect((await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"))).status).toBe(409);
    expect(emu.snapshot().identityProviders).toHaveLength(1);
    expect(emu.snapshot().identityProviders[0].displayName).toBe("WeChat login");
  });
});

describe("checklist 7: secrets are never returned", () => {
  test("POST echoes the mask by default; GET, list and beta never show the secret", async () => {
    const created = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    expect(created.body.clientSecret).toBe("******");
    for (const path of ["/v1.0/identity/identityProviders", "/beta/identity/identityProviders", "/v1.0/identity/identityProviders/WeChat-OAUTH"]) {
      const res = await graphFetch(emu, "GET", path);
      expect(res.text).not.toContain("WeChat-app-key-secret");
      expect(res.text).toContain('"clientSecret":"******"');
    }
    expect(JSON.stringify(emu.snapshot())).not.toContain("WeChat-app-key-secret");
  });

  test("mask and POST echo are configurable", async () => {
    emu.setBehaviour({ secretMask: "****", echoClientSecretOnCreate: true });
    const created = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ"));
    expect(created.body.clientSecret).toBe("QQ-app-key-secret");
    const got = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH");
    expect(got.body.clientSecret).toBe("****");
  });
});

describe("checklist 8: list", () => {
  test("empty tenant -> value []; then every IdP with @odata.context", async () => {
    const empty = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ "@odata.context": `${emu.url}/v1.0/$metadata#identity/identityProviders`, value: [] });
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ"));
    const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    expect(list.body.value.map((i: any) => i.id)).toEqual(["WeChat-OAUTH", "QQ-OAUTH"]);
  });
});

describe("checklist 9: get, patch, delete", () => {
  test("GET 200, PATCH 204 changes displayName/clientId/clientSecret, DELETE 204, then 404", async () => {
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    const patch = await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", {
      "@odata.type": "#microsoft.graph.socialIdentityProvider",
      displayName: "WeChat 2",
      clientId: "wx-2",
      clientSecret: "new-secret",
    });
    expect(patch.status).toBe(204);
    const got = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/WeChat-OAUTH");
    expect(got.body).toMatchObject({ displayName: "WeChat 2", clientId: "wx-2", identityProviderType: "WeChat" });
    expect(emu.snapshot().identityProviders[0].clientSecretFingerprint).toEqual(fingerprintOf("new-secret"));
    expect((await graphFetch(emu, "DELETE", "/v1.0/identity/identityProviders/WeChat-OAUTH")).status).toBe(204);
    const gone = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/WeChat-OAUTH");
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe("AADB2C90073");
    expect(gone.body.error.message).toBe(`IdentityProvider with 'id': 'WeChat-OAUTH' cannot be found in the directory '${emu.tenantDomain}'.`);
    const deleteAgain = await graphFetch(emu, "DELETE", "/v1.0/identity/identityProviders/WeChat-OAUTH");
    expect([deleteAgain.status, deleteAgain.body.error.code]).toEqual([404, "AADB2C90073"]);
    expect((await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", { displayName: "x" })).status).toBe(404);
  });

  test("PATCH cannot change identityProviderType (same value is fine) or unknown properties", async () => {
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    const change = await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", { identityProviderType: "QQ" });
    expect(change.status).toBe(400);
    expect(change.body.error.message).toContain("identityProviderType");
    expect((await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", { identityProviderType: "WeChat" })).status).toBe(204);
    expect((await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", { foo: 1 })).status).toBe(400);
    expect(emu.snapshot().identityProviders[0].type).toBe("WeChat");
  });
});

describe("checklist 10: availableProviderTypes", () => {
  const DOCUMENTED_B2C = ["Microsoft", "Google", "Facebook", "Amazon", "LinkedIn", "Weibo", "QQ", "WeChat", "Twitter", "GitHub", "AppleManaged", "OpenIdConnect"];

  test.each(["availableProviderTypes", "availableProviderTypes()"])("%s lists every type the directory supports, as the page's B2C example, configured or not", async (fn) => {
    const before = await graphFetch(emu, "GET", `/v1.0/identity/identityProviders/${fn}`);
    expect(before.status).toBe(200);
    expect(before.body["@odata.context"]).toBe(`${emu.url}/v1.0/$metadata#Collection(Edm.String)`);
    expect(before.body.value).toEqual(DOCUMENTED_B2C);
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    const after = await graphFetch(emu, "GET", `/beta/identity/identityProviders/${fn}`);
    expect(after.body.value).toEqual(DOCUMENTED_B2C);
  });

  test("without the configured types when switched (no page says so)", async () => {
    emu.setBehaviour({ availableProviderTypesExcludeConfigured: true });
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
    const after = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/availableProviderTypes");
    expect(after.body.value).toEqual(DOCUMENTED_B2C.filter((t) => t !== "WeChat"));
  });
});

describe("create: the documented scope property", () => {
  test("is accepted on create (v1.0 page's socialIdentityProvider table) and not returned", async () => {
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ", { scope: "get_user_info" }));
    expect(res.status).toBe(201);
    expect(res.body.scope).toBeUndefined();
    expect((await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat", { scope: 5 }))).status).toBe(400);
  });
});

describe("checklist 16: deprecated beta /identityProviders", () => {
  test("rejected by default (400) so accidental use is caught", async () => {
    const res = await graphFetch(emu, "GET", "/beta/identityProviders");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/deprecated/);
    expect((await graphFetch(emu, "POST", "/beta/identityProviders", { name: "x", type: "QQ", clientId: "a", clientSecret: "b" })).status).toBe(400);
    expect(emu.snapshot().identityProviders).toHaveLength(0);
  });

  test("emulated with the old shape when switched on; does not exist on v1.0", async () => {
    emu.setBehaviour({ deprecatedEndpoints: "emulate" });
    const created = await graphFetch(emu, "POST", "/beta/identityProviders", { name: "QQ old", type: "QQ", clientId: "qq-old", clientSecret: "qq-old-secret" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: "QQ-OAUTH", name: "QQ old", type: "QQ", clientId: "qq-old", clientSecret: "*****" });
    const list = await graphFetch(emu, "GET", "/beta/identityProviders");
    expect(list.body.value).toEqual([{ id: "QQ-OAUTH", name: "QQ old", type: "QQ", clientId: "qq-old", clientSecret: "*****" }]);
    expect((await graphFetch(emu, "PATCH", "/beta/identityProviders/QQ-OAUTH", { name: "QQ renamed" })).status).toBe(204);
    const current = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH");
    expect(current.body.displayName).toBe("QQ renamed");
    expect((await graphFetch(emu, "DELETE", "/beta/identityProviders/QQ-OAUTH")).status).toBe(204);
    expect(emu.snapshot().identityProviders).toHaveLength(0);
    const v1 = await graphFetch(emu, "GET", "/v1.0/identityProviders");
    expect(v1.body.error.message).toBe("Resource not found for the segment 'identityProviders'.");
  });
});

describe("workforce tenants", () => {
  let workforce: RunningEmulator;
  beforeAll(async () => {
    workforce = await startTestEmulator({ tenantMode: "workforce", tenantName: "contosoworkforce" });
  });
  afterAll(() => workforce.stop());

  test.each(["WeChat", "QQ", "Weibo", "Microsoft"])("reject %s with 400 naming B2C", async (type) => {
    const res = await graphFetch(workforce, "POST", "/v1.0/identity/identityProviders", social(type));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/B2C/);
    expect(workforce.snapshot().identityProviders).toHaveLength(0);
  });

  test("allow Google and Facebook; availableProviderTypes is the workforce list", async () => {
    expect((await graphFetch(workforce, "POST", "/v1.0/identity/identityProviders", social("Google"))).status).toBe(201);
    const types = await graphFetch(workforce, "GET", "/v1.0/identity/identityProviders/availableProviderTypes");
    // The page's workforce example, whatever is configured.
    expect(types.body.value).toEqual(["MicrosoftAccount", "EmailOTP", "Facebook", "Google"]);
    expect(types.body.value).not.toContain("WeChat");
  });

  test("have no b2cUserFlows or trustFramework", async () => {
    for (const path of ["/beta/identity/b2cUserFlows", "/beta/trustFramework/keySets", "/beta/trustFramework/policies"]) {
      const res = await graphFetch(workforce, "GET", path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.error.message).toMatch(/only available for Azure AD B2C tenants/);
    }
  });
});
