// Typed dynamic-resource arguments (issue 14): each Resource class takes <Name>ResourceArgs, so the
// compiler refuses what the provider would refuse (the @ts-expect-error lines below fail the type
// check, `npx tsc --noEmit`, if the arguments go back to an untyped bag), while the inputs the
// components register, and so the state every existing stack holds, keep their names.
import * as pulumi from "@pulumi/pulumi";
import { AdoptedKeySet, B2CUserFlow, PolicyKey, TrustFrameworkPolicySet, UserFlowIdentityProvider, WeChatIdentityProvider } from "../../api";
import { AdoptedKeySetResource } from "../../policyKeys/adopted/provider";
import { IdentityProviderResource } from "../../identityProviders/provider";
import { PolicyKeyResource } from "../../policyKeys/provider";
import { TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import { UserFlowResource } from "../../userFlows/provider";
import { UserFlowIdentityProviderResource } from "../../attachments/provider";
import { capture, valueOf } from "../helpers/pulumiHarness";

/** Never called: only compiled. Each line is a mistake the argument types must catch. */
export function mistakesTheCompilerRefuses(): void {
  // @ts-expect-error clientSecret is required
  new IdentityProviderResource("a", { type: "WeChat", clientId: "wx0123456789abcdef" });
  // @ts-expect-error adoptExisting is a boolean
  new IdentityProviderResource("b", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: pulumi.secret("d19eb1c92f2916d9cafe849004657448"), adoptExisting: "yes" });
  // @ts-expect-error userFlowTypeVersion is a number
  new UserFlowResource("c", { name: "susi", userFlowType: "signIn", userFlowTypeVersion: "3" });
  // @ts-expect-error identityProviderId is required
  new UserFlowIdentityProviderResource("d", { userFlowId: "B2C_1_susi" });
  // @ts-expect-error a secret's value is a string
  new PolicyKeyResource("e", { name: "WeChatSecret", secret: { value: 42 } });
  // @ts-expect-error a generated key needs its use
  new PolicyKeyResource("f", { name: "TokenSigningKeyContainer", generate: { keyType: "RSA" } });
  // @ts-expect-error name is required
  new AdoptedKeySetResource("g", { use: "sig" });
  // @ts-expect-error xml is required
  new TrustFrameworkPolicyResource("h", { policyId: "B2C_1A_Base" });
  // @ts-expect-error configNamespace is text
  new UserFlowResource("i", { name: "susi", userFlowType: "signIn", configNamespace: 7 });
}

test("the components register the same input names as before the arguments were typed (existing state diffs as no change)", async () => {
  let set!: TrustFrameworkPolicySet;
  const { registrations } = await capture(() => {
    const wechat = new WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: pulumi.secret("d19eb1c92f2916d9cafe849004657448"), tenant: "b2c-eu" });
    const flow = new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", testApplicationId: "11111111-2222-3333-4444-555555555555" });
    new UserFlowIdentityProvider("susi-wechat", { userFlowId: "susi", identityProviderId: "WeChat-OAUTH", userFlowCreationId: flow.creationId, adoptExisting: true });
    void wechat;
    const key = new PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret("d19eb1c92f2916d9cafe849004657448"), expiresOn: "2099-01-01" }, rotationTrigger: "1" });
    new AdoptedKeySet("adopted", { name: "B2C_1A_FacebookSecret", use: "sig", keyType: "oct" });
    set = new TrustFrameworkPolicySet("policies", {
      tenant: "contoso.onmicrosoft.com",
      policies: [{ fileName: "base.xml", xml: `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="B2C_1A_Base" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_Base"><BuildingBlocks /></TrustFrameworkPolicy>` }],
      keySets: [key],
    });
  });
  // The set registers its policies after an asynchronous step (offline validation): once policyIds
  // resolves, every policy resource has been registered (a busy machine outlasts capture's settling).
  await valueOf(set.policyIds);
  // attemptOwner (issue 19, the attempt journal) is new on purpose and ignored by every diff: existing state still diffs as no change.
  // The custom resource of a type (three were renamed for the plugin, where a component holds the old
  // name: kernel/resource.ts dynamicType; the alias keeps their state).
  const names = (suffix: string) =>
    Object.keys(registrations.find((r) => r.custom && r.type === `b2c-identity:index:${suffix}`)!.inputs)
      .filter((n) => n !== "attemptOwner")
      .sort();
  // The names as they were when the arguments were an untyped bag (the same program, registered before this change).
  expect(names("IdentityProvider")).toEqual(["adoptExisting", "clientId", "clientSecret", "configNamespace", "displayName", "type"]);
  // userFlowTypeVersion is now left out unless declared (issue 19: an adopted v1/v2 flow keeps its
  // version); state holding 3 diffs as no change, an undeclared setting is never compared (tests/userFlows/updates.test.ts).
  expect(names("UserFlow")).toEqual(["adoptExisting", "name", "testApplicationId", "userFlowType"]);
  expect(names("UserFlowIdentityProviderLink")).toEqual(["adoptExisting", "identityProviderId", "identityProviderMustExist", "userFlowId", "userFlowMustExist"]);
  expect(names("TrustFrameworkKeySet")).toEqual(["adoptExisting", "name", "rotationTrigger", "secret"]);
  expect(Object.keys(registrations.find((r) => r.type === "b2c-identity:index:TrustFrameworkKeySet")!.inputs.secret).sort()).toEqual(["expiresOn", "use", "value"]);
  expect(names("AdoptedTrustFrameworkKeySet")).toEqual(["keyType", "name", "use"]);
  // The policy document is `xml` again, as it was (the dynamic-provider releases kept it packed as
  // `xmlPacked`; state holding either still diffs as no change: tests/customPolicies/provider.test.ts).
  expect(names("TrustFrameworkPolicy")).toEqual(["dependsOnHash", "keySetIds", "policyId", "xml"]);
});
