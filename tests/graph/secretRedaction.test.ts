// Secrets in errors raised by the real Graph client, against the emulator and a loopback proxy that
// quotes what was posted: the app's own client secret (token authority), an uploaded APP KEY in a
// Graph error and in its request-id header, and the swapped-credential messages.
import type { RunningEmulator } from "../../emulator";
import { graphApiFromConfig } from "../../graph/client";
import { clearCredentialCache } from "../../graph/credential";
import { GraphRequestError, isGraphRequestError } from "../../graph/errors";
import { resolveGraphSettings } from "../../graph/settings";
import { APP_ARGUMENT_NAMES, validateSocialIdentityProvider } from "../../identityProviders/rules";
import { runImport } from "../helpers/importCli";
import { startTestEmulator } from "../helpers/emulator";
import { failureOf } from "../helpers/failures";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { quotedForms, startQuotingProxy } from "../helpers/quotingProxy";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.stop());
beforeEach(() => clearCredentialCache());

/** Everything an error shows: message, stack and every own property, as one text. */
function everything(error: Error): string {
  const props = Object.fromEntries(Object.getOwnPropertyNames(error).map((k) => [k, (error as any)[k]]));
  return `${error.message}\n${error.stack}\n${JSON.stringify(props)}`;
}

/** Every 8-character run of any quoted form of `secret` left in `text` (none expected). */
function leaks(text: string, secret: string): string[] {
  const flat = text.replace(/\s+/g, "").toLowerCase();
  const forms = quotedForms(secret).split(" | ").map((f) => f.replace(/\s+/g, "").toLowerCase());
  const found = new Set<string>();
  for (const form of forms) for (let i = 0; i + 8 <= form.length; i++) if (flat.includes(form.slice(i, i + 8))) found.add(form.slice(i, i + 8));
  return [...found];
}

/** A token authority that refuses the request and quotes the posted form in its error_description (and in a trace header). */
function quotingAuthority(request: { method: string; url: string; body: string }) {
  if (request.method !== "POST" || !request.url.includes("/oauth2/v2.0/token")) return undefined;
  const secret = new URLSearchParams(request.body).get("client_secret") ?? "";
  return {
    status: 401,
    headers: { "x-ms-request-id": `trace-${secret}` },
    body: JSON.stringify({
      error: "invalid_client",
      error_description: `AADSTS7000215: Invalid client secret provided. Received body: ${request.body} | forms: ${quotedForms(secret)}`,
      error_codes: [7000215],
    }),
  };
}

describe("the app's own client secret (AZURE_CLIENT_SECRET / b2c:clientSecret)", () => {
  test("an authority quoting the posted token request does not put it in the provider error", async () => {
    const proxy = await startQuotingProxy(emu, quotingAuthority);
    try {
      const graph = graphApiFromConfig({ get: (k) => emulatorStackConfig(emu, { "b2c:authorityHost": proxy.url })[k] }, {});
      const error = await failureOf(graph.list("v1.0", "/identity/identityProviders", "list identity providers"));
      expect(isGraphRequestError(error)).toBe(true);
      expect(proxy.answered.length).toBeGreaterThan(0);
      // The authority did quote it (so the test can fail), and the error says what went wrong.
      expect(proxy.answered[0].body).toContain(encodeURIComponent(emu.clientSecret));
      expect(error.message).toMatch(/AADSTS7000215/);
      expect(error.message).toContain("***");
      expect(leaks(everything(error), emu.clientSecret)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  test("nor in the import command's stderr", async () => {
    const proxy = await startQuotingProxy(emu, quotingAuthority);
    try {
      const result = await runImport({ ...emu, authorityHost: proxy.url }, ["--output", `${require("os").tmpdir()}/b2c-redaction-${process.pid}/Pulumi.x.yaml`, "--force"]);
      expect(result.code).toBe(1);
      expect(proxy.answered.length).toBeGreaterThan(0);
      expect(result.err).toMatch(/AADSTS7000215/);
      expect(leaks(result.out + result.err, emu.clientSecret)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe("a secret sent to Graph and quoted back", () => {
  const APP_KEY = "0123456789abcdef0123456789abcdef";

  test("is redacted from the message, graphMessage and the request-id / client-request-id properties", async () => {
    const proxy = await startQuotingProxy(emu, (request) => {
      if (!request.url.includes("/uploadSecret")) return undefined;
      const k = JSON.parse(request.body).k as string;
      return {
        status: 400,
        headers: { "request-id": `rid-${k}`, "client-request-id": `cid-${Buffer.from(k).toString("base64")}` },
        body: JSON.stringify({ error: { code: "AADB2C90000", message: `Bad key: ${quotedForms(k)}`, innerError: { "request-id": `inner-${encodeURIComponent(k)}` } } }),
      };
    });
    try {
      const graph = graphApiFromConfig({ get: (k) => emulatorStackConfig(emu, { "b2c:graphEndpoint": proxy.url })[k] }, {});
      const error = (await failureOf(
        graph.request({
          method: "POST",
          version: "beta",
          path: "/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret",
          body: { use: "sig", k: APP_KEY },
          description: "add the WeChat APP KEY",
          secrets: [APP_KEY],
        }),
      )) as GraphRequestError;
      expect(proxy.answered).toHaveLength(1);
      expect(error.code).toBe("AADB2C90000");
      expect(error.requestId).toMatch(/^inner-\*\*\*$|^rid-\*\*\*$/);
      expect(error.message).toContain("[request-id ");
      expect(leaks(everything(error), APP_KEY)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe("swapped credentials: the message that expects the mistake does not print the secret", () => {
  const SECRET = "Zq8~Client.Secret-Value_0123456789abcdef";

  test("AZURE_CLIENT_ID and AZURE_CLIENT_SECRET swapped (real Entra ID endpoints): the GUID check shows the shape only", () => {
    const error = (() => {
      try {
        resolveGraphSettings(undefined, { B2C_TENANT_ID: emu.tenantDomain, AZURE_CLIENT_ID: SECRET, AZURE_CLIENT_SECRET: emu.clientId });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a configuration error");
    })();
    expect(error.message).toMatch(/AZURE_CLIENT_ID/);
    expect(error.message).toContain(`a ${SECRET.length}-character value starting 'Zq'`);
    expect(leaks(error.message, SECRET)).toEqual([]);
  });

  test("swapped against a custom authority (the emulator quotes the client id it got): the token error does not print it", async () => {
    const graph = graphApiFromConfig({ get: (k) => emulatorStackConfig(emu, { "b2c:clientId": SECRET, "b2c:clientSecret": emu.clientId })[k] }, {});
    const error = await failureOf(graph.list("v1.0", "/identity/identityProviders", "list identity providers"));
    expect(error.message).toMatch(/AADSTS700016/);
    expect(error.message).toContain(`a ${SECRET.length}-character value starting 'Zq'`);
    expect(leaks(everything(error), SECRET)).toEqual([]);
  });

  test("APP ID and APP KEY swapped: the APP ID shape error shows length and first two characters only", () => {
    const appKey = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    const problems = validateSocialIdentityProvider({ type: "WeChat", clientId: appKey, clientSecret: "wx0123456789abcdef" }, APP_ARGUMENT_NAMES);
    const appId = problems.find((p) => p.argument === "appId")!;
    expect(appId.reason).toMatch(/not a WeChat APP ID/);
    expect(appId.reason).toContain("a 32-character value starting '9f'");
    expect(leaks(JSON.stringify(problems), appKey)).toEqual([]);
  });
});
