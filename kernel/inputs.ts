import * as pulumi from "@pulumi/pulumi";
import { configKey, CONFIG_NAMESPACE_PATTERN, DEFAULT_CONFIG_NAMESPACE } from "../graph/settings";
import { namespaceTenantDomain } from "./declarations";
import { tenantDomainOf } from "../policies/placeholders";
import { InputProblem, renameProblems } from "../domain/problems";
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
 * Throws at construction, naming the argument, when it is not a namespace (unless the caller checked it).
 */
export function tenantInput(label: string, tenant: string | undefined, argument = "tenant", checkedAlready = false): { configNamespace?: string } {
  // A caller that builds this component (B2CSocialSignIn) has checked its own `tenant` once for all.
  if (!checkedAlready) throwIfProblems(label, tenantProblems(tenant, argument));
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
 * Defers the check of an argument not known at construction: an Output-valued argument is checked
 * when it resolves, before it reaches any provider. A known value passes as it is: the component
 * checked it at construction, with the same rule (one evaluation per value).
 */
export function checkedInput<T>(
  resource: string,
  value: pulumi.Input<T> | undefined,
  validate: (value: T | undefined) => InputProblem[],
  rule?: object,
): pulumi.Output<T> {
  if (!isOutputLike(value) || (rule !== undefined && checkedOutputs.get(value as object)?.has(rule))) return pulumi.output(value as pulumi.Input<T>) as pulumi.Output<T>;
  return pulumi.output(value as pulumi.Input<T>).apply((resolved) => {
    throwIfProblems(resource, validate(resolved as T));
    return resolved;
  }) as pulumi.Output<T>;
}

/**
 * Outputs a caller has checked already with an argument's rule (the stack program checks each APP
 * KEY's plain text with the identity provider's clientSecret rule, named by its config key, before
 * it becomes a secret Output): checkedInput given that rule leaves them be, so each rule runs once
 * per value. Another argument's rule on the same value (a PolicyKey holding the APP KEY) still runs.
 */
const checkedOutputs = new WeakMap<object, Set<object>>();

/** Marks `value` (an Output) as checked with `rule`; see checkedOutputs. Returns it. */
export function checkedAlready<T>(value: T, rule: object): T {
  if (value !== null && typeof value === "object") {
    const rules = checkedOutputs.get(value as unknown as object) ?? new Set<object>();
    rules.add(rule);
    checkedOutputs.set(value as unknown as object, rules);
  }
  return value;
}

/**
 * Who wrote a component's arguments when another component (B2CSocialSignIn) or the stack program
 * builds it: problems are reported under the caller's label and names (`identityProviders[0].clientId`,
 * `b2c:wechatAppKey`), and the arguments the caller has checked already (known values, with this
 * component's own rules) are not checked again.
 */
export interface ArgumentCaller {
  /** The component or config the arguments were written in, e.g. `B2CSocialSignIn "social"`. */
  label: string;
  /** An argument as the built component names it -> as its caller wrote it. */
  name(argument: string): string;
  /** The arguments whose known values the caller has checked with the built component's rules: all of them, or these. */
  checked: "all" | readonly string[];
}
const callers = new WeakMap<object, ArgumentCaller>();

/** Records that `args` were written by `caller` (see ArgumentCaller). Returns them. */
export function writtenBy<T extends object>(args: T, caller: ArgumentCaller): T {
  callers.set(args, caller);
  return args;
}

/** The caller that wrote `args`, or undefined when the user wrote them directly. */
export function callerOf(args: object): ArgumentCaller | undefined {
  return callers.get(args);
}

/** Whether the caller has checked `argument` already (see ArgumentCaller.checked). */
export function checkedByCaller(caller: ArgumentCaller | undefined, argument: string): boolean {
  return caller !== undefined && (caller.checked === "all" || caller.checked.includes(argument));
}

/** `names` (argument -> as the component's own API names it) followed through the caller's names. */
export function namesFor(caller: ArgumentCaller | undefined, names: Readonly<Record<string, string>>, argumentsOf: readonly string[]): Record<string, string> {
  if (!caller) return { ...names };
  return Object.fromEntries(argumentsOf.map((a) => [a, caller.name(names[a] ?? a)]));
}

// Declared twice is refused at construction: the one registry, keyed by tenant (declarations.ts).
export { declareOnce } from "./declarations";

/** A B2C tenant domain, as a domain-style `tenant` (the old meaning on two components) is recognised. */
const TENANT_DOMAIN = /\.(onmicrosoft\.com|partner\.onmschina\.cn)$/i;

/** The arguments of a component that needs its tenant's domain at construction (TrustFrameworkPolicySet, IefApplications). */
export interface TenantDomainArgs extends TenantArgs {
  /**
   * The tenant's domain ("contoso.onmicrosoft.com", or just "contoso"). Default: the domain the
   * `tenant` config namespace names (`<tenant>:tenantId` when it is a domain, else `<tenant>:tenantName`).
   */
  tenantDomain?: string;
  /** @deprecated The config namespace is `tenant`, as on every component; `configNamespace` is read as it, with a warning. */
  configNamespace?: string;
}

/**
 * A TenantDomainArgs component's config namespace and tenant domain, with the problems and
 * deprecation warnings of the old spellings: until 0.3 `tenant` was the domain on these two
 * components and `configNamespace` the namespace; a domain-style `tenant` (`*.onmicrosoft.com`) is
 * still read as the domain, and `configNamespace` as `tenant`, each with a warning naming the new
 * argument. `fallback` gives a domain when neither argument nor config names one.
 */
export function tenantDomainArguments(
  args: TenantDomainArgs,
  problems: InputProblem[],
  fallback?: () => string | undefined,
): { namespace: string; tenantDomain?: string; warnings: string[] } {
  const warnings: string[] = [];
  let tenant = args.tenant;
  let tenantDomain = args.tenantDomain;
  if (typeof tenant === "string" && TENANT_DOMAIN.test(tenant.trim())) {
    if (tenantDomain !== undefined) {
      problems.push({ argument: "tenant", reason: `is the stack config namespace of the tenant (e.g. "b2c-eu"), not its domain: give the domain as tenantDomain only` });
    } else {
      warnings.push(`tenant: ${JSON.stringify(tenant)} is read as the tenant's domain; \`tenant\` is the stack config namespace on every component now: write tenantDomain: ${JSON.stringify(tenant)}`);
      tenantDomain = tenant;
    }
    tenant = undefined;
  }
  if (args.configNamespace !== undefined) {
    if (tenant !== undefined && tenant !== args.configNamespace) {
      problems.push({ argument: "configNamespace", reason: `is the old name of tenant (the config namespace): give tenant only, got tenant ${JSON.stringify(tenant)} and configNamespace ${JSON.stringify(args.configNamespace)}` });
    } else {
      warnings.push(`configNamespace is deprecated: write tenant: ${JSON.stringify(args.configNamespace)} (the stack config namespace, as on every component)`);
      tenant = args.configNamespace;
    }
  }
  const tenantArgument = args.configNamespace !== undefined && args.tenant === undefined ? "configNamespace" : "tenant";
  const namespaceProblems = tenantProblems(tenant, tenantArgument);
  problems.push(...namespaceProblems);
  const namespace = namespaceProblems.length > 0 || tenant === undefined ? DEFAULT_CONFIG_NAMESPACE : tenant;
  let domain: string | undefined;
  try {
    domain = tenantDomain !== undefined ? tenantDomainOf(tenantDomain).toLowerCase() : (namespaceTenantDomain(namespace) ?? fallback?.());
  } catch (error) {
    problems.push({ argument: "tenantDomain", reason: (error as Error).message });
  }
  if (domain === undefined && !problems.some((p) => p.argument === "tenantDomain")) {
    problems.push({
      argument: "tenantDomain",
      reason:
        `is not known: set it (e.g. tenantDomain: "contoso.onmicrosoft.com"), or stack config ${configKey("tenantId", namespace)} (a domain) or ${configKey("tenantName", namespace)}` +
        (tenant !== undefined ? ` (tenant ${JSON.stringify(tenant)} is the config namespace; if it is the tenant's name, write tenantDomain: ${JSON.stringify(tenant)})` : ""),
    });
  }
  return { namespace, tenantDomain: domain, warnings };
}
