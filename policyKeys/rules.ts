import { createHash, X509Certificate } from "crypto";
import type * as Forge from "node-forge";
import { InputProblem, isBlank, secretWhitespaceProblem } from "../domain/problems";
import { isUnknown } from "../domain/notKnownYet";
import { ArgumentRule, ArgumentRules, checkArguments, Reason } from "../domain/argumentRules";
import { toUnixSeconds } from "../domain/dates";

// Pure checks for PolicyKey (Graph beta /trustFramework/keySets, https://learn.microsoft.com/graph/api/resources/trustframeworkkeyset?view=graph-rest-beta).

// Dates are read by the one rule in domain/dates.ts.
export { toUnixSeconds };

/** The prefix Graph adds to every keyset id (`WeChatSecret` -> `B2C_1A_WeChatSecret`). */
export const KEYSET_PREFIX = "B2C_1A_";


export const KEY_SOURCES = ["secret", "generate", "certificate", "pkcs12"] as const;
export type KeySource = (typeof KEY_SOURCES)[number];
export const KEY_USES = ["sig", "enc"] as const;
export type KeyUse = (typeof KEY_USES)[number];
export const GENERATED_KEY_TYPES = ["RSA", "oct"] as const;
export type GeneratedKeyType = (typeof GENERATED_KEY_TYPES)[number];

/** The part after the prefix: letters, digits, `_` and `-`. No `.`: `<id>.bak` names are the portal's backups. */
const BARE_NAME = /^[A-Za-z0-9_-]+$/;
/** Longest keyset id accepted (prefix included). Microsoft documents no limit; 128 keeps ids sane. */
export const MAX_KEYSET_ID_LENGTH = 128;

/** `WeChatSecret`, `b2c_1a_WeChatSecret` and `B2C_1A_WeChatSecret` all give `B2C_1A_WeChatSecret`. */
export function normalizeKeySetId(name: string): string {
  const trimmed = name.trim();
  return KEYSET_PREFIX + (trimmed.toUpperCase().startsWith(KEYSET_PREFIX) ? trimmed.slice(KEYSET_PREFIX.length) : trimmed);
}

/** Whether two names (with or without prefix, any case) name the same keyset. */
export function sameKeySet(a: string, b: string): boolean {
  return normalizeKeySetId(a).toLowerCase() === normalizeKeySetId(b).toLowerCase();
}

/** A key as Graph lists it in a keyset, as far as the kind of key tells (never key material). */
export interface ListedKey {
  kty?: string;
  x5c?: string[];
  x5t?: string;
}

/**
 * How a keyset's keys were made, as far as Graph tells (it does not say): a certificate key carries
 * its thumbprint x5t (trustFrameworkKey, https://learn.microsoft.com/graph/api/resources/trustframeworkkey?view=graph-rest-beta);
 * the upload answers' examples show no x5c, and kty "oct"/"OCT", so neither x5c nor kty alone tells.
 * Without one, RSA keys were generated, and oct keys are an uploaded secret or a generated oct key:
 * recorded as a secret, with the note saying so. Used by `b2c-identity import` and `pulumi import`.
 */
export function keySetSource(keys: readonly ListedKey[]): { source: "secret" | "generate" | "certificate"; note?: string } {
  const withCert = keys.some((k) => (typeof k.x5t === "string" && k.x5t !== "") || (Array.isArray(k.x5c) && k.x5c.length > 0));
  const kty = (keys[0]?.kty ?? "").toLowerCase();
  if (withCert) return { source: "certificate", note: "holds certificate keys: uploaded as a .cer or a .pfx (Graph does not say which); recorded as certificate" };
  if (kty === "rsa") return { source: "generate" };
  return { source: "secret", note: "holds symmetric (oct) keys: an uploaded secret or a generated oct key (Graph does not say which); recorded as secret" };
}

/** "RSA" or "oct" (case-insensitive input); undefined if neither. */
export function canonicalKeyType(value: unknown): GeneratedKeyType | undefined {
  if (typeof value !== "string") return undefined;
  const lower = value.trim().toLowerCase();
  return lower === "rsa" ? "RSA" : lower === "oct" ? "oct" : undefined;
}

function isoOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Strict base64 (standard or URL alphabet, whitespace ignored) to bytes; undefined if not base64. */
export function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) return undefined;
  const bytes = Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length > 0 ? bytes : undefined;
}

/**
 * The DER bytes of a certificate given as base64 DER (what Graph documents), base64 of a PEM file,
 * or PEM text; undefined when it is none of these.
 */
export function certificateDer(value: string): Buffer | undefined {
  let text = value;
  if (!text.includes("-----BEGIN")) {
    const bytes = decodeBase64(text);
    if (!bytes) return undefined;
    const asText = bytes.toString("latin1");
    if (!asText.includes("-----BEGIN CERTIFICATE-----")) return bytes;
    text = asText;
  }
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  return match ? decodeBase64(match[1]) : undefined;
}

/** base64url SHA-1 of the DER, i.e. the `x5t` Graph reports for an uploaded certificate. */
export function certificateThumbprint(der: Buffer): string {
  return createHash("sha1").update(der).digest("base64url");
}

export interface PolicyKeyInput {
  name?: unknown;
  secret?: unknown;
  generate?: unknown;
  certificate?: unknown;
  pkcs12?: unknown;
  rotationTrigger?: unknown;
  rotationNotBeforeDelayMinutes?: unknown;
  adoptExisting?: unknown;
}

const SOURCE_PROPERTIES: Record<KeySource, readonly string[]> = {
  secret: ["value", "use", "keyType", "notBefore", "expiresOn"],
  generate: ["keyType", "use", "notBefore", "expiresOn", "rotateBeforeExpiryDays"],
  certificate: ["value"],
  pkcs12: ["value", "password"],
};

function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function pending(value: unknown): boolean {
  return isUnknown(value);
}

/** The key sources given (present and not null), in KEY_SOURCES order. */
export function givenSources(input: PolicyKeyInput): KeySource[] {
  return KEY_SOURCES.filter((s) => given(input[s]));
}

function checkName(name: unknown, problems: InputProblem[]): void {
  if (pending(name)) return;
  if (isBlank(name)) {
    problems.push({ argument: "name", reason: "must be a non-empty keyset name such as 'WeChatSecret' or 'B2C_1A_WeChatSecret'" });
    return;
  }
  const id = normalizeKeySetId(String(name));
  const bare = id.slice(KEYSET_PREFIX.length);
  if (bare === "" || !BARE_NAME.test(bare)) {
    problems.push({
      argument: "name",
      reason: `must be letters, digits, '_' or '-' after the optional ${KEYSET_PREFIX} prefix, got '${String(name)}'`,
    });
  } else if (id.length > MAX_KEYSET_ID_LENGTH) {
    problems.push({ argument: "name", reason: `must be at most ${MAX_KEYSET_ID_LENGTH} characters including the ${KEYSET_PREFIX} prefix, got ${id.length}` });
  }
}

function checkUse(source: string, value: unknown, required: boolean, problems: InputProblem[]): void {
  if (pending(value)) return;
  if (!given(value)) {
    if (required) problems.push({ argument: `${source}.use`, reason: "is required: 'sig' (signature) or 'enc' (encryption)" });
    return;
  }
  if (!KEY_USES.includes(value as KeyUse)) {
    problems.push({ argument: `${source}.use`, reason: `must be 'sig' (signature) or 'enc' (encryption), got '${String(value)}'` });
  }
}

function checkValidity(source: string, obj: Record<string, unknown>, now: number, problems: InputProblem[]): void {
  let nbf: number | undefined;
  let exp: number | undefined;
  for (const field of ["notBefore", "expiresOn"] as const) {
    const value = obj[field];
    if (!given(value) || pending(value)) continue;
    const seconds = toUnixSeconds(value);
    if (seconds === "invalid") {
      problems.push({
        argument: `${source}.${field}`,
        reason: `must be a Date or an ISO 8601 string with a time zone ('2030-01-31' or '2030-01-31T08:00:00Z'), got '${String(value)}'`,
      });
    } else if (field === "notBefore") {
      nbf = seconds;
    } else {
      exp = seconds;
    }
  }
  if (exp !== undefined && exp <= now) {
    problems.push({
      argument: `${source}.expiresOn`,
      reason: `is in the past (${isoOf(exp)}); B2C rejects keys that have already expired (AADB2C90214). Give a future date or leave it out`,
    });
  }
  // One problem per date: an activation after the expiry is reported as that (below), not as late.
  const late = nbf !== undefined && !(exp !== undefined && nbf >= exp) ? notBeforeTooLateProblem(nbf, now, "activates on", "Leave notBefore out (the key is active at once), or give a date within a year") : undefined;
  if (late) problems.push({ argument: `${source}.notBefore`, reason: late });
  if (nbf !== undefined && exp !== undefined && nbf >= exp) {
    problems.push({ argument: `${source}.notBefore`, reason: `(${isoOf(nbf)}) must be before ${source}.expiresOn (${isoOf(exp)})` });
  }
}

function checkSourceObject(source: KeySource, value: unknown, problems: InputProblem[]): Record<string, unknown> | undefined {
  if (pending(value)) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({ argument: source, reason: `must be an object (${SOURCE_PROPERTIES[source].join(", ")})` });
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!SOURCE_PROPERTIES[source].includes(key) && obj[key] !== undefined) {
      problems.push({ argument: `${source}.${key}`, reason: `is not a property of ${source}; expected ${SOURCE_PROPERTIES[source].join(", ")}` });
    }
  }
  return obj;
}

function checkSecret(obj: Record<string, unknown>, now: number, problems: InputProblem[]): void {
  if (!pending(obj.value) && isBlank(obj.value)) {
    problems.push({ argument: "secret.value", reason: "must be a non-empty string (the secret itself, e.g. the WeChat/QQ APP KEY)" });
  } else if (!pending(obj.value) && typeof obj.value === "string") {
    const problem = secretValueProblem(obj.value);
    if (problem) problems.push({ argument: "secret.value", reason: problem });
  }
  checkUse("secret", obj.use, false, problems);
  if (given(obj.keyType) && !pending(obj.keyType) && canonicalKeyType(obj.keyType) !== "oct") {
    problems.push({
      argument: "secret.keyType",
      reason:
        `a secret is always a symmetric (oct) key, got '${String(obj.keyType)}'. For an RSA key use generate: { keyType: 'RSA' }, ` +
        `or upload the key pair with certificate / pkcs12`,
    });
  }
  checkValidity("secret", obj, now, problems);
}

function checkGenerate(obj: Record<string, unknown>, now: number, problems: InputProblem[]): void {
  if (!pending(obj.keyType) && !canonicalKeyType(obj.keyType)) {
    problems.push({ argument: "generate.keyType", reason: `must be 'RSA' or 'oct', got '${String(obj.keyType)}'` });
  }
  checkUse("generate", obj.use, true, problems);
  checkValidity("generate", obj, now, problems);
}

/**
 * Shortest secret accepted. B2C refuses short symmetric keys with AADB2C90138 "A secure OCT key
 * requires at least {0} bits" (https://learn.microsoft.com/azure/active-directory-b2c/error-codes)
 * without documenting the number; 8 characters stops a truncated or placeholder secret here.
 */
export const MIN_SECRET_LENGTH = 8;

/** Why a policy key secret would be refused by B2C or fail at sign-in, or undefined (never echoes it). */
export function secretValueProblem(value: string): string | undefined {
  const whitespace = secretWhitespaceProblem(value);
  if (whitespace) return whitespace;
  const length = Array.from(value).length;
  if (length < MIN_SECRET_LENGTH) {
    return (
      `is ${length} character${length === 1 ? "" : "s"} long: B2C refuses short secrets (AADB2C90138, a secure OCT key needs more bits); ` +
      `give the whole secret (at least ${MIN_SECRET_LENGTH} characters), or use generate: { keyType: 'oct', use: 'sig' } to let B2C make one`
    );
  }
  return undefined;
}

/**
 * Latest activation accepted, seconds after now: a year. A key that is not active yet leaves a new
 * keyset without an active key until then, and sign-in fails with AADB2C90019 / AADB2C90220
 * (https://learn.microsoft.com/azure/active-directory-b2c/error-codes,
 * https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover). A rotation
 * may schedule its key ahead (the current key stays active meanwhile), so only a date beyond any
 * schedule (a year; 2100 for 2010) is refused: at preview, a new keyset and a rotation look alike.
 */
export const MAX_NOT_BEFORE_AHEAD_SECONDS = 365 * 24 * 3600;

/** Why a key activating at `nbf` (Unix seconds) would leave the keyset without an active key, or undefined. */
export function notBeforeTooLateProblem(nbf: number, now: number, what: string, fix: string): string | undefined {
  if (nbf <= now + MAX_NOT_BEFORE_AHEAD_SECONDS) return undefined;
  return `${what} ${isoOf(nbf)}, more than a year from now: until then a new keyset would have no active key and sign-in fails (AADB2C90019). ${fix}`;
}

function checkCertificate(obj: Record<string, unknown>, now: number, problems: InputProblem[]): void {
  const value = obj.value;
  if (pending(value)) return;
  if (isBlank(value)) {
    problems.push({ argument: "certificate.value", reason: "must be the base64-encoded certificate (.cer, DER or PEM)" });
    return;
  }
  const der = certificateDer(String(value));
  if (!der) {
    problems.push({ argument: "certificate.value", reason: "is not base64: give the certificate file's content base64-encoded (or PEM text)" });
    return;
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    problems.push({ argument: "certificate.value", reason: "is base64 but not an X.509 certificate (AADB2C90179 at upload)" });
    return;
  }
  const validTo = Math.floor(Date.parse(certificate.validTo) / 1000);
  if (Number.isFinite(validTo) && validTo <= now) {
    problems.push({ argument: "certificate.value", reason: `the certificate expired on ${isoOf(validTo)}; B2C rejects expired keys (AADB2C90214)` });
  }
  const validFrom = Math.floor(Date.parse(certificate.validFrom) / 1000);
  const late = Number.isFinite(validFrom) ? notBeforeTooLateProblem(validFrom, now, "the certificate is valid only from", "Upload a certificate that is valid now") : undefined;
  if (late) problems.push({ argument: "certificate.value", reason: late });
}

function checkPkcs12(obj: Record<string, unknown>, problems: InputProblem[], now: number = Math.floor(Date.now() / 1000)): void {
  const value = obj.value;
  if (!pending(value)) {
    const bytes = isBlank(value) ? undefined : decodeBase64(String(value));
    if (isBlank(value)) {
      problems.push({ argument: "pkcs12.value", reason: "must be the base64-encoded PKCS#12 (.pfx/.p12) file" });
    } else if (!bytes) {
      problems.push({ argument: "pkcs12.value", reason: "is not base64: give the .pfx file's content base64-encoded" });
    } else if (bytes[0] !== 0x30 || bytes.length < 64) {
      problems.push({ argument: "pkcs12.value", reason: "is base64 but not a PKCS#12 (.pfx) file (it must be DER, starting with a SEQUENCE)" });
    }
  }
  if (!pending(obj.password) && (typeof obj.password !== "string" || obj.password === "")) {
    problems.push({
      argument: "pkcs12.password",
      reason: "must be the non-empty password of the .pfx file (the portal and Graph need one to read the private key)",
    });
  } else if (!pending(value) && !pending(obj.password) && problems.every((p) => !p.argument.startsWith("pkcs12."))) {
    const problem = pkcs12Problem(decodeBase64(String(value))!, String(obj.password), now);
    if (problem) problems.push(problem);
  }
}

/** @internal node-forge (about 40 modules), loaded when a PKCS#12 file is opened: most programs have none. */
export const nodeForge = (): typeof Forge => require("node-forge");

/**
 * Opens the PKCS#12 locally (node-forge) to catch what Graph would refuse only after the keyset
 * was made: a wrong password, an X.509 certificate (.cer) given as a .pfx, a .pfx without its
 * private key. A format node-forge can't read (e.g. a newer cipher) is left for Graph to judge.
 */
export function pkcs12Problem(bytes: Buffer, password: string, now: number = Math.floor(Date.now() / 1000)): InputProblem | undefined {
  const forge = nodeForge();
  let asn1: Forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(bytes.toString("binary"));
  } catch {
    return { argument: "pkcs12.value", reason: "is not a PKCS#12 (.pfx) file: its content is not DER. Give the .pfx file's content base64-encoded" };
  }
  try {
    forge.pki.certificateFromAsn1(asn1);
    return {
      argument: "pkcs12.value",
      reason:
        "is an X.509 certificate (.cer/.crt), not a PKCS#12 (.pfx) file with its private key: for a public certificate use certificate: { value } " +
        "instead; to sign or encrypt, export the certificate WITH its private key as a .pfx",
    };
  } catch {
    // not a certificate: read it as PKCS#12 below
  }
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/MAC could not be verified|Failed to decrypt/i.test(message)) {
      return { argument: "pkcs12.password", reason: "does not open the .pfx file (PKCS#12 integrity check failed): give the password it was exported with" };
    }
    if (/Cannot read PKCS#12 PFX|not supported in password integrity|PFX of version/i.test(message)) {
      return { argument: "pkcs12.value", reason: `is not a PKCS#12 (.pfx) file node-forge can read (${message}); export the certificate with its private key as a .pfx` };
    }
    return undefined; // a cipher or format node-forge lacks: Graph decides
  }
  const oids = forge.pki.oids;
  const keys = [oids.pkcs8ShroudedKeyBag, oids.keyBag].reduce((n, bagType) => n + (p12.getBags({ bagType })[bagType]?.length ?? 0), 0);
  if (keys === 0) {
    return { argument: "pkcs12.value", reason: "holds no private key: export the certificate WITH its private key (a .pfx holding only certificates can't sign or decrypt)" };
  }
  for (const bag of p12.getBags({ bagType: oids.certBag })[oids.certBag] ?? []) {
    const notBefore = bag.cert?.validity.notBefore;
    const late = notBefore ? notBeforeTooLateProblem(Math.floor(notBefore.getTime() / 1000), now, "its certificate is valid only from", "Export a certificate that is valid now with its private key") : undefined;
    if (late) return { argument: "pkcs12.value", reason: late };
  }
  return undefined;
}

/**
 * The argument of a field check, relative to `source`: a problem about `secret.use` is `{ at: "use" }`
 * of the `secret` argument, one about `secret` itself a plain reason.
 */
function relativeTo(source: string, problems: InputProblem[]): Reason[] {
  return problems.map((p) => (p.argument === source ? p.reason : { at: p.argument.slice(source.length + 1), reason: p.reason }));
}

/** The rule of one key source: nothing when it is not given; its object, then its fields. */
function sourceRule(source: KeySource, checkFields: (obj: Record<string, unknown>, problems: InputProblem[]) => void): ArgumentRule<PolicyKeyInput, Reason> {
  return (value) => {
    if (!given(value)) return [];
    const problems: InputProblem[] = [];
    const obj = checkSourceObject(source, value, problems);
    if (obj) checkFields(obj, problems);
    return relativeTo(source, problems);
  };
}

/**
 * One rule per PolicyKey argument (a key source's rule judges its fields too, naming them
 * `secret.use`, …); `now` is Unix seconds. Which sources are given together is the one rule across
 * arguments (validatePolicyKey).
 */
export function policyKeyRules(now: number = Math.floor(Date.now() / 1000)): ArgumentRules<PolicyKeyInput, Reason> {
  return {
    name: (name) => {
      const problems: InputProblem[] = [];
      checkName(name, problems);
      return relativeTo("name", problems);
    },
    secret: sourceRule("secret", (obj, problems) => checkSecret(obj, now, problems)),
    generate: sourceRule("generate", (obj, problems) => checkGenerate(obj, now, problems)),
    certificate: sourceRule("certificate", (obj, problems) => checkCertificate(obj, now, problems)),
    pkcs12: sourceRule("pkcs12", (obj, problems) => checkPkcs12(obj, problems, now)),
    rotationTrigger: (trigger) => (given(trigger) && typeof trigger !== "string" ? ["must be a string (change it to add a new key)"] : []),
    adoptExisting: (adoptExisting) => (given(adoptExisting) && typeof adoptExisting !== "boolean" ? ["must be true or false"] : []),
    rotationNotBeforeDelayMinutes: (delay) =>
      given(delay) && !(typeof delay === "number" && Number.isInteger(delay) && delay >= 0 && delay <= 10080)
        ? [`must be whole minutes from 0 (a rotated key is active at once) to 10080 (a week), e.g. 180 for 3 hours; got '${String(delay)}'`]
        : [],
  };
}

/** Exactly one key source: the one PolicyKey rule that looks at several arguments. */
function keySourceCountProblems(input: PolicyKeyInput): InputProblem[] {
  const sources = givenSources(input);
  if (sources.length === 0) {
    return [{ argument: KEY_SOURCES.join("|"), reason: "give exactly one key source: secret (a value you know), generate (B2C makes the key), certificate or pkcs12" }];
  }
  return sources.length > 1 ? [{ argument: sources.join("|"), reason: `give exactly one key source; got ${sources.length} (${sources.join(", ")})` }] : [];
}

/**
 * Checks PolicyKey arguments before any Graph call, each with its rule (policyKeyRules), and the
 * count of key sources. Values equal to UNKNOWN (domain/notKnownYet.ts) are not known yet and are
 * skipped; everything else is checked (undefined means "not given"). `now` is Unix seconds.
 */
export function validatePolicyKey(input: PolicyKeyInput, now: number = Math.floor(Date.now() / 1000)): InputProblem[] {
  const rules = policyKeyRules(now);
  const { name, ...others } = rules;
  return [
    ...checkArguments<Pick<PolicyKeyInput, "name">, Reason>({ name }, input),
    ...keySourceCountProblems(input),
    ...checkArguments<Omit<PolicyKeyInput, "name">, Reason>(others, input),
  ];
}

/** A PEM private-key block of any kind (PKCS#1 "RSA PRIVATE KEY", PKCS#8 "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY"). */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * certificate.value must be a certificate only. A PEM bundle with the private key in it (`cat key.pem
 * cert.pem`), as text or base64, is refused before anything is sent: the key would travel as an input
 * of the keyset (and so into state), while uploadCertificate takes the public certificate only. The
 * way to upload a key pair is pkcs12. Never echoes the value.
 */
export function certificatePrivateKeyProblems(input: { certificate?: unknown }): InputProblem[] {
  const spec = input.certificate;
  if (!spec || typeof spec !== "object" || pending(spec)) return [];
  const value = (spec as Record<string, unknown>).value;
  if (typeof value !== "string" || pending(value)) return [];
  const decoded = value.includes("-----BEGIN") ? value : (decodeBase64(value)?.toString("latin1") ?? "");
  if (!PEM_PRIVATE_KEY.test(value) && !PEM_PRIVATE_KEY.test(decoded)) return [];
  return [
    {
      argument: "certificate.value",
      reason:
        "holds a private key (a PEM bundle such as `cat key.pem cert.pem`): certificate takes the public certificate only, and a private key " +
        "must never reach the stack's state. To upload the key pair use pkcs12: { value: <the .pfx base64-encoded>, password } " +
        "(e.g. `openssl pkcs12 -export -inkey key.pem -in cert.pem -out key.pfx`); for the certificate alone give only its CERTIFICATE block",
    },
  ];
}
