import type { InputProblem } from "./problems";
import { isUnknown } from "./notKnownYet";

// One validator per argument: each object's rules.ts exports a table
// `argument -> rule`, and every layer that checks that argument (the component at construction, an
// Output when it resolves, the provider's `check`, the stack program, B2CSocialSignIn) runs the same
// rule, naming the argument as its caller wrote it. Pure: no I/O, no Pulumi.

/**
 * The rule of one argument: why `value` is not acceptable (none when it is). `args` are the other
 * arguments, for a rule that depends on one (an APP KEY's shape on the provider type); a value in
 * it may be the not-known-yet placeholder.
 */
export type ArgumentRule<A = Record<string, unknown>, R extends Reason = string> = (value: unknown, args: Partial<A>) => R[];

/**
 * Why a value is refused: about the argument itself (a string), or about one field of an argument
 * that is an object (`{ at: "use", reason }` names `secret.use`).
 */
export type Reason = string | { at: string; reason: string };

/** One rule per argument of an object. */
export type ArgumentRules<A, R extends Reason = string> = { readonly [K in keyof A & string]-?: ArgumentRule<A, R> };

/** Reasons from an optional check: none when `reason` is undefined. */
export function reasons(...reason: (string | undefined)[]): string[] {
  return reason.filter((r): r is string => r !== undefined);
}

/**
 * Runs one argument's rule on a known value (a value not known yet is left to the check that
 * sees it known) and names each problem `argument`.
 */
export function checkArgument<A, R extends Reason = string>(rules: ArgumentRules<A, R>, name: keyof A & string, value: unknown, args: Partial<A> = {}, argument: string = name): InputProblem[] {
  if (isUnknown(value)) return [];
  return rules[name](value, args).map((r) => (typeof r === "string" ? { argument, reason: r } : { argument: `${argument}.${r.at}`, reason: r.reason }));
}

/**
 * Runs every argument's rule once on `input`, in the table's order; `names` maps an argument to the
 * name the caller wrote (a preset's `appKey` for `clientSecret`), others keep theirs.
 */
export function checkArguments<A, R extends Reason = string>(rules: ArgumentRules<A, R>, input: Partial<A>, names: Readonly<Record<string, string>> = {}): InputProblem[] {
  return (Object.keys(rules) as (keyof A & string)[]).flatMap((name) => checkArgument(rules, name, input[name], input, names[name] ?? name));
}
