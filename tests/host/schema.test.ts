// schema.json, the provider plugin's package schema, is generated from the TypeScript types
// (scripts/gen-schema.js). This regenerates it in memory: the committed file must be exactly that, so
// the schema and the types cannot drift. Then what the schema must hold whatever the code says.
import * as fs from "fs";
import * as path from "path";
import { SETTING_KEYS } from "../../graph/settings";
import { schemaText } from "../../scripts/gen-schema";
import { PLUGIN_CUSTOM_RESOURCES as CUSTOM_RESOURCES } from "../helpers/pluginTypes";

interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  description?: string;
  secret?: boolean;
}
interface ResourceSpec {
  isComponent?: boolean;
  description?: string;
  properties?: Record<string, PropertySpec>;
  inputProperties?: Record<string, PropertySpec>;
}
interface Schema {
  name: string;
  version: string;
  config: { variables: Record<string, PropertySpec> };
  provider: { inputProperties: Record<string, PropertySpec> };
  types: Record<string, { properties: Record<string, PropertySpec> }>;
  resources: Record<string, ResourceSpec>;
}

const root = path.join(__dirname, "..", "..");
const committed = fs.readFileSync(path.join(root, "schema.json"), "utf8");
const schema: Schema = JSON.parse(committed);

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

/** Every property of the schema, named where it is ("<resource> input appKey", "<type>.value"). */
function everyProperty(): { where: string; name: string; owner: string; spec: PropertySpec }[] {
  const all: { where: string; name: string; owner: string; spec: PropertySpec }[] = [];
  const add = (owner: string, label: string, properties: Record<string, PropertySpec> | undefined) => {
    for (const [name, spec] of Object.entries(properties ?? {})) all.push({ where: `${owner} ${label}${name}`, name, owner, spec });
  };
  add("config", "", schema.config.variables);
  add("provider", "input ", schema.provider.inputProperties);
  for (const [token, resource] of Object.entries(schema.resources)) {
    add(token, "input ", resource.inputProperties);
    add(token, "output ", resource.properties);
  }
  for (const [token, type] of Object.entries(schema.types)) add(token, ".", type.properties);
  return all;
}

test("schema.json is what the TypeScript types give (else run `npm run schema`)", () => {
  const generated = schemaText();
  if (generated !== committed) {
    const a = committed.split("\n");
    const b = generated.split("\n");
    const line = a.findIndex((text, i) => text !== b[i]);
    throw new Error(`schema.json differs from the generated schema from line ${line + 1}:\n  committed: ${a[line]}\n  generated: ${b[line]}\nRun \`npm run schema\` and commit schema.json.`);
  }
  expect(schema.name).toBe("b2c-identity");
  expect(schema.version).toBe(require("../../package.json").version);
  // The whole program's types are read (about 860 files): 4 s on an idle core, 10 s on busy ones.
}, 60_000);

test("every custom resource and every component is there, by its b2c-identity:index token", () => {
  for (const name of CUSTOM_RESOURCES) {
    expect(schema.resources).toHaveProperty([`b2c-identity:index:${name}`]);
    expect(schema.resources[`b2c-identity:index:${name}`].isComponent).toBeUndefined();
  }
  for (const name of COMPONENTS) {
    expect(schema.resources).toHaveProperty([`b2c-identity:index:${name}`]);
    expect(schema.resources[`b2c-identity:index:${name}`].isComponent).toBe(true);
  }
  expect(Object.keys(schema.resources).sort()).toEqual([...CUSTOM_RESOURCES, ...COMPONENTS].map((n) => `b2c-identity:index:${n}`).sort());
});

test("the provider is configured by exactly the settings the Graph client reads", () => {
  expect(Object.keys(schema.config.variables).sort()).toEqual(Object.keys(SETTING_KEYS).sort());
  expect(schema.provider.inputProperties).toEqual(schema.config.variables);
});

test("every secret-looking value is secret (a salted fingerprint is not the secret)", () => {
  // By name, independent of the JSDoc wording the generator reads: a client secret, an APP KEY, a
  // password, key material, or the value of a secret / PKCS#12 key source.
  const secretLooking = everyProperty().filter(
    ({ name, owner, spec }) =>
      spec.type === "string" &&
      !/Hash$/.test(name) &&
      (/secret|appKey|password|keyMaterial/i.test(name) || (name === "value" && /Secret|Pkcs12/.test(owner))),
  );
  expect(secretLooking.map((p) => p.where)).toEqual(
    expect.arrayContaining([
      "config clientSecret",
      "b2c-identity:index:IdentityProvider input clientSecret",
      "b2c-identity:index:WeChatIdentityProvider input appKey",
      "b2c-identity:index:QQSecretKey input appKey",
      "b2c-identity:index:TrustFrameworkKeySetPkcs12 .password",
      "b2c-identity:index:TrustFrameworkKeySetSecret .value",
      "b2c-identity:index:SocialSignInIdentityProvider .clientSecret",
    ]),
  );
  expect(secretLooking.filter((p) => p.spec.secret !== true).map((p) => p.where)).toEqual([]);
  // And no output holds one: state keeps fingerprints only.
  const secretOutputs = everyProperty().filter((p) => p.where.includes(" output ") && p.spec.secret);
  expect(secretOutputs.map((p) => p.where)).toEqual([]);
});

test("every resource, component and property has a description", () => {
  expect(everyProperty().filter((p) => !p.spec.description?.trim()).map((p) => p.where)).toEqual([]);
  expect(Object.entries(schema.resources).filter(([, r]) => !r.description?.trim()).map(([token]) => token)).toEqual([]);
});
