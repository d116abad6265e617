// This package as Pulumi sees its plugin: the package name in every type token, the version the
// engine loads, and where Pulumi's plugin cache keeps it
// (Pulumi sdk/go/common/workspace/plugins.go: $PULUMI_HOME/plugins/resource-<name>-v<version>/,
// holding `pulumi-resource-<name>`). The installer (cli/pluginInstall.ts) writes there, and a
// program (tenantProvider.ts) looks there, so both take it from here.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The plugin's package name: the first part of every type token (state keeps it: never change it). */
export const PACKAGE = "b2c-identity";

/** The plugin's type token of a resource or component type, e.g. `b2c-identity:index:IdentityProvider`. */
export const pluginTypeToken = (type: string): string => `${PACKAGE}:index:${type}`;

/** The plugin's executable, in the plugin cache or on PATH. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PACKAGE}`;

/** This npm package's root (the folder of its package.json), from any folder of its build or source. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-b2c-identity") return dir;
  }
  throw new Error(`no pulumi-b2c-identity package.json above ${from}`);
}

/** The version of a package root's package.json. */
export function versionOf(root: string): string {
  return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
}

/** This package's version, which is its plugin's: the engine loads `resource-b2c-identity-v<version>`. */
export const PACKAGE_VERSION: string = versionOf(packageRoot());

/** Pulumi's home folder: $PULUMI_HOME, else ~/.pulumi. */
export function pulumiHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PULUMI_HOME?.trim() || path.join(os.homedir(), ".pulumi");
}

/** The plugin cache's folder of this plugin at `version`. */
export function pluginFolder(home: string, version: string): string {
  return path.join(home, "plugins", `resource-${PACKAGE}-v${version}`);
}
