import * as pulumi from "@pulumi/pulumi";
import { InputProblem, throwIfProblems } from "../validation/inputError";

/** The arguments whose values are already known (not Outputs or Promises). */
export function knownValues<T extends object>(args: T): Partial<Record<keyof T, unknown>> {
  const known: Partial<Record<keyof T, unknown>> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
      known[key as keyof T] = value;
    }
  }
  return known;
}

/**
 * Validates what is known now (throwing at construction, i.e. at preview) and defers the rest: an
 * Output-valued argument is checked when it resolves, before it reaches any provider.
 */
export function checkedInput<T>(
  resource: string,
  value: pulumi.Input<T> | undefined,
  validate: (value: T | undefined) => InputProblem[],
): pulumi.Output<T> {
  return pulumi.output(value as pulumi.Input<T>).apply((resolved) => {
    throwIfProblems(resource, validate(resolved as T));
    return resolved;
  }) as pulumi.Output<T>;
}
