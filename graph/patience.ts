// The one place that waits and tries again. Every retry in this package is a call to `retryWhile`:
// the Graph client's throttling and dropped connections (graph/retry.ts), its 404 window after a
// create (graph/client.ts), and the providers' "not visible yet" windows (a keyset, a base policy or
// a user flow this program just made: eventual consistency,
// https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/).
// Callers only say what is transient and how long they may wait; the loop, the back-off and the
// clock are here.

/** What one attempt gave: a value, or the error it threw. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What an attempt is told about where it stands. */
export interface AttemptInfo {
  /** 0 for the first attempt. */
  attempt: number;
  /** What is left of the window, ms (never negative); e.g. for a nested 404 window that must end with this one. */
  remainingMs: number;
}

/** Why and when a transient outcome was given up on (for an error message). */
export interface GiveUp {
  attempts: number;
  elapsedMs: number;
  /** The wait that was not made; undefined when `maxRetries` was spent. */
  nextWaitMs?: number;
}

/**
 * What to do with a wait that would end after the window:
 * - "full": wait all of it, then try once more (a window is a minimum of patience);
 * - "shortened": wait only until the window ends, then try once more;
 * - "skipped": give up at once, handing back the last outcome (a window is a hard budget).
 */
export type LastWait = "full" | "shortened" | "skipped";

export interface Patience<T> {
  /** How long to keep trying, ms from the first attempt. Infinity: bounded by `maxRetries` alone. */
  windowMs: number;
  /**
   * Whether this outcome is worth another attempt. `true` waits the back-off; a number waits that
   * many ms (a Retry-After). Anything else ends the loop: the value is returned, the error thrown.
   */
  transient: (outcome: Outcome<T>, attempt: number) => boolean | number | undefined | Promise<boolean | number | undefined>;
  /** See LastWait; default "shortened". */
  lastWait?: LastWait;
  /** With lastWait "skipped": a wait that would leave the next attempt less than this, ms, is not started either. */
  reserveMs?: number;
  /** At most this many retries, whatever is left of the window. */
  maxRetries?: number;
  /** The wait after attempt n (0-based), ms; default `backoffMs`. */
  backoff?: (attempt: number) => number;
  /** Runs before each wait, e.g. to read an answer that won't be used so its connection is freed. */
  beforeWait?: (outcome: Outcome<T>) => Promise<void> | void;
  /** Told when a transient outcome is handed back because the window or the retries are spent. */
  onGiveUp?: (giveUp: GiveUp) => void;
  /** Where time comes from; default `clockInUse()`. Tests inject one so that waits are recorded instead of slept. */
  clock?: Clock;
}

/** The time source of `retryWhile`: the real one, or a test's. */
export interface Clock {
  /** ms since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  // At least `ms` by the wall clock: libuv timers count from a cached loop time and may fire a
  // little early, and a floor of 1 s must be 1 s as the server sees it.
  async sleep(ms) {
    const end = Date.now() + ms;
    for (let left = ms; left > 0; left = end - Date.now()) await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  },
};

let defaultClock: Clock = REAL_CLOCK;

/** The clock of every wait that is given none (retryWhile, GraphApi and its retry layer): REAL_CLOCK. */
export function clockInUse(): Clock {
  return defaultClock;
}

/**
 * TEST-ONLY: makes `clock` the default of this process's waits (undefined puts REAL_CLOCK back) and
 * returns the one it replaced. In-process tests (tests/helpers/clock.ts `useSkippedWaits`) set a
 * clock whose sleeps are not waited in real time, so a provider's back-off, the 1 s floor and a
 * Retry-After cost the test no time while the retry logic still sees every wait at its full length.
 * Nothing in the package calls it: a deployment always waits in real time.
 */
export function setDefaultClockForTests(clock: Clock | undefined): Clock {
  const previous = defaultClock;
  defaultClock = clock ?? REAL_CLOCK;
  return previous;
}

/** The providers' back-off: 250 ms, doubling, at most 2 s. */
export function backoffMs(attempt: number): number {
  return Math.min(2000, 250 * 2 ** attempt);
}

/**
 * Runs `attempt` until its outcome is not transient, or until the window (or `maxRetries`) is
 * spent; then returns its last value or throws its last error, unchanged.
 */
export async function retryWhile<T>(attempt: (info: AttemptInfo) => Promise<T>, patience: Patience<T>): Promise<T> {
  const clock = patience.clock ?? defaultClock;
  const started = clock.now();
  const deadline = started + patience.windowMs;
  const lastWait = patience.lastWait ?? "shortened";
  for (let n = 0; ; n++) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await attempt({ attempt: n, remainingMs: Math.max(0, deadline - clock.now()) }) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const verdict = await patience.transient(outcome, n);
    if (verdict === true || typeof verdict === "number") {
      let wait = typeof verdict === "number" ? verdict : (patience.backoff ?? backoffMs)(n);
      const now = clock.now();
      const retriesSpent = patience.maxRetries !== undefined && n >= patience.maxRetries;
      const windowSpent = lastWait === "skipped" ? now + wait + (patience.reserveMs ?? 0) > deadline : now >= deadline;
      if (retriesSpent || windowSpent) {
        patience.onGiveUp?.({ attempts: n + 1, elapsedMs: now - started, ...(retriesSpent ? {} : { nextWaitMs: wait }) });
      } else {
        if (lastWait === "shortened") wait = Math.min(wait, deadline - now);
        await patience.beforeWait?.(outcome);
        await clock.sleep(wait);
        continue;
      }
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }
}
