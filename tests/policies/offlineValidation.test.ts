import { mergeSocialProviders } from "../../policies/mergeSocialProvider";
import { formatPolicyProblems, policySetWarnings, validatePolicySet, type PolicyDocument, type PolicySetContext } from "../../policies/offlineValidation";
import { substitutePlaceholders } from "../../policies/placeholders";
import { weChatProviderPolicy } from "../../policies/technicalProfiles";
import { readStarterPack, readStarterPackFile } from "./starterPack";

const TENANT = "contoso.onmicrosoft.com";
const IEF = { identityExperienceFrameworkAppId: "11111111-1111-1111-1111-111111111111", proxyIdentityExperienceFrameworkAppId: "22222222-2222-2222-2222-222222222222" };

/** The SocialAndLocalAccounts starter pack with WeChat merged in and every placeholder filled: a set that passes. */
function cleanSet(): PolicyDocument[] {
  const variant = "SocialAndLocalAccounts";
  return readStarterPack(variant).map(({ fileName, xml }) => {
    let out = xml;
    if (fileName === "TrustFrameworkExtensions.xml") {
      out = mergeSocialProviders(out, weChatProviderPolicy({ appId: "wx0123456789abcdef" }), {
        basePolicies: [readStarterPackFile(variant, "TrustFrameworkBase.xml")],
      });
      out = out.replace("facebook_clientid", "1234567890");
    }
    return { fileName, xml: substitutePlaceholders(out, { tenant: TENANT, ...IEF }) };
  });
}

const CONTEXT: PolicySetContext = {
  tenantDomain: TENANT,
  declaredKeySetIds: ["B2C_1A_WeChatSecret"],
  existingKeySetIds: ["B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer", "B2C_1A_FacebookSecret"],
};

function edit(set: PolicyDocument[], fileName: string, change: (xml: string) => string): PolicyDocument[] {
  return set.map((doc) => {
    if (doc.fileName !== fileName) return doc;
    const xml = change(doc.xml);
    if (xml === doc.xml) throw new Error(`the edit of ${fileName} changed nothing`);
    return { ...doc, xml };
  });
}

async function messages(set: PolicyDocument[], ctx: PolicySetContext = CONTEXT): Promise<string[]> {
  return (await validatePolicySet(set, ctx)).map((p) => p.message);
}

describe("validatePolicySet", () => {
  const clean = cleanSet();
  const extensionsLine = (needle: string): number =>
    clean.find((d) => d.fileName === "TrustFrameworkExtensions.xml")!.xml.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("finds nothing wrong in a complete, filled-in set", async () => {
    expect(await messages(clean)).toEqual([]);
  });

  it("not well-formed", async () => {
    const set = edit(clean, "SignUpOrSignin.xml", (x) => x.replace('<SubjectNamingInfo ClaimType="sub" />', '<SubjectNamingInfo ClaimType="sub">'));
    expect(await messages(set)).toEqual([
      'SignUpOrSignin.xml:35: not well-formed XML: Opening and ending tag mismatch: "SubjectNamingInfo" != "TechnicalProfile"',
    ]);
  });

  it("XSD-invalid", async () => {
    const set = edit(clean, "ProfileEdit.xml", (x) => x.replace("<DefaultUserJourney ", "<DefaultUserJorney "));
    expect(await messages(set)).toEqual([
      "ProfileEdit.xml:17: does not match the policy schema: Element 'DefaultUserJorney': This element is not expected. Expected is one of ( DefaultUserJourney, Endpoints, UserJourneyBehaviors, TechnicalProfile ).",
    ]);
  });

  it("TenantId not the stack's tenant is an error; a PublicPolicyUri host other than the tenant only a warning", async () => {
    const set = edit(clean, "PasswordReset.xml", (x) =>
      x
        .replace('TenantId="contoso.onmicrosoft.com"', 'TenantId="fabrikam.onmicrosoft.com"')
        .replace("PublicPolicyUri=\"http://contoso.onmicrosoft.com/", 'PublicPolicyUri="http://fabrikam.onmicrosoft.com/')
        .replace("<TenantId>contoso.onmicrosoft.com</TenantId>", "<TenantId>fabrikam.onmicrosoft.com</TenantId>"),
    );
    expect(await messages(set)).toEqual([
      "PasswordReset.xml:7: TenantId fabrikam.onmicrosoft.com is not the stack's tenant contoso.onmicrosoft.com",
      "PasswordReset.xml:12: BasePolicy TenantId fabrikam.onmicrosoft.com is not the stack's tenant contoso.onmicrosoft.com",
    ]);
    expect(policySetWarnings(set, CONTEXT).map((w) => w.message)).toEqual([
      "PasswordReset.xml:9: PublicPolicyUri host fabrikam.onmicrosoft.com is not the stack's tenant contoso.onmicrosoft.com (accepted by the service; usually http://contoso.onmicrosoft.com/<PolicyId>)",
    ]);
  });

  it("Microsoft's QQ how-to PublicPolicyUri (http://contoso.com/...) passes, with a warning", async () => {
    // https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-qq?pivots=b2c-custom-policy
    const set = edit(clean, "SignUpOrSignin.xml", (x) =>
      x.replace(/PublicPolicyUri="http:\/\/contoso\.onmicrosoft\.com\//, 'PublicPolicyUri="http://contoso.com/'),
    );
    expect(set.find((d) => d.fileName === "SignUpOrSignin.xml")!.xml).toContain('PublicPolicyUri="http://contoso.com/');
    expect(await messages(set)).toEqual([]);
    expect(policySetWarnings(set, CONTEXT)).toEqual([expect.objectContaining({ file: "SignUpOrSignin.xml", kind: "public-policy-uri" })]);
    expect(policySetWarnings(clean, CONTEXT)).toEqual([]);
  });

  it("BasePolicy neither in the set nor in the tenant", async () => {
    const set = clean.filter((d) => d.fileName !== "TrustFrameworkLocalization.xml");
    expect(await messages(set)).toEqual([
      "TrustFrameworkExtensions.xml:13: BasePolicy B2C_1A_TrustFrameworkLocalization is neither in this policy set nor in the tenant",
    ]);
    // Already uploaded (any casing): fine.
    expect(await messages(set, { ...CONTEXT, existingPolicyIds: ["B2C_1A_TRUSTFRAMEWORKLOCALIZATION"] })).toEqual([]);
  });

  it("StorageReferenceId neither declared nor existing", async () => {
    const line = extensionsLine('StorageReferenceId="B2C_1A_WeChatSecret"');
    expect(line).toBeGreaterThan(40);
    expect(await messages(clean, { ...CONTEXT, declaredKeySetIds: [] })).toEqual([
      `TrustFrameworkExtensions.xml:${line}: StorageReferenceId B2C_1A_WeChatSecret is neither a policy key this stack creates nor one in the tenant`,
    ]);
    expect(await messages(clean, { ...CONTEXT, declaredKeySetIds: [], existingKeySetIds: [...CONTEXT.existingKeySetIds!, "b2c_1a_wechatsecret"] })).toEqual([]);
  });

  it("placeholder left", async () => {
    const set = edit(clean, "TrustFrameworkExtensions.xml", (x) => x.replace("1234567890", "{Settings:FacebookAppId}"));
    expect(await messages(set)).toEqual([
      'TrustFrameworkExtensions.xml:26: placeholder "{Settings:FacebookAppId}" is still in the policy',
    ]);
  });

  it("duplicate PolicyId in the set", async () => {
    const copy = { fileName: "SignUpOrSignin-copy.xml", xml: clean.find((d) => d.fileName === "SignUpOrSignin.xml")!.xml.replace("B2C_1A_signup_signin\"", "B2C_1A_SIGNUP_SIGNIN\"") };
    expect(await messages([...clean, copy])).toEqual([
      "SignUpOrSignin-copy.xml:8: PolicyId B2C_1A_SIGNUP_SIGNIN is also the PolicyId of SignUpOrSignin.xml",
    ]);
  });

  it("PolicyId cycle", async () => {
    const set = edit(clean, "TrustFrameworkBase.xml", (x) =>
      x.replace(
        'PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkBase">',
        'PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_TrustFrameworkBase"><BasePolicy><TenantId>contoso.onmicrosoft.com</TenantId><PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId></BasePolicy>',
      ),
    );
    expect(await messages(set)).toEqual([
      "TrustFrameworkBase.xml:9: BasePolicy chain is a cycle: B2C_1A_TrustFrameworkBase -> B2C_1A_TrustFrameworkExtensions -> B2C_1A_TrustFrameworkLocalization -> B2C_1A_TrustFrameworkBase",
    ]);
  });

  it("reports the raw starter pack's problems as one readable line each, in file and line order", async () => {
    const problems = await validatePolicySet(readStarterPack("SocialAccounts"), { tenantDomain: TENANT });
    const text = formatPolicyProblems(problems);
    expect(text.split("\n")).toEqual(problems.map((p) => `${p.file}:${p.line}: ${p.problem}`));
    expect(text).toContain("TrustFrameworkBase.xml:7: TenantId yourtenant.onmicrosoft.com is not the stack's tenant contoso.onmicrosoft.com");
    expect(text).toContain("TrustFrameworkBase.xml:390: StorageReferenceId B2C_1A_FacebookSecret is neither a policy key this stack creates nor one in the tenant");
    expect(text).toContain('TrustFrameworkExtensions.xml:26: placeholder "facebook_clientid" is still in the policy');
    const kinds = new Set(problems.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(["placeholder", "policy-key", "tenant"]);
  });
});
