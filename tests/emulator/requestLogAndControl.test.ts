// Request log (kinds, ids, redacted bodies) and the HTTP control API under /_emulator/.
import type { RunningEmulator } from "../../emulator";
import { emulatorSecretFingerprintMatches } from "../../emulator/runtime";
import { MAX_ENTRIES, MAX_LOGGED_BODY_CHARS } from "../../emulator/requestLog";
import { sha256Hex } from "../../emulator/storeRecords";
import { controlFetch, graphFetch, requestToken, useTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const control = (method: string, path: string, body?: unknown) => controlFetch(emu, method, path, body);

describe("request log", () => {
  test("records method, full path with version and query, status, kind, app, ids and duration", async () => {
    await graphFetch(emu, "GET", "/beta/trustFramework/keySets?$top=5", undefined, { "client-request-id": "trace-me" });
    const graph = emu.requestLog().filter((e) => e.kind === "graph");
    expect(graph).toHaveLength(1);
    expect(graph[0]).toMatchObject({ method: "GET", path: "/beta/trustFramework/keySets?$top=5", status: 200, clientId: emu.clientId, clientRequestId: "trace-me" });
    expect(graph[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(graph[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(graph[0].time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const kinds = new Set(emu.requestLog().map((e) => e.kind));
    expect(kinds.has("token")).toBe(true);
    const seqs = emu.requestLog().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  test("secrets sent in bodies never appear in the log: clientSecret, k, key, password, XML, token form fields", async () => {
    const secrets = ["idp-client-secret-XYZ", "uploaded-k-secret-XYZ", "pfx-password-XYZ", "policy-xml-secret-XYZ", "batch-secret-XYZ", "malformed-secret-XYZ"];
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "WeChat",
      identityProviderType: "WeChat",
      clientId: "wx",
      clientSecret: secrets[0],
    });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "S" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_S/uploadSecret", { use: "sig", k: secrets[1] });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_S/uploadPkcs12", { key: "AAAA", password: secrets[2] });
    await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_P/$value", `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_P"><!-- ${secrets[3]} --></TrustFrameworkPolicy>`);
    await graphFetch(emu, "POST", "/beta/$batch", {
      requests: [{ id: "1", method: "POST", url: "/trustFramework/keySets/B2C_1A_S/uploadSecret", headers: { "content-type": "application/json" }, body: { use: "sig", k: secrets[4] } }],
    });
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", `{"clientSecret":"${secrets[5]}"`, { "content-type": "application/json" });
    await requestToken(emu, { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "https://graph.microsoft.com/.default" });
    const log = emu.requestLog();
    const text = JSON.stringify(log);
    for (const secret of [...secrets, emu.clientSecret]) expect(text).not.toContain(secret);
    const upload = log.find((e) => e.path.endsWith("/uploadSecret") && !e.batchRequestId)!;
    expect(upload.body).toEqual({ use: "sig", k: "[redacted]" });
    const idp = log.find((e) => e.path === "/v1.0/identity/identityProviders" && e.status === 201)!;
    expect(idp.body).toMatchObject({ clientId: "wx", clientSecret: "[redacted]", displayName: "WeChat" });
    expect(log.find((e) => e.path.endsWith("/$value"))!.body).toBe("[redacted]");
    expect(log.find((e) => e.path === "/beta/$batch")!.body).toEqual({
      requests: [{ id: "1", method: "POST", url: "/trustFramework/keySets/B2C_1A_S/uploadSecret", headers: { "content-type": "application/json" }, body: { use: "sig", k: "[redacted]" } }],
    });
    const token = log.find((e) => e.kind === "token")!;
    expect((token.body as Record<string, string>).client_secret).toBe("[redacted]");
    expect((token.body as Record<string, string>).client_id).toBe(emu.clientId);
  });

  test("clearRequestLog empties it; requestLog returns copies", async () => {
    await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    const copy = emu.requestLog();
    copy[0].status = 999;
    expect(emu.requestLog()[0].status).not.toBe(999);
    emu.clearRequestLog();
    expect(emu.requestLog()).toEqual([]);
  });
});

describe("control API over HTTP (per-start control token)", () => {
  test.each([
    ["no token", null],
    ["a wrong token", "not-the-token"],
    ["the Graph client secret", "emulator-client-secret-not-for-production"],
  ])("%s: every endpoint answers 401 and nothing changes", async (_what, token) => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Kept" });
    const calls: [string, string, unknown?][] = [
      ["GET", "/requests"],
      ["DELETE", "/requests"],
      ["GET", "/faults"],
      ["PUT", "/faults", { latencyMs: 50 }],
      ["GET", "/behaviour"],
      ["PUT", "/behaviour", { enforcePermissions: false }],
      ["GET", "/state"],
      ["POST", "/reset"],
      ["GET", "/nope"],
    ];
    for (const [method, path, body] of calls) {
      const res = await controlFetch(emu, method, path, body, token === null ? null : String(token));
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect((await res.json()).error.message).toMatch(/Authorization: Bearer <controlToken>/);
    }
    expect(emu.getFaults().latencyMs).toBe(0);
    expect(emu.getBehaviour().enforcePermissions).toBe(true);
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_Kept"]);
  });

  test("the token is random per start", async () => {
    expect(emu.controlToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const { startTestEmulator } = await import("../helpers/emulator");
    const other = await startTestEmulator();
    try {
      expect(other.controlToken).not.toBe(emu.controlToken);
      expect((await controlFetch(other, "GET", "/faults", undefined, emu.controlToken)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  test("unknown fault fields are refused with 400 naming the field; regular expressions are refused", async () => {
    const cases: [unknown, RegExp][] = [
      [{ latencyMS: 5 }, /unknown field 'faults\.latencyMS'/],
      [{ rules: [{ path: "/keySets", statusCode: 503 }] }, /unknown field 'faults\.rules\[\]\.statusCode'/],
      [{ rateLimit: { enabled: true, perMinute: 3 } }, /unknown field 'faults\.rateLimit\.perMinute'/],
      [{ rules: [{ path: "/keySets/[^/]+/uploadSecret$" }] }, /looks like a regular expression/],
      [{ rules: [{ path: "(a+)+$" }] }, /looks like a regular expression/],
    ];
    for (const [body, message] of cases) {
      const res = await control("PUT", "/faults", body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect(emu.getFaults()).toMatchObject({ rules: [], latencyMs: 0, rateLimit: { enabled: false } });
  });
});

describe("request log bounds", () => {
  test("a large body is logged as a size, not kept", async () => {
    const displayName = "x".repeat(MAX_LOGGED_BODY_CHARS + 100);
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Big", note: displayName });
    const entry = emu.requestLog().find((e) => e.method === "POST" && e.kind === "graph")!;
    expect(entry.body).toMatch(/^\[truncated: \d+ characters\]$/);
  });

  test(`only the latest ${MAX_ENTRIES} entries are kept`, async () => {
    expect(MAX_ENTRIES).toBeLessThanOrEqual(10_000);
    const { RequestLog } = await import("../../emulator/requestLog");
    const log = new RequestLog();
    for (let i = 0; i < MAX_ENTRIES + 10; i++) log.add({ time: "", method: "GET", path: `/${i}`, status: 200, durationMs: 0, kind: "graph" });
    const listed = log.list();
    expect(listed).toHaveLength(MAX_ENTRIES);
    expect(listed[0].path).toBe("/10");
  });
});

describe("control API over HTTP", () => {
  test("GET/DELETE /requests", async () => {
    await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    const listed = await (await control("GET", "/requests")).json();
    expect(listed.some((e: any) => e.path === "/v1.0/identity/identityProviders" && e.status === 200)).toBe(true);
    expect((await control("DELETE", "/requests")).status).toBe(204);
    const after = await (await control("GET", "/requests")).json();
    expect(after.filter((e: any) => e.kind === "graph")).toEqual([]);
  });

  test("GET/PUT /faults drive fault injection", async () => {
    const put = await control("PUT", "/faults", { rules: [{ path: "^/trustFramework/keySets$", status: 503, times: 1 }], latencyMs: 5 });
    expect(put.status).toBe(200);
    expect((await put.json()).rules).toHaveLength(1);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(503);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
    const faults = await (await control("GET", "/faults")).json();
    expect(faults).toMatchObject({ latencyMs: 5, rules: [{ times: 0 }] });
    expect(emu.getFaults().latencyMs).toBe(5);
    expect((await control("PUT", "/faults", { rules: [{ path: "(" }] })).status).toBe(400);
    expect((await control("PUT", "/faults", { rules: [{ path: "/x" }], bogus: 1 })).status).toBe(400);
  });

  test("PUT /behaviour changes switches and rejects unknown ones", async () => {
    const res = await control("PUT", "/behaviour", { duplicateKeySetStatus: 400 });
    expect(res.status).toBe(200);
    expect((await res.json()).duplicateKeySetStatus).toBe(400);
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "X" });
    expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "X" })).status).toBe(400);
    expect((await control("PUT", "/behaviour", { noSuchSwitch: true })).status).toBe(400);
    expect((await control("PUT", "/behaviour", { pageSize: "ten" })).status).toBe(400);
    await control("PUT", "/behaviour", { duplicateKeySetStatus: 409 });
    expect(emu.getBehaviour().duplicateKeySetStatus).toBe(409);
  });

  test("GET /state shows secrets only as salted fingerprints; POST /reset empties the tenant", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "State" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_State/uploadSecret", { use: "sig", k: "state-secret" });
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "QQ",
      identityProviderType: "QQ",
      clientId: "101",
      clientSecret: "qq-state-secret",
    });
    const text = await (await control("GET", "/state")).text();
    const state = JSON.parse(text);
    const snapshot = emu.snapshot();
    expect(state.keySets[0].id).toBe("B2C_1A_State");
    expect(text).not.toContain("state-secret");
    // No unsalted hash either: a SHA-256 of a short secret is looked up in a table.
    expect(text).not.toContain(sha256Hex("state-secret"));
    expect(text).not.toContain(sha256Hex("qq-state-secret"));
    expect(text).not.toMatch(/Sha256/);
    const keyFingerprint = state.keySets[0].keys[0].secretFingerprint;
    const idpFingerprint = state.identityProviders[0].clientSecretFingerprint;
    expect(keyFingerprint).toMatch(/^hmac-sha256:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(emulatorSecretFingerprintMatches("state-secret", keyFingerprint)).toBe(true);
    expect(emulatorSecretFingerprintMatches("state-secreT", keyFingerprint)).toBe(false);
    expect(emulatorSecretFingerprintMatches("qq-state-secret", idpFingerprint)).toBe(true);
    // Everything else is the snapshot.
    expect(state.keySets[0].keys[0]).toMatchObject({ kid: snapshot.keySets[0].keys[0].kid, use: "sig" });
    expect(state.identityProviders[0]).toMatchObject({ id: snapshot.identityProviders[0].id, clientId: "101" });
    expect((await control("POST", "/reset")).status).toBe(204);
    expect(emu.snapshot().keySets).toEqual([]);
  });

  test("unknown control endpoints answer 404 JSON", async () => {
    const res = await control("GET", "/nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NotFound");
  });
});
