#!/usr/bin/env node
// `npm run dev:up`: start the local B2C Graph emulator and `pulumi up` the dev stack against it, on
// a local file backend. Needs the Pulumi CLI (https://www.pulumi.com/docs/install/). Extra
// arguments go to pulumi, e.g. `npm run dev:up -- destroy` or `npm run dev:up -- refresh`.
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { envWithEmulatorCa } = require("./run-with-ca.js");

const root = path.join(__dirname, "..");
const DEV_PORT = "48443";

function fail(message) {
  console.error(message);
  process.exit(1);
}

const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) {
  fail(
    "The Pulumi CLI is not installed: install it (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh`), " +
      "then run `npm run dev:up` again. The test suite (`npm test`) does not need it.",
  );
}

const stateDir = path.join(root, ".emulator");
const backendDir = path.join(root, ".pulumi-local");
fs.mkdirSync(stateDir, { recursive: true });
fs.mkdirSync(backendDir, { recursive: true });
const env = envWithEmulatorCa({
  ...process.env,
  PULUMI_BACKEND_URL: `file://${backendDir}`,
  PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-dev-stack",
});

const emulator = spawn(
  process.execPath,
  [path.join(root, "dist", "emulator", "cli.js"), "--port", DEV_PORT, "--state-file", path.join(stateDir, "dev-state.json")],
  { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] },
);
const lines = readline.createInterface({ input: emulator.stdout });
lines.once("line", (line) => {
  const info = JSON.parse(line);
  console.log(`emulator listening at ${info.url} (tenant ${info.tenantName})`);
  const pulumi = (args) => spawnSync("pulumi", args, { cwd: root, env, stdio: "inherit" });
  pulumi(["stack", "select", "dev", "--create"]);
  const command = process.argv.slice(2);
  const status = pulumi(command.length > 0 ? [...command, "--stack", "dev", "--yes"] : ["up", "--stack", "dev", "--yes"]).status;
  emulator.kill("SIGTERM");
  process.exitCode = status ?? 1;
});
emulator.on("exit", (code) => {
  if (code && process.exitCode === undefined) fail(`emulator exited with code ${code}`);
});
