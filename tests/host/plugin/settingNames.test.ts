// How the plugin's messages name a missing or wrong setting, by the provider that serves the
// resource: the default provider (stack config `b2c-identity:*`), an explicit provider declared in
// another language (its properties), or a TypeScript program's provider, named after the stack config
// namespace it is made from (kernel/tenantProvider.ts), whose messages stay as before the plugin.
// tests/engine/yamlProgram.test.ts shows the first two to a user of Pulumi YAML.
import { resolveGraphSettings } from "../../../graph/settings";
import { pluginConfigSource, type ProviderIdentity } from "../../../host/plugin/provider";

/** The message of the settings check for a provider with no tenantId, for a resource of `namespace`. */
function missingTenantMessage(provider: ProviderIdentity | undefined, namespace = "b2c"): string {
  try {
    resolveGraphSettings(pluginConfigSource({ clientId: "00000000-0000-0000-0000-000000000001" }, provider), {}, namespace);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("a configuration without tenantId was accepted");
}

test.each([
  ["the default provider", { name: "default" }, "b2c", "stack config 'b2c-identity:tenantId' (or environment variable B2C_TENANT_ID)"],
  ["a versioned default provider", { name: "default_0_1_0" }, "b2c", "stack config 'b2c-identity:tenantId' (or environment variable B2C_TENANT_ID)"],
  ["the default provider, for a resource of another tenant namespace", { name: "default" }, "b2c-eu", "stack config 'b2c-identity:tenantId'"],
  ["an explicit provider", { name: "tenant" }, "b2c", "property 'tenantId' of the provider 'tenant' (pulumi:providers:b2c-identity) (or environment variable B2C_TENANT_ID)"],
  ["a TypeScript program's provider of b2c:*", { name: "b2c" }, "b2c", "stack config 'b2c:tenantId' (or environment variable B2C_TENANT_ID)"],
  ["a TypeScript program's provider of b2c-eu:*", { name: "b2c-eu" }, "b2c-eu", "stack config 'b2c-eu:tenantId'"],
  ["a provider the engine did not name", undefined, "b2c", "stack config 'b2c:tenantId' (or environment variable B2C_TENANT_ID)"],
])("%s: the missing tenantId is named as its user sets it", (_, provider, namespace, expected) => {
  expect(missingTenantMessage(provider, namespace)).toBe(`No B2C tenant configured: set ${expected} to the tenant GUID or '<name>.onmicrosoft.com'.`);
});
