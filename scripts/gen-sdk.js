#!/usr/bin/env node
// `npm run sdk:gen`: the Go, Python and .NET SDKs of the provider plugin, generated from schema.json
// by the Pulumi CLI (`pulumi package gen-sdk schema.json --language <go|python|dotnet> --out sdk`;
// one language per call, the CLI's flag takes one). sdk/ is not committed (.gitignore): it is made
// from schema.json, which is.
//
//   node scripts/gen-sdk.js [--out <dir>] [--language go,python,dotnet]
//
// The CLI runs each language's host (pulumi-language-<language>) for the code generator. The
// official CLI archive has them next to the `pulumi` binary, and they are used when there. A CLI
// built from the Go module proxy (scripts/install-pulumi.sh) has none and the proxy refuses their
// modules, so stand-ins serving the same generators from pkg/v3 are built from scripts/sdkgen-host/
// (Go and Python: pkg/v3 at the CLI's version; .NET: pkg/v3 v3.206.0, which still has its generator) and put
// first on PATH for the CLI. They are built once per machine and source change, into the user's cache
// folder (~/.cache/pulumi-b2c-identity/sdkgen-hosts/<hash>; outside node_modules, which `npm ci`
// empties): a few minutes with an empty Go build cache, seconds after.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.join(__dirname, "..");
const LANGUAGES = ["go", "python", "dotnet"];
const cliVersion = require("../package.json").devDependencies.pulumi.replace(/^[^0-9]*/, "");
const cliBin = path.join(process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi"), "versions", cliVersion, "bin");
const launcher = path.join(root, "node_modules", ".bin", "pulumi");

/** Each stand-in: the Go module that builds it and the languages it serves (by its file name). */
const HOSTS = [
  { dir: path.join(__dirname, "sdkgen-host"), languages: ["go", "python", "nodejs"] },
  { dir: path.join(__dirname, "sdkgen-host", "dotnet"), languages: ["dotnet"] },
];

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ""}`);
  }
  return result;
}

/**
 * A folder with a stand-in pulumi-language-<language> for each language the CLI has no host for
 * (or for each of `languages`, with `always`: the Node.js host the CLI has cannot generate code),
 * built when its sources changed. Undefined when none is needed.
 */
function standInHosts(languages, { always = false } = {}) {
  const missing = languages.filter((language) => always || !fs.existsSync(path.join(cliBin, `pulumi-language-${language}`)));
  if (missing.length === 0) return undefined;
  const hash = crypto.createHash("sha256");
  for (const host of HOSTS) for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(fs.readFileSync(path.join(host.dir, file)));
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const binDir = path.join(cache, "pulumi-b2c-identity", "sdkgen-hosts", hash.digest("hex").slice(0, 16));
  for (const host of HOSTS.filter((h) => h.languages.some((l) => missing.includes(l)))) {
    const [first, ...others] = host.languages;
    const binary = path.join(binDir, `pulumi-language-${first}`);
    if (!fs.existsSync(binary)) {
      const started = Date.now();
      // Built beside and renamed, so that a run alongside never starts a half-written binary.
      const partial = `${binary}.${process.pid}.partial`;
      fs.mkdirSync(binDir, { recursive: true });
      run("go", ["build", "-mod=mod", "-trimpath", "-o", partial, "."], {
        cwd: host.dir,
        env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" },
      });
      for (const other of others) {
        fs.copyFileSync(partial, path.join(binDir, `pulumi-language-${other}`));
        fs.chmodSync(path.join(binDir, `pulumi-language-${other}`), 0o755);
      }
      fs.renameSync(partial, binary);
      console.log(`sdk:gen: built ${binary} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  return binDir;
}

/** Generates the SDKs of `schema` into `out/<language>`; returns how long each language took (ms). */
function generateSdks({ schema = path.join(root, "schema.json"), out = path.join(root, "sdk"), languages = LANGUAGES, env = process.env } = {}) {
  const hosts = standInHosts(languages);
  const childEnv = {
    ...env,
    PATH: hosts ? `${hosts}${path.delimiter}${env.PATH}` : env.PATH,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const took = {};
  for (const language of languages) {
    const started = Date.now();
    run(launcher, ["package", "gen-sdk", schema, "--language", language, "--out", out], { cwd: root, env: childEnv });
    took[language] = Date.now() - started;
  }
  return took;
}

module.exports = { generateSdks, standInHosts, LANGUAGES };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const languages = (option("--language") ?? LANGUAGES.join(",")).split(",");
  const unknown = languages.filter((l) => !LANGUAGES.includes(l));
  if (unknown.length > 0) {
    console.error(`sdk:gen: --language takes ${LANGUAGES.join(", ")}, not ${unknown.join(", ")}`);
    process.exit(2);
  }
  const out = path.resolve(option("--out") ?? path.join(root, "sdk"));
  try {
    const took = generateSdks({ out, languages });
    for (const [language, ms] of Object.entries(took)) console.log(`sdk:gen: ${language} SDK in ${path.relative(process.cwd(), path.join(out, language)) || "."} (${(ms / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.error(`sdk:gen: ${error.message}`);
    process.exit(1);
  }
}
