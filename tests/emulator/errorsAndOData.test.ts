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
    const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", { ...WECHAT, scope: "openid" });
    expectEnvelope(res, 400, "BadRequest");
    expect(res.body.error.message).toMatch(/The property 'scope' does not exist/);
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
