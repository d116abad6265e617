import { DOMParser } from "@xmldom/xmldom";
import type { Document, Element } from "@xmldom/xmldom";
// Journeys as Microsoft's how-to wires them: the copied SignUpOrSignIn journey is renamed in the
// extensions and the relying party points at it
// (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat?pivots=b2c-custom-policy).
import { mergeSocialProviders, mergeSocialProvidersIntoPolicySet, pointRelyingPartyAt } from "../../policies/mergeSocialProvider";
import { qqProviderPolicy, weChatProviderPolicy, type SocialProviderPolicy } from "../../policies/technicalProfiles";
import { validatePoliciesAgainstSchema, type SchemaValidationResult } from "../../policies/xsdValidation";
import { readStarterPack, readStarterPackFile, VARIANTS, type StarterPackVariant } from "./starterPack";

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml.replace(/^\uFEFF/, ""), "text/xml");
}

function elements(doc: Document | Element, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

function children(parent: Element, tag: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && n.nodeName === tag);
}

function journey(doc: Document, id: string): Element[] {
  return elements(doc, "UserJourney").filter((j) => j.getAttribute("Id") === id);
}

function step(journeyElement: Element, order: number): Element {
  return elements(journeyElement, "OrchestrationStep").find((s) => s.getAttribute("Order") === String(order))!;
}

const WECHAT = weChatProviderPolicy({ appId: "wx0123456789abcdef" });
const QQ = qqProviderPolicy({ appId: "101234567" });
const COMBINATIONS: Array<[string, SocialProviderPolicy[]]> = [
  ["WeChat", [WECHAT]],
  ["QQ", [QQ]],
  ["WeChat and QQ", [WECHAT, QQ]],
];

const extensionsOf = (variant: StarterPackVariant) => readStarterPackFile(variant, "TrustFrameworkExtensions.xml");
const baseOf = (variant: StarterPackVariant) => readStarterPackFile(variant, "TrustFrameworkBase.xml");
const localizationOf = (variant: StarterPackVariant) => readStarterPackFile(variant, "TrustFrameworkLocalization.xml");

function merge(variant: StarterPackVariant, providers: SocialProviderPolicy[]): string {
  return mergeSocialProviders(extensionsOf(variant), providers, { basePolicies: [localizationOf(variant), baseOf(variant)] });
}

describe("the starter pack bases define what the rendered providers reference", () => {
  it.each(VARIANTS)("%s: issuerUserId (not UserId), the four transformations and SM-SocialLogin", (variant) => {
    const base = parse(baseOf(variant));
    const claimTypes = elements(base, "ClaimType").map((c) => c.getAttribute("Id"));
    expect(claimTypes).toContain("issuerUserId");
    expect(claimTypes).not.toContain("UserId");
    const transformations = elements(base, "ClaimsTransformation").map((t) => t.getAttribute("Id"));
    expect(transformations).toEqual(
      expect.arrayContaining([
        "CreateRandomUPNUserName",
        "CreateUserPrincipalName",
        "CreateAlternativeSecurityId",
        "CreateSubjectClaimFromAlternativeSecurityId",
      ]),
    );
    // CreateAlternativeSecurityId keys the user on issuerUserId: that is the claim the provider must fill.
    const altSecId = elements(base, "ClaimsTransformation").find((t) => t.getAttribute("Id") === "CreateAlternativeSecurityId")!;
    const key = elements(altSecId, "InputClaim").find((c) => c.getAttribute("TransformationClaimType") === "key")!;
    expect(key.getAttribute("ClaimTypeReferenceId")).toBe("issuerUserId");
    expect(elements(base, "TechnicalProfile").map((t) => t.getAttribute("Id"))).toContain("SM-SocialLogin");
  });
});

describe.each(VARIANTS)("merge into the %s starter pack", (variant) => {
  const merged = new Map<string, string>();
  let schemaResults: SchemaValidationResult[] = [];

  beforeAll(async () => {
    for (const [name, providers] of COMBINATIONS) merged.set(name, merge(variant, providers));
    // One xmllint run for all merged documents (the schema is compiled once per run).
    schemaResults = await validatePoliciesAgainstSchema(COMBINATIONS.map(([name]) => ({ fileName: name, xml: merged.get(name)! })));
  });

  describe.each(COMBINATIONS)("%s", (name, providers) => {
    it("is valid against the policy schema", () => {
      const result = schemaResults.find((r) => r.fileName === name)!;
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    });

    it("adds one ClaimsProvider per provider, next to the existing ones", () => {
      const doc = parse(merged.get(name)!);
      const claimsProviders = elements(doc, "ClaimsProviders");
      expect(claimsProviders).toHaveLength(1);
      const ids = elements(claimsProviders[0], "TechnicalProfile").map((t) => t.getAttribute("Id"));
      for (const provider of providers) expect(ids.filter((id) => id === provider.technicalProfileId)).toHaveLength(1);
      expect(ids).toContain("Facebook-OAUTH");
    });

    it("declares every ClaimTypeReferenceId the providers use in the base or the merged extensions", () => {
      const declared = new Set(
        [parse(baseOf(variant)), parse(merged.get(name)!)].flatMap((d) => elements(d, "ClaimType").map((c) => c.getAttribute("Id"))),
      );
      for (const provider of providers) {
        const used = elements(parse(provider.claimsProviderXml), "OutputClaim").map((c) => c.getAttribute("ClaimTypeReferenceId"));
        expect(used.length).toBeGreaterThan(0);
        expect(used.filter((id) => !declared.has(id))).toEqual([]);
      }
    });

    it("copies SignUpOrSignIn as SignUpOrSignInWithSocial (no same-Id override) with the button in step 1 and the claims exchange in step 2", () => {
      const doc = parse(merged.get(name)!);
      expect(journey(doc, "SignUpOrSignIn")).toEqual([]);
      const journeys = journey(doc, "SignUpOrSignInWithSocial");
      expect(journeys).toHaveLength(1);
      const selections = elements(step(journeys[0], 1), "ClaimsProviderSelection").map(
        (s) => s.getAttribute("TargetClaimsExchangeId") || `validation:${s.getAttribute("ValidationClaimsExchangeId")}`,
      );
      const exchanges = elements(step(journeys[0], 2), "ClaimsExchange").map(
        (e) => `${e.getAttribute("Id")}->${e.getAttribute("TechnicalProfileReferenceId")}`,
      );
      const added = providers.map((p) => p.claimsExchangeId);
      const local = variant === "SocialAndLocalAccounts";
      expect(selections).toEqual(["FacebookExchange", ...added, ...(local ? ["validation:LocalAccountSigninEmailExchange"] : [])]);
      expect(exchanges).toEqual([
        "FacebookExchange->Facebook-OAUTH",
        ...(local ? ["SignUpWithLogonEmailExchange->LocalAccountSignUpWithLogonEmail"] : []),
        ...providers.map((p) => `${p.claimsExchangeId}->${p.technicalProfileId}`),
      ]);
    });

    it("copies the rest of the base journey unchanged", () => {
      const baseJourney = journey(parse(baseOf(variant)), "SignUpOrSignIn")[0];
      const mergedJourney = journey(parse(merged.get(name)!), "SignUpOrSignInWithSocial")[0];
      const describe = (j: Element) =>
        elements(j, "OrchestrationStep").map((s) => `${s.getAttribute("Order")}:${s.getAttribute("Type")}`);
      expect(describe(mergedJourney)).toEqual(describe(baseJourney));
      expect(step(mergedJourney, 3).toString()).toBe(step(baseJourney, 3).toString());
      expect(children(mergedJourney, "ClientDefinition").map((c) => c.getAttribute("ReferenceId"))).toEqual(["DefaultWeb"]);
    });

    it("is idempotent: merging again changes nothing", () => {
      const once = merged.get(name)!;
      expect(merge2(once, variant, providers)).toBe(once);
    });
  });
});

function merge2(xml: string, variant: StarterPackVariant, providers: SocialProviderPolicy[]): string {
  return mergeSocialProviders(xml, providers, { basePolicies: [localizationOf(variant), baseOf(variant)] });
}

describe("merge details", () => {
  const variant: StarterPackVariant = "SocialAndLocalAccounts";

  it("keeps the untouched parts of the extensions file as they were", () => {
    const original = extensionsOf(variant);
    const out = merge(variant, [WECHAT]);
    expect(out.charCodeAt(0)).toBe(0xfeff);
    const head = original.slice(0, original.indexOf("<BuildingBlocks>"));
    expect(out.startsWith(head)).toBe(true);
    expect(out).toContain('<InputClaim ClaimTypeReferenceId="client_id" DefaultValue="ProxyIdentityExperienceFrameworkAppId" />');
  });

  it("merging a provider again with another app id and keyset updates it instead of adding a second one", () => {
    const first = merge(variant, [WECHAT]);
    const again = merge2(first, variant, [weChatProviderPolicy({ appId: "wxNEW", keySetId: "B2C_1A_WeChatSecret2" })]);
    const doc = parse(again);
    const profiles = elements(doc, "TechnicalProfile").filter((t) => t.getAttribute("Id") === "WeChat-OAuth2");
    expect(profiles).toHaveLength(1);
    const clientId = elements(profiles[0], "Item").find((i) => i.getAttribute("Key") === "client_id")!;
    expect(clientId.textContent).toBe("wxNEW");
    expect(elements(profiles[0], "Key")[0].getAttribute("StorageReferenceId")).toBe("B2C_1A_WeChatSecret2");
    expect(elements(doc, "ClaimsExchange").filter((e) => e.getAttribute("Id") === "WeChatExchange")).toHaveLength(1);
  });

  it("adds a second provider to an existing journey override without copying the journey again", () => {
    const withWeChat = merge(variant, [WECHAT]);
    const withBoth = merge2(withWeChat, variant, [QQ]);
    expect(withBoth).toBe(merge(variant, [WECHAT, QQ]));
    expect(journey(parse(withBoth), "SignUpOrSignInWithSocial")).toHaveLength(1);
  });

  it("creates <ClaimsProviders> and <UserJourneys> in schema position when the extensions has none", async () => {
    const bare = extensionsOf("SocialAccounts").replace(/<ClaimsProviders>[\s\S]*<\/ClaimsProviders>/, "");
    expect(bare).not.toContain("<ClaimsProviders>");
    const out = mergeSocialProviders(bare, [QQ], { basePolicies: [baseOf("SocialAccounts")] });
    const root = parse(out).documentElement!;
    const order = Array.from(root.childNodes)
      .filter((n): n is Element => n.nodeType === 1)
      .map((e) => e.nodeName);
    expect(order).toEqual(["BasePolicy", "BuildingBlocks", "ClaimsProviders", "UserJourneys"]);
    const [result] = await validatePoliciesAgainstSchema([{ fileName: "bare.xml", xml: out }]);
    expect(result.errors).toEqual([]);
  });

  it("wires other journeys when asked (ProfileEdit: step 1 is a ClaimsProviderSelection of buttons only)", () => {
    const out = mergeSocialProviders(extensionsOf(variant), [WECHAT], {
      basePolicies: [baseOf(variant)],
      journeyIds: ["SignUpOrSignIn", "ProfileEdit"],
    });
    expect(journey(parse(out), "ProfileEdit")).toEqual([]);
    const profileEdit = journey(parse(out), "ProfileEditWithSocial");
    expect(profileEdit).toHaveLength(1);
    expect(elements(step(profileEdit[0], 1), "ClaimsProviderSelection").map((s) => s.getAttribute("TargetClaimsExchangeId"))).toEqual([
      "FacebookExchange",
      "LocalAccountSigninEmailExchange",
      "WeChatExchange",
    ]);
    expect(elements(step(profileEdit[0], 2), "ClaimsExchange").map((e) => e.getAttribute("Id"))).toContain("WeChatExchange");
  });

  it("refuses a journey whose step 1 offers no provider selection", () => {
    expect(() =>
      mergeSocialProviders(extensionsOf(variant), [WECHAT], { basePolicies: [baseOf(variant)], journeyIds: ["PasswordReset"] }),
    ).toThrow('UserJourney "PasswordReset" step 1 is of type "ClaimsExchange", not CombinedSignInAndSignUp or ClaimsProviderSelection');
  });

  it("needs the base policies to copy a journey the extensions does not override", () => {
    expect(() => mergeSocialProviders(extensionsOf(variant), [WECHAT])).toThrow(
      'UserJourney "SignUpOrSignIn" is not in the extensions policy; pass the base policies (basePolicies) so it can be copied from there',
    );
  });

  it("refuses a base that lacks a transformation the provider references", () => {
    const base = baseOf(variant).replace(
      /<ClaimsTransformation Id="CreateSubjectClaimFromAlternativeSecurityId"[\s\S]*?<\/ClaimsTransformation>/,
      "",
    );
    expect(() => mergeSocialProviders(extensionsOf(variant), [QQ], { basePolicies: [base] })).toThrow(
      "QQ-OAuth2 references what the base policies and the extensions do not define (claims transformations: CreateSubjectClaimFromAlternativeSecurityId)",
    );
  });
});

describe("the relying party points at the renamed journey", () => {
  const variant: StarterPackVariant = "SocialAndLocalAccounts";
  const rpOf = (file: string) => readStarterPackFile(variant, file);
  const defaultJourney = (xml: string) => elements(parse(xml), "DefaultUserJourney")[0].getAttribute("ReferenceId");

  it("pointRelyingPartyAt changes only a DefaultUserJourney naming the journey", () => {
    expect(defaultJourney(rpOf("SignUpOrSignin.xml"))).toBe("SignUpOrSignIn");
    expect(defaultJourney(pointRelyingPartyAt(rpOf("SignUpOrSignin.xml"), "SignUpOrSignIn", "SignUpOrSignInWithSocial"))).toBe("SignUpOrSignInWithSocial");
    expect(pointRelyingPartyAt(rpOf("ProfileEdit.xml"), "SignUpOrSignIn", "SignUpOrSignInWithSocial")).toBe(rpOf("ProfileEdit.xml"));
  });

  it("mergeSocialProvidersIntoPolicySet: extensions merged, SignUpOrSignin.xml repointed, the rest untouched, all schema-valid", async () => {
    const files = readStarterPack(variant);
    const out = mergeSocialProvidersIntoPolicySet(files, [WECHAT, QQ]);
    expect(out.map((f) => f.fileName)).toEqual(files.map((f) => f.fileName));
    const byName = (name: string) => out.find((f) => f.fileName === name)!.xml;
    expect(byName("TrustFrameworkExtensions.xml")).toBe(merge(variant, [WECHAT, QQ]));
    expect(defaultJourney(byName("SignUpOrSignin.xml"))).toBe("SignUpOrSignInWithSocial");
    for (const f of files.filter((f) => !["TrustFrameworkExtensions.xml", "SignUpOrSignin.xml"].includes(f.fileName))) {
      expect([f.fileName, byName(f.fileName) === f.xml]).toEqual([f.fileName, true]);
    }
    const results = await validatePoliciesAgainstSchema(out);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
  });

  it("refuses a rename to the same Id", () => {
    expect(() => mergeSocialProviders(extensionsOf(variant), [WECHAT], { basePolicies: [baseOf(variant)], renameJourney: (id) => id })).toThrow(
      /needs another Id/,
    );
  });
});
