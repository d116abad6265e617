// Through the real engine: a token authority (a loopback proxy in front of the emulator) that
// refuses the app and quotes the posted token request in its error. `pulumi up` fails naming the
// refusal, and the app's client secret (b2c:clientSecret) appears in no form in the CLI output.
import { DEFAULT_CLIENT_ID, DEFAULT_PERMISSIONS } from "../../emulator";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator } from "../helpers/emulator";
import { emulatorConfig, EngineProject } from "../helpers/pulumiEngine";
import { quotedForms, QuotingProxy, startQuotingProxy } from "../helpers/quotingProxy";
import { graphCalls } from "../helpers/requestLog";
import { wechatAppKey } from "../helpers/appKeys";

const APP_KEYS = { "b2c:wechatAppKey": wechatAppKey("engine-wechat-app-key-0123456789") };
const SIGN_IN = {
  identityProviders: [{ type: "WeChat", appId: "wx0123456789abcdef", policyKey: true }],
  userFlows: [{ name: "signupsignin", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, identityProviders: ["WeChat"] }],
};

/** A client secret whose forms differ (URL encoding, base64, hex) and that no other text holds. */
const CLIENT_SECRET = "Zq8~Engine+Client/Secret_0123456789.xyz";

describe("the app's client secret quoted by the token authority, through pulumi up", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  let proxy: QuotingProxy | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator({ applications: [{ clientId: DEFAULT_CLIENT_ID, clientSecret: CLIENT_SECRET, permissions: [...DEFAULT_PERMISSIONS] }] });
    project = new EngineProject();
    await project.init({ ...emulatorConfig(emu), "b2c:socialSignIn": SIGN_IN }, { "b2c:clientSecret": CLIENT_SECRET, ...APP_KEYS });
  });
  afterAll(async () => {
    await proxy?.stop();
    project?.cleanup();
    await emu?.stop();
  });

  test("up fails with the authority's refusal and no form of the client secret in stdout or stderr", async () => {
    proxy = await startQuotingProxy(emu, (request) => {
      if (request.method !== "POST" || !request.url.includes("/oauth2/v2.0/token")) return undefined;
      const secret = new URLSearchParams(request.body).get("client_secret") ?? "";
      return {
        status: 401,
        body: JSON.stringify({
          error: "invalid_client",
          error_description: `AADSTS7000215: Invalid client secret provided. Received: ${request.body} | ${quotedForms(secret)}`,
          error_codes: [7000215],
        }),
      };
    });
    await project.setConfig({ "b2c:authorityHost": proxy.url, "b2c:retryBudgetSeconds": 5 });
    emu.clearRequestLog();
    const up = await project.up([], { allowFailure: true });
    const output = up.stdout + up.stderr;
    expect(up.code).not.toBe(0);
    // The authority was asked and did quote the secret, so the check below can fail.
    expect(proxy.answered.length).toBeGreaterThan(0);
    expect(proxy.answered[0].body).toContain(`client_secret=${encodeURIComponent(CLIENT_SECRET)}`);
    expect(output).toMatch(/AADSTS7000215/);
    const flat = output.replace(/\s+/g, "").toLowerCase();
    const leaked = quotedForms(CLIENT_SECRET)
      .split(" | ")
      .map((f) => f.replace(/\s+/g, "").toLowerCase())
      .flatMap((form) => Array.from({ length: Math.max(0, form.length - 7) }, (_, i) => form.slice(i, i + 8)))
      .filter((run) => flat.includes(run));
    expect({ leaked, output }).toEqual({ leaked: [], output });
    // Without a token nothing reached Graph.
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });
});
