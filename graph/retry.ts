import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { retryWhile } from "./patience";

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
  /** First back-off when the answer gives no Retry-After, seconds; doubles each attempt, with jitter. */
  baseDelaySeconds: number;
  /** Longest single back-off without Retry-After, seconds. */
  maxDelaySeconds: number;
}

export const DEFAULT_RETRY_BUDGET_SECONDS = 60;

export const DEFAULT_B2C_RETRY_POLICY: B2CRetryPolicy = {
  budgetSeconds: DEFAULT_RETRY_BUDGET_SECONDS,
  baseDelaySeconds: 0.5,
  maxDelaySeconds: 8,
};

/** Per-request record of what the retry handler did, read back by the caller. */
export class RetryRecord {
  attempts = 0;
  /** A connection failed after the request may have reached the service. */
  retriedAfterNetworkError = false;
  /** false: a dropped connection or a 504 is not retried here; the caller checks what landed (see GraphCall). */
  resendAfterNetworkError = true;
  /** Set when the handler stopped retrying because the budget would be exceeded: for the error message. */
  gaveUp?: { attempts: number; elapsedSeconds: number; budgetSeconds: number; nextWaitSeconds: number };
}

/** Exponential back-off with "equal jitter": half fixed, half random. */
export function backoffSeconds(attempt: number, policy: B2CRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** attempt);
  return ceiling / 2 + (ceiling / 2) * random();
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

/** How long to wait before retrying this answer, or undefined when it is final. */
export async function retryDelayFor(response: Response, attempt: number, policy: B2CRetryPolicy): Promise<number | undefined> {
  if (response.ok) return undefined;
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  if (RETRYABLE_STATUSES.includes(response.status)) return retryAfter ?? backoffSeconds(attempt, policy);
  const code = await errorCodeOf(response);
  if (code && RETRYABLE_B2C_CODES.includes(code)) return retryAfter ?? backoffSeconds(attempt, policy);
  return undefined;
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

  constructor(private readonly policy: B2CRetryPolicy = DEFAULT_B2C_RETRY_POLICY) {}

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }

  async execute(context: Context): Promise<void> {
    const record = context.middlewareControl?.getMiddlewareOptions(RetryRecord) as RetryRecord | undefined;
    const policy = this.policy;
    await retryWhile(
      async ({ attempt }) => {
        if (record) record.attempts = attempt + 1;
        context.response = undefined;
        await this.nextMiddleware!.execute(context);
        return context.response as Response | undefined;
      },
      {
        windowMs: policy.budgetSeconds * 1000,
        lastWait: "skipped",
        async transient(outcome, attempt) {
          if (outcome.ok) {
            // A 504 is a gateway that gave up waiting: the service may have carried the request out.
            // For a call that must not be sent twice blindly (a key upload), the caller looks first.
            if (record && !record.resendAfterNetworkError && outcome.value?.status === 504) return false;
            const delay = outcome.value ? await retryDelayFor(outcome.value, attempt, policy) : undefined;
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
