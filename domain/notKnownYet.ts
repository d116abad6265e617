import * as pulumi from "@pulumi/pulumi";

// The one convention for a value that is not known yet: the Pulumi engine's unknown placeholder.
// It is what a dynamic provider's `check` and `diff` see for a computed input during a preview, and
// what a component puts in place of an Output or Promise before checking its arguments
// (`withUnknowns` below). Checks skip it; a check that runs again once the value
// is known (the provider's `check`, or `checkedInput` when the Output resolves) reports it then.

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for a value that is not known yet. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True for an argument whose value is not known at construction (an Output or a Promise). */
export function isOutputLike(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/**
 * The arguments as far as they are known now: Outputs and Promises, also one level into plain
 * objects (e.g. a key source's fields), become UNKNOWN, which the checks skip.
 */
export function withUnknowns<T extends object>(args: T): Record<keyof T, unknown> {
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (isOutputLike(value)) known[key] = UNKNOWN;
    else if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype) {
      known[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isOutputLike(v) ? UNKNOWN : v]));
    } else known[key] = value;
  }
  return known as Record<keyof T, unknown>;
}
