// The emulator's default tenant and client, apart from everything else: a Pulumi program written
// for the emulator (bench/policySetBench.ts) names its tenant without loading the emulator.
export const DEFAULT_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
export const DEFAULT_TENANT_NAME = "contosob2c";
export const DEFAULT_CLIENT_ID = "00000000-b2c0-4e3a-8c5e-00000000e001";
/** Fixed on purpose: the emulator is local and CI configs may hard-code it. */
export const DEFAULT_CLIENT_SECRET = "emulator-client-secret-not-for-production";
