// Programs in another language: the Pulumi YAML example (examples/yaml/) under the real engine. The
// CLI runs Pulumi YAML's language host from beside it (`npm run pulumi:install` builds it), the host
// type-checks the program against the schema the b2c-identity plugin serves, and the plugin (installed
// in the project's PULUMI_HOME as `b2c-identity plugin install` does) builds the components through
// `construct` and serves their resources; the emulator is the tenant and its request log the witness.
// No TypeScript program and no node_modules: the YAML program reaches the package only through the plugin.
import * as path from "path";
import type { EmulatorSnapshot, RunningEmulator } from "../../emulator";
import { fingerprintOf, startTestEmulator } from "../helpers/emulator";
import { EngineProject, emulatorProviderConfig, repoRoot } from "../helpers/pulumiEngine";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";

const EXAMPLE = path.join(repoRoot, "examples", "yaml");
// Canary APP KEYs: the WeChat one of the shape WeChat issues (32 hex digits), the QQ one any secret.
const WECHAT_KEY = "5b2e8f0aC0ffee11decade5eed1e55aa";
const QQ_KEY = "canary-QQ-AppKey-yaml-7c41e9d3";
const SECRET_SIG = "4dabf18193072939515e22adb298388d"; // Pulumi's marker of a secret in state (sdk/go/common/resource/sig)

/** Whether the checkpoint's value is an encrypted secret (`{ <sig>: <secret sig>, ciphertext }`). */
function isEncryptedSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && SECRET_SIG in value && "ciphertext" in value && !("plaintext" in value);
}

/** The tenant's objects a sign-in program makes, without the fingerprints (compared separately). */
function objectsOf(tenant: EmulatorSnapshot) {
  return {
    identityProviders: tenant.identityProviders.map((p) => [p.id, p.type, p.clientId]).sort(),
    keySets: tenant.keySets.map((k) => k.id).sort(),
    userFlows: tenant.userFlows.map((f) => [f.id, [...f.identityProviderIds].map((id) => id.toLowerCase()).sort()]),
  };
}

/** A stack's state: its resources' types and names, and the provider each custom one uses. */
async function stateOf(project: EngineProject): Promise<{ resources: string[]; providers: string[] }> {
  const resources: any[] = (await project.exportState()).deployment.resources ?? [];
  return {
    resources: resources.map((r) => `${r.type}::${r.urn.split("::").pop()}`).sort(),
    providers: [...new Set(resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => String(r.provider).split("::").slice(-2, -1)[0]))].sort(),
  };
}

describe("the Pulumi YAML example (examples/yaml/) with the stack's default provider (b2c-identity:* config)", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  let before: EmulatorSnapshot;
  let afterUp: EmulatorSnapshot;

  beforeAll(async () => {
    emu = await startTestEmulator();
    project = new EngineProject({ yaml: EXAMPLE });
    const provider = emulatorProviderConfig(emu);
    // The QQ APP ID digits-only, as QQ issues them: Pulumi YAML sends it to construct as a number
    // (pulumi/pulumi-yaml#577), which the plugin types back as the schema's string (host/plugin/schemaValues.ts).
    await project.init({ ...provider.config, wechatAppId: "wx0000000000000001", qqAppId: "101000001" }, { ...provider.secrets, wechatAppKey: WECHAT_KEY, qqAppKey: QQ_KEY });
    before = emu.snapshot();
  });
  afterAll(async () => {
    project?.cleanup();
    await emu?.stop();
  });

  test("up creates the WeChat and QQ identity providers, their keysets and the flow showing both", async () => {
    await project.up();
    afterUp = emu.snapshot();
    expect(objectsOf(afterUp)).toEqual({
      identityProviders: [
        ["QQ-OAUTH", "QQ", "101000001"],
        ["WeChat-OAUTH", "WeChat", "wx0000000000000001"],
      ],
      keySets: ["B2C_1A_QQSecret", "B2C_1A_WeChatSecret"],
      userFlows: [["B2C_1_signupsignin", ["qq-oauth", "wechat-oauth"]]],
    });
    // The APP KEYs from the secret stack config reached Graph, each as the provider's secret and as its keyset's.
    const byType = Object.fromEntries(afterUp.identityProviders.map((p) => [p.type, p]));
    expect(byType.WeChat.clientSecretFingerprint).toEqual(fingerprintOf(WECHAT_KEY));
    expect(byType.QQ.clientSecretFingerprint).toEqual(fingerprintOf(QQ_KEY));
    const keySets = Object.fromEntries(afterUp.keySets.map((k) => [k.id, k.keys]));
    expect(keySets.B2C_1A_WeChatSecret).toEqual([expect.objectContaining({ use: "sig", secretFingerprint: fingerprintOf(WECHAT_KEY) })]);
    expect(keySets.B2C_1A_QQSecret).toEqual([expect.objectContaining({ use: "sig", secretFingerprint: fingerprintOf(QQ_KEY) })]);

    expect(await project.outputs()).toEqual({
      wechatIdentityProviderId: "WeChat-OAUTH",
      wechatCallbackDomain: `${emu.tenantName}.b2clogin.com`,
      qqIdentityProviderId: "QQ-OAUTH",
      qqRedirectUri: `https://${emu.tenantName}.b2clogin.com/${emu.tenantDomain}/oauth2/authresp`,
      userFlowId: "B2C_1_signupsignin",
      keySetIds: { WeChatSecret: "B2C_1A_WeChatSecret", QQSecret: "B2C_1A_QQSecret" },
    });
    // The components the plugin built, their resources, all served by the default provider.
    const state = await stateOf(project);
    expect(state.providers).toEqual(["default"]);
    expect(state.resources).toEqual(
      [
        "b2c-identity:index:B2CSocialSignIn::signIn",
        "b2c-identity:index:B2CUserFlow::signIn-signupsignin",
        "b2c-identity:index:IdentityProvider::signIn-qq",
        "b2c-identity:index:IdentityProvider::signIn-wechat",
        "b2c-identity:index:PolicyKey::signIn-qq-secret",
        "b2c-identity:index:PolicyKey::signIn-wechat-secret",
        "b2c-identity:index:SocialIdentityProvider::signIn-qq",
        "b2c-identity:index:SocialIdentityProvider::signIn-wechat",
        "b2c-identity:index:TrustFrameworkKeySet::signIn-qq-secret",
        "b2c-identity:index:TrustFrameworkKeySet::signIn-wechat-secret",
        "b2c-identity:index:UserFlow::signIn-signupsignin",
        "b2c-identity:index:UserFlowIdentityProvider::signIn-signupsignin-qq",
        "b2c-identity:index:UserFlowIdentityProvider::signIn-signupsignin-wechat",
        "b2c-identity:index:UserFlowIdentityProviderLink::signIn-signupsignin-qq",
        "b2c-identity:index:UserFlowIdentityProviderLink::signIn-signupsignin-wechat",
        "pulumi:providers:b2c-identity::default",
        "pulumi:pulumi:Stack::b2c-wechat-qq-yaml-test",
      ].sort(),
    );
  });

  test("a second up reports no changes and makes no Graph write", async () => {
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("refresh reads every object back and keeps it: no change, no write, the same state", async () => {
    const state = await stateOf(project);
    emu.clearRequestLog();
    await project.refresh(["--expect-no-changes"]);
    expect(graphCalls(emu.requestLog()).length).toBeGreaterThan(0);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(await stateOf(project)).toEqual(state);
    expect(emu.snapshot()).toEqual(afterUp);
  });

  test("the APP KEYs and the client secret are in the state only encrypted", async () => {
    const checkpoint = await project.exportState();
    const text = JSON.stringify(checkpoint) + project.backendText();
    for (const secret of [WECHAT_KEY, QQ_KEY, emu.clientSecret]) expect(text).not.toContain(secret);
    const resources: any[] = checkpoint.deployment.resources;
    const provider = resources.find((r) => r.type === "pulumi:providers:b2c-identity");
    expect(isEncryptedSecret(provider.inputs.clientSecret)).toBe(true);
    const identityProviders = resources.filter((r) => r.type === "b2c-identity:index:IdentityProvider");
    expect(identityProviders).toHaveLength(2);
    for (const r of identityProviders) expect(isEncryptedSecret(r.inputs.clientSecret)).toBe(true);
  });

  test("destroy leaves the tenant as it was before the first up", async () => {
    await project.destroy();
    expect(emu.snapshot()).toEqual(before);
    expect(await stateOf(project)).toEqual({ resources: [], providers: [] });
  });
});

describe("a Pulumi YAML program with an explicit provider (pulumi:providers:b2c-identity)", () => {
  // The tenant's settings as the provider's properties; the stack has no b2c-identity:* config, so a
  // resource that fell back to the default provider would fail to find a tenant.
  const program = (properties: string) => `name: b2c-explicit-provider
runtime: yaml
config:
  tenantId: { type: string }
  tenantName: { type: string }
  clientId: { type: string }
  emulatorUrl: { type: string }
  tenantClientSecret: { type: string, secret: true }
  wechatAppKey: { type: string, secret: true }
resources:
  tenant:
    type: pulumi:providers:b2c-identity
    properties:
${properties}
  wechat:
    type: b2c-identity:index:WeChatIdentityProvider
    properties:
      appId: wx0000000000000002
      appKey: \${wechatAppKey}
    options:
      provider: \${tenant}
  wechatKey:
    type: b2c-identity:index:WeChatSecretKey
    properties:
      appKey: \${wechatAppKey}
    options:
      provider: \${tenant}
outputs:
  callbackDomain: \${wechat.callbackDomain}
  keySetId: \${wechatKey.keySetId}
`;
  const ALL_PROPERTIES = [
    "      tenantId: ${tenantId}",
    "      tenantName: ${tenantName}",
    "      clientId: ${clientId}",
    "      clientSecret: ${tenantClientSecret}",
    "      graphEndpoint: ${emulatorUrl}",
    "      authorityHost: ${emulatorUrl}",
  ].join("\n");

  let emu: RunningEmulator;
  const projects: EngineProject[] = [];
  const projectFor = async (properties: string): Promise<EngineProject> => {
    const project = new EngineProject({ yaml: true, files: { "Pulumi.yaml": program(properties) } });
    projects.push(project);
    await project.init(
      { tenantId: emu.tenantDomain, tenantName: emu.tenantName, clientId: emu.clientId, emulatorUrl: emu.graphEndpoint },
      { tenantClientSecret: emu.clientSecret, wechatAppKey: WECHAT_KEY },
    );
    return project;
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => {
    for (const project of projects) project.cleanup();
    await emu?.stop();
  });

  test("its resources go to the tenant its properties name: up, a no-op up, destroy", async () => {
    const before = emu.snapshot();
    const project = await projectFor(ALL_PROPERTIES);
    await project.up();
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => [p.type, p.clientId])).toEqual([["WeChat", "wx0000000000000002"]]);
    expect(tenant.identityProviders[0].clientSecretFingerprint).toEqual(fingerprintOf(WECHAT_KEY));
    expect(tenant.keySets.map((k) => k.id)).toEqual(["B2C_1A_WeChatSecret"]);
    expect(await project.outputs()).toEqual({ callbackDomain: `${emu.tenantName}.b2clogin.com`, keySetId: "B2C_1A_WeChatSecret" });
    const state = await stateOf(project);
    expect(state.providers).toEqual(["tenant"]);
    expect(state.resources.filter((r) => r.startsWith("pulumi:providers:"))).toEqual(["pulumi:providers:b2c-identity::tenant"]);
    expect(JSON.stringify(await project.exportState()) + project.backendText()).not.toContain(emu.clientSecret);

    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

    await project.destroy();
    expect(emu.snapshot()).toEqual(before);
  });

  test("without a tenantId, the error names the provider's property, before any Graph call", async () => {
    const project = await projectFor(ALL_PROPERTIES.split("\n").filter((p) => !p.includes("tenantId")).join("\n"));
    emu.clearRequestLog();
    const preview = await project.pulumi(["preview"], { allowFailure: true, env: { B2C_TENANT_ID: "" } });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain("No B2C tenant configured: set property 'tenantId' of the provider 'tenant' (pulumi:providers:b2c-identity)");
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });
});

describe("the YAML example with no b2c-identity:* config", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  beforeAll(async () => {
    emu = await startTestEmulator();
    project = new EngineProject({ yaml: EXAMPLE });
    await project.init({ wechatAppId: "wx0000000000000001", qqAppId: "101000001" }, { wechatAppKey: WECHAT_KEY, qqAppKey: QQ_KEY });
  });
  afterAll(async () => {
    project?.cleanup();
    await emu?.stop();
  });

  test("the error names the default provider's stack config key, b2c-identity:tenantId (not the TypeScript programs' b2c:tenantId)", async () => {
    const preview = await project.pulumi(["preview"], { allowFailure: true, env: { B2C_TENANT_ID: "" } });
    const output = preview.stdout + preview.stderr;
    expect(preview.code).not.toBe(0);
    expect(output).toContain("No B2C tenant configured: set stack config 'b2c-identity:tenantId' (or environment variable B2C_TENANT_ID)");
    expect(output).not.toContain("'b2c:tenantId'");
    expect(graphCalls(emu.requestLog())).toEqual([]);
  });
});
