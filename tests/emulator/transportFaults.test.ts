// The emulator's faults for testing a client's transport (issue 20): any Retry-After text, an
// error message that is an object, a request never answered, a nextLink that repeats. Raw HTTP,
// so what is on the wire is what the test sees.
import type { RunningEmulator } from "../../emulator";
import { controlFetch, getToken, graphFetch, useTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const IDPS = "^/identity/identityProviders$";

test("retryAfterHeader is sent verbatim, on a 429 and on other statuses", async () => {
  emu.setFaults({
    rules: [
      { method: "GET", path: IDPS, status: 429, retryAfterHeader: "Wed, 21 Oct 2015 07:28:00 GMT", times: 1 },
      { method: "GET", path: IDPS, status: 503, retryAfterHeader: "-5", times: 1 },
    ],
  });
  const throttled = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
  expect([throttled.status, throttled.headers.get("retry-after"), throttled.body.error.code]).toEqual([429, "Wed, 21 Oct 2015 07:28:00 GMT", "TooManyRequests"]);
  const unavailable = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
  expect([unavailable.status, unavailable.headers.get("retry-after")]).toEqual([503, "-5"]);
});

test("a rule's message may be an object, sent as error.message", async () => {
  emu.setFaults({ rules: [{ method: "GET", path: IDPS, status: 400, code: "BadRequest", message: { lang: "en-US", value: "No." }, times: 1 }] });
  const answer = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
  expect(answer.body.error).toMatchObject({ code: "BadRequest", message: { lang: "en-US", value: "No." } });
});

test("hang: no answer; the entry is logged when the client gives up, with how long it waited; then the server serves again", async () => {
  emu.setFaults({ rules: [{ method: "GET", path: IDPS, hang: true, times: 1 }] });
  const headers = { authorization: `Bearer ${await getToken(emu)}` };
  const outcome = await fetch(`${emu.graphEndpoint}/v1.0/identity/identityProviders`, { headers, signal: AbortSignal.timeout(700) }).then(
    (response) => `answered ${response.status}`,
    (error: Error) => error.name,
  );
  expect(outcome).toBe("TimeoutError");
  let hung = emu.requestLog().find((e) => e.fault === "hang");
  for (let i = 0; !hung && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    hung = emu.requestLog().find((e) => e.fault === "hang");
  }
  expect(hung).toMatchObject({ method: "GET", status: 0, kind: "graph" });
  expect(hung!.durationMs).toBeGreaterThanOrEqual(600);
  expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders")).status).toBe(200);
});

test('nextLink "repeat": a collection page whose nextLink is its own URL', async () => {
  for (const id of ["A", "B", "C"]) expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id })).status).toBe(201);
  emu.setBehaviour({ pageSize: 2 });
  try {
    emu.setFaults({ rules: [{ method: "GET", path: "^/trustFramework/keySets$", nextLink: "repeat" }] });
    const first = await graphFetch(emu, "GET", "/beta/trustFramework/keySets?$select=id");
    expect(first.body["@odata.nextLink"]).toBe(`${emu.graphEndpoint}/beta/trustFramework/keySets?%24select=id`);
    expect(first.body.value).toHaveLength(2);
    const again = await graphFetch(emu, "GET", first.body["@odata.nextLink"].slice(emu.graphEndpoint.length));
    expect(again.body["@odata.nextLink"]).toBe(first.body["@odata.nextLink"]);
    expect(emu.requestLog().filter((e) => e.kind === "graph" && e.method === "GET").map((e) => e.fault)).toEqual(["nextLink:repeat", "nextLink:repeat"]);
  } finally {
    emu.setBehaviour({ pageSize: 0 });
  }
});

test.each([
  [{ path: "/x", hang: true, dropConnection: true }, /can't both dropConnection and hang/],
  [{ path: "/x", nextLink: "always" }, /nextLink must be \\"repeat\\"/],
  [{ path: "/x", retryAfter: 1, retryAfterHeader: "1" }, /either retryAfter or retryAfterHeader/],
  [{ path: "/x", retryAfterHeader: "1\r\nX-Evil: 1" }, /retryAfterHeader must be a header value/],
  [{ path: "/x", message: ["a"] }, /message must be a text or a JSON object/],
])("a bad rule %j is refused with 400 naming the field", async (rule, reason) => {
  const response = await controlFetch(emu, "PUT", "/faults", { rules: [rule] });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(reason);
});
