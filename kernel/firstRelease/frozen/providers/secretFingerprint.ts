// 0.1.0's state loads `pulumi-b2c-identity/dist/providers/secretFingerprint.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { fingerprintSecret, secretMatchesFingerprint } from "../../../../domain/secretFingerprint";
