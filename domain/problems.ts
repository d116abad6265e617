// The problem shape every argument rule returns, and the words shared by their reasons. Pure: the
// error that lists problems (InputError) is the kernel's, kernel/errors.ts.

/** One invalid argument: which argument, and why. */
export interface InputProblem {
  /** The argument or config key, as the user wrote it (e.g. `appKey`, `secret.expiresOn`, `b2c:signIn`). */
  argument: string;
  reason: string;
}

/** The one line an error listing `problems` for `resource` says (InputError, kernel/errors.ts). */
export function problemsMessage(resource: string, problems: readonly InputProblem[]): string {
  return `Invalid arguments for ${resource}: ${problems.map((p) => `${p.argument}: ${p.reason}`).join("; ")}`;
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

/**
 * How a value that may be a secret is shown in a message: its length and first two characters,
 * never more (issue 20 item 2), e.g. `33 characters, starting 'a1'`.
 */
export function describeSecret(value: string): string {
  const chars = Array.from(value);
  const start = chars.slice(0, 2).join("");
  return `${chars.length} character${chars.length === 1 ? "" : "s"}, starting ${JSON.stringify(start)}`;
}

/**
 * How a value that may be a secret is shown in a message about its shape: its length and first two
 * characters, never the value ("a 32-character value starting 'wx'").
 */
export function describeValueShape(value: unknown): string {
  if (typeof value !== "string") return value === undefined || value === null ? String(value) : `a ${typeof value}`;
  const first = [...value].slice(0, 2).join("");
  return value.length === 0 ? "an empty value" : `a ${value.length}-character value starting '${first}'`;
}

/** The first control character (C0, DEL, C1, line/paragraph separators) in `value`, as "U+000A at position 5"; undefined when none. */
export function controlCharacterIn(value: string): string | undefined {
  const match = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.exec(value);
  if (!match) return undefined;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at position ${match.index + 1}`;
}

/**
 * Why a secret (APP KEY, client secret, policy key secret) has whitespace around it, or undefined.
 * A key pasted with its line break or a leading space is sent as is and fails only at sign-in.
 */
export function secretWhitespaceProblem(value: string): string | undefined {
  const leading = /^\s/.test(value);
  const trailing = /\s$/.test(value);
  if (!leading && !trailing) return undefined;
  const where = leading && trailing ? "leading and trailing" : leading ? "a leading" : "a trailing";
  const kind = /[\r\n]/.test(value) ? "whitespace or line break" : "whitespace";
  return (
    `has ${where} ${kind} (${describeSecret(value)}): the provider compares the key exactly, so sign-in would fail. ` +
    `Remove it (e.g. \`printf %s "$KEY" | pulumi config set --secret <key>\`, or .trim() the value)`
  );
}
