// Fault injection, kept apart from the happy path: injected rules, latency, CPIM-style rate limit
// (sliding 60 s window) and the eventual-consistency window. Applies to Graph routes only.
import { injectedFault, tooManyRequests } from "./errorCatalogue";
import type { GraphError } from "./graphErrors";
import type { FaultRule, FaultSettings, RateLimitSettings } from "./types";

/** The real limit's sliding window: one minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200, windowMs: RATE_LIMIT_WINDOW_MS };

/**
 * What an injected rule asks the server to do: drop the connection before handling ("the request
 * never arrived"), run the handler and then drop it ("committed, then the answer was lost"), or answer
 * an error.
 */
export type InjectedFault =
  | { kind: "drop"; rule: FaultRule }
  | { kind: "loseResponse"; rule: FaultRule }
  | { kind: "hang"; rule: FaultRule }
  | { kind: "repeatNextLink"; rule: FaultRule }
  | { kind: "error"; error: GraphError };

/** The fields a fault rule may have; anything else is refused, naming the field. */
export const FAULT_RULE_FIELDS: readonly string[] = [
  "method",
  "path",
  "status",
  "code",
  "retryAfter",
  "retryAfterHeader",
  "message",
  "dropConnection",
  "loseResponse",
  "hang",
  "nextLink",
  "times",
];
/** The fields of a fault settings object. */
export const FAULT_SETTINGS_FIELDS: readonly string[] = ["rules", "latencyMs", "rateLimit", "consistencyWindowMs"];
const RATE_LIMIT_FIELDS: readonly string[] = ["enabled", "perTenantPerMinute", "perAppPerTenantPerMinute", "windowMs"];
/** Characters that meant something in the regular expressions rules used to be; refused so that an old rule fails loudly instead of never matching. */
const PATTERN_CHARACTERS = /[\[\](){}+?|\\]/;

/**
 * Whether a rule's path matches a Graph path: a case-insensitive substring, with an optional
 * leading `^` (starts with) and trailing `$` (ends with). In a pattern anchored at both ends, a `*`
 * segment stands for any one path segment ("^/trustFramework/keySets/*$"). No regular
 * expressions, so a rule can't make matching slow (ReDoS): matching is linear in the path.
 */
export function pathMatches(pattern: string, graphPath: string): boolean {
  const anchoredStart = pattern.startsWith("^");
  const anchoredEnd = pattern.endsWith("$") && pattern.length > (anchoredStart ? 1 : 0);
  const literal = pattern.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined).toLowerCase();
  const path = graphPath.toLowerCase();
  if (literal.split("/").includes("*")) {
    const want = literal.split("/");
    const got = path.split("/");
    return want.length === got.length && want.every((segment, i) => segment === "*" || segment === got[i]);
  }
  if (anchoredStart && anchoredEnd) return path === literal;
  if (anchoredStart) return path.startsWith(literal);
  if (anchoredEnd) return path.endsWith(literal);
  return path.includes(literal);
}

export class FaultInjector {
  private settings: FaultSettings;
  private tenantWindow: number[] = [];
  private readonly appWindows = new Map<string, number[]>();
  /** Objects with a write in flight (for AADB2C95053). */
  private readonly writesInFlight = new Map<string, number>();

  constructor(
    initial: Partial<FaultSettings> = {},
    /** The time of the consistency and rate-limit windows: EmulatorOptions.windowClock. */
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { rules: [], latencyMs: 0, rateLimit: { ...DEFAULT_RATE_LIMIT }, consistencyWindowMs: 0 };
    this.update(initial);
  }

  get(): FaultSettings {
    return {
      rules: this.settings.rules.map((rule) => ({ ...rule })),
      latencyMs: this.settings.latencyMs,
      rateLimit: shownRateLimit(this.settings.rateLimit),
      consistencyWindowMs: this.settings.consistencyWindowMs,
    };
  }

  /** Replaces the given parts (rules wholesale; rateLimit merged, which also restarts its window). */
  update(partial: Partial<FaultSettings>): void {
    if (partial === null || typeof partial !== "object" || Array.isArray(partial)) throw new TypeError("faults must be an object");
    rejectUnknownFields("faults", partial as Record<string, unknown>, FAULT_SETTINGS_FIELDS);
    if (partial.rateLimit !== undefined && partial.rateLimit !== null && typeof partial.rateLimit === "object") {
      rejectUnknownFields("faults.rateLimit", partial.rateLimit as unknown as Record<string, unknown>, RATE_LIMIT_FIELDS);
    }
    if (partial.rules !== undefined) {
      if (!Array.isArray(partial.rules)) throw new TypeError("faults.rules must be an array");
      this.settings.rules = partial.rules.map((rule) => validateRule(rule));
    }
    if (partial.latencyMs !== undefined) this.settings.latencyMs = nonNegative("latencyMs", partial.latencyMs);
    if (partial.consistencyWindowMs !== undefined) {
      this.settings.consistencyWindowMs = nonNegative("consistencyWindowMs", partial.consistencyWindowMs);
    }
    if (partial.rateLimit !== undefined) {
      const merged = { ...this.settings.rateLimit, ...partial.rateLimit };
      this.settings.rateLimit = {
        enabled: Boolean(merged.enabled),
        perTenantPerMinute: nonNegative("rateLimit.perTenantPerMinute", merged.perTenantPerMinute),
        perAppPerTenantPerMinute: nonNegative("rateLimit.perAppPerTenantPerMinute", merged.perAppPerTenantPerMinute),
        windowMs: positive("rateLimit.windowMs", merged.windowMs ?? RATE_LIMIT_WINDOW_MS),
      };
      this.tenantWindow = [];
      this.appWindows.clear();
    }
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  /** First rule matching the request; consumes one of its `times`. */
  matchRule(method: string, graphPath: string, concurrentWriteStatus: number = 409): InjectedFault | undefined {
    for (const rule of this.settings.rules) {
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!pathMatches(rule.path, graphPath)) continue;
      if (rule.times !== undefined) rule.times -= 1;
      if (rule.dropConnection) return { kind: "drop", rule };
      if (rule.loseResponse) return { kind: "loseResponse", rule };
      if (rule.hang) return { kind: "hang", rule };
      if (rule.nextLink) return { kind: "repeatNextLink", rule };
      return { kind: "error", error: injectedError(rule, concurrentWriteStatus) };
    }
    return undefined;
  }

  /** Counts the request against the sliding windows, or returns the 429 to send. */
  checkRateLimit(clientId: string, now = this.now()): GraphError | undefined {
    const limits = this.settings.rateLimit;
    if (!limits.enabled) return undefined;
    const windowMs = limits.windowMs ?? RATE_LIMIT_WINDOW_MS;
    const cutoff = now - windowMs;
    this.tenantWindow = this.tenantWindow.filter((t) => t > cutoff);
    const appWindow = (this.appWindows.get(clientId) ?? []).filter((t) => t > cutoff);
    this.appWindows.set(clientId, appWindow);
    let waitMs = 0;
    let scope = "";
    if (this.tenantWindow.length >= limits.perTenantPerMinute) {
      waitMs = slotFreesIn(this.tenantWindow, limits.perTenantPerMinute, now, windowMs);
      scope = "tenant";
    }
    if (appWindow.length >= limits.perAppPerTenantPerMinute) {
      const appWait = slotFreesIn(appWindow, limits.perAppPerTenantPerMinute, now, windowMs);
      if (appWait >= waitMs) {
        waitMs = appWait;
        scope = "application";
      }
    }
    if (scope) {
      const retryAfter = Math.max(0.001, Math.round(waitMs) / 1000);
      return tooManyRequests(retryAfter, `rateLimit:${scope}`, scope);
    }
    this.tenantWindow.push(now);
    appWindow.push(now);
    return undefined;
  }

  /** When restartConsistencyWindow was last called: objects older than that count as written then. */
  private consistencyWindowRestartedAt = 0;

  /** True while an object created at `createdAt` is still invisible to reads. */
  isInConsistencyWindow(createdAt: number, now = this.now()): boolean {
    const writtenAt = Math.max(createdAt, this.consistencyWindowRestartedAt);
    return this.settings.consistencyWindowMs > 0 && now - writtenAt < this.settings.consistencyWindowMs;
  }

  /**
   * Every existing object answers reads as if it had just been written: a test can then run a
   * refresh inside the window however long the step before it took.
   */
  restartConsistencyWindow(now = this.now()): void {
    this.consistencyWindowRestartedAt = now;
  }

  /** Marks a write on `target` as started; returns true if another write on it was already in flight. */
  beginWrite(target: string): boolean {
    const count = this.writesInFlight.get(target) ?? 0;
    this.writesInFlight.set(target, count + 1);
    return count > 0;
  }

  endWrite(target: string): void {
    const count = (this.writesInFlight.get(target) ?? 1) - 1;
    if (count <= 0) this.writesInFlight.delete(target);
    else this.writesInFlight.set(target, count);
  }
}

function slotFreesIn(window: number[], limit: number, now: number, windowMs: number): number {
  // The request can pass once the window holds limit-1 entries: when entry [length-limit] expires.
  const index = Math.max(0, window.length - limit);
  return window[index] + windowMs - now;
}

/** The rate limit as getFaults() shows it: `windowMs` only when it is not the real minute. */
function shownRateLimit(limits: RateLimitSettings): RateLimitSettings {
  const { windowMs, ...rest } = limits;
  return windowMs === undefined || windowMs === RATE_LIMIT_WINDOW_MS ? { ...rest } : { ...rest, windowMs };
}

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new TypeError(`faults.${name} must be a positive number`);
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`faults.${name} must be a non-negative number`);
  }
  return value;
}

function rejectUnknownFields(where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) throw new TypeError(`unknown field '${where}.${name}'; allowed: ${allowed.join(", ")}`);
  }
}

function validateRule(rule: FaultRule): FaultRule {
  if (!rule || typeof rule !== "object" || Array.isArray(rule)) throw new TypeError("every fault rule must be an object");
  rejectUnknownFields("faults.rules[]", rule as unknown as Record<string, unknown>, FAULT_RULE_FIELDS);
  if (typeof rule.path !== "string" || rule.path === "") throw new TypeError("every fault rule needs a 'path' (a substring of the Graph path, optionally with ^ and $)");
  const inner = rule.path.replace(/^\^/, "").replace(/\$$/, "");
  const wildcard = inner.includes("*");
  const wildcardOk = !wildcard || (rule.path.startsWith("^") && rule.path.endsWith("$") && inner.split("/").every((seg) => seg === "*" || !seg.includes("*")));
  if (PATTERN_CHARACTERS.test(inner) || !wildcardOk) {
    throw new TypeError(
      `faults.rules[].path '${rule.path}' looks like a regular expression; paths are matched as a substring (case-insensitive), ` +
        `with an optional leading ^ and trailing $, e.g. "/uploadSecret$" or "^/trustFramework/keySets$"; a whole segment "*" ` +
        `stands for any one segment in a pattern anchored at both ends, e.g. "^/trustFramework/keySets/*$"`,
    );
  }
  if (rule.method !== undefined && (typeof rule.method !== "string" || !/^[A-Za-z]+$/.test(rule.method))) throw new TypeError("faults.rules[].method must be an HTTP method");
  const endings = (["dropConnection", "loseResponse", "hang", "nextLink"] as const).filter((name) => rule[name] !== undefined && rule[name] !== false);
  if (endings.length > 1) throw new TypeError(`a fault rule can't both ${endings.join(" and ")}: pick one`);
  if (rule.hang !== undefined && typeof rule.hang !== "boolean") throw new TypeError("faults.rules[].hang must be true or false");
  if (rule.nextLink !== undefined && rule.nextLink !== "repeat") throw new TypeError(`faults.rules[].nextLink must be "repeat"`);
  if (rule.retryAfterHeader !== undefined && (typeof rule.retryAfterHeader !== "string" || /[\r\n]/.test(rule.retryAfterHeader))) {
    throw new TypeError("faults.rules[].retryAfterHeader must be a header value (text on one line)");
  }
  if (rule.retryAfterHeader !== undefined && rule.retryAfter !== undefined) throw new TypeError("a fault rule has either retryAfter or retryAfterHeader, not both");
  if (rule.message !== undefined && (rule.message === null || !["string", "object"].includes(typeof rule.message) || Array.isArray(rule.message))) {
    throw new TypeError("faults.rules[].message must be a text or a JSON object");
  }
  if (rule.times !== undefined) nonNegative("rules[].times", rule.times);
  if (rule.retryAfter !== undefined) nonNegative("rules[].retryAfter", rule.retryAfter);
  if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599)) {
    throw new TypeError("faults.rules[].status must be an HTTP status code");
  }
  return { ...rule };
}

/**
 * The error of an injected rule. Status defaults: AADB2C95053 behaviour.concurrentWriteStatus (409), other AADB2C* codes 400
 * (the real status of AADB2C90063 is unconfirmed, probably 400 or 5xx), TooManyRequests 429,
 * otherwise 503. Code defaults by status; texts from the error catalogue.
 */
export function injectedError(rule: FaultRule, concurrentWriteStatus: number = 409): GraphError {
  const status =
    rule.status ??
    (rule.code === "AADB2C95053" ? concurrentWriteStatus : rule.code?.startsWith("AADB2C") ? 400 : rule.code === "TooManyRequests" ? 429 : 503);
  const fault = `injected:${status}${rule.code ? `:${rule.code}` : ""}`;
  const retryAfter = rule.retryAfterHeader ?? (rule.retryAfter === undefined ? undefined : String(rule.retryAfter));
  if (status === 429 && (rule.code === undefined || rule.code === "TooManyRequests") && rule.message === undefined) {
    return tooManyRequests(retryAfter, fault);
  }
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  return injectedFault(status, rule.code ?? defaultCodeForStatus(status), headers, fault, rule.message);
}

function defaultCodeForStatus(status: number): string {
  switch (status) {
    case 503:
      return "serviceNotAvailable";
    case 504:
      return "gatewayTimeout";
    case 500:
      return "generalException";
    case 409:
      return "conflict";
    case 404:
      return "itemNotFound";
    default:
      return status >= 500 ? "generalException" : "BadRequest";
  }
}
