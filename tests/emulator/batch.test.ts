// Checklist 32: JSON batching on both versions.
import type { RunningEmulator } from "../../emulator";
import { graphFetch, useTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
beforeEach(() => {
  emu.setBehaviour({ batchResponseOrder: "reversed" });
});

const json = { "Content-Type": "application/json" };
const byId = (responses: any[]) => Object.fromEntries(responses.map((r) => [r.id, r]));

test.each(["/v1.0/$batch", "/beta/$batch"])("%s runs inner requests relative to its version; top-level 200", async (path) => {
  const res = await graphFetch(emu, "POST", path, {
    requests: [
      { id: "1", method: "GET", url: "/identity/identityProviders" },
      { id: "2", method: "GET", url: "identity/identityProviders/availableProviderTypes" },
    ],
  });
  expect(res.status).toBe(200);
  const r = byId(res.body.responses);
  expect(r["1"].status).toBe(200);
  expect(r["1"].body["@odata.context"]).toBe(`${emu.url}${path.replace("/$batch", "")}/$metadata#identity/identityProviders`);
  expect(r["2"].body.value).toContain("WeChat");
  expect(r["1"].headers["content-type"]).toMatch(/^application\/json/);
});

test("beta-only APIs fail inside a v1.0 batch like they do outside", async () => {
  const res = await graphFetch(emu, "POST", "/v1.0/$batch", { requests: [{ id: "k", method: "GET", url: "/trustFramework/keySets" }] });
  expect(res.body.responses[0].status).toBe(400);
  expect(res.body.responses[0].body.error.message).toBe("Resource not found for the segment 'trustFramework'.");
});

test("writes with bodies; responses come back out of order by default and in order when configured", async () => {
  const requests = [
    { id: "a", method: "POST", url: "/trustFramework/keySets", headers: json, body: { id: "A" } },
    { id: "b", method: "POST", url: "/trustFramework/keySets", headers: json, body: { id: "B" } },
    { id: "c", method: "POST", url: "/trustFramework/keySets", headers: json, body: { id: "C" } },
  ];
  const reversed = await graphFetch(emu, "POST", "/beta/$batch", { requests });
  expect(reversed.body.responses.map((r: any) => r.id)).toEqual(["c", "b", "a"]);
  expect(reversed.body.responses.map((r: any) => r.status)).toEqual([201, 201, 201]);
  expect(byId(reversed.body.responses).a.headers.location).toBe("/trustFramework/keySets('B2C_1A_A')");
  expect(emu.snapshot().keySets.map((k) => k.id).sort()).toEqual(["B2C_1A_A", "B2C_1A_B", "B2C_1A_C"]);
  emu.reset();
  emu.setBehaviour({ batchResponseOrder: "request" });
  const ordered = await graphFetch(emu, "POST", "/beta/$batch", { requests });
  expect(ordered.body.responses.map((r: any) => r.id)).toEqual(["a", "b", "c"]);
});

test("dependsOn runs in order; a failed dependency gives 424 to its dependants", async () => {
  const res = await graphFetch(emu, "POST", "/beta/$batch", {
    requests: [
      { id: "secret", method: "POST", url: "/trustFramework/keySets/B2C_1A_Chain/uploadSecret", headers: json, body: { use: "sig", k: "chained-secret" }, dependsOn: ["create"] },
      { id: "create", method: "POST", url: "/trustFramework/keySets", headers: json, body: { id: "Chain" } },
      { id: "bad", method: "POST", url: "/trustFramework/keySets/B2C_1A_Missing/uploadSecret", headers: json, body: { use: "sig", k: "x" } },
      { id: "after-bad", method: "GET", url: "/trustFramework/keySets", dependsOn: ["bad"] },
      { id: "after-after", method: "GET", url: "/trustFramework/keySets", dependsOn: ["after-bad"] },
    ],
  });
  const r = byId(res.body.responses);
  expect(r.create.status).toBe(201);
  expect(r.secret.status).toBe(200);
  expect(r.bad.status).toBe(404);
  expect(r["after-bad"].status).toBe(424);
  expect(r["after-after"].status).toBe(424);
  expect(emu.snapshot().keySets[0].keys).toHaveLength(1);
  expect(JSON.stringify(emu.requestLog())).not.toContain("chained-secret");
});

test("inner requests are throttled individually with Retry-After in their own headers", async () => {
  emu.setFaults({ rules: [{ method: "GET", path: "^/identity/identityProviders$", status: 429, retryAfter: 2.5, times: 1 }] });
  const res = await graphFetch(emu, "POST", "/v1.0/$batch", {
    requests: [
      { id: "1", method: "GET", url: "/identity/identityProviders" },
      { id: "2", method: "GET", url: "/identity/identityProviders/availableProviderTypes" },
    ],
  });
  expect(res.status).toBe(200);
  const r = byId(res.body.responses);
  expect(r["1"].status).toBe(429);
  expect(r["1"].headers["Retry-After"]).toBe("2.5");
  expect(r["1"].body.error.code).toBe("TooManyRequests");
  expect(r["2"].status).toBe(200);
  const inner = emu.requestLog().filter((e) => e.batchRequestId !== undefined);
  expect(inner.map((e) => `${e.batchRequestId}:${e.status}`).sort()).toEqual(["1:429", "2:200"]);
});

test("the rate limit counts inner requests, not the batch itself", async () => {
  emu.setFaults({ rateLimit: { enabled: true, perTenantPerMinute: 2, perAppPerTenantPerMinute: 100 } });
  const res = await graphFetch(emu, "POST", "/v1.0/$batch", {
    requests: ["1", "2", "3"].map((id) => ({ id, method: "GET", url: "/identity/identityProviders" })),
  });
  expect(res.status).toBe(200);
  expect(res.body.responses.map((r: any) => r.status).sort()).toEqual([200, 200, 429]);
});

test("XML bodies travel base64-encoded (non-JSON content types)", async () => {
  const xml = `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_Batched"/>`;
  const res = await graphFetch(emu, "POST", "/beta/$batch", {
    requests: [{ id: "p", method: "PUT", url: "/trustFramework/policies/B2C_1A_Batched/$value", headers: { "Content-Type": "application/xml" }, body: Buffer.from(xml).toString("base64") }],
  });
  const inner = res.body.responses[0];
  expect(inner.status).toBe(201);
  expect(Buffer.from(inner.body, "base64").toString("utf8")).toContain('PolicyId="B2C_1A_Batched"');
  expect(emu.snapshot().policies[0].xml).toBe(xml);
});

describe("malformed batches fail as a whole with 400", () => {
  const get = (id: string) => ({ id, method: "GET", url: "/identity/identityProviders" });
  test.each([
    ["more than 20 requests", { requests: Array.from({ length: 21 }, (_, i) => get(String(i))) }],
    ["duplicate ids (case-insensitive)", { requests: [get("a"), get("A")] }],
    ["absolute urls", { requests: [{ id: "1", method: "GET", url: "https://graph.microsoft.com/v1.0/identity/identityProviders" }] }],
    ["body without Content-Type", { requests: [{ id: "1", method: "POST", url: "/trustFramework/keySets", body: { id: "x" } }] }],
    ["unknown dependsOn", { requests: [{ ...get("1"), dependsOn: ["9"] }] }],
    ["dependsOn cycle", { requests: [{ ...get("1"), dependsOn: ["2"] }, { ...get("2"), dependsOn: ["1"] }] }],
    ["missing method", { requests: [{ id: "1", url: "/identity/identityProviders" }] }],
    ["no requests array", { value: [] }],
  ])("%s", async (_name, body) => {
    const res = await graphFetch(emu, "POST", "/beta/$batch", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BadRequest");
    expect(emu.snapshot().keySets).toHaveLength(0);
  });

  test("exactly 20 requests are fine", async () => {
    const res = await graphFetch(emu, "POST", "/v1.0/$batch", { requests: Array.from({ length: 20 }, (_, i) => get(String(i))) });
    expect(res.status).toBe(200);
    expect(res.body.responses).toHaveLength(20);
  });
});
