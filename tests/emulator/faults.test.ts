// Checklist 29 (rate limit), 30 (fault injection, AADB2C95053), 31 (consistency window), latency.
import type { RunningEmulator } from "../../emulator";
import { pathMatches } from "../../emulator/faults";
import { skippingClock } from "../helpers/clock";
import { controlFetch, getToken, graphFetch, requestToken, startTestEmulator } from "../helpers/emulator";

const OTHER_APP = { clientId: "second-app", clientSecret: "second-secret", permissions: ["IdentityProvider.ReadWrite.All", "TrustFrameworkKeySet.ReadWrite.All"] };
const NO_FAULTS = { rules: [], latencyMs: 0, consistencyWindowMs: 0, rateLimit: { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200, windowMs: 60_000 } };

// The rate-limit and consistency windows go by this clock (windowClock): a test moves it on past a
// window (clock.sleep) instead of waiting in real time.
const clock = skippingClock();
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    windowClock: clock.now,
    applications: [
      { clientId: "main-app", clientSecret: "main-secret", permissions: ["IdentityProvider.ReadWrite.All", "IdentityUserFlow.ReadWrite.All", "TrustFrameworkKeySet.ReadWrite.All", "Policy.ReadWrite.TrustFramework"] },
      OTHER_APP,
    ],
  });
  await getToken(emu);
  await getToken(emu, OTHER_APP);
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.reset();
  emu.setFaults(NO_FAULTS);
  emu.clearRequestLog();
});

const LIST = "/v1.0/identity/identityProviders";

describe("checklist 30: injected fault rules", () => {
  test("times limits how many matching requests fail; getFaults shows what is left", async () => {
    emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", status: 503, times: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await graphFetch(emu, "GET", LIST)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(emu.requestLog().filter((e) => e.status === 503)).toHaveLength(2);
    expect(emu.getFaults().rules[0].times).toBe(0);
    const log = emu.requestLog().filter((e) => e.kind === "graph");
    expect(log.map((e) => e.fault)).toEqual(["injected:503", "injected:503", undefined]);
  });

  test("method and path (a case-insensitive substring, without version and query) must both match", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/UPLOADSECRET$", code: "AADB2C90063" }] });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "S" });
    const upload = await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_S/uploadSecret?x=1", { use: "sig", k: "v" });
    expect(upload.status).toBe(400);
    expect(upload.body.error).toMatchObject({ code: "AADB2C90063", message: "There is a problem with the service." });
    expect(upload.body.error.innerError.correlationId).toBeDefined();
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets/B2C_1A_S")).status).toBe(200);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(0);
  });

  test("AADB2C90063 keeps a given status; 503 with fractional Retry-After; 504 without", async () => {
    emu.setFaults({
      rules: [
        { path: "^/identity/identityProviders$", code: "AADB2C90063", status: 500, times: 1 },
        { path: "^/identity/identityProviders$", status: 503, code: "serviceNotAvailable", retryAfter: 1.5, times: 1 },
        { path: "^/identity/identityProviders$", status: 504, times: 1 },
      ],
    });
    const a = await graphFetch(emu, "GET", LIST);
    expect([a.status, a.body.error.code]).toEqual([500, "AADB2C90063"]);
    const b = await graphFetch(emu, "GET", LIST);
    expect([b.status, b.body.error.code, b.headers.get("retry-after")]).toEqual([503, "serviceNotAvailable", "1.5"]);
    const c = await graphFetch(emu, "GET", LIST);
    expect([c.status, c.body.error.code, c.headers.get("retry-after")]).toEqual([504, "gatewayTimeout", null]);
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
  });

  test("a 503 without retryAfter sends no Retry-After; an injected AADB2C95053 defaults to 409", async () => {
    emu.setFaults({ rules: [{ path: "identityProviders$", status: 503, times: 1 }, { method: "PATCH", path: "identityProviders/", code: "AADB2C95053", times: 1 }] });
    const unavailable = await graphFetch(emu, "GET", LIST);
    expect([unavailable.status, unavailable.body.error.code, unavailable.headers.get("retry-after")]).toEqual([503, "serviceNotAvailable", null]);
    const concurrent = await graphFetch(emu, "PATCH", `${LIST}/WeChat-OAUTH`, { displayName: "x" });
    expect([concurrent.status, concurrent.body.error.code]).toEqual([409, "AADB2C95053"]);
  });

  test("a forced 429 uses the documented TooManyRequests body", async () => {
    emu.setFaults({ rules: [{ path: "identityProviders", status: 429, retryAfter: 0.25, times: 1 }] });
    const res = await graphFetch(emu, "GET", LIST);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("0.25");
    expect(res.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later.", innerError: { code: "429", status: "429", message: "Please retry after" } });
  });

  test("dropConnection destroys the socket without an answer, then the server serves again", async () => {
    emu.setFaults({ rules: [{ path: "^/identity/identityProviders$", dropConnection: true, times: 1 }] });
    await expect(graphFetch(emu, "GET", LIST)).rejects.toThrow();
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    const dropped = emu.requestLog().find((e) => e.fault === "dropConnection")!;
    expect(dropped.status).toBe(0);
    expect(dropped.path).toBe(LIST);
  });

  test("loseResponse: the request is carried out and saved, then the connection drops without an answer", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "^/trustFramework/keySets$", loseResponse: true, times: 1 }] });
    await expect(graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Landed" })).rejects.toThrow();
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_Landed"]);
    const lost = emu.requestLog().find((e) => e.fault === "loseResponse")!;
    expect([lost.method, lost.path, lost.status]).toEqual(["POST", "/beta/trustFramework/keySets", 201]);
    // The resend meets what the lost attempt made.
    const again = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Landed" });
    expect([again.status, again.body.error.code]).toEqual([409, "AADB2C95028"]);
  });

  test("loseResponse on a request that fails still drops the answer (the error is logged)", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret", loseResponse: true, times: 1 }] });
    await expect(graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_Missing/uploadSecret", { use: "sig", k: "v" })).rejects.toThrow();
    expect(emu.requestLog().find((e) => e.fault === "loseResponse")!.status).toBe(404);
  });

  test("paths match as substrings with optional ^ and $ anchors, never as regular expressions", () => {
    expect(pathMatches("/uploadSecret$", "/trustFramework/keySets/B2C_1A_X/uploadSecret")).toBe(true);
    expect(pathMatches("/uploadsecret", "/trustFramework/keySets/B2C_1A_X/UPLOADSECRET")).toBe(true);
    expect(pathMatches("^/trustFramework/keySets$", "/trustFramework/keySets")).toBe(true);
    expect(pathMatches("^/trustFramework/keySets$", "/trustFramework/keySets/B2C_1A_X")).toBe(false);
    expect(pathMatches("^/trustFramework/keySets", "/trustFramework/keySets/B2C_1A_X")).toBe(true);
    expect(pathMatches("keySets$", "/trustFramework/keySets/B2C_1A_X")).toBe(false);
    expect(pathMatches("/userFlowIdentityProviders/$ref$", "/identity/b2cUserFlows/B2C_1_x/userFlowIdentityProviders/$ref")).toBe(true);
    expect(pathMatches("B2C_1A.X", "/trustFramework/keySets/B2C_1A_X")).toBe(false); // "." is a dot
    expect(pathMatches("^/trustFramework/keySets/*$", "/trustFramework/keySets/B2C_1A_X")).toBe(true);
    expect(pathMatches("^/trustFramework/keySets/*$", "/trustFramework/keySets/B2C_1A_X/uploadSecret")).toBe(false);
    expect(pathMatches("^/identity/b2cUserFlows/*/userFlowIdentityProviders/*/$ref$", "/identity/b2cUserFlows/B2C_1_a/userFlowIdentityProviders/QQ-OAUTH/$ref")).toBe(true);
    expect(() => emu.setFaults({ rules: [{ path: "/keySets/*" }] })).toThrow(/anchored at both ends/);
    expect(() => emu.setFaults({ rules: [{ path: "^/keySets/B2C*$" }] })).toThrow(/regular expression/);
  });

  test("a pathological rule can't stall the server (what a regex ReDoS would do)", async () => {
    emu.setFaults({ rules: [{ path: "a".repeat(2000) + "$", status: 503 }] });
    const res = await graphFetch(emu, "GET", `${LIST}?x=${"a".repeat(5000)}`);
    expect(res.status).toBe(200);
    // The server's own time for the request (no network, no client): a backtracking match takes seconds.
    expect(emu.requestLog().find((e) => e.kind === "graph")!.durationMs).toBeLessThan(1000);
  });

  test("faults never apply to the token endpoint or the control API", async () => {
    emu.setFaults({ rules: [{ path: "/", status: 503 }] });
    const token = await requestToken(emu, { grant_type: "client_credentials", client_id: "main-app", client_secret: "main-secret", scope: "https://graph.microsoft.com/.default" });
    expect(token.status).toBe(200);
    expect((await controlFetch(emu, "GET", "/state")).status).toBe(200);
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(503);
  });

  test("injected rules are checked before authentication (a faulted request needs no valid token)", async () => {
    emu.setFaults({ rules: [{ path: "identityProviders", status: 503, times: 1 }] });
    expect((await graphFetch(emu, "GET", LIST, undefined, { authorization: undefined })).status).toBe(503);
    expect((await graphFetch(emu, "GET", LIST, undefined, { authorization: undefined })).status).toBe(401);
  });

  test("two overlapping writes to the same object: the later one gets 409 AADB2C95053", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Busy" });
    emu.setFaults({ latencyMs: 250 });
    const upload = (k: string) => graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_Busy/uploadSecret", { use: "sig", k });
    const [first, second] = await Promise.all([upload("one"), new Promise((r) => setTimeout(r, 50)).then(() => upload("two"))]);
    expect(first.status).toBe(200);
    expect([second.status, second.body.error.code]).toEqual([409, "AADB2C95053"]);
    expect(emu.snapshot().keySets[0].keys).toHaveLength(1);
    const [other, again] = await Promise.all([graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Elsewhere" }), upload("three")]);
    expect([other.status, again.status]).toEqual([201, 200]);
  });
});

describe("latency", () => {
  test("latencyMs is added to every Graph request, not to token or control requests", async () => {
    emu.setFaults({ latencyMs: 300 });
    let started = Date.now();
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await fetch(`${emu.url}/_emulator/faults`);
    const entry = emu.requestLog().find((e) => e.kind === "graph" && e.path === LIST)!;
    expect(entry.durationMs).toBeGreaterThanOrEqual(290);
    // Measured by the server, so a busy client or a new TLS connection does not count.
    expect(emu.requestLog().find((e) => e.kind === "control")!.durationMs).toBeLessThan(250);
  });
});

describe("checklist 29: rate limit", () => {
  test("per tenant: the (limit+1)th request in the window gets 429 with a fractional Retry-After", async () => {
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 5, perAppPerTenantPerMinute: 100 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graphFetch(emu, "GET", LIST)).status);
    statuses.push((await graphFetch(emu, "GET", LIST, undefined, {}, OTHER_APP)).status);
    const limited = await graphFetch(emu, "GET", LIST, undefined, {}, OTHER_APP);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("TooManyRequests");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+(\.\d+)?$/);
    expect(emu.requestLog().filter((e) => e.status === 429).map((e) => e.fault)).toEqual(["rateLimit:tenant"]);
  });

  test("per app per tenant: one app is limited while another still passes", async () => {
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 100, perAppPerTenantPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(429);
    expect((await graphFetch(emu, "GET", LIST, undefined, {}, OTHER_APP)).status).toBe(200);
  });

  test("defaults when switched on are 300 and 200; off by default", async () => {
    expect(emu.getFaults().rateLimit.enabled).toBe(false);
    emu.setFaults({ rateLimit: { enabled: true } as any });
    expect(emu.getFaults().rateLimit).toEqual({ enabled: true, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200 });
  });

  test("a slot frees after the window: Retry-After tells when", async () => {
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 1, perAppPerTenantPerMinute: 1 } });
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    const first = Number((await graphFetch(emu, "GET", LIST)).headers.get("retry-after"));
    await clock.sleep(300);
    const second = Number((await graphFetch(emu, "GET", LIST)).headers.get("retry-after"));
    expect(first - second).toBeGreaterThan(0.2);
    expect(first - second).toBeLessThan(1.5);
  });

  test("windowMs compresses the limit's minute: Retry-After counts from the short window, a slot frees when it passes", async () => {
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 100, windowMs: 800 } });
    expect(emu.getFaults().rateLimit).toEqual({ enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 100, windowMs: 800 });
    const started = clock.now();
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    const limited = await graphFetch(emu, "GET", LIST);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(0.8);
    // Waiting what Retry-After says is enough: the slot has freed in the short window.
    await clock.sleep(Math.max(0, started + 800 - clock.now()) + 50);
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    expect(emu.requestLog().filter((e) => e.status === 429).map((e) => e.fault)).toEqual(["rateLimit:tenant"]);
  });

  test("windowMs through the control API: kept when rateLimit is merged, refused unless positive, the real minute hidden", async () => {
    const put = (rateLimit: unknown) => controlFetch(emu, "PUT", "/faults", { rateLimit });
    const set = await put({ enabled: true, perTenantPerMinute: 1, windowMs: 5_000 });
    expect(set.status).toBe(200);
    expect((await set.json()).rateLimit).toEqual({ enabled: true, perTenantPerMinute: 1, perAppPerTenantPerMinute: 200, windowMs: 5_000 });
    expect((await graphFetch(emu, "GET", LIST)).status).toBe(200);
    const limited = await graphFetch(emu, "GET", LIST);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(5);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3);
    // Merged: changing the count keeps the window.
    expect((await (await put({ perTenantPerMinute: 2 })).json()).rateLimit.windowMs).toBe(5_000);
    for (const windowMs of [0, -1, "2s"]) {
      const refused = await put({ windowMs });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.message).toContain("rateLimit.windowMs");
    }
    expect((await (await put({ windowMs: 60_000 })).json()).rateLimit).toEqual({ enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 200 });
  });
});

describe("checklist 31: consistency window", () => {
  const WECHAT = { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "WeChat", identityProviderType: "WeChat", clientId: "a", clientSecret: "b" };

  test("freshly created IdPs, keysets, policies and user flows answer 404 on GET until the window passes", async () => {
    emu.setFaults({ consistencyWindowMs: 700 });
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", WECHAT);
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Fresh" });
    await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "fresh", userFlowType: "signIn", userFlowTypeVersion: 3 });
    const policy = `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_Fresh"/>`;
    expect((await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_Fresh/$value", policy)).status).toBe(201);
    const reads = ["/v1.0/identity/identityProviders/WeChat-OAUTH", "/beta/trustFramework/keySets/B2C_1A_Fresh", "/beta/identity/b2cUserFlows/B2C_1_fresh", "/beta/trustFramework/policies/B2C_1A_Fresh/$value"];
    for (const path of reads) {
      const res = await graphFetch(emu, "GET", path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect(emu.requestLog().filter((e) => e.fault === "consistencyWindow")).toHaveLength(4);
    await clock.sleep(750);
    for (const path of reads) expect([path, (await graphFetch(emu, "GET", path)).status]).toEqual([path, 200]);
  });

  test("policy uploads referencing a keyset inside the window fail validation", async () => {
    emu.setFaults({ consistencyWindowMs: 600 });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Signing" });
    const policy = `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_UsesKey"><Key Id="k" StorageReferenceId="B2C_1A_Signing"/></TrustFrameworkPolicy>`;
    const early = await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_UsesKey/$value", policy);
    expect(early.status).toBe(400);
    expect(early.body.error.message).toContain('storageReferenceId "B2C_1A_Signing"');
    await clock.sleep(650);
    expect((await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_UsesKey/$value", policy)).status).toBe(201);
  });

  test("window 0 (default) means read-after-write consistency", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Now" });
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets/B2C_1A_Now")).status).toBe(200);
  });
});

test("setFaults validates its input: no regular expressions, no unknown fields", () => {
  expect(() => emu.setFaults({ rules: [{ path: "(" }] })).toThrow(/regular expression/);
  expect(() => emu.setFaults({ rules: [{ path: "/x", lose: true } as any] })).toThrow(/unknown field 'faults\.rules\[\]\.lose'/);
  expect(() => emu.setFaults({ rules: [{ path: "/x", dropConnection: true, loseResponse: true }] })).toThrow();
  expect(() => emu.setFaults({ latencyMs: -1 })).toThrow();
  expect(emu.getFaults().latencyMs).toBe(0);
});

describe("restartConsistencyWindow", () => {
  let emu: import("../../emulator").RunningEmulator;
  beforeAll(async () => {
    emu = await (await import("../helpers/emulator")).startTestEmulator({ windowClock: clock.now });
  });
  afterAll(() => emu.stop());

  test("objects written before it answer 404 again for the window, then reappear", async () => {
    const { graphFetch } = await import("../helpers/emulator");
    const created = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "QQ", identityProviderType: "QQ", clientId: "101000001", clientSecret: "q",
    });
    expect(created.status).toBe(201);
    emu.setFaults({ consistencyWindowMs: 300 });
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH")).status).toBe(404); // just created
    await clock.sleep(350);
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH")).status).toBe(200);
    emu.restartConsistencyWindow();
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH")).status).toBe(404);
    await clock.sleep(350);
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH")).status).toBe(200);
  });
});
