// The package's main entry: the names users import, and nothing else (tests/packaging/publicApi.test.ts
// lists them). Everything else is internal: reachable inside this repository, not from the package.

// Identity providers (Graph v1.0 /identity/identityProviders).
export { SocialIdentityProvider } from "../identityProviders/component";
export type { SocialIdentityProviderArgs } from "../identityProviders/component";
export { WeChatIdentityProvider } from "../identityProviders/wechat";
export type { WeChatIdentityProviderArgs } from "../identityProviders/wechat";
export { QQIdentityProvider } from "../identityProviders/qq";
export type { QQIdentityProviderArgs } from "../identityProviders/qq";
export { SOCIAL_PROVIDER_TYPES } from "../identityProviders/rules";
export type { SocialProviderType } from "../identityProviders/rules";

// User flows and the buttons they show.
export { B2CUserFlow } from "../userFlows/component";
export type { B2CUserFlowArgs } from "../userFlows/component";
export { USER_FLOW_TYPES } from "../userFlows/rules";
export type { UserFlowType } from "../userFlows/rules";
export { UserFlowIdentityProvider } from "../attachments/component";
export type { UserFlowIdentityProviderArgs } from "../attachments/component";

// Policy keys (B2C_1A_ keysets), their presets, and keysets made outside the stack.
export { PolicyKey } from "../policyKeys/component";
export type { PolicyKeyArgs } from "../policyKeys/component";
export { WeChatSecretKey, QQSecretKey, TokenSigningKey, TokenEncryptionKey } from "../policyKeys/presets";
export type { AppSecretKeyArgs, TokenKeyArgs } from "../policyKeys/presets";
export { AdoptedKeySet } from "../policyKeys/adopted/component";
export type { AdoptedKeySetArgs } from "../policyKeys/adopted/component";

// A tenant's social sign-in in one declaration.
export { B2CSocialSignIn } from "../signIn/component";
export type { B2CSocialSignInArgs, SocialSignInIdentityProvider, SocialSignInUserFlow } from "../signIn/component";

// Custom policies and the IEF app registrations they need.
export { TrustFrameworkPolicySet } from "../customPolicies/component";
export type { TrustFrameworkPolicySetArgs, PolicyFileArgs } from "../customPolicies/component";
export { IefApplications } from "../iefApplications/component";
export type { IefApplicationsArgs } from "../iefApplications/component";

// The custom resources the components are built on, one per Graph object, under their schema names
// (`b2c-identity:index:<name>`): what `pulumi import` writes code for (README "Importing with pulumi import").
export { IdentityProviderResource as IdentityProvider } from "../identityProviders/provider";
export type { IdentityProviderResourceArgs as IdentityProviderArgs } from "../identityProviders/provider";
export { UserFlowResource as UserFlow } from "../userFlows/provider";
export type { UserFlowResourceArgs as UserFlowArgs } from "../userFlows/provider";
export { UserFlowIdentityProviderResource as UserFlowIdentityProviderLink } from "../attachments/provider";
export type { UserFlowIdentityProviderResourceArgs as UserFlowIdentityProviderLinkArgs } from "../attachments/provider";
export { PolicyKeyResource as TrustFrameworkKeySet } from "../policyKeys/provider";
export type { PolicyKeyResourceArgs as TrustFrameworkKeySetArgs } from "../policyKeys/provider";
export { AdoptedKeySetResource as AdoptedTrustFrameworkKeySet } from "../policyKeys/adopted/provider";
export type { AdoptedKeySetResourceArgs as AdoptedTrustFrameworkKeySetArgs } from "../policyKeys/adopted/provider";
export { TrustFrameworkPolicyResource as TrustFrameworkPolicy } from "../customPolicies/provider";
export type { TrustFrameworkPolicyResourceArgs as TrustFrameworkPolicyArgs } from "../customPolicies/provider";

// The offline custom-policy toolkit (render and merge the WeChat/QQ technical profiles, validate,
// order, substitute placeholders, normalize), also importable as `pulumi-b2c-identity/policies`.
export * as policies from "../policies";

// The whole stack program, driven by stack config (`b2c:*`).
export { stackProgram } from "../program/stackProgram";
