// Checklist 1 (versions), 3 (error envelopes, request ids), 4 (case-insensitive paths and ids),
// 34 (OData headers), and bad input: malformed JSON, wrong types, unknown routes, wrong content types.
import * as https from "https";
import type { RunningEmulator } from "../../emulator";
import { getToken, graphFetch, startTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

const WECHAT = { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "WeChat", identityProviderType: "WeChat", clientId: "wx1", clientSecret: "s3cr3t" };

function expectEnvelope(res: { status: number; body: any; headers: Headers }, status: number, code?: string | RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(["error"]);
  expect(typeof res.body.error.code).toBe("string");
  expect(typeof res.body.error.message).toBe("string");
  expect(res.body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  expect(res.body.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
  expect(res.body.error.innerError["client-request-id"]).toBe(res.headers.get("client-request-id"));
  if (typeof code === "string") expect(res.body.error.code).toBe(code);
  else if (code) expect(res.body.error.code).toMatch(code);
}

describe("checklist 1: versions", () => {
  test("identity providers are served on v1.0 and beta", async () => {
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/beta/identity/identityProviders")).status).toBe(200);
  });
  test.each([
    ["/v1.0/identity/b2cUserFlows", "b2cUserFlows"],
    ["/v1.0/trustFramework/keySets", "trustFramework"],
    ["/v1.0/trustFramework/policies", "trustFramework"],
  ])("%s is beta-only: 400 Resource not found for the segment", async (path, segment) => {
    const res = await graphFetch(emu, "GET", path);
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toBe(`Resource not found for the segment '${segment}'.`);
    expect((await graphFetch(emu, "GET", path.replace("/v1.0/", "/beta/"))).status).toBe(200);
  });
});

describe("checklist 3: error envelopes and request ids", () => {
  test("client-request-id is echoed; request-id is always sent and differs per request", async () => {
    const a = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/Nope-OAUTH", undefined, { "client-request-id": "my-id-123" });
    expectEnvelope(a, 404, "AADB2C90073");
    expect(a.headers.get("client-request-id")).toBe("my-id-123");
    expect(a.body.error.innerError["client-request-id"]).toBe("my-id-123");
    expect(a.body.error.innerError.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const b = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    expect(b.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get("request-id")).not.toBe(a.headers.get("request-id"));
    expect(b.headers.get("client-request-id")).toBe(b.headers.get("request-id"));
  });

  test("B2C errors carry AADB2C codes and correlationId; generic Graph errors do not carry correlationId", async () => {
    const b2c = await graphFetch(emu, "GET", "/beta/trustFramework/keySets/B2C_1A_missing");
    expectEnvelope(b2c, 404, /^AADB2C\d{5}$/);
    expect(b2c.body.error.innerError.correlationId).toBeDefined();
    const generic = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: undefined });
    expectEnvelope(generic, 401, "InvalidAuthenticationToken");
    expect(generic.body.error.innerError.correlationId).toBeUndefined();
  });
});

describe("checklist 4: case-insensitive segments and ids", () => {
  test("path segments match in any case, ids keep their stored casing", async () => {
    const created = await graphFetch(emu, "POST", "/V1.0/IDENTITY/identityproviders", WECHAT);
    expect(created.status).toBe(201);
    expect(created.body.id).toBe("WeChat-OAUTH");
    const got = await graphFetch(emu, "GET", "/beta/Identity/IdentityProviders/wechat-oauth");
    expect(got.status).toBe(200);
    expect(got.body.id).toBe("WeChat-OAUTH");
    await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    const attach = await graphFetch(emu, "POST", "/beta/identity/b2cuserflows/b2c_1_SUSI/userflowIdentityProviders/$ref", {
      "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/WECHAT-oauth`,
    });
    expect(attach.status).toBe(204);
    const list = await graphFetch(emu, "GET", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders");
    expect(list.body.value.map((i: any) => i.id)).toEqual(["WeChat-OAUTH"]);
  });

  test("OData key syntax keySets('id') addresses the same keyset", async () => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "KeyedSet" });
    const got = await graphFetch(emu, "GET", "/beta/trustFramework/keySets('b2c_1a_keyedset')");
    expect(got.status).toBe(200);
    expect(got.body.id).toBe("B2C_1A_KeyedSet");
  });
});

describe("checklist 34: OData headers", () => {
  test("JSON responses carry the OData content type and OData-Version; 204 has no body and no content type", async () => {
    const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    expect(list.headers.get("content-type")).toBe("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
    expect(list.headers.get("odata-version")).toBe("4.0");
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", WECHAT);
    const patched = await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", { displayName: "W" });
    expect(patched.status).toBe(204);
    expect(patched.text).toBe("");
    expect(patched.headers.get("content-type")).toBeNull();
  });
});

describe("bad input always gets a Graph envelope", () => {
  test("malformed JSON -> 400 BadRequest", async () => {
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", '{"displayName": "x", ', { "content-type": "application/json" });
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toMatch(/Unable to read JSON request payload/);
  });

  test("a JSON array or scalar where an object is expected -> 400", async () => {
    for (const text of ["[1,2]", "42", "null"]) {
      const res = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", text, { "content-type": "application/json" });
      expectEnvelope(res, 400, "BadRequest");
    }
  });

  test("wrong property types -> 400 naming the property", async () => {
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", { ...WECHAT, clientId: 12345 });
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toContain("clientId");
    const flow = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "x", userFlowType: "signIn", userFlowTypeVersion: "three" });
    expectEnvelope(flow, 400, "BadRequest");
    expect(flow.body.error.message).toContain("userFlowTypeVersion");
    const secret = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: ["a"] });
    expect(secret.status).toBe(400);
  });

  test("unknown properties -> 400 (OData strict typing)", async () => {
    // (`scope` is documented on create: see tests/emulator/identityProviders.test.ts.)
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", { ...WECHAT, colour: "green" });
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toMatch(/The property 'colour' does not exist/);
  });

  test("unknown routes -> 400 Resource not found for the segment '<name>'", async () => {
    const res = await graphFetch(emu, "GET", "/beta/trustFramework/keySetz");
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toBe("Resource not found for the segment 'keySetz'.");
    const deep = await graphFetch(emu, "GET", "/beta/trustFramework/keySets/B2C_1A_x/frobnicate");
    expect(deep.body.error.message).toBe("Resource not found for the segment 'frobnicate'.");
    const root = await graphFetch(emu, "GET", "/v1.0/me");
    expect(root.body.error.message).toBe("Resource not found for the segment 'me'.");
  });

  test("unsupported methods -> 405", async () => {
    const res = await graphFetch(emu, "PUT", "/v1.0/identity/identityProviders", {});
    expectEnvelope(res, 405, "Request_BadRequest");
  });

  test("wrong content types -> 415 (JSON endpoints and policy upload)", async () => {
    const json = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", '{"id":"x"}', { "content-type": "text/plain" });
    expectEnvelope(json, 415, "UnsupportedMediaType");
    const xml = await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_X/$value", "<TrustFrameworkPolicy/>", { "content-type": "application/octet-stream" });
    expectEnvelope(xml, 415, "UnsupportedMediaType");
  });

  test("an empty body where JSON is required -> 400", async () => {
    const res = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", "", { "content-type": "application/json" });
    expectEnvelope(res, 400, "BadRequest");
  });

  test("a body without any content type -> 415, not a crash", async () => {
    const token = await getToken(emu);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${emu.url}/beta/trustFramework/keySets`);
      const req = https.request(
        { hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { authorization: `Bearer ${token}`, "content-length": "10" } },
        (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on("error", reject);
      req.end('{"id":"x"}');
    });
    expect(status.status).toBe(415);
    expect(JSON.parse(status.body).error.code).toBe("UnsupportedMediaType");
  });

  test("an invalid URL encoding and unknown top-level paths get JSON envelopes, never HTML or stack traces", async () => {
    const bad = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/%E0%A4%A");
    expectEnvelope(bad, 400, "BadRequest");
    const other = await fetch(`${emu.url}/nothing-here`);
    expect(other.status).toBe(404);
    const text = await other.text();
    expect(JSON.parse(text).error.code).toBe("NotFound");
    expect(text).not.toMatch(/<html|at \w+ \(/i);
  });

  test("an oversized body -> 413 envelope", async () => {
    const res = await graphFetch(emu, "POST", "/beta/trustFramework/keySets", "x".repeat(33 * 1024 * 1024), { "content-type": "application/json" });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("RequestEntityTooLarge");
  });

  test("the server keeps serving after all of the above", async () => {
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
  });
});

// https://learn.microsoft.com/graph/query-parameters: $filter and $select are applied, or refused with
// 400; never silently ignored (a client must not believe a filter worked when it did not).
describe("query options: $filter and $select applied or refused", () => {
  const QQ = { ...WECHAT, displayName: "QQ", identityProviderType: "QQ", clientId: "qq1" };
  beforeEach(async () => {
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", WECHAT);
    await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", QQ);
  });

  test("$filter eq / ne / startswith, with and / or, on lists", async () => {
    const ids = async (filter: string) =>
      (await graphFetch(emu, "GET", `/v1.0/identity/identityProviders?$filter=${encodeURIComponent(filter)}`)).body.value.map((i: any) => i.id);
    expect(await ids("identityProviderType eq 'WeChat'")).toEqual(["WeChat-OAUTH"]);
    expect(await ids("identityProviderType eq 'wechat'")).toEqual(["WeChat-OAUTH"]);
    expect(await ids("identityProviderType ne 'WeChat'")).toEqual(["QQ-OAUTH"]);
    expect(await ids("startswith(displayName,'Q')")).toEqual(["QQ-OAUTH"]);
    expect(await ids("identityProviderType eq 'WeChat' or clientId eq 'qq1'")).toEqual(["WeChat-OAUTH", "QQ-OAUTH"]);
    expect(await ids("identityProviderType eq 'WeChat' and clientId eq 'qq1'")).toEqual([]);
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "QQSecret" });
    const sets = await graphFetch(emu, "GET", `/beta/trustFramework/keySets?$filter=${encodeURIComponent("id eq 'B2C_1A_QQSecret'")}`);
    expect(sets.body.value.map((s: any) => s.id)).toEqual(["B2C_1A_QQSecret"]);
  });

  test("$select on lists and single resources keeps the named properties (and @odata.type)", async () => {
    const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders?$select=id,displayName");
    expect(list.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.socialIdentityProvider", id: "WeChat-OAUTH", displayName: "WeChat" },
      { "@odata.type": "#microsoft.graph.socialIdentityProvider", id: "QQ-OAUTH", displayName: "QQ" },
    ]);
    const one = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH?$select=clientId");
    expect(one.body).toEqual({ "@odata.context": expect.any(String), "@odata.type": "#microsoft.graph.socialIdentityProvider", clientId: "qq1" });
    await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signIn", userFlowTypeVersion: 3 });
    const flow = await graphFetch(emu, "GET", "/beta/identity/b2cUserFlows/B2C_1_susi?$select=id,userFlowType");
    expect(flow.body).toEqual({ "@odata.context": expect.any(String), id: "B2C_1_susi", userFlowType: "signIn" });
  });

  test.each([
    ["an unknown property in $filter", "$filter=colour eq 'blue'"],
    ["an unsupported operator", "$filter=clientId gt 'a'"],
    ["an unsupported function", "$filter=contains(displayName,'Q')"],
    ["a lambda", "$filter=keys/any(k:k/use eq 'sig')"],
    ["an unknown property in $select", "$select=id,colour"],
    ["$orderby", "$orderby=displayName"],
    ["$search", '$search="displayName:Q"'],
    ["$count", "$count=true"],
  ])("%s -> 400", async (_name, query) => {
    const res = await graphFetch(emu, "GET", `/v1.0/identity/identityProviders?${query}`);
    expectEnvelope(res, 400, "BadRequest");
  });

  test("$filter on a single resource -> 400", async () => {
    expectEnvelope(await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/QQ-OAUTH?$filter=id eq 'x'"), 400, "BadRequest");
  });

  test("paging keeps the filter: every page is filtered", async () => {
    for (const type of ["GitHub", "Google", "Amazon"]) {
      await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", { ...WECHAT, displayName: type, identityProviderType: type });
    }
    const first = await graphFetch(emu, "GET", `/v1.0/identity/identityProviders?$top=1&$filter=${encodeURIComponent("startswith(displayName,'G')")}`);
    expect(first.body.value.map((i: any) => i.id)).toEqual(["GitHub-OAUTH"]);
    const next = await graphFetch(emu, "GET", first.body["@odata.nextLink"].slice(emu.graphEndpoint.length));
    expect(next.body.value.map((i: any) => i.id)).toEqual(["Google-OAUTH"]);
    expect(next.body["@odata.nextLink"]).toBeUndefined();
  });
});

// AADB2C texts as Microsoft's error-code catalogue has them
// (https://learn.microsoft.com/azure/active-directory-b2c/error-codes); {n} stands for a value.
describe("AADB2C message texts from the error-code catalogue", () => {
  const CATALOGUE: Record<string, string> = {
    AADB2C90019: "The key container with id '{0}' in tenant '{1}' does not has a valid key. Reason: {2}.",
    AADB2C90073: "{0} with '{1}': '{2}' cannot be found in the directory '{3}'.",
    AADB2C90113: "The uploaded XML has an error on line {0} col {1} : {2}.",
    AADB2C90179: "The presented X509 certificate '{0}' in tenant '{1}' is not a valid X.509 certificate: '{2}'",
    AADB2C90214: "The expiry date for the key container in tenant '{0}' with storageReferenceId '{1}' is in the past. Passed date :'{2}'.",
    AADB2C90215: "The uploaded key is badly formatted. Reason: '{0}'.",
    AADB2C90229: "Your request is throttled temporarily. Please retry after the time specified in the additional information of the error message.",
    AADB2C90253: "The trustframework keyset parameter '{0}' is missing",
    AADB2C95028: "Can't create trustframework key set with name '{0}' because it already exists.",
    AADB2C95029: "The trustframework keyset parameter K is not base64 URL encoded.",
    AADB2C95030: "Missing kty parameter for the trustframework key.",
    AADB2C95031: "Bad kty parameter '{0}' for the trustframework key. Must be RSA or oct.",
    AADB2C95032: "One can't mix RSA and Oct types in one key set.",
    AADB2C95033: "Bad use parameter '{0}' for the trustframework key.",
    AADB2C95034: "The presented TrustFrameworkKey entity is of the wrong format",
    AADB2C95037: "The presented TrustFrameworkKey entity is missing kty.",
    AADB2C95039: "The presented TrustFrameworkKey RSA entity is missing or the modulus or exponent.",
    AADB2C95042: "One can't mix signature and encryption usage in one key set.",
    AADB2C95052: "The trustframework key set with id '{0}' in tenant '{1}' is not created. Please use 'Create api' to create the key set first.",
    AADB2C95059: "One of the keys in the payload has 'kid' which is not empty.",
    AADB2C99009: "Put operation not supported for this entity on this uri. Please append '$value' to the request uri and send the request again.",
  };
  const pattern = (template: string) =>
    new RegExp(`^${template.split(/\{\d+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
  const SETS = "/beta/trustFramework/keySets";
  const past = Math.floor(Date.now() / 1000) - 3600;

  const cases: Array<[string, () => Promise<{ status: number; body: any }>]> = [
    ["AADB2C90073", () => graphFetch(emu, "GET", "/v1.0/identity/identityProviders/Nope-OAUTH")],
    ["AADB2C90253", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/uploadSecret`, { use: "sig" })],
    ["AADB2C95028", () => graphFetch(emu, "POST", SETS, { id: "A" })],
    ["AADB2C95033", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/generateKey`, { use: "sign", kty: "RSA" })],
    ["AADB2C95030", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/generateKey`, { use: "sig" })],
    ["AADB2C95031", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/generateKey`, { use: "sig", kty: "EC" })],
    ["AADB2C95032", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_Rsa/uploadSecret`, { use: "sig", k: "x" })],
    ["AADB2C95042", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_Rsa/generateKey`, { use: "enc", kty: "RSA" })],
    ["AADB2C95059", () => graphFetch(emu, "PUT", `${SETS}/B2C_1A_A`, { keys: [{ kid: "k1", kty: "oct", use: "sig", k: "eA" }] })],
    ["AADB2C95037", () => graphFetch(emu, "PUT", `${SETS}/B2C_1A_A`, { keys: [{ use: "sig", k: "eA" }] })],
    ["AADB2C95039", () => graphFetch(emu, "PUT", `${SETS}/B2C_1A_A`, { keys: [{ kty: "RSA", use: "sig", e: "AQAB" }] })],
    ["AADB2C95029", () => graphFetch(emu, "PUT", `${SETS}/B2C_1A_A`, { keys: [{ kty: "oct", use: "sig", k: "not base64url!" }] })],
    ["AADB2C95034", () => graphFetch(emu, "PUT", `${SETS}/B2C_1A_A`, { keys: ["a string"] })],
    ["AADB2C90214", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/uploadSecret`, { use: "sig", k: "x", exp: past })],
    ["AADB2C90215", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/uploadSecret`, { use: "sig", k: "x", nbf: past + 7200, exp: past + 3700 })],
    ["AADB2C90179", () => graphFetch(emu, "POST", `${SETS}/B2C_1A_A/uploadCertificate`, { key: Buffer.from("not a certificate").toString("base64") })],
    ["AADB2C90019", () => graphFetch(emu, "GET", `${SETS}/B2C_1A_A/getActiveKey`)],
    ["AADB2C99009", () => graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_X", "<TrustFrameworkPolicy/>")],
    ["AADB2C90113", () => graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_X/$value", "<TrustFrameworkPolicy>")],
  ];

  beforeEach(async () => {
    await graphFetch(emu, "POST", SETS, { id: "A" });
    await graphFetch(emu, "POST", SETS, { id: "Rsa" });
    await graphFetch(emu, "POST", `${SETS}/B2C_1A_Rsa/generateKey`, { use: "sig", kty: "RSA" });
  });
  afterEach(() => emu.setBehaviour({ missingKeySetOnKeyOperation: "AADB2C90073" }));

  test.each(cases)("%s", async (code, request) => {
    const res = await request();
    expect([res.status >= 400, res.body.error.code]).toEqual([true, code]);
    expect(res.body.error.message).toMatch(pattern(CATALOGUE[code]));
  });

  test("AADB2C95052 (switch) and an injected AADB2C90229", async () => {
    emu.setBehaviour({ missingKeySetOnKeyOperation: "AADB2C95052" });
    const notCreated = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Missing/uploadSecret`, { use: "sig", k: "x" });
    expect(notCreated.body.error.message).toMatch(pattern(CATALOGUE.AADB2C95052));
    emu.setFaults({ rules: [{ path: "/identity/identityProviders$", code: "AADB2C90229", times: 1 }] });
    const throttled = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
    emu.setFaults({ rules: [] });
    expect([throttled.body.error.code, throttled.body.error.message]).toEqual(["AADB2C90229", CATALOGUE.AADB2C90229]);
  });
});

// The CPIM limit (300 per tenant, 200 per app and tenant, per minute) is documented for
// identityContainer and identityProvider resources only: https://learn.microsoft.com/graph/throttling-limits
describe("the CPIM rate limit counts only the routes it is documented for", () => {
  afterEach(() => {
    emu.setFaults({ rateLimit: { enabled: false, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200 } });
    emu.setBehaviour({ rateLimitScope: "identityContainer" });
  });

  test("trustFramework calls pass while identity providers and user flows are limited", async () => {
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 100 } });
    for (let i = 0; i < 5; i++) expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/policies")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/beta/identity/b2cUserFlows")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders")).status).toBe(429);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
  });

  test("every route when rateLimitScope is 'all'", async () => {
    emu.setBehaviour({ rateLimitScope: "all" });
    emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 100 } });
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/policies")).status).toBe(200);
    expect((await graphFetch(emu, "GET", "/beta/trustFramework/keySets")).status).toBe(429);
  });
});
