// Declared twice is refused at construction, naming both (issue 19 item 6): for every kind of tenant
// object, keyed by the tenant the config namespace resolves to (one tenant reached through two
// namespaces is one tenant), not by the namespace. No Graph call: construction only.
import {
  AdoptedKeySet,
  B2CUserFlow,
  PolicyKey,
  TrustFrameworkPolicySet,
  UserFlowIdentityProvider,
  WeChatIdentityProvider,
} from "../../api";
import { capture, valueOf } from "../helpers/pulumiHarness";
import { wechatAppKey } from "../helpers/appKeys";

const WECHAT_APP_ID = "wx0123456789abcdef";
const TENANT = "contoso.onmicrosoft.com";

const policy = (policyId: string) =>
  `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" PolicySchemaVersion="0.3.0.0" TenantId="${TENANT}" PolicyId="${policyId}" PublicPolicyUri="http://${TENANT}/${policyId}">
  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="t"><CryptographicKeys><Key Id="client_secret" StorageReferenceId="B2C_1A_X" /></CryptographicKeys></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
</TrustFrameworkPolicy>`;

/** Two namespaces, one tenant: by domain in one, by GUID + tenantName in the other; "b2c-other" is another tenant. */
const ONE_TENANT_TWO_NAMESPACES = {
  "b2c:tenantId": TENANT,
  "b2c-alias:tenantId": "00000000-0000-0000-0000-0000000000aa",
  "b2c-alias:tenantName": "contoso",
  "b2c-other:tenantId": "fabrikam.onmicrosoft.com",
};

function inProgram(program: () => void): Promise<unknown> {
  return capture(program, { config: ONE_TENANT_TWO_NAMESPACES });
}

test("one tenant through two config namespaces is one tenant: a keyset declared in each is refused, naming both and the tenant", async () => {
  await inProgram(() => {
    new PolicyKey("home", { name: "WeChatSecret", secret: { value: "policy-key-secret" } });
    expect(() => new PolicyKey("alias", { name: "B2C_1A_WeChatSecret", secret: { value: "policy-key-secret" }, tenant: "b2c-alias" })).toThrow(
      /PolicyKey "alias".*name: policy key container B2C_1A_WeChatSecret is already declared by PolicyKey "home" \(same tenant contoso\.onmicrosoft\.com\)/,
    );
    // Another tenant: its own keyset of that name.
    expect(() => new PolicyKey("other", { name: "WeChatSecret", secret: { value: "policy-key-secret" }, tenant: "b2c-other" })).not.toThrow();
    // An adopted keyset is the same object as a managed one.
    expect(() => new AdoptedKeySet("adopted", { name: "B2C_1A_WeChatSecret" })).toThrow(/AdoptedKeySet "adopted".*already declared by PolicyKey "home"/);
  });
});

test("identity provider type and user flow: refused across namespaces of one tenant", async () => {
  await inProgram(() => {
    new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: wechatAppKey("k") });
    expect(() => new WeChatIdentityProvider("wechat-alias", { appId: WECHAT_APP_ID, appKey: wechatAppKey("k"), tenant: "b2c-alias" })).toThrow(
      /WeChatIdentityProvider "wechat-alias".*identity provider type WeChat is already declared by WeChatIdentityProvider "wechat"/,
    );
    new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn" });
    expect(() => new B2CUserFlow("susi-alias", { name: "B2C_1_SUSI", userFlowType: "signUpOrSignIn", tenant: "b2c-alias" })).toThrow(
      /B2CUserFlow "susi-alias".*user flow B2C_1_SUSI is already declared by B2CUserFlow "susi"/,
    );
  });
});

test("a PolicyId held by two TrustFrameworkPolicySets is refused, naming both sets and the file", async () => {
  const sets: TrustFrameworkPolicySet[] = [];
  await inProgram(() => {
    sets.push(new TrustFrameworkPolicySet("first", { policies: [{ fileName: "base.xml", xml: policy("B2C_1A_Base") }], existingKeySetIds: ["B2C_1A_X"] }));
    expect(
      () => new TrustFrameworkPolicySet("second", { policies: [{ fileName: "copy.xml", xml: policy("B2C_1A_BASE") }], existingKeySetIds: ["B2C_1A_X"], tenant: "b2c-alias" }),
    ).toThrow(/TrustFrameworkPolicySet "second".*copy\.xml: policy B2C_1A_BASE is already declared by TrustFrameworkPolicySet "first"/);
    // The same PolicyId in another tenant is another policy.
    expect(
      () => sets.push(new TrustFrameworkPolicySet("third", { policies: [{ fileName: "base.xml", xml: policy("B2C_1A_Base").replace(/contoso/g, "fabrikam") }], existingKeySetIds: ["B2C_1A_X"], tenant: "b2c-other" })),
    ).not.toThrow();
  });
  // Let the sets finish (their outputs settle under this test's mocks).
  for (const set of sets) await valueOf(set.policyIds);
});

test("the same flow + identity provider attached twice is refused: by the components' outputs, and by plain ids", async () => {
  await inProgram(() => {
    const flow = new B2CUserFlow("flow", { name: "susi", userFlowType: "signUpOrSignIn" });
    const wechat = new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: wechatAppKey("k") });
    new UserFlowIdentityProvider("a", { userFlowId: flow.userFlowId, identityProviderId: wechat.identityProviderId });
    expect(() => new UserFlowIdentityProvider("b", { userFlowId: flow.userFlowId, identityProviderId: wechat.identityProviderId })).toThrow(
      /UserFlowIdentityProvider "b".*attachment user flow b2c_1_susi \+ identity provider type wechat is already declared by UserFlowIdentityProvider "a"/,
    );
    new UserFlowIdentityProvider("c", { userFlowId: "B2C_1_handmade", identityProviderId: "WeChat-OAUTH" });
    expect(() => new UserFlowIdentityProvider("d", { userFlowId: "handmade", identityProviderId: "wechat-oauth", tenant: "b2c-alias" })).toThrow(
      /UserFlowIdentityProvider "d".*already declared by UserFlowIdentityProvider "c"/,
    );
    // Another provider on the same flow is another attachment.
    expect(() => new UserFlowIdentityProvider("e", { userFlowId: "B2C_1_handmade", identityProviderId: "QQ-OAUTH" })).not.toThrow();
  });
});

test("an attachment given a B2CUserFlow's userFlowId takes the flow's creationId by itself (attachments follow a replaced flow)", async () => {
  const { registrations } = (await capture(
    () => {
      const flow = new B2CUserFlow("flow2", { name: "signin2", userFlowType: "signIn" });
      new UserFlowIdentityProvider("att", { userFlowId: flow.userFlowId, identityProviderId: "WeChat-OAUTH" });
    },
    { config: ONE_TENANT_TWO_NAMESPACES, outputs: (reg) => (reg.name === "flow2" ? { creationId: "creation-1" } : undefined) },
  )) as { registrations: { name: string; type: string; custom: boolean; inputs: Record<string, unknown> }[] };
  // The attachment's resource (the UserFlowIdentityProvider component holds that name; its resource is the Link).
  const attachment = registrations.find((r) => r.name === "att" && r.custom && r.type === "b2c-identity:index:UserFlowIdentityProviderLink")!;
  expect(attachment.inputs.userFlowCreationId).toBe("creation-1");
});
