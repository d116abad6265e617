/** One invalid argument: which argument, and why. */
export interface InputProblem {
  /** The argument or config key, as the user wrote it (e.g. `appKey`, `secret.expiresOn`, `b2c:signIn`). */
  argument: string;
  reason: string;
}

/**
 * The error thrown for invalid input, before any Graph call. Its message names the resource and
 * every invalid argument. A factory, not an Error subclass (the closure serializer cannot rebuild those).
 */
export function inputError(resource: string, problems: InputProblem[]): Error {
  const lines = problems.map((p) => `${p.argument}: ${p.reason}`);
  return Object.assign(new Error(`Invalid arguments for ${resource}: ${lines.join("; ")}`), {
    name: "InputError",
    problems,
  });
}

/** Throws inputError when there are problems. */
export function throwIfProblems(resource: string, problems: InputProblem[]): void {
  if (problems.length > 0) throw inputError(resource, problems);
}

export function isBlank(value: unknown): boolean {
  return typeof value !== "string" || value.trim() === "";
}
