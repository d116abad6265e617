import * as pulumi from "@pulumi/pulumi";
import { throwIfProblems } from "../kernel/errors";
import { canonicalProviderType, IDENTITY_PROVIDER_RULES, SocialProviderType } from "../identityProviders/rules";
import { checkArgument } from "../domain/argumentRules";
import { validateSocialSignIn } from "./rules";
import { normalizeUserFlowId, UserFlowType } from "../userFlows/rules";
import { B2CUserFlow } from "../userFlows/component";
import { ArgumentCaller, callerOf, checkedAlready, checkedInput, isOutputLike, TenantArgs, tenantProblems, withUnknowns, writtenBy } from "../kernel/inputs";
import { UNKNOWN } from "../domain/notKnownYet";
import { PolicyKey } from "../policyKeys/component";
import { SocialIdentityProvider } from "../identityProviders/component";
import { callbackDomainOf } from "../identityProviders/wechat";
import { UserFlowIdentityProvider } from "../attachments/component";

export interface SocialSignInIdentityProvider {
  /** WeChat, QQ, Weibo, GitHub, Google, Facebook, Amazon, LinkedIn, Twitter or Microsoft; each type at most once. https://learn.microsoft.com/azure/active-directory-b2c/add-identity-provider */
  type: SocialProviderType | string;
  /** The app/client id from the provider's developer portal (WeChat/QQ: APP ID). Required. */
  clientId: pulumi.Input<string>;
  /** The app secret (WeChat/QQ: APP KEY). Always a Pulumi secret; a new value rotates it in place. Required. */
  clientSecret: pulumi.Input<string>;
  /** Sign-in button label. Default: the portal's name for the type. */
  displayName?: pulumi.Input<string>;
  /** Take over an existing provider of this type instead of failing. Default false. */
  adoptExisting?: boolean;
  /** Also store the secret as the custom-policy key `B2C_1A_<Type>Secret` (usage Signature), as the how-tos do. Default false. https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat?pivots=b2c-custom-policy */
  policyKey?: boolean;
}

export interface SocialSignInUserFlow {
  /** User flow name, with or without `B2C_1_`. */
  name: string;
  /** true (default): this stack creates and owns the flow; false: the flow exists already and only the providers are attached. */
  create?: boolean;
  /** Flow type when created. Default signUpOrSignIn; a change replaces the flow (its providers are attached again in the same up). https://learn.microsoft.com/graph/api/resources/b2cidentityuserflow */
  userFlowType?: UserFlowType;
  /** Flow version when created. Default 3; a change replaces the flow, as for the type. */
  userFlowTypeVersion?: number;
  /** Page translation. Optional: left to the service (off) and to the portal when not given; a change is made in place (PATCH). https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta */
  isLanguageCustomizationEnabled?: boolean;
  /** Default page language (RFC 5646). Optional: whatever the service fills in is kept when not given; a change is made in place (PATCH). */
  defaultLanguageTag?: string;
  /** Types (from identityProviders) whose buttons the flow shows. At least one. */
  identityProviders: string[];
  /** App id of a web app with reply URL https://jwt.ms, for the flow's `runUserFlowUrl`. Optional. */
  testApplicationId?: pulumi.Input<string>;
  /** With create: take over an existing flow of this name instead of failing. Default false. */
  adoptExisting?: boolean;
}

export interface B2CSocialSignInArgs extends TenantArgs {
  /** The social identity providers to enable. At least one; each type once. */
  identityProviders: SocialSignInIdentityProvider[];
  /** User flows to create or attach the providers to. Default none. */
  userFlows?: SocialSignInUserFlow[];
  /** Also create the starter pack's token keys B2C_1A_TokenSigningKeyContainer (RSA, sig) and B2C_1A_TokenEncryptionKeyContainer (RSA, enc) for custom policies. Default false. https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#add-signing-and-encryption-keys-for-identity-experience-framework-applications */
  tokenKeys?: boolean;
  /** Custom domain serving the sign-in pages (host name), used in every callback URL. Optional. */
  customDomain?: pulumi.Input<string>;
  /** Warn at preview and up when the active key of any keyset this creates expires within this many days. Default 30. */
  expiryWarningDays?: number;
  /** With tokenKeys: days before a token key's expiry at which an `up` has B2C generate the next key in the same keyset. Optional: no roll-over. */
  tokenKeysRotateBeforeExpiryDays?: number;
}

export interface SocialSignInProviderOutput {
  /** The id Graph assigned (e.g. "WeChat-OAUTH"). */
  identityProviderId: string;
  /** Callback URL to register in the provider's developer portal (QQ Connect: 网站回调域, the full URL). */
  redirectUri: string;
  /** WeChat only: the host to enter as 授权回调域 (Authorization callback domain), e.g. "contoso.b2clogin.com"; WeChat wants the domain, not a URL. https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat */
  callbackDomain?: string;
}

export interface SocialSignInFlowOutput {
  /** The flow id, `B2C_1_<name>`. */
  userFlowId: string;
  /** With a test application: the "Run user flow" URL, returning a token to https://jwt.ms. */
  runUserFlowUrl?: string;
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * A tenant's social sign-in in one declaration: identity providers, the user flows that show them,
 * and optionally the custom-policy keys. Creates the pieces with the right dependencies
 * (attachments after their flow and provider).
 */
export class B2CSocialSignIn extends pulumi.ComponentResource {
  /** Per provider type: its Graph id, the callback URL to register with the provider and, for WeChat, the callback domain. */
  readonly identityProviders: pulumi.Output<Record<string, SocialSignInProviderOutput>>;
  /** Per user flow id: the id and, with a test application, the "Run user flow" URL. */
  readonly userFlows: pulumi.Output<Record<string, SocialSignInFlowOutput>>;
  /** Per keyset name: the keyset id (B2C_1A_...). */
  readonly keySetIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: B2CSocialSignInArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:B2CSocialSignIn", name, {}, opts);
    // Each argument is checked once, here or by the stack program that wrote them (kernel/inputs.ts
    // writtenBy); the components built below are told so, and name problems as written here.
    const outer = callerOf(args);
    const label = outer?.label ?? `B2CSocialSignIn "${name}"`;
    const written = (path: string) => (outer ? outer.name(path) : path);
    if (outer?.checked !== "all") {
      throwIfProblems(label, [
        ...validateSocialSignIn({
          identityProviders: args.identityProviders?.map((p) => withUnknowns(p)),
          userFlows: args.userFlows?.map((f) => withUnknowns(f)),
          tokenKeys: args.tokenKeys,
          customDomain: isOutputLike(args.customDomain) ? UNKNOWN : args.customDomain,
          expiryWarningDays: args.expiryWarningDays,
          tokenKeysRotateBeforeExpiryDays: args.tokenKeysRotateBeforeExpiryDays,
        }).map((p) => ({ ...p, argument: written(p.argument) })),
        ...tenantProblems(args.tenant, written("tenant")),
      ]);
    }
    /** A part's arguments, written here: `at` is its path (`identityProviders[0].`), `names` its own arguments' names here. */
    const part = <T extends object>(partArgs: T, at: string, checked: ArgumentCaller["checked"], names: Record<string, string> = {}): T =>
      writtenBy(partArgs, { label, name: (a) => written(names[a] ?? (a === "tenant" || a === "customDomain" ? a : `${at}${a}`)), checked });
    // Checked above: the expiry settings and the tenant (the keys' own arguments are checked by PolicyKey).
    const keyChecked = ["expiryWarningDays", "generate.rotateBeforeExpiryDays", "tenant"];

    const providers: Record<string, SocialIdentityProvider> = {};
    const keys: Record<string, PolicyKey> = {};
    args.identityProviders.forEach((spec, i) => {
      const type = canonicalProviderType(spec.type)!;
      // One APP KEY, two holders (the provider and, with policyKey, its keyset): a value known only
      // later is checked once here with the provider's rule, before either holder sees it, so a blank
      // one is one problem; the keyset then adds only its own rules (a secret's minimum length).
      const appKey = !isOutputLike(spec.clientSecret)
        ? spec.clientSecret
        : checkedAlready(
            checkedInput(
              label,
              spec.clientSecret,
              (v) => checkArgument(IDENTITY_PROVIDER_RULES, "clientSecret", v, { type }, written(`identityProviders[${i}].clientSecret`)),
              IDENTITY_PROVIDER_RULES.clientSecret,
            ),
            IDENTITY_PROVIDER_RULES.clientSecret,
          );
      providers[type] = new SocialIdentityProvider(
        `${name}-${slug(type)}`,
        part(
          {
            type,
            clientId: spec.clientId,
            clientSecret: appKey,
            displayName: spec.displayName,
            customDomain: args.customDomain,
            adoptExisting: spec.adoptExisting,
            tenant: args.tenant,
          },
          `identityProviders[${i}].`,
          "all",
        ),
        { parent: this },
      );
      if (spec.policyKey) {
        keys[`${type}Secret`] = new PolicyKey(
          `${name}-${slug(type)}-secret`,
          part(
            { name: `${type}Secret`, secret: { value: appKey, use: "sig" as const }, expiryWarningDays: args.expiryWarningDays, tenant: args.tenant },
            `identityProviders[${i}].`,
            keyChecked,
            { "secret.value": `identityProviders[${i}].clientSecret`, name: `identityProviders[${i}].policyKey`, expiryWarningDays: "expiryWarningDays" },
          ),
          { parent: this },
        );
      }
    });
    if (args.tokenKeys) {
      const rollOver = args.tokenKeysRotateBeforeExpiryDays !== undefined ? { rotateBeforeExpiryDays: args.tokenKeysRotateBeforeExpiryDays } : {};
      const tokenKeyNames = { "generate.rotateBeforeExpiryDays": "tokenKeysRotateBeforeExpiryDays", expiryWarningDays: "expiryWarningDays" };
      for (const [keySet, use, slugged] of [
        ["TokenSigningKeyContainer", "sig", "token-signing"],
        ["TokenEncryptionKeyContainer", "enc", "token-encryption"],
      ] as const) {
        keys[keySet] = new PolicyKey(
          `${name}-${slugged}`,
          part({ name: keySet, generate: { keyType: "RSA" as const, use, ...rollOver }, expiryWarningDays: args.expiryWarningDays, tenant: args.tenant }, "tokenKeys.", keyChecked, tokenKeyNames),
          { parent: this },
        );
      }
    }

    const flows: Record<string, pulumi.Output<SocialSignInFlowOutput>> = {};
    (args.userFlows ?? []).forEach((spec, i) => {
      const flowId = normalizeUserFlowId(spec.name);
      let userFlowId: pulumi.Input<string> = flowId;
      let userFlowCreationId: pulumi.Input<string> | undefined;
      if (spec.create ?? true) {
        const flow = new B2CUserFlow(
          `${name}-${slug(spec.name)}`,
          part({
            name: spec.name,
            userFlowType: spec.userFlowType ?? "signUpOrSignIn",
            userFlowTypeVersion: spec.userFlowTypeVersion,
            isLanguageCustomizationEnabled: spec.isLanguageCustomizationEnabled,
            defaultLanguageTag: spec.defaultLanguageTag,
            testApplicationId: spec.testApplicationId,
            adoptExisting: spec.adoptExisting,
            tenant: args.tenant,
          }, `userFlows[${i}].`, "all"),
          { parent: this },
        );
        userFlowId = flow.userFlowId;
        userFlowCreationId = flow.creationId;
        flows[flowId] = pulumi.all([flow.userFlowId, flow.runUserFlowUrl]).apply(([id, url]) => ({
          userFlowId: id,
          ...(url ? { runUserFlowUrl: url } : {}),
        }));
      } else {
        flows[flowId] = pulumi.output({ userFlowId: flowId });
      }
      for (const t of spec.identityProviders) {
        const type = canonicalProviderType(t)!;
        new UserFlowIdentityProvider(
          `${name}-${slug(spec.name)}-${slug(type)}`,
          part({
            userFlowId,
            identityProviderId: providers[type].identityProviderId,
            userFlowCreationId,
            // A flow made by hand (attached to, or adopted) may show this button already: take that attachment over.
            adoptExisting: spec.create === false || spec.adoptExisting === true,
            tenant: args.tenant,
          }, `userFlows[${i}].`, ["tenant"], { userFlowId: `userFlows[${i}].name`, identityProviderId: `userFlows[${i}].identityProviders` }),
          { parent: this },
        );
      }
    });

    this.identityProviders = pulumi.all(
      Object.fromEntries(
        Object.entries(providers).map(([type, p]) => [
          type,
          pulumi.all([p.identityProviderId, p.redirectUri]).apply(([identityProviderId, redirectUri]) => ({
            identityProviderId,
            redirectUri,
            ...(type === "WeChat" ? { callbackDomain: callbackDomainOf(redirectUri) } : {}),
          })),
        ]),
      ),
    ) as pulumi.Output<Record<string, SocialSignInProviderOutput>>;
    this.userFlows = pulumi.all(flows) as pulumi.Output<Record<string, SocialSignInFlowOutput>>;
    this.keySetIds = pulumi.all(Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, k.keySetId]))) as pulumi.Output<Record<string, string>>;
    this.registerOutputs({ identityProviders: this.identityProviders, userFlows: this.userFlows, keySetIds: this.keySetIds });
  }
}
