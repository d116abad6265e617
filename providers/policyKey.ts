import { thinProvider } from "./thinProvider";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi, GraphResult } from "../graph/client";
import { GraphRequestError, isGraphRequestError } from "../graph/errors";
import {
  canonicalKeyType,
  certificateDer,
  certificateThumbprint,
  decodeBase64,
  givenSources,
  KEYSET_PREFIX,
  KeySource,
  KeyUse,
  normalizeKeySetId,
  sameKeySet,
  toUnixSeconds,
  validatePolicyKey,
} from "../validation/policyKeys";
import { checkFailures, ConfiguredProvider, graphOf, isUnknown, rememberConfig, readGraceMs } from "./providerContext";
import { notOursAfterLostAnswer, retainedOnDelete } from "./ownership";
import { fingerprintSecret, secretMatchesFingerprint } from "./secretFingerprint";
import { rolloverDates, rotationDue, validateExpirySettings } from "./keyExpiry";

// PolicyKey: one B2C policy key container (keyset) and the keys added to it, over Graph beta
// /trustFramework/keySets (https://learn.microsoft.com/graph/api/resources/trustframeworkkeyset?view=graph-rest-beta).
//
// Lifecycle, as decided here:
// - create: POST the empty keyset, then ONE key operation (generateKey / uploadSecret /
//   uploadCertificate / uploadPkcs12): 2 Graph writes. If the key cannot be added, the keyset we
//   just created is deleted again before the error is raised (all-or-nothing as the user sees it).
// - rotation (update): a new secret / certificate / pfx, a new rotationTrigger or new validity dates
//   append ONE key to the same keyset (1 write), active from now (nbf = now unless notBefore is
//   given), because keys can't be replaced or removed one by one and policies reference the keyset
//   by name: the keyset itself is never deleted or recreated by a rotation.
// - a different key SOURCE kind, generate.keyType or use is a replacement (delete, then create the
//   same name). A keyset holds one kty and one use only (AADB2C95032 / AADB2C90089 / AADB2C95042),
//   so e.g. secret -> generate RSA can't be appended. Even where the kinds might be compatible
//   (generate RSA -> certificate) we can't tell before the call: Graph's own examples report
//   uploaded certificates as "oct" and pfx keys as "OCT". A replace shown in the preview is
//   better than an update that fails halfway; the old keys of another kind are useless to policies
//   written for the new one anyway. Because the keyset id is reused, the old one is deleted first.
// - name change (other than case or the B2C_1A_ prefix) = replacement, new keyset created first.

/** Inputs of the policy key dynamic resource (after check). Dates are ISO strings. */
export interface PolicyKeyInputs {
  name: string;
  secret?: { value: string; use?: KeyUse; keyType?: "oct"; notBefore?: string; expiresOn?: string };
  generate?: { keyType: string; use: KeyUse; notBefore?: string; expiresOn?: string };
  certificate?: { value: string };
  pkcs12?: { value: string; password: string };
  rotationTrigger?: string;
  /** Minutes after a rotation at which a key it adds becomes active (nbf); default 0, now. */
  rotationNotBeforeDelayMinutes?: number;
  adoptExisting?: boolean;
}

/** What `keys` shows of each key: never key material. nbf/exp are Unix seconds. */
export interface PolicyKeyInfo {
  kid: string;
  use?: string;
  kty?: string;
  nbf?: number;
  exp?: number;
}

/** State kept by Pulumi. Never a secret: the key material is represented by a salted fingerprint. */
export interface PolicyKeyOutputs {
  /** The name as given. */
  name: string;
  /** The full id Graph returned, e.g. B2C_1A_WeChatSecret. */
  keySetId: string;
  source: KeySource;
  /** secret/generate: the requested use. */
  use?: string;
  /** generate: RSA or oct. */
  keyType?: string;
  /** Requested validity (Unix seconds), to notice a change; each key's own nbf/exp are in `keys`. */
  notBefore?: number;
  expiresOn?: number;
  rotationTrigger?: string;
  /** Salted HMAC of the secret / certificate / pfx+password last uploaded (see secretFingerprint.ts). */
  keyMaterialHash?: string;
  keys: PolicyKeyInfo[];
  /** kid of the key B2C uses now; "" when no key is valid. */
  activeKeyId: string;
  adopted: boolean;
  /** Epoch ms of our last write: a read soon after it waits out eventual consistency instead of reporting "gone". */
  lastWriteAt: number;
}

interface GraphKey {
  kid?: string;
  use?: string;
  kty?: string;
  nbf?: number | string;
  exp?: number | string;
  x5t?: string;
  status?: string;
}

interface GraphKeySet {
  id: string;
  keys?: GraphKey[];
}

/** A key as the active-key rules see it (status only when Graph just told us). */
export interface KeyForSelection {
  kid: string;
  nbf?: number;
  exp?: number;
  status?: string;
}

const COLLECTION = "/trustFramework/keySets";
/** How long a just-created keyset may answer 404 to the key upload (no documented window, ~30 s: https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/). */
const FRESH_KEYSET_WINDOW_MS = 30_000;
/** How long after our own write a refresh keeps retrying a 404 before concluding the keyset was deleted. */
/** B2C codes for "this name is taken" (AADB2C95038 has the same text). */
const DUPLICATE_CODES: readonly string[] = ["AADB2C95028", "AADB2C95038"];
/** "Not created yet" on key operations: a fresh keyset that is not visible everywhere yet. */
const NOT_CREATED_YET_CODE = "AADB2C95052";
/** getActiveKey when no key is valid (AADB2C90019 / AADB2C90220, https://learn.microsoft.com/azure/active-directory-b2c/error-codes). */
const NO_ACTIVE_KEY_CODES: readonly string[] = ["AADB2C90019", "AADB2C90220"];

function itemPath(id: string): string {
  return `${COLLECTION}/${encodeURIComponent(id)}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** nbf of a key a rotation adds without a notBefore: now, or later by rotationNotBeforeDelayMinutes. */
export function rotationNotBefore(inputs: Pick<PolicyKeyInputs, "rotationNotBeforeDelayMinutes">, now: number = nowSeconds()): number {
  return now + (inputs.rotationNotBeforeDelayMinutes ?? 0) * 60;
}

function seconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function dateSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const s = toUnixSeconds(value);
  return s === "invalid" ? undefined : s;
}

/** The one key source of checked inputs. */
export function sourceOf(inputs: PolicyKeyInputs): KeySource {
  return givenSources(inputs)[0];
}

function keyInfo(key: GraphKey): PolicyKeyInfo {
  const nbf = seconds(key.nbf);
  const exp = seconds(key.exp);
  return {
    kid: key.kid ?? "",
    ...(key.use !== undefined ? { use: key.use } : {}),
    ...(key.kty !== undefined ? { kty: key.kty } : {}),
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}

function selectionKey(key: GraphKey | PolicyKeyInfo): KeyForSelection {
  const k = key as GraphKey;
  return { kid: k.kid ?? "", nbf: seconds(k.nbf), exp: seconds(k.exp), ...(k.status !== undefined ? { status: k.status } : {}) };
}

/**
 * The active key by the documented rules (docs/graph-b2c-api.md §4.1): among keys whose nbf has passed
 * and whose exp has not, the one with the latest nbf; failing that, a key without nbf (the
 * "safety net" key without dates); failing that, none (B2C then fails at run time).
 * `certain` is false where the documentation leaves the answer open: a tie on nbf, several
 * undated keys, an undated key with an expiry, or a key that is not `enabled`. Callers then ask
 * Graph's getActiveKey. This keeps a refresh at one GET in the common cases.
 */
export function localActiveKey(keys: readonly KeyForSelection[], now: number = nowSeconds()): { activeKeyId: string; certain: boolean } {
  if (keys.length === 0) return { activeKeyId: "", certain: true };
  const allEnabled = keys.every((k) => k.status === undefined || k.status === "enabled");
  const live = (k: KeyForSelection) => k.exp === undefined || k.exp > now;
  const dated = keys.filter((k) => k.nbf !== undefined && k.nbf <= now && live(k));
  if (dated.length > 0) {
    const latest = Math.max(...dated.map((k) => k.nbf!));
    const tied = dated.filter((k) => k.nbf === latest);
    return { activeKeyId: tied[tied.length - 1].kid, certain: allEnabled && tied.length === 1 };
  }
  const undated = keys.filter((k) => k.nbf === undefined && live(k));
  if (undated.length === 0) return { activeKeyId: "", certain: allEnabled };
  return {
    activeKeyId: undated[undated.length - 1].kid,
    certain: allEnabled && undated.length === 1 && undated[0].exp === undefined,
  };
}

/** activeKeyId: computed locally when the rules decide, else GET getActiveKey. Never throws: it is informational. */
async function activeKeyOf(graph: GraphApi, keySetId: string, keys: readonly (GraphKey | PolicyKeyInfo)[]): Promise<string> {
  const local = localActiveKey(keys.map(selectionKey));
  if (local.certain) return local.activeKeyId;
  try {
    const active = await graph.request<GraphKey>({
      method: "GET",
      version: "beta",
      path: `${itemPath(keySetId)}/getActiveKey`,
      description: `read the active key of policy key container ${keySetId}`,
    });
    return active?.kid ?? local.activeKeyId;
  } catch (error) {
    if (isGraphRequestError(error) && NO_ACTIVE_KEY_CODES.includes(error.code)) return "";
    return local.activeKeyId;
  }
}

async function getKeySet(graph: GraphApi, id: string, retryNotFoundForMs = 0): Promise<GraphKeySet | undefined> {
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

function keyOperation(inputs: PolicyKeyInputs, nbf: number | undefined, exp: number | undefined): KeyOperation {
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

/** The secret-ish material of the inputs, fingerprinted in state; undefined for generate. */
function keyMaterial(inputs: PolicyKeyInputs): string | undefined {
  switch (sourceOf(inputs)) {
    case "secret":
      return inputs.secret!.value;
    case "certificate":
      return certificateDer(inputs.certificate!.value)?.toString("base64") ?? inputs.certificate!.value;
    case "pkcs12":
      return JSON.stringify([inputs.pkcs12!.value.replace(/\s+/g, ""), inputs.pkcs12!.password]);
    default:
      return undefined;
  }
}

/** Requested validity of secret/generate, in Unix seconds. */
function requestedDates(inputs: PolicyKeyInputs): { notBefore?: number; expiresOn?: number } {
  const spec = inputs.secret ?? inputs.generate;
  return { notBefore: dateSeconds(spec?.notBefore), expiresOn: dateSeconds(spec?.expiresOn) };
}

/** The use this source asks for (secret defaults to sig); undefined for certificates (B2C decides). */
function requestedUse(inputs: PolicyKeyInputs): string | undefined {
  if (inputs.secret) return inputs.secret.use ?? "sig";
  if (inputs.generate) return inputs.generate.use;
  return undefined;
}

function requestedKty(inputs: PolicyKeyInputs): string | undefined {
  if (inputs.secret) return "oct";
  if (inputs.generate) return canonicalKeyType(inputs.generate.keyType) ?? inputs.generate.keyType;
  return undefined;
}

/**
 * Adds one key. Right after creating the keyset, 404 and AADB2C95052 mean "not visible yet": retry
 * within the window. Each upload that lands adds a key (keys can't be removed one by one), so after
 * a dropped connection the keyset is read first: a key not among `knownKids` means the lost attempt
 * landed (its key is returned, with retriedAfterNetworkError); otherwise the upload is sent again.
 */
async function addKey(
  graph: GraphApi,
  keySetId: string,
  operation: KeyOperation,
  freshWindowMs: number,
  knownKids: readonly string[] = [],
): Promise<GraphResult<GraphKey>> {
  const deadline = Date.now() + freshWindowMs;
  let resends = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await graph.call<GraphKey>({
        method: "POST",
        version: "beta",
        path: `${itemPath(keySetId)}/${operation.action}`,
        body: operation.body,
        description: `${operation.action} to policy key container ${keySetId}`,
        secrets: operation.secrets,
        retryNotFoundForMs: Math.max(0, deadline - Date.now()),
        resendAfterNetworkError: false,
      });
      // After a resend the keyset was read meanwhile and may hold keys others added: callers re-read it.
      return resends > 0 ? { ...result, retriedAfterNetworkError: true } : result;
    } catch (error) {
      if (isGraphRequestError(error) && error.code === NOT_CREATED_YET_CODE && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** attempt)));
        continue;
      }
      if (isGraphRequestError(error) && error.code === "networkError" && resends < 5) {
        const current = await getKeySet(graph, keySetId, Math.max(0, deadline - Date.now()));
        // Only a key that is what we sent counts as our landed upload: a key someone else added
        // meanwhile (an operator's emergency key) must not pass for ours (issue 12, item 2).
        const added = (current?.keys ?? []).filter((k) => k.kid !== undefined && !knownKids.includes(k.kid));
        const ours = added.filter((k) => isKeyWeSent(k, operation));
        if (ours.length === 1) return { value: ours[0], retriedAfterNetworkError: true };
        if (ours.length > 1) {
          throw policyKeyError(
            `The ${operation.action} to policy key container ${keySetId} lost its answer, and ${ours.length} new keys there ` +
              `(${ours.map((k) => k.kid).join(", ")}) all match what was sent, so which one is ours can't be told. Nothing more was ` +
              `added. Check the keyset in the portal (Identity Experience Framework > Policy keys), then run \`pulumi refresh\` and \`pulumi up\`.`,
            error,
          );
        }
        resends++;
        await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** resends)));
        continue;
      }
      throw error;
    }
  }
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
function explainKeyError(error: unknown): string {
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

function policyKeyError(message: string, cause?: unknown): Error {
  // A factory, not an Error subclass (the closure serializer cannot rebuild those).
  return Object.assign(new Error(message), { name: "PolicyKeyError", cause });
}

function existsMessage(keySetId: string, tenant: string, keys: GraphKey[]): string {
  return (
    `Policy key container ${keySetId} already exists in tenant ${tenant} (${keys.length} key(s)). To manage it from this ` +
    `stack, set adoptExisting: true on the PolicyKey (existing keys are kept; see adoptExisting for when a key is added; ` +
    `it is then left in the tenant on destroy); ` +
    `otherwise choose another name, or delete it in the portal (Identity Experience Framework > Policy keys).`
  );
}

function isDuplicate(error: unknown): error is GraphRequestError {
  return isGraphRequestError(error) && DUPLICATE_CODES.includes(error.code);
}

function outputsFrom(
  inputs: PolicyKeyInputs,
  keySetId: string,
  keys: PolicyKeyInfo[],
  activeKeyId: string,
  adopted: boolean,
  keyMaterialHash: string | undefined,
): PolicyKeyOutputs {
  const dates = requestedDates(inputs);
  const use = requestedUse(inputs);
  const keyType = requestedKty(inputs);
  return {
    name: inputs.name,
    keySetId,
    source: sourceOf(inputs),
    ...(use !== undefined ? { use } : {}),
    ...(inputs.generate && keyType ? { keyType } : {}),
    ...(dates.notBefore !== undefined ? { notBefore: dates.notBefore } : {}),
    ...(dates.expiresOn !== undefined ? { expiresOn: dates.expiresOn } : {}),
    ...(inputs.rotationTrigger !== undefined && inputs.rotationTrigger !== null ? { rotationTrigger: inputs.rotationTrigger } : {}),
    ...(keyMaterialHash !== undefined ? { keyMaterialHash } : {}),
    keys,
    activeKeyId,
    adopted,
    lastWriteAt: Date.now(),
  };
}

function materialHash(inputs: PolicyKeyInputs): string | undefined {
  const material = keyMaterial(inputs);
  return material === undefined ? undefined : fingerprintSecret(material);
}

/** SHA-1 thumbprints (x5t) of the certificates in the inputs, to recognise a key already in an adopted keyset. */
function thumbprintsOf(inputs: PolicyKeyInputs): string[] {
  if (inputs.certificate) {
    const der = certificateDer(inputs.certificate.value);
    return der ? [certificateThumbprint(der)] : [];
  }
  if (inputs.pkcs12) {
    try {
      const forge: typeof import("node-forge") = require("node-forge");
      const bytes = decodeBase64(inputs.pkcs12.value)!;
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString("binary")), true, inputs.pkcs12.password);
      const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
      return bags
        .filter((bag) => bag.cert)
        .map((bag) => certificateThumbprint(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert!)).getBytes(), "binary")));
    } catch {
      return [];
    }
  }
  return [];
}

/**
 * Adoption (AADB2C95028 with adoptExisting). Existing keys are always kept; one key is added only
 * when the keyset can't already serve the stack's key:
 * - empty keyset (or only expired keys): add the key, as a create would;
 * - generate: add nothing when the keyset already holds unexpired keys of the requested kty/use (a generated
 *   key is as good as any other; adopting the starter pack's token containers must not rotate
 *   them); refuse when they are of another kty/use;
 * - certificate / pkcs12: add only when no key has the certificate's thumbprint (x5t);
 * - secret: Graph never returns a secret, so whether the keyset holds the stack's value can't be
 *   known: add it once (active from now), so that the keyset certainly serves the stack's value.
 * In every case the state then holds the fingerprint, so later runs add nothing (a diff with the same
 * value is no change). Only a repeated adoption of the same keyset (state lost or removed in between)
 * adds another secret key, one per adoption, never one per run.
 */
async function adopt(graph: GraphApi, current: GraphKeySet, inputs: PolicyKeyInputs): Promise<{ id: string; outs: PolicyKeyOutputs }> {
  const source = sourceOf(inputs);
  const existing = current.keys ?? [];
  const wantedKty = requestedKty(inputs);
  const wantedUse = requestedUse(inputs);
  const clash = existing.find(
    (k) =>
      (wantedKty !== undefined && k.kty !== undefined && k.kty.toLowerCase() !== wantedKty.toLowerCase()) ||
      (wantedUse !== undefined && k.use !== undefined && k.use !== wantedUse),
  );
  if (clash) {
    throw policyKeyError(
      `Cannot adopt policy key container ${current.id}: it holds ${clash.kty}/${clash.use} keys and this PolicyKey asks for ` +
        `${wantedKty}/${wantedUse}; B2C refuses to mix key types or uses in one container (AADB2C95032, AADB2C95042). ` +
        `Make the PolicyKey match the existing keys, or choose another name.`,
    );
  }
  const now = nowSeconds();
  // A key that has expired serves nobody: only keys still (or yet to be) valid count as "already there".
  const usable = existing.filter((k) => seconds(k.exp) === undefined || seconds(k.exp)! > now);
  let needsKey = usable.length === 0;
  if (!needsKey && source === "secret") needsKey = true;
  if (!needsKey && (source === "certificate" || source === "pkcs12")) {
    const thumbprints = thumbprintsOf(inputs);
    needsKey = !usable.some((k) => k.x5t !== undefined && thumbprints.includes(k.x5t));
  }
  let keys = existing.map(keyInfo);
  if (needsKey) {
    const dates = requestedDates(inputs);
    // Into a keyset that already has keys, the new key must be active from now, like a rotation.
    const nbf = dates.notBefore ?? (existing.length > 0 ? rotationNotBefore(inputs, now) : undefined);
    let result: GraphResult<GraphKey>;
    try {
      result = await addKey(graph, current.id, keyOperation(inputs, nbf, dates.expiresOn), 0, existing.map((k) => k.kid ?? ""));
    } catch (error) {
      throw policyKeyError(`Adopted policy key container ${current.id}, but could not add the key to it: ${explainKeyError(error)}`, error);
    }
    keys = result.retriedAfterNetworkError ? ((await getKeySet(graph, current.id, FRESH_KEYSET_WINDOW_MS))?.keys ?? []).map(keyInfo) : [...keys, keyInfo(result.value)];
  }
  const activeKeyId = await activeKeyOf(graph, current.id, needsKey ? keys : existing);
  return { id: current.id, outs: outputsFrom(inputs, current.id, keys, activeKeyId, true, materialHash(inputs)) };
}

/** Property names whose change needs a new key in the same keyset (empty: nothing to do). */
export function rotationReasons(olds: PolicyKeyOutputs, news: PolicyKeyInputs): string[] {
  const source = sourceOf(news);
  const reasons: string[] = [];
  const spec = news[source] as Record<string, unknown> | string | undefined;
  if (isUnknown(spec)) return [source];
  if (source !== "generate") {
    const material = spec as Record<string, unknown>;
    const unknownMaterial = isUnknown(material.value) || (source === "pkcs12" && isUnknown(material.password));
    if (unknownMaterial || !secretMatchesFingerprint(keyMaterial(news)!, olds.keyMaterialHash)) {
      reasons.push(source === "pkcs12" ? "pkcs12" : `${source}.value`);
    }
  }
  if (isUnknown(news.rotationTrigger) || (news.rotationTrigger ?? null) !== (olds.rotationTrigger ?? null)) reasons.push("rotationTrigger");
  if (source === "secret" || source === "generate") {
    const s = spec as Record<string, unknown>;
    for (const [field, old] of [
      ["notBefore", olds.notBefore],
      ["expiresOn", olds.expiresOn],
    ] as const) {
      if (isUnknown(s[field]) || (dateSeconds(s[field]) ?? null) !== (old ?? null)) reasons.push(`${source}.${field}`);
    }
  }
  // A generated key inside its roll-over window: a new key in the same keyset (keyExpiry.ts).
  if (source === "generate" && rotationDue(olds.keys ?? [], (spec as Record<string, any>)?.rotateBeforeExpiryDays)) reasons.push("generate.rotateBeforeExpiryDays");
  return reasons;
}

/** Top-level properties whose change needs a new keyset (see the header comment). */
export function replacementReasons(olds: PolicyKeyOutputs, news: PolicyKeyInputs): string[] {
  const reasons: string[] = [];
  if (isUnknown(news.name) || !sameKeySet(olds.name, news.name)) reasons.push("name");
  const source = sourceOf(news);
  if (source !== olds.source) {
    reasons.push(...(olds.source ? [olds.source] : []), source);
    return reasons;
  }
  const spec = news[source] as Record<string, unknown> | undefined;
  if (isUnknown(spec)) return reasons;
  if ((source === "secret" || source === "generate") && (isUnknown(spec!.use) || requestedUse(news) !== olds.use)) reasons.push(source);
  if (source === "generate" && (isUnknown(spec!.keyType) || (requestedKty(news) ?? "").toLowerCase() !== (olds.keyType ?? "").toLowerCase())) {
    if (!reasons.includes(source)) reasons.push(source);
  }
  return reasons;
}

function normalizeInputs(news: Record<string, any>): PolicyKeyInputs {
  const dateText = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const inputs: Record<string, any> = { ...news, adoptExisting: news.adoptExisting ?? false };
  if (typeof news.name === "string") inputs.name = news.name.trim();
  if (news.secret && typeof news.secret === "object") {
    inputs.secret = { ...news.secret, use: news.secret.use ?? "sig", notBefore: dateText(news.secret.notBefore), expiresOn: dateText(news.secret.expiresOn) };
  }
  if (news.generate && typeof news.generate === "object") {
    inputs.generate = {
      ...news.generate,
      keyType: isUnknown(news.generate.keyType) ? news.generate.keyType : canonicalKeyType(news.generate.keyType),
      notBefore: dateText(news.generate.notBefore),
      expiresOn: dateText(news.generate.expiresOn),
    };
  }
  for (const source of ["secret", "generate"]) {
    for (const field of ["notBefore", "expiresOn"]) {
      if (inputs[source] && inputs[source][field] === undefined) delete inputs[source][field];
    }
  }
  return inputs as PolicyKeyInputs;
}

export interface PolicyKeyProvider extends pulumi.dynamic.ResourceProvider, ConfiguredProvider {}

/** Dynamic provider for one policy key container: Graph beta /trustFramework/keySets. */
export const policyKeyProvider: PolicyKeyProvider = {
  configure: rememberConfig,

  async check(_olds, news) {
    // Local only: no Graph call, so a typo fails before anything is sent.
    const problems = [...validatePolicyKey(news), ...validateExpirySettings(news)];
    if (problems.length > 0) {
      return { failures: checkFailures(problems) };
    }
    return { inputs: normalizeInputs(news) };
  },

  async diff(_id, olds: PolicyKeyOutputs, news: PolicyKeyInputs) {
    // No Graph call: everything needed is in state.
    const replaces = replacementReasons(olds, news);
    const rotation = replaces.length > 0 ? [] : rotationReasons(olds, news);
    const nameChanged = replaces.includes("name");
    return {
      changes: replaces.length > 0 || rotation.length > 0,
      replaces,
      stables: replaces.length > 0 ? [] : ["keySetId"],
      // The same keyset id is reused unless the name changed: the old one must go first.
      deleteBeforeReplace: replaces.length > 0 && !nameChanged,
    };
  },

  async create(inputs: PolicyKeyInputs) {
    const graph = graphOf(this);
    const wanted = normalizeKeySetId(inputs.name);
    if (inputs.adoptExisting) {
      // Look first: adopting an existing keyset then costs no write at all when it already serves the key.
      const existing = await getKeySet(graph, wanted);
      if (existing) return adopt(graph, existing, inputs);
    }
    let keySetId: string | undefined;
    // Set once a POST was re-sent after a dropped connection: an earlier attempt may have created it.
    let mayHaveLanded = false;
    const deadline = Date.now() + FRESH_KEYSET_WINDOW_MS;
    for (let attempt = 0; keySetId === undefined; attempt++) {
      try {
        const created = await graph.call<GraphKeySet>({
          method: "POST",
          version: "beta",
          path: COLLECTION,
          // The bare name: the service adds B2C_1A_ (https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta);
          // field reports say a prefixed id is kept as sent. The bare name gives B2C_1A_<name> either way.
          body: { id: wanted.slice(KEYSET_PREFIX.length) },
          description: `create policy key container ${wanted}`,
        });
        keySetId = created.value?.id ?? wanted;
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        mayHaveLanded ||= Boolean(error.afterNetworkRetry);
        const current = await getKeySet(graph, wanted);
        if (!current) {
          // Taken, yet not found: either just created (by our lost attempt or by someone else) and
          // not visible yet, or just deleted (a delete-before-replace) and the name not free
          // everywhere yet. Both settle within the consistency window: wait, then POST again.
          if (Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** attempt)));
            continue;
          }
          throw error;
        }
        const empty = (current.keys ?? []).length === 0;
        if (inputs.adoptExisting && !(empty && mayHaveLanded)) {
          return adopt(graph, current, inputs);
        } else if (empty) {
          // Empty, i.e. exactly what our POST makes: our own first attempt (re-sent after a dropped
          // connection), or a keyset our earlier create left behind when adding its key and
          // deleting it again both failed. An empty keyset serves no policy, so taking it is safe:
          // carry on as if the POST had answered 201.
          keySetId = current.id;
        } else {
          const keyCount = `its key count (${(current.keys ?? []).length}; a keyset this stack just created is empty)`;
          throw policyKeyError(existsMessage(current.id, graph.settings.tenantId, current.keys ?? []) + (mayHaveLanded ? notOursAfterLostAnswer([keyCount]) : ""), error);
        }
      }
    }

    const dates = requestedDates(inputs);
    let result: GraphResult<GraphKey>;
    try {
      result = await addKey(graph, keySetId, keyOperation(inputs, dates.notBefore, dates.expiresOn), FRESH_KEYSET_WINDOW_MS);
    } catch (error) {
      // All-or-nothing: the keyset is ours and empty, remove it before reporting.
      let rollback = "";
      try {
        await graph.requestOrUndefined({ method: "DELETE", version: "beta", path: itemPath(keySetId), description: `delete policy key container ${keySetId} again` });
        rollback = " The new, empty container was deleted again, so nothing is left behind.";
      } catch (deleteError) {
        rollback =
          ` Deleting the new, empty container failed too (${deleteError instanceof Error ? deleteError.message : String(deleteError)}): ` +
          `the next \`pulumi up\` reuses the empty container (an empty container is taken as this stack's), or delete ${keySetId} in the portal.`;
      }
      throw policyKeyError(`Could not add the key to policy key container ${keySetId}: ${explainKeyError(error)}.${rollback}`, error);
    }
    // A re-sent key upload may have landed twice: record what the keyset really holds.
    const keys = result.retriedAfterNetworkError
      ? ((await getKeySet(graph, keySetId, FRESH_KEYSET_WINDOW_MS))?.keys ?? [result.value]).map(keyInfo)
      : [keyInfo(result.value)];
    const activeKeyId = await activeKeyOf(graph, keySetId, keys);
    return { id: keySetId, outs: outputsFrom(inputs, keySetId, keys, activeKeyId, false, materialHash(inputs)) };
  },

  async read(id, props: PolicyKeyOutputs) {
    const graph = graphOf(this);
    // Right after our own write a 404 is more likely eventual consistency than a deletion.
    const grace = readGraceMs(props?.lastWriteAt);
    const current = await getKeySet(graph, id, grace);
    if (!current) return { id: "", props: {} }; // deleted out of band: the next `up` recreates it
    const activeKeyId = await activeKeyOf(graph, current.id, current.keys ?? []);
    return {
      id: current.id,
      props: { ...props, keySetId: current.id, keys: (current.keys ?? []).map(keyInfo), activeKeyId },
    };
  },

  async update(id, olds: PolicyKeyOutputs, news: PolicyKeyInputs) {
    const graph = graphOf(this);
    if (rotationReasons(olds, news).length === 0) {
      // E.g. an unknown that resolved to the same value, or only adoptExisting changed: nothing to send.
      const outs = outputsFrom(news, id, olds.keys ?? [], olds.activeKeyId ?? "", olds.adopted ?? false, olds.keyMaterialHash);
      return { outs: { ...outs, lastWriteAt: olds.lastWriteAt ?? 0 } };
    }
    const dates = rolloverDates(rotationReasons(olds, news), olds.keys ?? []) ?? requestedDates(news);
    let result: GraphResult<GraphKey>;
    try {
      result = await addKey(graph, id, keyOperation(news, dates.notBefore ?? rotationNotBefore(news), dates.expiresOn), 0, (olds.keys ?? []).map((k) => k.kid));
    } catch (error) {
      if (isGraphRequestError(error) && error.isNotFound) {
        throw policyKeyError(
          `Policy key container ${id} no longer exists in the tenant, so no key can be added to it. Run \`pulumi refresh\` ` +
            `(it then drops out of the stack) and \`pulumi up\` to create it again.`,
          error,
        );
      }
      throw policyKeyError(`Could not add a new key to policy key container ${id}: ${explainKeyError(error)}. The container and its keys are unchanged.`, error);
    }
    const keys = result.retriedAfterNetworkError
      ? ((await getKeySet(graph, id))?.keys ?? [result.value]).map(keyInfo)
      : [...(olds.keys ?? []), keyInfo(result.value)];
    const activeKeyId = await activeKeyOf(graph, id, keys);
    return { outs: outputsFrom(news, id, keys, activeKeyId, olds.adopted ?? false, materialHash(news)) };
  },

  async delete(id, props: PolicyKeyOutputs) {
    if (retainedOnDelete(props)) return; // adopted: it was the tenant's before the stack
    // 404 counts as done (deleted out of band).
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: itemPath(id),
      description: `delete policy key container ${props?.keySetId ?? id}`,
    });
  },
};

/** The dynamic resource behind PolicyKey (`pulumi-nodejs:dynamic/b2c-identity:PolicyKey`). */
export class PolicyKeyResource extends pulumi.dynamic.Resource {
  declare readonly keySetId: pulumi.Output<string>;
  declare readonly activeKeyId: pulumi.Output<string>;
  declare readonly keys: pulumi.Output<PolicyKeyInfo[]>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(
      thinProvider("policyKey"),
      name,
      {
        keySetId: undefined,
        activeKeyId: undefined,
        keys: undefined,
        adopted: undefined,
        ...args,
      },
      opts,
      "b2c-identity",
      "PolicyKey",
    );
  }
}
