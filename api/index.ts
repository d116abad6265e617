// The package's main entry: the components users import.
export * from "../identityProviders/component";
export * from "../identityProviders/wechat";
export * from "../identityProviders/qq";
export * from "../userFlows/component";
export * from "../attachments/component";
export { SOCIAL_PROVIDER_TYPES, PORTAL_DISPLAY_NAMES } from "../identityProviders/rules";
export type { SocialProviderType } from "../identityProviders/rules";
export { USER_FLOW_TYPES } from "../userFlows/rules";
export type { UserFlowType } from "../userFlows/rules";
export * from "../policyKeys/component";
export { AdoptedKeySet } from "../policyKeys/adopted/component";
export type { AdoptedKeySetArgs } from "../policyKeys/adopted/component";
export { DEFAULT_EXPIRY_WARNING_DAYS, expiryWarning, activeKeyExpiry } from "../domain/keyExpiry";
export * from "../policyKeys/presets";
export { KEYSET_PREFIX, KEY_SOURCES, KEY_USES, GENERATED_KEY_TYPES, normalizeKeySetId } from "../policyKeys/rules";
export type { KeySource, KeyUse, GeneratedKeyType } from "../policyKeys/rules";
export * from "../signIn/component";
export { TrustFrameworkPolicySet } from "../customPolicies/component";
export type { TrustFrameworkPolicySetArgs, PolicyFileArgs, PolicyKeySetRef, PolicySetRelease, PolicySetVersioning } from "../customPolicies/component";
export { TrustFrameworkPolicyResource } from "../customPolicies/provider";
export type { TrustFrameworkPolicyResourceArgs } from "../customPolicies/provider";
export { IefApplications, IEF_SCOPE_VALUE, PROXY_IEF_REDIRECT_URI, JWT_MS_REPLY_URL } from "../iefApplications/component";
export type { IefApplicationsArgs, IefTestApplicationArgs } from "../iefApplications/component";
// The offline custom-policy toolkit: render and merge the WeChat/QQ technical profiles, validate,
// order, substitute placeholders, normalize.
export * from "../policies";
// The whole stack program, driven by stack config (`b2c:*`).
export { stackProgram } from "../program/stackProgram";
