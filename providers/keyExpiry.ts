import type { InputProblem } from "../validation/inputError";

// Key expiry: which key of a keyset B2C uses now and when it runs out, the warning a stack prints
// before that happens, and when (and with which dates) a generated key is rolled over by adding a
// key to the same keyset. Pure functions over what Graph returns for a keyset (kid, nbf, exp in
// Unix seconds), shared by PolicyKey (components/PolicyKey.ts, providers/policyKey.ts) and the
// keysets a stack adopts as they are (components/AdoptedKeySet.ts).
//
// The rules (https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover):
// among keys whose nbf has passed and whose exp has not, the one with the latest nbf is active;
// when it expires, the next valid key takes over; with no valid key, sign-in fails at run time.
// Relying parties pick up new signing keys from the policy's metadata (JWKS), which they may
// cache for up to a day (https://learn.microsoft.com/azure/active-directory-b2c/tokens-overview);
// so a rolled-over key is added a day before it starts signing, while the old key stays valid:
// both are published during the overlap and no token is signed by a key a relying party can't see.
// Reached by the dynamic provider's code: no Set/Map/class at module scope.

/** Days before an active key's expiry from which preview and up warn. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
/** How long a rolled-over key is published before it becomes active (relying parties refresh metadata at least daily). */
export const ROLLOVER_PUBLISH_AHEAD_SECONDS = 24 * 3600;
/** Lifetime of a rolled-over key when the old key's lifetime is unknown (it had no nbf). */
export const DEFAULT_ROLLOVER_LIFETIME_SECONDS = 365 * 24 * 3600;

const DAY = 24 * 3600;

/** A key as Graph lists it (seconds). */
export interface ExpiryKey {
  kid: string;
  nbf?: number;
  exp?: number;
  status?: string;
}

/** The active key's id and expiry, for a PolicyKey's outputs. */
export interface ActiveKeyExpiry {
  /** kid of the key B2C uses now; "" when none is valid. */
  activeKeyId: string;
  /** Its exp as ISO 8601 (UTC); undefined when it never expires or there is no active key. */
  activeKeyExpiresOn?: string;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function live(key: ExpiryKey, now: number): boolean {
  return key.exp === undefined || key.exp > now;
}

/**
 * The key B2C uses at `now` (documented rules above): the valid key with the latest nbf, else the
 * last valid key without nbf, else none. `activeKeyId` from Graph wins when given and present.
 */
export function activeKey(keys: readonly ExpiryKey[], now: number = nowSeconds(), activeKeyId?: string): ExpiryKey | undefined {
  if (activeKeyId) {
    const named = keys.find((k) => k.kid === activeKeyId);
    if (named) return named;
  }
  const dated = keys.filter((k) => k.nbf !== undefined && k.nbf <= now && live(k, now));
  if (dated.length > 0) return dated.reduce((best, k) => (k.nbf! >= best.nbf! ? k : best));
  const undated = keys.filter((k) => k.nbf === undefined && live(k, now));
  return undated.length > 0 ? undated[undated.length - 1] : undefined;
}

/** The active key's kid and exp, as outputs. */
export function activeKeyExpiry(keys: readonly ExpiryKey[], activeKeyId?: string, now: number = nowSeconds()): ActiveKeyExpiry {
  const key = activeKey(keys, now, activeKeyId);
  if (!key) return { activeKeyId: "" };
  return { activeKeyId: key.kid, ...(key.exp !== undefined ? { activeKeyExpiresOn: isoDate(key.exp) } : {}) };
}

/**
 * When the keyset stops having a valid key, looking ahead through successors: the active key's
 * exp, extended by any key that becomes valid before then and lasts longer. undefined: never (a
 * key without exp); null: no valid key now.
 */
export function validUntil(keys: readonly ExpiryKey[], now: number = nowSeconds(), activeKeyId?: string): number | undefined | null {
  const current = activeKey(keys, now, activeKeyId);
  if (!current) return null;
  let until = current.exp;
  for (;;) {
    if (until === undefined) return undefined;
    const limit: number = until;
    const next = keys.filter((k) => (k.nbf ?? 0) <= limit && (k.exp === undefined || k.exp > limit));
    if (next.length === 0) return limit;
    until = next.some((k) => k.exp === undefined) ? undefined : Math.max(...next.map((k) => k.exp!));
  }
}

/**
 * The warning for a keyset whose signing/encryption runs out within `warningDays` (no successor
 * key takes over in time), or whose keys have all expired; undefined when it is fine.
 */
export function expiryWarning(
  keySetId: string,
  keys: readonly ExpiryKey[],
  options: { warningDays?: number; activeKeyId?: string; now?: number } = {},
): string | undefined {
  const now = options.now ?? nowSeconds();
  const days = options.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  if (keys.length === 0) return undefined;
  const until = validUntil(keys, now, options.activeKeyId);
  if (until === null) {
    return `Policy key ${keySetId} has no valid key: every key has expired or is not active yet, so B2C fails every policy that uses it. Add a key (a new secret, certificate, or rotationTrigger) now.`;
  }
  if (until === undefined || until - now > days * DAY) return undefined;
  const active = activeKey(keys, now, options.activeKeyId)!;
  const left = Math.max(0, Math.floor((until - now) / DAY));
  return (
    `Policy key ${keySetId}: its active key ${active.kid} expires on ${isoDate(until)} (in ${left} day${left === 1 ? "" : "s"}) ` +
    `and no later key takes over; after that B2C fails every policy that uses it. Add a key before then ` +
    `(a new secret or certificate, a new rotationTrigger, or rotateBeforeExpiryDays on a generated key).`
  );
}

/** Whether a generated keyset is inside its roll-over window: its keys (successors included) run out within `days`. */
export function rotationDue(keys: readonly ExpiryKey[], days: number | undefined, now: number = nowSeconds()): boolean {
  if (days === undefined || keys.length === 0) return false;
  const until = validUntil(keys, now);
  if (until === undefined) return false;
  return until === null || until - now <= days * DAY;
}

/**
 * Dates of the key a roll-over adds: published a day ahead (nbf) while the old key still serves,
 * or at once when the old key runs out sooner; valid as long as the old key was (exp - nbf), or
 * a year when that is unknown.
 */
export function rotationKeyDates(keys: readonly ExpiryKey[], now: number = nowSeconds()): { nbf: number; exp: number } {
  const current = activeKey(keys, now);
  const until = validUntil(keys, now);
  const lifetime =
    current?.nbf !== undefined && current.exp !== undefined && current.exp > current.nbf ? current.exp - current.nbf : DEFAULT_ROLLOVER_LIFETIME_SECONDS;
  const ahead = typeof until === "number" && until - now > ROLLOVER_PUBLISH_AHEAD_SECONDS + 3600 ? ROLLOVER_PUBLISH_AHEAD_SECONDS : 0;
  const nbf = now + ahead;
  return { nbf, exp: nbf + lifetime };
}

function checkDays(argument: string, value: unknown, problems: InputProblem[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 3650) {
    problems.push({ argument, reason: `must be a whole number of days between 1 and 3650, got ${JSON.stringify(value)}` });
  }
}

/** Checks expiryWarningDays and generate.rotateBeforeExpiryDays of PolicyKey arguments. */
export function validateExpirySettings(input: { expiryWarningDays?: unknown; generate?: unknown; secret?: unknown; certificate?: unknown; pkcs12?: unknown }): InputProblem[] {
  const problems: InputProblem[] = [];
  checkDays("expiryWarningDays", input.expiryWarningDays, problems);
  const generate = input.generate as Record<string, unknown> | undefined;
  if (generate && typeof generate === "object") {
    checkDays("generate.rotateBeforeExpiryDays", generate.rotateBeforeExpiryDays, problems);
  }
  for (const source of ["secret", "certificate", "pkcs12"] as const) {
    const spec = input[source] as Record<string, unknown> | undefined;
    if (spec && typeof spec === "object" && spec.rotateBeforeExpiryDays !== undefined) {
      problems.push({
        argument: `${source}.rotateBeforeExpiryDays`,
        reason: "only generated keys can be rolled over by the stack (B2C makes the new key); for a secret or certificate, give the new value before the old one expires",
      });
    }
  }
  return problems;
}

/**
 * For PolicyKey.update: the dates of the key to add when the only reason for a new key is the
 * roll-over window (`generate.rotateBeforeExpiryDays`), as notBefore/expiresOn in seconds;
 * undefined otherwise (the stack's own dates apply).
 */
export function rolloverDates(reasons: readonly string[], keys: readonly ExpiryKey[], now: number = nowSeconds()): { notBefore: number; expiresOn: number } | undefined {
  if (reasons.length !== 1 || reasons[0] !== "generate.rotateBeforeExpiryDays") return undefined;
  const { nbf, exp } = rotationKeyDates(keys, now);
  return { notBefore: nbf, expiresOn: exp };
}
