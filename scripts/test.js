#!/usr/bin/env node
// `npm test` and `npm run test:<tier>`: the jest tiers of jest.config.js, with the emulator's CA trusted.
//
//   node scripts/test.js [--tier <unit|integration|engine|packaging>]... [--no-typecheck] [--no-build] [jest args]
//
// Without --tier: every tier in ONE jest run (one --json report, which .ci/run reads), after a type
// check. With --tier: those tiers only, and no type check (`npm run typecheck` does it alone).
// dist/ is built here once per run when a chosen tier reads it (engine, packaging; or any explicit
// path, as before), and B2C_DIST_FRESH=1 tells the tests that would build it again (npm pack, `npm
// run dev:up`) that it is fresh. `--no-build` skips the build. Workers: 3 unless -w/--maxWorkers is
// given (most of the emulator and engine tiers is waiting on sockets and child processes, so a third
// worker keeps 2 cores busy). Files with skipped tests are listed at the end with the reason they
// printed.
"use strict";
const path = require("path");
const { runWithCa } = require("./run-with-ca.js");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const TIERS = ["unit", "integration", "engine", "packaging"];
const READ_DIST = ["engine", "packaging"];
const DEFAULT_WORKERS = "3";

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

if (typecheck) {
  const status = runWithCa(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"], { cwd: root });
  if (status !== 0) process.exit(status);
}
const env = { ...process.env };
if (build && needsDist) {
  const status = runWithCa(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: root });
  if (status !== 0) process.exit(status);
  runWithCa(process.execPath, [path.join(__dirname, "copy-assets.js")], { cwd: root });
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
process.exit(runWithCa(bin("jest"), jestArgs, { cwd: root, env }));
