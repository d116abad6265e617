import { ClientSecretCredential } from "@azure/identity";
import type { RunningEmulator } from "../../emulator";
import { GraphApi, graphApiFromConfig } from "../../graph/client";
import { clearCredentialCache } from "../../graph/credential";
import { isGraphRequestError } from "../../graph/errors";
import { resolveGraphSettings } from "../../graph/settings";
import { startTestEmulator } from "../helpers/emulator";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphCalls, tokenRequests } from "../helpers/requestLog";
import { failureOf } from "../helpers/failures";
import { recordingClock } from "../helpers/clock";

let emu: RunningEmulator;
let config: Record<string, string>;
const api = (extra: Record<string, string> = {}, options: ConstructorParameters<typeof GraphApi>[1] = {}) =>
  graphApiFromConfig({ get: (k) => ({ ...config, ...extra })[k] }, {}, options);
const listIdps = (graph: GraphApi) => graph.list("v1.0", "/identity/identityProviders", "list identity providers");

beforeAll(async () => {
  emu = await startTestEmulator();
  config = emulatorStackConfig(emu);
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.reset();
  emu.setFaults({ rules: [], latencyMs: 0, consistencyWindowMs: 0, rateLimit: { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200 } });
  emu.clearRequestLog();
});


test("the real ClientSecretCredential gets a token from the emulator", async () => {
  const credential = new ClientSecretCredential(emu.tenantDomain, emu.clientId, emu.clientSecret, {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken("https://graph.microsoft.com/.default");
  expect(token.token.length).toBeGreaterThan(10);
  expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  expect(tokenRequests(emu.requestLog()).length).toBe(1);
});

test("a wrong client secret fails with a readable authentication error that hides the secret", async () => {
  const error = await failureOf(listIdps(api({ "b2c:clientSecret": "Wrong-Secret-Value-42" })));
  expect(isGraphRequestError(error)).toBe(true);
  expect(error.message).toMatch(/list identity providers .*authenticationFailed/);
  expect(error.message).not.toContain("Wrong-Secret-Value-42");
  expect(JSON.stringify(error)).not.toContain("Wrong-Secret-Value-42");
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
});

test("one token serves many calls from the same process", async () => {
  // Start from an empty credential cache (as a fresh process does), so the first call must fetch the token.
  clearCredentialCache();
  for (let i = 0; i < 5; i++) await listIdps(api());
  expect(graphCalls(emu.requestLog())).toHaveLength(5);
  expect(tokenRequests(emu.requestLog())).toHaveLength(1);
});

test("a 429 with Retry-After is waited out and then succeeds", async () => {
  await listIdps(api()); // token first, so only Graph timing is measured below
  emu.clearRequestLog();
  emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", status: 429, code: "TooManyRequests", retryAfter: 0.4, times: 1 }] });
  const started = Date.now();
  const result = await listIdps(api());
  expect(result).toEqual([]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([429, 200]);
});

describe("retries are bounded by one time budget, not by a number of attempts", () => {
  test("eight 429s with Retry-After 0.1 s on a create are waited out: one create lands", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "^/trustFramework/keySets$", status: 429, retryAfter: 0.1, times: 8 }] });
    // Waits recorded, not slept (each is at least the 1 s floor: tests/graph/transport.test.ts).
    const created = await api({}, { clock: recordingClock() }).request<{ id: string }>({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id: "Throttled" }, description: "create keyset" });
    expect(created.id).toBe("B2C_1A_Throttled");
    expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([429, 429, 429, 429, 429, 429, 429, 429, 201]);
  });

  test("B2C's transient codes and 503 share the same budget", async () => {
    emu.setFaults({
      rules: [
        { method: "DELETE", path: "/trustFramework/keySets/", code: "AADB2C90063", times: 4 },
        { method: "DELETE", path: "/trustFramework/keySets/", status: 503, retryAfter: 0.05, times: 4 },
      ],
    });
    await api({}, { clock: recordingClock(true) }).requestOrUndefined({ method: "DELETE", version: "beta", path: "/trustFramework/keySets/B2C_1A_Gone", description: "delete keyset" });
    expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([400, 400, 400, 400, 503, 503, 503, 503, 404]);
  }, 30_000);

  test("when the budget is spent the last answer is reported, naming the budget and its config key", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", status: 429, retryAfter: 0.3 }] });
    const clock = recordingClock();
    const error = await failureOf(listIdps(api({ "b2c:retryBudgetSeconds": "3" }, { clock })));
    expect(error.message).toMatch(/HTTP 429 TooManyRequests/);
    expect(error.message).toMatch(/gave up after \d attempt\(s\).*retry budget of 3 s, stack config 'b2c:retryBudgetSeconds'/);
    // Waits of 1 s, then 1-2 s: two or three attempts fit in 3 s, and the waits made stayed inside it.
    const calls = graphCalls(emu.requestLog());
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3000);
  });

  test("a Retry-After longer than the budget fails at once instead of waiting", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", status: 429, retryAfter: 120 }] });
    const started = Date.now();
    const error = await failureOf(listIdps(api()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toMatch(/next wait of 120\.0 s would pass the retry budget of 60 s/);
    expect(graphCalls(emu.requestLog())).toHaveLength(1);
  });

  test("a bad budget is a configuration error naming the key", () => {
    expect(() => resolveGraphSettings({ get: (k) => ({ ...config, "b2c:retryBudgetSeconds": "soon" })[k] }, {})).toThrow(/b2c:retryBudgetSeconds.*'soon'/);
  });
});

test("503 without Retry-After is retried with back-off", async () => {
  emu.setFaults({ rules: [{ path: "^/identity/identityProviders$", status: 503, code: "serviceNotAvailable", times: 1 }] });
  await listIdps(api());
  expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([503, 200]);
});

test("a permanent 400 fails at once with a readable one-line message", async () => {
  const graph = api();
  const error = await failureOf(
    graph.request({
      method: "POST",
      version: "v1.0",
      path: "/identity/identityProviders",
      body: { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "X", identityProviderType: "NotAType", clientId: "a", clientSecret: "Distinctive-Secret-77" },
      description: "create NotAType identity provider",
      secrets: ["Distinctive-Secret-77"],
    }),
  );
  expect(error.message).toMatch(/^create NotAType identity provider \(POST \/v1\.0\/identity\/identityProviders\) failed: HTTP 400 \S+: .+\[request-id [^\]]+\]$/);
  expect(error.message).not.toMatch(/\n|\[object Object\]/);
  expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain("Distinctive-Secret-77");
  expect(graphCalls(emu.requestLog()).filter((e) => e.method === "POST")).toHaveLength(1);
});

// B2C sends its transient code as a 400 or as a 500 body: the code decides, not the status.
test.each([400, 500])("AADB2C90063 (as HTTP %i) is retried until it succeeds", async (status) => {
  const graph = api();
  await graph.request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id: "RetryMe" }, description: "create keyset" });
  emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", code: "AADB2C90063", status, times: 2 }] });
  const key = await graph.request<{ kid: string }>({
    method: "POST",
    version: "beta",
    path: "/trustFramework/keySets/B2C_1A_RetryMe/uploadSecret",
    body: { use: "sig", k: "value-1" },
    description: "upload secret",
  });
  expect(key.kid).toBeTruthy();
  const uploads = graphCalls(emu.requestLog()).filter((e) => e.path.endsWith("/uploadSecret"));
  expect(uploads.map((e) => e.status)).toEqual([status, status, 200]);
  expect(emu.snapshot().keySets.find((k) => k.id === "B2C_1A_RetryMe")!.keys).toHaveLength(1);
});

describe("the 404 window after a create (retryNotFoundForMs, through graph/patience.ts)", () => {
  const read = (graph: GraphApi, retryNotFoundForMs: number) =>
    graph.requestOrUndefined<{ id: string }>({ method: "GET", version: "beta", path: "/trustFramework/keySets/B2C_1A_Fresh", description: "read keyset", retryNotFoundForMs });

  test("an object Graph does not show yet is read again until it appears", async () => {
    const graph = api();
    await graph.request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id: "Fresh" }, description: "create keyset" });
    emu.setFaults({ consistencyWindowMs: 700 });
    emu.clearRequestLog();
    expect((await read(graph, 10_000))?.id).toBe("B2C_1A_Fresh");
    const statuses = graphCalls(emu.requestLog()).map((e) => e.status);
    expect(statuses[statuses.length - 1]).toBe(200);
    expect(statuses.slice(0, -1).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
  });

  test("without a window a 404 is one request, and the answer is 'not there'", async () => {
    const graph = api();
    await graph.request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id: "Fresh" }, description: "create keyset" });
    emu.setFaults({ consistencyWindowMs: 60_000 });
    emu.clearRequestLog();
    expect(await read(graph, 0)).toBeUndefined();
    expect(graphCalls(emu.requestLog()).map((e) => e.status)).toEqual([404]);
  });
});

test("a dropped connection is retried", async () => {
  emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", dropConnection: true, times: 1 }] });
  expect(await listIdps(api())).toEqual([]);
});

test("paging is followed through @odata.nextLink", async () => {
  const graph = api();
  for (const id of ["A", "B", "C", "D", "E"]) {
    await graph.request({ method: "POST", version: "beta", path: "/trustFramework/keySets", body: { id }, description: "create keyset" });
  }
  emu.setBehaviour({ pageSize: 2 });
  emu.clearRequestLog();
  const all = await graph.list<{ id: string }>("beta", "/trustFramework/keySets", "list keysets");
  expect(all.map((k) => k.id).sort()).toEqual(["B2C_1A_A", "B2C_1A_B", "B2C_1A_C", "B2C_1A_D", "B2C_1A_E"]);
  expect(graphCalls(emu.requestLog()).filter((e) => e.method === "GET")).toHaveLength(3);
  emu.setBehaviour({ pageSize: 0 });
});

// Through the whole client (settings, credential, request), so a check that moved later or went
// away would show as a token request or a Graph call in the emulator's log.
test.each([
  ["tenant", "b2c:tenantId"],
  ["client secret", "b2c:clientSecret"],
])("a missing %s names the config key before any call", async (_what, key) => {
  const error = await failureOf(Promise.resolve().then(() => listIdps(api({ [key]: "" }))));
  expect(error.message).toContain(key);
  expect(emu.requestLog()).toHaveLength(0);
});
