// WeChat's 授权回调域 takes the domain only; QQ Connect's callback field the full URL.
// https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat
// https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-qq
import type { RunningEmulator } from "../../emulator";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { callbackDomainOf, WeChatIdentityProvider } from "../../identityProviders/wechat";
import { useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const stackProgram: () => unknown = require("../../index");

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

test("callbackDomainOf keeps the host only", () => {
  expect(callbackDomainOf("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp")).toBe("contoso.b2clogin.com");
  expect(callbackDomainOf("https://login.contoso.cn/contoso.partner.onmschina.cn/oauth2/authresp")).toBe("login.contoso.cn");
  expect(callbackDomainOf(undefined as unknown as string)).toBe("");
});

test("WeChatIdentityProvider.callbackDomain is the sign-in host; redirectUri stays the full URL", async () => {
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  const run = await engine.up(() => {
    const wechat = new WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: "edf2945273c2877c6059de6c84f34335" });
    const branded = new QQIdentityProvider("qq", { appId: "101000001", appKey: "qq-key-padded", customDomain: "login.contoso.com" });
    return { domain: wechat.callbackDomain, url: wechat.redirectUri, qq: branded.redirectUri };
  });
  expect(run.outputs).toEqual({
    domain: `${emu.tenantName}.b2clogin.com`,
    url: `https://${emu.tenantName}.b2clogin.com/${emu.tenantDomain}/oauth2/authresp`,
    qq: `https://login.contoso.com/${emu.tenantDomain}/oauth2/authresp`,
  });
});

test("the stack outputs carry WeChat's callbackDomain (custom domain honoured), QQ only its URL", async () => {
  const signIn = {
    identityProviders: [{ type: "WeChat", appId: "wx0123456789abcdef" }, { type: "QQ", clientId: "101000001" }],
    customDomain: "login.contoso.com",
  };
  const engine = new LifecycleEngine(
    emulatorStackConfig(emu, { "b2c:socialSignIn": JSON.stringify(signIn), "b2c:wechatAppKey": "edf2945273c2877c6059de6c84f34335", "b2c:qqAppKey": "qq-key-padded" }),
  );
  const run = await engine.up(stackProgram);
  const providers = run.outputs.identityProviders as Record<string, Record<string, string>>;
  expect(providers.WeChat).toEqual({
    identityProviderId: "WeChat-OAUTH",
    redirectUri: `https://login.contoso.com/${emu.tenantDomain}/oauth2/authresp`,
    callbackDomain: "login.contoso.com",
  });
  expect(providers.QQ).toEqual({ identityProviderId: "QQ-OAUTH", redirectUri: `https://login.contoso.com/${emu.tenantDomain}/oauth2/authresp` });
});
