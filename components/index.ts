// The package's main entry: the components users import.
export * from "./SocialIdentityProvider";
export * from "./WeChatIdentityProvider";
export * from "./QQIdentityProvider";
export * from "./B2CUserFlow";
export * from "./UserFlowIdentityProvider";
export { SOCIAL_PROVIDER_TYPES, PORTAL_DISPLAY_NAMES } from "../validation/identityProviders";
export type { SocialProviderType } from "../validation/identityProviders";
export { USER_FLOW_TYPES } from "../validation/userFlows";
export type { UserFlowType } from "../validation/userFlows";
export * from "./PolicyKey";
export { AdoptedKeySet } from "./AdoptedKeySet";
export type { AdoptedKeySetArgs } from "./AdoptedKeySet";
export { DEFAULT_EXPIRY_WARNING_DAYS, expiryWarning, activeKeyExpiry } from "../providers/keyExpiry";
export * from "./policyKeyPresets";
export { KEYSET_PREFIX, KEY_SOURCES, KEY_USES, GENERATED_KEY_TYPES, normalizeKeySetId } from "../validation/policyKeys";
export type { KeySource, KeyUse, GeneratedKeyType } from "../validation/policyKeys";
export * from "./B2CSocialSignIn";
export { TrustFrameworkPolicySet } from "./TrustFrameworkPolicySet";
export type { TrustFrameworkPolicySetArgs, PolicyFileArgs, PolicyKeySetRef, PolicySetRelease, PolicySetVersioning } from "./TrustFrameworkPolicySet";
export { TrustFrameworkPolicyResource } from "../providers/trustFrameworkPolicy";
export type { TrustFrameworkPolicyResourceArgs } from "../providers/trustFrameworkPolicy";
export { IefApplications, IEF_SCOPE_VALUE, PROXY_IEF_REDIRECT_URI, JWT_MS_REPLY_URL } from "./IefApplications";
export type { IefApplicationsArgs, IefTestApplicationArgs } from "./IefApplications";
// The offline custom-policy toolkit: render and merge the WeChat/QQ technical profiles, validate,
// order, substitute placeholders, normalize.
export * from "../policies";
// The whole stack program, driven by stack config (`b2c:*`).
export { stackProgram } from "../program/stackProgram";
