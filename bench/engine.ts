// `npm run bench`, part 2: the large tenant (largeTenant.ts) through the real Pulumi engine (the CLI
// that `npm run pulumi:install` installed, a file:// backend, the `b2c-identity` provider plugin of
// this build, the emulator as the tenant), side by side in the same run with a program of the same
// shape made of trivial dynamic resources (trivialTenant.ts): the floor of the engine and the
// Node SDK for that many resources, components and dependencies.
//
// Method: one uncounted warm-up of each (it also gives the shape), then --rounds rounds (default 5);
// each round runs every phase (up, no-op preview, no-op up, refresh, destroy) for the plugin program
// and then the trivial one, A B A B, so that a drift in the machine's speed hits both; medians, and
// the ratio plugin/trivial pair by pair. Each time is the CLI's whole run, spawn to exit; beside it
// the CPU time of the CLI and its children (/proc), and of the emulator (this process) meanwhile.
// Then, per round, the plugin's `up` at 50 ms Graph latency (no rate limit) against its floor: the
// trivial program's `up` at 0 ms + the dependency chain's latency; the requests in flight over that
// `up` (from the emulator's request log); and a plain script making the same Graph calls one by one.
// Also each provider process's spawn to serving (processStart.ts) and the state's size. Prints
// tables and one JSON line.
//
// `--profile DIR`: instead of the rounds, one run of each phase of both programs with
// `node --cpu-prof` in every Node process the CLI starts (the program, the plugin, the trivial
// program's dynamic-provider host), summarized per phase and process (cpuProfile.ts); the profiles
// stay in DIR.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startEmulator } from "../emulator";
import type { RunningEmulator } from "../emulator";
import { emulatorConfig, EngineProject, pulumiCli, repoRoot } from "../tests/helpers/pulumiEngine";
import { type InFlightStats, inFlight, intervalsOf, sparkline } from "./inFlight";
import { sequentialScript } from "./largeTenant";
import { extraBenchResources } from "./policySetBench";
import { type Shape, shapeOf, shapeSignature } from "./trivialTenant";
import { merge, type ProfileSummary, summarizeFolder, top } from "./cpuProfile";
import { startToServing } from "./processStart";
import { PLUGIN_EXECUTABLE, pluginFolder, versionOf } from "../kernel/pluginPackage";

const LATENCY_MS = 50;
/**
 * The chain of Graph calls that must follow one another in the large tenant's `up`: create the
 * signing keyset and generate its key, then the four levels of the policy set (base, localization,
 * extensions, relying parties), one PUT each. Ours is longer: each create also looks twice before
 * its write (once in check, once in create: README "Who owns what"), so 4 + 4 × 3 calls.
 */
const CHAIN_CALLS = extraBenchResources.criticalPathCalls;
const CHAIN_CALLS_WITH_LOOKS = 16;

const PHASES = ["up", "preview (no-op)", "up (no-op)", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];
const COMMANDS: Record<Phase, string[]> = {
  up: ["up", "--yes", "--skip-preview"],
  "preview (no-op)": ["preview", "--expect-no-changes"],
  "up (no-op)": ["up", "--yes", "--skip-preview", "--expect-no-changes"],
  refresh: ["refresh", "--yes", "--skip-preview", "--expect-no-changes"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};

const PLUGIN_PROGRAM = (tenant: string) =>
  `module.exports = require(${JSON.stringify(path.join(__dirname, "largeTenant.js"))}).largeTenant(${JSON.stringify(tenant)});\n`;
const TRIVIAL_PROGRAM = `module.exports = require(${JSON.stringify(path.join(__dirname, "trivialTenant.js"))}).trivialTenant(require("./shape.json"));\n`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Options {
  rounds: number;
  profileDir?: string;
}

function options(argv: string[]): Options {
  const out: Options = { rounds: Number(process.env.BENCH_ROUNDS ?? 5) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--rounds") out.rounds = Number(argv[++i]);
    else if (argv[i] === "--profile") out.profileDir = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (--rounds N, --profile DIR)`);
  }
  if (!Number.isInteger(out.rounds) || out.rounds < 1) throw new Error("--rounds takes a whole number ≥ 1");
  return out;
}

/** Clock ticks per second of /proc's CPU times. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (ms) of this process's finished children and everything they waited for (Linux
 * /proc/self/stat cutime + cstime, proc(5)): the CLI, its language host, program and plugins. Less
 * sensitive to a busy machine than wall time; undefined where /proc is missing.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

interface Timed {
  /** Wall time of the CLI's run, spawn to exit. */
  ms: number;
  /** CPU time of the CLI and its children. */
  cpuMs: number;
  /** CPU time of this process meanwhile: the emulator answering Graph. */
  emulatorCpuMs: number;
}

/** One CLI run. */
async function timed(project: EngineProject, phase: Phase, env?: NodeJS.ProcessEnv): Promise<Timed> {
  const cpuBefore = childrenCpuMs();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  await project.pulumi(COMMANDS[phase], { env });
  const ms = performance.now() - started;
  const own = process.cpuUsage(ownBefore);
  const cpuAfter = childrenCpuMs();
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? NaN : cpuAfter - cpuBefore, emulatorCpuMs: (own.user + own.system) / 1000 };
}

interface StateFacts {
  stateBytes: number;
  resources: number;
  /** Largest resource entry with the policy document (a TrustFrameworkPolicy's `xml` input) left out. */
  entryBytesMax: number;
  entryBytesMaxType: string;
  entryBytesMaxByType: Record<string, number>;
  /** The largest policy document's own size in state. */
  policyDocumentBytesMax: number;
}

function stateFactsOf(state: any): StateFacts {
  const resources = state.deployment.resources as any[];
  const entryBytesMaxByType: Record<string, number> = {};
  let policyDocumentBytesMax = 0;
  for (const r of resources) {
    const type = r.type.split(":").pop();
    const xml = r.inputs?.xml;
    if (typeof xml === "string") policyDocumentBytesMax = Math.max(policyDocumentBytesMax, JSON.stringify(xml).length);
    const entry = typeof xml === "string" ? { ...r, inputs: { ...r.inputs, xml: "" } } : r;
    entryBytesMaxByType[type] = Math.max(entryBytesMaxByType[type] ?? 0, JSON.stringify(entry).length);
  }
  const [entryBytesMaxType, entryBytesMax] = Object.entries(entryBytesMaxByType).sort((a, b) => b[1] - a[1])[0];
  return { stateBytes: JSON.stringify(state).length, resources: resources.length, entryBytesMax, entryBytesMaxType, entryBytesMaxByType, policyDocumentBytesMax };
}

/** The trivial program made the tree it was given: same nodes, parents and dependencies by name. */
function checkSameShape(expected: any, made: any): void {
  const [a, b] = [shapeSignature(shapeOf(expected)), shapeSignature(shapeOf(made))];
  const missing = a.filter((s) => !b.includes(s));
  const extra = b.filter((s) => !a.includes(s));
  const outputs = (state: any) => JSON.stringify(state.deployment.resources.find((r: any) => r.type === "pulumi:pulumi:Stack")?.outputs);
  if (missing.length || extra.length || outputs(made) !== outputs(expected)) {
    throw new Error(`the trivial program's shape differs: missing ${JSON.stringify(missing.slice(0, 5))}, extra ${JSON.stringify(extra.slice(0, 5))}, outputs ${outputs(made)}`);
  }
}

interface Round {
  plugin: Record<Phase, number>;
  trivial: Record<Phase, number>;
  pluginCpu: Record<Phase, number>;
  trivialCpu: Record<Phase, number>;
  emulatorCpu: Record<Phase, number>;
  requests: Record<Phase, number>;
  up50: number;
  up50Requests: number;
  inFlight: InFlightStats;
  sequential: number;
  sequentialRequests: number;
}

async function round(emu: RunningEmulator, plugin: EngineProject, trivial: EngineProject): Promise<Round> {
  const r = { plugin: {}, trivial: {}, pluginCpu: {}, trivialCpu: {}, emulatorCpu: {}, requests: {} } as Round;
  for (const phase of PHASES) {
    emu.clearRequestLog();
    const a = await timed(plugin, phase);
    r.requests[phase] = emu.requestLog().filter((e) => e.kind === "graph").length;
    const b = await timed(trivial, phase);
    [r.plugin[phase], r.pluginCpu[phase], r.emulatorCpu[phase]] = [a.ms, a.cpuMs, a.emulatorCpuMs];
    [r.trivial[phase], r.trivialCpu[phase]] = [b.ms, b.cpuMs];
  }
  emu.reset();
  // 50 ms: the plugin's up, then (at 0 ms, not counted) its destroy.
  emu.setFaults({ latencyMs: LATENCY_MS });
  emu.clearRequestLog();
  r.up50 = (await timed(plugin, "up")).ms;
  const log = emu.requestLog();
  r.up50Requests = log.filter((e) => e.kind === "graph").length;
  r.inFlight = inFlight(intervalsOf(log));
  emu.setFaults({ latencyMs: 0 });
  await timed(plugin, "destroy");
  emu.reset();
  // The same creates, one call after the other.
  emu.setFaults({ latencyMs: LATENCY_MS });
  emu.clearRequestLog();
  r.sequential = await sequentialScript(emu);
  r.sequentialRequests = emu.requestLog().filter((e) => e.kind === "graph").length;
  emu.setFaults({ latencyMs: 0 });
  emu.reset();
  return r;
}

interface ProcessStarts {
  pluginMs: number[];
  dynamicProviderHostMs: number[];
}

/**
 * Spawn to serving of the two provider processes, alternating: the plugin's executable as installed
 * in the project's PULUMI_HOME (cli/pluginInstall.ts), and the CLI's `pulumi-resource-pulumi-nodejs`
 * (which resolves the SDK's dynamic-provider host from the project, then runs it).
 */
async function processStarts(plugin: EngineProject, trivial: EngineProject, runs: number): Promise<ProcessStarts> {
  const pluginExe = path.join(pluginFolder(path.join(plugin.root, "pulumi-home"), versionOf(repoRoot)), PLUGIN_EXECUTABLE);
  const dynamicExe = path.join(path.dirname(pulumiCli()), "pulumi-resource-pulumi-nodejs");
  const out: ProcessStarts = { pluginMs: [], dynamicProviderHostMs: [] };
  for (let i = 0; i < runs; i++) {
    out.pluginMs.push(await startToServing(pluginExe, plugin.dir));
    out.dynamicProviderHostMs.push(await startToServing(dynamicExe, trivial.dir));
  }
  return out;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

function report(rounds: Round[], stateFacts: StateFacts, shape: Shape, starts: ProcessStarts): void {
  const customs = shape.nodes.filter((n) => n.custom).length;
  console.log(
    `\nLarge tenant through the real Pulumi engine (10 identity providers, 40 policy keys, 10 user flows with 30 attachments${extraBenchResources.description}; ` +
      `${customs} custom resources, ${shape.nodes.length - customs} components) vs the same shape of trivial dynamic resources; ` +
      `${rounds.length} round(s), A B alternating, medians`,
  );
  console.log(
    `${"phase at 0 ms".padEnd(18)}${"plugin".padStart(9)}${"trivial".padStart(9)}${"ratio".padStart(8)}${"pairs (min-max)".padStart(22)}${"requests".padStart(10)}` +
      `${"CPU plugin".padStart(12)}${"trivial".padStart(9)}${"ratio".padStart(8)}${"emulator".padStart(10)}`,
  );
  const phases = PHASES.map((phase) => {
    const plugin = median(rounds.map((r) => r.plugin[phase]));
    const trivial = median(rounds.map((r) => r.trivial[phase]));
    const pairs = rounds.map((r) => r.plugin[phase] / r.trivial[phase]);
    const pair = median(pairs);
    const spread = `${x(pair)} (${Math.min(...pairs).toFixed(2)}-${Math.max(...pairs).toFixed(2)})`;
    const [cpuA, cpuB, cpuEmu] = [median(rounds.map((r) => r.pluginCpu[phase])), median(rounds.map((r) => r.trivialCpu[phase])), median(rounds.map((r) => r.emulatorCpu[phase]))];
    console.log(
      `${phase.padEnd(18)}${s(plugin).padStart(9)}${s(trivial).padStart(9)}${x(plugin / trivial).padStart(8)}${spread.padStart(22)}${String(median(rounds.map((r) => r.requests[phase]))).padStart(10)}` +
        `${s(cpuA).padStart(12)}${s(cpuB).padStart(9)}${x(cpuA / cpuB).padStart(8)}${s(cpuEmu).padStart(10)}`,
    );
    return {
      phase,
      pluginMs: plugin,
      trivialMs: trivial,
      ratio: plugin / trivial,
      pairRatioMedian: pair,
      pairRatios: pairs,
      requests: median(rounds.map((r) => r.requests[phase])),
      target: 1.0,
      cpu: { pluginMs: cpuA, trivialMs: cpuB, ratio: cpuA / cpuB, emulatorMs: cpuEmu },
    };
  });
  console.log("(CPU: the CLI with its language host, program and plugins, from /proc; emulator: the bench process, which is the emulator, meanwhile)");

  const up50 = median(rounds.map((r) => r.up50));
  const trivialUp = median(rounds.map((r) => r.trivial.up));
  const floor = trivialUp + CHAIN_CALLS * LATENCY_MS;
  const floorWithLooks = trivialUp + CHAIN_CALLS_WITH_LOOKS * LATENCY_MS;
  const pairs = rounds.map((r) => r.up50 / (r.trivial.up + CHAIN_CALLS * LATENCY_MS));
  const sequential = median(rounds.map((r) => r.sequential));
  console.log(`\nat ${LATENCY_MS} ms Graph latency (no rate limit):`);
  console.log(
    `up ${s(up50)} (${median(rounds.map((r) => r.up50Requests))} requests) vs floor ${s(floor)} = trivial up at 0 ms ${s(trivialUp)} + ${CHAIN_CALLS} chained calls × ${LATENCY_MS} ms: ` +
      `${x(up50 / floor)} (pairs ${pairs.map((p) => p.toFixed(2)).join(", ")}; target ≤ 1.2×)`,
  );
  console.log(`  with our looks before each create the chain is ${CHAIN_CALLS_WITH_LOOKS} calls: floor ${s(floorWithLooks)}, ${x(up50 / floorWithLooks)}`);
  console.log(`  up at 0 ms ${s(median(rounds.map((r) => r.plugin.up)))}: the latency added ${s(up50 - median(rounds.map((r) => r.plugin.up)))}`);
  console.log(`plain sequential script, the same creates (no looks): ${s(sequential)} (${median(rounds.map((r) => r.sequentialRequests))} requests); up / script ${x(up50 / sequential)}`);
  const f = (pick: (i: InFlightStats) => number) => median(rounds.map((r) => pick(r.inFlight)));
  console.log(
    `requests in flight during the ${LATENCY_MS} ms up: mean ${f((i) => i.mean).toFixed(2)}, max ${f((i) => i.max)}; ` +
      `one alone for ${s(f((i) => i.singleMs))} and none for ${s(f((i) => i.idleMs))} of the ${s(f((i) => i.windowMs))} Graph window; ` +
      `longest stretch with one alone ${s(f((i) => i.longestSingleMs))}`,
  );
  const shown = [...rounds].sort((a, b) => a.up50 - b.up50)[Math.floor((rounds.length - 1) / 2)].inFlight;
  console.log(`  over time (median round; one character per ${shown.bucketMs} ms, the mean in flight, '.' none): ${sparkline(shown.timeline)}`);

  console.log(
    `\nprovider process, spawn to serving (median of ${starts.pluginMs.length}, alternating): plugin ${s(median(starts.pluginMs))}, ` +
      `dynamic-provider host ${s(median(starts.dynamicProviderHostMs))}`,
  );
  console.log(
    `\nstate: ${stateFacts.stateBytes} bytes for ${stateFacts.resources} resources; largest entry without the policy document ` +
      `${stateFacts.entryBytesMax} bytes (${stateFacts.entryBytesMaxType}); largest policy document ${stateFacts.policyDocumentBytesMax} bytes`,
  );
  console.log(`largest entry by type (without the policy document): ${JSON.stringify(stateFacts.entryBytesMaxByType)}`);
  console.log(
    JSON.stringify({
      rounds: rounds.length,
      phases,
      latency: {
        latencyMs: LATENCY_MS,
        upMs: up50,
        floorMs: floor,
        ratio: up50 / floor,
        pairRatios: pairs,
        chainCalls: CHAIN_CALLS,
        chainCallsWithLooks: CHAIN_CALLS_WITH_LOOKS,
        floorWithLooksMs: floorWithLooks,
        target: 1.2,
        sequentialScriptMs: sequential,
        inFlight: { mean: f((i) => i.mean), max: f((i) => i.max), singleMs: f((i) => i.singleMs), idleMs: f((i) => i.idleMs), windowMs: f((i) => i.windowMs), longestSingleMs: f((i) => i.longestSingleMs) },
      },
      processStart: { pluginMs: median(starts.pluginMs), dynamicProviderHostMs: median(starts.dynamicProviderHostMs), runs: starts },
      state: stateFacts,
      raw: rounds.map(({ inFlight: i, ...rest }) => ({ ...rest, inFlight: { ...i, timeline: undefined } })),
    }),
  );
}

/**
 * The environment of a profiled CLI run. Node refuses --cpu-prof in NODE_OPTIONS, and the Node
 * language host (3.250) started the program without the runtime's `nodeargs`, so the flags go
 * where every Node process of the run is started: a `node` first on PATH (the language host, the
 * plugin's executable from cli/pluginInstall.ts and the dynamic-provider host all run `node`),
 * which also preloads exitOnSignal.js. cpuProfile.ts tells the processes apart by their scripts.
 */
function profiledEnv(out: string): NodeJS.ProcessEnv {
  const bin = path.join(out, ".bin");
  fs.mkdirSync(bin, { recursive: true });
  const preload = path.join(__dirname, "exitOnSignal.js");
  fs.writeFileSync(path.join(bin, "node"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --cpu-prof --cpu-prof-dir=${JSON.stringify(out)} --require ${JSON.stringify(preload)} "$@"\n`, { mode: 0o755 });
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
}

/** One profiled run of each phase of both programs; prints where the time went. */
async function profile(dir: string, emu: RunningEmulator, plugin: EngineProject, trivial: EngineProject): Promise<void> {
  const summaries: Record<string, Record<string, { processes: number; summary: ProfileSummary }>> = {};
  for (const phase of PHASES) {
    for (const [name, project] of [["plugin", plugin], ["trivial", trivial]] as const) {
      const out = path.join(dir, name, phase.replace(/[^a-z]+/g, "-").replace(/-$/, ""));
      fs.mkdirSync(out, { recursive: true });
      const { ms } = await timed(project, phase, profiledEnv(out));
      summaries[`${name} ${phase}`] = Object.fromEntries(summarizeFolder(out));
      console.log(`\n== ${name} program, ${phase}: ${s(ms)} with the profiler on`);
      for (const [role, { processes, summary }] of summarizeFolder(out)) printSummary(role, processes, summary);
    }
    if (phase === "destroy") emu.reset();
  }
  // The totals over all phases, per program and process.
  console.log("\n== all phases together");
  for (const name of ["plugin", "trivial"]) {
    const byRole = new Map<string, ProfileSummary[]>();
    for (const [key, roles] of Object.entries(summaries)) {
      if (!key.startsWith(`${name} `)) continue;
      for (const [role, { summary }] of Object.entries(roles)) byRole.set(role, [...(byRole.get(role) ?? []), summary]);
    }
    for (const [role, list] of byRole) printSummary(`${name} program: ${role}`, list.length, merge(list), 15);
  }
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summaries, null, 1));
  console.log(`\nprofiles and summary.json in ${dir}`);
}

function printSummary(role: string, processes: number, summary: ProfileSummary, n = 8): void {
  console.log(
    `-- ${role} (${processes} process${processes === 1 ? "" : "es"}): sampled ${s(summary.totalMs)}, idle ${s(summary.idleMs)}, GC ${s(summary.gcMs)}, ` +
      `busy ${s(summary.totalMs - summary.idleMs)}`,
  );
  console.log("   self time by function:");
  for (const line of top(summary.selfByFunction, n)) console.log(`   ${line}`);
  console.log("   self time by package:");
  for (const line of top(summary.selfByPackage, Math.min(n, 8))) console.log(`   ${line}`);
  console.log("   known costs (inclusive):");
  for (const line of top(summary.inclusive, 10)) console.log(`   ${line}`);
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const emu = await startEmulator({ port: 0 });
  const plugin = new EngineProject({ program: PLUGIN_PROGRAM(emu.tenantDomain) });
  let trivial: EngineProject | undefined;
  try {
    await plugin.init(emulatorConfig(emu), { "b2c:clientSecret": emu.clientSecret });
    // Warm-up, not counted: the plugin's up gives the shape and the state's size.
    await timed(plugin, "up");
    const state = await plugin.exportState();
    const shape = shapeOf(state);
    const stateFacts = stateFactsOf(state);
    await timed(plugin, "destroy");
    emu.reset();
    trivial = new EngineProject({ program: TRIVIAL_PROGRAM, files: { "shape.json": JSON.stringify(shape) } });
    await trivial.init({});
    await timed(trivial, "up");
    checkSameShape(state, await trivial.exportState());
    await timed(trivial, "destroy");

    if (opts.profileDir) return await profile(opts.profileDir, emu, plugin, trivial);
    const rounds: Round[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      rounds.push(await round(emu, plugin, trivial));
      console.error(`round ${i + 1}/${opts.rounds} done`);
    }
    report(rounds, stateFacts, shape, await processStarts(plugin, trivial, 9));
  } finally {
    plugin.cleanup();
    trivial?.cleanup();
    await emu.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
