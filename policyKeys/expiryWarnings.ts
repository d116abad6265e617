import * as pulumi from "@pulumi/pulumi";
import { activeKeyExpiry, disabledKeyWarning, expiryWarning, ExpiryKey } from "../domain/keyExpiry";

/** What a keyset resource exposes that expiry needs. */
export interface KeySetExpirySource {
  keySetId: pulumi.Output<string>;
  activeKeyId: pulumi.Output<string>;
  keys: pulumi.Output<ExpiryKey[]>;
}

/**
 * @internal The active key's exp as an output, and a warning through the engine's diagnostics
 * (`pulumi.log.warn` on `parent`, shown by preview and up) when the keyset runs out of valid keys
 * within `warningDays`. The keys are known in preview for a keyset the stack already holds (from
 * state); for one being created or changed, the warning comes with `up`.
 */
export function watchKeyExpiry(parent: pulumi.Resource, keySet: KeySetExpirySource, warningDays?: number): pulumi.Output<string | undefined> {
  return pulumi.all([keySet.keySetId, keySet.keys, keySet.activeKeyId]).apply(([keySetId, keys, activeKeyId]) => {
    // An array; the lifecycle harness hands some back as an index-keyed object, taken as the same list.
    const list: ExpiryKey[] = Array.isArray(keys) ? keys : keys && typeof keys === "object" ? Object.values(keys as Record<string, ExpiryKey>) : [];
    const warning = expiryWarning(keySetId, list, { warningDays, activeKeyId });
    if (warning) pulumi.log.warn(warning, parent);
    const disabled = disabledKeyWarning(keySetId, list);
    if (disabled) pulumi.log.warn(disabled, parent);
    return activeKeyExpiry(list, activeKeyId).activeKeyExpiresOn;
  });
}
