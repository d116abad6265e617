import * as pulumi from "@pulumi/pulumi";
import { B2CUserFlow, QQIdentityProvider, SocialIdentityProvider, UserFlowIdentityProvider, WeChatIdentityProvider } from "../../api";
import { capture, isSecretOutput, isSecretWrapped, valueOf } from "../helpers/pulumiHarness";


/** Records each resource's type and its parent's type, through a transformation on the component. */
function parentage(): { seen: { type: string; parentType?: string }[]; opts: pulumi.ComponentResourceOptions } {
  const seen: { type: string; parentType?: string }[] = [];
  const opts = {
    transformations: [
      (args: pulumi.ResourceTransformationArgs) => {
        seen.push({ type: args.type, parentType: (args.opts.parent as any)?.__pulumiType });
        return undefined;
      },
    ],
  };
  return { seen, opts };
}

// WeChat-shaped (32 hex digits), distinctive enough to search for.
const SECRET = "D15713c7AbE3f9c0D15713c7AbE3f9c0";

test.each([
  ["WeChatIdentityProvider", (opts: any) => new WeChatIdentityProvider("w", { appId: "wx0123456789abcdef", appKey: SECRET }, opts)],
  ["QQIdentityProvider", (opts: any) => new QQIdentityProvider("q", { appId: "101", appKey: SECRET }, opts)],
  ["SocialIdentityProvider", (opts: any) => new SocialIdentityProvider("s", { type: "Google", clientId: "g", clientSecret: SECRET }, opts)],
])("%s: type token, the plugin's child resource parented to it, secret input", async (name, make) => {
  const { seen, opts } = parentage();
  const { registrations } = await capture(() => make(opts));
  expect(registrations.map((r) => r.type)).toEqual([`b2c-identity:index:${name}`, "b2c-identity:index:IdentityProvider"]);
  expect(seen).toContainEqual({ type: "b2c-identity:index:IdentityProvider", parentType: `b2c-identity:index:${name}` });
  const child = registrations[1];
  expect(isSecretWrapped(child.rawInputs.clientSecret)).toBe(true);
});

test("outputs come from the child resource; none carries the secret", async () => {
  let component!: WeChatIdentityProvider;
  // Values the component could not compute itself (the real id is WeChat-OAUTH, the real URL is the
  // tenant's b2clogin.com one), so the assertions below show that they are forwarded from the resource.
  await capture(
    () => {
      component = new WeChatIdentityProvider("w", { appId: "wx0123456789abcdef", appKey: "48e3a3b6eb95f471368f2aa9530370eb" });
    },
    { outputs: (r) => (r.custom ? { identityProviderId: "id-from-resource-7", redirectUri: "https://from-resource.example/cb", clientSecretHash: "h" } : undefined) },
  );
  expect(await valueOf(component.identityProviderId)).toBe("id-from-resource-7");
  expect(await valueOf(component.redirectUri)).toBe("https://from-resource.example/cb");
  expect(await valueOf(component.clientId)).toBe("wx0123456789abcdef");
  expect(await valueOf(component.type)).toBe("WeChat");
  for (const out of [component.identityProviderId, component.redirectUri, component.clientId, component.displayName]) {
    expect(await isSecretOutput(out)).toBe(false);
    expect(JSON.stringify(await valueOf(out as pulumi.Output<unknown>))).not.toContain("48e3a3b6eb95f471368f2aa9530370eb");
  }
});

test("invalid known arguments throw at construction, naming them", () => {
  expect(() => new WeChatIdentityProvider("w", { appId: " ", appKey: "d19eb1c92f2916d9cafe849004657448" })).toThrow(/WeChatIdentityProvider "w".*appId/);
  expect(() => new SocialIdentityProvider("s", { type: "Myspace", clientId: "a", clientSecret: "b-padded" })).toThrow(/type: unknown identity provider type 'Myspace'/);
  expect(() => new B2CUserFlow("f", { name: "f", userFlowType: "nope" as any })).toThrow(/userFlowType/);
  expect(() => new UserFlowIdentityProvider("a", { userFlowId: "", identityProviderId: "x" })).toThrow(/userFlowId/);
});

test("not known yet is skipped, missing is refused: Outputs pass construction, absent required arguments do not", async () => {
  // Outputs (values not known at construction) are checked later, never taken as missing.
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 10));
  const { registrations } = await capture(() => {
    new SocialIdentityProvider("s1", { type: pulumi.output("WeChat"), clientId: pulumi.output(later("wx0123456789abcdef")), clientSecret: pulumi.secret(later("k")) });
    new UserFlowIdentityProvider("a1", { userFlowId: pulumi.output(later("B2C_1_susi")), identityProviderId: pulumi.output(later("WeChat-OAUTH")) });
    new B2CUserFlow("f1", { name: "susi", userFlowType: "signIn", testApplicationId: pulumi.output(later("11111111-2222-3333-4444-555555555555")) });
  });
  expect(registrations.map((r) => r.type)).toEqual(
    expect.arrayContaining([
      "b2c-identity:index:IdentityProvider",
      "b2c-identity:index:UserFlowIdentityProviderLink",
      "b2c-identity:index:UserFlow",
    ]),
  );
  // A JavaScript caller leaving a required argument out hears so at construction.
  const missingSecret = { type: "WeChat", clientId: "wx0123456789abcdef" } as unknown as ConstructorParameters<typeof SocialIdentityProvider>[1];
  expect(() => new SocialIdentityProvider("s2", missingSecret)).toThrow(/clientSecret: is required/);
  const missingFlow = { identityProviderId: "WeChat-OAUTH" } as unknown as ConstructorParameters<typeof UserFlowIdentityProvider>[1];
  expect(() => new UserFlowIdentityProvider("a2", missingFlow)).toThrow(/userFlowId/);
  // A known bad value next to an Output is still refused.
  expect(() => new WeChatIdentityProvider("w1", { appId: "101", appKey: pulumi.secret(later("k")) })).toThrow(/appId: is not a WeChat APP ID/);
});

test("B2CUserFlow and UserFlowIdentityProvider register their dynamic resources under their components", async () => {
  const { seen, opts } = parentage();
  const { registrations } = await capture(() => {
    const flow = new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn" }, opts);
    new UserFlowIdentityProvider("susi-wechat", { userFlowId: flow.userFlowId, identityProviderId: "WeChat-OAUTH" }, opts);
  });
  expect(registrations.map((r) => r.type)).toEqual(
    expect.arrayContaining([
      "b2c-identity:index:B2CUserFlow",
      "b2c-identity:index:UserFlow",
      "b2c-identity:index:UserFlowIdentityProvider",
    ]),
  );
  expect(seen).toContainEqual({ type: "b2c-identity:index:UserFlow", parentType: "b2c-identity:index:B2CUserFlow" });
  const flowInputs = registrations.find((r) => r.type.endsWith(":UserFlow"))!.inputs;
  expect(flowInputs).toMatchObject({ adoptExisting: false });
  // The version is left out unless declared: 3 on create, never compared, so an adopted v1/v2 flow keeps its own (issue 19).
  expect(flowInputs.userFlowTypeVersion).toBeUndefined();
  // Left open unless declared: a portal change of an undeclared setting is not undone (issue 11).
  expect(flowInputs.isLanguageCustomizationEnabled).toBeUndefined();
});
