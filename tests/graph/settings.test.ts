import { GraphConfigError, resolveGraphSettings, requireTenantName } from "../../graph/settings";

const config = (values: Record<string, string>) => ({ get: (k: string) => values[k] });
const APP = "11111111-2222-3333-4444-555555555555";

describe("resolveGraphSettings", () => {
  test("stack config wins over the environment", () => {
    const s = resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com" }), { B2C_TENANT_ID: "other.onmicrosoft.com" });
    expect(s.tenantId).toBe("contoso.onmicrosoft.com");
    expect(s.tenantName).toBe("contoso");
    expect(s.tenantDomain).toBe("contoso.onmicrosoft.com");
  });

  test("falls back to environment variables", () => {
    const s = resolveGraphSettings(undefined, { B2C_TENANT_ID: "fabrikam.onmicrosoft.com", AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "x" });
    expect(s.clientId).toBe(APP);
    expect(s.clientSecret).toBe("x");
    expect(s.graphEndpoint).toBe("https://graph.microsoft.com");
    expect(s.customEndpoints).toBe(false);
  });

  test("a missing tenant names the config key and the environment variable", () => {
    expect(() => resolveGraphSettings(config({}), {})).toThrow(/b2c:tenantId.*B2C_TENANT_ID/);
    expect(() => resolveGraphSettings(config({}), {})).toThrow(GraphConfigError);
    expect(() => resolveGraphSettings(config({}), {})).toThrow(expect.objectContaining({ name: "GraphConfigError" }));
  });

  test("a malformed tenant id is rejected, naming the key", () => {
    expect(() => resolveGraphSettings(config({ "b2c:tenantId": "not a tenant" }), {})).toThrow(/b2c:tenantId.*'not a tenant'/);
  });

  test("a secret without an application names b2c:clientId", () => {
    expect(() => resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com", "b2c:clientSecret": "s" }), {})).toThrow(/b2c:clientId/);
  });

  test("the secret value never appears in a configuration error", () => {
    let message = "";
    try {
      resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com", "b2c:clientSecret": "SuperSecretValue123" }), {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe("");
    expect(message).not.toContain("SuperSecretValue123");
  });

  test("unknown cloud lists the valid ones", () => {
    expect(() => resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com", "b2c:cloud": "Mars" }), {})).toThrow(
      /b2c:cloud.*AzurePublic, AzureChina, AzureUSGovernment.*'Mars'/,
    );
  });

  test("China cloud uses its own hosts", () => {
    const s = resolveGraphSettings(config({ "b2c:tenantId": "contoso.partner.onmschina.cn", "b2c:cloud": "azurechina" }), {});
    expect(s.cloud).toBe("AzureChina");
    expect(s.graphEndpoint).toBe("https://microsoftgraph.chinacloudapi.cn");
    expect(s.b2cLoginDomain).toBe("b2clogin.cn");
    expect(s.tenantDomain).toBe("contoso.partner.onmschina.cn");
  });

  test("endpoint overrides must be https", () => {
    expect(() => resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com", "b2c:graphEndpoint": "http://127.0.0.1:1" }), {})).toThrow(
      /b2c:graphEndpoint.*https/,
    );
  });

  test("a GUID tenant needs b2c:tenantName for sign-in URLs", () => {
    const s = resolveGraphSettings(config({ "b2c:tenantId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }), {});
    expect(() => requireTenantName(s)).toThrow(/b2c:tenantName.*B2C_TENANT_NAME/);
  });
});

test("a custom authority without an app credential names b2c:clientSecret before any network call", () => {
  expect(() =>
    resolveGraphSettings(config({ "b2c:tenantId": "contoso.onmicrosoft.com", "b2c:clientId": APP, "b2c:graphEndpoint": "https://127.0.0.1:9" }), {}),
  ).toThrow(/b2c:clientSecret.*AZURE_CLIENT_SECRET/);
});
