#!/usr/bin/env node
// `npm run dev:up`: the dev stack (stacks/Pulumi.dev.yaml) through the real Pulumi CLI against the
// local B2C Graph emulator, on a local file backend (.pulumi-local/), then its outputs.
//   npm run dev:up                          pulumi up --yes
//   npm run dev:up -- preview               pulumi preview
//   npm run dev:up -- refresh | destroy     pulumi refresh --yes | pulumi destroy --yes
//   npm run dev:up -- up --expect-no-changes   extra flags pass through
// The CLI is the npm `pulumi` launcher's (devDependency), which runs the binary in
// $PULUMI_HOME/versions/<version>/bin: `npm run pulumi:install` puts it there where the official
// download is unreachable. The b2c-identity provider plugin of this checkout is installed before
// pulumi runs, as `npx b2c-identity plugin install` does. B2C_DEV_DIR moves .emulator/ and
// .pulumi-local/ elsewhere.
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { envWithEmulatorCa } = require("./run-with-ca.js");

const root = path.join(__dirname, "..");
const DEV_PORT = "48443"; // stacks/Pulumi.dev.yaml points b2c:graphEndpoint here
const launcher = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "pulumi.cmd" : "pulumi");
const cliVersion = require("../package.json").devDependencies.pulumi;

function fail(message) {
  console.error(message);
  process.exit(1);
}

const [command = "up", ...extra] = process.argv.slice(2);
const commands = { up: ["up", "--yes"], preview: ["preview"], refresh: ["refresh", "--yes"], destroy: ["destroy", "--yes"] };
if (!commands[command]) fail(`npm run dev:up -- <command>: command must be one of ${Object.keys(commands).join(", ")} (got "${command}")`);

const workDir = path.resolve(process.env.B2C_DEV_DIR ?? root);
const stateDir = path.join(workDir, ".emulator");
const backendDir = path.join(workDir, ".pulumi-local");
const baseEnv = {
  ...process.env,
  PULUMI_BACKEND_URL: `file://${backendDir}`,
  // The dev stack's file carries the encryption salt of this passphrase (stacks/Pulumi.dev.yaml), so
  // the throw-away local backend needs no set-up and the file does not change under the user.
  PULUMI_CONFIG_PASSPHRASE: "local-dev-stack",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION ?? "true",
  // The program (index.ts -> program/) runs through ts-node, which by default type-checks the whole
  // source tree it imports on every command: most of each command's time (about 20 s of 25 on the
  // 2-core machine). `npm run build` below (or the test runner's) has type-checked program/ and all it
  // imports, so ts-node only transpiles (Pulumi's PULUMI_NODEJS_TRANSPILE_ONLY). Set it to "false" to
  // have ts-node check again.
  PULUMI_NODEJS_TRANSPILE_ONLY: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true",
};

delete baseEnv.PULUMI_CONFIG_PASSPHRASE_FILE;

// The CLI first, before anything is built or started.
const probe = spawnSync(launcher, ["version"], { encoding: "utf8", env: baseEnv });
if (probe.error || probe.status !== 0) {
  fail(
    `The Pulumi CLI v${cliVersion} is not installed (${(probe.error?.message ?? probe.stderr ?? "").trim().split("\n").pop()}). ` +
      "Run `npm run pulumi:install` (it builds the CLI from the Go module proxy; needs Go), then `npm run dev:up` again.",
  );
}
console.log(`pulumi ${probe.stdout.trim()}`);

// B2C_DIST_FRESH=1: the test runner (scripts/test.js) built dist/ for this run already.
if (process.env.B2C_DIST_FRESH !== "1") {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) fail("npm run build failed");
}

// The dev stack's resources are the plugin's (b2c-identity:index:*), and automatic plugin downloads
// are off: the engine takes the plugin from $PULUMI_HOME/plugins/resource-b2c-identity-v<version>/,
// so this build's plugin goes there on every run (a fresh machine has none; an old one may be stale).
const { installPlugin } = require("../dist/cli/pluginInstall.js");
const plugin = installPlugin({ root });
console.log(`b2c-identity provider plugin v${plugin.version} installed in ${plugin.folder}`);

fs.mkdirSync(stateDir, { recursive: true });
fs.mkdirSync(backendDir, { recursive: true });
const env = envWithEmulatorCa(baseEnv);

const emulator = spawn(
  process.execPath,
  [path.join(root, "dist", "emulator", "cli.js"), "--port", DEV_PORT, "--state-file", path.join(stateDir, "dev-state.json")],
  { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] },
);
const pulumi = (args, stdio = "inherit") =>
  new Promise((resolve) => {
    const child = spawn(launcher, [...args, "--stack", "dev"], { cwd: root, env, stdio });
    child.on("close", (code) => resolve(code ?? 1));
  });

readline.createInterface({ input: emulator.stdout }).once("line", async (line) => {
  const info = JSON.parse(line);
  console.log(`emulator listening at ${info.url} (tenant ${info.tenantName})`);
  let status = await pulumi(["stack", "select", "--create", "--non-interactive"], "ignore");
  if (status === 0) status = await pulumi([...commands[command], "--non-interactive", ...extra]);
  if (status === 0 && command === "up") status = await pulumi(["stack", "output"]);
  emulator.kill("SIGTERM");
  process.exitCode = status;
});
emulator.on("exit", (code) => {
  if (code && process.exitCode === undefined) fail(`emulator exited with code ${code}`);
});
