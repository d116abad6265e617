import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE_PATTERN, DEFAULT_CONFIG_NAMESPACE } from "../graph/settings";
import type { InputProblem } from "../domain/problems";
import { UNKNOWN } from "../domain/notKnownYet";
import { throwIfProblems } from "./errors";

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

/** True for an argument whose value is not known at construction (an Output or a Promise). */
export function isOutputLike(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/**
 * The arguments as far as they are known now, in the one convention for "not known yet"
 * (domain/notKnownYet.ts): Outputs and Promises, also one level into plain objects (e.g. a key
 * source's fields), become UNKNOWN, which the checks skip.
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

// Declared twice is refused at construction: the one registry, keyed by tenant (declarations.ts).
export { declareOnce } from "./declarations";
