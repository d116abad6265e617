#!/usr/bin/env node
// Runs a command with the local emulator's CA trusted (NODE_EXTRA_CA_CERTS is read only when Node
// starts, so it has to be set by the parent): `node scripts/run-with-ca.js <command> [args...]`.
"use strict";
const { spawnSync } = require("child_process");
const { ensureCertificateAuthority } = require("../emulator/certificateAuthority.js");

function envWithEmulatorCa(base = process.env) {
  const ca = ensureCertificateAuthority();
  return { ...base, NODE_EXTRA_CA_CERTS: ca.caFile, B2C_EMULATOR_CA_DIR: ca.dir };
}

function runWithCa(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options, env: envWithEmulatorCa(options.env) });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

module.exports = { envWithEmulatorCa, runWithCa };

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error("usage: node scripts/run-with-ca.js <command> [args...]");
    process.exit(2);
  }
  process.exit(runWithCa(command, args));
}
