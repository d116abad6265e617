import * as policies from "../../policies";

describe("policies/index", () => {
  it("re-exports the public functions of every module", () => {
    const functions = [
      "renderWeChatClaimsProvider",
      "renderQQClaimsProvider",
      "renderWeChatOrchestrationSteps",
      "renderQQOrchestrationSteps",
      "weChatProviderPolicy",
      "qqProviderPolicy",
      "socialProviderPolicy",
      "mergeSocialProviders",
      "mergeSocialProvidersIntoPolicySet",
      "pointRelyingPartyAt",
      "socialJourneyId",
      "policySetWarnings",
      "validatePolicyAgainstSchema",
      "validatePoliciesAgainstSchema",
      "loadPolicySchema",
      "substitutePlaceholders",
      "findLeftoverPlaceholders",
      "parseAppSettings",
      "selectEnvironment",
      "placeholderValuesFromEnvironment",
      "validatePolicySet",
      "formatPolicyProblems",
      "orderPoliciesForUpload",
      "orderByBasePolicy",
      "normalizePolicyXml",
      "policiesEqual",
    ] as const;
    for (const name of functions) expect([name, typeof (policies as Record<string, unknown>)[name]]).toEqual([name, "function"]);
    expect(policies.UploadOrderError.prototype).toBeInstanceOf(Error);
    expect(policies.XmlSyntaxError.prototype).toBeInstanceOf(Error);
  });
});
