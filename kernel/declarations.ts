import * as pulumi from "@pulumi/pulumi";
import { CLOUDS, CLOUD_NAMES } from "../graph/clouds";
import { DEFAULT_CONFIG_NAMESPACE, readSetting, SettingName } from "../graph/settings";
import { throwIfProblems } from "./errors";

// Declared twice is refused at construction (issue 19 item 6): one registry of the tenant objects a
// program declares, used by every component constructor. Keyed by the TENANT the config namespace
// resolves to (its domain, else its id), not by the namespace: one tenant reached through two
// namespaces ("b2c" and "b2c-eu" both naming contoso.onmicrosoft.com) is one tenant. Limit: a tenant
// named by its GUID in one namespace and by its domain in another (without tenantName) can't be
// matched offline, so those two count as different tenants.

/**
 * Declarations seen in this program run: "tenant|kind|key" -> the component that declared it. Keyed
 * by the run's resource monitor, so that each program run (each preview/up, or each mocked run in
 * tests) starts empty.
 */
const declarations = new WeakMap<object, Map<string, string>>();
const NO_MONITOR = {};

/**
 * What an Output a component exposes stands for ("user flow B2C_1_x" of a tenant), so that a
 * component given it (an attachment given a flow's userFlowId) knows the object before its value is
 * known, and what goes with it (the flow's creationId).
 */
interface DeclaredOutput {
  tenant: string;
  key: string;
  /** B2CUserFlow.userFlowId: the flow's creationId, new whenever the flow is created again. */
  creationId?: pulumi.Output<string>;
}
const declaredOutputs = new WeakMap<object, DeclaredOutput>();

/**
 * The tenant a config namespace points at, as a registry key: its domain (from `tenantId`, or
 * `tenantName` and the cloud), else its tenant id, else the namespace itself (config not set: the
 * provider reports that at deploy time).
 */
export function declaredTenant(namespace: string = DEFAULT_CONFIG_NAMESPACE): string {
  const read = namespaceReader(namespace);
  if (!read) return `namespace:${namespace}`;
  const domain = namespaceTenantDomain(namespace);
  if (domain) return domain;
  const tenantId = read("tenantId");
  return tenantId ? tenantId.toLowerCase() : `namespace:${namespace}`;
}

/** A reader of one config namespace's settings (with the B2C_* environment fallbacks for `b2c`), or undefined when it can't be read. */
function namespaceReader(namespace: string): ((name: SettingName) => string | undefined) | undefined {
  let config: pulumi.Config;
  try {
    config = new pulumi.Config(namespace);
  } catch {
    return undefined;
  }
  const source = { get: (key: string) => config.get(key.slice(namespace.length + 1)) };
  return (name: SettingName) => readSetting(name, source, process.env, namespace);
}

/**
 * The domain of the tenant a config namespace names: `tenantId` when it is a domain, else
 * `tenantName` and the cloud's suffix; undefined when neither says. The one reading of a
 * namespace's tenant at construction (the registry above keys by it; TrustFrameworkPolicySet and
 * IefApplications default their `tenantDomain` to it).
 */
export function namespaceTenantDomain(namespace: string = DEFAULT_CONFIG_NAMESPACE): string | undefined {
  const read = namespaceReader(namespace);
  if (!read) return undefined;
  const tenantId = read("tenantId");
  if (tenantId && /\.(onmicrosoft\.com|partner\.onmschina\.cn)$/i.test(tenantId)) return tenantId.toLowerCase();
  const tenantName = read("tenantName");
  if (!tenantName) return undefined;
  const cloudName = read("cloud") ?? "AzurePublic";
  const cloud = CLOUD_NAMES.find((c) => c.toLowerCase() === cloudName.toLowerCase()) ?? "AzurePublic";
  return `${tenantName}.${CLOUDS[cloud].tenantDomainSuffix}`.toLowerCase();
}

function describeTenant(tenant: string): string {
  return tenant.startsWith("namespace:") ? `config namespace ${tenant.slice("namespace:".length)}` : `tenant ${tenant}`;
}

/**
 * Refuses a second declaration of the same tenant object in one program: two components managing
 * one keyset, identity provider type, user flow, policy or attachment would overwrite each other on
 * every `up` (and destroying one would delete the other's). The error names both components and the
 * tenant, and is thrown at construction, before any Graph call. Keys not known yet are not checked.
 */
export function declareOnce(what: string, key: unknown, argument: string, label: string, namespace: string = DEFAULT_CONFIG_NAMESPACE): void {
  if (typeof key !== "string" || key.trim() === "") return;
  const scope = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
  let seen = declarations.get(scope);
  if (!seen) {
    seen = new Map();
    declarations.set(scope, seen);
  }
  const tenant = declaredTenant(namespace);
  const id = `${tenant}|${what}|${key.trim().toLowerCase()}`;
  const first = seen.get(id);
  if (first !== undefined && first !== label) {
    throwIfProblems(label, [
      {
        argument,
        reason:
          `${what} ${key.trim()} is already declared by ${first} (same ${describeTenant(tenant)}); a tenant has one, ` +
          `so declare it once in the program (or remove one of the two)`,
      },
    ]);
  }
  seen.set(id, label);
}

/** Records what a component's Output stands for (see DeclaredOutput). */
export function declareOutput(output: pulumi.Output<string>, what: string, key: string, namespace: string = DEFAULT_CONFIG_NAMESPACE, creationId?: pulumi.Output<string>): void {
  declaredOutputs.set(output, { tenant: declaredTenant(namespace), key: `${what} ${key.trim().toLowerCase()}`, ...(creationId ? { creationId } : {}) });
}

/**
 * What an input stands for: a plain string by `plainKey`, an Output a component declared by its
 * record (its key and, for a flow, its creationId); undefined for any other Output.
 */
export function declaredInput(value: unknown, plainKey: (value: string) => string): { key: string; creationId?: pulumi.Output<string> } | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : { key: plainKey(value.trim()).toLowerCase() };
  if (value && typeof value === "object") {
    const found = declaredOutputs.get(value);
    if (found) return { key: found.key, ...(found.creationId ? { creationId: found.creationId } : {}) };
  }
  return undefined;
}
