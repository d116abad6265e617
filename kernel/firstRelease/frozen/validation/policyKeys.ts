// 0.1.0's state loads `pulumi-b2c-identity/dist/validation/policyKeys.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { canonicalKeyType, certificateDer, certificateThumbprint, decodeBase64, givenSources, normalizeKeySetId, sameKeySet, toUnixSeconds, validatePolicyKey } from "../../../../policyKeys/rules";
