import * as pulumi from "@pulumi/pulumi";
import { buildPolicyKey, PolicyKeyDate, PolicyKeyInfo, PolicyKeyOutputs } from "./component";
import { TenantArgs } from "../kernel/inputs";

// Presets for the keys users need most: the WeChat / QQ client secrets of the Microsoft how-tos, and
// the two token keys of the custom policy starter pack (TrustFrameworkBase.xml references
// B2C_1A_TokenSigningKeyContainer and B2C_1A_TokenEncryptionKeyContainer).

/** Arguments of the WeChat and QQ secret key presets. */
export interface AppSecretKeyArgs extends TenantArgs {
  /** The APP KEY from the provider's developer portal. Always a Pulumi secret, never stored in state. Required, non-blank; a new value adds a new key to the same keyset (rotation in place). */
  appKey: pulumi.Input<string>;
  /** Keyset name. Default "WeChatSecret" / "QQSecret" (B2C_1A_ is added): the StorageReferenceId the how-to's technical profile uses. https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat */
  keySetName?: string;
  /** Activation date (nbf). Default: none at creation, now on a rotation. Must be before expiresOn. */
  notBefore?: PolicyKeyDate;
  /** Expiry date (exp). Default: none. Must be in the future. */
  expiresOn?: PolicyKeyDate;
  /** Change it to add a new key with the same APP KEY (e.g. to renew dates). Optional. */
  rotationTrigger?: pulumi.Input<string>;
  /** Minutes after a rotation at which the new APP KEY becomes active. Default 0 (at once); see PolicyKeyArgs.rotationNotBeforeDelayMinutes for the risk. */
  rotationNotBeforeDelayMinutes?: number;
  /** Manage an existing keyset of this name instead of failing (the APP KEY is added once as the active key). Default false. */
  adoptExisting?: boolean;
  /** Warn at preview and up when the active key expires within this many days. Default 30. */
  expiryWarningDays?: number;
}

/** Arguments of the token key presets. */
export interface TokenKeyArgs extends TenantArgs {
  /** Keyset name. Default "TokenSigningKeyContainer" / "TokenEncryptionKeyContainer" (B2C_1A_ is added), as the starter pack references them. https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#add-signing-and-encryption-keys-for-identity-experience-framework-applications */
  keySetName?: string;
  /** Activation date (nbf). Default: none at creation, now on a rotation. Must be before expiresOn. */
  notBefore?: PolicyKeyDate;
  /** Expiry date (exp). Default: none. Must be in the future. */
  expiresOn?: PolicyKeyDate;
  /** Change it to have B2C generate a new key in the same keyset (key roll-over). Optional. */
  rotationTrigger?: pulumi.Input<string>;
  /** Manage an existing keyset of this name instead of failing; existing RSA keys of the same use are kept and no key is generated. Default false. */
  adoptExisting?: boolean;
  /** Warn at preview and up when the active key expires within this many days. Default 30. */
  expiryWarningDays?: number;
  /** Days before the active key's expiry at which an `up` has B2C generate the next key in the same keyset (it becomes active before the old one expires). Optional: no roll-over. */
  rotateBeforeExpiryDays?: number;
}

abstract class PolicyKeyPreset extends pulumi.ComponentResource implements PolicyKeyOutputs {
  readonly keySetId!: pulumi.Output<string>;
  readonly activeKeyId!: pulumi.Output<string>;
  readonly keys!: pulumi.Output<PolicyKeyInfo[]>;
  readonly activeKeyExpiresOn!: pulumi.Output<string | undefined>;

  protected constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions | undefined) {
    super(`b2c-identity:index:${type}`, name, {}, opts);
  }

  protected finish(outputs: PolicyKeyOutputs): void {
    Object.assign(this, outputs);
    // activeKeyExpiresOn is derived from keys (and carries the expiry warning): not registered again.
    this.registerOutputs({ keySetId: outputs.keySetId, activeKeyId: outputs.activeKeyId, keys: outputs.keys });
  }
}

function appSecretKey(parent: PolicyKeyPreset, type: string, defaultName: string, name: string, args: AppSecretKeyArgs): PolicyKeyOutputs {
  return buildPolicyKey(
    parent,
    `${type} "${name}"`,
    name,
    {
      name: args.keySetName ?? defaultName,
      secret: { value: args.appKey, use: "sig", notBefore: args.notBefore, expiresOn: args.expiresOn },
      rotationTrigger: args.rotationTrigger,
      rotationNotBeforeDelayMinutes: args.rotationNotBeforeDelayMinutes,
      adoptExisting: args.adoptExisting,
      expiryWarningDays: args.expiryWarningDays,
      tenant: args.tenant,
    },
    { "secret.value": "appKey", "secret.notBefore": "notBefore", "secret.expiresOn": "expiresOn", name: "keySetName" },
  );
}

function tokenKey(parent: PolicyKeyPreset, type: string, defaultName: string, use: "sig" | "enc", name: string, args: TokenKeyArgs): PolicyKeyOutputs {
  return buildPolicyKey(
    parent,
    `${type} "${name}"`,
    name,
    {
      name: args.keySetName ?? defaultName,
      generate: {
        keyType: "RSA",
        use,
        notBefore: args.notBefore,
        expiresOn: args.expiresOn,
        ...(args.rotateBeforeExpiryDays !== undefined ? { rotateBeforeExpiryDays: args.rotateBeforeExpiryDays } : {}),
      },
      rotationTrigger: args.rotationTrigger,
      adoptExisting: args.adoptExisting,
      expiryWarningDays: args.expiryWarningDays,
      tenant: args.tenant,
    },
    { "generate.notBefore": "notBefore", "generate.expiresOn": "expiresOn", "generate.rotateBeforeExpiryDays": "rotateBeforeExpiryDays", name: "keySetName" },
  );
}

/** B2C_1A_WeChatSecret: the WeChat APP KEY, key usage Signature (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat#create-a-policy-key). */
export class WeChatSecretKey extends PolicyKeyPreset {
  constructor(name: string, args: AppSecretKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("WeChatSecretKey", name, opts);
    this.finish(appSecretKey(this, "WeChatSecretKey", "WeChatSecret", name, args));
  }
}

/** B2C_1A_QQSecret: the QQ APP KEY, key usage Signature (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-qq#create-a-policy-key). */
export class QQSecretKey extends PolicyKeyPreset {
  constructor(name: string, args: AppSecretKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("QQSecretKey", name, opts);
    this.finish(appSecretKey(this, "QQSecretKey", "QQSecret", name, args));
  }
}

/** B2C_1A_TokenSigningKeyContainer: a generated RSA signing key, as the starter pack needs. */
export class TokenSigningKey extends PolicyKeyPreset {
  constructor(name: string, args: TokenKeyArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("TokenSigningKey", name, opts);
    this.finish(tokenKey(this, "TokenSigningKey", "TokenSigningKeyContainer", "sig", name, args));
  }
}

/** B2C_1A_TokenEncryptionKeyContainer: a generated RSA encryption key, as the starter pack needs. */
export class TokenEncryptionKey extends PolicyKeyPreset {
  constructor(name: string, args: TokenKeyArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("TokenEncryptionKey", name, opts);
    this.finish(tokenKey(this, "TokenEncryptionKey", "TokenEncryptionKeyContainer", "enc", name, args));
  }
}
