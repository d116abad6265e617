// A user's own Pulumi program that imports the components from the package entry and wires them
// itself, driven through the same engine-like lifecycle as the stack program.
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { B2CUserFlow, QQIdentityProvider, TokenSigningKey, UserFlowIdentityProvider, WeChatIdentityProvider, WeChatSecretKey } from "../../components";
import { startTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";

function consumerProgram(opts: { wechatKey: string; withQQ: boolean }) {
  return () => {
    const config = new pulumi.Config("app");
    const flow = new B2CUserFlow("customer-signin", { name: config.get("flowName") ?? "customer", userFlowType: "signUpOrSignIn" });
    const wechat = new WeChatIdentityProvider("wechat", { appId: "wx0000000000c0a5e1", appKey: pulumi.secret(opts.wechatKey) });
    new UserFlowIdentityProvider("customer-wechat", { userFlowId: flow.userFlowId, identityProviderId: wechat.identityProviderId });
    const key = new WeChatSecretKey("wechat-key", { appKey: pulumi.secret(opts.wechatKey) });
    const signing = new TokenSigningKey("token-signing");
    const outputs: Record<string, pulumi.Output<unknown>> = {
      wechatCallback: wechat.redirectUri,
      wechatKeySet: key.keySetId,
      signingKeySet: signing.keySetId,
      flow: flow.userFlowId,
    };
    if (opts.withQQ) {
      const qq = new QQIdentityProvider("qq", { appId: "101", appKey: pulumi.secret("qq-consumer-key") });
      new UserFlowIdentityProvider("customer-qq", { userFlowId: flow.userFlowId, identityProviderId: qq.identityProviderId });
      outputs.qqCallback = qq.redirectUri;
    }
    return outputs;
  };
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.stop());

test("a consumer program: up, no-op, rotate, remove QQ, destroy", async () => {
  const engine = new LifecycleEngine({ ...emulatorStackConfig(emu), "app:flowName": "customer" });
  const first = await engine.up(consumerProgram({ wechatKey: "k1", withQQ: true }));
  expect(first.outputs).toMatchObject({ wechatKeySet: "B2C_1A_WeChatSecret", signingKeySet: "B2C_1A_TokenSigningKeyContainer", flow: "B2C_1_customer" });
  expect(emu.snapshot().userFlows[0].identityProviderIds.sort()).toEqual(["QQ-OAUTH", "WeChat-OAUTH"]);
  expect(emu.snapshot().keySets.find((k) => k.id === "B2C_1A_TokenSigningKeyContainer")!.keys[0]).toMatchObject({ kty: "RSA", use: "sig" });

  emu.clearRequestLog();
  await engine.up(consumerProgram({ wechatKey: "k1", withQQ: true }));
  expect(graphWrites(emu.requestLog())).toHaveLength(0);

  emu.clearRequestLog();
  await engine.up(consumerProgram({ wechatKey: "k2", withQQ: false }));
  const writes = graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path}`);
  expect(writes).toEqual(
    expect.arrayContaining([
      "PATCH /v1.0/identity/identityProviders/WeChat-OAUTH",
      "POST /beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret",
      "DELETE /beta/identity/b2cUserFlows/B2C_1_customer/userFlowIdentityProviders/QQ-OAUTH/$ref",
      "DELETE /v1.0/identity/identityProviders/QQ-OAUTH",
    ]),
  );
  expect(writes).toHaveLength(4);
  // Detached before deleted.
  expect(writes.indexOf("DELETE /beta/identity/b2cUserFlows/B2C_1_customer/userFlowIdentityProviders/QQ-OAUTH/$ref")).toBeLessThan(
    writes.indexOf("DELETE /v1.0/identity/identityProviders/QQ-OAUTH"),
  );

  await engine.destroy();
  const empty = emu.snapshot();
  expect([empty.identityProviders, empty.userFlows, empty.keySets]).toEqual([[], [], []]);
});
