import {
  findLeftoverPlaceholders,
  parseAppSettings,
  placeholderValuesFromEnvironment,
  selectEnvironment,
  substitutePlaceholders,
  tenantDomainOf,
  tenantNameOf,
} from "../../policies/placeholders";
import { readStarterPackFile } from "./starterPack";

// The format the Azure AD B2C VS Code extension creates on its first "B2C Policy Build".
const APPSETTINGS_JSON = JSON.stringify({
  Environments: [
    {
      Name: "Development",
      Production: false,
      Tenant: "contosodev.onmicrosoft.com",
      PolicySettings: {
        IdentityExperienceFrameworkAppId: "11111111-1111-1111-1111-111111111111",
        ProxyIdentityExperienceFrameworkAppId: "22222222-2222-2222-2222-222222222222",
        FacebookAppId: "0",
        WeChatAppId: "wxdev0123456789",
        ContentRoot: "https://cdn.example.com/b2c?v=1&theme=dark",
      },
    },
    {
      Name: "Production",
      Production: true,
      Tenant: "contoso.onmicrosoft.com",
      PolicySettings: {
        IdentityExperienceFrameworkAppId: "33333333-3333-3333-3333-333333333333",
        ProxyIdentityExperienceFrameworkAppId: "44444444-4444-4444-4444-444444444444",
        FacebookAppId: "0",
        WeChatAppId: "wxprod0123456789",
        ContentRoot: "https://cdn.example.com/b2c",
      },
    },
  ],
});

describe("appsettings.json (VS Code extension format)", () => {
  it("parses the environments and selects one by name", () => {
    const settings = parseAppSettings(APPSETTINGS_JSON);
    expect(settings.Environments.map((e) => [e.Name, e.Production, e.Tenant])).toEqual([
      ["Development", false, "contosodev.onmicrosoft.com"],
      ["Production", true, "contoso.onmicrosoft.com"],
    ]);
    expect(selectEnvironment(settings, "production").PolicySettings.WeChatAppId).toBe("wxprod0123456789");
    expect(() => selectEnvironment(settings, "QA")).toThrow('environment "QA" is not in appsettings.json (known: Development, Production)');
  });

  it("rejects files that are not in that shape, saying what is wrong", () => {
    expect(() => parseAppSettings("{")).toThrow("appsettings.json is not valid JSON");
    expect(() => parseAppSettings({ environments: [] })).toThrow('appsettings.json must be an object with an "Environments" array');
    expect(() => parseAppSettings({ Environments: [{ Name: "Dev", Tenant: "t.onmicrosoft.com" }] })).toThrow(
      'appsettings.json Environments[0] ("Dev") needs a "PolicySettings" object',
    );
    expect(() => parseAppSettings({ Environments: [{ Name: "Dev", PolicySettings: {} }] })).toThrow(
      'appsettings.json Environments[0] ("Dev") needs a "Tenant" string',
    );
  });
});

describe("substitutePlaceholders", () => {
  const production = selectEnvironment(parseAppSettings(APPSETTINGS_JSON), "Production");

  it("replaces the starter pack's tenant and IEF app id placeholders", () => {
    const xml = readStarterPackFile("SocialAndLocalAccounts", "TrustFrameworkExtensions.xml");
    const out = substitutePlaceholders(xml, placeholderValuesFromEnvironment(production));
    expect(out).toContain('TenantId="contoso.onmicrosoft.com"');
    expect(out).toContain('PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkExtensions"');
    expect(out).toContain("<TenantId>contoso.onmicrosoft.com</TenantId>");
    expect(out).toContain('<Item Key="client_id">44444444-4444-4444-4444-444444444444</Item>');
    expect(out).toContain('<Item Key="IdTokenAudience">33333333-3333-3333-3333-333333333333</Item>');
    expect(out).toContain('<InputClaim ClaimTypeReferenceId="client_id" DefaultValue="44444444-4444-4444-4444-444444444444" />');
    expect(out).toContain('PartnerClaimType="resource" DefaultValue="33333333-3333-3333-3333-333333333333" />');
    expect(out).not.toContain("yourtenant");
    // Only the Facebook sample value is left: it is not a per-environment placeholder this function knows.
    expect(findLeftoverPlaceholders(out)).toEqual([{ line: 26, placeholder: "facebook_clientid" }]);
  });

  it("replaces {Settings:...} tokens, the built-in ones included, and XML-escapes values", () => {
    const xml = [
      '<TrustFrameworkPolicy TenantId="{Settings:Tenant}" PolicyId="B2C_1A_{Settings:Environment}_signup">',
      '  <Item Key="client_id">{Settings:WeChatAppId}</Item>',
      "  <LoadUri>{Settings:ContentRoot}/unified.html</LoadUri>",
      "  <Item Key=\"file\">{Settings:Filename}|{Settings:PolicyFilename}</Item>",
      "</TrustFrameworkPolicy>",
    ].join("\n");
    const development = selectEnvironment(parseAppSettings(APPSETTINGS_JSON), "Development");
    const out = substitutePlaceholders(xml, placeholderValuesFromEnvironment(development, "B2C_1A_SignUpOrSignin.xml"));
    expect(out).toBe(
      [
        '<TrustFrameworkPolicy TenantId="contosodev.onmicrosoft.com" PolicyId="B2C_1A_Development_signup">',
        '  <Item Key="client_id">wxdev0123456789</Item>',
        "  <LoadUri>https://cdn.example.com/b2c?v=1&amp;theme=dark/unified.html</LoadUri>",
        '  <Item Key="file">B2C_1A_SignUpOrSignin|SignUpOrSignin</Item>',
        "</TrustFrameworkPolicy>",
      ].join("\n"),
    );
    const verbatim = substitutePlaceholders("<a>{Settings:ContentRoot}</a>", { tenant: "x", settings: { ContentRoot: "a&b" }, escapeXml: false });
    expect(verbatim).toBe("<a>a&b</a>");
  });

  it("resolves {Settings:ProxyIdentityExperienceFrameworkAppId} from the settings, not as a bare placeholder", () => {
    const out = substitutePlaceholders('<Item Key="client_id">{Settings:ProxyIdentityExperienceFrameworkAppId}</Item>', placeholderValuesFromEnvironment(production));
    expect(out).toBe('<Item Key="client_id">44444444-4444-4444-4444-444444444444</Item>');
  });

  it("puts the tenant name into b2clogin hosts (global and Azure China) and accepts a bare tenant name", () => {
    const xml =
      "<Item Key=\"METADATA\">https://yourtenant.b2clogin.com/yourtenant.onmicrosoft.com/v2.0/.well-known/openid-configuration</Item>\n" +
      '<Item Key="cn">https://yourtenant.b2clogin.cn/x</Item>';
    expect(substitutePlaceholders(xml, { tenant: "contoso" })).toBe(
      "<Item Key=\"METADATA\">https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration</Item>\n" +
        '<Item Key="cn">https://contoso.b2clogin.cn/x</Item>',
    );
    expect(tenantDomainOf("contoso")).toBe("contoso.onmicrosoft.com");
    expect(tenantDomainOf(" contoso.onmicrosoft.com ")).toBe("contoso.onmicrosoft.com");
    expect(tenantNameOf("contoso.onmicrosoft.com")).toBe("contoso");
  });

  it("leaves unknown {Settings:...} tokens in place so they are reported", () => {
    const out = substitutePlaceholders("<a>\n<b>{Settings:GoogleAppId}</b>\n</a>", placeholderValuesFromEnvironment(production));
    expect(out).toBe("<a>\n<b>{Settings:GoogleAppId}</b>\n</a>");
    expect(findLeftoverPlaceholders(out)).toEqual([{ line: 2, placeholder: "{Settings:GoogleAppId}" }]);
  });
});

describe("findLeftoverPlaceholders", () => {
  it("finds every kind of placeholder with its line, once per line, in document order", () => {
    const xml = [
      '<TrustFrameworkPolicy TenantId="yourtenant.onmicrosoft.com" PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_X">',
      '  <Item Key="client_id">ProxyIdentityExperienceFrameworkAppId</Item>',
      '  <Item Key="IdTokenAudience">IdentityExperienceFrameworkAppId</Item>',
      '  <Item Key="client_id">Your WeChat application ID</Item>',
      '  <Item Key="x">{Settings:Missing}</Item>',
      "  <!-- comments are not searched: yourtenant, {Settings:Commented} -->",
      '  <Item Key="client_id">facebook_clientid</Item>',
      "</TrustFrameworkPolicy>",
    ].join("\n");
    expect(findLeftoverPlaceholders(xml)).toEqual([
      { line: 1, placeholder: "yourtenant" },
      { line: 2, placeholder: "ProxyIdentityExperienceFrameworkAppId" },
      { line: 3, placeholder: "IdentityExperienceFrameworkAppId" },
      { line: 4, placeholder: "Your WeChat application ID" },
      { line: 5, placeholder: "{Settings:Missing}" },
      { line: 7, placeholder: "facebook_clientid" },
    ]);
  });

  it("finds nothing in a fully substituted policy and ignores B2C's own run-time tokens", () => {
    expect(
      findLeftoverPlaceholders(
        '<A TenantId="contoso.onmicrosoft.com"><B DefaultValue="{Policy:TenantObjectId}" /><C>{service:te}</C><D>cpim_{0}@{RelyingPartyTenantId}</D></A>',
      ),
    ).toEqual([]);
  });
});
