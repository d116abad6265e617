// The stack program: one Azure AD B2C tenant per stack. Tenant and credentials come from `b2c:*`
// stack config (or the environment), the sign-in from `b2c:socialSignIn`, APP KEYs from secret keys
// such as `b2c:wechatAppKey`; keysets and custom policies from `b2c:socialSignIn.keySets` and
// `.customPolicies` (what `b2c-identity import` writes for a hand-built tenant). A consumer's whole
// program can be `export = require("pulumi-b2c-identity").stackProgram;`.
import * as pulumi from "@pulumi/pulumi";
import { AdoptedKeySet } from "../policyKeys/adopted/component";
import { B2CSocialSignIn, B2CSocialSignInArgs } from "../signIn/component";
import { PolicyKey } from "../policyKeys/component";
import { TrustFrameworkPolicySet } from "../customPolicies/component";
import { canonicalProviderType } from "../identityProviders/rules";
import { withoutStackFrames } from "../kernel/errors";
import { normalizeKeySetId } from "../policyKeys/rules";
import { pulumiConfigReader, readStackConfig, SIGN_IN_KEY } from "./stackConfig";
import { writtenBy } from "../kernel/inputs";
import { KeySetConfig, readTenantExtras } from "./tenantConfig";

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * A keyset entry's arguments, as written in `b2c:socialSignIn.keySets[i]`: readTenantExtras checked
 * its expiry settings (the same rules), so the component checks them not again and names any other
 * problem by its config key.
 */
function writtenInKeySets<T extends object>(args: T, i: number, k: KeySetConfig): T {
  const at = `${SIGN_IN_KEY}.keySets[${i}]`;
  const names: Record<string, string> = {
    name: `${at}.name`,
    "generate.rotateBeforeExpiryDays": `${at}.rotateBeforeExpiryDays`,
    "secret.value": `b2c:${k.secretKey}`,
    "certificate.value": `${at}.certificate`,
    expiryWarningDays: `${SIGN_IN_KEY}.expiryWarningDays`,
  };
  return writtenBy(args, {
    label: "the stack configuration",
    name: (argument) => names[argument] ?? `${at}.${argument.split(".").pop()}`,
    checked: ["expiryWarningDays", "generate.rotateBeforeExpiryDays"],
  });
}

/** A keyset entry as a component: a PolicyKey when the stack has (or makes) its key, else adopted as it is. */
function keySetComponent(k: KeySetConfig & { secret?: pulumi.Output<string> }, i: number, expiryWarningDays: number | undefined): { keySetId: pulumi.Output<string> } {
  const resourceName = `keyset-${slug(normalizeKeySetId(k.name).slice("B2C_1A_".length))}`;
  const common = { name: k.name, adoptExisting: k.adoptExisting ?? false, expiryWarningDays };
  if (k.source === "generate") {
    return new PolicyKey(
      resourceName,
      writtenInKeySets(
        { ...common, generate: { keyType: k.keyType!, use: k.use!, ...(k.rotateBeforeExpiryDays !== undefined ? { rotateBeforeExpiryDays: k.rotateBeforeExpiryDays } : {}) } },
        i,
        k,
      ),
    );
  }
  if (k.source === "secret" && k.secret) return new PolicyKey(resourceName, writtenInKeySets({ ...common, secret: { value: k.secret, use: k.use ?? "sig" } }, i, k));
  if (k.source === "certificate" && k.certificate) return new PolicyKey(resourceName, writtenInKeySets({ ...common, certificate: { value: k.certificate } }, i, k));
  return new AdoptedKeySet(resourceName, writtenInKeySets({ name: k.name, source: k.source, use: k.use, keyType: k.keyType, expiryWarningDays }, i, k));
}

/** Names (keys of B2CSocialSignIn.keySetIds) of the keysets the sign-in itself makes. */
function signInKeySetNames(args: B2CSocialSignInArgs): string[] {
  const names = (args.identityProviders ?? []).filter((p) => p.policyKey).map((p) => `${canonicalProviderType(p.type)}Secret`);
  return args.tokenKeys ? [...names, "TokenSigningKeyContainer", "TokenEncryptionKeyContainer"] : names;
}

export function stackProgram() {
  const reader = pulumiConfigReader();
  const { settings, args, caller } = explainConfigErrors(() => readStackConfig(reader));
  const extras = explainConfigErrors(() => readTenantExtras(reader));
  // Checked by readStackConfig and readTenantExtras, each argument once: B2CSocialSignIn checks none again.
  const signIn = new B2CSocialSignIn("social-sign-in", writtenBy({ ...args, expiryWarningDays: extras.expiryWarningDays }, caller));
  const keySets = extras.keySets.map((k, i) => keySetComponent(k, i, extras.expiryWarningDays));
  const keySetIds = pulumi
    .all([signIn.keySetIds, pulumi.all(keySets.map((k) => k.keySetId))])
    .apply(([fromSignIn, declared]) => ({ ...fromSignIn, ...Object.fromEntries(declared.map((id) => [id, id])) }));
  let policyIds: pulumi.Output<string[]> | undefined;
  let policyRelease: TrustFrameworkPolicySet["release"] | undefined;
  if (extras.customPolicies) {
    const policies = new TrustFrameworkPolicySet("custom-policies", {
      folder: extras.customPolicies.folder,
      keySets: [...keySets, ...signInKeySetNames(args).map((n) => signIn.keySetIds.apply((ids) => ids[n]))],
      adoptExisting: extras.customPolicies.adoptExisting ?? false,
      // The stack program reads the config; the component takes the tenant's domain as an argument.
      ...(settings.tenantDomain ? { tenantDomain: settings.tenantDomain } : {}),
      ...(extras.customPolicies.versioning ? { versioning: extras.customPolicies.versioning } : {}),
      ...(extras.customPolicies.production !== undefined ? { production: extras.customPolicies.production } : {}),
      dependsOn: [signIn],
    });
    policyIds = policies.policyIds;
    if (extras.customPolicies.versioning) policyRelease = policies.release;
  }
  return {
    tenant: settings.tenantId,
    identityProviders: signIn.identityProviders,
    userFlows: signIn.userFlows,
    keySetIds,
    ...(policyIds ? { policyIds } : {}),
    ...(policyRelease ? { policyRelease } : {}),
  };
}

/**
 * Stack config problems are the user's to fix: reported as a RunError, which the Pulumi runtime
 * prints as the message alone (naming the key), without a stack trace.
 */
function explainConfigErrors<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (pulumi.RunError.isInstance(error) || !(error instanceof Error)) throw error;
    throw withoutStackFrames(Object.assign(new pulumi.RunError(error.message), { name: error.name }));
  }
}
