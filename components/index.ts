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
export * from "./policyKeyPresets";
export { KEYSET_PREFIX, KEY_SOURCES, KEY_USES, GENERATED_KEY_TYPES, normalizeKeySetId } from "../validation/policyKeys";
export type { KeySource, KeyUse, GeneratedKeyType } from "../validation/policyKeys";
export * from "./B2CSocialSignIn";
