/**
 * Offline custom-policy toolkit: render WeChat/QQ claims providers, merge them into an extensions
 * policy, substitute per-environment values, validate (schema and offline checks), order uploads,
 * and normalize policies for diffing. Pure TypeScript, no Graph calls.
 */
export {
  renderWeChatClaimsProvider,
  renderQQClaimsProvider,
  renderWeChatOrchestrationSteps,
  renderQQOrchestrationSteps,
  weChatProviderPolicy,
  qqProviderPolicy,
  socialProviderPolicy,
  WECHAT_TECHNICAL_PROFILE_ID,
  WECHAT_CLAIMS_EXCHANGE_ID,
  WECHAT_DEFAULT_KEYSET_ID,
  QQ_TECHNICAL_PROFILE_ID,
  QQ_CLAIMS_EXCHANGE_ID,
  QQ_DEFAULT_KEYSET_ID,
  USER_ID_CLAIM_TYPE,
  type SocialProviderName,
  type SocialProviderPolicy,
  type SocialProviderPolicyOptions,
  type OrchestrationStepFragments,
} from "./technicalProfiles";
export {
  mergeSocialProviders,
  mergeSocialProvidersIntoPolicySet,
  pointRelyingPartyAt,
  socialJourneyId,
  type MergeSocialProvidersOptions,
  type PolicySetFile,
} from "./mergeSocialProvider";
export {
  collectDefinitions,
  collectReferences,
  findMissingReferences,
  describeMissingReferences,
  type PolicyDefinitions,
  type PolicyReferences,
  type MissingReferences,
} from "./policyReferences";
export {
  validatePolicyAgainstSchema,
  validatePoliciesAgainstSchema,
  loadPolicySchema,
  stripPatternAnchors,
  type SchemaError,
  type SchemaValidationResult,
} from "./xsdValidation";
export {
  substitutePlaceholders,
  findLeftoverPlaceholders,
  parseAppSettings,
  selectEnvironment,
  placeholderValuesFromEnvironment,
  tenantDomainOf,
  tenantNameOf,
  type AppSettings,
  type PolicyEnvironment,
  type PlaceholderValues,
  type LeftoverPlaceholder,
} from "./placeholders";
export {
  validatePolicySet,
  policySetWarnings,
  formatPolicyProblems,
  type PolicyDocument,
  type PolicySetContext,
  type PolicyProblem,
  type PolicyProblemKind,
} from "./offlineValidation";
export {
  orderPoliciesForUpload,
  orderByBasePolicy,
  UploadOrderError,
  type PolicyFile,
  type OrderedPolicy,
  type UploadOrderOptions,
  type UploadOrderErrorKind,
} from "./uploadOrder";
export { normalizePolicyXml, policiesEqual } from "./normalize";
export { readPolicyHeader, type PolicyHeader } from "./policyHeader";
export { XmlSyntaxError } from "./xmlDocument";
