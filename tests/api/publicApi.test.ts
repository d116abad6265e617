// The package's public surface, written out: the names `pulumi-b2c-identity` exports, the `policies`
// toolkit, and the subpaths package.json lets a consumer (or 0.1.0's state) import. A name added to
// or dropped from api/index.ts, or a subpath opened or closed, must change this list too.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const root = path.join(__dirname, "..", "..");

const VALUES = [
  "AdoptedKeySet",
  "AdoptedTrustFrameworkKeySet",
  "B2CSocialSignIn",
  "B2CUserFlow",
  "IdentityProvider",
  "IefApplications",
  "PolicyKey",
  "QQIdentityProvider",
  "QQSecretKey",
  "SOCIAL_PROVIDER_TYPES",
  "SocialIdentityProvider",
  "TokenEncryptionKey",
  "TokenSigningKey",
  "TrustFrameworkKeySet",
  "TrustFrameworkPolicy",
  "TrustFrameworkPolicySet",
  "USER_FLOW_TYPES",
  "UserFlow",
  "UserFlowIdentityProvider",
  "UserFlowIdentityProviderLink",
  "WeChatIdentityProvider",
  "WeChatSecretKey",
  "policies",
  "stackProgram",
];
const TYPES = [
  "AdoptedKeySetArgs",
  "AdoptedTrustFrameworkKeySetArgs",
  "AppSecretKeyArgs",
  "B2CSocialSignInArgs",
  "B2CUserFlowArgs",
  "IdentityProviderArgs",
  "IefApplicationsArgs",
  "PolicyFileArgs",
  "PolicyKeyArgs",
  "QQIdentityProviderArgs",
  "SocialIdentityProviderArgs",
  "SocialProviderType",
  "SocialSignInIdentityProvider",
  "SocialSignInUserFlow",
  "TokenKeyArgs",
  "TrustFrameworkKeySetArgs",
  "TrustFrameworkPolicyArgs",
  "TrustFrameworkPolicySetArgs",
  "UserFlowArgs",
  "UserFlowIdentityProviderArgs",
  "UserFlowIdentityProviderLinkArgs",
  "UserFlowType",
  "WeChatIdentityProviderArgs",
];

/** The names a module's re-exports declare, split into values and types (read from its source). */
function declaredExports(file: string): { values: string[]; types: string[]; starExports: string[] } {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
  const values: string[] = [];
  const types: string[] = [];
  const starExports: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (!clause) starExports.push(statement.getText());
    else if (ts.isNamespaceExport(clause)) values.push(clause.name.text);
    else for (const element of clause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text);
  }
  return { values: values.sort(), types: types.sort(), starExports };
}

test("the package entry exports exactly the curated names", () => {
  const entry = declaredExports("api/index.ts");
  expect(entry.starExports).toEqual([]);
  expect(entry.values).toEqual([...VALUES].sort());
  expect(entry.types).toEqual([...TYPES].sort());
  expect(entry.values.length + entry.types.length).toBe(47);
  // What the module really exports at run time: the values, no more (no stray `export *`).
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  expect(Object.keys(require("../../api")).sort()).toEqual([...VALUES].sort());
});

test("`policies` is the offline toolkit, the same module as the ./policies subpath", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const api = require("../../api");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const toolkit = require("../../policies");
  const { values, starExports } = declaredExports("policies/index.ts");
  expect(starExports).toEqual([]);
  expect(Object.keys(api.policies).sort()).toEqual(values);
  expect(Object.keys(toolkit).sort()).toEqual(values);
  expect(values).toEqual(expect.arrayContaining(["mergeSocialProvidersIntoPolicySet", "weChatProviderPolicy", "qqProviderPolicy", "validatePolicySet"]));
});

describe("package.json exports", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

  // The module paths that state from before the plugin loads (0.1.0's serialized providers, and the
  // stub of the releases after it: dist/providers/index.js). Each resolves to the one module that
  // refuses with the message to run `pulumi up` first (kernel/unmigratedState.ts).
  const FROZEN = [
    "./dist/graph/client.js",
    "./dist/graph/errors.js",
    "./dist/graph/settings.js",
    "./dist/policies/normalize.js",
    "./dist/providers/index.js",
    "./dist/providers/providerContext.js",
    "./dist/providers/secretFingerprint.js",
    "./dist/validation/identityProviders.js",
    "./dist/validation/inputError.js",
    "./dist/validation/policyKeys.js",
    "./dist/validation/userFlows.js",
  ];

  test("name the entry, the emulator, the toolkit, the manifest and the paths old state loads; no wildcard", () => {
    expect(Object.keys(manifest.exports).sort()).toEqual([".", "./emulator", "./package.json", "./policies", ...FROZEN].sort());
    expect(Object.keys(manifest.exports).filter((key) => key.includes("*"))).toEqual([]);
    expect(Object.keys(manifest.typesVersions["*"]).sort()).toEqual(["emulator", "policies"]);
  });

  test("the paths state from before the plugin loads all point at the module that refuses", () => {
    expect(new Set(FROZEN.map((key) => manifest.exports[key]))).toEqual(new Set(["./dist/kernel/unmigratedState.js"]));
  });

  test("every subpath points at a module built from a source file that exists", () => {
    const targets = Object.entries(manifest.exports).flatMap(([key, target]) =>
      key === "./package.json" ? [] : typeof target === "string" ? [target] : Object.values(target as Record<string, string>),
    );
    const missing = targets
      .map((target) => target.replace(/^\.\/dist\//, "").replace(/\.d\.ts$|\.js$/, ".ts"))
      .filter((source) => !fs.existsSync(path.join(root, source)));
    expect(missing).toEqual([]);
    expect(manifest.main).toBe("dist/api/index.js");
    expect(manifest.types).toBe("dist/api/index.d.ts");
  });
});
