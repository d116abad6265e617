// How long a provider waits for the tenant to catch up with a write: the one table of consistency
// windows. Graph (Entra ID, and B2C behind it) is eventually consistent: right after a write a read
// may not see it, and a just-created object may answer "not found" (Microsoft: "Designing for
// Eventual Consistency for Microsoft Entra",
// https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/).
// No Microsoft page states the replication window for B2C keysets, identity providers, user flows or
// policies (docs/graph-b2c-api.md §1.7, open question 11), so each window below is a bound we chose,
// with its reason. The waiting itself happens only in graph/ (graph/patience.ts `retryWhile`, and the
// client's `retryNotFoundForMs`): the providers pass these values down.

export const CONSISTENCY_WINDOWS_MS = {
  /**
   * After our own write, how long a read keeps retrying "not found" before concluding the object was
   * deleted out of band (every provider's `read`, from the state's `lastWriteAt`/`lastUploadAt`/
   * `lastReadAt`): a refresh right after `up` must not drop what `up` just created.
   */
  readAfterWrite: 30_000,
  /**
   * A keyset just created may answer 404 or AADB2C95052 ("not created, use Create api first") to its
   * first key upload, and a duplicate name may not be readable yet (docs/graph-b2c-api.md §1.7:
   * "retry 404 on read-after-create for ~30 s").
   */
  freshKeySet: 30_000,
  /**
   * A key set or base policy uploaded moments ago may be invisible to custom-policy validation
   * ("Tenant … does not have CryptographicKey referenced by storageReferenceId …"): the policy PUT is
   * retried while every validation error names only such a fresh dependency.
   */
  freshPolicyDependency: 30_000,
  /**
   * An attach may find a flow or identity provider this program just created not visible yet, but
   * one that does not exist must fail fast (issue 12: under 10 s), so this window is short.
   */
  attachNotFound: 5_000,
  /**
   * A create whose answer was lost and whose resend met "already exists": the object is most likely
   * our own first attempt, which reads may not see yet; wait for it as for any object just created.
   */
  resentCreate: 30_000,
} as const;

/** What is left of the read-after-write window for an object last written at `lastWriteAt` (epoch ms); 0 when unknown. */
export function readGraceMs(lastWriteAt: unknown, now = Date.now()): number {
  const window = CONSISTENCY_WINDOWS_MS.readAfterWrite;
  if (typeof lastWriteAt !== "number") return 0;
  return Math.min(window, Math.max(0, lastWriteAt + window - now));
}
