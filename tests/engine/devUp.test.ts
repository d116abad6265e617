// The README's first command, as a new user runs it: `npm run dev:up` and its sub-commands, with the
// real CLI, the TypeScript stack program (index.ts through ts-node) and the emulator it starts. Its
// PULUMI_HOME is a fresh one holding only the installed CLI (versions/, linked), as on a machine
// that ran `npm run pulumi:install` and nothing else: no b2c-identity plugin until dev:up puts it there.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiCli, repoRoot } from "../helpers/pulumiEngine";

const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version;

function devUp(args: string[], devDir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "dev:up", "--silent", "--", ...args], {
      cwd: repoRoot,
      env: { ...process.env, B2C_DEV_DIR: devDir, PULUMI_HOME: path.join(devDir, "pulumi-home") },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

describe("npm run dev:up", () => {
  const devDir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-dev-"));
  const plugin = path.join(devDir, "pulumi-home", "plugins", `resource-b2c-identity-v${PACKAGE_VERSION}`, "pulumi-resource-b2c-identity");
  beforeAll(() => {
    // without the CLI: the error says to run `npm run pulumi:install`
    const versions = path.dirname(path.dirname(path.dirname(pulumiCli())));
    fs.mkdirSync(path.join(devDir, "pulumi-home"));
    fs.symlinkSync(versions, path.join(devDir, "pulumi-home", "versions"));
  });
  afterAll(() => fs.rmSync(devDir, { recursive: true, force: true }));

  test("up creates the dev stack and prints its outputs; preview and up then show no change; destroy empties it", async () => {
    expect(fs.existsSync(plugin)).toBe(false);
    const up = await devUp([], devDir);
    // dev:up installed this checkout's plugin where the engine looks for it, before pulumi ran.
    expect(up.output).toContain(`b2c-identity provider plugin v${PACKAGE_VERSION} installed in ${path.dirname(plugin)}`);
    expect(fs.readFileSync(plugin, "utf8")).toContain(path.join(repoRoot, "dist", "host", "plugin", "main.js"));
    // 20 resources and the program's b2c-identity provider for the b2c:* config (kernel/tenantProvider.ts).
    expect(up.output).toMatch(/\+ 21 created/);
    expect(up.output).toMatch(/Current stack outputs/);
    expect(up.output).toMatch(/B2C_1A_WeChatSecret/);
    expect(up.code).toBe(0);

    const preview = await devUp(["preview", "--expect-no-changes"], devDir);
    expect(preview.output).toMatch(/21 unchanged/);
    expect(preview.code).toBe(0);

    const refresh = await devUp(["refresh", "--expect-no-changes"], devDir);
    expect(refresh.code).toBe(0);

    const destroy = await devUp(["destroy"], devDir);
    expect(destroy.output).toMatch(/21 deleted/);
    expect(destroy.code).toBe(0);
    const tenant = JSON.parse(fs.readFileSync(path.join(devDir, ".emulator", "dev-state.json"), "utf8"));
    expect(tenant.identityProviders ?? []).toEqual([]);
  });

  test("an unknown sub-command is refused before anything runs", async () => {
    const result = await devUp(["apply"], devDir);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/command must be one of up, preview, refresh, destroy/);
  });
});
