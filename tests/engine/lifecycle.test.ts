// The stack program under the real Pulumi engine (CLI + Node language host + dynamic-provider
// host) against the emulator, with the emulator's request log as the witness. The steps build on
// each other, like a stack's life: up, no-op up, refresh, rotation, drift, removal, destroy.
import type { RunningEmulator } from "../../emulator";
import { EngineProject, summaryCounts, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";
import { wechatAppKey } from "../helpers/appKeys";
import { holdableClock } from "../helpers/clock";

// A canary APP KEY of the WeChat shape (32 hex digits: other shapes are refused at preview).
const WECHAT_KEY = "7f3a9c51CafeBabe0ddba11ca7a109e5";
const QQ_KEY = "canary-QQ-AppKey-0be4d2a8";

function socialSignIn(providers: ("WeChat" | "QQ")[]) {
  const appIds = { WeChat: "wx0123456789abcdef", QQ: "101000001" };
  return {
    identityProviders: providers.map((type) => ({ type, appId: appIds[type], displayName: type, policyKey: true })),
    userFlows: [
      {
        name: "signupsignin",
        userFlowType: "signUpOrSignIn",
        identityProviders: providers,
        testApplicationId: "11111111-2222-3333-4444-555555555555",
      },
    ],
    tokenKeys: true,
  };
}

describe("the stack program through the real Pulumi engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  let before: ReturnType<RunningEmulator["snapshot"]>;
  let firstOutputs: Record<string, any>;

  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ config: { "b2c:socialSignIn": socialSignIn(["WeChat", "QQ"]) }, secrets: { "b2c:wechatAppKey": WECHAT_KEY, "b2c:qqAppKey": QQ_KEY } }),
  );
  beforeAll(() => {
    before = emu.snapshot();
  });

  test("up from empty creates what the stack declares, and nothing else; each new object is looked at once before its create", async () => {
    emu.clearRequestLog();
    const up = await project.up();
    // The look before each create is create's own: Check (which the engine sends one resource at a
    // time) makes none, and the preview's look is the plugin's answer to a Create with preview set,
    // which `up --skip-preview` does not send.
    const calls = graphCalls(emu.requestLog());
    const looksBeforeCreate = (look: string, create: (body: any) => boolean) => {
      const created = calls.findIndex((e) => e.method === "POST" && create(e.body));
      expect([look, created]).not.toEqual([look, -1]);
      return [look, calls.slice(0, created).filter((e) => e.method === "GET" && e.path === look).length];
    };
    for (const name of ["QQSecret", "TokenEncryptionKeyContainer", "TokenSigningKeyContainer", "WeChatSecret"]) {
      const look = `/beta/trustFramework/keySets/B2C_1A_${name}`;
      expect(looksBeforeCreate(look, (body) => body?.id === name)).toEqual([look, 1]);
    }
    const flow = "/beta/identity/b2cUserFlows/B2C_1_signupsignin";
    expect(looksBeforeCreate(flow, (body) => /^(B2C_1_)?signupsignin$/.test(body?.id))).toEqual([flow, 1]);
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => [p.type, p.clientId]).sort()).toEqual([
      ["QQ", "101000001"],
      ["WeChat", "wx0123456789abcdef"],
    ]);
    expect(tenant.userFlows.map((f) => f.id)).toEqual(["B2C_1_signupsignin"]);
    expect(tenant.userFlows[0].identityProviderIds.map((id: string) => id.toLowerCase()).sort()).toEqual(["qq-oauth", "wechat-oauth"]);
    expect(tenant.keySets.map((k) => k.id).sort()).toEqual([
      "B2C_1A_QQSecret",
      "B2C_1A_TokenEncryptionKeyContainer",
      "B2C_1A_TokenSigningKeyContainer",
      "B2C_1A_WeChatSecret",
    ]);
    firstOutputs = await project.outputs();
    expect(firstOutputs.keySetIds.WeChatSecret).toBe("B2C_1A_WeChatSecret");
    expect(firstOutputs.identityProviders.WeChat.callbackDomain).toBe(`${emu.tenantName}.b2clogin.com`);
  });

  test("a second up reports no changes and makes no Graph write", async () => {
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("preview of the unchanged stack shows no change either", async () => {
    const preview = await project.preview(["--expect-no-changes"]);
    expect(summaryCounts(preview.stdout).unchanged).toBeGreaterThan(0);
  });

  test("rotation: a new APP KEY is a PATCH and an uploadSecret, with no replace and the same ids", async () => {
    const ids = await project.resources();
    await project.setSecret("b2c:wechatAppKey", wechatAppKey(`${WECHAT_KEY}-rotated`));
    // The preview says the same: the flow's attachment of WeChat waits on the provider's id, unknown
    // in a preview while the provider is updated, and must not be shown as replaced.
    const preview = await project.preview();
    expect(summaryCounts(preview.stdout)["to replace"] ?? 0).toBe(0);
    expect(summaryCounts(preview.stdout)["to update"]).toBeGreaterThan(0);
    emu.clearRequestLog();
    const up = await project.up();
    expect(summaryCounts(up.stdout).replaced ?? 0).toBe(0);
    const writes = graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path.replace(/^\/(v1\.0|beta)/, "")}`);
    expect(writes.sort()).toEqual(["PATCH /identity/identityProviders/WeChat-OAUTH", "POST /trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret"]);
    expect((await project.resources()).map((r) => r.id).sort()).toEqual(ids.map((r) => r.id).sort());
    const keys = emu.snapshot().keySets.find((k) => k.id === "B2C_1A_WeChatSecret")!.keys;
    expect(keys.length).toBeGreaterThan(1); // the old key stays until the new one is active
  });

  test("drift: what is deleted or renamed out of band is seen by refresh and repaired by up", async () => {
    const { graphFetch } = await import("../helpers/emulator");
    expect((await graphFetch(emu, "DELETE", "/beta/trustFramework/keySets/B2C_1A_QQSecret")).status).toBe(204);
    expect((await graphFetch(emu, "DELETE", "/beta/identity/b2cUserFlows/B2C_1_signupsignin/userFlowIdentityProviders/QQ-OAUTH/$ref")).status).toBe(204);
    const renamed = await graphFetch(emu, "PATCH", "/v1.0/identity/identityProviders/WeChat-OAUTH", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "renamed in the portal",
    });
    expect(renamed.status).toBe(204);
    const refresh = await project.refresh();
    expect(refresh.stdout).toMatch(/deleted/);
    const inState = await project.resources();
    expect(inState.some((r) => r.outputs?.keySetId === "B2C_1A_QQSecret")).toBe(false);
    expect(inState.find((r) => r.outputs?.identityProviderId === "WeChat-OAUTH")?.outputs.displayName).toBe("renamed in the portal");
    emu.clearRequestLog();
    await project.up();
    const tenant = emu.snapshot();
    expect(tenant.keySets.map((k) => k.id)).toContain("B2C_1A_QQSecret");
    expect(tenant.userFlows[0].identityProviderIds.map((id: string) => id.toLowerCase()).sort()).toEqual(["qq-oauth", "wechat-oauth"]);
    expect(tenant.identityProviders.find((p) => p.type === "WeChat")!.displayName).toBe("WeChat");
    const writes = graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path.replace(/^\/(v1\.0|beta)/, "")}`);
    expect(writes.filter((w) => !/B2C_1A_QQSecret|\/trustFramework\/keySets$/.test(w)).sort()).toEqual([
      "PATCH /identity/identityProviders/WeChat-OAUTH",
      "POST /identity/b2cUserFlows/B2C_1_signupsignin/userFlowIdentityProviders/$ref",
    ]);
    await project.up(["--expect-no-changes"]);
  });

  test("removal: dropping QQ from the config deletes only QQ's objects", async () => {
    emu.clearRequestLog();
    await project.setConfig({ "b2c:socialSignIn": socialSignIn(["WeChat"]) });
    const up = await project.up();
    expect(summaryCounts(up.stdout).deleted).toBeGreaterThan(0);
    const writes = graphWrites(emu.requestLog());
    expect(writes.every((e) => e.method === "DELETE")).toBe(true);
    expect(writes.map((e) => e.path).every((p) => /qq/i.test(p))).toBe(true);
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => p.type)).toEqual(["WeChat"]);
    expect(tenant.keySets.map((k) => k.id)).not.toContain("B2C_1A_QQSecret");
    expect(tenant.keySets.map((k) => k.id)).toContain("B2C_1A_WeChatSecret");
    expect(tenant.userFlows[0].identityProviderIds.map((id: string) => id.toLowerCase())).toEqual(["wechat-oauth"]);
  });

  test("no secret leaks: not in the exported state, the backend's files or the CLI output, verbose included", async () => {
    await project.setSecret("b2c:wechatAppKey", wechatAppKey(`${WECHAT_KEY}-quiet`));
    const quiet = await project.up();
    await project.setSecret("b2c:wechatAppKey", wechatAppKey(`${WECHAT_KEY}-verbose`));
    const verbose = await project.up(["-v=9", "--logtostderr"]);
    expect(verbose.stderr.length).toBeGreaterThan(10_000); // the verbose log really was captured
    // The engine's own RPC and planner trace at -v=9 prints the values of config and inputs it holds
    // as secrets (Pulumi 3.250); that is the engine, which no library can change
    // (https://www.pulumi.com/docs/iac/operations/debugging/logging/). Everything else in the
    // verbose output (our providers, the Graph client, the dynamic-provider host) must not show them.
    const engineTrace = /"msg":"(Marshaling property for RPC|Unmarshaling property for RPC|Planner decided (not )?to)/;
    const verboseOurs = verbose.stderr.split("\n").filter((line) => !engineTrace.test(line)).join("\n");
    const texts = {
      exported: JSON.stringify(await project.exportState()),
      backend: project.backendText(),
      outputs: JSON.stringify(await project.outputs()),
      cliStdout: quiet.stdout + quiet.stderr + verbose.stdout,
      verboseOutsideEngineTrace: verboseOurs,
    };
    const canaries = [WECHAT_KEY, QQ_KEY, emu.clientSecret];
    for (const canary of canaries) {
      const forms = [canary, Buffer.from(canary).toString("base64"), encodeURIComponent(canary), Buffer.from(canary).toString("hex")];
      for (const [where, text] of Object.entries(texts)) {
        for (const form of forms) {
          expect({ where, leaked: text.includes(form) ? form : undefined }).toEqual({ where, leaked: undefined });
        }
      }
    }
  });

  test("destroy leaves the tenant as it was before up", async () => {
    await project.destroy();
    const after = emu.snapshot();
    expect(after.identityProviders).toEqual(before.identityProviders);
    expect(after.userFlows).toEqual(before.userFlows);
    expect(after.keySets).toEqual(before.keySets);
    expect(after.policies).toEqual(before.policies);
  });
});

describe("refresh inside Graph's consistency window, through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  const windowClock = holdableClock();
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ config: { "b2c:socialSignIn": socialSignIn(["WeChat"]) }, secrets: { "b2c:wechatAppKey": WECHAT_KEY } }),
    { windowClock: windowClock.now },
  );

  test("a refresh right after up keeps what up created, though Graph still answers 404 for it", async () => {
    // Every object the up creates answers 404 on GET for 4 s after its creation; and again for 4 s
    // from the refresh's first read, however long the up took and the CLI takes to start on a
    // loaded machine (the window is held still until that read).
    emu.setFaults({ consistencyWindowMs: 4000 });
    await project.up();
    emu.clearRequestLog();
    windowClock.hold();
    emu.restartConsistencyWindow();
    const firstRead = setInterval(() => {
      if (emu.requestLog().some((e) => e.kind === "graph" && e.method === "GET")) windowClock.release();
    }, 10);
    try {
      await project.refresh(["--expect-no-changes"]);
    } finally {
      clearInterval(firstRead);
      windowClock.release();
    }
    const notYetVisible = emu.requestLog().filter((e) => e.kind === "graph" && e.method === "GET" && e.status === 404);
    expect(notYetVisible.length).toBeGreaterThan(0); // the refresh really ran inside the window
    expect(graphWrites(emu.requestLog())).toEqual([]);
    emu.setFaults({ consistencyWindowMs: 0 });
    await project.destroy();
    expect(emu.snapshot().identityProviders).toEqual([]);
  });
});
