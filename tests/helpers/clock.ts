import type { Clock } from "../../graph/patience";

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
