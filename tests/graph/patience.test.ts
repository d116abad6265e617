import { backoffMs, GiveUp, LastWait, Outcome, retryWhile } from "../../graph/patience";

// The helper's clock is Date.now and setTimeout: jest's fake timers drive both, so every count and
// time below is exact.
beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

/** Runs `retryWhile` to its end on the fake clock; returns what it settled with and when. */
async function settle<T>(promise: Promise<T>): Promise<{ outcome: Outcome<T>; at: number }> {
  let done: { outcome: Outcome<T>; at: number } | undefined;
  promise.then(
    (value) => (done = { outcome: { ok: true, value }, at: Date.now() }),
    (error) => (done = { outcome: { ok: false, error }, at: Date.now() }),
  );
  for (let i = 0; i < 1000 && !done; i++) await jest.advanceTimersByTimeAsync(10);
  if (!done) throw new Error("retryWhile did not settle within 10 s of fake time");
  return done;
}

/** An attempt that records when it ran and answers from a script (an Error is thrown). */
function scripted<T>(answers: (T | Error)[]) {
  const times: number[] = [];
  const attempt = async () => {
    times.push(Date.now());
    const answer = answers[Math.min(times.length - 1, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { attempt, times };
}

const notYet = new Error("not visible yet");
const fatal = new Error("refused");
const isNotYet = (outcome: Outcome<unknown>) => !outcome.ok && outcome.error === notYet;

test("the default back-off: 250 ms, doubling, at most 2 s", () => {
  expect([0, 1, 2, 3, 4, 5].map(backoffMs)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
});

test("a value that is not transient is returned after one attempt, without waiting", async () => {
  const { attempt, times } = scripted(["ready"]);
  const { outcome, at } = await settle(retryWhile(attempt, { windowMs: 5000, transient: () => false }));
  expect(outcome).toEqual({ ok: true, value: "ready" });
  expect(times).toEqual([0]);
  expect(at).toBe(0);
});

test("an error that is not transient is thrown at once, unchanged", async () => {
  const { attempt, times } = scripted<string>([fatal]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 5000, transient: isNotYet }));
  expect(outcome).toEqual({ ok: false, error: fatal });
  expect(times).toEqual([0]);
});

test("transient errors are retried with the back-off until an answer that is not", async () => {
  const { attempt, times } = scripted([notYet, notYet, notYet, "ready"]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 10_000, transient: isNotYet }));
  expect(outcome).toEqual({ ok: true, value: "ready" });
  expect(times).toEqual([0, 250, 750, 1750]);
});

test("a transient value (not there yet) is retried; when the window is spent the last value is returned", async () => {
  const { attempt, times } = scripted<string[]>([[], [], ["b"]]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 600, transient: (o) => o.ok && !o.value.includes("a") }));
  // 0, 250, then 600 (the last wait shortened to the window's end): still no "a", so ["b"] comes back.
  expect(times).toEqual([0, 250, 600]);
  expect(outcome).toEqual({ ok: true, value: ["b"] });
});

test("a window of 0 makes exactly one attempt", async () => {
  const { attempt, times } = scripted<string>([notYet]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 0, transient: isNotYet }));
  expect(outcome).toEqual({ ok: false, error: notYet });
  expect(times).toEqual([0]);
});

describe("a wait that would end after the window", () => {
  // Window 1000 ms, waits of 400 ms: attempts at 0, 400 and 800; the wait after 800 would end at 1200.
  const run = (lastWait: LastWait) => {
    const { attempt, times } = scripted<string>([notYet]);
    const giveUps: GiveUp[] = [];
    const promise = retryWhile(attempt, { windowMs: 1000, lastWait, backoff: () => 400, transient: isNotYet, onGiveUp: (g) => giveUps.push(g) });
    return settle(promise).then((result) => ({ ...result, times, giveUps }));
  };

  test("full: is waited out, then one more attempt", async () => {
    const { outcome, times, at, giveUps } = await run("full");
    expect(outcome).toEqual({ ok: false, error: notYet });
    expect(times).toEqual([0, 400, 800, 1200]);
    expect(at).toBe(1200);
    expect(giveUps).toEqual([{ attempts: 4, elapsedMs: 1200, nextWaitMs: 400 }]);
  });

  test("shortened (the default): ends at the window, then one more attempt", async () => {
    const { times, at } = await run("shortened");
    expect(times).toEqual([0, 400, 800, 1000]);
    expect(at).toBe(1000);
  });

  test("skipped: is not started; the last outcome is handed back at once", async () => {
    const { outcome, times, at, giveUps } = await run("skipped");
    expect(outcome).toEqual({ ok: false, error: notYet });
    expect(times).toEqual([0, 400, 800]);
    expect(at).toBe(800);
    expect(giveUps).toEqual([{ attempts: 3, elapsedMs: 800, nextWaitMs: 400 }]);
  });
});

test("a number from transient is the wait (a Retry-After), instead of the back-off", async () => {
  const { attempt, times } = scripted([notYet, notYet, "ready"]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 10_000, transient: (o) => (isNotYet(o) ? 1300 : false) }));
  expect(outcome.ok).toBe(true);
  expect(times).toEqual([0, 1300, 2600]);
});

test("maxRetries bounds the attempts whatever the window; the give-up names no next wait", async () => {
  const { attempt, times } = scripted<string>([notYet]);
  const giveUps: GiveUp[] = [];
  const { outcome } = await settle(
    retryWhile(attempt, { windowMs: Infinity, maxRetries: 2, backoff: (n) => 100 * (n + 1), transient: isNotYet, onGiveUp: (g) => giveUps.push(g) }),
  );
  expect(outcome).toEqual({ ok: false, error: notYet });
  expect(times).toEqual([0, 100, 300]);
  expect(giveUps).toEqual([{ attempts: 3, elapsedMs: 300 }]);
});

test("each attempt is told its number and what is left of the window", async () => {
  const seen: { attempt: number; remainingMs: number }[] = [];
  await settle(
    retryWhile(
      async (info) => {
        seen.push(info);
        throw notYet;
      },
      { windowMs: 700, transient: isNotYet },
    ),
  );
  expect(seen).toEqual([
    { attempt: 0, remainingMs: 700 },
    { attempt: 1, remainingMs: 450 },
    { attempt: 2, remainingMs: 0 },
  ]);
});

test("beforeWait runs before each wait with the outcome given up on, never after the last attempt", async () => {
  const { attempt } = scripted(["a", "b", "c"]);
  const waitedAfter: string[] = [];
  const { outcome } = await settle(
    retryWhile(attempt, { windowMs: 10_000, transient: (o) => o.ok && o.value !== "c", beforeWait: (o) => void waitedAfter.push(o.ok ? o.value : "error") }),
  );
  expect(outcome).toEqual({ ok: true, value: "c" });
  expect(waitedAfter).toEqual(["a", "b"]);
});

test("transient may be asynchronous (e.g. reading an error body)", async () => {
  const { attempt, times } = scripted([notYet, "ready"]);
  const { outcome } = await settle(retryWhile(attempt, { windowMs: 10_000, transient: async (o) => isNotYet(o) }));
  expect(outcome.ok).toBe(true);
  expect(times).toEqual([0, 250]);
});
