// Requests in flight over time (bench/inFlight.ts), as `npm run bench` reports them for the 50 ms
// `up`: hand-made request logs whose answers are known, and a property test against counting the
// requests in flight at every millisecond.
import fc from "fast-check";
import type { RequestLogEntry } from "../../emulator";
import { inFlight, intervalsOf, sparkline } from "../../bench/inFlight";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const entry = (start: number, end: number, kind: RequestLogEntry["kind"] = "graph"): RequestLogEntry => ({
  seq: 0,
  time: new Date(T0 + end).toISOString(),
  method: "GET",
  path: "/v1.0/x",
  status: 200,
  durationMs: end - start,
  kind,
});

describe("requests in flight", () => {
  test("each entry is in flight from its answer's time minus its duration; the control API is left out", () => {
    expect(intervalsOf([entry(10, 60), entry(0, 5, "token"), entry(0, 100, "control")])).toEqual([
      { start: T0 + 10, end: T0 + 60 },
      { start: T0 + 0, end: T0 + 5 },
    ]);
  });

  test("one after the other: one in flight all along, and the gaps between them idle", () => {
    const stats = inFlight(intervalsOf([entry(0, 50), entry(60, 110), entry(110, 160)]));
    expect(stats).toMatchObject({ requests: 3, windowMs: 160, max: 1, singleMs: 150, idleMs: 10, longestSingleMs: 100 });
    expect(stats.mean).toBeCloseTo(150 / 160, 10);
  });

  test("overlapping requests: the mean is the time-weighted count, the max the peak", () => {
    // 0-100 one; 20-80 a second; 40-60 a third: counts 1,2,3,2,1 over 20 ms each.
    const stats = inFlight(intervalsOf([entry(0, 100), entry(20, 80), entry(40, 60)]));
    expect(stats).toMatchObject({ windowMs: 100, max: 3, singleMs: 40, idleMs: 0, longestSingleMs: 20 });
    expect(stats.mean).toBeCloseTo((20 + 40 + 60 + 40 + 20) / 100, 10);
  });

  test("the timeline spreads the count over its buckets", () => {
    const stats = inFlight(intervalsOf([entry(0, 100), entry(0, 50)]), 50);
    expect(stats.timeline).toEqual([2, 1]);
    expect(sparkline([0, 0.4, 2, 12])).toBe(".12+");
  });

  test("no requests", () => {
    expect(inFlight([])).toMatchObject({ requests: 0, windowMs: 0, mean: 0, max: 0 });
  });

  test("agrees with counting at every millisecond", () => {
    const intervals = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 60 })).map(([start, length]) => ({ start, end: start + length })),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(intervals, (list) => {
        const stats = inFlight(list.map((i) => ({ start: T0 + i.start, end: T0 + i.end })));
        const first = Math.min(...list.map((i) => i.start));
        const last = Math.max(...list.map((i) => i.end));
        const counts: number[] = [];
        for (let t = first; t < last; t++) counts.push(list.filter((i) => i.start <= t && t < i.end).length);
        let longest = 0;
        for (let run = 0, k = 0; k < counts.length; k++) longest = Math.max(longest, (run = counts[k] === 1 ? run + 1 : 0));
        expect(stats.windowMs).toBe(last - first);
        expect(stats.max).toBe(Math.max(...counts));
        expect(stats.mean).toBeCloseTo(counts.reduce((a, b) => a + b, 0) / counts.length, 9);
        expect(stats.singleMs).toBe(counts.filter((c) => c === 1).length);
        expect(stats.idleMs).toBe(counts.filter((c) => c === 0).length);
        expect(stats.longestSingleMs).toBe(longest);
        expect(stats.timeline.reduce((a, b) => a + b, 0) * stats.bucketMs).toBeCloseTo(counts.reduce((a, b) => a + b, 0), 6);
      }),
      { numRuns: 300 },
    );
  });
});
