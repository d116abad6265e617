// The Graph client's transport under hostile answers (issue 20, item 1 and the encoding half of
// item 4), against the real emulator with the real client and credential. Waits go through an
// injected clock where the test is about the length of a wait (recorded, not slept); the floor is
// also shown once in real time, by the emulator's own request log.
import type { RunningEmulator } from "../../emulator";
import { GraphApi, graphApiFromConfig } from "../../graph/client";
import { isGraphRequestError } from "../../graph/errors";
import { UnsafeGraphPathError, graphPath, graphUrl } from "../../graph/paths";
import { resolveGraphSettings } from "../../graph/settings";
import { recordingClock } from "../helpers/clock";
import { useTestEmulator } from "../helpers/emulator";
import { failureOf } from "../helpers/failures";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphCalls, describeCalls } from "../helpers/requestLog";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const api = (extra: Record<string, string> = {}, options: ConstructorParameters<typeof GraphApi>[1] = {}) => {
  const config: Record<string, string> = { ...emulatorStackConfig(emu), ...extra };
  return graphApiFromConfig({ get: (k) => config[k] }, {}, options);
};
const listIdps = (graph: GraphApi) => graph.list("v1.0", "/identity/identityProviders", "list identity providers");
const IDPS = "^/identity/identityProviders$";

async function createKeySets(graph: GraphApi, ids: string[]): Promise<void> {
  for (const id of ids) await graph.request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id }, description: "create keyset" });
}

describe("every wait is at least the client's back-off (never under 1 s), whatever Retry-After says", () => {
  test.each([
    [429, "0"],
    [429, "-5"],
    [429, "0.001"],
    [429, "Wed, 21 Oct 2015 07:28:00 GMT"],
    [503, "0"],
  ])("HTTP %d with Retry-After %j: three waits of at least 1 s, then the answer", async (status, retryAfterHeader) => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status, retryAfterHeader, times: 3 }] });
    const clock = recordingClock();
    expect(await listIdps(api({}, { clock }))).toEqual([]);
    expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([status, status, status, 200]);
    expect(clock.waits).toHaveLength(3);
    for (const wait of clock.waits) expect(wait).toBeGreaterThanOrEqual(1000);
  });

  test("a Retry-After longer than the back-off is waited in full", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 429, retryAfter: 7, times: 1 }] });
    const clock = recordingClock();
    await listIdps(api({}, { clock }));
    expect(clock.waits).toEqual([7000]);
  });

  test("in real time, as the emulator logs it: after Retry-After 0 the next attempt arrives at least 1 s after the answer left", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 429, retryAfterHeader: "0", times: 1 }] });
    await listIdps(api());
    const [throttled, served] = graphCalls(emu.requestLog());
    expect([throttled.status, served.status]).toEqual([429, 200]);
    // `time` is when an answer left; the request arrived durationMs before. 10 ms covers the log's rounding.
    const gap = Date.parse(served.time) - served.durationMs - Date.parse(throttled.time);
    expect(gap).toBeGreaterThanOrEqual(990);
  });

  test("with the budget spent, the error says Graph kept throttling, after how many attempts, and names the budget's key", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 429, retryAfterHeader: "0" }] });
    const clock = recordingClock();
    const error = await failureOf(listIdps(api({ "b2c:retryBudgetSeconds": "10" }, { clock })));
    expect(error.message).toMatch(/HTTP 429 TooManyRequests/);
    expect(error.message).toMatch(/Graph kept throttling the request \(HTTP 429\): gave up after \d+ attempt\(s\).*retry budget of 10 s, stack config 'b2c:retryBudgetSeconds'/);
    // 1 s, 1-2 s, 2-4 s, 4-8 s: three or four waits fit in 10 s, never the tight loop of the old client.
    expect(graphCalls(emu.requestLog()).length).toBeGreaterThanOrEqual(4);
    expect(graphCalls(emu.requestLog()).length).toBeLessThanOrEqual(5);
  });

  test("a wait that would leave the next attempt under 1 s of the budget is not started", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 429, retryAfter: 2.5, times: 1 }] });
    const clock = recordingClock();
    const error = await failureOf(listIdps(api({ "b2c:retryBudgetSeconds": "3" }, { clock })));
    expect(error.message).toMatch(/gave up after 1 attempt\(s\) in 0\.\d s: the next wait of 2\.5 s would leave less than 1 s of the retry budget of 3 s/);
    expect(clock.waits).toEqual([]);
  });

  test("a budget under the 1 s floor is a configuration error naming the key", () => {
    const config: Record<string, string> = { ...emulatorStackConfig(emu), "b2c:retryBudgetSeconds": "0.5" };
    expect(() => resolveGraphSettings({ get: (k) => config[k] }, {})).toThrow(/b2c:retryBudgetSeconds.*from 1 to 3600.*'0\.5'/);
  });
});

test("headers do not grow between attempts: 600 throttled attempts in a row, then the answer (not HTTP 431)", async () => {
  emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 429, retryAfterHeader: "0", times: 600 }] });
  // A clock that stands still: an endless budget, and no real waiting.
  const clock = recordingClock(true);
  const result = await listIdps(api({}, { clock })).catch((e: Error) => e.message);
  expect(result).toEqual([]);
  const statuses = graphCalls(emu.requestLog()).map((e) => e.status);
  expect(statuses).toHaveLength(601);
  expect(new Set(statuses.slice(0, 600))).toEqual(new Set([429]));
  // One call, one client-request-id, on every attempt.
  expect(new Set(graphCalls(emu.requestLog()).map((e) => e.clientRequestId)).size).toBe(1);
}, 60_000);

describe("every attempt is bounded by what is left of the budget", () => {
  test("a server that accepts the request and never answers: the attempt ends with the budget, with a clear error", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, hang: true }] });
    const error = await failureOf(listIdps(api({ "b2c:retryBudgetSeconds": "2" })));
    expect(isGraphRequestError(error) && error.code).toBe("timeout");
    expect(error.message).toMatch(
      /^list identity providers \(GET \/v1\.0\/identity\/identityProviders\) failed: no HTTP response timeout: no answer within the retry budget of 2 s .*'b2c:retryBudgetSeconds'/,
    );
    // The server's witness: it held the request until the client gave up, within the budget.
    const hung = await loggedHang();
    expect(hung.durationMs).toBeGreaterThanOrEqual(1500);
    expect(hung.durationMs).toBeLessThan(3500);
  }, 20_000);

  test("a hang after a throttled attempt gets only what is left, not a fresh budget", async () => {
    emu.setFaults({
      rules: [
        { method: "GET", path: IDPS, status: 429, retryAfter: 2, times: 1 },
        { method: "GET", path: IDPS, hang: true },
      ],
    });
    const error = await failureOf(listIdps(api({ "b2c:retryBudgetSeconds": "4" })));
    expect(error.message).toMatch(/no answer within the retry budget of 4 s \(attempt 2, /);
    const hung = await loggedHang();
    // About 2 s were left after the 2 s wait; a fresh budget would have held it 4 s.
    expect(hung.durationMs).toBeLessThan(3000);
  }, 20_000);

  test("a write that hangs says its outcome is unknown", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "^/trustFramework/keySets$", hang: true }] });
    const error = await failureOf(
      api({ "b2c:retryBudgetSeconds": "1" }).request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id: "Hung" }, description: "create keyset" }),
    );
    expect(error.message).toMatch(/no answer within the retry budget of 1 s .*the write may or may not have been carried out/);
    await loggedHang();
  }, 20_000);
});

/** The log entry of the hung request: written by the emulator once the client closed the connection. */
async function loggedHang() {
  for (let i = 0; i < 100; i++) {
    const hung = emu.requestLog().find((e) => e.fault === "hang");
    if (hung) return hung;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the client never closed the hung connection: ${describeCalls(emu.requestLog()).join("; ")}`);
}

describe("paging ends", () => {
  test("a repeated @odata.nextLink stops the listing with a clear error", async () => {
    const graph = api();
    await createKeySets(graph, ["A", "B", "C", "D", "E"]);
    emu.setBehaviour({ pageSize: 2 });
    emu.setFaults({ rules: [{ method: "GET", path: "^/trustFramework/keySets$", nextLink: "repeat" }] });
    emu.clearRequestLog();
    try {
      const error = await failureOf(graph.list("beta", "/trustFramework/keySets", "list keysets"));
      expect(isGraphRequestError(error) && error.code).toBe("pagingLoop");
      expect(error.message).toMatch(/^list keysets \(GET \/beta\/trustFramework\/keySets\) failed: pagingLoop: paging stopped after 1 page\(s\): Graph sent an @odata.nextLink it had already sent/);
      expect(graphCalls(emu.requestLog())).toHaveLength(1);
    } finally {
      emu.setBehaviour({ pageSize: 0 });
    }
  }, 20_000);

  test("a nextLink chain longer than the page cap stops the listing", async () => {
    const graph = api({}, { maxPages: 3 });
    await createKeySets(graph, ["A", "B", "C", "D", "E"]);
    emu.setBehaviour({ pageSize: 1 });
    emu.clearRequestLog();
    try {
      const error = await failureOf(graph.list("beta", "/trustFramework/keySets", "list keysets"));
      expect(isGraphRequestError(error) && error.code).toBe("tooManyPages");
      expect(error.message).toMatch(/paging stopped after 3 pages, the most a listing follows/);
      expect(graphCalls(emu.requestLog())).toHaveLength(3);
    } finally {
      emu.setBehaviour({ pageSize: 0 });
    }
  });
});

describe("an error whose message is an object is shown readably", () => {
  test.each([
    ["OData's verbose form", { lang: "en-US", value: "The tenant refused the request." }, "The tenant refused the request."],
    ["another object", { detail: { reason: "quota" } }, '{"detail":{"reason":"quota"}}'],
  ])("%s", async (_name, message, shown) => {
    emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 400, code: "BadRequest", message, times: 1 }] });
    const error = await failureOf(listIdps(api()));
    expect(error.message).toContain(`HTTP 400 BadRequest: ${shown}`);
    expect(error.message).not.toContain("[object Object]");
  });
});

describe("ids reach URLs only as encoded segments (graph/paths.ts)", () => {
  test("graphPath encodes each id as one segment; graphUrl makes the @odata.id", () => {
    expect(graphPath`/identity/b2cUserFlows/${"B2C_1_a b#c?d"}/userFlowIdentityProviders`).toBe("/identity/b2cUserFlows/B2C_1_a%20b%23c%3Fd/userFlowIdentityProviders");
    expect(graphUrl("https://graph.microsoft.com/", "beta", graphPath`/identity/identityProviders/${"WeChat-OAUTH%"}`)).toBe(
      "https://graph.microsoft.com/beta/identity/identityProviders/WeChat-OAUTH%25",
    );
  });

  test.each([".", "..", "a/b", "a\\b", ""])("graphPath refuses the id %j", (id) => {
    expect(() => graphPath`/identity/identityProviders/${id}`).toThrow(UnsafeGraphPathError);
  });

  test.each(["/identity/identityProviders/..", "/identity/identityProviders/.", "/identity/identityProviders/%2e%2E", "/identity/identityProviders/a%2Fb", "/identity/identityProviders/a\\b"])(
    "the client refuses to send %j, before any request",
    async (path) => {
      const error = await failureOf(api().request({ method: "GET", version: "v1.0", path, description: "read identity provider" }));
      expect(error).toBeInstanceOf(UnsafeGraphPathError);
      expect(error.message).toMatch(/refusing to send the Graph path .* is unsafe/);
      expect(emu.requestLog()).toHaveLength(0);
    },
  );
});
