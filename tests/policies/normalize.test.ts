import { normalizePolicyXml, policiesEqual } from "../../policies/normalize";
import { XmlSyntaxError } from "../../policies/xmlDocument";
import { readStarterPackFile } from "./starterPack";

const ORIGINAL = readStarterPackFile("SocialAccounts", "SignUpOrSignin.xml");

// The same policy as Graph might return it: no BOM, no declaration, one line per element with other
// indentation, attributes in another order, comments gone, PublicPolicyUri on another position.
const REFORMATTED = `<TrustFrameworkPolicy PolicyId="B2C_1A_signup_signin" TenantId="yourtenant.onmicrosoft.com" PolicySchemaVersion="0.3.0.0" xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin">
	<BasePolicy><TenantId>yourtenant.onmicrosoft.com</TenantId><PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId></BasePolicy>
	<RelyingParty>
		<DefaultUserJourney ReferenceId="SignUpOrSignIn"></DefaultUserJourney>
		<Endpoints><Endpoint UserJourneyReferenceId="RedeemRefreshToken" Id="Token"/></Endpoints>
		<TechnicalProfile Id="PolicyProfile">
			<DisplayName>PolicyProfile</DisplayName>
			<Protocol Name="OpenIdConnect"/>
			<OutputClaims>
				<OutputClaim ClaimTypeReferenceId="displayName"/>
				<OutputClaim ClaimTypeReferenceId="givenName"/>
				<OutputClaim ClaimTypeReferenceId="surname"/>
				<OutputClaim ClaimTypeReferenceId="email"/>
				<OutputClaim PartnerClaimType="sub" ClaimTypeReferenceId="objectId"/>
				<OutputClaim ClaimTypeReferenceId="identityProvider"/>
				<OutputClaim DefaultValue="{Policy:TenantObjectId}" AlwaysUseDefaultValue="true" ClaimTypeReferenceId="tenantId"/>
			</OutputClaims>
			<SubjectNamingInfo ClaimType="sub"/>
		</TechnicalProfile>
	</RelyingParty>
</TrustFrameworkPolicy>`;

describe("normalizePolicyXml / policiesEqual", () => {
  it("treats a reformatted but equal policy as equal", () => {
    expect(policiesEqual(ORIGINAL, REFORMATTED)).toBe(true);
    expect(normalizePolicyXml(REFORMATTED)).toBe(normalizePolicyXml(ORIGINAL));
  });

  it("ignores a PublicPolicyUri the service added", () => {
    const withoutUri = ORIGINAL.replace(/\s+PublicPolicyUri="[^"]*"/, "");
    expect(withoutUri).not.toContain("PublicPolicyUri");
    expect(policiesEqual(withoutUri, REFORMATTED)).toBe(true);
  });

  it("ignores TenantObjectId, which a downloaded policy may carry (https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy)", () => {
    const downloaded = ORIGINAL.replace(/<TrustFrameworkPolicy\b/, '<TrustFrameworkPolicy TenantObjectId="9188040d-6c67-4c5b-b112-36a304b66dad"');
    expect(downloaded).toContain('TenantObjectId="9188040d');
    expect(ORIGINAL).not.toContain('TenantObjectId="');
    expect(policiesEqual(downloaded, REFORMATTED)).toBe(true);
  });

  it("produces readable, sorted output without comments or declaration", () => {
    const normal = normalizePolicyXml(ORIGINAL);
    expect(normal.split("\n").slice(0, 5)).toEqual([
      '<TrustFrameworkPolicy PolicyId="B2C_1A_signup_signin" PolicySchemaVersion="0.3.0.0" TenantId="yourtenant.onmicrosoft.com" xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
      "  <BasePolicy>",
      "    <TenantId>yourtenant.onmicrosoft.com</TenantId>",
      "    <PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>",
      "  </BasePolicy>",
    ]);
    expect(normal).not.toContain("<!--");
    expect(normal).not.toContain("<?xml");
  });

  it.each([
    ["an attribute value", (x: string) => x.replace('ClaimTypeReferenceId="surname"', 'ClaimTypeReferenceId="surName"')],
    ["a text value", (x: string) => x.replace("<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>", "<PolicyId>B2C_1A_Other</PolicyId>")],
    ["text whitespace inside a value", (x: string) => x.replace("<DisplayName>PolicyProfile</DisplayName>", "<DisplayName>PolicyProfile </DisplayName>")],
    ["a removed element", (x: string) => x.replace('<OutputClaim ClaimTypeReferenceId="email" />', "")],
    ["an added attribute", (x: string) => x.replace('<OutputClaim ClaimTypeReferenceId="email" />', '<OutputClaim ClaimTypeReferenceId="email" Required="true" />')],
    [
      "the order of elements",
      (x: string) =>
        x.replace(
          '<OutputClaim ClaimTypeReferenceId="givenName" />\n        <OutputClaim ClaimTypeReferenceId="surname" />',
          '<OutputClaim ClaimTypeReferenceId="surname" />\n        <OutputClaim ClaimTypeReferenceId="givenName" />',
        ),
    ],
    ["a changed root attribute other than PublicPolicyUri", (x: string) => x.replace('TenantId="yourtenant.onmicrosoft.com"', 'TenantId="contoso.onmicrosoft.com"')],
  ])("sees a real change: %s", (_name, change) => {
    const changed = change(ORIGINAL);
    expect(changed).not.toBe(ORIGINAL);
    expect(policiesEqual(ORIGINAL, changed)).toBe(false);
  });

  it("does not ignore PublicPolicyUri below the root", () => {
    const a = '<A><B PublicPolicyUri="x" /></A>';
    expect(policiesEqual(a, "<A><B /></A>")).toBe(false);
    expect(policiesEqual('<A PublicPolicyUri="x"><B /></A>', "<A>\n  <B></B>\n</A>")).toBe(true);
  });

  it("throws XmlSyntaxError (with line) on XML that is not well-formed", () => {
    expect(() => normalizePolicyXml("<A>\n<B>\n</A>")).toThrow(XmlSyntaxError);
    expect(() => normalizePolicyXml("<A>\n<B>\n</A>")).toThrow("line 3:");
  });
});
