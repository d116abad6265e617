// `npm run bench`, part 2: the large tenant through the real Pulumi engine (the CLI that
// `npm run pulumi:install` installed, a file:// backend, the emulator as the tenant): `pulumi up`
// with 50 ms Graph latency and the documented 300 requests/minute limit on, then a no-op preview
// and up, refresh and destroy; the state's size; a plain sequential script making the same calls;
// and, at 0 ms latency with no limit, how much of each time is the engine and the program.
// Each time is reported against its floor: the dependency chain's latency or the rate limit,
// whichever is larger. Prints a table and one JSON line.
import * as path from "path";
import { startEmulator } from "../emulator";
import type { RunningEmulator } from "../emulator";
import { emulatorConfig, EngineProject } from "../tests/helpers/pulumiEngine";
import { sequentialScript } from "./largeTenant";
import { extraBenchResources } from "./policySetBench";

const LATENCY_MS = 50;
const LIMIT_PER_MINUTE = 300;
const PROGRAM = (tenant: string) =>
  `module.exports = require(${JSON.stringify(path.join(__dirname, "largeTenant.js"))}).largeTenant(${JSON.stringify(tenant)});\n`;

type Phase = "up" | "preview (no-op)" | "up (no-op)" | "refresh" | "destroy";

interface Measured {
  phase: Phase;
  ms: number;
  requests: number;
  throttled: number;
}

/**
 * Floors per phase. The limit admits LIMIT requests per sliding minute, so beyond the first LIMIT
 * each request waits its turn. The chains: create keyset -> upload key -> 4 policies in order
 * (6 calls); a refresh reads every object once, in parallel (1 call); destroy deletes relying
 * parties -> extensions -> localization -> base, and attachments before flows (4 calls).
 */
function floorMs(phase: Phase, requests: number): number {
  const chain = { up: extraBenchResources.criticalPathCalls, "preview (no-op)": 0, "up (no-op)": 0, refresh: 1, destroy: 4 }[phase];
  return Math.max(chain * LATENCY_MS, (Math.max(0, requests - LIMIT_PER_MINUTE) / LIMIT_PER_MINUTE) * 60_000);
}

interface StateFacts {
  stateBytes: number;
  resources: number;
  providerBytesMax: number;
  resourceEntryBytesMax: number;
  entryBytesMaxByType: Record<string, number>;
}

async function runPhases(emu: RunningEmulator, project: EngineProject): Promise<{ rows: Measured[]; state: StateFacts }> {
  const rows: Measured[] = [];
  const phase = async (name: Phase, run: () => Promise<unknown>) => {
    emu.clearRequestLog();
    const started = Date.now();
    await run();
    const ms = Date.now() - started;
    const graph = emu.requestLog().filter((e) => e.kind === "graph");
    rows.push({ phase: name, ms, requests: graph.length, throttled: graph.filter((e) => e.status === 429).length });
  };
  await phase("up", () => project.up());
  await phase("preview (no-op)", () => project.preview(["--expect-no-changes"]));
  await phase("up (no-op)", () => project.up(["--expect-no-changes"]));
  await phase("refresh", () => project.refresh(["--expect-no-changes"]));
  const state = stateFactsOf(await project.exportState());
  await phase("destroy", () => project.destroy());
  return { rows, state };
}

function stateFactsOf(state: any): StateFacts {
  const resources = state.deployment.resources as any[];
  const dynamic = resources.filter((r) => r.inputs?.__provider);
  const entryBytesMaxByType: Record<string, number> = {};
  for (const r of dynamic) {
    const type = r.type.split(":").pop();
    entryBytesMaxByType[type] = Math.max(entryBytesMaxByType[type] ?? 0, JSON.stringify(r).length);
  }
  return {
    stateBytes: JSON.stringify(state).length,
    resources: resources.length,
    providerBytesMax: Math.max(...dynamic.map((r) => r.inputs.__provider.length)),
    resourceEntryBytesMax: Math.max(...dynamic.map((r) => JSON.stringify(r).length)),
    entryBytesMaxByType,
  };
}

async function measure(latency: boolean): Promise<{ rows: Measured[]; state: StateFacts }> {
  const emu = await startEmulator({ port: 0 });
  const project = new EngineProject({ program: PROGRAM(emu.tenantDomain) });
  try {
    if (latency) {
      emu.setFaults({ latencyMs: LATENCY_MS, rateLimit: { enabled: true, perTenantPerMinute: LIMIT_PER_MINUTE, perAppPerTenantPerMinute: LIMIT_PER_MINUTE } });
    }
    await project.init(emulatorConfig(emu), { "b2c:clientSecret": emu.clientSecret });
    return await runPhases(emu, project);
  } finally {
    project.cleanup();
    await emu.stop();
  }
}

async function sequential(): Promise<{ ms: number; requests: number }> {
  const emu = await startEmulator({ port: 0 });
  try {
    emu.setFaults({ latencyMs: LATENCY_MS, rateLimit: { enabled: true, perTenantPerMinute: LIMIT_PER_MINUTE, perAppPerTenantPerMinute: LIMIT_PER_MINUTE } });
    const ms = await sequentialScript(emu);
    return { ms, requests: emu.requestLog().filter((e) => e.kind === "graph" && e.status !== 429).length };
  } finally {
    await emu.stop();
  }
}

async function main(): Promise<void> {
  const idle = (await measure(false)).rows; // 0 ms, no limit: the engine's and the program's own time
  const { rows: limited, state: stateFacts } = await measure(true);
  const script = await sequential();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `\nLarge tenant through the real Pulumi engine (10 identity providers, 40 policy keys, 10 user flows with 30 attachments${extraBenchResources.description}), ` +
      `${LATENCY_MS} ms latency, ${LIMIT_PER_MINUTE} requests/minute`,
  );
  console.log(`${"phase".padEnd(18)}${"time".padStart(9)}${"requests (429)".padStart(16)}${"floor".padStart(9)}${"ratio".padStart(8)}${"at 0 ms".padStart(10)}`);
  const rows = limited.map((r) => {
    const floor = floorMs(r.phase, r.requests - r.throttled);
    const base = idle.find((b) => b.phase === r.phase)!;
    const ratio = floor > 0 ? (r.ms / floor).toFixed(1) : "-";
    console.log(`${r.phase.padEnd(18)}${s(r.ms).padStart(9)}${`${r.requests - r.throttled} (${r.throttled})`.padStart(16)}${s(floor).padStart(9)}${ratio.padStart(8)}${s(base.ms).padStart(10)}`);
    return { ...r, floorMs: floor, zeroLatencyMs: base.ms, graphAttributableMs: Math.max(0, r.ms - base.ms) };
  });
  console.log(`plain sequential script, same creates: ${s(script.ms)} (${script.requests} requests)`);
  console.log(
    `state: ${stateFacts.stateBytes} bytes for ${stateFacts.resources} resources; largest __provider ${stateFacts.providerBytesMax} bytes, ` +
      `largest resource entry ${stateFacts.resourceEntryBytesMax} bytes`,
  );
  console.log(`largest resource entry by type: ${JSON.stringify(stateFacts.entryBytesMaxByType)}`);
  console.log(JSON.stringify({ latencyMs: LATENCY_MS, limitPerMinute: LIMIT_PER_MINUTE, phases: rows, sequentialScript: script, state: stateFacts }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
