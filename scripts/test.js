#!/usr/bin/env node
// `npm test` and `npm run test:<tier>`: the jest tiers of jest.config.js, with the emulator's CA trusted.
//
//   node scripts/test.js [--tier <unit|integration|engine|packaging>]... [--no-typecheck] [--no-build] [jest args]
//
// Without --tier: every tier in ONE jest run (one --json report, which .ci/run reads), after a type
// check. With --tier: those tiers only, and no type check (`npm run typecheck` does it alone).
// dist/ is built here once per run when a chosen tier reads it (engine, packaging; or any explicit
// path, as before), and B2C_DIST_FRESH=1 tells the tests that would build it again (npm pack, `npm
// run dev:up`) that it is fresh. `--no-build` skips the build; the type check and the build run side
// by side. Workers: 4 unless -w/--maxWorkers is given (much of the engine tier is waiting on the
// Pulumi processes it starts, so a fourth worker keeps 2 cores busy; jest's processes stayed under
// 1.8 GB with 4). Files with skipped tests are listed at the end with the reason they printed.
"use strict";
const path = require("path");
const { spawn } = require("child_process");
const { envWithEmulatorCa, runWithCa } = require("./run-with-ca.js");

const root = path.join(__dirname, "..");

/** Starts a command with the emulator's CA trusted; resolves to its exit status. */
function spawnWithCa(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: envWithEmulatorCa() });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const TIERS = ["unit", "integration", "engine", "packaging"];
const READ_DIST = ["engine", "packaging"];
const DEFAULT_WORKERS = "4";

const tiers = [];
const jestArgs = [];
let typecheck = true;
let build = true;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--no-typecheck") typecheck = false;
  else if (a === "--no-build") build = false;
  else if (a === "--tier" || a.startsWith("--tier=")) {
    const value = a === "--tier" ? argv[++i] : a.slice("--tier=".length);
    for (const t of String(value ?? "").split(",")) {
      if (!TIERS.includes(t)) {
        console.error(`scripts/test.js: unknown tier '${t}' (one of ${TIERS.join(", ")})`);
        process.exit(2);
      }
      tiers.push(t);
    }
  } else jestArgs.push(a);
}
if (tiers.length > 0) typecheck = false;
// Paths given without a tier may be anything: build as before unless told not to.
const paths = jestArgs.some((a) => !a.startsWith("-"));
const needsDist = tiers.length === 0 || paths || tiers.some((t) => READ_DIST.includes(t));

const env = { ...process.env };
// The type check and the build are each one tsc process, mostly on one core: side by side they
// take the time of the longer one on the 2-core machine.
const steps = [];
if (typecheck) steps.push(spawnWithCa(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]));
if (build && needsDist) {
  steps.push(
    spawnWithCa(bin("tsc"), ["-p", "tsconfig.build.json"]).then((status) =>
      status === 0 ? runWithCa(process.execPath, [path.join(__dirname, "copy-assets.js")], { cwd: root }) : status,
    ),
  );
  env.B2C_DIST_FRESH = "1";
}
if (tiers.length > 0) jestArgs.unshift("--selectProjects", ...tiers);
if (!jestArgs.some((a) => /^(-w|--maxWorkers)(=|$)/.test(a) || /^-w\d/.test(a) || a === "-i" || a === "--runInBand")) {
  jestArgs.push(`--maxWorkers=${DEFAULT_WORKERS}`);
}
// After jest's summary, one line per file with skipped tests and why (scripts/skip-summary-reporter.js).
if (!jestArgs.some((a) => a.startsWith("--reporters"))) {
  jestArgs.push("--reporters=default", `--reporters=${path.join(__dirname, "skip-summary-reporter.js")}`);
}
Promise.all(steps).then((statuses) => {
  const failed = statuses.find((status) => status !== 0);
  process.exit(failed ?? runWithCa(bin("jest"), jestArgs, { cwd: root, env }));
});
