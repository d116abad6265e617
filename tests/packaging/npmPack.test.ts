// npm pack -> install the tarball into ONE fresh consumer project -> use it there. Catches what only a
// consumer's node_modules shows: the exports map and typesVersions, files missing from the package,
// dependencies the provider plugin requires at run time, and README examples that do not compile.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNMIGRATED_STACK_MESSAGE } from "../../kernel/dynamicState";
import { startTestEmulator } from "../helpers/emulator";
import { emulatorConfig, EngineProject } from "../helpers/pulumiEngine";
import { PULUMI_TEMPLATE_TSCONFIG, readmeKeySets, readmeTsBlocks, runTsc } from "./consumerProject";

const root = path.join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const versionOf = (name: string) => require(`${name}/package.json`).version as string;

let work: string;
let consumer: string;
let packedFiles: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-consumer-"));
  // scripts/test.js builds dist/ once per run and says so (B2C_DIST_FRESH); a run without it builds here.
  if (process.env.B2C_DIST_FRESH !== "1") execFileSync(npm, ["run", "build", "--silent"], { cwd: root, stdio: "pipe" });
  // dist/ is fresh: skip `prepare` (it would build a second time).
  const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" }));
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);
  consumer = path.join(work, "consumer");
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  // What Pulumi's TypeScript template installs (typescript, @types/node), at the versions this repository uses.
  execFileSync(
    npm,
    [
      "install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts",
      path.join(work, packed[0].filename),
      `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`,
      `typescript@${versionOf("typescript")}`,
      `@types/node@${versionOf("@types/node")}`,
    ],
    { cwd: consumer, stdio: "pipe" },
  );
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the package holds dist/ and the schema, no tests", () => {
  expect(packedFiles).toContain("dist/api/index.js");
  expect(packedFiles).toContain("dist/emulator/index.js");
  expect(packedFiles).toContain("dist/emulator/index.d.ts");
  expect(packedFiles).toContain("dist/policies/schema/TrustFrameworkPolicy_0.3.0.0.xsd");
  expect(packedFiles).toContain("schema.json"); // the provider plugin's package schema
  expect(packedFiles.some((f) => f.startsWith("tests/") || f.endsWith(".test.ts"))).toBe(false);
});

test("the consumer reaches the named subpaths; the paths old state loads refuse with the message; no other internal module", () => {
  const probe = [
    `const tryLoad = (p) => { try { const m = require(p); return p.includes("/dist/") ? String(m.anyName) : "ok"; } catch (e) { return e.code ?? e.message; } };`,
    `const names = ${JSON.stringify(["pulumi-b2c-identity", "pulumi-b2c-identity/policies", "pulumi-b2c-identity/emulator", "pulumi-b2c-identity/dist/graph/client.js", "pulumi-b2c-identity/dist/providers/index.js", "pulumi-b2c-identity/dist/graph/redact.js", "pulumi-b2c-identity/dist/api/index.js"])};`,
    `console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, tryLoad(n)]))));`,
  ].join("\n");
  const loaded = JSON.parse(execFileSync(process.execPath, ["-e", probe], { cwd: consumer, encoding: "utf8" }));
  expect(loaded).toEqual({
    "pulumi-b2c-identity": "ok",
    "pulumi-b2c-identity/policies": "ok",
    "pulumi-b2c-identity/emulator": "ok",
    // kernel/unmigratedState.ts: loads, and refuses the first name read from it.
    "pulumi-b2c-identity/dist/graph/client.js": UNMIGRATED_STACK_MESSAGE,
    "pulumi-b2c-identity/dist/providers/index.js": UNMIGRATED_STACK_MESSAGE,
    "pulumi-b2c-identity/dist/graph/redact.js": "ERR_PACKAGE_PATH_NOT_EXPORTED",
    "pulumi-b2c-identity/dist/api/index.js": "ERR_PACKAGE_PATH_NOT_EXPORTED",
  });
});

test("the README's main example runs through the real `pulumi up` in the consumer project", async () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const main = readmeTsBlocks(readme)[0];
  expect(main.code).toMatch(/new WeChatIdentityProvider/);
  const emu = await startTestEmulator();
  const project = new EngineProject({ program: main.code, typescript: true, install: "installed", nodeModules: path.join(consumer, "node_modules") });
  try {
    // The one install step the README gives: the plugin of the installed package, into Pulumi's plugin cache.
    const install = spawnSync(path.join(consumer, "node_modules", ".bin", "b2c-identity"), ["plugin", "install"], { cwd: consumer, env: project.env(), encoding: "utf8" });
    expect(install.status).toBe(0);
    const pluginFolder = /in (\S+)$/m.exec(install.stdout.trim())![1];
    expect(fs.readFileSync(path.join(pluginFolder, "pulumi-resource-b2c-identity"), "utf8")).toContain(path.join(consumer, "node_modules", "pulumi-b2c-identity"));
    await project.init(
      { ...emulatorConfig(emu), "b2c:wechatAppId": "wx0123456789abcdef" },
      { "b2c:clientSecret": emu.clientSecret, "b2c:wechatAppKey": "1c14bd881b203c46a61e5cccf73a80b0" },
    );
    await project.up();
    const tenant = emu.snapshot();
    expect(tenant.identityProviders.map((p) => [p.type, p.clientId])).toEqual([["WeChat", "wx0123456789abcdef"]]);
    expect(tenant.userFlows.map((f) => [f.id, f.identityProviderIds.map((id) => id.toLowerCase())])).toEqual([["B2C_1_signupsignin", ["wechat-oauth"]]]);
    expect((await project.outputs()).wechatCallbackDomain).toBe(`${emu.tenantName}.b2clogin.com`);
    // The plugin served them: the plugin's types, and no code in state.
    const resources = await project.resources();
    expect(resources.map((r) => r.type).sort()).toEqual(["IdentityProvider", "UserFlow", "UserFlowIdentityProviderLink"]);
    expect(JSON.stringify(resources)).not.toContain("__provider");
    await project.up(["--expect-no-changes"]);
    await project.destroy();
    expect([emu.snapshot().identityProviders, emu.snapshot().userFlows]).toEqual([[], []]);
  } finally {
    project.cleanup();
    await emu.stop();
  }
});

describe("README examples", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const blocks = readmeTsBlocks(readme);

  test("every ```ts block type-checks on its own in a project made from Pulumi's TypeScript template", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const dir = path.join(consumer, "readme");
    fs.mkdirSync(dir, { recursive: true });
    // One file per block, named after its README line: each is its own module (own imports, own config reads).
    const files = blocks.map((b) => {
      const file = `readme/README.md-line-${b.line}.ts`;
      fs.writeFileSync(path.join(consumer, file), b.code);
      return file;
    });
    fs.writeFileSync(path.join(consumer, "tsconfig.readme.json"), JSON.stringify({ compilerOptions: PULUMI_TEMPLATE_TSCONFIG, files }, null, 2));
    const result = runTsc(consumer, "tsconfig.readme.json");
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  });

  test("no two blocks declare the same B2C_1A_ keyset", () => {
    const declared = blocks.flatMap((b) => readmeKeySets(b.code).map((keySet) => ({ keySet, line: b.line })));
    expect(declared.length).toBeGreaterThan(0);
    const seen = new Map<string, number>();
    const clashes: string[] = [];
    for (const d of declared) {
      const first = seen.get(d.keySet.toLowerCase());
      if (first !== undefined) clashes.push(`B2C_1A_${d.keySet}: README.md lines ${first} and ${d.line}`);
      else seen.set(d.keySet.toLowerCase(), d.line);
    }
    expect(clashes).toEqual([]);
  });
});

describe("entry points resolve under every moduleResolution", () => {
  const entry = [
    `import { B2CSocialSignIn, WeChatIdentityProvider, policies } from "pulumi-b2c-identity";`,
    `import { mergeSocialProviders } from "pulumi-b2c-identity/policies";`,
    `import { startEmulator, type RunningEmulator } from "pulumi-b2c-identity/emulator";`,
    `export const used: unknown[] = [B2CSocialSignIn, WeChatIdentityProvider, mergeSocialProviders, policies.validatePolicySet];`,
    `export async function url(): Promise<string> { const emu: RunningEmulator = await startEmulator({ port: 0 }); await emu.stop(); return emu.url; }`,
    "",
  ].join("\n");
  // A subpath that does not exist must fail, or the check proves nothing.
  const control = `import { startEmulator } from "pulumi-b2c-identity/emulators";\nexport const f = startEmulator;\n`;

  test.each([
    ["node", "commonjs"],
    ["node16", "node16"],
    ["bundler", "esnext"],
  ])("moduleResolution %s", (moduleResolution, module) => {
    const dir = path.join(consumer, `resolve-${moduleResolution}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "entry.ts"), entry);
    fs.writeFileSync(path.join(dir, "control.ts"), control);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      // skipLibCheck: only resolution is in question here; the README test checks the libraries too.
      JSON.stringify({ compilerOptions: { ...PULUMI_TEMPLATE_TSCONFIG, module, moduleResolution, skipLibCheck: true }, files: ["entry.ts", "control.ts"] }),
    );
    const result = runTsc(consumer, path.join(dir, "tsconfig.json"));
    expect(result.status).toBe(2); // errors found (the control), not a crash
    expect(result.errors).toEqual([expect.stringMatching(/^control\.ts\(1,31\): error TS2307: Cannot find module 'pulumi-b2c-identity\/emulators'/)]);
  });
});
