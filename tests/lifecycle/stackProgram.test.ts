import { createHash } from "crypto";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator, graphFetch } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { describeCalls, graphWrites } from "../helpers/requestLog";

// The real stack program, loaded the way `pulumi up` loads index.ts (it exports a function).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const stackProgram: () => unknown = require("../../index");

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const APP = "11111111-2222-3333-4444-555555555555";

function signInConfig(opts: { wechatName?: string; withQQ?: boolean } = {}) {
  const providers: object[] = [{ type: "WeChat", appId: "wx00000000000de0a1", displayName: opts.wechatName ?? "WeChat", policyKey: true }];
  if (opts.withQQ ?? true) providers.push({ type: "QQ", clientId: "101000001", policyKey: true });
  return JSON.stringify({
    identityProviders: providers,
    userFlows: [
      { name: "signupsignin", identityProviders: (opts.withQQ ?? true) ? ["WeChat", "QQ"] : ["WeChat"], testApplicationId: APP },
      { name: "signin", userFlowType: "signIn", identityProviders: ["WeChat"] },
    ],
    tokenKeys: true,
  });
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.stop());

test("index.ts: up, no-op up, in-place update and key rotation, removal, destroy", async () => {
  // Something made by hand in the portal before the stack existed: it must survive everything.
  await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "Google",
    identityProviderType: "Google",
    clientId: "google-client",
    clientSecret: "google-secret",
  });
  const before = emu.snapshot();

  const engine = new LifecycleEngine({
    ...emulatorStackConfig(emu),
    "b2c:socialSignIn": signInConfig(),
    "b2c:wechatAppKey": "wechat-key-v1",
    "b2c:qqAppKey": "qq-key-v1",
  });

  // 1. up from empty
  emu.clearRequestLog();
  const first = await engine.up(stackProgram);
  const after1 = emu.snapshot();
  expect(after1.identityProviders.map((p) => p.type).sort()).toEqual(["Google", "QQ", "WeChat"]);
  expect(after1.userFlows.map((f) => [f.id, [...f.identityProviderIds].sort()])).toEqual(
    expect.arrayContaining([
      ["B2C_1_signupsignin", ["QQ-OAUTH", "WeChat-OAUTH"]],
      ["B2C_1_signin", ["WeChat-OAUTH"]],
    ]),
  );
  expect(after1.keySets.map((k) => k.id).sort()).toEqual([
    "B2C_1A_QQSecret",
    "B2C_1A_TokenEncryptionKeyContainer",
    "B2C_1A_TokenSigningKeyContainer",
    "B2C_1A_WeChatSecret",
  ]);
  expect(after1.keySets.find((k) => k.id === "B2C_1A_WeChatSecret")!.keys.map((k) => k.secretSha256)).toEqual([sha256("wechat-key-v1")]);
  const outputs = first.outputs as any;
  expect(outputs.identityProviders.WeChat.redirectUri).toBe(`https://${emu.tenantName}.b2clogin.com/${emu.tenantName}.onmicrosoft.com/oauth2/authresp`);
  expect(outputs.identityProviders.QQ.identityProviderId).toBe("QQ-OAUTH");
  expect(outputs.userFlows.B2C_1_signupsignin.runUserFlowUrl).toContain("p=B2C_1_signupsignin");
  expect(outputs.keySetIds.WeChatSecret).toBe("B2C_1A_WeChatSecret");
  expect(JSON.stringify(outputs)).not.toMatch(/wechat-key-v1|qq-key-v1/);

  // 2. up again with no change: zero Graph writes
  emu.clearRequestLog();
  const second = await engine.up(stackProgram);
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  expect(second.steps.every((s) => s.action === "same")).toBe(true);

  // 3. a changed display name and a rotated APP KEY: in-place updates, no replacement
  engine.setConfig({ "b2c:socialSignIn": signInConfig({ wechatName: "微信 WeChat" }), "b2c:wechatAppKey": "wechat-key-v2" });
  emu.clearRequestLog();
  const third = await engine.up(stackProgram);
  expect(third.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.type}`).sort()).toEqual([
    "update pulumi-nodejs:dynamic/b2c-identity:IdentityProvider",
    "update pulumi-nodejs:dynamic/b2c-identity:PolicyKey",
  ]);
  expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""))).toEqual(
    expect.arrayContaining(["PATCH /v1.0/identity/identityProviders/WeChat-OAUTH", "POST /beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret"]),
  );
  expect(graphWrites(emu.requestLog())).toHaveLength(2);
  const after3 = emu.snapshot();
  expect(after3.identityProviders.find((p) => p.type === "WeChat")).toMatchObject({ displayName: "微信 WeChat", clientSecretSha256: sha256("wechat-key-v2") });
  const wechatKeys = after3.keySets.find((k) => k.id === "B2C_1A_WeChatSecret")!.keys;
  expect(wechatKeys.map((k) => k.secretSha256)).toEqual([sha256("wechat-key-v1"), sha256("wechat-key-v2")]);

  // 4. QQ removed from the config: deleted in Graph, detached first
  engine.setConfig({ "b2c:socialSignIn": signInConfig({ wechatName: "微信 WeChat", withQQ: false }) });
  const fourth = await engine.up(stackProgram);
  expect(fourth.steps.filter((s) => s.action === "delete").map((s) => s.type)).toEqual(
    expect.arrayContaining(["pulumi-nodejs:dynamic/b2c-identity:UserFlowIdentityProvider", "pulumi-nodejs:dynamic/b2c-identity:IdentityProvider"]),
  );
  const after4 = emu.snapshot();
  expect(after4.identityProviders.map((p) => p.type).sort()).toEqual(["Google", "WeChat"]);
  expect(after4.keySets.map((k) => k.id)).not.toContain("B2C_1A_QQSecret");
  expect(after4.userFlows.find((f) => f.id === "B2C_1_signupsignin")!.identityProviderIds).toEqual(["WeChat-OAUTH"]);

  // 5. destroy: the tenant is left exactly as it was found
  await engine.destroy();
  expect(emu.snapshot()).toEqual(before);
});

test("refresh after out-of-band changes, then up repairs the tenant", async () => {
  emu.reset();
  const engine = new LifecycleEngine({
    ...emulatorStackConfig(emu),
    "b2c:socialSignIn": JSON.stringify({ identityProviders: [{ type: "QQ", appId: "101", policyKey: true }], userFlows: [{ name: "susi", identityProviders: ["QQ"] }] }),
    "b2c:qqAppKey": "qq-key",
  });
  await engine.up(stackProgram);
  await graphFetch(emu, "DELETE", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/QQ-OAUTH/$ref");
  await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/QQ-OAUTH", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "renamed in portal" });
  const refreshed = await engine.refresh();
  expect(refreshed.removed).toEqual(["pulumi-nodejs:dynamic/b2c-identity:UserFlowIdentityProvider::social-sign-in-susi-qq"]);
  expect(refreshed.changed).toContain("pulumi-nodejs:dynamic/b2c-identity:IdentityProvider::social-sign-in-qq");
  const repair = await engine.up(stackProgram);
  expect(repair.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.type.split(":").pop()}`).sort()).toEqual([
    "create UserFlowIdentityProvider",
    "update IdentityProvider",
  ]);
  expect(emu.snapshot().identityProviders[0].displayName).toBe("QQ");
  expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["QQ-OAUTH"]);
  await engine.destroy();
  expect(emu.snapshot().identityProviders).toEqual([]);
  expect(emu.snapshot().keySets).toEqual([]);
  expect(emu.snapshot().userFlows).toEqual([]);
});
