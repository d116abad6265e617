// The real Pulumi engine for tests: the CLI that `npm run pulumi:install` put in
// $PULUMI_HOME/versions/<version>/bin, a throw-away Pulumi project on a file:// backend, and the
// emulator as the tenant. Commands run asynchronously, so an emulator in the test process keeps
// answering while the engine's dynamic-provider process calls it.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { startTestEmulator } from "./emulator";
import { installPlugin } from "../../cli/pluginInstall";
import { packageRoot } from "../../kernel/pluginPackage";

/** This repository: the nearest folder up with our package.json (from tests/ or a compiled copy). */
export const repoRoot = packageRoot(__dirname);

/** Preloaded into the CLI's Node processes (deferClosureModules.js says why). */
const DEFER_CLOSURE_MODULES = path.join(repoRoot, "tests", "helpers", "deferClosureModules.js");
export const CLI_VERSION: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).devDependencies.pulumi;

/** The installed CLI, or an error saying how to install it (the engine suite is never skipped). */
export function pulumiCli(): string {
  const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
  const cli = path.join(home, "versions", CLI_VERSION, "bin", "pulumi");
  if (!fs.existsSync(cli)) {
    throw new Error(`The Pulumi CLI v${CLI_VERSION} is not installed at ${cli}: run \`npm run pulumi:install\` first.`);
  }
  return cli;
}

/**
 * Pulumi YAML's language host beside the installed CLI, where the engine looks for a bundled language
 * host (pulumi/pulumi sdk/go/common/workspace/plugins.go, IsPluginBundled), or an error saying how to
 * install it.
 */
export function yamlLanguageHost(): string {
  const host = path.join(path.dirname(pulumiCli()), "pulumi-language-yaml");
  if (!fs.existsSync(host)) {
    throw new Error(`Pulumi YAML's language host is not installed at ${host}: run \`npm run pulumi:install\` first (it builds it from the Go module proxy).`);
  }
  return host;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProjectOptions {
  /** The program. Default: the package's stack program. */
  program?: string;
  /** A TypeScript program (index.ts, run through ts-node as in Pulumi's TypeScript template). */
  typescript?: boolean;
  /**
   * A Pulumi YAML program instead (`runtime: yaml`): the folder holding its Pulumi.yaml (copied into
   * the project, without stack files), or true when `files` hold it. It reaches the package only
   * through the plugin installed in the project's PULUMI_HOME, and the schema.json the plugin serves.
   */
  yaml?: string | true;
  /** With install "installed": the node_modules folder to use (linked as the project's). */
  nodeModules?: string;
  /** Extra files in the project folder, by relative path. */
  files?: Record<string, string>;
  /**
   * How the project gets pulumi-b2c-identity: "link" (default) links this repository's build and
   * node_modules; "installed" means the caller installs it (e.g. from the packed tarball).
   */
  install?: "link" | "installed";
  stack?: string;
  /** The stack's config passphrase. Default: one fixed test passphrase. */
  passphrase?: string;
  /** false: leave the b2c-identity plugin out of the project's PULUMI_HOME (it is installed with install "link" otherwise). */
  plugin?: boolean;
}

const STACK_PROGRAM = `module.exports = require("pulumi-b2c-identity").stackProgram;\n`;

/** Stack config pointing the providers at the emulator (the client secret is set as a secret). */
export function emulatorConfig(emu: RunningEmulator): Record<string, unknown> {
  return {
    "b2c:tenantId": emu.tenantDomain,
    "b2c:tenantName": emu.tenantName,
    "b2c:clientId": emu.clientId,
    "b2c:graphEndpoint": emu.graphEndpoint,
    "b2c:authorityHost": emu.authorityHost,
  };
}

/**
 * The same tenant as the default `b2c-identity` provider's stack config (`b2c-identity:*`), as a
 * program in another language configures it; the client secret goes in as a secret.
 */
export function emulatorProviderConfig(emu: RunningEmulator): { config: Record<string, string>; secrets: Record<string, string> } {
  return {
    config: {
      "b2c-identity:tenantId": emu.tenantDomain,
      "b2c-identity:tenantName": emu.tenantName,
      "b2c-identity:clientId": emu.clientId,
      "b2c-identity:graphEndpoint": emu.graphEndpoint,
      "b2c-identity:authorityHost": emu.authorityHost,
    },
    secrets: { "b2c-identity:clientSecret": emu.clientSecret },
  };
}

/** A Pulumi project in a temporary folder, with its own PULUMI_HOME and file:// backend. */
export class EngineProject {
  readonly root: string;
  readonly dir: string;
  readonly backendDir: string;
  readonly stack: string;
  private readonly home: string;
  private readonly passphrase: string;

  constructor(options: ProjectOptions = {}) {
    if (options.yaml !== undefined) {
      yamlLanguageHost();
      // Pulumi YAML type-checks a program against the package's schema, which the plugin reads from the package root.
      if (!fs.existsSync(path.join(repoRoot, "schema.json"))) throw new Error(`${path.join(repoRoot, "schema.json")} is missing: the plugin serves it to Pulumi YAML.`);
    }
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-engine-"));
    this.dir = path.join(this.root, "project");
    this.backendDir = path.join(this.root, "backend");
    this.home = path.join(this.root, "pulumi-home");
    this.stack = options.stack ?? "test";
    this.passphrase = options.passphrase ?? "engine-test-passphrase";
    for (const d of [this.dir, this.backendDir, this.home]) fs.mkdirSync(d, { recursive: true });
    if (options.yaml !== undefined) {
      if (options.yaml !== true) fs.cpSync(options.yaml, this.dir, { recursive: true, filter: (from) => !/^Pulumi\.[^/]+\.yaml$/.test(path.basename(from)) });
      for (const [name, text] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(this.dir, name), text);
      installPlugin({ pulumiHome: this.home, root: repoRoot });
      return;
    }
    const main = options.typescript ? "index.ts" : "index.js";
    const files: Record<string, string> = {
      "Pulumi.yaml": `name: b2c-engine-test\nruntime:\n  name: nodejs\n  options:\n    typescript: ${Boolean(options.typescript)}\nmain: ${main}\n`,
      "package.json": JSON.stringify({ name: "b2c-engine-test", version: "1.0.0", private: true }),
      [main]: options.program ?? STACK_PROGRAM,
      ...options.files,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(this.dir, name)), { recursive: true });
      fs.writeFileSync(path.join(this.dir, name), text);
    }
    if ((options.install ?? "link") === "link") {
      this.linkPackage();
      // The plugin of this repository's build, installed as `b2c-identity plugin install` does.
      if (options.plugin !== false) installPlugin({ pulumiHome: this.home, root: repoRoot });
    }
    else if (options.nodeModules) fs.symlinkSync(options.nodeModules, path.join(this.dir, "node_modules"));
  }

  /**
   * node_modules of links: this repository's dependencies, and the package itself (its dist/, which
   * `npm test` builds first). Links resolve to one copy of @pulumi/pulumi, as an install would give.
   */
  private linkPackage(): void {
    const modules = path.join(this.dir, "node_modules");
    fs.mkdirSync(modules);
    for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
      if (entry === ".bin" || entry === ".package-lock.json") continue;
      fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
    }
    fs.symlinkSync(repoRoot, path.join(modules, "pulumi-b2c-identity"));
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${JSON.stringify(DEFER_CLOSURE_MODULES)}`].filter(Boolean).join(" "),
      ...extra,
    };
  }

  /** Runs `pulumi <args>` for this project's stack; rejects on a non-zero exit unless allowFailure. */
  pulumi(args: string[], options: { allowFailure?: boolean; env?: NodeJS.ProcessEnv; stack?: boolean } = {}): Promise<CliResult> {
    const fullArgs = options.stack === false ? args : [...args, "--stack", this.stack];
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(pulumiCli(), [...fullArgs, "--non-interactive"], { cwd: this.dir, env: this.env(options.env) });
      // B2C_PULUMI_TRACE=<file>: one JSON line per command (test file, arguments, wall ms), to see where the engine tier's time goes.
      if (process.env.B2C_PULUMI_TRACE) {
        child.on("close", () => {
          const test = expect.getState().testPath?.replace(/.*\/tests\//, "") ?? "";
          fs.appendFileSync(process.env.B2C_PULUMI_TRACE!, `${JSON.stringify({ test, args: args.slice(0, 2), ms: Date.now() - started })}\n`);
        });
      }
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => {
        const result = { code: code ?? 1, stdout, stderr };
        if (result.code !== 0 && !options.allowFailure) {
          reject(new Error(`pulumi ${fullArgs.join(" ")} exited ${result.code}\n${stdout}\n${stderr}`));
        } else resolve(result);
      });
    });
  }

  /** Creates the stack and sets its config; `secrets` are stored encrypted, as `--secret` does. */
  async init(config: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<void> {
    await this.pulumi(["stack", "init", this.stack], { stack: false });
    await this.setConfig(config, secrets);
  }

  /** `pulumi config set-all --json`: sets (or replaces) these keys, plain and secret. */
  setConfig(config: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<CliResult> {
    const entries: Record<string, { value: string; secret: boolean; objectValue?: unknown }> = {};
    for (const [key, value] of Object.entries(config)) {
      entries[key] =
        typeof value === "string" ? { value, secret: false } : { value: JSON.stringify(value), objectValue: value, secret: false };
    }
    for (const [key, value] of Object.entries(secrets)) entries[key] = { value, secret: true };
    return this.pulumi(["config", "set-all", "--json", JSON.stringify(entries)]);
  }

  setSecret(key: string, value: string): Promise<CliResult> {
    return this.pulumi(["config", "set", "--secret", key, value]);
  }

  up(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CliResult> {
    return this.pulumi(["up", "--yes", "--skip-preview", ...extra], options);
  }

  preview(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CliResult> {
    return this.pulumi(["preview", ...extra], options);
  }

  refresh(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CliResult> {
    return this.pulumi(["refresh", "--yes", "--skip-preview", ...extra], options);
  }

  destroy(extra: string[] = []): Promise<CliResult> {
    return this.pulumi(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  /** Stack outputs; secret ones come back as "[secret]" unless showSecrets. */
  async outputs(showSecrets = false): Promise<Record<string, any>> {
    return JSON.parse((await this.pulumi(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])])).stdout);
  }

  /** `pulumi stack export`: the checkpoint as the backend holds it (secrets encrypted). */
  async exportState(): Promise<any> {
    return JSON.parse((await this.pulumi(["stack", "export"])).stdout);
  }

  /** The resources in state, as "type::name" → outputs. */
  async resources(): Promise<{ type: string; name: string; id?: string; outputs: any; inputs: any }[]> {
    const state = await this.exportState();
    return (state.deployment.resources ?? [])
      .filter((r: any) => r.custom && r.type.startsWith("b2c-identity:index:"))
      .map((r: any) => ({ type: r.type.split(":").pop(), name: r.urn.split("::").pop(), id: r.id, outputs: r.outputs, inputs: r.inputs }));
  }

  /** Every file the backend wrote, as text (for leak checks). */
  backendText(): string {
    const texts: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else texts.push(fs.readFileSync(full).toString("latin1"));
      }
    };
    walk(this.backendDir);
    return texts.join("\n");
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Resource counts of an `up`/`preview` summary line such as "+ 3 created", by operation. */
export function summaryCounts(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const section = output.slice(output.lastIndexOf("Resources:"));
  for (const match of section.matchAll(/^\s*[+~\-±]*\s*(\d+) (created|updated|deleted|replaced|unchanged|to create|to update|to delete|to replace)/gm)) {
    counts[match[2]] = Number(match[1]);
  }
  return counts;
}

export interface EngineStackSpec {
  /** Stack config beside emulatorConfig(emu). */
  config?: Record<string, unknown>;
  /** Secret config beside b2c:clientSecret. */
  secrets?: Record<string, string>;
  project?: ProjectOptions;
}

/**
 * The usual engine test file setup: before the first test, an emulator and a stack pointed at it
 * (its config and secrets from `spec`); after the last, both gone. `set` receives them, so a file
 * keeps its own `let emu` and `let project`. `emulator`: options of the emulator (e.g. its windowClock).
 */
export function useEngineStack(
  set: (stack: { emu: RunningEmulator; project: EngineProject }) => void,
  spec: (emu: RunningEmulator) => EngineStackSpec,
  emulator: EmulatorOptions = {},
): void {
  let stack: { emu: RunningEmulator; project: EngineProject } | undefined;
  beforeAll(async () => {
    const emu = await startTestEmulator(emulator);
    const wanted = spec(emu);
    stack = { emu, project: new EngineProject(wanted.project) };
    set(stack);
    await stack.project.init({ ...emulatorConfig(emu), ...wanted.config }, { "b2c:clientSecret": emu.clientSecret, ...wanted.secrets });
  });
  afterAll(async () => {
    stack?.project.cleanup();
    await stack?.emu.stop();
  });
}
