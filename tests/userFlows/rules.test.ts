// userFlows/rules.ts: one rule per argument of a user flow and of an attachment, called directly.
import { USER_FLOW_RULES, validateUserFlow } from "../../userFlows/rules";
import { ATTACHMENT_RULES } from "../../attachments/rules";
import { UNKNOWN } from "../../domain/notKnownYet";

describe("USER_FLOW_RULES", () => {
  test("a rule for every argument of B2CUserFlow", () => {
    expect(Object.keys(USER_FLOW_RULES).sort()).toEqual(
      ["adoptExisting", "defaultLanguageTag", "isLanguageCustomizationEnabled", "name", "testApplicationId", "userFlowType", "userFlowTypeVersion"].sort(),
    );
  });
  test.each([
    ["name", "", /1-64 letters/],
    ["name", "sign in", /1-64 letters/],
    ["userFlowType", "signin", /must be one of signUpOrSignIn/],
    ["userFlowType", undefined, /must be one of/],
    ["userFlowTypeVersion", 4, /must be one of 1, 2, 3/],
    ["isLanguageCustomizationEnabled", "yes", /true or false/],
    ["defaultLanguageTag", "english", /RFC 5646/],
    ["defaultLanguageTag", "zh-CN", /not a language B2C offers.*'zh-hans' or 'zh-hant'/],
    ["testApplicationId", "not-a-guid", /GUID/],
    ["adoptExisting", 1, /true or false/],
  ] as const)("%s %p is refused", (argument, value, reason) => {
    const found = USER_FLOW_RULES[argument](value, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(reason);
  });
  test.each([
    ["name", "B2C_1_susi"],
    ["userFlowType", "signUpOrSignIn"],
    ["userFlowTypeVersion", undefined],
    ["defaultLanguageTag", "zh-Hans"],
    ["testApplicationId", "00000000-0000-4000-8000-000000000001"],
  ] as const)("%s %p is accepted", (argument, value) => {
    expect(USER_FLOW_RULES[argument](value, {})).toEqual([]);
  });
  test("validateUserFlow runs each rule once, skipping values not known yet, named as the caller wrote them", () => {
    expect(validateUserFlow({ name: UNKNOWN, userFlowType: "x" }, { userFlowType: "userFlows[0].userFlowType" })).toEqual([
      { argument: "userFlows[0].userFlowType", reason: expect.stringContaining("must be one of") },
    ]);
  });
});

describe("ATTACHMENT_RULES", () => {
  test.each([
    ["userFlowId", "", /must name a user flow/],
    ["identityProviderId", "", /identity provider id such as 'WeChat-OAUTH'/],
    ["identityProviderId", "WeChat/OAUTH", /WeChat\/OAUTH/],
  ] as const)("%s %p is refused", (argument, value, reason) => {
    expect(ATTACHMENT_RULES[argument](value, {})).toEqual([expect.stringMatching(reason)]);
  });
  test("ids of the right shape are accepted", () => {
    expect(ATTACHMENT_RULES.userFlowId("B2C_1_susi", {})).toEqual([]);
    expect(ATTACHMENT_RULES.identityProviderId("WeChat-OAUTH", {})).toEqual([]);
  });
});
