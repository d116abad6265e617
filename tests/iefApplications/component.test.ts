import {
  IefApplications,
  IEF_SCOPE_VALUE,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_OFFLINE_ACCESS_SCOPE_ID,
  MICROSOFT_GRAPH_OPENID_SCOPE_ID,
  stableGuid,
} from "../../iefApplications/component";
import { TrustFrameworkPolicySet } from "../../customPolicies/component";
import { capture, Registration, valueOf } from "../helpers/pulumiHarness";
import { readStarterPack } from "../policies/starterPack";

const TENANT = "contosob2c.onmicrosoft.com";
const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const GRANT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
const URI = "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri";

/** Mock outputs: each app gets a client id derived from its name, each service principal an object id. */
function outputs(reg: Registration): Record<string, unknown> | undefined {
  if (reg.type === APP) return { clientId: stableGuid(`client/${reg.name}`) };
  if (reg.type === SP) return { objectId: stableGuid(`sp/${reg.name}`) };
  return undefined;
}

const GRAPH_ACCESS = {
  resourceAppId: MICROSOFT_GRAPH_APP_ID,
  resourceAccesses: [
    { id: MICROSOFT_GRAPH_OPENID_SCOPE_ID, type: "Scope" },
    { id: MICROSOFT_GRAPH_OFFLINE_ACCESS_SCOPE_ID, type: "Scope" },
  ],
};

async function registered(program: () => unknown, config: Record<string, string> = { "b2c:tenantId": TENANT }) {
  const { registrations, result } = await capture(program, { outputs, config });
  const byName = (name: string) => {
    const reg = registrations.find((r) => r.name === name);
    expect(reg).toBeDefined();
    return reg!;
  };
  return { registrations, byName, result };
}

test("IdentityExperienceFramework: a single-tenant web API exposing user_impersonation, with its identifier URI", async () => {
  const { byName, registrations } = await registered(() => new IefApplications("ief"));
  const ief = byName("ief-ief");
  expect(ief.type).toBe(APP);
  expect(ief.inputs).toMatchObject({
    displayName: "IdentityExperienceFramework",
    signInAudience: "AzureADMyOrg",
    web: { redirectUris: [`https://contosob2c.b2clogin.com/${TENANT}`] },
    requiredResourceAccesses: [GRAPH_ACCESS],
  });
  expect(ief.inputs.api.oauth2PermissionScopes).toEqual([
    {
      id: stableGuid(`ief/${IEF_SCOPE_VALUE}`),
      value: "user_impersonation",
      type: "Admin",
      enabled: true,
      adminConsentDisplayName: "Access IdentityExperienceFramework",
      adminConsentDescription: "Allow the application to access IdentityExperienceFramework on behalf of the signed-in user.",
    },
  ]);
  const uri = byName("ief-ief-uri");
  expect(uri.type).toBe(URI);
  expect(uri.inputs.identifierUri).toBe(`https://${TENANT}/${stableGuid("client/ief-ief")}`);
  // The IEF app is not a public client and has no test app unless asked.
  expect(ief.inputs.fallbackPublicClientEnabled).toBeUndefined();
  expect(registrations.filter((r) => r.type === APP).map((r) => r.name).sort()).toEqual(["ief-ief", "ief-proxy-ief"]);
});

test("ProxyIdentityExperienceFramework: public client (myapp://auth) requiring the IEF scope and openid/offline_access, with admin consent", async () => {
  const { byName, registrations } = await registered(() => new IefApplications("ief", { identifierUriStyle: "api" }));
  const proxy = byName("ief-proxy-ief");
  expect(proxy.inputs).toMatchObject({
    displayName: "ProxyIdentityExperienceFramework",
    signInAudience: "AzureADMyOrg",
    fallbackPublicClientEnabled: true,
    publicClient: { redirectUris: ["myapp://auth"] },
  });
  expect(proxy.inputs.requiredResourceAccesses).toEqual([
    { resourceAppId: stableGuid("client/ief-ief"), resourceAccesses: [{ id: stableGuid(`ief/${IEF_SCOPE_VALUE}`), type: "Scope" }] },
    GRAPH_ACCESS,
  ]);
  expect(byName("ief-ief-uri").inputs.identifierUri).toBe(`api://${stableGuid("client/ief-ief")}`);

  // Admin consent: tenant-wide delegated grants (no userObjectId) from each app's service principal.
  expect(byName("ief-ief-sp").inputs.clientId).toBe(stableGuid("client/ief-ief"));
  expect(byName("ief-proxy-ief-sp").inputs.clientId).toBe(stableGuid("client/ief-proxy-ief"));
  const grants = registrations.filter((r) => r.type === GRANT);
  expect(grants.map((g) => g.name).sort()).toEqual(["ief-ief-graph-consent", "ief-proxy-ief-consent", "ief-proxy-ief-graph-consent"]);
  const toIef = byName("ief-proxy-ief-consent").inputs;
  expect(toIef).toEqual({
    servicePrincipalObjectId: stableGuid("sp/ief-proxy-ief-sp"),
    resourceServicePrincipalObjectId: stableGuid("sp/ief-ief-sp"),
    claimValues: ["user_impersonation"],
  });
  expect(byName("ief-proxy-ief-graph-consent").inputs).toMatchObject({ servicePrincipalObjectId: stableGuid("sp/ief-proxy-ief-sp"), claimValues: ["openid", "offline_access"] });
  for (const g of grants) expect(g.inputs).not.toHaveProperty("userObjectId");
});

test("the test relying party: reply URL https://jwt.ms, any identity provider, implicit ID tokens; outputs the three client ids", async () => {
  let apps!: IefApplications;
  const { byName, registrations } = await registered(() => {
    apps = new IefApplications("ief", { tenantDomain: "fabrikamb2c", testApplication: true, grantAdminConsent: false });
  }, {});
  const test = byName("ief-test-app");
  expect(test.inputs).toMatchObject({
    displayName: "webapp1",
    signInAudience: "AzureADandPersonalMicrosoftAccount",
    api: { requestedAccessTokenVersion: 2 },
    web: { redirectUris: ["https://jwt.ms"], implicitGrant: { idTokenIssuanceEnabled: true, accessTokenIssuanceEnabled: true } },
    requiredResourceAccesses: [GRAPH_ACCESS],
  });
  expect(byName("ief-ief").inputs.web.redirectUris).toEqual(["https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com"]);
  expect(registrations.filter((r) => r.type === GRANT || r.type === SP)).toEqual([]);
  expect(await valueOf(apps.identityExperienceFrameworkAppId)).toBe(stableGuid("client/ief-ief"));
  expect(await valueOf(apps.proxyIdentityExperienceFrameworkAppId)).toBe(stableGuid("client/ief-proxy-ief"));
  expect(await valueOf(apps.testAppId)).toBe(stableGuid("client/ief-test-app"));
});

test("argument mistakes throw at construction", async () => {
  await capture(() => {
    expect(() => new IefApplications("a", { tenantDomain: TENANT, userImpersonationScopeId: "nope" })).toThrow(/userImpersonationScopeId: must be a GUID/);
    expect(() => new IefApplications("b", { tenantDomain: TENANT, testApplication: { replyUrls: ["http://localhost"] } })).toThrow(/testApplication.replyUrls\[0\]: must be an https URL/);
    expect(() => new IefApplications("c")).toThrow(/tenantDomain: is not known/);
  }, { config: {} });
});

test("the app ids flow into the policies through TrustFrameworkPolicySet", async () => {
  const files = readStarterPack("SocialAndLocalAccounts").map((f) => ({ ...f, xml: f.xml.replace("facebook_clientid", "0") }));
  const { registrations, result } = await registered(() => {
    const apps = new IefApplications("ief");
    return new TrustFrameworkPolicySet("pack", {
      policies: files,
      identityExperienceFrameworkAppId: apps.identityExperienceFrameworkAppId,
      proxyIdentityExperienceFrameworkAppId: apps.proxyIdentityExperienceFrameworkAppId,
      existingKeySetIds: ["B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer", "B2C_1A_FacebookSecret"],
    });
  });
  // Once policyIds resolves, every policy resource has been registered.
  expect(await valueOf((result as TrustFrameworkPolicySet).policyIds)).toHaveLength(6);
  const extensions: string = registrations.find((r) => r.name === "pack-B2C_1A_TrustFrameworkExtensions")!.inputs.xml;
  expect(extensions).toContain(`<Item Key="client_id">${stableGuid("client/ief-proxy-ief")}</Item>`);
  expect(extensions).toContain(`<Item Key="IdTokenAudience">${stableGuid("client/ief-ief")}</Item>`);
  expect(extensions).toContain(`DefaultValue="${stableGuid("client/ief-ief")}"`);
  expect(extensions).not.toMatch(/IdentityExperienceFrameworkAppId|1ef00000-0000-4000-8000/);
});

test("stableGuid is a stable, well-formed GUID", () => {
  expect(stableGuid("a")).toBe(stableGuid("a"));
  expect(stableGuid("a")).not.toBe(stableGuid("b"));
  expect(stableGuid("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
