import { RunError } from "@pulumi/pulumi/errors";

/** One invalid argument: which argument, and why. */
export interface InputProblem {
  /** The argument or config key, as the user wrote it (e.g. `appKey`, `secret.expiresOn`, `b2c:signIn`). */
  argument: string;
  reason: string;
}

/**
 * The error thrown for invalid input, before any Graph call. Its message names the resource and
 * every invalid argument. It is a Pulumi RunError, which the Node.js runtime reports as its message
 * alone: the problem is the user's input, so a stack trace would only hide it. Its stack is that
 * one line too, because @pulumi/pulumi formats every uncaught error with util.inspect, and Node
 * 20.20's inspect loops for a minute, then fails, on a source-mapped frame such as
 * `node_modules/@pulumi/cmd/run/run.ts` (measured under the real engine: tests/engine).
 */
export function inputError(resource: string, problems: InputProblem[]): Error {
  const lines = problems.map((p) => `${p.argument}: ${p.reason}`);
  return withoutStackFrames(
    Object.assign(new RunError(`Invalid arguments for ${resource}: ${lines.join("; ")}`), { name: "InputError", problems }),
  );
}

/** Throws inputError when there are problems. */
export function throwIfProblems(resource: string, problems: InputProblem[]): void {
  if (problems.length > 0) throw inputError(resource, problems);
}

/**
 * The one way to name problems as the caller wrote the arguments: `names` maps a checked argument
 * to the caller's name (a preset's `appKey` for `clientSecret`, `secret.value`, …); others keep theirs.
 */
export function renameProblems(problems: InputProblem[], names: Readonly<Record<string, string>>): InputProblem[] {
  return problems.map((p) => ({ ...p, argument: names[p.argument] ?? p.argument }));
}

export function isBlank(value: unknown): boolean {
  return typeof value !== "string" || value.trim() === "";
}

/** The error with its stack reduced to its first line (see inputError). */
export function withoutStackFrames<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
