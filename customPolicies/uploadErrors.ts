// B2C's answers to a policy upload: which failures only mean "a key set or base policy this
// program just made is not visible yet" (worth retrying), and a readable message for the rest.
import { GraphRequestError, isGraphRequestError } from "../graph/errors";
import { sameId } from "./document";
import type { TrustFrameworkPolicyInputs } from "./inputs";

/** The validation details of B2C's "Validation failed: N validation error(s) found in policy …" message. */
export interface PolicyValidationFailure {
  /** N as B2C counts it. */
  count: number;
  /** StorageReferenceIds named as missing ("does not have CryptographicKey referenced by storageReferenceId"). */
  missingKeySetIds: string[];
  /** BasePolicy ids named as missing ("Policy with 'policyId': X cannot be found in the directory"). */
  missingPolicyIds: string[];
  /** How many details were recognised as one of the two above (B2C sometimes repeats a detail). */
  recognised: number;
}

/** Reads B2C's policy validation message; undefined when it is not one. */
export function parsePolicyValidationFailure(message: string): PolicyValidationFailure | undefined {
  const head = /Validation failed:\s*(\d+)\s+validation error/i.exec(message);
  if (!head) return undefined;
  const missingKeySetIds: string[] = [];
  const missingPolicyIds: string[] = [];
  let recognised = 0;
  const keyPattern = /does not have CryptographicKey referenced by storageReferenceId\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.-]*[A-Za-z0-9_-]))/gi;
  for (let m = keyPattern.exec(message); m; m = keyPattern.exec(message)) {
    recognised++;
    const keySetId = m[1] ?? m[2] ?? m[3];
    if (!missingKeySetIds.some((k) => sameId(k, keySetId))) missingKeySetIds.push(keySetId);
  }
  const policyPattern = /Policy with 'policyId':\s*'?([A-Za-z0-9_.-]+)'?\s+cannot be found in the directory/gi;
  for (let m = policyPattern.exec(message); m; m = policyPattern.exec(message)) {
    recognised++;
    if (!missingPolicyIds.some((p) => sameId(p, m![1]))) missingPolicyIds.push(m[1]);
  }
  return { count: Number(head[1]), missingKeySetIds, missingPolicyIds, recognised };
}

/**
 * Whether an upload failure only says that something this policy was told about (a key set in
 * `keySetIds`, its `basePolicyId`) can't be seen yet: worth retrying for a short while.
 */
export function isFreshDependencyFailure(error: unknown, inputs: Pick<TrustFrameworkPolicyInputs, "keySetIds" | "basePolicyId">): boolean {
  // Any 4xx: the status of a validation failure is undocumented (emulator switch policyValidationStatus).
  if (!isGraphRequestError(error) || error.status < 400 || error.status >= 500) return false;
  const failure = parsePolicyValidationFailure(error.graphMessage);
  if (!failure || failure.recognised < failure.count) return false;
  if (failure.missingKeySetIds.length + failure.missingPolicyIds.length === 0) return false;
  const expectedKeys = inputs.keySetIds ?? [];
  return (
    failure.missingKeySetIds.every((k) => expectedKeys.some((e) => sameId(e, k))) &&
    failure.missingPolicyIds.every((p) => sameId(p, inputs.basePolicyId))
  );
}

/** A readable message for an upload that B2C rejected. */
export function explainUploadError(error: GraphRequestError, inputs: TrustFrameworkPolicyInputs, waitedMs: number): string {
  const failure = parsePolicyValidationFailure(error.graphMessage);
  const hints: string[] = [];
  if (failure) {
    const unexpectedKeys = failure.missingKeySetIds.filter((k) => !(inputs.keySetIds ?? []).some((e) => sameId(e, k)));
    if (failure.missingKeySetIds.length > 0) {
      hints.push(
        `policy key(s) ${failure.missingKeySetIds.join(", ")} are not in the tenant` +
          (unexpectedKeys.length > 0
            ? `: create them first (a PolicyKey in this program, passed in keySets) or check the StorageReferenceId`
            : waitedMs > 0
              ? ` (still not visible after ${Math.round(waitedMs / 1000)} s)`
              : ""),
      );
    }
    if (failure.missingPolicyIds.length > 0) {
      hints.push(`base policy ${failure.missingPolicyIds.join(", ")} is not in the tenant: upload it first (put it in the same policy set)`);
    }
  }
  if (error.code === "AADB2C90113") hints.push("the XML is not well-formed");
  return `Could not upload custom policy ${inputs.policyId}: ${error.graphMessage}${hints.length > 0 ? ` (${hints.join("; ")})` : ""}`;
}
