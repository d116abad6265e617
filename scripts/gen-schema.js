#!/usr/bin/env node
// Generates schema.json, the Pulumi package schema of the `b2c-identity` provider plugin
// (https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/), from the TypeScript types
// with the TypeScript compiler API, so the schema and the code cannot drift (tests/host/schema.test.ts
// regenerates it and compares):
//
// - config and the provider's inputs: graph/settings.ts SETTING_KEYS, documented by GraphSettings;
// - custom resources: every `class X extends defineResource<Args, State>()({ type: "T", … })` in the
//   object folders: inputs from Args, outputs from State (a state field with no JSDoc of its own is
//   documented by the argument of the same name);
// - components: the classes in COMPONENTS, exported by api/index.ts: inputs from the constructor's
//   `args` type, outputs from the class's public `pulumi.Output<T>` members;
// - descriptions from the JSDoc; `secret: true` where it says the value is always a Pulumi secret
//   (SECRET_DOC); `pulumi.Input<T>` is T; a component argument that takes no Input is `plain`.
//
//   node scripts/gen-schema.js           writes schema.json
//   node scripts/gen-schema.js --check   exits 1 when schema.json is not what the code gives
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const ROOT = path.join(__dirname, "..");
const PACKAGE = "b2c-identity";
const OBJECT_FOLDERS = ["identityProviders", "userFlows", "attachments", "policyKeys", "customPolicies", "iefApplications"];
/** The components served through `construct` (a component sharing a custom resource's token is not). */
const COMPONENTS = [
  "B2CSocialSignIn",
  "WeChatIdentityProvider",
  "QQIdentityProvider",
  "SocialIdentityProvider",
  "WeChatSecretKey",
  "QQSecretKey",
  "TokenSigningKey",
  "TokenEncryptionKey",
  "B2CUserFlow",
  "TrustFrameworkPolicySet",
];
/** Arguments no schema type can carry, each with what other languages use instead. */
const LEFT_OUT = {
  "TrustFrameworkPolicySet.dependsOn": "resources: in every language the resource option dependsOn does this",
};
/** What a property's JSDoc says when its value is a secret. */
const SECRET_DOC = /\b(always (treated as )?a Pulumi secret|pass it as a Pulumi secret)\b/i;

function token(name) {
  return `${PACKAGE}:index:${name}`;
}

function docOf(symbol, checker) {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

function deprecationOf(symbol, checker) {
  const tag = symbol.getJsDocTags(checker).find((t) => t.name === "deprecated");
  return tag ? ts.displayPartsToString(tag.text).trim() || "Deprecated." : undefined;
}

const isOptional = (symbol) => (symbol.flags & ts.SymbolFlags.Optional) !== 0;
const mayBeAbsent = (type) => (type.isUnion() ? type.types : [type]).some((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void));

/** Builds the schema's types while it walks properties; `types` collects the named object types. */
class TypeMapper {
  constructor(checker) {
    this.checker = checker;
    this.types = {};
  }

  /** The parts of a union that are values: not undefined/null, not the Promise/Output of pulumi.Input. */
  values(type) {
    const parts = type.isUnion() ? type.types : [type];
    const values = parts.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
    const plain = values.filter((t) => !this.isEventual(t));
    return { values: plain, eventual: plain.length < values.length };
  }

  isEventual(type) {
    const name = type.getSymbol()?.getName();
    return name === "Promise" || name === "OutputInstance" || name === "Output";
  }

  /** The T of pulumi.Output<T>: OutputInstance<T> & Lifted<T>, a union of such when Lifted<T> distributes over T's union. */
  outputValue(type) {
    if (type.getSymbol()?.getName() === "OutputInstance") return this.checker.getTypeArguments(type)[0];
    if (!type.isUnionOrIntersection()) return undefined;
    for (const part of type.types) {
      const value = this.outputValue(part);
      if (value) return value;
    }
    return undefined;
  }

  isResource(type) {
    const resources = ["Resource", "CustomResource", "ComponentResource"];
    const check = (t) => resources.includes(t.getSymbol()?.getName()) || (this.checker.isArrayType(t) && check(this.checker.getTypeArguments(t)[0]));
    return this.values(type).values.some((t) => check(t) || (t.isUnion() && t.types.some(check)));
  }

  /**
   * The schema type of a TypeScript type. `where` names the property (for errors and for the name of
   * an anonymous object type). `plainInputs` marks the property `plain` when it takes no Input
   * (component arguments); `plainFields` does the same for the fields of its object types. Array
   * items and map values are never marked: the Go generator then refers to an object type's input
   * form it does not generate (a plain array of a plain object with Input fields fails to compile).
   */
  map(type, where, plainInputs, plainFields = plainInputs) {
    const { values, eventual } = this.values(type);
    const plain = plainInputs && !eventual ? { plain: true } : {};
    if (values.length === 0) throw new Error(`${where}: no value type in ${this.checker.typeToString(type)}`);
    const kinds = values.map((t) => this.kind(t));
    // string | Date (a date given either way): a string, ISO 8601.
    if (kinds.every((k) => k === "string" || k === "date")) return { type: "string", ...plain };
    if (kinds.every((k) => k === "number")) return { type: "number", ...plain };
    if (kinds.every((k) => k === "boolean")) return { type: "boolean", ...plain };
    if (values.length > 1) {
      // Another mix (a text or an object, an id or a component): anything, as the TypeScript API takes it.
      return { $ref: "pulumi.json#/Any", ...plain };
    }
    const [only] = values;
    const kind = kinds[0];
    if (kind === "any") return { $ref: "pulumi.json#/Any", ...plain };
    if (kind === "array") {
      return { type: "array", items: this.map(this.checker.getTypeArguments(only)[0], `${where}[]`, false, plainInputs), ...plain };
    }
    if (kind === "map") {
      const valueType = this.checker.getIndexTypeOfType(only, ts.IndexKind.String);
      return { type: "object", additionalProperties: this.map(valueType, `${where}{}`, false, plainInputs), ...plain };
    }
    if (kind === "object") return { $ref: `#/types/${token(this.objectType(only, where, plainFields))}`, ...plain };
    throw new Error(`${where}: no schema type for ${this.checker.typeToString(only)}`);
  }

  kind(type) {
    const f = type.flags;
    if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return "string";
    if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return "number";
    if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return "boolean";
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return "any";
    if (type.getSymbol()?.getName() === "Date") return "date";
    if (this.checker.isArrayType(type)) return "array";
    if (f & ts.TypeFlags.Object) {
      const hasIndex = this.checker.getIndexTypeOfType(type, ts.IndexKind.String) !== undefined;
      if (hasIndex && this.checker.getPropertiesOfType(type).length === 0) return "map";
      if (!hasIndex) return "object";
    }
    return "unknown";
  }

  /** Registers a named object type: an interface by its name (less a trailing "Args"), an anonymous one by where it is. */
  objectType(type, where, plainInputs) {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const declared = symbol && !["__type", "__object", "InputFields"].includes(symbol.getName()) ? symbol.getName() : undefined;
    const name = (declared ?? where.split(/[.[\]{}]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join("")).replace(/Args$/, "");
    const spec = { type: "object", ...this.properties(type, name, { plainInputs }) };
    const before = this.types[token(name)];
    if (before === undefined) this.types[token(name)] = spec;
    else if (JSON.stringify(before) !== JSON.stringify(spec)) {
      throw new Error(`${where}: two different object types would be named ${token(name)}; name one of the TypeScript types differently`);
    }
    return name;
  }

  /** `properties` (and `required`) of an object type; `fallbackDocs` documents a property that has no JSDoc. */
  properties(type, owner, { plainInputs = false, fallbackDocs = {}, requiredKey = "required" } = {}) {
    const properties = {};
    const required = [];
    for (const symbol of this.checker.getPropertiesOfType(type)) {
      const name = symbol.getName();
      const propertyType = this.checker.getTypeOfSymbol(symbol);
      if (LEFT_OUT[`${owner}.${name}`]) {
        if (!this.isResource(propertyType)) throw new Error(`${owner}.${name} is listed in LEFT_OUT but takes no resources any more`);
        continue;
      }
      if (this.isResource(propertyType)) throw new Error(`${owner}.${name} takes resources, which no schema type carries: list it in LEFT_OUT with what to use instead`);
      const deprecationMessage = deprecationOf(symbol, this.checker);
      const description = docOf(symbol, this.checker) || fallbackDocs[name] || (deprecationMessage ? `Deprecated: ${deprecationMessage}` : "");
      properties[name] = {
        ...this.map(propertyType, `${owner}.${name}`, plainInputs),
        description,
        ...(SECRET_DOC.test(description) ? { secret: true } : {}),
        ...(deprecationMessage ? { deprecationMessage } : {}),
      };
      if (!isOptional(symbol) && !mayBeAbsent(propertyType)) required.push(name);
    }
    return { properties, ...(required.length > 0 ? { [requiredKey]: required } : {}) };
  }
}

function createProgram(root) {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
  const folders = OBJECT_FOLDERS.map((folder) => path.join(root, folder) + path.sep);
  const roots = config.fileNames.filter((file) => folders.some((folder) => file.startsWith(folder)));
  roots.push(path.join(root, "api", "index.ts"), path.join(root, "graph", "settings.ts"));
  // Only the types are read (no diagnostics, no emit): the DOM library and jest's types, a third of
  // what would be parsed, are left out.
  return ts.createProgram({ rootNames: roots, options: { ...config.options, noEmit: true, lib: ["lib.es2022.d.ts"], types: ["node"] } });
}

/** Every `class X extends defineResource<Args, State>()({ type: "T", … })` of the object folders. */
function findResources(program, root) {
  const folders = OBJECT_FOLDERS.map((folder) => path.join(root, folder) + path.sep);
  const found = [];
  for (const file of program.getSourceFiles()) {
    if (!folders.some((folder) => path.resolve(file.fileName).startsWith(folder))) continue;
    for (const statement of file.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const heritage = statement.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
      // defineResource<Args, State>()({ … }): a call of a call.
      if (!heritage || !ts.isCallExpression(heritage) || !ts.isCallExpression(heritage.expression)) continue;
      const inner = heritage.expression;
      if (!ts.isIdentifier(inner.expression) || inner.expression.text !== "defineResource") continue;
      const definition = heritage.arguments[0];
      const typeProperty = definition.properties.find((p) => p.name?.getText() === "type");
      found.push({ declaration: statement, argsNode: inner.typeArguments[0], stateNode: inner.typeArguments[1], type: typeProperty.initializer.text });
    }
  }
  return found.sort((a, b) => a.type.localeCompare(b.type));
}

/** The schema, as an object (what schema.json holds). */
function generateSchema(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const program = createProgram(root);
  const checker = program.getTypeChecker();
  const mapper = new TypeMapper(checker);
  const classDoc = (declaration) => docOf(checker.getSymbolAtLocation(declaration.name), checker);

  // Configuration: the settings the Graph client reads, documented on GraphSettings.
  const settingsFile = program.getSourceFile(path.join(root, "graph", "settings.ts"));
  const settingsSymbol = checker.getSymbolAtLocation(settingsFile);
  const exportsOfSettings = checker.getExportsOfModule(settingsSymbol);
  const settingKeys = exportsOfSettings.find((s) => s.getName() === "SETTING_KEYS");
  const graphSettings = exportsOfSettings.find((s) => s.getName() === "GraphSettings");
  const settingsType = checker.getDeclaredTypeOfSymbol(graphSettings);
  const variables = {};
  for (const key of checker.getPropertiesOfType(checker.getTypeOfSymbol(settingKeys))) {
    const setting = settingsType.getProperty(key.getName());
    if (!setting) throw new Error(`SETTING_KEYS.${key.getName()} is not a GraphSettings field`);
    const description = docOf(setting, checker);
    variables[key.getName()] = {
      ...mapper.map(checker.getTypeOfSymbol(setting), `config.${key.getName()}`, false),
      description,
      ...(SECRET_DOC.test(description) ? { secret: true } : {}),
    };
  }

  // Custom resources.
  const resources = {};
  for (const resource of findResources(program, root)) {
    const argsType = checker.getTypeFromTypeNode(resource.argsNode);
    const stateType = checker.getTypeFromTypeNode(resource.stateNode);
    const inputs = mapper.properties(argsType, resource.type, { requiredKey: "requiredInputs" });
    const argumentDocs = Object.fromEntries(Object.entries(inputs.properties).map(([name, spec]) => [name, spec.description]));
    resources[token(resource.type)] = {
      description: classDoc(resource.declaration),
      ...mapper.properties(stateType, resource.type, { fallbackDocs: argumentDocs }),
      inputProperties: inputs.properties,
      ...(inputs.requiredInputs ? { requiredInputs: inputs.requiredInputs } : {}),
    };
  }

  // Components, as api/index.ts exports them.
  const apiSymbol = checker.getSymbolAtLocation(program.getSourceFile(path.join(root, "api", "index.ts")));
  const apiExports = new Map(checker.getExportsOfModule(apiSymbol).map((s) => [s.getName(), s]));
  for (const name of COMPONENTS) {
    const exported = apiExports.get(name);
    if (!exported) throw new Error(`api/index.ts does not export the component ${name}`);
    const classSymbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = classSymbol.declarations.find(ts.isClassDeclaration);
    const constructorType = checker.getTypeOfSymbol(classSymbol);
    const [signature] = constructorType.getConstructSignatures();
    const argsParameter = signature.getParameters()[1];
    if (argsParameter?.getName() !== "args") throw new Error(`${name}'s constructor takes no (name, args) arguments`);
    const argsType = checker.getNonNullableType(checker.getTypeOfSymbol(argsParameter));
    const inputs = mapper.properties(argsType, name, { plainInputs: true, requiredKey: "requiredInputs" });
    // Outputs: public pulumi.Output<T> members declared in this package (not the engine's urn).
    const properties = {};
    const required = [];
    for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(classSymbol))) {
      const memberDeclaration = member.valueDeclaration;
      if (!memberDeclaration || memberDeclaration.getSourceFile().fileName.includes("node_modules")) continue;
      if (ts.getCombinedModifierFlags(memberDeclaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const value = mapper.outputValue(checker.getTypeOfSymbol(member));
      if (!value) continue;
      const where = `${name}.${member.getName()}`;
      const description = docOf(member, checker);
      properties[member.getName()] = {
        ...mapper.map(value, where, false),
        description,
        ...(SECRET_DOC.test(description) ? { secret: true } : {}),
        ...(deprecationOf(member, checker) ? { deprecationMessage: deprecationOf(member, checker) } : {}),
      };
      if (!mayBeAbsent(value)) required.push(member.getName());
    }
    resources[token(name)] = {
      isComponent: true,
      description: classDoc(declaration),
      properties,
      ...(required.length > 0 ? { required } : {}),
      inputProperties: inputs.properties,
      ...(inputs.requiredInputs ? { requiredInputs: inputs.requiredInputs } : {}),
    };
  }

  const sorted = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
  return {
    name: PACKAGE,
    displayName: "Azure AD B2C identity",
    version: pkg.version,
    description: pkg.description,
    keywords: pkg.keywords,
    license: pkg.license,
    ...(pkg.repository ? { repository: typeof pkg.repository === "string" ? pkg.repository : pkg.repository.url } : {}),
    ...(pkg.homepage ? { homepage: pkg.homepage } : {}),
    // supportPack: the generated SDKs are whole packages (the Go SDK comes with its go.mod).
    meta: { supportPack: true },
    config: { variables },
    provider: {
      description: `The provider of ${PACKAGE}: the B2C tenant it manages and how it signs in to Microsoft Graph.`,
      inputProperties: variables,
    },
    types: sorted(mapper.types),
    resources: sorted(resources),
    language: {
      csharp: { rootNamespace: "Pulumi", namespaces: { [PACKAGE]: "B2CIdentity" }, packageReferences: { Pulumi: "3.*" } },
      go: { importBasePath: "github.com/pulumi-b2c-identity/sdk/go/b2cidentity" },
      nodejs: { packageName: pkg.name },
      python: { packageName: "pulumi_b2c_identity" },
    },
  };
}

/** The text schema.json holds. */
function schemaText(root = ROOT) {
  return JSON.stringify(generateSchema(root), null, 2) + "\n";
}

module.exports = { generateSchema, schemaText, COMPONENTS, LEFT_OUT };

if (require.main === module) {
  const file = path.join(ROOT, "schema.json");
  const text = schemaText();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== text) {
      console.error("schema.json is not what the TypeScript types give: run `npm run schema`.");
      process.exit(1);
    }
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
