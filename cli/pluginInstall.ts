// `npx b2c-identity plugin install`: puts the `b2c-identity` provider plugin of this installed
// package into Pulumi's plugin cache, offline, where `pulumi plugin install resource b2c-identity
// <version> --file <archive>` would put it: $PULUMI_HOME/plugins/resource-b2c-identity-v<version>/
// (Pulumi sdk/go/common/workspace/plugins.go: the folder holds `pulumi-resource-b2c-identity`; a
// `.partial` marker beside it means an install in progress). The executable there runs this
// package's build, so the plugin is exactly the installed package's version.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PLUGIN_NAME = "b2c-identity";
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;

/** This package's root (the folder of its package.json), from dist/cli/ or cli/. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-b2c-identity") return dir;
  }
  throw new Error(`no pulumi-b2c-identity package.json above ${from}`);
}

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
  const home = options.pulumiHome ?? process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
  const version: string = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  const main = path.join(root, "dist", "host", "plugin", "main.js");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the package first (npm run build).`);
  const plugins = path.join(home, "plugins");
  const folder = path.join(plugins, `resource-${PLUGIN_NAME}-v${version}`);
  const staging = `${folder}.${process.pid}.staging`;
  fs.mkdirSync(staging, { recursive: true });
  const executable = path.join(staging, PLUGIN_EXECUTABLE);
  fs.writeFileSync(executable, `#!/bin/sh\n# The b2c-identity provider plugin of pulumi-b2c-identity ${version} at ${root}.\nexec node ${JSON.stringify(main)} "$@"\n`, { mode: 0o755 });
  fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(staging, folder);
  return { version, folder, executable: path.join(folder, PLUGIN_EXECUTABLE) };
}
