// The one convention for a value that is not known yet: the Pulumi engine's unknown placeholder.
// It is what a dynamic provider's `check` and `diff` see for a computed input during a preview, and
// what a component puts in place of an Output or Promise before checking its arguments
// (`withUnknowns`, kernel/inputs.ts, the part that knows Pulumi's Output). Checks skip it; a check that runs again once the value
// is known (the provider's `check`, or `checkedInput` when the Output resolves) reports it then.

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for a value that is not known yet. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}
