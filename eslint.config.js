// The package's import boundaries (README "Code layout"). ESLint checks only these: each claim below
// is one rule, and tests/lint/boundaries.test.ts lints a file breaking each one to prove it still fires.
const tseslint = require("typescript-eslint");
const { importX, createNodeResolver } = require("eslint-plugin-import-x");

const OBJECT_FOLDERS = ["identityProviders", "userFlows", "attachments", "policyKeys", "customPolicies", "iefApplications"];
const PACKAGE_FOLDERS = ["api", "kernel", "domain", "host", ...OBJECT_FOLDERS, "signIn", "graph", "policies", "emulator", "program", "cli"];
const under = (...folders) => folders.map((folder) => `${folder}/**/*.ts`);

// Claim 1: pure code (domain/, policies/, every rules.ts) does no I/O and knows no engine.
const PURE_FILES = [...under("domain", "policies"), "*/rules.ts"];
const IO_MODULES = ["fs", "fs/promises", "net", "http", "https", "http2", "tls", "dgram", "child_process", "worker_threads", "undici"]
  .flatMap((name) => [name, `node:${name}`]);
const IO_MESSAGE = "pure code (domain/, policies/, rules.ts) does no I/O: take the value as an argument instead";
const pureImports = (allowed = []) => ({
  paths: IO_MODULES.filter((name) => !allowed.includes(name)).map((name) => ({ name, message: IO_MESSAGE })),
  patterns: allowed.includes("@pulumi/*")
    ? [{ group: ["@microsoft/*", "@azure/*"], message: IO_MESSAGE }]
    : [{ group: ["@pulumi/*", "@microsoft/*", "@azure/*"], message: `${IO_MESSAGE}; Pulumi types stay in kernel/ and the components` }],
});

// Claim 2: only graph/ talks HTTP (the emulator is the HTTP server standing in for Graph).
const HTTP_MESSAGE = "only graph/ talks HTTP: ask graph/'s GraphApi for what you need";
const HTTP_MODULES = ["http", "https", "http2", "net", "tls", "undici", "@microsoft/microsoft-graph-client", "@azure/identity"]
  .flatMap((name) => (name.startsWith("@") ? [name] : [name, `node:${name}`]));

// Claim 3: only kernel/ knows how a resource reaches the engine. The resources are the provider
// plugin's (host/plugin/); the implementations keep the dynamic-provider interface, whose types
// kernel/providerContext.ts names once, and no code outside kernel/ touches pulumi.dynamic.
const ENGINE_MESSAGE = "only kernel/ knows how a resource reaches the engine (pulumi.dynamic)";
const ENGINE_SYNTAX = {
  dynamicValue: { selector: "MemberExpression[object.name='pulumi'][property.name='dynamic']", message: ENGINE_MESSAGE },
  dynamicType: { selector: "TSQualifiedName[left.name='pulumi'][right.name='dynamic']", message: ENGINE_MESSAGE },
  dynamicModule: { selector: "ImportDeclaration[source.value=/^@pulumi\\/pulumi\\/dynamic/]", message: ENGINE_MESSAGE },
  dynamicName: { selector: "ImportDeclaration[source.value='@pulumi/pulumi'] ImportSpecifier[imported.name='dynamic']", message: ENGINE_MESSAGE },
};
const engineSyntax = () => Object.values(ENGINE_SYNTAX);

// Emulator claims (emulator/README.md): every error answer is built in its catalogue, and routes
// change the tenant only through the store's operations, never its record collections.
const EMULATOR_SYNTAX = [
  { selector: "NewExpression[callee.name='GraphError']", message: "build error answers in emulator/errorCatalogue.ts" },
  {
    selector: "MemberExpression[object.property.name='store'][property.name=/^(idps|flows|sets|policyFiles)$/]",
    message: "routes reach the tenant through the store's operations, not its record collections",
  },
];

// Folder boundaries, by resolved path.
const others = (folder, folders) => folders.filter((other) => other !== folder).map((other) => `./${other}`);
const ZONES = [
  // Claim 4: an object folder imports no other object folder; signIn/ is the one composer, and
  // program/, cli/, api/ and host/ sit above every object.
  ...OBJECT_FOLDERS.map((folder) => ({
    target: `./${folder}`,
    from: [...others(folder, OBJECT_FOLDERS), "./signIn", "./program", "./cli", "./api", "./host"],
    message: `${folder}/ is one B2C object: it imports no other object folder (signIn/ is the only place that combines them); move what both need to domain/, kernel/ or graph/`,
  })),
  // Claim 5: the kernel sits below the objects, so replacing the engine mechanism changes it alone.
  {
    target: "./kernel",
    from: [...OBJECT_FOLDERS, "signIn", "program", "cli", "api", "host"].map((folder) => `./${folder}`),
    message: "kernel/ sits below the object folders and imports none of them",
  },
  // Claim 1, by path: pure code imports neither the Graph client nor the kernel (which holds Pulumi).
  ...["./domain", "./policies", "./*/rules.ts"].map((target) => ({
    target,
    from: ["./graph/client.ts", "./graph/credential.ts", "./graph/retry.ts", "./kernel", "./host", "./emulator", "./program", "./cli", "./api"],
    message: IO_MESSAGE,
  })),
  // domain/ and policies/ sit below every object folder: each object may use them, not the reverse.
  ...["./domain", "./policies"].map((target) => ({
    target,
    from: [...OBJECT_FOLDERS, "signIn"].map((folder) => `./${folder}`),
    message: "domain/ and policies/ sit below the object folders and import none of them",
  })),
  // Claim 2, by path: graph/ is below everything but domain/.
  {
    target: "./graph",
    from: ["./kernel", "./host", ...OBJECT_FOLDERS.map((folder) => `./${folder}`), "./signIn", "./program", "./cli", "./api"],
    message: "graph/ sits below the kernel and the object folders",
  },
  {
    target: "./emulator/routes",
    from: ["./emulator/storeRecords.ts"],
    message: "routes reach the tenant through the store's operations, not its record collections",
  },
];

module.exports = [
  { ignores: ["dist/**", ".bench-build/**", "node_modules/**", "tests/fixtures/**", "**/*.d.ts"] },
  {
    files: PACKAGE_FOLDERS.flatMap((folder) => under(folder)),
    languageOptions: { parser: tseslint.parser, sourceType: "module" },
    plugins: { "import-x": importX, "@typescript-eslint": tseslint.plugin },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })] },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: __dirname, zones: ZONES }],
      "@typescript-eslint/no-restricted-imports": ["error", { paths: HTTP_MODULES.map((name) => ({ name, message: HTTP_MESSAGE })) }],
      "no-restricted-globals": ["error", ...["fetch", "XMLHttpRequest", "WebSocket"].map((name) => ({ name, message: HTTP_MESSAGE }))],
      "no-restricted-syntax": ["error", ...engineSyntax()],
    },
  },
  { files: under("graph", "emulator"), rules: { "@typescript-eslint/no-restricted-imports": "off", "no-restricted-globals": "off" } },
  { files: under("kernel"), rules: { "no-restricted-syntax": "off" } },
  { files: under("emulator"), rules: { "no-restricted-syntax": ["error", ...engineSyntax(), ...EMULATOR_SYNTAX] } },
  { files: ["emulator/errorCatalogue.ts", "emulator/graphErrors.ts"], rules: { "no-restricted-syntax": ["error", ...engineSyntax(), ...EMULATOR_SYNTAX.slice(1)] } },
  { files: PURE_FILES, rules: { "no-restricted-imports": ["error", pureImports()] } },

  // Exceptions, each naming its files and why.
  // The XSD validator reads the schema shipped inside the package (policies/schema/), never the tenant.
  { files: ["policies/xsdValidation.ts"], rules: { "no-restricted-imports": ["error", pureImports(["fs"])] } },
];
