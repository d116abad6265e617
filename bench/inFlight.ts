// Requests in flight over time, from the emulator's request log: each entry says when its answer
// went out (`time`) and how long the request was in the emulator (`durationMs`), so it was in flight
// from time - durationMs to time. Used by bench/engine.ts for the 50 ms `up`.
import type { RequestLogEntry } from "../emulator";

export interface Interval {
  /** Epoch ms (fractional). */
  start: number;
  end: number;
}

export interface InFlightStats {
  requests: number;
  /** From the first request's start to the last one's end. */
  windowMs: number;
  /** Time-weighted mean number of requests in flight over the window. */
  mean: number;
  max: number;
  /** Time in the window with exactly one request in flight, and with none. */
  singleMs: number;
  idleMs: number;
  /** The longest unbroken stretch with exactly one request in flight. */
  longestSingleMs: number;
  /** Mean in flight per bucket of `bucketMs`, from the window's start: the shape over time. */
  bucketMs: number;
  timeline: number[];
}

/** The interval of each log entry (Graph and token requests; the control API is the bench's own). */
export function intervalsOf(log: readonly RequestLogEntry[]): Interval[] {
  return log
    .filter((e) => e.kind === "graph" || e.kind === "token")
    .map((e) => {
      const end = Date.parse(e.time);
      return { start: end - e.durationMs, end };
    });
}

/** Requests in flight over the window the intervals span (a sweep over their starts and ends). */
export function inFlight(intervals: readonly Interval[], bucketMs = 250): InFlightStats {
  if (intervals.length === 0) return { requests: 0, windowMs: 0, mean: 0, max: 0, singleMs: 0, idleMs: 0, longestSingleMs: 0, bucketMs, timeline: [] };
  // An end and a start at the same instant do not overlap: ends first.
  const events = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const first = events[0].at;
  const last = events[events.length - 1].at;
  const windowMs = last - first;
  const timeline = new Array<number>(Math.max(1, Math.ceil(windowMs / bucketMs))).fill(0);
  let count = 0;
  let max = 0;
  let area = 0;
  let singleMs = 0;
  let idleMs = 0;
  let longestSingleMs = 0;
  let single = 0; // the current stretch with one in flight
  for (let k = 0; k < events.length; k++) {
    count += events[k].delta;
    max = Math.max(max, count);
    const from = events[k].at;
    const to = k + 1 < events.length ? events[k + 1].at : from;
    const span = to - from;
    if (span <= 0) continue; // several events at one instant: only the count after all of them lasts
    area += count * span;
    if (count === 1) singleMs += span;
    if (count === 0) idleMs += span;
    single = count === 1 ? single + span : 0;
    longestSingleMs = Math.max(longestSingleMs, single);
    // Spread this segment's count over the buckets it covers.
    for (let t = from; t < to; ) {
      const b = Math.min(timeline.length - 1, Math.floor((t - first) / bucketMs));
      const bucketEnd = first + (b + 1) * bucketMs;
      const upto = b === timeline.length - 1 ? to : Math.min(to, bucketEnd);
      timeline[b] += (count * (upto - t)) / bucketMs;
      t = upto;
    }
  }
  return { requests: intervals.length, windowMs, mean: windowMs > 0 ? area / windowMs : 0, max, singleMs, idleMs, longestSingleMs, bucketMs, timeline };
}

/** A one-line picture of a timeline: one character per bucket, its mean in flight (0-9, then +). */
export function sparkline(timeline: readonly number[]): string {
  return timeline.map((v) => (v < 0.05 ? "." : v >= 9.5 ? "+" : String(Math.max(1, Math.round(v))))).join("");
}
