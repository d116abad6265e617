// construct's inputs from other languages, typed as the schema says: Pulumi YAML sends a
// digits-only config value (a QQ APP ID) as a number even where the schema says string
// (pulumi/pulumi-yaml#577); the component then refused it. Checked against the real schema.json.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { type PackageSchema, propertiesAsSchemaSays } from "../../../host/plugin/schemaValues";

const schema: PackageSchema = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../schema.json"), "utf8"));
const inputsOf = (type: string) => schema.resources![`b2c-identity:index:${type}`].inputProperties;

test("a QQ APP ID sent as a number reaches QQIdentityProvider as its text; other numbers and strings stay", () => {
  expect(propertiesAsSchemaSays({ appId: 101000001, appKey: "k", displayName: "QQ" }, inputsOf("QQIdentityProvider"), schema)).toEqual({
    appId: "101000001",
    appKey: "k",
    displayName: "QQ",
  });
});

test("inside B2CSocialSignIn's nested identity providers and user flows (schema types, arrays)", () => {
  const given = { identityProviders: [{ type: "QQ", clientId: 101000001, clientSecret: "k" }, { type: "WeChat", appId: "wx0123456789abcdef", appKey: "k" }], userFlows: [{ name: "susi", identityProviders: ["QQ"] }] };
  const typed = propertiesAsSchemaSays(given, inputsOf("B2CSocialSignIn"), schema) as any;
  expect(typed.identityProviders[0].clientId).toBe("101000001");
  expect(typed.identityProviders[1]).toEqual(given.identityProviders[1]);
  expect(typed.userFlows).toEqual(given.userFlows);
});

test("a number where the schema says number, and a property the schema does not know, are left as they are", () => {
  expect(propertiesAsSchemaSays({ expiryWarningDays: 30, unknown: 5 }, { expiryWarningDays: { type: "number" } }, schema)).toEqual({ expiryWarningDays: 30, unknown: 5 });
});

test("an Output (a value with dependencies or a secret) is typed when it resolves", async () => {
  const typed = propertiesAsSchemaSays({ appId: pulumi.output(101000001) }, inputsOf("QQIdentityProvider"), schema);
  expect(pulumi.Output.isInstance(typed.appId)).toBe(true);
  await expect(new Promise((resolve) => (typed.appId as pulumi.Output<unknown>).apply(resolve))).resolves.toBe("101000001");
});
