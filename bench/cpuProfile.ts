// Reads the CPU profiles `node --cpu-prof` writes (V8's .cpuprofile: a call tree of nodes, and
// samples with the time since the previous one, https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile)
// and sums where the time went: self time per function and per package, and the inclusive time of
// a few known costs (module loading, the SDK's stack capture at each registration, closure
// serialization). bench/engine.ts --profile uses it.
import * as fs from "fs";
import * as path from "path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which process of a Pulumi run a profile is, from the scripts it ran. */
export type Role = "program" | "plugin" | "dynamic provider host" | "other";

export interface ProfileSummary {
  role: Role;
  /** Sampled time, ms (wall time the profiler ran). */
  totalMs: number;
  idleMs: number;
  gcMs: number;
  /** Self time by function ("name url:line"), ms. */
  selfByFunction: Record<string, number>;
  /** Self time by package (node_modules package, our top folder, node's internals, V8), ms. */
  selfByPackage: Record<string, number>;
  /** Inclusive time of the known costs (INCLUSIVE below), ms. */
  inclusive: Record<string, number>;
}

/**
 * Known costs, each the time in a frame matching it and everything it called (counted once when
 * nested). Packages that call back into others (gRPC, our code) are in selfByPackage instead.
 */
const INCLUSIVE: Record<string, (f: ProfileNode["callFrame"]) => boolean> = {
  "module loading (require, compile included)": (f) => f.functionName === "Module._load" || (f.functionName === "require" && f.url.includes("node:internal/modules")),
  "module compile (wrapSafe/compileFunction)": (f) => f.functionName === "wrapSafe" || f.functionName === "compileFunction",
  "stack capture per registration (Resource.callsites, source maps included)": (f) => f.functionName === "callsites" && /@pulumi\/pulumi\/resource\.js$/.test(f.url),
  "source-map-support": (f) => f.url.includes("/source-map-support/"),
  "closure serialization (dynamic provider)": (f) => /serializeFunction|serializeProvider/.test(f.functionName) && f.url.includes("@pulumi/pulumi"),
  "XML parsing (@xmldom/xmldom)": (f) => f.url.includes("/@xmldom/"),
  "XSD validation (xmllint-wasm)": (f) => f.url.includes("/xmllint-wasm/"),
};

const OUR_FOLDERS = ["host", "kernel", "graph", "domain", "policies", "api", "signIn", "identityProviders", "userFlows", "attachments", "policyKeys", "customPolicies", "iefApplications", "program", "bench", "emulator"];

/** Our top folder of a script URL (from dist/ or .bench-build/), or undefined when it is not ours. */
function ourFolder(url: string): string | undefined {
  const m = /\/(?:dist|\.bench-build)\/([^/]+)\//.exec(url);
  return m && OUR_FOLDERS.includes(m[1]) ? m[1] : undefined;
}

function packageOf(url: string): string {
  if (url === "") return "(V8/native)";
  if (url.startsWith("node:")) return "node: (Node's own modules)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "/node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ours = ourFolder(url);
  return ours ? `ours: ${ours}/` : "other";
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + "/node_modules/".length);
  const m = /\/(?:dist|\.bench-build)\/(.+)$/.exec(url);
  return m ? m[1] : url.replace(/^file:\/\//, "");
}

function roleOf(profile: CpuProfile): Role {
  const urls = profile.nodes.map((n) => n.callFrame.url);
  if (urls.some((u) => /\/host\/plugin\/main\.js$/.test(u))) return "plugin";
  if (urls.some((u) => u.includes("@pulumi/pulumi/cmd/dynamic-provider/"))) return "dynamic provider host";
  if (urls.some((u) => u.includes("@pulumi/pulumi/cmd/run/"))) return "program";
  return "other";
}

const add = (into: Record<string, number>, key: string, ms: number) => (into[key] = (into[key] ?? 0) + ms);

/** Where one profile's time went. */
export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // A sample lasts until the next one (as Chrome's DevTools counts it).
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, next));
  }
  const summary: ProfileSummary = { role: roleOf(profile), totalMs: 0, idleMs: 0, gcMs: 0, selfByFunction: {}, selfByPackage: {}, inclusive: {} };
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const ms = us / 1000;
    summary.totalMs += ms;
    if (f.functionName === "(idle)") summary.idleMs += ms;
    else if (f.functionName === "(garbage collector)") summary.gcMs += ms;
    add(summary.selfByFunction, f.url ? `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}` : f.functionName || "(anonymous)", ms);
    add(summary.selfByPackage, f.url ? packageOf(f.url) : f.functionName, ms);
  }
  // Inclusive times: a depth-first walk that counts a subtree under its outermost matching frame.
  const root = profile.nodes[0];
  const walk = (node: ProfileNode, inside: Set<string>) => {
    const matched = Object.entries(INCLUSIVE).filter(([name, test]) => !inside.has(name) && test(node.callFrame)).map(([name]) => name);
    const now = matched.length ? new Set([...inside, ...matched]) : inside;
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    for (const name of now) add(summary.inclusive, name, ms);
    for (const child of node.children ?? []) walk(byId.get(child)!, now);
  };
  walk(root, new Set());
  return summary;
}

/** Sums summaries of the same role (several processes, or several runs). */
export function merge(summaries: ProfileSummary[]): ProfileSummary {
  const out: ProfileSummary = { role: summaries[0]?.role ?? "other", totalMs: 0, idleMs: 0, gcMs: 0, selfByFunction: {}, selfByPackage: {}, inclusive: {} };
  for (const s of summaries) {
    out.totalMs += s.totalMs;
    out.idleMs += s.idleMs;
    out.gcMs += s.gcMs;
    for (const key of ["selfByFunction", "selfByPackage", "inclusive"] as const) for (const [k, v] of Object.entries(s[key])) add(out[key], k, v);
  }
  return out;
}

/** Every .cpuprofile in a folder, summarized and grouped by role. */
export function summarizeFolder(dir: string): Map<Role, { processes: number; summary: ProfileSummary }> {
  const groups = new Map<Role, ProfileSummary[]>();
  if (!fs.existsSync(dir)) return new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const s = summarize(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
    groups.set(s.role, [...(groups.get(s.role) ?? []), s]);
  }
  return new Map([...groups].map(([role, list]) => [role, { processes: list.length, summary: merge(list) }]));
}

/** The largest entries of a record, as "value ms  key" lines. */
export function top(record: Record<string, number>, n: number): string[] {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`);
}
