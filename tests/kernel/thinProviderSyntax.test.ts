import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

// The stub in kernel/thinProvider.ts is the only code Pulumi serializes into state. In a consumer
// without typescript installed, Pulumi parses serialized functions with the TypeScript 3.8 it
// vendors, so the stub, compiled with this repository's tsconfig (target ES2022), must be syntax
// that TypeScript 3.8 parses.
const root = path.join(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts38: typeof ts = require(path.join(root, "node_modules/@pulumi/pulumi/vendor/typescript@3.8.3/typescript.js"));

function parseErrorsOf(js: string): string[] {
  const file = ts38.createSourceFile("serialized.js", js, ts38.ScriptTarget.Latest, true);
  return ((file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts38.flattenDiagnosticMessageText(d.messageText, " "));
}

test("the vendored TypeScript is 3.8, and it refuses syntax newer than ES2020", () => {
  expect(ts38.version).toMatch(/^3\.8\./);
  expect(parseErrorsOf("let a; a ??= 1;")).not.toEqual([]);
  expect(parseErrorsOf("class C { static { } }")).not.toEqual([]);
});

test("the thin provider stub, compiled with the project's tsconfig, parses with TypeScript 3.8", () => {
  const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  expect(options.target).toBe(ts.ScriptTarget.ES2022);
  const source = fs.readFileSync(path.join(root, "kernel", "thinProvider.ts"), "utf8");
  const compiled = ts.transpileModule(source, { compilerOptions: options, fileName: "thinProvider.ts" }).outputText;
  expect(compiled).toContain("async function loadImplementation(req)");
  expect(parseErrorsOf(compiled)).toEqual([]);
});
