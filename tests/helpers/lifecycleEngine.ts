// A small stand-in for the Pulumi engine, for lifecycle tests without the CLI. A program runs under
// setMocks; every resource of the b2c-identity plugin it registers is handled inside the mock, the
// way the engine would: the implementation the plugin serves for its type, configured with the
// stack config, then check -> diff -> create / update / replace runs against the emulator, and the
// real outputs flow to dependent resources. State persists between runs; whatever a run no longer
// declares is deleted afterwards (dependents first), and destroy() deletes everything.
import * as pulumi from "@pulumi/pulumi";
import { implementationKindOf } from "../../host/plugin/provider";
import { loadProvider, unwrapSecrets } from "./pulumiHarness";

// Not in the public typings: the SDK's own "wait for all outstanding resource RPCs", which
// pulumi.runtime.disconnect() uses at the end of a program.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

export interface ResourceState {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  outs: Record<string, any>;
  /** Creation order, for deleting dependents before what they depend on. */
  seq: number;
}

export type StepAction = "create" | "update" | "replace" | "same" | "delete";

export interface RunResult {
  /** What happened to each of the plugin's resources, as "action type::name". */
  steps: { action: StepAction; type: string; name: string }[];
  /** The program's return value (stack outputs), resolved. */
  outputs: Record<string, unknown>;
}

export class LifecycleEngine {
  readonly state = new Map<string, ResourceState>();
  private seq = 0;
  private providers = new Map<string, pulumi.dynamic.ResourceProvider>();

  constructor(
    private readonly stackConfig: Record<string, string>,
    private readonly stack = "dev",
    private readonly project = "b2c-identity",
  ) {}

  /** Changes stack config (e.g. a rotated secret) for the next run. */
  setConfig(values: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete this.stackConfig[k];
      else this.stackConfig[k] = v;
    }
  }

  private async provider(type: string): Promise<pulumi.dynamic.ResourceProvider> {
    let p = this.providers.get(type);
    if (!p) {
      p = await loadProvider(type, this.stackConfig);
      this.providers.set(type, p);
    }
    return p;
  }

  /** `pulumi up`: runs the program and converges the emulator to it. */
  async up(program: () => unknown): Promise<RunResult> {
    this.providers.clear(); // a new deployment loads providers again, with the current config
    const steps: RunResult["steps"] = [];
    const errors: unknown[] = [];
    const seen = new Set<string>();
    let pending = 0;

    pulumi.runtime.setAllConfig({ ...this.stackConfig }, Object.keys(this.stackConfig).filter((k) => /secret|key|password/i.test(k)));
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-id`, state: args.inputs };
          if (!implementationKindOf(args.type)) return { id: undefined, state: args.inputs };
          pending++;
          const key = `${args.type}::${args.name}`;
          seen.add(key);
          try {
            const news = unwrapSecrets(args.inputs);
            const outs = await this.apply(key, args.type, args.name, news, steps);
            return { id: this.state.get(key)!.id, state: { ...args.inputs, ...outs } };
          } catch (error) {
            errors.push(error);
            // Do not reject inside the mock: record, and fail the run once the program settles.
            return { id: `${args.name}-failed`, state: args.inputs };
          } finally {
            pending--;
          }
        },
        call: (args) => args.inputs,
      },
      this.project,
      this.stack,
      false,
    );

    const result = program();
    const outputs = await resolveOutputs(result);
    // Registrations can come late (after an async validation in an apply): wait, as the engine
    // does at the end of a program, for every outstanding resource operation, then for our mocks.
    await waitForRPCs();
    await settle(() => pending === 0);
    if (errors.length > 0) throw errors[0];

    // Resources this run no longer declares: delete, newest first.
    const stale = [...this.state.entries()].filter(([k]) => !seen.has(k)).sort((a, b) => b[1].seq - a[1].seq);
    for (const [key, res] of stale) {
      const provider = await this.provider(res.type);
      await provider.delete?.(res.id, res.outs);
      this.state.delete(key);
      steps.push({ action: "delete", type: res.type, name: res.name });
    }
    return { steps, outputs };
  }

  private async apply(key: string, type: string, name: string, news: Record<string, any>, steps: RunResult["steps"]) {
    const provider = await this.provider(type);
    const prior = this.state.get(key);
    let inputs = news;
    if (provider.check) {
      const checked = await provider.check(prior?.inputs ?? {}, news);
      if (checked.failures?.length) {
        throw new Error(`${type} "${name}": ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
      }
      inputs = checked.inputs ?? news;
    }
    if (!prior) {
      const created = await provider.create!(inputs);
      this.state.set(key, { type, name, id: created.id, inputs, outs: created.outs ?? {}, seq: this.seq++ });
      steps.push({ action: "create", type, name });
      return created.outs ?? {};
    }
    const diff = provider.diff ? await provider.diff(prior.id, prior.outs, inputs) : { changes: true };
    if (diff.replaces && diff.replaces.length > 0) {
      // Replacement: delete first when asked (same physical id), otherwise create first.
      if (diff.deleteBeforeReplace) await provider.delete?.(prior.id, prior.outs);
      const created = await provider.create!(inputs);
      if (!diff.deleteBeforeReplace) await provider.delete?.(prior.id, prior.outs);
      this.state.set(key, { type, name, id: created.id, inputs, outs: created.outs ?? {}, seq: this.seq++ });
      steps.push({ action: "replace", type, name });
      return created.outs ?? {};
    }
    if (diff.changes === false) {
      this.state.set(key, { ...prior, inputs });
      steps.push({ action: "same", type, name });
      return prior.outs;
    }
    const updated = provider.update ? await provider.update(prior.id, prior.outs, inputs) : { outs: prior.outs };
    const outs = updated.outs ?? prior.outs;
    this.state.set(key, { ...prior, inputs, outs });
    steps.push({ action: "update", type, name });
    return outs;
  }

  /** `pulumi refresh`: reads every resource; those gone from the tenant leave the state. */
  async refresh(): Promise<{ removed: string[]; changed: string[] }> {
    const removed: string[] = [];
    const changed: string[] = [];
    for (const [key, res] of this.state) {
      const provider = await this.provider(res.type);
      if (!provider.read) continue;
      const read = await provider.read(res.id, res.outs);
      if (!read.id) {
        this.state.delete(key);
        removed.push(key);
      } else {
        if (JSON.stringify(read.props) !== JSON.stringify(res.outs)) changed.push(key);
        this.state.set(key, { ...res, id: read.id, outs: read.props ?? res.outs });
      }
    }
    return { removed, changed };
  }

  /** `pulumi destroy`: deletes everything, dependents first. */
  async destroy(): Promise<string[]> {
    const order = [...this.state.entries()].sort((a, b) => b[1].seq - a[1].seq);
    const deleted: string[] = [];
    for (const [key, res] of order) {
      const provider = await this.provider(res.type);
      await provider.delete?.(res.id, res.outs);
      this.state.delete(key);
      deleted.push(key);
    }
    return deleted;
  }
}

async function settle(done: () => boolean): Promise<void> {
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    stable = done() ? stable + 1 : 0;
  }
}

/** Resolves a program's result (object of Outputs, or a promise of one) to plain values. */
async function resolveOutputs(result: unknown): Promise<Record<string, unknown>> {
  const value = await result;
  if (!value || typeof value !== "object") return {};
  const resolved = await new Promise<unknown>((resolve, reject) => {
    pulumi.output(value as Record<string, unknown>).apply(resolve);
    setTimeout(() => reject(new Error("program outputs did not resolve")), 120_000).unref();
  });
  return (resolved ?? {}) as Record<string, unknown>;
}

