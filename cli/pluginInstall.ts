// `npx b2c-identity plugin install`: puts the `b2c-identity` provider plugin of this installed
// package into Pulumi's plugin cache, offline, where `pulumi plugin install resource b2c-identity
// <version> --file <archive>` would put it: $PULUMI_HOME/plugins/resource-b2c-identity-v<version>/
// (Pulumi sdk/go/common/workspace/plugins.go: the folder holds `pulumi-resource-b2c-identity`; a
// `.partial` marker beside it means an install in progress). The executable there runs this
// package's build, so the plugin is exactly the installed package's version.
import * as fs from "fs";
import * as path from "path";
import { packageRoot, PLUGIN_EXECUTABLE, pluginFolder, pulumiHome, versionOf } from "../kernel/pluginPackage";

export interface PluginInstallOptions {
  /** Pulumi's home (plugins/ inside); default $PULUMI_HOME, else ~/.pulumi. */
  pulumiHome?: string;
  /** The package to install the plugin of; default this one. */
  root?: string;
}

export interface InstalledPlugin {
  version: string;
  folder: string;
  executable: string;
}

/** Installs (or refreshes) the plugin; replaces the folder atomically, so a running engine never sees half of it. */
export function installPlugin(options: PluginInstallOptions = {}): InstalledPlugin {
  const root = options.root ?? packageRoot();
  const home = options.pulumiHome ?? pulumiHome();
  const version = versionOf(root);
  const main = path.join(root, "dist", "host", "plugin", "main.js");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the package first (npm run build).`);
  const folder = pluginFolder(home, version);
  const staging = `${folder}.${process.pid}.staging`;
  fs.mkdirSync(staging, { recursive: true });
  const executable = path.join(staging, PLUGIN_EXECUTABLE);
  fs.writeFileSync(executable, `#!/bin/sh\n# The b2c-identity provider plugin of pulumi-b2c-identity ${version} at ${root}.\nexec node ${JSON.stringify(main)} "$@"\n`, { mode: 0o755 });
  fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(staging, folder);
  return { version, folder, executable: path.join(folder, PLUGIN_EXECUTABLE) };
}
