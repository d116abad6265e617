// Real `pulumi up`, `refresh` and `destroy` of the dev stack with the Automation API (LocalWorkspace,
// a file:// backend) against the emulator. Needs the Pulumi CLI, which CI machines here cannot
// install: the test detects it and is skipped, with the reason, where it is missing.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator } from "../helpers/emulator";

const cli = spawnSync("pulumi", ["version"], { encoding: "utf8" });
const hasCli = !cli.error && cli.status === 0;
const describeWithCli = hasCli ? describe : describe.skip;
if (!hasCli) {
  // One line in the test output saying why.
  console.info("tests/e2e/automationApi.test.ts skipped: the Pulumi CLI is not installed (`pulumi version` failed)");
}

describeWithCli("dev stack through the Pulumi CLI (Automation API)", () => {
  let emu: RunningEmulator;
  let backend: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
    backend = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-backend-"));
  });
  afterAll(async () => {
    await emu.stop();
    fs.rmSync(backend, { recursive: true, force: true });
  });

  test("up, refresh and destroy converge the emulator", async () => {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const workDir = path.join(__dirname, "..", "..");
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "e2e", workDir },
      { envVars: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "e2e" } },
    );
    const dev = path.join(workDir, "stacks", "Pulumi.dev.yaml");
    const devConfig = fs.readFileSync(dev, "utf8");
    await stack.setAllConfig({
      "b2c:tenantId": { value: emu.tenantDomain },
      "b2c:tenantName": { value: emu.tenantName },
      "b2c:clientId": { value: emu.clientId },
      "b2c:clientSecret": { value: emu.clientSecret, secret: true },
      "b2c:graphEndpoint": { value: emu.graphEndpoint },
      "b2c:authorityHost": { value: emu.authorityHost },
      "b2c:wechatAppKey": { value: "e2e-wechat-key", secret: true },
      "b2c:qqAppKey": { value: "e2e-qq-key", secret: true },
    });
    const signIn = /b2c:socialSignIn:[\s\S]*?(?=\n  b2c:wechatAppKey)/.exec(devConfig)![0];
    fs.appendFileSync(path.join(workDir, "stacks", "Pulumi.e2e.yaml"), `\n  ${signIn}\n`);
    try {
      const up = await stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(emu.snapshot().identityProviders.map((p) => p.type).sort()).toEqual(["QQ", "WeChat"]);
      const again = await stack.preview();
      expect(again.changeSummary.update ?? 0).toBe(0);
      const refresh = await stack.refresh();
      expect(refresh.summary.result).toBe("succeeded");
      await stack.destroy();
      expect(emu.snapshot().identityProviders).toEqual([]);
      expect(emu.snapshot().keySets).toEqual([]);
    } finally {
      await stack.workspace.removeStack("e2e").catch(() => undefined);
      fs.rmSync(path.join(workDir, "stacks", "Pulumi.e2e.yaml"), { force: true });
    }
  });
});
