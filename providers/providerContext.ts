import type * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import type { InputProblem } from "../validation/inputError";
import { ConfigSource, GraphSettings, resolveGraphSettings } from "../graph/settings";

/** A dynamic provider that remembers the stack config the engine hands to `configure`. */
export interface ConfiguredProvider {
  /** Stack config given to `configure`; absent when the engine did not call it (environment only). */
  configSource?: ConfigSource;
}

/** `configure` shared by every provider: keep the stack config for the methods that follow. */
export async function rememberConfig(this: ConfiguredProvider, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  this.configSource = req.config;
}

/** Settings for this call: stack config (`b2c:*`) first, then environment. Throws naming the key. */
export function settingsOf(provider: ConfiguredProvider): GraphSettings {
  return resolveGraphSettings(provider.configSource);
}

/** A Graph API built inside the method: nothing holding a credential is captured by the provider. */
export function graphOf(provider: ConfiguredProvider): GraphApi {
  return new GraphApi(settingsOf(provider));
}

/**
 * How long after our own write a read keeps retrying 404 before concluding the object was deleted
 * out of band: Graph is eventually consistent (https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/), so a refresh right after
 * `up` must not drop what `up` just created.
 */
export const READ_AFTER_WRITE_GRACE_MS = 30_000;

/** What is left of the read-after-write grace for an object last written at `lastWriteAt` (epoch ms). */
export function readGraceMs(lastWriteAt: unknown, now = Date.now()): number {
  if (typeof lastWriteAt !== "number") return 0;
  return Math.min(READ_AFTER_WRITE_GRACE_MS, Math.max(0, lastWriteAt + READ_AFTER_WRITE_GRACE_MS - now));
}

/** Validation problems in the shape `check` returns them: the engine shows "property: reason". */
export function checkFailures(problems: InputProblem[]): { property: string; reason: string }[] {
  return problems.map((p) => ({ property: p.argument, reason: p.reason }));
}

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Names of the keys whose values differ (compared as JSON, unknowns count as changed). */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => isUnknown(news[k]) || JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}

/**
 * A per-process memo on globalThis (not a module variable, which would be serialized with the
 * provider). Used for read-only tenant facts such as the available provider types.
 */
export function processMemo<T>(name: string): Map<string, T> {
  const key = Symbol.for(`pulumi-b2c-identity/${name}`);
  const holder = globalThis as unknown as Record<symbol, Map<string, T> | undefined>;
  let memo = holder[key];
  if (!memo) {
    memo = new Map();
    holder[key] = memo;
  }
  return memo;
}
