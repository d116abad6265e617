import { Clock, setDefaultClockForTests } from "../../graph/patience";

/**
 * A clock for the Graph client's retry layer whose sleeps are recorded instead of slept: each
 * advances its time by as much, or (`still`) not at all, which makes the retry budget endless.
 */
export function recordingClock(still = false): Clock & { waits: number[] } {
  let now = Date.now();
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    async sleep(ms) {
      waits.push(ms);
      if (!still) now += ms;
    },
  };
}

/** A clock whose waits are skipped, not slept (skippingClock). */
export interface SkippingClock extends Clock {
  /** Every wait asked for, ms, in order. */
  waits: number[];
  /** How far this clock is ahead of the real one, ms. */
  skippedMs(): number;
  /**
   * Runs `action` once this clock has passed `ms` from now: at the end of the first sleep that gets
   * there, before the sleeper goes on (what a real-time setTimeout would do in a test on this clock).
   */
  after(ms: number, action: () => unknown): void;
}

/**
 * A clock on which waiting takes (almost) no real time: real time passes as usual, and a sleep of
 * `ms` moves the clock on to the sleeper's wake-up time after a real pause of 1% of it (at most
 * 20 ms, so shorter waits still wake first). Sleepers that overlap move it to the latest of their
 * wake-up times, not to the sum of their waits, so a request's retry budget is spent as it would be
 * in real time. Time never goes back.
 */
export function skippingClock(): SkippingClock {
  let skipped = 0;
  const waits: number[] = [];
  const timers: { at: number; action: () => unknown }[] = [];
  const now = () => Date.now() + skipped;
  return {
    waits,
    now,
    skippedMs: () => skipped,
    after(ms, action) {
      timers.push({ at: now() + ms, action });
    },
    async sleep(ms) {
      waits.push(ms);
      const wake = now() + ms;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, Math.ceil(ms / 100))));
      skipped = Math.max(skipped, wake - Date.now());
      for (const due of timers.filter((t) => t.at <= now())) {
        timers.splice(timers.indexOf(due), 1);
        await due.action();
      }
    },
  };
}

/**
 * For the whole test file: every wait of the Graph client and the providers (back-off, the 1 s
 * floor, Retry-After, 404 windows) goes by a skipping clock instead of the real one, through the
 * test-only `setDefaultClockForTests` of graph/patience.ts. Give the emulator the same clock's time
 * (`useTestEmulator(set, { windowClock: clock.now })`) so that its consistency and rate-limit windows
 * end when the client has waited them out. The retry logic and every assertion are unchanged: only
 * the real waiting goes. Not for tests that measure real time between requests (tests/graph/transport).
 */
export function useSkippedWaits(): SkippingClock {
  const clock = skippingClock();
  let previous: Clock | undefined;
  beforeAll(() => {
    previous = setDefaultClockForTests(clock);
  });
  afterAll(() => {
    setDefaultClockForTests(previous);
  });
  return clock;
}

/** A time source for the emulator's windows (windowClock) that can be held still. */
export interface HoldableClock {
  now(): number;
  /** From now on, time stands still for the windows until release(). */
  hold(): void;
  /** Time runs again from where it was held (the held span never passes). */
  release(): void;
}

/**
 * Real time for the emulator's windows, except while held: a window that must still be open when a
 * slow step (a CLI starting on a loaded machine) reaches the emulator is held until the step's
 * first request, then runs its full length from there.
 */
export function holdableClock(): HoldableClock {
  let heldAt: number | undefined;
  let lost = 0;
  return {
    now: () => heldAt ?? Date.now() - lost,
    hold() {
      heldAt ??= Date.now() - lost;
    },
    release() {
      if (heldAt === undefined) return;
      lost = Date.now() - heldAt;
      heldAt = undefined;
    },
  };
}
