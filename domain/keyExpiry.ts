import type { InputProblem } from "./problems";
import { ArgumentRule, ArgumentRules } from "./argumentRules";
import { toUnixSeconds } from "./dates";

// Key expiry: which key of a keyset B2C uses now and when it runs out, the warning a stack prints
// before that happens, and when (and with which dates) a generated key is rolled over by adding a
// key to the same keyset. Pure functions over what Graph returns for a keyset (kid, nbf, exp in
// Unix seconds), shared by PolicyKey (policyKeys/component.ts, policyKeys/provider.ts) and the
// keysets a stack adopts as they are (policyKeys/adopted/component.ts).
//
// The rules (https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview#key-rollover):
// among keys whose nbf has passed and whose exp has not, the one with the latest nbf is active;
// when it expires, the next valid key takes over; with no valid key, sign-in fails at run time.
// A key without nbf but with a future exp is valid (AADB2C90019, "no valid key", is the answer only
// when none is). Only enabled keys count: a key's `status` is its activation flag, which the same
// page says may start false for an uploaded key ("Key caching"), and which the portal can turn off.
// This module is the one place these rules live (policyKeyActive.ts, the warnings, roll-over and
// `b2c-identity import` all use it).
// Relying parties pick up new signing keys from the policy's metadata (JWKS), which they may
// cache for up to a day (https://learn.microsoft.com/azure/active-directory-b2c/tokens-overview);
// so a rolled-over key is added a day before it starts signing, while the old key stays valid:
// both are published during the overlap and no token is signed by a key a relying party can't see.

/** The expiry settings every keyset a stack makes takes, whatever its caller names them. */
export interface KeyExpiryInput {
  /** Warn when the active key expires within this many days (PolicyKey, presets, B2CSocialSignIn, b2c:socialSignIn.expiryWarningDays). */
  expiryWarningDays?: unknown;
  /** Roll a generated key over this many days before expiry (generate.rotateBeforeExpiryDays, the token presets' rotateBeforeExpiryDays, B2CSocialSignIn's tokenKeysRotateBeforeExpiryDays, b2c:socialSignIn.keySets[i].rotateBeforeExpiryDays). */
  rotateBeforeExpiryDays?: unknown;
}

const wholeDays: ArgumentRule = (value) =>
  value === undefined || value === null || (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 3650)
    ? []
    : [`must be a whole number of days between 1 and 3650, got ${JSON.stringify(value)}`];

/** One rule per expiry setting: the only place a number of days is judged (domain/keyExpiry.ts validateExpirySettings uses it). */
export const KEY_EXPIRY_RULES: ArgumentRules<KeyExpiryInput> = { expiryWarningDays: wholeDays, rotateBeforeExpiryDays: wholeDays };


/** Days before an active key's expiry from which preview and up warn. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
/** How long a rolled-over key is published before it becomes active (relying parties refresh metadata at least daily). */
export const ROLLOVER_PUBLISH_AHEAD_SECONDS = 24 * 3600;
/** Lifetime of a rolled-over key when the old key's lifetime is unknown (it had no nbf). */
export const DEFAULT_ROLLOVER_LIFETIME_SECONDS = 365 * 24 * 3600;

const DAY = 24 * 3600;

/** A key as Graph lists it (seconds). */
export interface ExpiryKey {
  /** The key's id. */
  kid: string;
  /** Not before: when the key becomes valid (Unix seconds). */
  nbf?: number;
  /** Expiry (Unix seconds). */
  exp?: number;
  /** "enabled" or "disabled" as Graph lists it; only enabled keys are used. */
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

/** Whether a key can be used at all: its `status` is absent (state from before it was kept) or "enabled". */
export function isEnabledKey(key: { status?: string }): boolean {
  return key.status === undefined || key.status === null || String(key.status).toLowerCase() === "enabled";
}

/** The enabled keys, in the order given: the only ones the rules below look at. */
export function enabledKeys<K extends { status?: string }>(keys: readonly K[]): K[] {
  return keys.filter(isEnabledKey);
}

/**
 * The key B2C uses at `now` (documented rules above): among enabled keys, the valid key with the
 * latest nbf, else the last valid key without nbf (with or without exp), else none.
 * `activeKeyId` from Graph wins when given and present.
 */
export function activeKey(keys: readonly ExpiryKey[], now: number = nowSeconds(), activeKeyId?: string): ExpiryKey | undefined {
  if (activeKeyId) {
    const named = keys.find((k) => k.kid === activeKeyId);
    if (named) return named;
  }
  keys = enabledKeys(keys);
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
  keys = enabledKeys(keys);
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
    const disabled = keys.length - enabledKeys(keys).length;
    return (
      `Policy key ${keySetId} has no valid key: every ${disabled > 0 ? "enabled " : ""}key has expired or is not active yet` +
      `${disabled > 0 ? ` (${disabled} key${disabled === 1 ? " is" : "s are"} disabled)` : ""}, so B2C fails every policy that uses it. ` +
      `Add a key (a new secret, certificate, or rotationTrigger)${disabled > 0 ? " or enable a key in the portal (Identity Experience Framework > Policy keys)" : ""} now.`
    );
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

/**
 * The loud warning for a keyset whose newest key is not enabled (an upload whose activation flag
 * started false, or a key turned off in the portal): B2C keeps using the older key, or none.
 * undefined when the newest key is enabled.
 */
export function disabledKeyWarning(keySetId: string, keys: readonly ExpiryKey[]): string | undefined {
  const newest = keys[keys.length - 1];
  if (!newest || isEnabledKey(newest)) return undefined;
  return (
    `Policy key ${keySetId}: its newest key ${newest.kid} is ${newest.status ?? "not enabled"}, so B2C does not use it ` +
    `(uploaded keys may start with their activation flag off: https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview). ` +
    `Enable it in the Azure portal (Azure AD B2C > Identity Experience Framework > Policy keys > ${keySetId}), then run \`pulumi refresh\`.`
  );
}

/** Whether a generated keyset is inside its roll-over window: its enabled keys (successors included) run out within `days`. */
export function rotationDue(keys: readonly ExpiryKey[], days: number | undefined, now: number = nowSeconds()): boolean {
  if (days === undefined || enabledKeys(keys).length === 0) return false;
  const until = validUntil(keys, now);
  if (until === undefined) return false;
  return until === null || until - now <= days * DAY;
}

/** exp - nbf of a key, when both are known and in order. */
export function keyLifetime(key: ExpiryKey | undefined): number | undefined {
  return key?.nbf !== undefined && key.exp !== undefined && key.exp > key.nbf ? key.exp - key.nbf : undefined;
}

/**
 * Dates of the key a roll-over adds: published a day ahead (nbf) while the old key still serves,
 * or at once when the old key runs out sooner; valid as long as the old key was (exp - nbf), or
 * a year when that is unknown. With `rotateBeforeDays`, it outlives the roll-over window by at
 * least a day, so the next `up` does not find it due again (at most one roll-over per lifetime).
 */
export function rotationKeyDates(keys: readonly ExpiryKey[], now: number = nowSeconds(), rotateBeforeDays?: number): { nbf: number; exp: number } {
  const current = activeKey(keys, now);
  const until = validUntil(keys, now);
  const floor = rotateBeforeDays !== undefined ? rotateBeforeDays * DAY + ROLLOVER_PUBLISH_AHEAD_SECONDS + DAY : 0;
  const lifetime = Math.max(keyLifetime(current) ?? DEFAULT_ROLLOVER_LIFETIME_SECONDS, floor);
  const ahead = typeof until === "number" && until - now > ROLLOVER_PUBLISH_AHEAD_SECONDS + 3600 ? ROLLOVER_PUBLISH_AHEAD_SECONDS : 0;
  const nbf = now + ahead;
  return { nbf, exp: nbf + lifetime };
}

/**
 * generate.rotateBeforeExpiryDays must be shorter than the key's lifetime: a window at least as
 * long as the key lives makes every new key due at once, i.e. a key added on every `up` (and keys
 * can never be removed from a keyset). The lifetime is the declared one (notBefore..expiresOn, or
 * now..expiresOn for a key about to be created) or, for a keyset in state, its active key's.
 */
export function rotationWindowProblems(
  generate: { notBefore?: unknown; expiresOn?: unknown; rotateBeforeExpiryDays?: unknown } | undefined,
  options: { creating: boolean; keys?: readonly ExpiryKey[]; now?: number },
): InputProblem[] {
  const days = generate?.rotateBeforeExpiryDays;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 1) return [];
  const now = options.now ?? nowSeconds();
  const nbf = toSeconds(generate?.notBefore);
  const exp = toSeconds(generate?.expiresOn);
  let lifetime: number | undefined;
  let from = "";
  if (exp !== undefined && (nbf !== undefined || options.creating)) {
    lifetime = exp - (nbf ?? now);
    from = nbf !== undefined ? "generate.notBefore to generate.expiresOn" : "now to generate.expiresOn";
  } else if (options.keys) {
    lifetime = keyLifetime(activeKey(options.keys, now));
    from = "the keyset's active key";
  }
  if (lifetime === undefined || lifetime <= 0 || days * DAY < lifetime) return [];
  return [
    {
      argument: "generate.rotateBeforeExpiryDays",
      reason:
        `(${days} days) must be shorter than the key's lifetime (${Math.floor(lifetime / DAY)} days, ${from}): otherwise every new key is due at once ` +
        `and each \`up\` adds another (keys can't be removed from a keyset). Give fewer days, or a later expiresOn`,
    },
  ];
}

function toSeconds(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  const s = toUnixSeconds(value);
  return s === "invalid" ? undefined : s;
}

/**
 * Whether an input problem is only "expiresOn is in the past" for a date that no key is about to be
 * made with: a keyset in state keeps its declared dates after its first key (a roll-over key, a
 * rotation or the expiry warning take it from there), so such a date must not block preview. The
 * component cannot tell whether the keyset exists yet and leaves it to the provider's check.
 */
export function isPastDeclaredExpiry(problem: InputProblem, input: { secret?: unknown; generate?: unknown }, now: number = nowSeconds()): boolean {
  const match = /^(secret|generate)\.expiresOn$/.exec(problem.argument);
  if (!match) return false;
  const spec = input[match[1] as "secret" | "generate"] as { expiresOn?: unknown } | undefined;
  const exp = spec && typeof spec === "object" ? toSeconds(spec.expiresOn) : undefined;
  return exp !== undefined && exp <= now;
}

function checkDays(argument: string, rule: keyof typeof KEY_EXPIRY_RULES, value: unknown, problems: InputProblem[]): void {
  // The setting's rule in policyKeys/rules.ts, named as this argument.
  for (const reason of KEY_EXPIRY_RULES[rule](value, {})) problems.push({ argument, reason });
}

/** Checks expiryWarningDays and generate.rotateBeforeExpiryDays of PolicyKey arguments. */
export function validateExpirySettings(input: { expiryWarningDays?: unknown; generate?: unknown; secret?: unknown; certificate?: unknown; pkcs12?: unknown }): InputProblem[] {
  const problems: InputProblem[] = [];
  checkDays("expiryWarningDays", "expiryWarningDays", input.expiryWarningDays, problems);
  const generate = input.generate as Record<string, unknown> | undefined;
  if (generate && typeof generate === "object") {
    checkDays("generate.rotateBeforeExpiryDays", "rotateBeforeExpiryDays", generate.rotateBeforeExpiryDays, problems);
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
export function rolloverDates(reasons: readonly string[], keys: readonly ExpiryKey[], now: number = nowSeconds(), rotateBeforeDays?: number): { notBefore: number; expiresOn: number } | undefined {
  if (reasons.length !== 1 || reasons[0] !== "generate.rotateBeforeExpiryDays") return undefined;
  const { nbf, exp } = rotationKeyDates(keys, now, rotateBeforeDays);
  return { notBefore: nbf, expiresOn: exp };
}
