// The `b2c-identity` provider plugin's entry: `bin/pulumi-resource-b2c-identity` runs it with the
// engine's address. @pulumi/pulumi loads only after its closure serializer's modules are deferred
// (deferredModules.ts), hence the dynamic imports; runInsidePlugin() tells the kernel that the
// components `construct` builds take the provider they were given.
import * as fs from "fs";
import * as path from "path";
import { packageRoot, versionOf } from "../../kernel/pluginPackage";
import { deferClosureSerializerModules } from "./deferredModules";


export async function main(args: string[]): Promise<void> {
  deferClosureSerializerModules();
  const { runInsidePlugin } = await import("../../kernel/resource");
  runInsidePlugin();
  const { b2cIdentityProvider } = await import("./plugin");
  const root = packageRoot(__dirname);
  const schemaPath = path.join(root, "schema.json");
  const schema = fs.existsSync(schemaPath) ? fs.readFileSync(schemaPath, "utf8") : undefined;
  const { serve } = await import("./server");
  await serve(b2cIdentityProvider(versionOf(root), schema), args);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  });
}
