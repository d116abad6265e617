import type * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import type { InputProblem } from "../domain/problems";
import { isUnknown } from "../domain/notKnownYet";
import { ConfigSource, DEFAULT_CONFIG_NAMESPACE, GraphSettings, resolveGraphSettings } from "../graph/settings";

/** A dynamic provider that remembers the stack config the engine hands to `configure`. */
export interface ConfiguredProvider {
  /** Stack config given to `configure`; absent when the engine did not call it (environment only). */
  configSource?: ConfigSource;
  /** The stack config namespace of this call's tenant (the resource's `configNamespace` input); default `b2c`. */
  configNamespace?: string;
}

/**
 * A dynamic provider over its own input and state types (SST-style): `I` is what `check` returns and
 * `create`/`diff`/`update` receive (`check` also gets the engine's raw inputs in that shape, where a
 * value not known yet is UNKNOWN), `O` is the state. `read` always gets the state (the engine's
 * dynamic-provider host passes the resource's properties) and may answer that the object is gone.
 */
export interface TypedProvider<I, O> extends Omit<pulumi.dynamic.ResourceProvider<I, O>, "read">, ConfiguredProvider {
  read?: (id: string, props: O) => Promise<pulumi.dynamic.ReadResult<O> | Gone>;
  /**
   * `pulumi import <type> <name> <id>`: the object with this Graph id as the tenant holds it, as
   * state and as the inputs a program declaring it would give (kernel/importing.ts). Absent: the
   * resource cannot be imported.
   */
  readForImport?: (id: string) => Promise<Imported<I, O>>;
  /**
   * Preview's look before a new resource's first write (the ownership rule, kernel/ownership/): an
   * object that exists already and is not this stack's fails the preview, naming the property, with
   * no write. `inputs` are what `check` returned. The plugin calls it from a Create with `preview`
   * set, which the engine sends for many resources at once; `check` comes one resource at a time
   * (pulumi/pulumi#3302), so a Graph look there would queue. `create` looks again before its first
   * write, so `up` without a preview is guarded the same way.
   */
  lookBeforeCreate?: (inputs: I) => Promise<pulumi.dynamic.CheckFailure[]>;
}

/**
 * What `readForImport` answers. The object existed before the stack, so it is adopted (`adopted` in
 * state, and `adoptExisting: true` in the inputs of the resources that take it; an adopted keyset is
 * adopted by nature): destroy leaves it in the tenant, as for any adopted object. The inputs hold
 * only what Graph returns, never a secret (Graph returns none), so the first `up` after the import
 * writes just the secrets the program then gives.
 */
export interface Imported<I, O> {
  id: string;
  props: O;
  inputs: Partial<I>;
}

/**
 * A resource implementation as the provider plugin calls it (host/plugin/provider.ts): the methods of
 * Pulumi's dynamic-provider interface (check, diff, create, read, update, delete), which the
 * implementations keep, with the configuration the plugin gives it.
 */
export type ResourceImplementation = pulumi.dynamic.ResourceProvider &
  ConfiguredProvider & { lookBeforeCreate?: (inputs: any) => Promise<pulumi.dynamic.CheckFailure[]> };

/** A check failure: the property (an argument name) and why, as the engine shows it. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/** What `read` answers for an object deleted out of band: no id (the engine drops it from state), no properties. */
export interface Gone {
  id: "";
  props: Record<string, never>;
}

/** A resource's arguments for the plain fields `T` (e.g. a key source's): each may be an Output. */
export type InputFields<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The argument every dynamic resource takes besides its own: its tenant's config namespace. */
export interface ConfigNamespaceArgs {
  /** The stack config namespace of the resource's tenant (e.g. "b2c-eu"); absent means "b2c". Plain, never a secret; a change replaces. */
  configNamespace?: pulumi.Input<string>;
}

/** `configure` shared by every provider: keep the stack config for the methods that follow. */
export async function rememberConfig(this: ConfiguredProvider, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  this.configSource = req.config;
}

/** Settings for this call: stack config (`b2c:*`, or the call's namespace) first, then environment. Throws naming the key. */
export function settingsOf(provider: ConfiguredProvider): GraphSettings {
  return resolveGraphSettings(provider.configSource, process.env, provider.configNamespace ?? DEFAULT_CONFIG_NAMESPACE);
}

/** The namespace a resource's inputs or state name (`configNamespace`), default `b2c`. */
function namespaceOf(values: unknown): string {
  const ns = (values as Record<string, unknown> | undefined)?.configNamespace;
  return typeof ns === "string" && ns !== "" ? ns : DEFAULT_CONFIG_NAMESPACE;
}

/** Keeps a non-default `configNamespace` on what a method returns as inputs or state. */
function keepNamespace<T>(values: T, ns: string): T {
  return ns === DEFAULT_CONFIG_NAMESPACE || !values || typeof values !== "object" ? values : ({ ...values, configNamespace: ns } as T);
}

/**
 * Several tenants in one program: the provider's `configure` gets the whole stack config, and each
 * resource names its tenant's config namespace in a plain, non-secret input, `configNamespace`
 * (absent means `b2c`, so state written before it existed reads as before). Each method runs on a
 * per-call object that carries that namespace (settingsOf/graphOf read it), so concurrent calls for
 * different tenants never share it. The namespace is kept in the inputs `check` returns and in the
 * state `create`/`read`/`update` return, so `read` and `delete` go to the same tenant, and a change of
 * namespace replaces the object (it is another tenant's).
 */
export function withConfigNamespace<P extends pulumi.dynamic.ResourceProvider & ConfiguredProvider>(provider: P): P {
  const scoped = (self: object, ns: string) => Object.create(self, { configNamespace: { value: ns } });
  const p = provider as any;
  const wrapped: any = Object.create(provider);
  if (p.check) wrapped.check = async function (this: object, olds: any, news: any) {
    const ns = namespaceOf(news);
    const result = await p.check.call(scoped(this, ns), olds, news);
    return result?.inputs ? { ...result, inputs: keepNamespace(result.inputs, ns) } : result;
  };
  if (p.diff) wrapped.diff = async function (this: object, id: string, olds: any, news: any) {
    const result = await p.diff.call(scoped(this, namespaceOf(news)), id, olds, news);
    if (namespaceOf(olds) === namespaceOf(news)) return result;
    return { ...result, changes: true, replaces: [...(result?.replaces ?? []), "configNamespace"], stables: [] };
  };
  if (p.create) wrapped.create = async function (this: object, inputs: any) {
    const ns = namespaceOf(inputs);
    const result = await p.create.call(scoped(this, ns), inputs);
    return { ...result, outs: keepNamespace(result.outs, ns) };
  };
  if (p.lookBeforeCreate) wrapped.lookBeforeCreate = async function (this: object, inputs: any) {
    return p.lookBeforeCreate.call(scoped(this, namespaceOf(inputs)), inputs);
  };
  if (p.read) wrapped.read = async function (this: object, id: string, props: any) {
    const ns = namespaceOf(props);
    const result = await p.read.call(scoped(this, ns), id, props);
    return result?.props ? { ...result, props: keepNamespace(result.props, ns) } : result;
  };
  if (p.update) wrapped.update = async function (this: object, id: string, olds: any, news: any) {
    const ns = namespaceOf(news);
    const result = await p.update.call(scoped(this, ns), id, olds, news);
    return { ...result, outs: keepNamespace(result?.outs, ns) };
  };
  if (p.delete) wrapped.delete = async function (this: object, id: string, props: any) {
    return p.delete.call(scoped(this, namespaceOf(props)), id, props);
  };
  return wrapped as P;
}

/** A Graph API for this call's tenant; cheap, since credential and token are kept per identity (graph/credential.ts). */
export function graphOf(provider: ConfiguredProvider): GraphApi {
  return new GraphApi(settingsOf(provider));
}

// The read-after-write grace, with every other consistency window: kernel/consistency.ts (0.1.0's
// state calls readGraceMs from here).
export { CONSISTENCY_WINDOWS_MS, readGraceMs } from "./consistency";

/** Validation problems in the shape `check` returns them: the engine shows "property: reason". */
export function checkFailures(problems: InputProblem[]): { property: string; reason: string }[] {
  return problems.map((p) => ({ property: p.argument, reason: p.reason }));
}

// "Not known yet": one convention for components, validation and providers (domain/notKnownYet.ts).
export { isUnknown, UNKNOWN } from "../domain/notKnownYet";

/** Names of the keys whose values differ (compared as JSON, unknowns count as changed). */
export function changedKeys<K extends string>(olds: Partial<Record<K, unknown>>, news: Partial<Record<K, unknown>>, keys: readonly K[]): K[] {
  return keys.filter((k) => isUnknown(news[k]) || JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}

const memos = new Map<string, Map<string, unknown>>();

/**
 * A per-process memo, by name (the implementations are loaded once per process). Used for
 * read-only tenant facts such as the available provider types.
 */
export function processMemo<T>(name: string): Map<string, T> {
  let memo = memos.get(name);
  if (!memo) {
    memo = new Map();
    memos.set(name, memo);
  }
  return memo as Map<string, T>;
}
