// What 0.1.0's serialized providers load from the installed package, by path, and the names they
// call (computed from a stack 0.1.0 created, tests/fixtures/first-release/stack.json; checked by
// tests/kernel/firstReleaseState.test.ts). Until a resource's first `up` under a later version, the
// engine runs `refresh` and `destroy` with that code, so each path keeps resolving (package.json
// `exports` points it at its shim in frozen/, which re-exports exactly these names from where they
// live now) and keeps these names. Nothing else of the package is frozen.

/** The 0.1.0 module paths, each with the names its code calls. */
export const FIRST_RELEASE_FROZEN_MODULES: Readonly<Record<string, readonly string[]>> = {
  "dist/graph/client.js": ["GraphApi"],
  "dist/graph/errors.js": ["isGraphRequestError"],
  "dist/graph/settings.js": ["describeSetting", "requireTenantName"],
  "dist/policies/normalize.js": ["normalizePolicyXml"],
  "dist/providers/providerContext.js": ["changedKeys", "checkFailures", "graphOf", "isUnknown", "processMemo", "readGraceMs", "settingsOf"],
  "dist/providers/secretFingerprint.js": ["fingerprintSecret", "secretMatchesFingerprint"],
  "dist/validation/identityProviders.js": ["PORTAL_DISPLAY_NAMES", "SOCIAL_ARGUMENT_NAMES", "canonicalProviderType", "redirectUriFor", "validateSocialIdentityProvider"],
  "dist/validation/inputError.js": ["inputError"],
  "dist/validation/policyKeys.js": ["canonicalKeyType", "certificateDer", "certificateThumbprint", "decodeBase64", "givenSources", "normalizeKeySetId", "sameKeySet", "toUnixSeconds", "validatePolicyKey"],
  "dist/validation/userFlows.js": ["normalizeUserFlowId", "runUserFlowUrl"],
};

/**
 * The shim module a frozen path resolves to, inside the package (package.json `exports`):
 * `dist/graph/client.js` -> `dist/kernel/firstRelease/frozen/graph/client.js`.
 */
export function shimPath(frozenPath: string): string {
  return frozenPath.replace(/^dist\//, "dist/kernel/firstRelease/frozen/");
}

/**
 * The version that drops this upgrade path (the shims, their `exports` entries and the one-update
 * wrapper in index.ts). A stack made with 0.1.0 must run one `pulumi up` with a 0.x release from
 * 0.2.0 on before moving to it: that `up` moves every resource onto the thin stub.
 */
export const FIRST_RELEASE_SHIM_REMOVED_IN = "1.0.0";
