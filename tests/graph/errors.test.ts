import { GraphRequestError, isGraphRequestError, parseGraphErrorBody, redactSecrets } from "../../graph/errors";
import { backoffSeconds, DEFAULT_B2C_RETRY_POLICY, isNetworkError, parseRetryAfter } from "../../graph/retry";

const op = { method: "POST", version: "beta", path: "/trustFramework/keySets/B2C_1A_X/uploadSecret", description: "add secret to B2C_1A_X" };

test("a Graph error reads as one line with status, code, message, request-id and operation", () => {
  const e = new GraphRequestError({ status: 400, code: "AADB2C90214", graphMessage: "The expiry date\nis in the past.", requestId: "req-1", operation: op });
  expect(e.message).toBe(
    "add secret to B2C_1A_X (POST /beta/trustFramework/keySets/B2C_1A_X/uploadSecret) failed: HTTP 400 AADB2C90214: The expiry date is in the past. [request-id req-1]",
  );
  expect(String(e)).not.toContain("[object Object]");
  expect(e).toBeInstanceOf(Error);
  expect(e.isNotFound).toBe(false);
});

test("secrets handed to the error are redacted even if the service echoes them", () => {
  const e = new GraphRequestError({ status: 400, code: "Bad", graphMessage: "value 'hunter2-secret' is invalid", operation: op, secrets: ["hunter2-secret"] });
  expect(e.message).not.toContain("hunter2-secret");
  expect(e.message).toContain("***");
});

test("a GraphRequestError is an Error subclass with its name and fields; another copy's is recognised by name", () => {
  const e = new GraphRequestError({ status: 429, code: "TooManyRequests", graphMessage: "slow down", requestId: "r-9", operation: op });
  expect(e).toBeInstanceOf(GraphRequestError);
  expect(e).toMatchObject({ name: "GraphRequestError", status: 429, code: "TooManyRequests", graphMessage: "slow down", requestId: "r-9", isNotFound: false });
  expect(e.stack).toMatch(/^GraphRequestError: add secret to B2C_1A_X/);
  expect(isGraphRequestError(e)).toBe(true);
  // As raised by a second install of this package: not our class, same name.
  expect(isGraphRequestError(Object.assign(new Error("x"), { name: "GraphRequestError" }))).toBe(true);
  expect(isGraphRequestError(new Error("x"))).toBe(false);
  expect(isGraphRequestError({ name: "GraphRequestError", message: "not an Error" })).toBe(false);
});

test("AADB2C90073 counts as not found", () => {
  expect(new GraphRequestError({ status: 400, code: "AADB2C90073", operation: op }).isNotFound).toBe(true);
  expect(new GraphRequestError({ status: 404, operation: op }).isNotFound).toBe(true);
});

test("the envelope parser walks nested innerError in either spelling", () => {
  const parsed = parseGraphErrorBody({
    error: { code: "activityLimitReached", message: "m", innerError: { code: "throttledRequest", innererror: { "request-id": "r2", "client-request-id": "c2" } } },
  });
  expect(parsed).toEqual({ code: "activityLimitReached", message: "m", requestId: "r2", clientRequestId: "c2" });
  expect(parseGraphErrorBody("<html>bad gateway</html>").message).toContain("bad gateway");
});

describe("redactSecrets covers every form a service may quote a secret in", () => {
  const secret = "Wx-AppKey+Secret/2024=ok";
  const forms: [string, string][] = [
    ["as sent", secret],
    ["upper-cased", secret.toUpperCase()],
    ["lower-cased", secret.toLowerCase()],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64url", Buffer.from(secret).toString("base64url")],
    ["base64 inside a longer encoded JSON", Buffer.from(JSON.stringify({ k: secret })).toString("base64")],
    ["URL-encoded", encodeURIComponent(secret)],
    ["form-encoded", new URLSearchParams({ k: secret }).toString().slice(2)],
    ["hex", Buffer.from(secret).toString("hex")],
    ["truncated to its first 8 characters", secret.slice(0, 8)],
    ["truncated and upper-cased", secret.slice(0, 12).toUpperCase()],
  ];
  test.each(forms)("%s", (_form, quoted) => {
    const out = redactSecrets(`The value '${quoted}' is not valid.`, [secret]);
    expect(out).toContain("***");
    expect(out.toLowerCase()).not.toContain(secret.slice(0, 8).toLowerCase());
    const encoded = /^[A-Za-z0-9+/=_-]+$/.exec(quoted) ? out.slice("The value '".length, -"' is not valid.".length) : "";
    expect(Buffer.from(encoded.replace(/\*/g, ""), "base64").toString("latin1")).not.toContain(secret.slice(0, 8));
    expect(out).toMatch(/^The value '.*' is not valid\.$/);
  });

  test("a 7-character prefix of a long secret is not enough to count (no false alarms on common words)", () => {
    expect(redactSecrets("Wx-AppK is fine", [secret])).toBe("Wx-AppK is fine");
  });

  test("secrets shorter than 4 characters are redacted too, in any case", () => {
    expect(redactSecrets("key 'aB3' rejected; AB3 again", ["aB3"])).toBe("key '***' rejected; *** again");
    expect(redactSecrets("x=Q!", ["Q!"])).toBe("x=***");
  });

  test("a PFX (base64) and its password are both redacted", () => {
    const pfx = Buffer.from("0\x82\x05binary-pkcs12-bytes-here").toString("base64");
    const out = redactSecrets(`bad pfx ${pfx.slice(0, 10)}... with password Pa55word!`, [pfx, "Pa55word!"]);
    expect(out).toBe("bad pfx ***... with password ***");
  });
});

test("Retry-After accepts fractional seconds and HTTP dates", () => {
  expect(parseRetryAfter("2.128")).toBeCloseTo(2.128);
  expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
  expect(parseRetryAfter(null)).toBeUndefined();
});

test("back-off grows exponentially, stays within the cap, and is jittered", () => {
  const p = DEFAULT_B2C_RETRY_POLICY;
  // Never under the floor (1 s), even where half the first step's jitter would be less.
  expect(backoffSeconds(0, p, () => 0)).toBe(p.minDelaySeconds);
  expect(backoffSeconds(2, p, () => 1)).toBeCloseTo(p.baseDelaySeconds * 4);
  expect(backoffSeconds(30, p, () => 1)).toBe(p.maxDelaySeconds);
  expect(backoffSeconds(3, p, () => 0)).not.toBe(backoffSeconds(3, p, () => 1));
});

test("network errors are told apart from HTTP errors", () => {
  expect(isNetworkError(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }))).toBe(true);
  expect(isNetworkError(new Error("Bad Request"))).toBe(false);
});
