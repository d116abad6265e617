import { GraphApi, GraphResponse } from "../graph/client";
import { GraphRequestError, isGraphRequestError } from "../graph/errors";
import { backoffMs, retryWhile } from "../graph/patience";
import { canonicalKeyType, certificateDer } from "./rules";
import { PolicyKeyInputs, GraphKey, GraphKeySet, DUPLICATE_CODES, NOT_CREATED_YET_CODE, itemPath, seconds, sourceOf, thumbprintsOf } from "./state";

// PolicyKey key operations over Graph beta /trustFramework/keySets: reading a keyset, adding one key
// (and telling our landed key from anyone else's after a lost answer), readable errors.

export async function getKeySet(graph: GraphApi, id: string, retryNotFoundForMs = 0): Promise<GraphKeySet | undefined> {
  return graph.requestOrUndefined<GraphKeySet>({
    method: "GET",
    version: "beta",
    path: itemPath(id),
    description: `read policy key container ${id}`,
    retryNotFoundForMs,
  });
}

/** The key operation for the inputs' source. `nbf` only for secret/generate; certificates carry their own dates. */
export interface KeyOperation {
  action: "uploadSecret" | "generateKey" | "uploadCertificate" | "uploadPkcs12";
  body: Record<string, unknown>;
  secrets: string[];
  /** certificate / pkcs12: the x5t thumbprints a landed key of ours carries. */
  thumbprints?: string[];
}

export function keyOperation(inputs: PolicyKeyInputs, nbf: number | undefined, exp: number | undefined): KeyOperation {
  const dates = { ...(nbf !== undefined ? { nbf } : {}), ...(exp !== undefined ? { exp } : {}) };
  switch (sourceOf(inputs)) {
    case "secret":
      return { action: "uploadSecret", body: { use: inputs.secret!.use ?? "sig", k: inputs.secret!.value, ...dates }, secrets: [inputs.secret!.value] };
    case "generate":
      return { action: "generateKey", body: { use: inputs.generate!.use, kty: canonicalKeyType(inputs.generate!.keyType), ...dates }, secrets: [] };
    case "certificate":
      return { action: "uploadCertificate", body: { key: certificateDer(inputs.certificate!.value)!.toString("base64") }, secrets: [], thumbprints: thumbprintsOf(inputs) };
    case "pkcs12": {
      const key = inputs.pkcs12!.value.replace(/\s+/g, "");
      return { action: "uploadPkcs12", body: { key, password: inputs.pkcs12!.password }, secrets: [inputs.pkcs12!.password, key, inputs.pkcs12!.value], thumbprints: thumbprintsOf(inputs) };
    }
  }
}

/**
 * Adds one key. Right after creating the keyset, 404 and AADB2C95052 mean "not visible yet": retry
 * within the window. Each upload that lands adds a key (keys can't be removed one by one), so after
 * a dropped connection or a 504 the keyset is read first: a key not among `knownKids` means the lost attempt
 * landed (its key is returned, with retriedAfterNetworkError); otherwise the upload is sent again.
 */
export async function addKey(
  graph: GraphApi,
  keySetId: string,
  operation: KeyOperation,
  freshWindowMs: number,
  knownKids: readonly string[] = [],
): Promise<GraphResponse<GraphKey>> {
  const deadline = Date.now() + freshWindowMs;
  const remaining = () => Math.max(0, deadline - Date.now());
  // Right after the keyset's create, 404 and AADB2C95052 for it mean "not visible yet".
  const upload = (resent: boolean) =>
    retryWhile(
      async ({ remainingMs }) => {
        const result = await graph.call<GraphKey>({
          method: "POST",
          version: "beta",
          path: `${itemPath(keySetId)}/${operation.action}`,
          body: operation.body,
          description: `${operation.action} to policy key container ${keySetId}`,
          secrets: operation.secrets,
          retryNotFoundForMs: remainingMs,
          resendAfterNetworkError: false,
        });
        // After a resend the keyset was read meanwhile and may hold keys others added: callers re-read it.
        return resent ? { ...result, retriedAfterNetworkError: true } : result;
      },
      { windowMs: remaining(), lastWait: "full", transient: (outcome) => !outcome.ok && isGraphRequestError(outcome.error) && outcome.error.code === NOT_CREATED_YET_CODE },
    );
  let dropped: unknown; // the last upload's error: a dropped connection when there is a next attempt
  // A dropped connection: read the keyset, then send again (at most 5 times) unless our key landed.
  return retryWhile(
    async ({ attempt }) => {
      if (attempt > 0) {
        const current = await getKeySet(graph, keySetId, remaining());
        // Only a key that is what we sent counts as our landed upload: a key someone else added
        // meanwhile (an operator's emergency key) must not pass for ours (issue 12, item 2).
        const added = (current?.keys ?? []).filter((k) => k.kid !== undefined && !knownKids.includes(k.kid));
        const ours = added.filter((k) => isKeyWeSent(k, operation));
        if (ours.length === 1) return { value: ours[0], retriedAfterNetworkError: true };
        if (ours.length > 1) {
          throw new PolicyKeyError(
            `The ${operation.action} to policy key container ${keySetId} lost its answer, and ${ours.length} new keys there ` +
              `(${ours.map((k) => k.kid).join(", ")}) all match what was sent, so which one is ours can't be told. Nothing more was ` +
              `added. Check the keyset in the portal (Identity Experience Framework > Policy keys), then run \`pulumi refresh\` and \`pulumi up\`.`,
            dropped,
          );
        }
      }
      try {
        return await upload(attempt > 0);
      } catch (error) {
        dropped = error;
        throw error;
      }
    },
    {
      windowMs: Infinity,
      maxRetries: 5,
      backoff: (attempt) => backoffMs(attempt + 1),
      transient: (outcome) => !outcome.ok && isOutcomeUnknown(outcome.error),
    },
  );
}

/**
 * An upload whose outcome is unknown: the connection dropped, or a gateway answered 504 (it stopped
 * waiting; the service may have added the key). Uploads are not idempotent: look before re-sending.
 */
function isOutcomeUnknown(error: unknown): boolean {
  return isGraphRequestError(error) && (error.code === "networkError" || error.status === 504);
}

/**
 * Whether a key Graph lists is the one `operation` would have added: its nbf/exp are the ones sent
 * (secret/generate send them; a rotation always sends nbf = now), its use and type agree, and a
 * certificate's thumbprint (x5t) is the certificate's. Keys without these facts don't match.
 */
export function isKeyWeSent(key: GraphKey, operation: KeyOperation): boolean {
  const body = operation.body;
  const same = (sent: unknown, found: unknown) => sent === undefined || seconds(found) === seconds(sent);
  if (!same(body.nbf, key.nbf) || !same(body.exp, key.exp)) return false;
  if (typeof body.use === "string" && key.use !== undefined && key.use !== body.use) return false;
  const kty = operation.action === "uploadSecret" ? "oct" : typeof body.kty === "string" ? body.kty : undefined;
  if (kty !== undefined && key.kty !== undefined && key.kty.toLowerCase() !== kty.toLowerCase()) return false;
  if (operation.thumbprints && operation.thumbprints.length > 0) return key.x5t !== undefined && operation.thumbprints.includes(key.x5t);
  return true;
}

/** A readable sentence for the B2C codes a key operation can answer. */
export function explainKeyError(error: unknown): string {
  if (!isGraphRequestError(error)) return error instanceof Error ? error.message : String(error);
  const hints: Record<string, string> = {
    AADB2C95032: "a policy key container can't mix RSA and oct keys",
    AADB2C90089: "all keys in a policy key container must be of the same type",
    AADB2C95042: "a policy key container can't mix sig and enc keys",
    AADB2C90214: "the key's expiry date is in the past",
    AADB2C90213: "the pfx password is wrong",
    AADB2C95025: "the pfx password is wrong",
    AADB2C90179: "the certificate is not a valid X.509 certificate",
    AADB2C90215: "the key is badly formatted",
    AADB2C90137: "the RSA key is too short",
    AADB2C90138: "the secret is too short for B2C",
  };
  const hint = hints[error.code];
  return hint ? `${hint} (${error.message})` : error.message;
}

/** A policy key operation that failed, in words; `cause` is Graph's error, if any. */
export class PolicyKeyError extends Error {
  override name = "PolicyKeyError";
  /** Its kind in the package's error family (kernel/errors.ts): a Graph operation on the keyset failed or its answer can't be used. */
  readonly kind = "graph" as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

export function existsMessage(keySetId: string, tenant: string, keys: GraphKey[]): string {
  return (
    `Policy key container ${keySetId} already exists in tenant ${tenant} (${keys.length} key(s)). To manage it from this ` +
    `stack, set adoptExisting: true on the PolicyKey (existing keys are kept; see adoptExisting for when a key is added; ` +
    `it is then left in the tenant on destroy); ` +
    `otherwise choose another name, or delete it in the portal (Identity Experience Framework > Policy keys).`
  );
}

export function isDuplicate(error: unknown): error is GraphRequestError {
  return isGraphRequestError(error) && DUPLICATE_CODES.includes(error.code);
}
