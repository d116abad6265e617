// The control API (/_emulator/*) cannot be reached without its token under any spelling of its path
// that the router may match: percent-encoded characters, doubled slashes, dot segments, trailing
// slashes, `;` parameters, upper case. Requests go out with the request-target exactly as written
// (node:https, not fetch, which would normalise the URL first).
import * as https from "https";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, useTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

/** One request with the request-target sent byte for byte. */
function rawRequest(method: string, target: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: target,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Spellings of `/_emulator/<rest>`. */
const SPELLINGS: [string, (rest: string) => string][] = [
  ["as documented", (r) => `/_emulator/${r}`],
  ["%5F for '_'", (r) => `/%5Femulator/${r}`],
  ["%5f lower-case escape", (r) => `/%5femulator/${r}`],
  ["an escaped letter (%65)", (r) => `/_%65mulator/${r}`],
  ["every character escaped", (r) => `/${[..."_emulator"].map((c) => "%" + c.charCodeAt(0).toString(16)).join("")}/${r}`],
  ["escaped endpoint name", (r) => `/_emulator/${[...r].map((c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()).join("")}`],
  ["upper case", (r) => `/_EMULATOR/${r.toUpperCase()}`],
  ["%5F and upper case", (r) => `/%5FEMULATOR/${r}`],
  ["double-encoded %255F", (r) => `/%255Femulator/${r}`],
  ["leading double slash", (r) => `//_emulator/${r}`],
  ["double slash inside", (r) => `/_emulator//${r}`],
  ["/./ before", (r) => `/./_emulator/${r}`],
  ["/./ inside", (r) => `/_emulator/./${r}`],
  ["/v1.0/../ before", (r) => `/v1.0/../_emulator/${r}`],
  ["escaped dot segment %2e%2e", (r) => `/v1.0/%2e%2e/_emulator/${r}`],
  ["escaped slash %2F", (r) => `/_emulator%2F${r}`],
  ["leading %2F", (r) => `/%2F_emulator/${r}`],
  ["backslash", (r) => `/_emulator\\${r}`],
  ["trailing slash", (r) => `/_emulator/${r}/`],
  ["trailing double slash", (r) => `/_emulator/${r}//`],
  ["; parameter", (r) => `/_emulator/${r};x=1`],
  ["; parameter on the prefix", (r) => `/_emulator;x=1/${r}`],
  ["query string", (r) => `/_emulator/${r}?a=1`],
  ["fragment-like %23", (r) => `/_emulator/${r}%23x`],
  ["absolute-form target", (r) => `${emu.url}/_emulator/${r}`],
];

/** Every control endpoint, with a body for the writes. */
const ENDPOINTS: [method: string, rest: string, body?: string][] = [
  ["GET", "state"],
  ["GET", "requests"],
  ["DELETE", "requests"],
  ["GET", "faults"],
  ["PUT", "faults", JSON.stringify({ latencyMs: 1 })],
  ["GET", "behaviour"],
  ["PUT", "behaviour", JSON.stringify({ echoSecretsInErrors: true })],
  ["GET", "clock"],
  ["PUT", "clock", JSON.stringify({ now: "2100-01-01T00:00:00Z" })],
  ["POST", "reset"],
];

describe("without the control token, every spelling of every control path answers 401 and changes nothing", () => {
  test.each(SPELLINGS)("%s", async (_name, spell) => {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Witness" });
    const before = { state: emu.snapshot(), faults: emu.getFaults(), behaviour: emu.getBehaviour(), clock: emu.getClock().offsetMs };
    const answers: string[] = [];
    for (const [method, rest, body] of ENDPOINTS) {
      for (const token of [undefined, "not-the-token"]) {
        const res = await rawRequest(method, spell(rest), body, token);
        answers.push(`${method} ${spell(rest)} ${token ? "(wrong token)" : "(no token)"}: ${res.status}`);
        // Nothing of the tenant, the log or the settings is shown.
        expect(res.text).not.toMatch(/B2C_1A_Witness|"latencyMs"|"echoSecretsInErrors"|"offsetMs"|"kind"/);
      }
    }
    expect(answers.filter((a) => !a.endsWith(": 401"))).toEqual([]);
    expect({ state: emu.snapshot(), faults: emu.getFaults(), behaviour: emu.getBehaviour(), clock: emu.getClock().offsetMs }).toEqual(before);
    expect(emu.requestLog().length).toBeGreaterThan(0);
  });

  test("with the token, the documented spelling and the router's other spellings work", async () => {
    expect((await rawRequest("GET", "/_emulator/state", undefined, emu.controlToken)).status).toBe(200);
    expect((await rawRequest("GET", "/%5Femulator/state", undefined, emu.controlToken)).status).toBe(200);
  });
});
