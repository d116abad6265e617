import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

/**
 * B2C error codes that mean "try again": the service's transient internal error, its own throttling
 * codes and its concurrent-write guard (graph-b2c-api.md §1.4, §1.5).
 */
// Arrays, not Sets: the closure serializer cannot rebuild a Set captured at module scope.
export const RETRYABLE_B2C_CODES: readonly string[] = ["AADB2C90063", "AADB2C90229", "AADB2C90244", "AADB2C95043", "AADB2C95053"];

/** Statuses the Graph client's own RetryHandler already retries (honouring Retry-After). */
const LIBRARY_RETRIED_STATUSES: readonly number[] = [429, 503, 504];

export interface B2CRetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** First back-off, seconds; doubles each attempt, with jitter. */
  baseDelaySeconds: number;
  /** Longest single wait, seconds. */
  maxDelaySeconds: number;
  /** Upper bound on the total time spent waiting for one request, seconds. */
  maxTotalWaitSeconds: number;
}

export const DEFAULT_B2C_RETRY_POLICY: B2CRetryPolicy = {
  maxRetries: 5,
  baseDelaySeconds: 0.5,
  maxDelaySeconds: 8,
  maxTotalWaitSeconds: 60,
};

/** Per-request record of what the retry handler did, read back by the caller. */
export class RetryRecord {
  attempts = 0;
  /** A connection failed after the request may have reached the service. */
  retriedAfterNetworkError = false;
  /** false: a dropped connection is not retried here; the caller checks what landed (see GraphCall). */
  resendAfterNetworkError = true;
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

/**
 * What the library's RetryHandler lacks: retries on B2C's transient codes (which arrive as 4xx/5xx
 * bodies, not as 429/503/504) and on dropped connections, with a bounded total wait.
 * Sits in front of the library's RetryHandler, which keeps handling 429/503/504 and Retry-After.
 */
export class B2CRetryHandler implements Middleware {
  private nextMiddleware?: Middleware;

  constructor(private readonly policy: B2CRetryPolicy = DEFAULT_B2C_RETRY_POLICY) {}

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }

  async execute(context: Context): Promise<void> {
    const record = context.middlewareControl?.getMiddlewareOptions(RetryRecord) as RetryRecord | undefined;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      if (record) record.attempts = attempt + 1;
      let delay: number | undefined;
      try {
        await this.nextMiddleware!.execute(context);
        const response = context.response;
        if (response && !response.ok && !LIBRARY_RETRIED_STATUSES.includes(response.status)) {
          const code = await errorCodeOf(response);
          if (code && RETRYABLE_B2C_CODES.includes(code)) {
            delay = parseRetryAfter(response.headers.get("Retry-After")) ?? backoffSeconds(attempt, this.policy);
          }
        }
        if (delay === undefined) return;
      } catch (error) {
        if (!isNetworkError(error)) throw error;
        if (record && !record.resendAfterNetworkError) throw error;
        if (record) record.retriedAfterNetworkError = true;
        delay = backoffSeconds(attempt, this.policy);
        if (attempt >= this.policy.maxRetries || waited + delay > this.policy.maxTotalWaitSeconds) throw error;
      }
      if (attempt >= this.policy.maxRetries || waited + delay > this.policy.maxTotalWaitSeconds) return;
      waited += delay;
      await new Promise((resolve) => setTimeout(resolve, delay! * 1000));
    }
  }
}

/** fetch's failures to connect or to read an answer (reset, refused, closed), not HTTP errors. */
export function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; cause?: { code?: string } } | undefined;
  if (!e) return false;
  const code = e.cause?.code ?? "";
  return (
    (e.name === "TypeError" && /fetch failed|terminated/i.test(e.message ?? "")) ||
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED/.test(code) ||
    /socket hang up|other side closed/i.test(e.message ?? "")
  );
}
