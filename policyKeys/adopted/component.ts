import * as pulumi from "@pulumi/pulumi";
import { AdoptedKeyInfo, adoptedKeySetProblems, AdoptedKeySetResource } from "./provider";
import { validateExpirySettings } from "../../domain/keyExpiry";
import { throwIfProblems } from "../../kernel/errors";
import { callerOf, checkedByCaller, declareOnce, tenantInput, TenantArgs } from "../../kernel/inputs";
import { normalizeKeySetId } from "../rules";
import { watchKeyExpiry } from "../expiryWarnings";

export interface AdoptedKeySetArgs extends TenantArgs {
  /** The existing keyset's id, with or without `B2C_1A_` (e.g. "B2C_1A_FacebookSecret"). Required; it must exist. */
  name: string;
  /** How its keys were made, as `b2c-identity import` recorded it: secret, generate, certificate or pkcs12. Informational. Optional. */
  source?: "secret" | "generate" | "certificate" | "pkcs12";
  /** "sig" or "enc": checked against the keys. Optional. */
  use?: "sig" | "enc";
  /** "RSA" or "oct": checked against the keys. Optional. */
  keyType?: "RSA" | "oct";
  /** preview and up warn when the active key expires within this many days and no later key takes over. Default 30. */
  expiryWarningDays?: number;
}

/**
 * A policy key container taken over as it is: the stack reads its keys (outputs, expiry warnings)
 * and never writes to it; `destroy` leaves it in the tenant. For keysets whose material the stack
 * can't know (secrets, PFX private keys): Graph never returns them.
 * https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview
 */
export class AdoptedKeySet extends pulumi.ComponentResource {
  readonly keySetId: pulumi.Output<string>;
  /** kid of the key B2C uses now ("" when none is valid). */
  readonly activeKeyId: pulumi.Output<string>;
  /** exp of the active key (ISO 8601, UTC); undefined when it never expires or no key is valid. */
  readonly activeKeyExpiresOn: pulumi.Output<string | undefined>;
  readonly keys: pulumi.Output<AdoptedKeyInfo[]>;

  constructor(name: string, args: AdoptedKeySetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:AdoptedKeySet", name, {}, opts);
    // Written in stack config (program/stackProgram.ts): named by its config keys, its expiry days checked there.
    const caller = callerOf(args);
    const label = caller?.label ?? `AdoptedKeySet "${name}"`;
    const named = (argument: string) => (caller ? caller.name(argument) : argument);
    const expiry = checkedByCaller(caller, "expiryWarningDays") ? [] : validateExpirySettings({ expiryWarningDays: args.expiryWarningDays });
    throwIfProblems(label, [...adoptedKeySetProblems({ ...args }), ...expiry].map((p) => ({ ...p, argument: named(p.argument) })));
    declareOnce("policy key container", typeof args.name === "string" ? normalizeKeySetId(args.name) : undefined, named("name"), label, args.tenant);
    const resource = new AdoptedKeySetResource(name, { name: args.name, source: args.source, use: args.use, keyType: args.keyType, ...tenantInput(label, args.tenant, named("tenant")) }, { parent: this });
    this.keySetId = resource.keySetId;
    this.activeKeyId = resource.activeKeyId;
    this.keys = resource.keys;
    this.activeKeyExpiresOn = watchKeyExpiry(this, resource, args.expiryWarningDays);
    // activeKeyExpiresOn is derived from keys (and carries the expiry warning): not registered again.
    this.registerOutputs({ keySetId: this.keySetId, activeKeyId: this.activeKeyId, keys: this.keys });
  }
}
