import { canonicalKeyType, certificateDer, certificateThumbprint, decodeBase64, givenSources, KeySource, KeyUse, nodeForge, sameKeySet, toUnixSeconds } from "./rules";
import { CONSISTENCY_WINDOWS_MS, isUnknown } from "../kernel/providerContext";
import { fingerprintSecret, secretMatchesFingerprint } from "../domain/secretFingerprint";
import { rotationDue } from "../domain/keyExpiry";
import { pathSegment } from "../graph/paths";

// PolicyKey state: the resource's inputs and outputs, what the inputs ask for (source, dates,
// use, key type, material fingerprint) and which changes rotate or replace (policyKey.ts explains the lifecycle).

/** Inputs of the policy key dynamic resource (after check). Dates are ISO strings. */
export interface PolicyKeyInputs {
  name: string;
  secret?: {
    /** The secret itself. Always a Pulumi secret; state keeps only a salted fingerprint. */
    value: string;
    /** Key usage: "sig" (default) or "enc". */
    use?: KeyUse;
    /** Only "oct": a secret is a symmetric key. */
    keyType?: "oct";
    /** Activation date (key nbf), ISO 8601. */
    notBefore?: string;
    /** Expiry date (key exp), ISO 8601. */
    expiresOn?: string;
  };
  /** rotateBeforeExpiryDays: roll the key over when the keyset's keys run out within this many days (keyExpiry.ts). */
  generate?: {
    /** "RSA" or "oct". */
    keyType: string;
    /** Key usage: "sig" or "enc". */
    use: KeyUse;
    /** Activation date (key nbf), ISO 8601. */
    notBefore?: string;
    /** Expiry date (key exp), ISO 8601. */
    expiresOn?: string;
    /** Roll the key over when the keyset's keys run out within this many days (whole days, 1-3650). */
    rotateBeforeExpiryDays?: number;
  };
  certificate?: {
    /** The certificate (public key only), base64 DER or PEM. */
    value: string;
  };
  pkcs12?: {
    /** The .pfx/.p12 file, base64. Always a Pulumi secret; state keeps only a salted fingerprint. */
    value: string;
    /** The .pfx password. Always a Pulumi secret. */
    password: string;
  };
  rotationTrigger?: string;
  /** Minutes after a rotation at which a key it adds becomes active (nbf); default 0, now. */
  rotationNotBeforeDelayMinutes?: number;
  adoptExisting?: boolean;
}

/** What `keys` shows of each key: never key material. nbf/exp are Unix seconds. */
export interface PolicyKeyInfo {
  /** The key's id. */
  kid: string;
  /** Key usage: "sig" or "enc". */
  use?: string;
  /** Key type: "RSA" or "oct" (as Graph reports it). */
  kty?: string;
  /** Not before: when the key becomes valid (Unix seconds). */
  nbf?: number;
  /** Expiry (Unix seconds). */
  exp?: number;
  /** "enabled" or "disabled" as Graph lists it (the key's activation flag); only enabled keys are used. */
  status?: string;
}

/** State kept by Pulumi. Never a secret: the key material is represented by a salted fingerprint. */
export interface PolicyKeyState {
  /** The name as given. */
  name: string;
  /** The full id Graph returned, e.g. B2C_1A_WeChatSecret. */
  keySetId: string;
  /** Where the keys come from: secret, generate, certificate or pkcs12. */
  source: KeySource;
  /** secret/generate: the requested use. */
  use?: string;
  /** generate: RSA or oct. */
  keyType?: string;
  /** Requested validity (Unix seconds), to notice a change; each key's own nbf/exp are in `keys`. */
  notBefore?: number;
  /** Requested expiry (Unix seconds). */
  expiresOn?: number;
  rotationTrigger?: string;
  /** Salted HMAC of the secret / certificate / pfx+password last uploaded (see secretFingerprint.ts). */
  keyMaterialHash?: string;
  /** Every key of the keyset: kid, use, kty, nbf, exp (Unix seconds), status. Never key material. */
  keys: PolicyKeyInfo[];
  /** kid of the key B2C uses now; "" when no key is valid. */
  activeKeyId: string;
  /** Taken over with adoptExisting (it existed before the stack). */
  adopted: boolean;
  /**
   * Imported (`pulumi import`): `source` is inferred from the keys, since Graph does not say how they
   * were made (keySetSource), and no key material is known yet. The first declaration settles it as
   * an adoption does (adoption.ts): no replacement for the reading Graph can't tell apart.
   */
  inferredSource?: boolean;
  /** Epoch ms of our last write: a read soon after it waits out eventual consistency instead of reporting "gone". */
  lastWriteAt: number;
}

export interface GraphKey {
  kid?: string;
  use?: string;
  kty?: string;
  nbf?: number | string;
  exp?: number | string;
  x5t?: string;
  status?: string;
}

export interface GraphKeySet {
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

export const COLLECTION = "/trustFramework/keySets";
/** How long a just-created keyset may answer 404 to the key upload (kernel/consistency.ts). */
export const FRESH_KEYSET_WINDOW_MS = CONSISTENCY_WINDOWS_MS.freshKeySet;
/** How long after our own write a refresh keeps retrying a 404 before concluding the keyset was deleted. */
/** B2C codes for "this name is taken" (AADB2C95038 has the same text). */
export const DUPLICATE_CODES: readonly string[] = ["AADB2C95028", "AADB2C95038"];
/** "Not created yet" on key operations: a fresh keyset that is not visible everywhere yet. */
export const NOT_CREATED_YET_CODE = "AADB2C95052";
/** getActiveKey when no key is valid (AADB2C90019 / AADB2C90220, https://learn.microsoft.com/azure/active-directory-b2c/error-codes). */
export const NO_ACTIVE_KEY_CODES: readonly string[] = ["AADB2C90019", "AADB2C90220"];

export function itemPath(id: string): string {
  return `${COLLECTION}/${pathSegment(id)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** nbf of a key a rotation adds without a notBefore: now, or later by rotationNotBeforeDelayMinutes. */
export function rotationNotBefore(inputs: Pick<PolicyKeyInputs, "rotationNotBeforeDelayMinutes">, now: number = nowSeconds()): number {
  return now + (inputs.rotationNotBeforeDelayMinutes ?? 0) * 60;
}

export function seconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function dateSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const s = toUnixSeconds(value);
  return s === "invalid" ? undefined : s;
}

/** The one key source of checked inputs. */
export function sourceOf(inputs: PolicyKeyInputs): KeySource {
  return givenSources(inputs)[0];
}

export function keyInfo(key: GraphKey): PolicyKeyInfo {
  const nbf = seconds(key.nbf);
  const exp = seconds(key.exp);
  return {
    kid: key.kid ?? "",
    ...(key.use !== undefined ? { use: key.use } : {}),
    ...(key.kty !== undefined ? { kty: key.kty } : {}),
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
    ...(typeof key.status === "string" ? { status: key.status } : {}),
  };
}

export function selectionKey(key: GraphKey | PolicyKeyInfo): KeyForSelection {
  const k = key;
  return { kid: k.kid ?? "", nbf: seconds(k.nbf), exp: seconds(k.exp), ...(k.status !== undefined ? { status: k.status } : {}) };
}

/** The secret-ish material of the inputs, fingerprinted in state; undefined for generate. */
export function keyMaterial(inputs: PolicyKeyInputs): string | undefined {
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
export function requestedDates(inputs: PolicyKeyInputs): { notBefore?: number; expiresOn?: number } {
  const spec = inputs.secret ?? inputs.generate;
  return { notBefore: dateSeconds(spec?.notBefore), expiresOn: dateSeconds(spec?.expiresOn) };
}

/** The use this source asks for (secret defaults to sig); undefined for certificates (B2C decides). */
export function requestedUse(inputs: PolicyKeyInputs): string | undefined {
  if (inputs.secret) return inputs.secret.use ?? "sig";
  if (inputs.generate) return inputs.generate.use;
  return undefined;
}

export function requestedKty(inputs: PolicyKeyInputs): string | undefined {
  if (inputs.secret) return "oct";
  if (inputs.generate) return canonicalKeyType(inputs.generate.keyType) ?? inputs.generate.keyType;
  return undefined;
}

export function outputsFrom(
  inputs: PolicyKeyInputs,
  keySetId: string,
  keys: PolicyKeyInfo[],
  activeKeyId: string,
  adopted: boolean,
  keyMaterialHash: string | undefined,
): PolicyKeyState {
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

export function materialHash(inputs: PolicyKeyInputs): string | undefined {
  const material = keyMaterial(inputs);
  return material === undefined ? undefined : fingerprintSecret(material);
}

/** SHA-1 thumbprints (x5t) of the certificates in the inputs, to recognise a key already in an adopted keyset. */
export function thumbprintsOf(inputs: PolicyKeyInputs): string[] {
  const forge = nodeForge();
  if (inputs.certificate) {
    const der = certificateDer(inputs.certificate.value);
    return der ? [certificateThumbprint(der)] : [];
  }
  if (inputs.pkcs12) {
    try {
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

/** Property names whose change needs a new key in the same keyset (empty: nothing to do). */
export function rotationReasons(olds: PolicyKeyState, news: PolicyKeyInputs): string[] {
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
  // Under rotateBeforeExpiryDays the stack dates the keys it rolls over itself: a declared date only
  // dates the first key, and editing it later adds no key (recordedDateChanges records it).
  if ((source === "secret" || source === "generate") && !rollsOverByTime(news)) reasons.push(...dateChanges(olds, news));
  // A generated key inside its roll-over window: a new key in the same keyset (keyExpiry.ts).
  if (source === "generate" && rotationDue(olds.keys ?? [], news.generate?.rotateBeforeExpiryDays)) reasons.push("generate.rotateBeforeExpiryDays");
  return reasons;
}

function rollsOverByTime(news: PolicyKeyInputs): boolean {
  return news.generate !== undefined && !isUnknown(news.generate) && typeof news.generate.rotateBeforeExpiryDays === "number";
}

/** `<source>.notBefore` / `<source>.expiresOn` when they differ from the dates in state. */
function dateChanges(olds: PolicyKeyState, news: PolicyKeyInputs): string[] {
  const source = sourceOf(news);
  const s = news[source] as Record<string, unknown> | undefined;
  if (!s || isUnknown(s) || (source !== "secret" && source !== "generate")) return [];
  const changed: string[] = [];
  for (const [field, old] of [
    ["notBefore", olds.notBefore],
    ["expiresOn", olds.expiresOn],
  ] as const) {
    if (isUnknown(s[field]) || (dateSeconds(s[field]) ?? null) !== (old ?? null)) changed.push(`${source}.${field}`);
  }
  return changed;
}

/** Date edits of a key rolled over by time: recorded in state (an update with no Graph write), never a new key. */
export function recordedDateChanges(olds: PolicyKeyState, news: PolicyKeyInputs): string[] {
  return rollsOverByTime(news) ? dateChanges(olds, news) : [];
}

/** Top-level properties whose change needs a new keyset (see the header comment). */
export function replacementReasons(olds: PolicyKeyState, news: PolicyKeyInputs): string[] {
  const reasons: string[] = [];
  if (isUnknown(news.name) || !sameKeySet(olds.name, news.name)) reasons.push("name");
  const source = sourceOf(news);
  if (source !== olds.source && !(olds.inferredSource === true && readingGraphCannotTell(olds.source, news))) {
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

/**
 * Whether the declared source is the other reading of an imported keyset's keys: an uploaded secret
 * or a generated oct key (both kty oct), a certificate uploaded as a .cer or a .pfx (both carry x5t).
 */
function readingGraphCannotTell(inferred: KeySource, news: PolicyKeyInputs): boolean {
  const declared = sourceOf(news);
  if (inferred === "secret") return declared === "generate" && !isUnknown(news.generate) && requestedKty(news)?.toLowerCase() === "oct";
  if (inferred === "certificate") return declared === "pkcs12";
  return false;
}

export function normalizeInputs(news: PolicyKeyInputs): PolicyKeyInputs {
  const inputs: PolicyKeyInputs = { ...news, adoptExisting: news.adoptExisting ?? false };
  if (typeof news.name === "string") inputs.name = news.name.trim();
  if (news.secret && typeof news.secret === "object") {
    inputs.secret = withDateTexts({ ...news.secret, use: news.secret.use ?? "sig" });
  }
  if (news.generate && typeof news.generate === "object") {
    const keyType = news.generate.keyType;
    inputs.generate = withDateTexts({ ...news.generate, keyType: isUnknown(keyType) ? keyType : (canonicalKeyType(keyType) ?? keyType) });
  }
  return inputs;
}

/** notBefore/expiresOn as ISO text (a direct caller may pass a Date); absent ones left out, not undefined. */
function withDateTexts<T extends { notBefore?: string | Date; expiresOn?: string | Date }>(spec: T): T {
  const result = { ...spec };
  for (const field of ["notBefore", "expiresOn"] as const) {
    const value = spec[field];
    if (value === undefined) delete result[field];
    else if (value instanceof Date) result[field] = value.toISOString();
  }
  return result;
}
