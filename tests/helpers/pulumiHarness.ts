// Drives real provider code the way the Pulumi engine does, without the CLI: components are
// constructed under setMocks, and each resource's implementation is the one the b2c-identity
// plugin serves for its type token (host/plugin/provider.ts), configured with stack config.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { providerImplementations } from "../../host";
import { implementationKindOf } from "../../host/plugin/provider";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface Registration {
  type: string;
  name: string;
  /** Inputs as the engine would hand them to the provider: secrets unwrapped, no `__provider`. */
  inputs: Record<string, any>;
  /** Inputs exactly as registered (secrets still wrapped), for secretness assertions. */
  rawInputs: Record<string, any>;
  custom: boolean;
  parent?: string;
  urn: string;
}

/** Removes Pulumi's secret wrappers, recursively. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] !== undefined) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function isSecretWrapped(value: any): boolean {
  return Boolean(value && typeof value === "object" && value[SECRET_SIG] !== undefined);
}

/** Stack config as the engine hands it to `configure`, pointing at the emulator. */
export function emulatorStackConfig(emu: RunningEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    // A fresh attempt journal (kernel/ownership/journal.ts) per provider: tests never see each other's notes, nor the machine's.
    "b2c:ownershipJournalDir": fs.mkdtempSync(path.join(os.tmpdir(), "b2c-attempts-")),
    "b2c:tenantId": emu.tenantDomain,
    "b2c:tenantName": emu.tenantName,
    "b2c:clientId": emu.clientId,
    "b2c:clientSecret": emu.clientSecret,
    "b2c:graphEndpoint": emu.graphEndpoint,
    "b2c:authorityHost": emu.authorityHost,
    ...extra,
  };
}

export function configRequest(config: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return { config: { get: (key: string) => config[key], require: (key: string) => config[key] } } as any;
}

async function settle(count: () => number): Promise<void> {
  // Registrations happen as inputs resolve; wait until no new one arrives for a few turns.
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    const now = count();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

/**
 * Runs `program` under mocks and returns every resource it registered. Mocked outputs echo the
 * inputs (plus `outputs` overrides by resource name), like a preview of a fresh stack.
 */
export async function capture(
  program: () => unknown,
  options: { stack?: string; config?: Record<string, string>; outputs?: (reg: Registration) => Record<string, any> | undefined } = {},
): Promise<{ registrations: Registration[]; result: unknown }> {
  const registrations: Registration[] = [];
  if (options.config) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(options.config)), Object.keys(options.config).filter((k) => /secret|key/i.test(k)));
  }
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        // The tenant's provider (kernel/tenantProvider.ts) is not one of the program's resources.
        if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-id`, state: args.inputs };
        const reg: Registration = {
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs ?? {}),
          rawInputs: args.inputs,
          custom: args.custom ?? true,
          urn: `urn:pulumi:${options.stack ?? "test"}::b2c-identity::${args.type}::${args.name}`,
        };
        registrations.push(reg);
        const extra = options.outputs?.(reg) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "b2c-identity",
    options.stack ?? "test",
    false,
  );
  const result = program();
  await settle(() => registrations.length);
  return { registrations, result };
}

/**
 * The implementation the plugin serves for a resource type token (e.g. a Registration's `type`),
 * configured with the stack config as each tenant's provider is (the keys of its namespace).
 */
export async function loadProvider(type: string, config: Record<string, string>): Promise<Required<Pick<pulumi.dynamic.ResourceProvider, "create">> & pulumi.dynamic.ResourceProvider> {
  const kind = implementationKindOf(type);
  if (!kind) throw new Error(`the b2c-identity plugin serves no resource type ${type}`);
  const provider: any = Object.create(providerImplementations[kind]);
  if (provider.configure) await provider.configure(configRequest(config));
  return provider;
}

/** The engine's sequence for a new resource: check, then create with the checked inputs. */
export async function checkAndCreate(provider: pulumi.dynamic.ResourceProvider, inputs: Record<string, any>): Promise<{ id: string; outs: any; inputs: any }> {
  let checked = inputs;
  if (provider.check) {
    const result = await provider.check({}, inputs);
    if (result.failures?.length) {
      throw new Error(`check failed: ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    checked = result.inputs ?? inputs;
  }
  const created = await provider.create(checked);
  return { id: created.id, outs: created.outs, inputs: checked };
}

/**
 * The engine's preview of a new resource: check, then Create with `preview` set, which the plugin
 * answers with the implementation's look before the first write (host/plugin/server.ts). Returns
 * the failures either reported, as the plugin would.
 */
export async function previewCreate(provider: pulumi.dynamic.ResourceProvider, inputs: Record<string, any>): Promise<pulumi.dynamic.CheckFailure[]> {
  const checked = provider.check ? await provider.check({}, inputs) : { inputs };
  if (checked.failures?.length) return checked.failures;
  const look = (provider as { lookBeforeCreate?: (inputs: unknown) => Promise<pulumi.dynamic.CheckFailure[]> }).lookBeforeCreate;
  return look ? look.call(provider, checked.inputs ?? inputs) : [];
}

/** Returns output values of a component under mocks. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Whether an output is marked secret. */
export async function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return (await (output as any).isSecret) === true;
}

/**
 * Collects unhandled rejections as the Pulumi language host sees them: an input that failed
 * validation when its Output resolved is left unhandled by Pulumi on purpose, and the host fails the
 * program with it. Jest runs tests in a VM context whose `process` is a copy, and its own listener on
 * the real process would fail the test, so that listener is set aside meanwhile and restored by the
 * returned function, which yields the distinct errors seen.
 */
export function collectUnhandledRejections(): () => Promise<unknown[]> {
  const realProcess: NodeJS.Process = require("vm").runInThisContext("process");
  const jestListeners = realProcess.rawListeners("unhandledRejection") as ((...args: unknown[]) => void)[];
  const seen: { error: unknown; promise: Promise<unknown> }[] = [];
  const listener = (error: unknown, promise: Promise<unknown>) => seen.push({ error, promise });
  realProcess.removeAllListeners("unhandledRejection");
  realProcess.on("unhandledRejection", listener);
  return async () => {
    // No late .catch on the seen promises: Node has reported them already, and handling them now
    // only prints a PromiseRejectionHandledWarning per promise.
    await new Promise((r) => setTimeout(r, 60));
    realProcess.off("unhandledRejection", listener);
    for (const l of jestListeners) realProcess.on("unhandledRejection", l);
    return [...new Set(seen.map((s) => s.error))];
  };
}
