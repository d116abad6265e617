// `pulumi import <type> <name> <id>` of the custom resources (README "Importing with pulumi import").
//
// The engine's import (pulumi/pulumi pkg/resource/deploy/step.go, ImportStep.Apply) calls the
// provider's Read with the id alone: no state, no inputs. The answer must carry inputs, or the engine
// stops with "provider does not support importing resources". The plugin sends such a read to the
// object folder's `readForImport` (providerContext.ts), which answers the object as state and as
// inputs: only what Graph returns, never a secret, and adopted, since the object existed before the
// stack. The engine then calls Check once with those inputs as both the old and the new inputs,
// and keeps them as they are (it ignores what Check returns there); a failure only prints a warning
// calling it "almost certainly a bug" in the provider. Those inputs lack the secrets on purpose (the
// program that declares the resource next gives them), so that one Check is answered with the
// inputs as they are: it is recognised as the Check that follows this process's import read of the
// same resource with exactly those inputs (one provider process serves the whole deployment, as
// ownership/gate.ts relies on too). Every other Check runs the object's own rules.
/** Object keys in a fixed order, so two equal property maps print alike whatever order the engine sent them in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The import reads a provider process answered, by URN, until the engine's Check of each. */
export class ImportReads {
  private readonly inputsByUrn = new Map<string, string>();

  /** Notes the inputs an import read answered for `urn`. */
  answered(urn: string, inputs: object): void {
    this.inputsByUrn.set(urn, stableJson(inputs));
  }

  /** Whether this Check is the import's own: olds and news both exactly the inputs the import read answered (then forgotten). */
  isImportCheck(urn: string, olds: unknown, news: unknown): boolean {
    const answered = this.inputsByUrn.get(urn);
    if (answered === undefined || stableJson(olds) !== answered || stableJson(news) !== answered) return false;
    this.inputsByUrn.delete(urn);
    return true;
  }
}

/** True when a read carries no state: `pulumi import` (or a resource `get`) naming an object by its id alone. */
export function isReadWithoutState(props: unknown): boolean {
  return !props || typeof props !== "object" || Object.keys(props).length === 0;
}

/** The error of an import whose object is not in the tenant. */
export function notInTenant(what: string, id: string, tenant: string, hint = ""): Error {
  return new Error(`Cannot import ${what} ${JSON.stringify(id)}: tenant ${tenant} holds none with that id.${hint ? ` ${hint}` : ""}`);
}

/** The error of an import of a resource type that keeps the books of another and stands for no tenant object of its own. */
export function notImportable(type: string, why: string): Error {
  return new Error(`${type} cannot be imported: ${why}`);
}
