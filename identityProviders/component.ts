import * as pulumi from "@pulumi/pulumi";
import { IdentityProviderResource } from "./provider";
import { throwIfProblems } from "../kernel/errors";
import {
  APP_ARGUMENT_NAMES,
  ArgumentNames,
  canonicalProviderType,
  IDENTITY_PROVIDER_RULES,
  PORTAL_DISPLAY_NAMES,
  SOCIAL_ARGUMENT_NAMES,
  SocialProviderType,
  validateSocialIdentityProvider,
} from "./rules";
import { callerOf, checkedByCaller, checkedInput, declareOnce, namesFor, tenantInput, TenantArgs, withUnknowns } from "../kernel/inputs";
import { checkArgument } from "../domain/argumentRules";
import { declareOutput } from "../kernel/declarations";

export interface SocialIdentityProviderArgs extends TenantArgs {
  /**
   * Identity provider type: WeChat, QQ, Weibo, GitHub, Google, Facebook, Amazon, LinkedIn, Twitter or
   * Microsoft (case-insensitive). Changing it replaces the provider.
   * https://learn.microsoft.com/graph/api/resources/socialidentityprovider
   */
  type: pulumi.Input<SocialProviderType | string>;
  /** The app/client id issued by the provider's developer portal (WeChat/QQ: APP ID). Required, non-blank. */
  clientId: pulumi.Input<string>;
  /** The app secret (WeChat/QQ: APP KEY). Always treated as a Pulumi secret. Required, non-blank; change it to rotate in place. */
  clientSecret: pulumi.Input<string>;
  /** Name shown on the sign-in button. Default: the portal's name for the type (e.g. "WeChat"). */
  displayName?: pulumi.Input<string>;
  /** Custom domain serving the B2C sign-in pages (host name only, e.g. "login.contoso.com"); changes `redirectUri`. https://learn.microsoft.com/azure/active-directory-b2c/custom-domain */
  customDomain?: pulumi.Input<string>;
  /** Take over a provider of this type that already exists in the tenant instead of failing. Default false. */
  adoptExisting?: boolean;
}

/** What every identity provider component exposes. */
export interface IdentityProviderOutputs {
  /** The id Graph assigned (e.g. "WeChat-OAUTH"); what user flows attach. */
  readonly identityProviderId: pulumi.Output<string>;
  /** The identity provider type, as Graph names it (e.g. "WeChat"). */
  readonly type: pulumi.Output<string>;
  /** Name shown on the sign-in button. */
  readonly displayName: pulumi.Output<string>;
  /** The app/client id from the provider's developer portal (WeChat/QQ: APP ID). */
  readonly clientId: pulumi.Output<string>;
  /** Callback URL to register in the provider's developer portal (WeChat/QQ: 授权回调域). */
  readonly redirectUri: pulumi.Output<string>;
}

/** @internal Shared by SocialIdentityProvider and its WeChat/QQ presets. */
export function buildIdentityProvider(
  parent: pulumi.ComponentResource,
  label: string,
  name: string,
  args: SocialIdentityProviderArgs,
  names: ArgumentNames,
): IdentityProviderOutputs {
  // Built by B2CSocialSignIn (or the stack program through it): named as that caller wrote them,
  // and the known values it has checked with these same rules are not checked again.
  const caller = callerOf(args);
  const at = caller?.label ?? label;
  const named = namesFor(caller, { ...names }, [...Object.keys(IDENTITY_PROVIDER_RULES), "tenant"]);
  if (caller?.checked !== "all") throwIfProblems(at, validateSocialIdentityProvider(withUnknowns(args), named));
  const tenant = tenantInput(at, args.tenant, named.tenant ?? "tenant", checkedByCaller(caller, "tenant"));
  declareOnce("identity provider type", typeof args.type === "string" ? canonicalProviderType(args.type) : undefined, named.type, at, args.tenant);
  const knownType = typeof args.type === "string" ? args.type : undefined;
  // An argument known only later (an Output) is checked once, when it resolves, with the same rule.
  const deferred = (argument: "clientId" | "clientSecret", value: pulumi.Input<string>) =>
    checkedInput(at, value, (v) => checkArgument(IDENTITY_PROVIDER_RULES, argument, v, { type: knownType }, named[argument]), IDENTITY_PROVIDER_RULES[argument]);
  const resource = new IdentityProviderResource(
    name,
    {
      type: pulumi.output(args.type).apply((t) => canonicalProviderType(t) ?? t),
      clientId: deferred("clientId", args.clientId),
      clientSecret: pulumi.secret(deferred("clientSecret", args.clientSecret)),
      displayName: args.displayName ?? pulumi.output(args.type).apply((t) => PORTAL_DISPLAY_NAMES[canonicalProviderType(t)!] ?? t),
      customDomain: args.customDomain,
      adoptExisting: args.adoptExisting ?? false,
      ...tenant,
    },
    { parent },
  );
  const canonical = typeof args.type === "string" ? canonicalProviderType(args.type) : undefined;
  if (canonical) declareOutput(resource.identityProviderId, "identity provider type", canonical, args.tenant);
  return {
    identityProviderId: resource.identityProviderId,
    type: resource.type,
    displayName: resource.displayName,
    clientId: resource.clientId,
    redirectUri: resource.redirectUri,
  };
}

/**
 * The outputs every identity provider component exposes, set from its dynamic resource: the base
 * class of SocialIdentityProvider and its WeChat/QQ presets (public through them, not exported by name).
 */
export abstract class IdentityProviderComponent extends pulumi.ComponentResource implements IdentityProviderOutputs {
  readonly identityProviderId: pulumi.Output<string>;
  readonly type: pulumi.Output<string>;
  readonly displayName: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  readonly redirectUri: pulumi.Output<string>;

  protected constructor(typeToken: string, name: string, build: (parent: pulumi.ComponentResource) => IdentityProviderOutputs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken, name, {}, opts);
    const outputs = build(this);
    this.identityProviderId = outputs.identityProviderId;
    this.type = outputs.type;
    this.displayName = outputs.displayName;
    this.clientId = outputs.clientId;
    this.redirectUri = outputs.redirectUri;
    this.registerOutputs({ ...outputs });
  }
}

/**
 * A social identity provider in an Azure AD B2C tenant (Graph v1.0 `/identity/identityProviders`).
 * Display name, client id and secret change in place; only a type change replaces it.
 */
export class SocialIdentityProvider extends IdentityProviderComponent {
  constructor(name: string, args: SocialIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "b2c-identity:index:SocialIdentityProvider",
      name,
      (parent) => buildIdentityProvider(parent, `SocialIdentityProvider "${name}"`, name, args, SOCIAL_ARGUMENT_NAMES),
      opts,
    );
  }
}

/** Arguments of the WeChat and QQ presets, named as the Microsoft how-tos name them. */
export interface AppIdentityProviderArgs extends TenantArgs {
  /** The APP ID from the provider's developer portal. Required, non-blank. */
  appId: pulumi.Input<string>;
  /** The APP KEY. Always treated as a Pulumi secret. Required, non-blank; change it to rotate in place. */
  appKey: pulumi.Input<string>;
  /** Name shown on the sign-in button. Default: "WeChat" / "QQ". */
  displayName?: pulumi.Input<string>;
  /** Custom domain serving the B2C sign-in pages (host name only); changes `redirectUri`. */
  customDomain?: pulumi.Input<string>;
  /** Take over the provider of this type that already exists in the tenant instead of failing. Default false. */
  adoptExisting?: boolean;
}

/** @internal Builds a preset (WeChat, QQ) component's child resource. */
export function buildAppIdentityProvider(
  parent: pulumi.ComponentResource,
  label: string,
  name: string,
  type: SocialProviderType,
  args: AppIdentityProviderArgs,
): IdentityProviderOutputs {
  return buildIdentityProvider(
    parent,
    label,
    name,
    { type, clientId: args.appId, clientSecret: args.appKey, displayName: args.displayName, customDomain: args.customDomain, adoptExisting: args.adoptExisting, tenant: args.tenant },
    APP_ARGUMENT_NAMES,
  );
}
