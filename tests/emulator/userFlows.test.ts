// Checklist 11-17: b2cUserFlows, userFlowIdentityProviders, $ref attach/detach, deprecated nav, deleting attached IdPs.
// Pages: https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta (create),
// https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta (update).
import type { RunningEmulator } from "../../emulator";
import { DEFAULT_PERMISSIONS } from "../../emulator/runtime";
import { graphFetch, startTestEmulator, useTestEmulator } from "../helpers/emulator";

const FLOWS = "/beta/identity/b2cUserFlows";
const social = (type: string) => ({
  "@odata.type": "microsoft.graph.socialIdentityProvider",
  displayName: type,
  identityProviderType: type,
  clientId: `${type}-id`,
  clientSecret: `${type}-very-secret-key`,
});

let emu: RunningEmulator;
const ref = (id: string) => ({ "@odata.id": `https://graph.microsoft.com/beta/identity/identityProviders/${id}` });

useTestEmulator((e) => (emu = e));
beforeEach(async () => {
  emu.setBehaviour({ duplicateAttach: "error", deleteAttachedIdentityProvider: "fail", userFlowIdPrefix: "keepPrefixed", userFlowUpdateStatus: 204, defaultLanguageTagOnCreate: "en", deprecatedEndpoints: "reject" });
  await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("WeChat"));
  await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", social("QQ"));
});

async function createFlow(id = "susi") {
  return graphFetch(emu, "POST", FLOWS, { id, userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
}

describe("checklist 11: create user flow", () => {
  test("prefixes B2C_1_, answers 201 with absolute Location, apiConnectorConfiguration {} and the service's defaultLanguageTag", async () => {
    const res = await createFlow("Customer");
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`${emu.url}/beta/identity/b2cUserFlows/B2C_1_Customer`);
    expect(res.body).toMatchObject({
      "@odata.context": `${emu.url}/beta/$metadata#identity/b2cUserFlows/$entity`,
      id: "B2C_1_Customer",
      userFlowType: "signUpOrSignIn",
      userFlowTypeVersion: 3,
      isLanguageCustomizationEnabled: false,
      // The create page's example answers "en" to a request without one.
      defaultLanguageTag: "en",
      apiConnectorConfiguration: {},
    });
    const already = await createFlow("B2C_1_Other");
    expect(already.body.id).toBe("B2C_1_Other");
    expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_Customer", "B2C_1_Other"]);
  });

  test("id prefix: 'keepPrefixed' keeps a prefixed id as sent, 'always' prefixes whatever is sent", async () => {
    expect((await createFlow("B2C_1_kept")).body.id).toBe("B2C_1_kept");
    emu.setBehaviour({ userFlowIdPrefix: "always" });
    expect((await createFlow("plain")).body.id).toBe("B2C_1_plain");
    expect((await createFlow("B2C_1_twice")).body.id).toBe("B2C_1_B2C_1_twice");
  });

  test("defaultLanguageTag left null when the switch is empty; a tag sent is kept", async () => {
    emu.setBehaviour({ defaultLanguageTagOnCreate: "" });
    expect((await createFlow("nulltag")).body.defaultLanguageTag).toBeNull();
    const tagged = await graphFetch(emu, "POST", FLOWS, { id: "zh", userFlowType: "signIn", userFlowTypeVersion: 3, defaultLanguageTag: "zh-Hans" });
    expect(tagged.body.defaultLanguageTag).toBe("zh-Hans");
  });

  test("requires id, a valid userFlowType and userFlowTypeVersion; rejects duplicates", async () => {
    expect((await graphFetch(emu, "POST", FLOWS, { userFlowType: "signIn", userFlowTypeVersion: 3 })).status).toBe(400);
    expect((await graphFetch(emu, "POST", FLOWS, { id: "a", userFlowType: "logIn", userFlowTypeVersion: 3 })).status).toBe(400);
    expect((await graphFetch(emu, "POST", FLOWS, { id: "a", userFlowType: "signIn" })).status).toBe(400);
    expect((await createFlow("dup")).status).toBe(201);
    expect((await createFlow("dup")).status).toBe(409);
    expect(emu.snapshot().userFlows).toHaveLength(1);
  });

  test("create may reference existing IdPs by id; unknown ones fail", async () => {
    const ok = await graphFetch(emu, "POST", FLOWS, { id: "withIdps", userFlowType: "signIn", userFlowTypeVersion: 3, identityProviders: [{ id: "WeChat-OAUTH" }] });
    expect(ok.status).toBe(201);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["WeChat-OAUTH"]);
    const bad = await graphFetch(emu, "POST", FLOWS, { id: "bad", userFlowType: "signIn", userFlowTypeVersion: 3, identityProviders: [{ id: "Nope-OAUTH" }] });
    expect(bad.status).toBe(404);
    expect(bad.body.error.code).toBe("AADB2C90073");
  });
});

describe("checklist 12: get, list with $expand, delete", () => {
  test("list and get, with $expand=identityProviders and userFlowIdentityProviders (masked)", async () => {
    await createFlow();
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    const list = await graphFetch(emu, "GET", FLOWS);
    expect(list.body["@odata.context"]).toBe(`${emu.url}/beta/$metadata#identity/b2cUserFlows`);
    expect(list.body.value.map((f: any) => f.id)).toEqual(["B2C_1_susi"]);
    expect(list.body.value[0].identityProviders).toBeUndefined();
    const expanded = await graphFetch(emu, "GET", `${FLOWS}?$expand=identityProviders`);
    expect(expanded.body.value[0].identityProviders).toEqual([{ id: "WeChat-OAUTH", name: "WeChat", type: "WeChat", clientId: "WeChat-id", clientSecret: "*****" }]);
    const one = await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi?$expand=userFlowIdentityProviders`);
    expect(one.status).toBe(200);
    expect(one.body.userFlowIdentityProviders).toEqual([expect.objectContaining({ id: "WeChat-OAUTH", clientSecret: "******" })]);
    expect(one.text).not.toContain("very-secret");
    expect((await graphFetch(emu, "GET", `${FLOWS}?$expand=languages`)).status).toBe(400);
  });

  test("DELETE 204, then GET 404", async () => {
    await createFlow();
    expect((await graphFetch(emu, "DELETE", `${FLOWS}/B2C_1_susi`)).status).toBe(204);
    const gone = await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi`);
    expect(gone.status).toBe(404);
    expect(emu.snapshot().userFlows).toHaveLength(0);
  });
});

describe("checklist 13: userFlowIdentityProviders list", () => {
  test("polymorphic masked IdP objects with the identityProviderBase collection context", async () => {
    await createFlow();
    const empty = await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders`);
    expect(empty.body).toEqual({ "@odata.context": `${emu.url}/beta/$metadata#Collection(microsoft.graph.identityProviderBase)`, value: [] });
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("QQ-OAUTH"));
    const list = await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders`);
    expect(list.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.socialIdentityProvider", id: "QQ-OAUTH", displayName: "QQ", identityProviderType: "QQ", clientId: "QQ-id", clientSecret: "******" },
    ]);
  });
});

describe("checklist 14: attach via $ref", () => {
  test.each(["POST", "PATCH"])("%s $ref attaches (204)", async (method) => {
    await createFlow();
    const res = await graphFetch(emu, method, `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["WeChat-OAUTH"]);
  });

  test("relative and emulator-host references work; malformed ones and unknown IdPs fail", async () => {
    await createFlow();
    expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, { "@odata.id": "/identity/identityProviders/WeChat-OAUTH" })).status).toBe(204);
    expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, { "@odata.id": `${emu.url}/beta/identity/identityProviders/QQ-OAUTH` })).status).toBe(204);
    const missing = await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("Google-OAUTH"));
    expect([missing.status, missing.body.error.code]).toEqual([404, "AADB2C90073"]);
    for (const body of [{}, { "@odata.id": "https://graph.microsoft.com/beta/users/x" }, { "@odata.id": 5 }]) {
      expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, body)).status).toBe(400);
    }
    const noFlow = await graphFetch(emu, "POST", `${FLOWS}/B2C_1_nope/userFlowIdentityProviders/$ref`, ref("QQ-OAUTH"));
    expect(noFlow.status).toBe(404);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["WeChat-OAUTH", "QQ-OAUTH"]);
  });

  test("duplicate attach: 400 'already exist' by default, 204 when configured", async () => {
    await createFlow();
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    const dup = await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("wechat-oauth"));
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/^One or more added object references already exist/);
    emu.setBehaviour({ duplicateAttach: "ok" });
    expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"))).status).toBe(204);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["WeChat-OAUTH"]);
  });
});

describe("checklist 15: detach", () => {
  test("DELETE …/{idpId}/$ref -> 204; not attached -> 404", async () => {
    await createFlow();
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    expect((await graphFetch(emu, "DELETE", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/WECHAT-OAUTH/$ref`)).status).toBe(204);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual([]);
    const again = await graphFetch(emu, "DELETE", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/WeChat-OAUTH/$ref`);
    expect(again.status).toBe(404);
  });
});

describe("checklist 16: deprecated identityProviders navigation on user flows", () => {
  test("rejected by default, emulated with the old shape when switched on", async () => {
    await createFlow();
    const legacyRef = { "@odata.id": "https://graph.microsoft.com/beta/identityProviders/QQ-OAUTH" };
    expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/identityProviders/$ref`, legacyRef)).status).toBe(400);
    expect((await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi/identityProviders`)).status).toBe(400);
    emu.setBehaviour({ deprecatedEndpoints: "emulate" });
    expect((await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/identityProviders/$ref`, legacyRef)).status).toBe(204);
    const list = await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi/identityProviders`);
    expect(list.body.value).toEqual([{ id: "QQ-OAUTH", name: "QQ", type: "QQ", clientId: "QQ-id", clientSecret: "*****" }]);
    expect((await graphFetch(emu, "DELETE", `${FLOWS}/B2C_1_susi/identityProviders/QQ-OAUTH/$ref`)).status).toBe(204);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual([]);
  });
});

describe("checklist 17: deleting an IdP attached to a flow", () => {
  test("fails by default naming the flow", async () => {
    await createFlow();
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    const res = await graphFetch(emu, "DELETE", "/v1.0/identity/identityProviders/WeChat-OAUTH");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("B2C_1_susi");
    expect(emu.snapshot().identityProviders.map((i) => i.id)).toContain("WeChat-OAUTH");
  });

  test("cascades (detaches everywhere) when configured", async () => {
    emu.setBehaviour({ deleteAttachedIdentityProvider: "cascade" });
    await createFlow("a");
    await createFlow("b");
    for (const flow of ["B2C_1_a", "B2C_1_b"]) await graphFetch(emu, "POST", `${FLOWS}/${flow}/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    expect((await graphFetch(emu, "DELETE", "/v1.0/identity/identityProviders/WeChat-OAUTH")).status).toBe(204);
    expect(emu.snapshot().userFlows.map((f) => f.identityProviderIds)).toEqual([[], []]);
    expect(emu.snapshot().identityProviders.map((i) => i.id)).toEqual(["QQ-OAUTH"]);
  });
});

describe("update b2cIdentityUserFlow (PATCH)", () => {
  test("changes isLanguageCustomizationEnabled and defaultLanguageTag in place: 204 (the page's example), attachments kept", async () => {
    await createFlow();
    await graphFetch(emu, "POST", `${FLOWS}/B2C_1_susi/userFlowIdentityProviders/$ref`, ref("WeChat-OAUTH"));
    const res = await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const after = await graphFetch(emu, "GET", `${FLOWS}/b2c_1_SUSI`);
    expect(after.body).toMatchObject({ id: "B2C_1_susi", isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["WeChat-OAUTH"]);
    expect((await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { defaultLanguageTag: null })).status).toBe(204);
    expect((await graphFetch(emu, "GET", `${FLOWS}/B2C_1_susi`)).body.defaultLanguageTag).toBeNull();
  });

  test("200 with the updated flow when switched to the page's text", async () => {
    emu.setBehaviour({ userFlowUpdateStatus: 200 });
    await createFlow();
    const res = await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { isLanguageCustomizationEnabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: "B2C_1_susi", isLanguageCustomizationEnabled: true, userFlowType: "signUpOrSignIn" });
  });

  test("fixed properties only with their current value; unknown ones and missing flows fail", async () => {
    await createFlow();
    expect((await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { userFlowType: "signUpOrSignIn", isLanguageCustomizationEnabled: true })).status).toBe(204);
    const type = await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { userFlowType: "signIn" });
    expect(type.status).toBe(400);
    expect(type.body.error.message).toMatch(/userFlowType.*cannot be updated/);
    expect((await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { userFlowTypeVersion: 1 })).status).toBe(400);
    expect((await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_susi`, { colour: "blue" })).status).toBe(400);
    const missing = await graphFetch(emu, "PATCH", `${FLOWS}/B2C_1_nope`, { isLanguageCustomizationEnabled: true });
    expect([missing.status, missing.body.error.code]).toEqual([404, "AADB2C90073"]);
  });
});

// Read permissions as the current pages list them.
describe("read permissions", () => {
  const READER = { clientId: "flow-reader", clientSecret: "flow-reader-secret", permissions: ["IdentityUserFlow.Read.All", "Policy.Read.All"] };
  let scoped: RunningEmulator;
  beforeAll(async () => {
    scoped = await startTestEmulator({ applications: [{ clientId: emu.clientId, clientSecret: emu.clientSecret, permissions: DEFAULT_PERMISSIONS }, READER] });
  });
  afterAll(() => scoped.stop());

  test("IdentityUserFlow.Read.All lists and gets flows (https://learn.microsoft.com/graph/api/identitycontainer-list-b2cuserflows?view=graph-rest-beta)", async () => {
    await graphFetch(scoped, "POST", FLOWS, { id: "susi", userFlowType: "signIn", userFlowTypeVersion: 3 });
    expect((await graphFetch(scoped, "GET", FLOWS, undefined, {}, READER)).status).toBe(200);
    expect((await graphFetch(scoped, "GET", `${FLOWS}/B2C_1_susi`, undefined, {}, READER)).status).toBe(200);
  });

  test("listing a flow's identity providers needs IdentityUserFlow.ReadWrite.All (https://learn.microsoft.com/graph/api/b2cidentityuserflow-list-userflowidentityproviders?view=graph-rest-beta)", async () => {
    await graphFetch(scoped, "POST", FLOWS, { id: "other", userFlowType: "signIn", userFlowTypeVersion: 3 });
    const denied = await graphFetch(scoped, "GET", `${FLOWS}/B2C_1_other/userFlowIdentityProviders`, undefined, {}, READER);
    expect([denied.status, denied.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    expect((await graphFetch(scoped, "GET", `${FLOWS}/B2C_1_other/userFlowIdentityProviders`)).status).toBe(200);
  });

  test("Policy.Read.All reads policies; no other read permission is invented (https://learn.microsoft.com/graph/api/trustframework-list-trustframeworkpolicies?view=graph-rest-beta)", async () => {
    expect((await graphFetch(scoped, "GET", "/beta/trustFramework/policies", undefined, {}, READER)).status).toBe(200);
    const other = await startTestEmulator({ applications: [{ clientId: "tf-reader", clientSecret: "tf-reader-secret", permissions: ["Policy.Read.TrustFramework"] }] });
    try {
      const res = await graphFetch(other, "GET", "/beta/trustFramework/policies", undefined, {}, { clientId: "tf-reader", clientSecret: "tf-reader-secret" });
      expect(res.status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});
