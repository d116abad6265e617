// The code `pulumi import --out` writes for a TypeScript project, and a type check of it against
// this package. The CLI asks the project's language host for the code (GenerateProgram); the
// installed Node.js host has no such method (the v3.68.0 host that scripts/install-pulumi.sh builds
// from the Go module proxy), so the code-generator stand-in of `npm run sdk:gen`
// (scripts/sdkgen-host/main.go says why and from where), built once per source change, is put
// first on PATH as pulumi-language-nodejs for the import command only.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./pulumiEngine";

const { standInHosts } = require("../../scripts/gen-sdk.js") as { standInHosts: (languages: string[], options: { always: boolean }) => string };

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): { code: number; output: string } {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** A folder holding the stand-in `pulumi-language-nodejs`, built when its sources changed. */
export function nodejsCodegenHostDir(): string {
  return standInHosts(["nodejs"], { always: true });
}

/** The environment of a `pulumi import` that writes TypeScript: the stand-in host first on PATH. */
export function importCodegenEnv(): NodeJS.ProcessEnv {
  return { PATH: `${nodejsCodegenHostDir()}${path.delimiter}${process.env.PATH}` };
}

/**
 * Type-checks `files` (in `dir`, a project whose node_modules holds this package and
 * @pulumi/pulumi) with the repository's TypeScript, as Pulumi's TypeScript template compiles a
 * program (strict, commonjs). Returns tsc's exit code and output.
 */
export function typeCheck(dir: string, files: string[]): { code: number; output: string } {
  const tsconfig = path.join(dir, "tsconfig.import-check.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: { strict: true, target: "es2020", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true, noEmit: true },
      files,
    }),
  );
  return run(process.execPath, [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], { cwd: dir });
}
