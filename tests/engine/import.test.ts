// Issue 23 item 5: `pulumi import` of every custom resource by its Graph id, through the real CLI,
// the plugin and the emulator as the tenant. Objects are made out of band (Graph, as the portal
// does); each import leaves state that reflects the tenant, adopted, with no Graph write; the code
// `pulumi import --out` writes type-checks against this package; the next `up` of a program made
// of that code, the secrets filled in, writes only those secrets, the one after writes nothing, and
// `destroy` leaves every imported object in the tenant (adopted objects are: README "Who owns what").
// The default b2c-identity provider does the import: `b2c-identity:*` stack config (the same keys
// as `b2c:*`); the program then uses its own provider from `b2c:*` (kernel/tenantProvider.ts).
import * as fs from "fs";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { runImport } from "../helpers/importCli";
import { importCodegenEnv, typeCheck } from "../helpers/importCodegen";
import { expectedFirstUpWrites, seedMatureTenant, MATURE_IDPS } from "../helpers/matureTenant";
import { fingerprintOf, graphFetch, handMadeIdentityProvider } from "../helpers/emulator";
import { emulatorConfig, EngineProject, summaryCounts, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";

/** The stack's config: `b2c:*` for the program's provider, the same keys as `b2c-identity:*` for the default provider `pulumi import` uses. */
function importStack(emu: RunningEmulator, extraSecrets: Record<string, string> = {}) {
  const defaultProvider = Object.fromEntries(Object.entries(emulatorConfig(emu)).map(([key, value]) => [key.replace(/^b2c:/, "b2c-identity:"), value]));
  return {
    project: { typescript: true, program: "export {};\n" },
    config: defaultProvider,
    secrets: { "b2c-identity:clientSecret": emu.clientSecret, ...extraSecrets },
  };
}

async function ok(emu: RunningEmulator, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
  const r = await graphFetch(emu, method, p, body, headers);
  if (r.status >= 300) throw new Error(`${method} ${p}: HTTP ${r.status} ${r.text}`);
  return r.body;
}

/** `pulumi import <type> <name> <id> --out <file>`; the CLI's output on failure. */
async function pulumiImport(project: EngineProject, args: string[], allowFailure = false) {
  return project.pulumi(["import", ...args, "--yes", "--protect=false"], { allowFailure, env: importCodegenEnv() });
}

/** The generated files as one program: their statements after one set of imports, and the stack config it reads. */
function programOf(dir: string, files: string[], fill: (code: string) => string): string {
  const bodies = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((line) => !line.startsWith("import ")).join("\n"));
  const header = ['import * as fs from "fs";', 'import * as pulumi from "@pulumi/pulumi";', 'import * as b2c_identity from "pulumi-b2c-identity";', 'const config = new pulumi.Config("b2c");'];
  return [...header, ...bodies.map(fill)].join("\n");
}

const byName = (resources: { name: string }[]) => Object.fromEntries(resources.map((r) => [r.name, r])) as Record<string, any>;

const QQ_APP_ID = "101000001";
const PORTAL_QQ_KEY = "portal-qq-app-key-0001";
const NEW_QQ_KEY = "new-qq-app-key-0002";

describe("pulumi import of each custom resource, then the program its code makes", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), (e) => importStack(e, { "b2c:qqAppKey": NEW_QQ_KEY }));

  const IMPORTS = [
    ["IdentityProvider", "qq", "QQ-OAUTH"],
    ["UserFlow", "susi", "B2C_1_susi"],
    ["UserFlowIdentityProviderLink", "susi-qq", "B2C_1_susi/QQ-OAUTH"],
    ["TrustFrameworkKeySet", "qq-secret", "B2C_1A_QQSecret"],
    ["AdoptedTrustFrameworkKeySet", "facebook-secret", "B2C_1A_FacebookSecret"],
    ["TrustFrameworkPolicy", "probe", "B2C_1A_ImportProbe"],
  ] as const;
  let tenantBefore: ReturnType<RunningEmulator["snapshot"]>;

  beforeAll(async () => {
    // The tenant as built in the portal: a QQ provider on a flow, its secret as a keyset, another
    // keyset, and a custom policy that references the QQ keyset.
    await handMadeIdentityProvider(emu, "QQ", QQ_APP_ID, PORTAL_QQ_KEY, "QQ");
    await ok(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    await ok(emu, "POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", { "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/QQ-OAUTH` });
    for (const [id, k] of [["QQSecret", PORTAL_QQ_KEY], ["FacebookSecret", "portal-facebook-secret"]]) {
      await ok(emu, "POST", "/beta/trustFramework/keySets", { id });
      await ok(emu, "POST", `/beta/trustFramework/keySets/B2C_1A_${id}/uploadSecret`, { use: "sig", k });
    }
    const xml =
      `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_ImportProbe">` +
      `<ClaimsProviders><ClaimsProvider><DisplayName>QQ</DisplayName><TechnicalProfiles><TechnicalProfile Id="QQ-OAuth2"><DisplayName>QQ</DisplayName>` +
      `<Protocol Name="OAuth2" /><CryptographicKeys><Key Id="client_secret" StorageReferenceId="B2C_1A_QQSecret" /></CryptographicKeys>` +
      `</TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>`;
    await ok(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_ImportProbe/$value", xml, { "content-type": "application/xml" });
    tenantBefore = emu.snapshot();
  });

  test("each type imports by its Graph id: state holds the tenant's object, adopted, with no secret and no Graph write", async () => {
    emu.clearRequestLog();
    for (const [type, name, id] of IMPORTS) {
      const result = await pulumiImport(project, [`b2c-identity:index:${type}`, name, id, "--out", `${name}.ts`]);
      expect(result.stdout).toMatch(/1 imported/);
    }
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    const state = byName(await project.resources());
    expect(Object.keys(state).sort()).toEqual(IMPORTS.map(([, name]) => name).sort());
    for (const [type, name, id] of IMPORTS) expect([state[name].type, state[name].id]).toEqual([type, id]);
    expect(state.qq.inputs).toEqual({ type: "QQ", clientId: QQ_APP_ID, displayName: "QQ", adoptExisting: true });
    expect(state.qq.outputs).toMatchObject({ identityProviderId: "QQ-OAUTH", adopted: true, redirectUri: expect.stringContaining("/oauth2/authresp") });
    expect(state.susi.inputs).toEqual({ name: "B2C_1_susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans", adoptExisting: true });
    expect(state.susi.outputs).toMatchObject({ userFlowId: "B2C_1_susi", adopted: true });
    expect(state["susi-qq"].inputs).toEqual({ userFlowId: "B2C_1_susi", identityProviderId: "QQ-OAUTH", adoptExisting: true });
    expect(state["susi-qq"].outputs).toMatchObject({ adopted: true });
    expect(state["qq-secret"].inputs).toEqual({ name: "B2C_1A_QQSecret", secret: { use: "sig" }, adoptExisting: true });
    expect(state["qq-secret"].outputs).toMatchObject({ keySetId: "B2C_1A_QQSecret", source: "secret", adopted: true, inferredSource: true, keys: [expect.objectContaining({ kty: expect.stringMatching(/^oct$/i), use: "sig" })] });
    expect(state["facebook-secret"].inputs).toEqual({ name: "B2C_1A_FacebookSecret", source: "secret", use: "sig", keyType: "oct" });
    expect(state["facebook-secret"].outputs).toMatchObject({ keySetId: "B2C_1A_FacebookSecret", adopted: true });
    expect(state.probe.inputs).toMatchObject({ policyId: "B2C_1A_ImportProbe", xml: expect.stringContaining('StorageReferenceId="B2C_1A_QQSecret"'), adoptExisting: true });
    expect(state.probe.outputs).toMatchObject({ policyId: "B2C_1A_ImportProbe", contentHash: expect.stringMatching(/^sha256:/), adopted: true });
    expect(project.backendText()).not.toContain(PORTAL_QQ_KEY);
  });

  test("the code pulumi import writes type-checks against the package", () => {
    const qq = fs.readFileSync(path.join(project.dir, "qq.ts"), "utf8");
    expect(qq).toContain('import * as b2c_identity from "pulumi-b2c-identity"');
    expect(qq).toMatch(/new b2c_identity\.IdentityProvider\("qq", \{[\s\S]*clientSecret: "",[\s\S]*\}\);/);
    for (const [type, name] of IMPORTS) expect(fs.readFileSync(path.join(project.dir, `${name}.ts`), "utf8")).toContain(`new b2c_identity.${type}(`);
    const checked = typeCheck(project.dir, IMPORTS.map(([, name]) => `${name}.ts`));
    expect(checked).toEqual({ code: 0, output: "" });
  });

  test("the next up, from that code with the secrets filled in, writes only the secrets; the one after writes nothing", async () => {
    const program = programOf(project.dir, IMPORTS.map(([, name]) => `${name}.ts`), (code) =>
      code.replace('clientSecret: ""', 'clientSecret: config.requireSecret("qqAppKey")').replace('value: ""', 'value: config.requireSecret("qqAppKey")'),
    );
    fs.writeFileSync(path.join(project.dir, "index.ts"), program);
    expect(typeCheck(project.dir, ["index.ts"])).toEqual({ code: 0, output: "" });
    emu.clearRequestLog();
    const up = await project.up();
    const counts = summaryCounts(up.stdout);
    expect(counts).not.toHaveProperty("replaced");
    expect(counts.updated).toBe(2);
    const writes = graphWrites(emu.requestLog());
    expect(describeCalls(writes).map((c) => c.replace(/ -> \d+$/, "")).sort()).toEqual([
      "PATCH /v1.0/identity/identityProviders/QQ-OAUTH",
      "POST /beta/trustFramework/keySets/B2C_1A_QQSecret/uploadSecret",
    ]);
    // The identity provider's PATCH sets the secret and nothing else (the display name and APP ID are the tenant's).
    expect(Object.keys(writes.find((w) => w.method === "PATCH")!.body as object).sort()).toEqual(["@odata.type", "clientSecret"]);
    const idp = emu.snapshot().identityProviders.find((p) => p.id === "QQ-OAUTH")!;
    expect(idp.clientSecretFingerprint).toEqual(fingerprintOf(NEW_QQ_KEY));
    const state = byName(await project.resources());
    expect(state["qq-secret"].outputs).toMatchObject({ adopted: true, keyMaterialHash: expect.any(String), keys: [expect.anything(), expect.anything()] });
    expect(state["qq-secret"].outputs).not.toHaveProperty("inferredSource");
    for (const [type, name, id] of IMPORTS) expect([state[name].type, state[name].id]).toEqual([type, id]);

    emu.clearRequestLog();
    const again = await project.up(["--expect-no-changes"]);
    expect(summaryCounts(again.stdout)).toEqual({ unchanged: expect.any(Number) });
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("destroy leaves every imported object in the tenant, with no Graph write", async () => {
    emu.clearRequestLog();
    await project.destroy();
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    const after = emu.snapshot();
    expect(after.identityProviders.map((p) => [p.id, p.clientId, p.displayName])).toEqual(tenantBefore.identityProviders.map((p) => [p.id, p.clientId, p.displayName]));
    expect(after.userFlows).toEqual(tenantBefore.userFlows);
    expect(after.policies).toEqual(tenantBefore.policies);
    expect(after.keySets.map((k) => [k.id, k.keys.length])).toEqual([
      ["B2C_1A_QQSecret", 2], // the key the first up added, as an adoption adds it
      ["B2C_1A_FacebookSecret", 1],
    ]);
  });

  test("what is not a tenant object, or not in the tenant, is refused with the reason", async () => {
    const record = await pulumiImport(project, ["b2c-identity:index:PolicyReleaseRecord", "record", "B2C_1A_TrustFrameworkBase", "--generate-code=false"], true);
    expect(record.code).not.toBe(0);
    expect(record.stdout + record.stderr).toMatch(/b2c-identity:index:PolicyReleaseRecord cannot be imported: it is the book a versioned TrustFrameworkPolicySet keeps/);
    const missing = await pulumiImport(project, ["b2c-identity:index:IdentityProvider", "google", "Google-OAUTH", "--generate-code=false"], true);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/Cannot import identity provider "Google-OAUTH": tenant \S+ holds none with that id/);
    const link = await pulumiImport(project, ["b2c-identity:index:UserFlowIdentityProviderLink", "link", "QQ-OAUTH", "--generate-code=false"], true);
    expect(link.stdout + link.stderr).toMatch(/Its id is `<user flow id>\/<identity provider id>`, e\.g\. B2C_1_susi\/WeChat-OAUTH/);
    expect((await project.resources()).length).toBe(0);
  });
});

describe("an import under its component lines up with the program that declares the component", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  const WECHAT_APP = "wx0123456789abcdef";
  const APP_KEY = "0123456789abcdef0123456789abcdef";
  useEngineStack((s) => ({ emu, project } = s), (e) => importStack(e, { "b2c:wechatAppKey": APP_KEY }));

  test("WeChatIdentityProvider 'wechat' holds IdentityProvider 'wechat': imported with the component as its parent, the first up writes only the APP KEY", async () => {
    await handMadeIdentityProvider(emu, "WeChat", WECHAT_APP, "portal-wechat-app-key-00000000000", "WeChat");
    // The component is in the document too (`component: true`), so the import's URN is the one the
    // component gives its resource: `…WeChatIdentityProvider$b2c-identity:index:IdentityProvider::wechat`.
    fs.writeFileSync(
      path.join(project.dir, "import.json"),
      JSON.stringify({
        resources: [
          { type: "b2c-identity:index:WeChatIdentityProvider", name: "wechatComponent", logicalName: "wechat", component: true },
          { type: "b2c-identity:index:IdentityProvider", name: "wechat", id: "WeChat-OAUTH", parent: "wechatComponent" },
        ],
      }),
    );
    emu.clearRequestLog();
    await pulumiImport(project, ["--file", "import.json", "--generate-code=false"]);
    const [imported] = await project.resources();
    expect(imported).toMatchObject({ type: "IdentityProvider", name: "wechat", id: "WeChat-OAUTH", outputs: { adopted: true } });

    fs.writeFileSync(
      path.join(project.dir, "index.ts"),
      `import * as pulumi from "@pulumi/pulumi";\nimport { WeChatIdentityProvider } from "pulumi-b2c-identity";\n` +
        `const config = new pulumi.Config("b2c");\n` +
        `new WeChatIdentityProvider("wechat", { appId: "${WECHAT_APP}", appKey: config.requireSecret("wechatAppKey"), adoptExisting: true });\n`,
    );
    const up = await project.up();
    expect(summaryCounts(up.stdout)).not.toHaveProperty("replaced");
    expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""))).toEqual(["PATCH /v1.0/identity/identityProviders/WeChat-OAUTH"]);
    const state = await project.exportState();
    const urns = state.deployment.resources.filter((r: any) => r.type.startsWith("b2c-identity:index:")).map((r: any) => r.urn.split("::").slice(2).join("::"));
    expect(urns.sort()).toEqual(["b2c-identity:index:WeChatIdentityProvider$b2c-identity:index:IdentityProvider::wechat", "b2c-identity:index:WeChatIdentityProvider::wechat"]);
    await project.destroy();
    expect(emu.snapshot().identityProviders.map((p) => p.id)).toEqual(["WeChat-OAUTH"]);
  });
});

describe("b2c-identity import --pulumi-import-file, then pulumi import --file, on a mature tenant", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  // The program reads each provider's secret as b2c:<name>Secret (its name in the document).
  useEngineStack((s) => ({ emu, project } = s), (e) => importStack(e, Object.fromEntries(MATURE_IDPS.map((idp) => [`b2c:${idp.type.toLowerCase()}Secret`, idp.secret]))));

  /** Each IdentityProvider's clientSecret from stack config; with `policyFiles`, each policy document read from the file the CLI wrote. */
  const fill = (policyFiles: boolean) => (code: string) =>
    code
      .replace(/new b2c_identity\.IdentityProvider\("(\w+)", \{([\s\S]*?)\n\}\);/g, (block, name: string) =>
        block.replace('clientSecret: ""', `clientSecret: config.requireSecret("${name}Secret")`),
      )
      .replace(/new b2c_identity\.TrustFrameworkPolicy\("[^"]+", \{([\s\S]*?)\n\}\);/g, (block) =>
        policyFiles
          ? block.replace(/xml: (`(?:\\[\s\S]|[^`\\])*`|"(?:\\[\s\S]|[^"\\])*")/, `xml: fs.readFileSync("policies/${/policyId: "([^"]+)"/.exec(block)![1]}.xml", "utf8")`)
          : block,
      );

  test("every object imported adopted; the generated program's first up writes only the identity providers' secrets, then nothing; destroy leaves the tenant as it was", async () => {
    await seedMatureTenant(emu);
    const before = emu.snapshot();
    const file = path.join(project.dir, "import.json");
    const written = await runImport(emu, ["--pulumi-import-file", file, "--output", path.join(project.dir, "Pulumi.mature.yaml"), "--policies-dir", path.join(project.dir, "policies")]);
    expect(written.code).toBe(0);
    const { resources } = JSON.parse(fs.readFileSync(file, "utf8"));

    emu.clearRequestLog();
    const imported = await pulumiImport(project, ["--file", "import.json", "--out", "imported.ts"]);
    expect(imported.stdout).toMatch(new RegExp(`${resources.length} imported`));
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect((await project.resources()).every((r) => r.outputs.adopted === true)).toBe(true);
    expect(typeCheck(project.dir, ["imported.ts"])).toEqual({ code: 0, output: "" });

    // The generated code as it is: the base and localization documents lost their "$" (Pulumi's
    // TypeScript generator): preview refuses them, naming why, before any write.
    fs.writeFileSync(path.join(project.dir, "index.ts"), programOf(project.dir, ["imported.ts"], fill(false)));
    emu.clearRequestLog();
    const refused = await project.preview([], { allowFailure: true });
    expect(refused.code).not.toBe(0);
    // (The engine stops at the first failed check: either document may be the one named.)
    expect(refused.stdout + refused.stderr).toMatch(/TrustFrameworkPolicy resource 'TrustFramework(Base|Localization)' has a problem: xml is the document in state with the (11|4) "\$" it held removed/);
    expect(refused.stdout + refused.stderr).not.toContain("<ClaimsSchema>");
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

    // The documents read from the files `b2c-identity import --policies-dir` wrote.
    fs.writeFileSync(path.join(project.dir, "index.ts"), programOf(project.dir, ["imported.ts"], fill(true)));
    expect(typeCheck(project.dir, ["index.ts"])).toEqual({ code: 0, output: "" });
    emu.clearRequestLog();
    const up = await project.up();
    expect(summaryCounts(up.stdout)).not.toHaveProperty("replaced");
    expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, "")).sort()).toEqual(expectedFirstUpWrites(before));
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    await project.destroy();
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(emu.snapshot()).toEqual(before);
  });
});
