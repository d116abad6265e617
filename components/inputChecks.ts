import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE_PATTERN, DEFAULT_CONFIG_NAMESPACE } from "../graph/settings";
import { InputProblem, throwIfProblems } from "../validation/inputError";

/** What every Graph component's optional `tenant` argument is: the stack config namespace of its tenant. */
export interface TenantArgs {
  /**
   * The stack config namespace of the tenant this component manages, so one program can manage
   * several tenants: `"b2c-eu"` reads `b2c-eu:tenantId`, `b2c-eu:clientId`, `b2c-eu:clientSecret`, …
   * (read by the provider at deploy time; never an input). Not a secret. Default `"b2c"` (which also
   * falls back to the B2C_* / AZURE_* environment variables; other namespaces do not).
   */
  tenant?: string;
}

/** Problems with a `tenant` argument (a config namespace). */
export function tenantProblems(tenant: unknown, argument = "tenant"): InputProblem[] {
  if (tenant === undefined) return [];
  if (typeof tenant !== "string" || !CONFIG_NAMESPACE_PATTERN.test(tenant)) {
    return [{ argument, reason: `must be a stack config namespace (letters, digits, '-', '_', '.'), e.g. "b2c-eu", got ${JSON.stringify(tenant)}` }];
  }
  return [];
}

/**
 * The dynamic resource input that carries a component's tenant to its provider: `configNamespace`,
 * plain and non-secret, only when it is not the default (so resources without it are unchanged).
 * Throws at construction, naming the argument, when it is not a namespace.
 */
export function tenantInput(label: string, tenant: string | undefined, argument = "tenant"): { configNamespace?: string } {
  throwIfProblems(label, tenantProblems(tenant, argument));
  return tenant === undefined || tenant === DEFAULT_CONFIG_NAMESPACE ? {} : { configNamespace: tenant };
}

// The arguments as far as they are known now, in the one convention for "not known yet".
export { isOutputLike, withUnknowns } from "../validation/notKnownYet";

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

/**
 * Declarations seen in this program run, per kind ("keyset B2C_1A_X" -> the component that declared
 * it). Keyed by the run's resource monitor, so that each program run (each preview/up, or each
 * mocked run in tests) starts empty.
 */
const declarations = new WeakMap<object, Map<string, string>>();
const NO_MONITOR = {};

/**
 * Refuses a second declaration of the same tenant object (same `tenant` config namespace) in one program: two components managing
 * one keyset, identity provider type or user flow would overwrite each other on every `up`. The
 * error names both components and is thrown at construction, before any Graph call. Values not
 * known yet (Outputs) are not checked.
 */
export function declareOnce(what: string, key: unknown, argument: string, label: string, tenant: string = DEFAULT_CONFIG_NAMESPACE): void {
  if (typeof key !== "string" || key.trim() === "") return;
  const scope = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
  let seen = declarations.get(scope);
  if (!seen) {
    seen = new Map();
    declarations.set(scope, seen);
  }
  const id = `${tenant}|${what}|${key.trim().toLowerCase()}`;
  const first = seen.get(id);
  if (first !== undefined && first !== label) {
    throwIfProblems(label, [
      {
        argument,
        reason: `${what} ${key.trim()} is already declared by ${first}; a tenant has one, so declare it once in the program (or remove one of the two)`,
      },
    ]);
  }
  seen.set(id, label);
}
