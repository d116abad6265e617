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
import { pulumiConfigReader, readStackConfig } from "./stackConfig";
import { KeySetConfig, readTenantExtras } from "./tenantConfig";

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** A keyset entry as a component: a PolicyKey when the stack has (or makes) its key, else adopted as it is. */
function keySetComponent(k: KeySetConfig & { secret?: pulumi.Output<string> }, expiryWarningDays: number | undefined): { keySetId: pulumi.Output<string> } {
  const resourceName = `keyset-${slug(normalizeKeySetId(k.name).slice("B2C_1A_".length))}`;
  const common = { name: k.name, adoptExisting: k.adoptExisting ?? false, expiryWarningDays };
  if (k.source === "generate") {
    return new PolicyKey(resourceName, {
      ...common,
      generate: { keyType: k.keyType!, use: k.use!, ...(k.rotateBeforeExpiryDays !== undefined ? { rotateBeforeExpiryDays: k.rotateBeforeExpiryDays } : {}) },
    });
  }
  if (k.source === "secret" && k.secret) return new PolicyKey(resourceName, { ...common, secret: { value: k.secret, use: k.use ?? "sig" } });
  if (k.source === "certificate" && k.certificate) return new PolicyKey(resourceName, { ...common, certificate: { value: k.certificate } });
  return new AdoptedKeySet(resourceName, { name: k.name, source: k.source, use: k.use, keyType: k.keyType, expiryWarningDays });
}

/** Names (keys of B2CSocialSignIn.keySetIds) of the keysets the sign-in itself makes. */
function signInKeySetNames(args: B2CSocialSignInArgs): string[] {
  const names = (args.identityProviders ?? []).filter((p) => p.policyKey).map((p) => `${canonicalProviderType(p.type)}Secret`);
  return args.tokenKeys ? [...names, "TokenSigningKeyContainer", "TokenEncryptionKeyContainer"] : names;
}

export function stackProgram() {
  const reader = pulumiConfigReader();
  const { settings, args } = explainConfigErrors(() => readStackConfig(reader));
  const extras = explainConfigErrors(() => readTenantExtras(reader));
  const signIn = new B2CSocialSignIn("social-sign-in", { ...args, expiryWarningDays: extras.expiryWarningDays });
  const keySets = extras.keySets.map((k) => keySetComponent(k, extras.expiryWarningDays));
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
