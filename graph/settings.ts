import { CLOUDS, CLOUD_NAMES, CloudName } from "./clouds";
import { describeValueShape } from "../domain/problems";
import { DEFAULT_RETRY_BUDGET_SECONDS, MIN_RETRY_BUDGET_SECONDS } from "./retry";

/** Where a setting comes from: Pulumi stack config (`b2c:*`) first, then an environment variable. */
export interface ConfigSource {
  get(key: string): string | undefined;
  /**
   * How a user sets a setting, for messages, when this source is not the stack config of the
   * resource's namespace (a provider plugin's own configuration: host/plugin/provider.ts).
   * Default: describeSetting's stack config key.
   */
  settingNames?: SettingNames;
}

/** How a user sets each setting, given the namespace the resource names. */
export type SettingNames = (name: SettingName, namespace: string) => string;

/** Every setting the Graph client reads, with its stack config key and environment fallback. */
export const SETTING_KEYS = {
  tenantId: { config: "b2c:tenantId", env: "B2C_TENANT_ID" },
  tenantName: { config: "b2c:tenantName", env: "B2C_TENANT_NAME" },
  clientId: { config: "b2c:clientId", env: "AZURE_CLIENT_ID" },
  clientSecret: { config: "b2c:clientSecret", env: "AZURE_CLIENT_SECRET" },
  clientCertificatePath: { config: "b2c:clientCertificatePath", env: "AZURE_CLIENT_CERTIFICATE_PATH" },
  cloud: { config: "b2c:cloud", env: "B2C_CLOUD" },
  graphEndpoint: { config: "b2c:graphEndpoint", env: "B2C_GRAPH_ENDPOINT" },
  authorityHost: { config: "b2c:authorityHost", env: "B2C_AUTHORITY_HOST" },
  retryBudgetSeconds: { config: "b2c:retryBudgetSeconds", env: "B2C_RETRY_BUDGET_SECONDS" },
} as const;

export type SettingName = keyof typeof SETTING_KEYS;

/**
 * The stack config namespace of the tenant's settings when none is given. Another namespace (a
 * component's `tenant` argument, e.g. "b2c-eu") reads `b2c-eu:tenantId`, `b2c-eu:clientId`, … so
 * one program can manage several tenants; the environment fallbacks then do not apply, so that a
 * missing key never lands objects in the environment's tenant instead.
 */
export const DEFAULT_CONFIG_NAMESPACE = "b2c";

/** A Pulumi config namespace: what may stand before the ':' of a stack config key. */
export const CONFIG_NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The stack config key of a setting under a namespace: `configKey("clientId", "b2c-eu")` is "b2c-eu:clientId". */
export function configKey(name: SettingName, namespace: string = DEFAULT_CONFIG_NAMESPACE): string {
  return `${namespace}:${SETTING_KEYS[name].config.slice(SETTING_KEYS[name].config.indexOf(":") + 1)}`;
}

export interface GraphSettings {
  /** GUID or `<name>.onmicrosoft.com`. */
  tenantId: string;
  /** The `<name>` in `<name>.b2clogin.com`; derived from a domain-style tenantId when not set. */
  tenantName?: string;
  /** Application (client) id of the app registration that calls Graph. Without clientSecret or clientCertificatePath: DefaultAzureCredential (managed identity, Azure CLI, …) signs in instead. */
  clientId?: string;
  /** Client secret of that app registration. Always a Pulumi secret in the provider's configuration; in stack config, set it with `pulumi config set --secret`. */
  clientSecret?: string;
  /** Path of a PEM file holding that app registration's certificate and private key, instead of a client secret. */
  clientCertificatePath?: string;
  /** National cloud of the tenant: AzurePublic (default), AzureChina or AzureUSGovernment; picks the Graph, authority and b2clogin hosts. */
  cloud: CloudName;
  /** Microsoft Graph root URL (https, without version). Default: the cloud's (https://graph.microsoft.com); set it for the local emulator or a proxy. */
  graphEndpoint: string;
  /** Microsoft Entra authority host for token requests (https). Default: the cloud's (https://login.microsoftonline.com); set it for the local emulator. */
  authorityHost: string;
  b2cLoginDomain: string;
  /** `<tenantName>.onmicrosoft.com` (or the China cloud's suffix), when the name is known. */
  tenantDomain?: string;
  /** True when graphEndpoint or authorityHost were overridden (local emulator, proxies). */
  customEndpoints: boolean;
  /** The stack config namespace these settings were read from ("b2c" unless a component named another), for messages. */
  configNamespace?: string;
  /** How messages name each setting when not by the namespace's stack config key (ConfigSource.settingNames). */
  settingNames?: SettingNames;
  /** Time budget of one Graph request and its retries (429/503/504, transient B2C codes, dropped connections), seconds. Default 60. */
  retryBudgetSeconds: number;
}

/** A configuration problem; the message names the stack config key and the environment variable. */
export class GraphConfigError extends Error {
  override name = "GraphConfigError";
  /** Its kind in the package's error family (kernel/errors.ts). */
  readonly kind = "config" as const;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN = /^([a-z0-9][a-z0-9-]{0,62})\.(onmicrosoft\.com|partner\.onmschina\.cn)$/i;
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/**
 * How to set a setting, for error messages: by the stack config key of a namespace, or as resolved
 * settings name it (their namespace, or their source's own names).
 */
export function describeSetting(
  name: SettingName,
  from: string | Pick<GraphSettings, "configNamespace" | "settingNames"> | undefined = DEFAULT_CONFIG_NAMESPACE,
): string {
  const namespace = (typeof from === "string" ? from : from?.configNamespace) ?? DEFAULT_CONFIG_NAMESPACE;
  if (typeof from === "object" && from.settingNames) return from.settingNames(name, namespace);
  const k = SETTING_KEYS[name];
  return namespace === DEFAULT_CONFIG_NAMESPACE
    ? `stack config '${k.config}' (or environment variable ${k.env})`
    : `stack config '${configKey(name, namespace)}'`;
}

/**
 * Reads one setting: stack config first, then (default namespace only) environment; blank counts
 * as unset.
 */
export function readSetting(name: SettingName, config: ConfigSource | undefined, env: NodeJS.ProcessEnv, namespace: string = DEFAULT_CONFIG_NAMESPACE): string | undefined {
  const k = SETTING_KEYS[name];
  const fromConfig = config?.get(configKey(name, namespace));
  const fallback = namespace === DEFAULT_CONFIG_NAMESPACE ? env[k.env] : undefined;
  const value = fromConfig !== undefined && fromConfig !== null && fromConfig !== "" ? fromConfig : fallback;
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

type Described = Pick<GraphSettings, "configNamespace" | "settingNames">;

function httpsUrl(name: SettingName, value: string, named: Described): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GraphConfigError(`${describeSetting(name, named)} is not a URL: '${value}'. Give an https URL such as 'https://graph.microsoft.com', or leave it unset for the cloud's default.`);
  }
  if (url.protocol !== "https:") {
    throw new GraphConfigError(`${describeSetting(name, named)} must use https, got '${value}'.`);
  }
  return value.replace(/\/+$/, "");
}

/**
 * Resolves and validates the Graph settings before any network call.
 * Throws GraphConfigError naming the key to set.
 */
export function resolveGraphSettings(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env, namespace: string = DEFAULT_CONFIG_NAMESPACE): GraphSettings {
  if (!CONFIG_NAMESPACE_PATTERN.test(namespace)) {
    throw new GraphConfigError(`The config namespace '${namespace}' (a component's \`tenant\` argument) must be letters, digits, '-', '_' or '.', e.g. 'b2c-eu'.`);
  }
  const named: Described = { configNamespace: namespace, settingNames: config?.settingNames };
  const tenantId = readSetting("tenantId", config, env, namespace);
  if (!tenantId) {
    throw new GraphConfigError(
      `No B2C tenant configured: set ${describeSetting("tenantId", named)} to the tenant GUID or '<name>.onmicrosoft.com'.`,
    );
  }
  const domainMatch = TENANT_DOMAIN.exec(tenantId);
  if (!GUID.test(tenantId) && !domainMatch) {
    throw new GraphConfigError(
      `${describeSetting("tenantId", named)} must be a GUID or '<name>.onmicrosoft.com', got '${tenantId}'.`,
    );
  }
  const tenantName = readSetting("tenantName", config, env, namespace) ?? domainMatch?.[1];
  if (tenantName !== undefined && !TENANT_NAME.test(tenantName)) {
    throw new GraphConfigError(
      `${describeSetting("tenantName", named)} must be the tenant's short name (letters, digits, '-'), got '${tenantName}'.`,
    );
  }
  const cloudValue = readSetting("cloud", config, env, namespace) ?? "AzurePublic";
  const cloud = CLOUD_NAMES.find((c) => c.toLowerCase() === cloudValue.toLowerCase());
  if (!cloud) {
    throw new GraphConfigError(`${describeSetting("cloud", named)} must be one of ${CLOUD_NAMES.join(", ")}, got '${cloudValue}'.`);
  }
  const endpoints = CLOUDS[cloud];
  const graphOverride = readSetting("graphEndpoint", config, env, namespace);
  const authorityOverride = readSetting("authorityHost", config, env, namespace);
  const clientId = readSetting("clientId", config, env, namespace);
  const clientSecret = readSetting("clientSecret", config, env, namespace);
  const clientCertificatePath = readSetting("clientCertificatePath", config, env, namespace);
  if (clientId !== undefined && !GUID.test(clientId) && !graphOverride) {
    throw new GraphConfigError(`${describeSetting("clientId", named)} must be the application (client) id GUID, got ${describeValueShape(clientId)} (not shown: it may be the secret, if the id and the secret were swapped).`);
  }
  if ((clientSecret || clientCertificatePath) && !clientId) {
    throw new GraphConfigError(
      `A client ${clientSecret ? "secret" : "certificate"} is configured but no application: set ${describeSetting("clientId", named)}.`,
    );
  }
  const budgetValue = readSetting("retryBudgetSeconds", config, env, namespace);
  const retryBudgetSeconds = budgetValue === undefined ? DEFAULT_RETRY_BUDGET_SECONDS : Number(budgetValue);
  // Under the 1 s floor of every wait a budget allows no retry at all, and bounds each attempt too tightly.
  if (!Number.isFinite(retryBudgetSeconds) || retryBudgetSeconds < MIN_RETRY_BUDGET_SECONDS || retryBudgetSeconds > 3600) {
    throw new GraphConfigError(
      `${describeSetting("retryBudgetSeconds", named)} must be a number of seconds from ${MIN_RETRY_BUDGET_SECONDS} to 3600, got '${budgetValue}'.`,
    );
  }
  const graphEndpoint = graphOverride ? httpsUrl("graphEndpoint", graphOverride, named) : endpoints.graphEndpoint;
  const authorityHost = authorityOverride ? httpsUrl("authorityHost", authorityOverride, named) : endpoints.authorityHost;
  if ((graphOverride || authorityOverride) && !clientSecret && !clientCertificatePath) {
    // Managed identity and Azure CLI tokens come from the real Microsoft Entra ID, never from a
    // custom authority (the local emulator, a proxy): only an app credential can work there.
    throw new GraphConfigError(
      `A custom authority or Graph endpoint is configured, so an application credential is needed: set ` +
        `${describeSetting("clientSecret", named)} or ${describeSetting("clientCertificatePath", named)}, with ${describeSetting("clientId", named)}.`,
    );
  }
  return {
    configNamespace: namespace,
    ...(config?.settingNames ? { settingNames: config.settingNames } : {}),
    tenantId,
    tenantName,
    clientId,
    clientSecret,
    clientCertificatePath,
    cloud,
    graphEndpoint,
    authorityHost,
    b2cLoginDomain: endpoints.b2cLoginDomain,
    tenantDomain: tenantName ? `${tenantName}.${endpoints.tenantDomainSuffix}` : undefined,
    customEndpoints: Boolean(graphOverride || authorityOverride),
    retryBudgetSeconds,
  };
}

/** The tenant's short name, or an error naming `<namespace>:tenantName` when it cannot be known. */
export function requireTenantName(settings: GraphSettings): string {
  if (!settings.tenantName) {
    throw new GraphConfigError(
      `The tenant's short name is needed for sign-in URLs: set ${describeSetting("tenantName", settings)} (the <name> in <name>.onmicrosoft.com).`,
    );
  }
  return settings.tenantName;
}
