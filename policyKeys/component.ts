import * as pulumi from "@pulumi/pulumi";
import { PolicyKeyInfo, PolicyKeyResource } from "./provider";
import { InputProblem, renameProblems } from "../domain/problems";
import { throwIfProblems } from "../kernel/errors";
import { certificatePrivateKeyProblems, GeneratedKeyType, KeyUse, normalizeKeySetId, validatePolicyKey } from "./rules";
import { UNKNOWN } from "../domain/notKnownYet";
import { callerOf, checkedByCaller, checkedInput, declareOnce, tenantInput, TenantArgs, withUnknowns } from "../kernel/inputs";
import { watchKeyExpiry } from "./expiryWarnings";
import { isPastDeclaredExpiry, rotationWindowProblems, validateExpirySettings } from "../domain/keyExpiry";

export type { PolicyKeyInfo } from "./provider";

/** A point in time: a Date, or an ISO 8601 string with a time zone ("2030-01-31", "2030-01-31T08:00:00Z"). */
export type PolicyKeyDate = string | Date;

/** A secret you know (the portal's "Manual" option), uploaded with uploadSecret. https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadsecret?view=graph-rest-beta */
export interface PolicyKeySecretArgs {
  /** The secret itself (e.g. a WeChat/QQ APP KEY). Always a Pulumi secret, never stored in state. Required, non-blank; a new value adds a new key to the same keyset (rotation in place). */
  value: pulumi.Input<string>;
  /** Key usage: "sig" (Signature, what identity provider secrets use) or "enc" (Encryption). Default "sig". Changing it replaces the keyset (B2C can't mix uses in one keyset). */
  use?: KeyUse;
  /** A secret is always a symmetric key: only "oct" is accepted (use `generate`, `certificate` or `pkcs12` for RSA). Default "oct". */
  keyType?: "oct";
  /** Activation date (key `nbf`). Default: none at creation (the key is valid at once, the docs' "safety net" key); on a rotation, now. Must be before expiresOn. https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover */
  notBefore?: PolicyKeyDate;
  /** Expiry date (key `exp`). Default: none (never expires). Must be in the future; a change adds a new key with the new dates. */
  expiresOn?: PolicyKeyDate;
}

/** A key B2C generates (the portal's "Generate" option), with generateKey. https://learn.microsoft.com/graph/api/trustframeworkkeyset-generatekey?view=graph-rest-beta */
export interface PolicyKeyGenerateArgs {
  /** "RSA" (key pair: token signing/encryption) or "oct" (symmetric). Required; changing it replaces the keyset. */
  keyType: GeneratedKeyType;
  /** Key usage: "sig" (Signature) or "enc" (Encryption). Required; changing it replaces the keyset. */
  use: KeyUse;
  /** Activation date (key `nbf`). Default: none at creation; on a rotation, now. Must be before expiresOn. https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview */
  notBefore?: PolicyKeyDate;
  /** Expiry date (key `exp`). Default: none. Must be in the future; a change adds a new key. */
  expiresOn?: PolicyKeyDate;
  /** Roll the key over automatically: an `up` when the keyset's keys run out within this many days adds a new generated key to the same keyset, published a day before it becomes active (overlap with the old key), valid as long as the old one was (a year if unknown). Whole days, 1-3650. Optional; without it keys are never rolled over by time. https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover */
  rotateBeforeExpiryDays?: number;
}

/** A certificate (public key only), uploaded with uploadCertificate. https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadcertificate?view=graph-rest-beta */
export interface PolicyKeyCertificateArgs {
  /** The certificate (.cer) base64-encoded (DER), or PEM text. Required; must not be expired; a new certificate adds a key to the same keyset. */
  value: pulumi.Input<string>;
}

/** A certificate with its private key, uploaded with uploadPkcs12. https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadpkcs12?view=graph-rest-beta */
export interface PolicyKeyPkcs12Args {
  /** The .pfx/.p12 file base64-encoded. Always a Pulumi secret. Required; a new file adds a key to the same keyset. */
  value: pulumi.Input<string>;
  /** The .pfx password. Always a Pulumi secret. Required, non-empty. */
  password: pulumi.Input<string>;
}

export interface PolicyKeyArgs extends TenantArgs {
  /** Keyset name, with or without the `B2C_1A_` prefix Graph adds (e.g. "WeChatSecret"); what policies reference as StorageReferenceId. Letters, digits, '_' and '-', at most 128 characters with the prefix. Changing it (other than case/prefix) replaces the keyset. */
  name: string;
  /** Key source: a secret you know. Give exactly one of secret, generate, certificate, pkcs12; changing the kind of source replaces the keyset. */
  secret?: PolicyKeySecretArgs;
  /** Key source: a key B2C generates. Exactly one source. */
  generate?: PolicyKeyGenerateArgs;
  /** Key source: an X.509 certificate. Exactly one source. */
  certificate?: PolicyKeyCertificateArgs;
  /** Key source: a PKCS#12 file with its password. Exactly one source. */
  pkcs12?: PolicyKeyPkcs12Args;
  /** Any string; changing it adds a new key to the keyset (e.g. a new generated key, or an emergency roll-over). Optional. https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover */
  rotationTrigger?: pulumi.Input<string>;
  /** Minutes after the moment of a rotation at which the new key becomes active (its `nbf`), for keys added by a rotation (a new secret, certificate or pfx, or rotationTrigger) when no notBefore is given. Default 0: active at once. Risk of 0: nothing documents a minimum, but a B2C program manager's tool (IEFPolicies) moved its default to 3 hours ahead after failures ("B2C requires secrets have start validity at least 3h past current time", mrochon/IEFPolicies#63); 180 does the same. The old key stays active until then, so for an identity provider's APP KEY the provider must still accept the old one. Whole minutes, 0-10080. */
  rotationNotBeforeDelayMinutes?: number;
  /** If a keyset of this name already exists, manage it instead of failing; its keys are kept and a key is added only when needed (always for `secret`, whose match can't be checked). Default false. */
  adoptExisting?: boolean;
  /** preview and up warn (engine diagnostics) when the active key expires within this many days and no later key takes over. Default 30. */
  expiryWarningDays?: number;
}

/** What every policy key component exposes. Never key material. */
export interface PolicyKeyOutputs {
  /** The keyset id Graph returned, e.g. "B2C_1A_WeChatSecret": the StorageReferenceId for policies. */
  readonly keySetId: pulumi.Output<string>;
  /** kid of the key B2C uses now ("" when none is valid). */
  readonly activeKeyId: pulumi.Output<string>;
  /** Every key of the keyset: kid, use, kty, nbf, exp (Unix seconds). */
  readonly keys: pulumi.Output<PolicyKeyInfo[]>;
  /** exp of the active key (ISO 8601, UTC); undefined when it never expires or no key is valid. */
  readonly activeKeyExpiresOn: pulumi.Output<string | undefined>;
}

function dateInput(value: PolicyKeyDate | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * @internal The checks of one key-source field whose value arrived late (an Output), named as the
 * caller knows it (`names` maps e.g. `secret.value` to a preset's `appKey`).
 */
export function policyKeyFieldProblems(source: "secret" | "certificate" | "pkcs12", key: string, value: unknown, names: Record<string, string> = {}): InputProblem[] {
  const argument = `${source}.${key}`;
  return renameProblems(validatePolicyKey({ name: UNKNOWN, [source]: { [key]: value } }).filter((p) => p.argument === argument), names);
}

/** generate with its dates only when both are given (a lifetime that does not move with the clock), for the construction-time check. */
function declaredDatesOnly(generate: PolicyKeyGenerateArgs | undefined): PolicyKeyGenerateArgs | undefined {
  return generate && generate.notBefore !== undefined && generate.expiresOn !== undefined ? generate : undefined;
}

/** An Output-valued certificate that turns out to hold a private key fails before it reaches the provider. */
function refuseCertificatePrivateKey(label: string, names: Record<string, string>): (value: string) => string {
  return (value) => {
    throwIfProblems(label, renameProblems(certificatePrivateKeyProblems({ certificate: { value } }), names));
    return value;
  };
}

/** @internal Shared by PolicyKey and its presets: validates, then builds the dynamic resource under `parent`. */
export function buildPolicyKey(
  parent: pulumi.ComponentResource,
  label: string,
  name: string,
  args: PolicyKeyArgs,
  ownNames: Record<string, string> = {},
): PolicyKeyOutputs {
  // Built by B2CSocialSignIn or the stack program: named as that caller wrote them, and what it has
  // checked already (its expiry days, its tenant) is not checked again.
  const caller = callerOf(args);
  const at = caller?.label ?? label;
  // Any argument a problem may name (the dotted ones are many), through the preset's names and the caller's.
  const names = new Proxy({} as Record<string, string>, { get: (_t, a: string) => (caller ? caller.name(ownNames[a] ?? a) : ownNames[a] ?? a) });
  const known = withUnknowns(args);
  // Under rotateBeforeExpiryDays the declared dates only date the first key: a past expiresOn is
  // judged by the provider's check, which knows whether a key is about to be made with it.
  const rolls = args.generate?.rotateBeforeExpiryDays !== undefined;
  const problems = validatePolicyKey(known).filter((p) => !(rolls && isPastDeclaredExpiry(p, known)));
  const expiryChecked = checkedByCaller(caller, "expiryWarningDays") && checkedByCaller(caller, "generate.rotateBeforeExpiryDays");
  throwIfProblems(
    at,
    [
      ...problems,
      ...(expiryChecked ? [] : validateExpirySettings(args)),
      ...certificatePrivateKeyProblems(known),
      ...rotationWindowProblems(declaredDatesOnly(args.generate), { creating: false }),
    ].map((p) => ({ ...p, argument: names[p.argument] })),
  );
  const tenant = tenantInput(at, args.tenant, names.tenant, checkedByCaller(caller, "tenant"));
  declareOnce("policy key container", typeof args.name === "string" ? normalizeKeySetId(args.name) : undefined, names.name, at, args.tenant);
  // An Output-valued field is checked when it resolves, before it reaches the provider.
  const field = (source: "secret" | "certificate" | "pkcs12", key: string, value: pulumi.Input<string>) =>
    checkedInput<string>(at, value, (v) => policyKeyFieldProblems(source, key, v, names));
  const resource = new PolicyKeyResource(
    name,
    {
      name: args.name,
      secret: args.secret && {
        value: pulumi.secret(field("secret", "value", args.secret.value)),
        use: args.secret.use ?? "sig",
        ...(args.secret.keyType !== undefined ? { keyType: args.secret.keyType } : {}),
        notBefore: dateInput(args.secret.notBefore),
        expiresOn: dateInput(args.secret.expiresOn),
      },
      generate: args.generate && {
        keyType: args.generate.keyType,
        use: args.generate.use,
        notBefore: dateInput(args.generate.notBefore),
        expiresOn: dateInput(args.generate.expiresOn),
        ...(args.generate.rotateBeforeExpiryDays !== undefined ? { rotateBeforeExpiryDays: args.generate.rotateBeforeExpiryDays } : {}),
      },
      // A secret either way: a certificate is public, but state should not hold key material in any form.
      certificate: args.certificate && { value: pulumi.secret(field("certificate", "value", args.certificate.value).apply(refuseCertificatePrivateKey(at, names))) },
      pkcs12: args.pkcs12 && {
        value: pulumi.secret(field("pkcs12", "value", args.pkcs12.value)),
        password: pulumi.secret(field("pkcs12", "password", args.pkcs12.password)),
      },
      rotationTrigger: args.rotationTrigger,
      ...(args.rotationNotBeforeDelayMinutes !== undefined ? { rotationNotBeforeDelayMinutes: args.rotationNotBeforeDelayMinutes } : {}),
      adoptExisting: args.adoptExisting ?? false,
      ...tenant,
    },
    { parent },
  );
  const activeKeyExpiresOn = watchKeyExpiry(parent, resource, args.expiryWarningDays);
  return { keySetId: resource.keySetId, activeKeyId: resource.activeKeyId, keys: resource.keys, activeKeyExpiresOn };
}

/**
 * A B2C policy key container (keyset, Graph beta `/trustFramework/keySets`) with its key: a secret,
 * a generated key, a certificate or a PKCS#12 file. A new secret (or rotationTrigger) adds a key to
 * the same keyset, so policies referencing it keep working.
 * https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview
 */
export class PolicyKey extends pulumi.ComponentResource implements PolicyKeyOutputs {
  readonly keySetId: pulumi.Output<string>;
  readonly activeKeyId: pulumi.Output<string>;
  readonly keys: pulumi.Output<PolicyKeyInfo[]>;
  readonly activeKeyExpiresOn: pulumi.Output<string | undefined>;

  constructor(name: string, args: PolicyKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:PolicyKey", name, {}, opts);
    const outputs = buildPolicyKey(this, `PolicyKey "${name}"`, name, args);
    this.keySetId = outputs.keySetId;
    this.activeKeyId = outputs.activeKeyId;
    this.keys = outputs.keys;
    this.activeKeyExpiresOn = outputs.activeKeyExpiresOn;
    // activeKeyExpiresOn is derived from keys (and carries the expiry warning): not registered again.
    this.registerOutputs({ keySetId: outputs.keySetId, activeKeyId: outputs.activeKeyId, keys: outputs.keys });
  }
}
