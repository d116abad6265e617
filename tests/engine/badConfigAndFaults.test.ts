// Through the real engine: bad stack config stops `preview` naming the key, with no Graph write;
// Graph faults (429 bursts with Retry-After, 503s, a create whose answer is lost) are ridden out by
// `up` with no duplicate and nothing left behind.
import type { RunningEmulator } from "../../emulator";
import { emulatorConfig, EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { graphWrites } from "../helpers/requestLog";
import { wechatAppKey } from "../helpers/appKeys";

const WECHAT_KEY = wechatAppKey("engine-wechat-app-key");
const APP_KEYS = { "b2c:wechatAppKey": WECHAT_KEY, "b2c:qqAppKey": "engine-qq-app-key" };

function signIn(overrides: { wechatAppId?: unknown; wechatDisplayName?: string; flowProviders?: string[]; flowType?: string; flowVersion?: number; language?: string } = {}) {
  return {
    identityProviders: [
      { type: "WeChat", appId: overrides.wechatAppId ?? "wx0123456789abcdef", policyKey: true, ...(overrides.wechatDisplayName ? { displayName: overrides.wechatDisplayName } : {}) },
      { type: "QQ", appId: "101000001", policyKey: true },
    ],
    userFlows: [
      {
        name: "signupsignin",
        userFlowType: overrides.flowType ?? "signUpOrSignIn",
        userFlowTypeVersion: overrides.flowVersion ?? 3,
        identityProviders: overrides.flowProviders ?? ["WeChat", "QQ"],
        ...(overrides.language ? { defaultLanguageTag: overrides.language } : {}),
      },
    ],
    tokenKeys: true,
  };
}

describe("bad stack config stops preview, naming the key, before any Graph write", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), () => ({ config: { "b2c:socialSignIn": signIn() }, secrets: APP_KEYS }));

  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["a missing APP KEY", () => project.pulumi(["config", "rm", "b2c:qqAppKey"]), /b2c:qqAppKey/],
    ["a flow naming an undeclared provider", () => project.setConfig({ "b2c:socialSignIn": signIn({ flowProviders: ["WeChat", "Weibo"] }) }), /userFlows\[0\]\.identityProviders|Weibo/],
    ["an unknown user flow type", () => project.setConfig({ "b2c:socialSignIn": signIn({ flowType: "signInEverywhere" }) }), /userFlowType/],
    ["a tenant that is neither a GUID nor a domain", () => project.setConfig({ "b2c:tenantId": "not a tenant" }), /b2c:tenantId/],
    // issue 20: inputs that used to reach the tenant
    ["a WeChat APP KEY with a trailing newline", () => project.setConfig({}, { "b2c:wechatAppKey": `${WECHAT_KEY}\n` }), /b2c:wechatAppKey: has a trailing whitespace or line break/],
    ["a WeChat APP KEY that is not 32 hex digits", () => project.setConfig({}, { "b2c:wechatAppKey": WECHAT_KEY.slice(0, 20) }), /b2c:wechatAppKey: is not a WeChat APP KEY: it must be 32 hex digits/],
    ["an upper-case WeChat APP ID", () => project.setConfig({ "b2c:socialSignIn": signIn({ wechatAppId: "WX0123456789ABCDEF" }) }), /identityProviders\[0\]\.appId: must be lower-case/],
    ["a display name with a line break", () => project.setConfig({ "b2c:socialSignIn": signIn({ wechatDisplayName: "WeChat\nLogin" }) }), /identityProviders\[0\]\.displayName: must be one line/],
    ["a language tag B2C does not offer", () => project.setConfig({ "b2c:socialSignIn": signIn({ language: "en-GB" }) }), /userFlows\[0\]\.defaultLanguageTag: 'en-GB' is not a language B2C offers/],
  ];
  test.each(cases)("%s", async (_name, breakIt, namesKey) => {
    await project.setConfig({ ...emulatorConfig(emu), "b2c:socialSignIn": signIn() }, APP_KEYS);
    await breakIt();
    emu.clearRequestLog();
    const preview = await project.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(namesKey);
    // The user's mistake alone: an InputError (kernel/errors.ts) is printed without stack frames.
    expect(preview.stdout + preview.stderr).not.toMatch(/unhandled exception|\n\s+at \S+ \(/);
    expect(preview.stdout + preview.stderr).not.toContain(WECHAT_KEY.slice(0, 20)); // shape errors show length and two characters only
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(emu.snapshot().identityProviders).toEqual([]);
  });
});

describe("a hand-written program with a bad argument", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ project: { program: `const b2c = require("pulumi-b2c-identity");\nnew b2c.B2CUserFlow("susi", { name: " ", userFlowType: "signUpOrSignIn" });\n` } }),
  );

  test("preview prints the InputError's message alone (no stack frames) and writes nothing", async () => {
    emu.clearRequestLog();
    const preview = await project.preview([], { allowFailure: true });
    const output = preview.stdout + preview.stderr;
    expect(preview.code).not.toBe(0);
    expect(output).toMatch(/Invalid arguments for B2CUserFlow "susi": name: /);
    expect(output).not.toMatch(/unhandled exception|\n\s+at \S+ \(/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
  });
});

describe("Graph faults during up, through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), () => ({ config: { "b2c:socialSignIn": signIn() }, secrets: APP_KEYS }));

  test("429 bursts with Retry-After, 503s and a lost create answer: up converges with no duplicate", async () => {
    emu.setFaults({
      rules: [
        { method: "POST", path: "/identity/identityProviders", status: 429, code: "TooManyRequests", retryAfter: 0.2, times: 4 },
        { method: "POST", path: "/trustFramework/keySets", status: 503, code: "serviceNotAvailable", times: 3 },
        { method: "POST", path: "/userFlowIdentityProviders", status: 503, times: 2 },
        // The flow is created, then the connection drops before the answer: the outcome is unknown.
        { method: "POST", path: "/identity/b2cUserFlows", loseResponse: true, times: 1 },
      ],
    });
    await project.up();
    const left = emu.getFaults().rules.map((r) => r.times);
    expect(left.every((t) => t === 0 || t === undefined)).toBe(true); // every fault really fired
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => p.type).sort()).toEqual(["QQ", "WeChat"]);
    expect(tenant.userFlows.map((f) => f.id)).toEqual(["B2C_1_signupsignin"]);
    expect(tenant.keySets.map((k) => k.id).sort()).toEqual([
      "B2C_1A_QQSecret",
      "B2C_1A_TokenEncryptionKeyContainer",
      "B2C_1A_TokenSigningKeyContainer",
      "B2C_1A_WeChatSecret",
    ]);
    for (const keySet of tenant.keySets) expect(keySet.keys).toHaveLength(1);
    emu.setFaults({ rules: [] });
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(graphWrites(emu.requestLog())).toEqual([]);
  });

  test("replacing the flow (a new flow type version) brings its attachments back in the same up", async () => {
    await project.setConfig({ "b2c:socialSignIn": signIn({ flowVersion: 1 }) });
    await project.up();
    const flow = emu.snapshot().userFlows[0];
    expect(flow.userFlowTypeVersion).toBe(1);
    expect(flow.identityProviderIds.map((id) => id.toLowerCase()).sort()).toEqual(["qq-oauth", "wechat-oauth"]);
    await project.up(["--expect-no-changes"]);
  });

  test("destroy under 429s and 503s leaves nothing behind", async () => {
    emu.setFaults({
      rules: [
        { method: "DELETE", path: "/trustFramework/keySets", status: 429, code: "TooManyRequests", retryAfter: 0.1, times: 3 },
        { method: "DELETE", path: "/identity/identityProviders", status: 503, times: 2 },
      ],
    });
    await project.destroy();
    const tenant = emu.snapshot();
    expect([tenant.identityProviders, tenant.userFlows, tenant.keySets, tenant.policies]).toEqual([[], [], [], []]);
  });
});
