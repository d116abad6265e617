import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { Clock, clockInUse, retryWhile } from "./patience";

/**
 * B2C error codes that mean "try again": the service's transient internal error, its own throttling
 * codes and its concurrent-write guard (https://learn.microsoft.com/graph/throttling,
 * https://learn.microsoft.com/azure/active-directory-b2c/error-codes; docs/graph-b2c-api.md §1.4, §1.5).
 */
export const RETRYABLE_B2C_CODES: readonly string[] = ["AADB2C90063", "AADB2C90229", "AADB2C90244", "AADB2C95043", "AADB2C95053"];

/** Statuses that always mean "try again later" (https://learn.microsoft.com/graph/throttling, https://learn.microsoft.com/graph/best-practices-concept#handling-expected-errors). */
export const RETRYABLE_STATUSES: readonly number[] = [429, 503, 504];

/**
 * The one retry policy of the Graph client: retries are bounded by TIME, not by a number of
 * attempts, so a throttled tenant (many short Retry-After answers) and a flaky network (few long
 * waits) both get the same chance to converge.
 */
export interface B2CRetryPolicy {
  /** Time budget for one Graph request and all its retries, seconds (b2c:retryBudgetSeconds). */
  budgetSeconds: number;
  /** First back-off, seconds; doubles each attempt, with jitter. */
  baseDelaySeconds: number;
  /** Longest single back-off, seconds (a longer Retry-After is still honoured). */
  maxDelaySeconds: number;
  /**
   * The floor of every wait, seconds, whatever Retry-After says: a `0`, negative, `0.001` or past-date
   * Retry-After would otherwise turn a throttled request into a tight loop against a tenant that
   * asked us to back off (https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling).
   */
  minDelaySeconds: number;
}

export const DEFAULT_RETRY_BUDGET_SECONDS = 60;

export const DEFAULT_B2C_RETRY_POLICY: B2CRetryPolicy = {
  budgetSeconds: DEFAULT_RETRY_BUDGET_SECONDS,
  baseDelaySeconds: 1,
  maxDelaySeconds: 8,
  minDelaySeconds: 1,
};

/**
 * What an attempt is left at least after a wait: a wait that would leave less of the budget is not
 * started (an attempt with a few ms left would only be cut off, hiding the answer that caused the wait).
 */
export const MIN_ATTEMPT_MS = 1000;

/** The lowest budget a request may have: one wait at the floor. */
export const MIN_RETRY_BUDGET_SECONDS = DEFAULT_B2C_RETRY_POLICY.minDelaySeconds;

/** Per-request record of what the retry handler did, read back by the caller. */
export class RetryRecord {
  attempts = 0;
  /** A connection failed after the request may have reached the service. */
  retriedAfterNetworkError = false;
  /** false: a dropped connection or a 504 is not retried here; the caller checks what landed (see GraphRequest). */
  resendAfterNetworkError = true;
  /** Set when the handler stopped retrying because the budget would be exceeded: for the error message. */
  gaveUp?: { attempts: number; elapsedSeconds: number; budgetSeconds: number; nextWaitSeconds: number };
  /** The budget of the request, seconds, and what each attempt was bounded by (aborted when what was left of the budget ran out). */
  budgetSeconds?: number;
  budgetSignal?: AbortSignal;
  /** When the first attempt started (clock ms). */
  startedAt?: number;
}

/** Exponential back-off with "equal jitter" (half fixed, half random), never under the floor. */
export function backoffSeconds(attempt: number, policy: B2CRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** attempt);
  return Math.max(policy.minDelaySeconds, ceiling / 2 + (ceiling / 2) * random());
}

/** Retry-After in seconds (delta seconds, fractional allowed, or an HTTP date); undefined if absent. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = await response.clone().json();
    return typeof body?.error?.code === "string" ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long to wait before retrying this answer, or undefined when it is final: the longer of
 * Retry-After and our own back-off, so Retry-After can lengthen a wait but never shorten it.
 */
export async function retryDelayFor(response: Response, attempt: number, policy: B2CRetryPolicy, now?: number): Promise<number | undefined> {
  if (response.ok) return undefined;
  const retryable = RETRYABLE_STATUSES.includes(response.status) || RETRYABLE_B2C_CODES.includes((await errorCodeOf(response)) ?? "");
  if (!retryable) return undefined;
  return Math.max(parseRetryAfter(response.headers.get("Retry-After"), now) ?? 0, backoffSeconds(attempt, policy));
}

/**
 * The Graph client's retry layer (graph/client.ts): 429/503/504 and B2C's transient codes (which
 * arrive as 4xx/5xx bodies), honouring Retry-After, and dropped connections, all within one time
 * budget per request (`retryWhile`, graph/patience.ts). A wait that would end past the budget is not
 * started: the last answer (or network error) is handed back at once, with `gaveUp` recorded for
 * the message.
 */
export class B2CRetryHandler implements Middleware {
  private nextMiddleware?: Middleware;

  constructor(
    private readonly policy: B2CRetryPolicy = DEFAULT_B2C_RETRY_POLICY,
    private readonly clock: Clock = clockInUse(),
  ) {}

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }

  async execute(context: Context): Promise<void> {
    const record = context.middlewareControl?.getMiddlewareOptions(RetryRecord) as RetryRecord | undefined;
    const { policy, clock } = this;
    const callerSignal = context.options?.signal ?? undefined;
    if (record) {
      record.budgetSeconds = policy.budgetSeconds;
      record.startedAt = clock.now();
    }
    await retryWhile(
      async ({ attempt, remainingMs }) => {
        if (record) record.attempts = attempt + 1;
        context.response = undefined;
        // Each attempt may take what is left of the budget and no more: a server that accepts the
        // request and never answers (or stalls the body) is cut off when the budget ends. The signal
        // stays on the answer, so reading its body is bounded too.
        const budgetSignal = AbortSignal.timeout(Math.max(1, Math.ceil(remainingMs)));
        if (record) record.budgetSignal = budgetSignal;
        context.options = { ...context.options, signal: callerSignal ? AbortSignal.any([callerSignal, budgetSignal]) : budgetSignal };
        await this.nextMiddleware!.execute(context);
        return context.response as Response | undefined;
      },
      {
        windowMs: policy.budgetSeconds * 1000,
        lastWait: "skipped",
        reserveMs: MIN_ATTEMPT_MS,
        clock,
        async transient(outcome, attempt) {
          if (outcome.ok) {
            // A 504 is a gateway that gave up waiting: the service may have carried the request out.
            // For a call that must not be sent twice blindly (a key upload), the caller looks first.
            if (record && !record.resendAfterNetworkError && outcome.value?.status === 504) return false;
            const delay = outcome.value ? await retryDelayFor(outcome.value, attempt, policy, clock.now()) : undefined;
            return delay === undefined ? false : delay * 1000;
          }
          if (!isNetworkError(outcome.error)) return false;
          if (record && !record.resendAfterNetworkError) return false;
          if (record) record.retriedAfterNetworkError = true;
          return backoffSeconds(attempt, policy) * 1000;
        },
        // The answer is not used: read it so that its connection goes back to the pool.
        beforeWait: async (outcome) => {
          if (outcome.ok) await outcome.value?.arrayBuffer().catch(() => undefined);
        },
        onGiveUp(giveUp) {
          if (record) {
            record.gaveUp = {
              attempts: giveUp.attempts,
              elapsedSeconds: giveUp.elapsedMs / 1000,
              budgetSeconds: policy.budgetSeconds,
              nextWaitSeconds: (giveUp.nextWaitMs ?? 0) / 1000,
            };
          }
        },
      },
    );
  }
}

/** fetch's failures to connect or to read an answer (reset, refused, closed), not HTTP errors. */
export function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; cause?: { code?: string } } | undefined;
  if (!e) return false;
  const code = e.cause?.code ?? "";
  return (
    (e.name === "TypeError" && /fetch failed|terminated/i.test(e.message ?? "")) ||
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT/.test(code) ||
    /socket hang up|other side closed/i.test(e.message ?? "")
  );
}
