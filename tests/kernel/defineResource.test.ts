// defineResource (kernel/resource.ts): each resource's outputs are typed from its provider's state (<Object>State),
// declared there once, and the resource registers the plugin's type token and keeps the inputs it
// registers, so state is what it was. The type-level part fails `npx tsc --noEmit` if an output's type
// stops coming from the provider's Outputs; the runtime part creates each object on the emulator
// through the implementation the plugin serves for the type the resource registered, and checks that
// the provider's state holds every output the resource shows.
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { defineResource } from "../../kernel/resource";
import { implementationKindOf } from "../../host/plugin/provider";
import { IdentityProviderState, IdentityProviderResource } from "../../identityProviders/provider";
import { UserFlowState, UserFlowResource } from "../../userFlows/provider";
import { AttachmentState, UserFlowIdentityProviderResource } from "../../attachments/provider";
import { PolicyKeyResource } from "../../policyKeys/provider";
import { PolicyKeyState } from "../../policyKeys/state";
import { AdoptedKeySetState, AdoptedKeySetResource } from "../../policyKeys/adopted/provider";
import { TrustFrameworkPolicyState, TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import { PolicyReleaseHistoryResource, PolicyReleaseRecordResource } from "../../customPolicies/releases";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { B2CUserFlow } from "../../userFlows/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { PolicyKey } from "../../policyKeys/component";
import { AdoptedKeySet } from "../../policyKeys/adopted/component";
import { graphFetch, handMadeIdentityProvider, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { PLUGIN_CUSTOM_RESOURCES } from "../helpers/pluginTypes";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Never called: only compiled. Each output's type is the provider's state field of that name. */
export function outputTypesComeFromTheProvider(): void {
  const same: [
    Equal<IdentityProviderResource["redirectUri"], pulumi.Output<IdentityProviderState["redirectUri"]>>,
    Equal<IdentityProviderResource["adopted"], pulumi.Output<boolean>>,
    Equal<UserFlowResource["runUserFlowUrl"], pulumi.Output<string | undefined>>,
    Equal<UserFlowResource["creationId"], pulumi.Output<UserFlowState["creationId"]>>,
    Equal<UserFlowIdentityProviderResource["identityProviderId"], pulumi.Output<AttachmentState["identityProviderId"]>>,
    Equal<PolicyKeyResource["keys"], pulumi.Output<PolicyKeyState["keys"]>>,
    Equal<AdoptedKeySetResource["keys"], pulumi.Output<AdoptedKeySetState["keys"]>>,
    Equal<TrustFrameworkPolicyResource["basePolicyId"], pulumi.Output<TrustFrameworkPolicyState["basePolicyId"]>>,
    Equal<TrustFrameworkPolicyResource["keySetIds"], pulumi.Output<string[]>>,
  ] = [true, true, true, true, true, true, true, true, true];
  void same;
  // The components show their resource's outputs as they are (their own declarations stay plain
  // `pulumi.Output<…>` for readers of the public types; these fail the type check if they drift).
  const components: [
    Equal<SocialIdentityProvider["redirectUri"], IdentityProviderResource["redirectUri"]>,
    Equal<SocialIdentityProvider["identityProviderId"], IdentityProviderResource["identityProviderId"]>,
    Equal<B2CUserFlow["runUserFlowUrl"], UserFlowResource["runUserFlowUrl"]>,
    Equal<B2CUserFlow["creationId"], UserFlowResource["creationId"]>,
    Equal<UserFlowIdentityProvider["userFlowId"], UserFlowIdentityProviderResource["userFlowId"]>,
    Equal<PolicyKey["keys"], PolicyKeyResource["keys"]>,
    Equal<PolicyKey["activeKeyId"], PolicyKeyResource["activeKeyId"]>,
    Equal<AdoptedKeySet["keys"], AdoptedKeySetResource["keys"]>,
  ] = [true, true, true, true, true, true, true, true];
  void components;
  // @ts-expect-error a resource shows only outputs its provider has
  defineResource<object, IdentityProviderState>()({ provider: "identityProvider", type: "IdentityProvider", outputs: ["appKey"] });
  const resource = null as unknown as IdentityProviderResource;
  // @ts-expect-error an output the resource does not show is not a property (the fingerprint stays in state only)
  void resource.clientSecretHash;
}

const TOKEN = "b2c-identity:index:";
const KEY = "d19eb1c92f2916d9cafe849004657448";
const POLICY = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="B2C_1A_Base" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_Base"><BuildingBlocks /></TrustFrameworkPolicy>`;

function declareAll() {
  return {
    identityProvider: new IdentityProviderResource("wechat", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: pulumi.secret(KEY), displayName: "WeChat", adoptExisting: false }),
    userFlow: new UserFlowResource("susi", { name: "susi", userFlowType: "signUpOrSignIn", adoptExisting: false }),
    attachment: new UserFlowIdentityProviderResource("susi-wechat", { userFlowId: "B2C_1_susi", identityProviderId: "WeChat-OAUTH" }),
    policyKey: new PolicyKeyResource("key", { name: "WeChatSecret", secret: { value: pulumi.secret(KEY), use: "sig" }, adoptExisting: false }),
    adoptedKeySet: new AdoptedKeySetResource("adopted", { name: "B2C_1A_Portal", use: "sig", keyType: "oct" }),
    policy: new TrustFrameworkPolicyResource("base", { policyId: "B2C_1A_Base", xml: POLICY }),
    record: new PolicyReleaseRecordResource("record", { release: { tag: "r1", policyIds: ["B2C_1A_Base"] }, policyIds: ["B2C_1A_Base"] }),
    history: new PolicyReleaseHistoryResource("history", { release: { tag: "r1", policyIds: ["B2C_1A_Base"] }, keep: 2 }),
  };
}

test("each resource registers the plugin's type token, keeps its registered inputs, and shows each of its outputs as an Output", async () => {
  let resources!: ReturnType<typeof declareAll>;
  const { registrations } = await capture(() => (resources = declareAll()));
  // State keeps these tokens: never change them.
  expect(registrations.map((r) => `${r.custom ? "custom" : "component"} ${r.type}`).sort()).toEqual(
    PLUGIN_CUSTOM_RESOURCES.map((type) => `custom ${TOKEN}${type}`).sort(),
  );
  const inputsOf = (type: string) => Object.keys(registrations.find((r) => r.custom && r.type === `${TOKEN}${type}`)!.inputs).sort();
  // The names as the hand-written classes registered them (undefined outputs are not sent). Three
  // types were renamed for the plugin, where a component holds the old name (kernel/resource.ts dynamicType).
  expect(inputsOf("IdentityProvider")).toEqual(["adoptExisting", "attemptOwner", "clientId", "clientSecret", "displayName", "type"]);
  expect(inputsOf("UserFlow")).toEqual(["adoptExisting", "attemptOwner", "name", "userFlowType"]);
  expect(inputsOf("UserFlowIdentityProviderLink")).toEqual(["attemptOwner", "identityProviderId", "userFlowId"]);
  expect(inputsOf("TrustFrameworkKeySet")).toEqual(["adoptExisting", "attemptOwner", "name", "secret"]);
  expect(inputsOf("AdoptedTrustFrameworkKeySet")).toEqual(["keyType", "name", "use"]);
  // The policy document is kept as it is (`xml`), so `pulumi preview --diff` shows its changed lines.
  expect(inputsOf("TrustFrameworkPolicy")).toEqual(["attemptOwner", "dependsOnHash", "keySetIds", "policyId", "xml"]);
  expect(inputsOf("PolicyReleaseRecord")).toEqual(["policyIds", "release"]);
  expect(inputsOf("PolicyReleaseHistory")).toEqual(["keep", "release"]);
  for (const resource of Object.values(resources)) {
    const { outputNames } = resource.constructor as unknown as { outputNames: readonly string[] };
    expect(outputNames.length).toBeGreaterThan(0);
    for (const name of outputNames) expect(pulumi.Output.isInstance((resource as unknown as Record<string, unknown>)[name])).toBe(true);
  }
  // Each registered the plugin's type of its own implementation.
  expect(registrations.map((r) => implementationKindOf(r.type)).sort()).toEqual(
    Object.values(resources).map((r) => (r.constructor as unknown as { providerKind: string }).providerKind).sort(),
  );
});

describe("the provider's state holds every output its resource shows", () => {
  let emu: RunningEmulator;
  useTestEmulator((e) => (emu = e));

  async function created(program: () => pulumi.CustomResource, before?: () => Promise<unknown>) {
    let resource!: pulumi.CustomResource;
    const { registrations } = await capture(() => (resource = program()));
    await before?.();
    const provider = await loadProvider(registrations[0].type, emulatorStackConfig(emu));
    const { outs } = await checkAndCreate(provider, registrations[0].inputs);
    const { outputNames } = resource.constructor as unknown as { outputNames: readonly string[] };
    return { outputNames, missing: outputNames.filter((name) => !(name in outs)) };
  }

  // basePolicyId is optional in TrustFrameworkPolicyState: absent for a policy without a parent in its set.
  test.each([
    ["IdentityProvider", () => new IdentityProviderResource("wechat", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: KEY, displayName: "WeChat", adoptExisting: false })],
    ["UserFlow", () => new UserFlowResource("susi", { name: "susi", userFlowType: "signUpOrSignIn", testApplicationId: "11111111-2222-3333-4444-555555555555", adoptExisting: false })],
    ["TrustFrameworkKeySet", () => new PolicyKeyResource("key", { name: "WeChatSecret", secret: { value: KEY, use: "sig" }, adoptExisting: false })],
    ["TrustFrameworkPolicy", () => new TrustFrameworkPolicyResource("base", { policyId: "B2C_1A_Base", xml: POLICY.replace(/contoso/g, emu.tenantName) })],
  ] as const)("%s", async (type, program) => {
    const { outputNames, missing } = await created(program);
    expect(outputNames.length).toBeGreaterThan(0);
    expect(missing).toEqual(type === "TrustFrameworkPolicy" ? ["basePolicyId"] : []);
  });

  test("AdoptedTrustFrameworkKeySet", async () => {
    const { missing } = await created(
      () => new AdoptedKeySetResource("adopted", { name: "B2C_1A_Portal" }),
      () => graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "B2C_1A_Portal" }),
    );
    expect(missing).toEqual([]);
  });

  test("UserFlowIdentityProviderLink", async () => {
    const { missing } = await created(
      () => new UserFlowIdentityProviderResource("susi-wechat", { userFlowId: "B2C_1_susi", identityProviderId: "WeChat-OAUTH" }),
      async () => {
        await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
        await handMadeIdentityProvider(emu, "WeChat", "wx0123456789abcdef", KEY);
      },
    );
    expect(missing).toEqual([]);
  });
});
