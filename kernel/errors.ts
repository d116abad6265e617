// The package's errors, one kind per situation a user meets, after the emulator's own catalogue
// (emulator/errorCatalogue.ts): each kind has ONE class, and every error of the family carries its
// `kind`, so callers and tests decide with `instanceof` or `errorKind()`, never on wording.
//
//   kind       class               when
//   input      InputError          an argument or config value is wrong; thrown before any Graph call,
//                                  listing every problem (`problems`) by the name the user wrote
//   exists     ExistsError         the tenant holds the object already and it is not the stack's
//                                  (made by hand or by another stack; attached already)
//   notOurs    NotOursError        the object is the tenant's, adopted: the stack will not replace it
//                                  or change what cannot change in place
//   graph      GraphRequestError   Graph answered with an error, or did not answer (graph/errors.ts)
//   config     GraphConfigError    the tenant's settings (stack config, environment) are missing or
//                                  wrong, naming the key (graph/settings.ts)
//
// Graph and config errors are raised in graph/, the lowest layer, which imports nothing above it:
// their classes live there (each with its `kind`) and are re-exported here. The object folders'
// own explanations of a failed Graph operation (PolicyKeyError, TrustFrameworkPolicyError) are of
// kind `graph` and carry Graph's answer as `cause`. Outside the family on purpose: the policy
// toolkit's XmlSyntaxError and UploadOrderError (policies/ stays free of this package's runtime),
// the CLI's UsageError, and UnsafeGraphPathError (graph/paths.ts: a guard against a bug, since
// validation refuses such ids first).
import { RunError } from "@pulumi/pulumi/errors";
import { type InputProblem, problemsMessage } from "../domain/problems";
import { GraphRequestError } from "../graph/errors";
import { GraphConfigError } from "../graph/settings";

export { GraphConfigError, GraphRequestError };

/**
 * Invalid input, before any Graph call: the message names the resource and every invalid argument.
 * A Pulumi RunError, which the Node.js runtime reports as its message alone: the problem is the
 * user's input, so a stack trace would only hide it. Its stack is that one line too, because
 * @pulumi/pulumi formats every uncaught error with util.inspect, and Node 20.20's inspect loops for a
 * minute, then fails, on a source-mapped frame such as `node_modules/@pulumi/cmd/run/run.ts`
 * (measured under the real engine: tests/engine).
 */
export class InputError extends RunError {
  readonly kind = "input" as const;
  override name = "InputError";
  constructor(
    resource: string,
    readonly problems: InputProblem[],
  ) {
    super(problemsMessage(resource, problems));
    withoutStackFrames(this);
  }
}

/** The object is in the tenant already and is not the stack's to take; the message says what to do (adoptExisting, another name, delete it). */
export class ExistsError extends Error {
  readonly kind = "exists" as const;
  override name = "ExistsError";
}

/** The object is adopted (the tenant's, not the stack's): a change that would replace it, or a fixed setting that differs, is refused. */
export class NotOursError extends Error {
  readonly kind = "notOurs" as const;
  override name = "NotOursError";
}

/** An error of the family. */
export type FamilyError = InputError | ExistsError | NotOursError | GraphRequestError | GraphConfigError;
/** The family's kinds, from the classes themselves. */
export type ErrorKind = FamilyError["kind"];

const KINDS: readonly string[] = ["input", "exists", "notOurs", "graph", "config"] satisfies readonly ErrorKind[];

/**
 * The kind of an error of the family, or undefined. Read from `kind`, not only `instanceof`: an
 * error raised by another copy of this package (a consumer's install may hold two) counts too.
 */
export function errorKind(error: unknown): ErrorKind | undefined {
  const kind = error instanceof Error ? (error as { kind?: unknown }).kind : undefined;
  return typeof kind === "string" && KINDS.includes(kind) ? (kind as ErrorKind) : undefined;
}

/** The error for invalid input (InputError), as a function. */
export function inputError(resource: string, problems: InputProblem[]): InputError {
  return new InputError(resource, problems);
}

/** Throws an InputError when there are problems. */
export function throwIfProblems(resource: string, problems: InputProblem[]): void {
  if (problems.length > 0) throw new InputError(resource, problems);
}

/** The error with its stack reduced to its first line (see InputError). */
export function withoutStackFrames<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
