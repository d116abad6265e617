// The `b2c-identity` provider a TypeScript program's resources use: one explicit provider per tenant,
// configured from that tenant's stack config namespace (`b2c:*` by default, a component's `tenant`
// otherwise), so stacks keep their config keys. A provider plugin only sees its own configuration
// (Pulumi sends a provider its inputs in Configure, never the rest of the stack config), so the
// settings travel as the provider's inputs; `clientSecret` goes as a Pulumi secret, which state
// keeps encrypted. Settings left out of the config still fall back to the environment in the plugin
// (graph/settings.ts), where the default namespace allows it.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CONFIG_NAMESPACE, SETTING_KEYS, type SettingName } from "../graph/settings";
import { PACKAGE, PACKAGE_VERSION, PLUGIN_EXECUTABLE, pluginFolder, pulumiHome } from "./pluginPackage";

/** A `pulumi:providers:b2c-identity` resource (ProviderResource is abstract). */
class B2CIdentityProvider extends pulumi.ProviderResource {
  constructor(name: string, inputs: pulumi.Inputs) {
    super(PACKAGE, name, inputs, { version: PACKAGE_VERSION });
  }
}

const providers = new Map<string, pulumi.ProviderResource>();

/**
 * Where the engine will look for the plugin: Pulumi's plugin cache, then $PATH (an "ambient" plugin,
 * unless PULUMI_IGNORE_AMBIENT_PLUGINS is set): Pulumi sdk/go/common/workspace/plugins.go.
 * Undefined when it is in neither.
 */
export function installedPluginPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cached = path.join(pluginFolder(pulumiHome(env), PACKAGE_VERSION), PLUGIN_EXECUTABLE);
  if (fs.existsSync(cached)) return cached;
  if (env.PULUMI_IGNORE_AMBIENT_PLUGINS) return undefined;
  return (env.PATH ?? "").split(path.delimiter).filter((folder) => path.isAbsolute(folder)).map((folder) => path.join(folder, PLUGIN_EXECUTABLE)).find((candidate) => fs.existsSync(candidate));
}

/**
 * In a program the engine runs (not under mocks), a missing plugin is said before anything is
 * registered, with the one step that installs it: the engine's own message suggests
 * `pulumi plugin install resource b2c-identity`, which would try a download that does not exist.
 */
function checkPluginInstalled(): void {
  if (!process.env.PULUMI_NODEJS_MONITOR || installedPluginPath()) return;
  throw new pulumi.RunError(
    `The b2c-identity provider plugin v${PACKAGE_VERSION} is not installed (looked in ${path.join(pulumiHome(), "plugins")} and on PATH). ` +
      "Run `npx b2c-identity plugin install` in this project (once per machine and after each upgrade of pulumi-b2c-identity), then run pulumi again.",
  );
}

/** The provider's inputs for a config namespace: each setting it has, the client secret as a secret. */
export function providerInputsOf(namespace: string): Record<string, pulumi.Input<string>> {
  const config = new pulumi.Config(namespace);
  const inputs: Record<string, pulumi.Input<string>> = {};
  for (const name of Object.keys(SETTING_KEYS) as SettingName[]) {
    const value = name === "clientSecret" ? config.getSecret(name) : config.get(name);
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

/** The program's provider for a tenant's config namespace (made once per namespace, named after it). */
export function tenantProvider(namespace: string = DEFAULT_CONFIG_NAMESPACE): pulumi.ProviderResource {
  let provider = providers.get(namespace);
  if (!provider) {
    checkPluginInstalled();
    provider = new B2CIdentityProvider(namespace, providerInputsOf(namespace));
    providers.set(namespace, provider);
  }
  return provider;
}
