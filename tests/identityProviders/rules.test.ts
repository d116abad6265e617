import { canonicalProviderType, IDENTITY_PROVIDER_RULES, redirectUriFor, validateSocialIdentityProvider, APP_ARGUMENT_NAMES, SOCIAL_PROVIDER_TYPES } from "../../identityProviders/rules";
import { UNKNOWN } from "../../domain/notKnownYet";
import { checkArgument } from "../../domain/argumentRules";
import { normalizeUserFlowId, runUserFlowUrl, validateUserFlow } from "../../userFlows/rules";
import { validateAttachment } from "../../attachments/rules";

/** A WeChat-shaped APP KEY (32 hex digits). */
const HEX_KEY = "0123456789abcdef0123456789abcdef";

const valid = { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: "4139f2be6be43b50b2b7583a5efdcf1c" };
const args = (problems: { argument: string }[]) => problems.map((p) => p.argument);

describe("social identity provider validation", () => {
  test("valid input has no problem", () => expect(validateSocialIdentityProvider(valid)).toEqual([]));
  test("unknown type lists every valid type", () => {
    const [p] = validateSocialIdentityProvider({ ...valid, type: "WeCaht" });
    expect(p.argument).toBe("type");
    for (const t of SOCIAL_PROVIDER_TYPES) expect(p.reason).toContain(t);
  });
  test("types match case-insensitively to the documented casing", () => expect(canonicalProviderType("wechat")).toBe("WeChat"));
  test.each([
    ["clientId", { clientId: "" }],
    ["clientId", { clientId: "   " }],
    ["clientSecret", { clientSecret: "" }],
    ["clientSecret", { clientSecret: " \t" }],
    ["displayName", { displayName: "" }],
    ["customDomain", { customDomain: "https://login.contoso.com/" }],
    ["customDomain", { customDomain: "login.contoso.com:443" }],
    ["adoptExisting", { adoptExisting: "yes" }],
  ])("%s is named when invalid (%p)", (argument, patch) => {
    expect(args(validateSocialIdentityProvider({ ...valid, ...patch }))).toEqual([argument]);
  });
  test.each([
    ["WeChat", "wx123", /'wx' followed by 16 hex digits.*got a 5-character value starting 'wx'/],
    ["WeChat", "wx0123456789abcdeg", /'wx' followed by 16 hex digits/],
    ["WeChat", "0123456789abcdef01", /'wx' followed by 16 hex digits/],
    ["WeChat", "101000001", /not a WeChat APP ID/],
    ["QQ", "wx0123456789abcdef", /not a QQ APP ID: it must be digits only/],
    ["QQ", "101-000", /digits only/],
  ])("a %s APP ID of the wrong shape (%s) is refused, naming appId and where to find it", (type, clientId, reason) => {
    const problems = validateSocialIdentityProvider({ type, clientId, clientSecret: HEX_KEY }, APP_ARGUMENT_NAMES);
    expect(args(problems)).toEqual(["appId"]);
    expect(problems[0].reason).toMatch(reason);
    expect(problems[0].reason).toMatch(/developer portal/);
  });
  // Issue 20: WeChat APP IDs are lower-case as the portal shows them (an upper-case copy reached the tenant).
  test("an upper-case WeChat APP ID is refused, naming appId and the lower-case spelling", () => {
    const problems = validateSocialIdentityProvider({ type: "WeChat", clientId: "wx0123456789ABCDEF", clientSecret: HEX_KEY }, APP_ARGUMENT_NAMES);
    expect(problems).toEqual([{ argument: "appId", reason: expect.stringContaining("must be lower-case") }]);
    expect(problems[0].reason).toContain("'wx0123456789abcdef'");
  });
  test.each([
    ["WeChat", "wx0123456789abcdef"],
    ["QQ", "101000001"],
    ["Google", "anything-goes.apps.googleusercontent.com"],
  ])("%s APP ID %s has the right shape", (type, clientId) => {
    expect(validateSocialIdentityProvider({ type, clientId, clientSecret: HEX_KEY })).toEqual([]);
  });
  test("userFlowTypeVersion must be a version B2C offers (1, 2 or 3)", () => {
    for (const v of [1, 2, 3]) expect(validateUserFlow({ name: "susi", userFlowType: "signIn", userFlowTypeVersion: v })).toEqual([]);
    for (const v of [0, 4, 99, 2.5, "3"]) {
      const problems = validateUserFlow({ name: "susi", userFlowType: "signIn", userFlowTypeVersion: v });
      expect(args(problems)).toEqual(["userFlowTypeVersion"]);
      expect(problems[0].reason).toMatch(/must be one of 1, 2, 3/);
    }
  });
  test("presets name appId/appKey", () => {
    expect(args(validateSocialIdentityProvider({ type: "QQ", clientId: "", clientSecret: "" }, APP_ARGUMENT_NAMES))).toEqual(["appId", "appKey"]);
  });
  test("a value not known yet (UNKNOWN) is skipped; a missing one is required", () => {
    expect(validateSocialIdentityProvider({ type: "QQ", clientId: UNKNOWN, clientSecret: UNKNOWN }, APP_ARGUMENT_NAMES)).toEqual([]);
    expect(validateSocialIdentityProvider({ type: UNKNOWN, clientId: "wx0123456789abcdef", clientSecret: "k-padded", displayName: UNKNOWN, customDomain: UNKNOWN })).toEqual([]);
    const missing = validateSocialIdentityProvider({ type: "QQ" }, APP_ARGUMENT_NAMES);
    expect(args(missing)).toEqual(["appId", "appKey"]);
    expect(missing.map((p) => p.reason)).toEqual([expect.stringMatching(/^is required/), expect.stringMatching(/^is required/)]);
    // Known bad values are still refused next to unknown ones.
    expect(args(validateSocialIdentityProvider({ type: "WeChat", clientId: "101", clientSecret: UNKNOWN }))).toEqual(["clientId"]);
    expect(args(validateSocialIdentityProvider({ type: UNKNOWN, clientId: UNKNOWN, clientSecret: " " }))).toEqual(["clientSecret"]);
  });
  test("redirect URI with and without a custom domain", () => {
    expect(redirectUriFor("contoso", "contoso.onmicrosoft.com", "b2clogin.com")).toBe("https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp");
    expect(redirectUriFor("contoso", "contoso.onmicrosoft.com", "b2clogin.com", "login.contoso.com")).toBe(
      "https://login.contoso.com/contoso.onmicrosoft.com/oauth2/authresp",
    );
  });
});

describe("user flow validation", () => {
  test("prefix is added once", () => {
    expect(normalizeUserFlowId("signin")).toBe("B2C_1_signin");
    expect(normalizeUserFlowId("B2C_1_signin")).toBe("B2C_1_signin");
    expect(normalizeUserFlowId("b2c_1_signin")).toBe("B2C_1_signin");
  });
  test.each([
    ["name", { name: "has space" }],
    ["userFlowType", { userFlowType: "signOn" }],
    ["userFlowTypeVersion", { userFlowTypeVersion: 0 }],
    ["defaultLanguageTag", { defaultLanguageTag: "english!" }],
    ["testApplicationId", { testApplicationId: "not-a-guid" }],
  ])("%s is named when invalid", (argument, patch) => {
    expect(args(validateUserFlow({ name: "susi", userFlowType: "signUpOrSignIn", ...patch }))).toEqual([argument]);
  });
  test("attachments need both ids", () => {
    expect(args(validateAttachment({ userFlowId: "", identityProviderId: "a/b" }))).toEqual(["userFlowId", "identityProviderId"]);
    expect(args(validateAttachment({}))).toEqual(["userFlowId", "identityProviderId"]);
  });
  test("a value not known yet (UNKNOWN) is skipped; a missing one is required; a known bad one is refused", () => {
    expect(validateAttachment({ userFlowId: UNKNOWN, identityProviderId: UNKNOWN })).toEqual([]);
    expect(args(validateAttachment({ userFlowId: UNKNOWN, identityProviderId: "a b" }))).toEqual(["identityProviderId"]);
    expect(validateUserFlow({ name: UNKNOWN, userFlowType: UNKNOWN, userFlowTypeVersion: UNKNOWN, defaultLanguageTag: UNKNOWN, testApplicationId: UNKNOWN })).toEqual([]);
    expect(args(validateUserFlow({ name: "susi" }))).toEqual(["userFlowType"]);
    expect(args(validateUserFlow({ name: UNKNOWN, userFlowType: "signIn", defaultLanguageTag: "english!" }))).toEqual(["defaultLanguageTag"]);
  });
  test("run user flow URL returns to jwt.ms", () => {
    const url = new URL(
      runUserFlowUrl({ tenantName: "contoso", tenantDomain: "contoso.onmicrosoft.com", b2cLoginDomain: "b2clogin.com", userFlowId: "B2C_1_susi", applicationId: "11111111-2222-3333-4444-555555555555" }),
    );
    expect(url.host).toBe("contoso.b2clogin.com");
    expect(url.pathname).toBe("/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
    expect(url.searchParams.get("p")).toBe("B2C_1_susi");
    expect(url.searchParams.get("redirect_uri")).toBe("https://jwt.ms");
  });
});

// One validator per argument: the table every layer runs (component, Output check, provider check,
// B2CSocialSignIn, stack program), called directly.
describe("IDENTITY_PROVIDER_RULES: one rule per argument", () => {
  test("the table has a rule for every argument and nothing else", () => {
    expect(Object.keys(IDENTITY_PROVIDER_RULES).sort()).toEqual(["adoptExisting", "clientId", "clientSecret", "customDomain", "displayName", "type"]);
  });
  test.each([
    ["type", undefined, {}, /is required/],
    ["type", "WeCaht", {}, /unknown identity provider type 'WeCaht'/],
    ["clientId", undefined, {}, /is required/],
    ["clientId", " ", {}, /non-empty string/],
    ["clientId", "client id", { type: "Google" }, /must not contain whitespace/],
    ["clientId", "101000001", { type: "WeChat" }, /not a WeChat APP ID/],
    ["clientSecret", undefined, {}, /is required/],
    ["clientSecret", "", { type: "WeChat" }, /is blank/],
    ["clientSecret", `${HEX_KEY}\n`, { type: "WeChat" }, /trailing whitespace or line break/],
    ["clientSecret", "0123", { type: "WeChat" }, /not a WeChat APP KEY: it must be 32 hex digits/],
    ["displayName", "", {}, /non-empty string when given/],
    ["displayName", "We\nChat", {}, /one line of printable text/],
    ["customDomain", "https://login.contoso.com", {}, /host name/],
    ["adoptExisting", "yes", {}, /true or false/],
  ] as const)("%s %p (with %p) is refused", (argument, value, others, reason) => {
    const found = IDENTITY_PROVIDER_RULES[argument](value, others);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(reason);
  });
  test.each([
    ["type", "wechat", {}],
    ["clientId", "wx0123456789abcdef", { type: "WeChat" }],
    ["clientSecret", HEX_KEY, { type: "WeChat" }],
    ["clientSecret", "any-google-secret", { type: "Google" }],
    ["displayName", undefined, {}],
    ["customDomain", "login.contoso.com", {}],
    ["adoptExisting", true, {}],
  ] as const)("%s %p (with %p) is accepted", (argument, value, others) => {
    expect(IDENTITY_PROVIDER_RULES[argument](value, others)).toEqual([]);
  });
  test("the APP KEY's shape follows the type given beside it; an unknown type judges no shape", () => {
    expect(IDENTITY_PROVIDER_RULES.clientSecret("0123", { type: "QQ" })).toEqual([]);
    expect(IDENTITY_PROVIDER_RULES.clientSecret("0123", { type: UNKNOWN })).toEqual([]);
  });
  test("checkArgument skips a value not known yet and names the problem as the caller wrote it", () => {
    expect(checkArgument(IDENTITY_PROVIDER_RULES, "clientSecret", UNKNOWN, { type: "WeChat" }, "b2c:wechatAppKey")).toEqual([]);
    expect(checkArgument(IDENTITY_PROVIDER_RULES, "clientSecret", "", { type: "WeChat" }, "b2c:wechatAppKey")).toEqual([
      { argument: "b2c:wechatAppKey", reason: expect.stringContaining("is blank") },
    ]);
  });
});
