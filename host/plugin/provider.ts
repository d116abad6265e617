// The provider plugin's resource methods: each call finds, by the type token in its URN, the same
// implementation a dynamic resource's stub loads (host/index.ts) and calls it as the dynamic-provider
// host would (@pulumi/pulumi cmd/dynamic-provider: raw property values, secrets unwrapped, unknowns
// as UNKNOWN). So everything the dynamic providers do (ownership rules, retries, redaction,
// consistency windows) is what the plugin does.
//
// Secrets: a plugin that constructs components must accept secrets (the engine refuses it
// otherwise), so values come wrapped as secrets. The dynamic-provider host answers acceptSecrets=false
// and the engine then marks each output secret whose input of the same name was (Pulumi
// pkg/resource/plugin provider_plugin.go, annotateSecrets); here the plugin does the same itself:
// unwrap what comes in, and wrap again every returned top-level property whose input was secret.
import * as pulumi from "@pulumi/pulumi";
import { type ConfigSource, DEFAULT_CONFIG_NAMESPACE, describeSetting, SETTING_KEYS, type SettingNames } from "../../graph/settings";
import { withoutDynamicProvider } from "../../kernel/dynamicState";
import { ImportReads, isReadWithoutState, notImportable } from "../../kernel/importing";
import type { CheckFailure, Imported, ResourceImplementation } from "../../kernel/providerContext";
import { PACKAGE, pluginTypeToken, type ProviderKind } from "../../kernel/resource";
import { providerImplementations } from "../index";
import { RESOURCE_CLASSES } from "./resources";

/** The provider's configuration, as `configure` received it: `tenantId`, `clientId`, `clientSecret`, … */
export type PluginConfig = Record<string, string | undefined>;

/** The provider resource a plugin process serves: the name and URN Pulumi's ConfigureRequest carries. */
export interface ProviderIdentity {
  name?: string;
  urn?: string;
}

/**
 * How messages name the provider's settings (a missing tenantId, a refused clientSecret, …), by the
 * provider's name. Pulumi names a default provider `default` or `default_<version>` (pulumi/pulumi
 * pkg/resource/deploy/providers/provider.go, DefaultName), configured by the `b2c-identity:*` stack
 * config. A TypeScript program's providers are named after the stack config namespace they are
 * made from (kernel/tenantProvider.ts), so that namespace's keys stay the names. Any other provider
 * was declared with its properties (`pulumi:providers:b2c-identity`). Unnamed: the stack config keys.
 */
export function providerSettingNames(provider: ProviderIdentity = {}): SettingNames | undefined {
  const { name } = provider;
  if (name === undefined || name === "") return undefined;
  const isDefault = name === "default" || name.startsWith("default_");
  return (setting, namespace) => {
    if (!isDefault && name === namespace) return describeSetting(setting, namespace);
    // The plugin falls back to the environment for the default namespace only (graph/settings.ts readSetting).
    const env = namespace === DEFAULT_CONFIG_NAMESPACE ? ` (or environment variable ${SETTING_KEYS[setting].env})` : "";
    return isDefault
      ? `stack config '${PACKAGE}:${setting}'${env}`
      : `property '${setting}' of the provider '${name}' (pulumi:providers:${PACKAGE})${env}`;
  };
}

/**
 * The plugin's configuration read as the stack config the implementations know (`<namespace>:<key>`):
 * one provider serves one tenant, so every namespace a resource names reads the provider's own keys.
 * Messages name the settings as the provider's user set them (providerSettingNames).
 */
export function pluginConfigSource(config: PluginConfig, provider?: ProviderIdentity): ConfigSource {
  const settingNames = providerSettingNames(provider);
  return { get: (key) => config[key.slice(key.indexOf(":") + 1)], ...(settingNames ? { settingNames } : {}) };
}

const KIND_BY_TYPE: ReadonlyMap<string, ProviderKind> = new Map(RESOURCE_CLASSES.map((c) => [pluginTypeToken(c.typeName), c.providerKind]));

/** The implementation's name (host/index.ts) serving a type token, or undefined when the plugin has no such type. */
export function implementationKindOf(type: string): ProviderKind | undefined {
  return KIND_BY_TYPE.get(type);
}

/** The resource's type token, from its URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** A value with every secret wrapper removed, and whether it held one. */
function unwrapped(value: unknown): [unknown, boolean] {
  if (pulumi.runtime.isRpcSecret(value)) return [unwrapped(pulumi.runtime.unwrapRpcSecret(value))[0], true];
  if (Array.isArray(value)) {
    const items = value.map(unwrapped);
    return [items.map(([item]) => item), items.some(([, secret]) => secret)];
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => [key, ...unwrapped(item)] as const);
    return [Object.fromEntries(entries.map(([key, item]) => [key, item])), entries.some(([, , secret]) => secret)];
  }
  return [value, false];
}

/** Properties with their secrets unwrapped, and the names of the top-level ones that held a secret. */
export function openProperties(props: any): { values: any; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  if (!props || typeof props !== "object") return { values: props, secretKeys };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    const [plain, secret] = unwrapped(value);
    values[key] = plain;
    if (secret) secretKeys.add(key);
  }
  return { values, secretKeys };
}

/**
 * Properties with each named top-level one wrapped as a secret again, and without a dynamic
 * resource's `__provider` (state from before the plugin: kernel/dynamicState.ts).
 */
export function sealProperties(props: any, ...secretKeySets: Set<string>[]): any {
  if (!props || typeof props !== "object") return props;
  props = withoutDynamicProvider(props);
  const secret = new Set(secretKeySets.flatMap((keys) => [...keys]));
  return Object.fromEntries(
    Object.entries(props).map(([key, value]) => [key, secret.has(key) && value !== undefined ? { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value } : value]),
  );
}

type Implementation = Required<Pick<ResourceImplementation, "create">> &
  ResourceImplementation & { readForImport?: (id: string) => Promise<Imported<object, object>> };

/** Why the resources that keep a versioned policy set's books are not imported (kernel/importing.ts). */
const NOT_IMPORTABLE: Readonly<Record<string, string>> = {
  PolicyReleaseRecord:
    "it is the book a versioned TrustFrameworkPolicySet keeps of its releases, not a tenant object. Import the policies as " +
    "b2c-identity:index:TrustFrameworkPolicy; a TrustFrameworkPolicySet with versioning makes its record itself.",
  PolicyReleaseHistory:
    "it is the book a versioned TrustFrameworkPolicySet keeps of its active and kept releases, not a tenant object. Import the policies as " +
    "b2c-identity:index:TrustFrameworkPolicy; a TrustFrameworkPolicySet with versioning makes its history itself.",
};

/** The implementation serving a URN, bound to this provider's configuration. */
function implementationFor(urn: string, config: ConfigSource): Implementation {
  const type = typeOfUrn(urn);
  const kind = KIND_BY_TYPE.get(type);
  if (!kind) throw new Error(`The b2c-identity provider has no resource type '${type}'. Its types: ${[...KIND_BY_TYPE.keys()].join(", ")}.`);
  // A per-call object over the shared implementation, carrying this provider's configuration where
  // a dynamic provider's `configure` would have put the stack config (kernel/providerContext.ts).
  return Object.create(providerImplementations[kind], { configSource: { value: config } }) as Implementation;
}

/** The resource methods of the `b2c-identity` provider (Pulumi's Node provider interface). */
export class ResourceMethods {
  private configSource: ConfigSource = pluginConfigSource({});
  /** `pulumi import` reads answered, until the engine's Check of each (kernel/importing.ts). */
  private readonly importReads = new ImportReads();

  /** The provider's configuration (explicit provider inputs, or `b2c-identity:*` stack config for the default provider). */
  configure(config: PluginConfig, provider?: ProviderIdentity): void {
    this.configSource = pluginConfigSource(config, provider);
  }

  async check(urn: string, olds: any, news: any): Promise<pulumi.provider.CheckResult> {
    const impl = implementationFor(urn, this.configSource);
    const [before, after] = [openProperties(olds), openProperties(news)];
    // The Check that follows an import read: its inputs are the tenant's, secrets still to come.
    if (this.importReads.isImportCheck(urn, before.values, after.values)) return { inputs: news };
    const result = impl.check ? await impl.check(before.values, after.values) : { inputs: after.values };
    return { ...result, inputs: sealProperties(result.inputs, after.secretKeys) };
  }

  async diff(id: string, urn: string, olds: any, news: any): Promise<pulumi.provider.DiffResult> {
    const impl = implementationFor(urn, this.configSource);
    return impl.diff ? impl.diff(id, openProperties(olds).values, openProperties(news).values) : {};
  }

  async create(urn: string, inputs: any): Promise<pulumi.provider.CreateResult> {
    const given = openProperties(inputs);
    const result = await implementationFor(urn, this.configSource).create(given.values);
    return { ...result, outs: sealProperties(result.outs, given.secretKeys) };
  }

  /** A preview's Create (server.ts): preview's look before the first write, with no write (kernel/providerContext.ts lookBeforeCreate). */
  async previewCreate(urn: string, inputs: any): Promise<CheckFailure[]> {
    const impl = implementationFor(urn, this.configSource);
    return impl.lookBeforeCreate ? impl.lookBeforeCreate(openProperties(inputs).values) : [];
  }

  async read(id: string, urn: string, props: any): Promise<pulumi.provider.ReadResult> {
    const impl = implementationFor(urn, this.configSource);
    const state = openProperties(props ?? {});
    if (isReadWithoutState(state.values)) return this.readForImport(impl, id, urn);
    if (!impl.read) return { id, props };
    const result = (await impl.read(id, state.values)) as pulumi.provider.ReadResult;
    return { ...result, props: sealProperties(result.props, state.secretKeys), ...(result.inputs ? { inputs: sealProperties(result.inputs, state.secretKeys) } : {}) };
  }

  /** `pulumi import`: the object as state and as inputs, adopted (kernel/importing.ts). */
  private async readForImport(impl: Implementation, id: string, urn: string): Promise<pulumi.provider.ReadResult> {
    const type = typeOfUrn(urn);
    const name = type.slice(type.lastIndexOf(":") + 1);
    if (!impl.readForImport) throw notImportable(type, NOT_IMPORTABLE[name] ?? "it stands for no tenant object of its own.");
    const imported = await impl.readForImport(id);
    this.importReads.answered(urn, imported.inputs);
    return { id: imported.id, props: sealProperties(imported.props), inputs: sealProperties(imported.inputs) };
  }

  async update(id: string, urn: string, olds: any, news: any): Promise<pulumi.provider.UpdateResult> {
    const impl = implementationFor(urn, this.configSource);
    const [before, after] = [openProperties(olds), openProperties(news)];
    const result = impl.update ? await impl.update(id, before.values, after.values) : { outs: after.values };
    return { ...result, outs: sealProperties(result.outs, after.secretKeys) };
  }

  async delete(id: string, urn: string, props: any): Promise<void> {
    const impl = implementationFor(urn, this.configSource);
    await impl.delete?.(id, openProperties(props).values);
  }
}
