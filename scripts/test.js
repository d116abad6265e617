#!/usr/bin/env node
// `npm test`: type check, then jest, both with the emulator's CA trusted.
// `--no-typecheck` skips the type check (for quick runs of a few files); `--no-build` skips building
// dist/, which only the real-engine and packaging tests read. Files with skipped tests
// are listed at the end with the reason they printed.
"use strict";
const path = require("path");
const { runWithCa } = require("./run-with-ca.js");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);

if (!args.includes("--no-typecheck")) {
  const status = runWithCa(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"], { cwd: root });
  if (status !== 0) process.exit(status);
}
// The real-engine tests (tests/engine) run the package as a consumer gets it: dist/, built here.
if (!args.includes("--no-build")) {
  const status = runWithCa(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: root });
  if (status !== 0) process.exit(status);
  runWithCa(process.execPath, [path.join(__dirname, "copy-assets.js")], { cwd: root });
}
const jestArgs = args.filter((a) => a !== "--no-typecheck" && a !== "--no-build");
// After jest's summary, one line per file with skipped tests and why (scripts/skip-summary-reporter.js).
if (!jestArgs.some((a) => a.startsWith("--reporters"))) {
  jestArgs.push("--reporters=default", `--reporters=${path.join(__dirname, "skip-summary-reporter.js")}`);
}
process.exit(runWithCa(bin("jest"), jestArgs, { cwd: root }));
