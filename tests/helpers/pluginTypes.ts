// The custom resources the b2c-identity plugin serves, by the last part of their type token
// (b2c-identity:index:<name>), written out here as the tests expect them: state keeps these tokens,
// so they never change (kernel/resource.ts, schema.json).
export const PLUGIN_CUSTOM_RESOURCES: readonly string[] = [
  "IdentityProvider",
  "UserFlow",
  "UserFlowIdentityProviderLink",
  "TrustFrameworkKeySet",
  "AdoptedTrustFrameworkKeySet",
  "TrustFrameworkPolicy",
  "PolicyReleaseRecord",
  "PolicyReleaseHistory",
];
