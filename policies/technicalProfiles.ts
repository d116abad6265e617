/**
 * Renders the WeChat and QQ OAuth2 ClaimsProvider elements for a custom policy's extensions file,
 * and the two orchestration-step fragments that put them on the sign-in page.
 *
 * Source: the Azure AD B2C how-tos "Set up sign-up and sign-in with a WeChat account" (2021-09)
 * and "... with a QQ account" (custom-policy pivot), as summarised in the project's reference
 * (docs/graph-b2c-api.md §7.2 / §7.3). The metadata items, the technical profile ids (WeChat-OAuth2,
 * QQ-OAuth2), the exchange ids (WeChatExchange, QQExchange), the output claims transformations and
 * the session management profile are exactly the how-tos'. One deliberate deviation, see below.
 *
 * Decision (user id claim): the how-tos map the provider's user id (WeChat `unionid`, QQ `openid`)
 * to a claim type "UserId". Neither starter-pack base (SocialAccounts, SocialAndLocalAccounts)
 * declares a "UserId" claim type: they declare "issuerUserId" (the renamed socialIdpUserId), and
 * their CreateAlternativeSecurityId transformation reads issuerUserId as its `key`. Declaring a
 * "UserId" claim type would make the policy upload, but issuerUserId would stay empty, so no
 * alternativeSecurityId could be built and AAD-UserReadUsingAlternativeSecurityId (which requires
 * it) would fail at sign-in. So the rendered profiles map the user id to **issuerUserId**, the way
 * the starter pack's own Facebook-OAUTH profile does. Nothing extra has to be declared.
 *
 * Transformations: CreateRandomUPNUserName, CreateUserPrincipalName, CreateAlternativeSecurityId and
 * CreateSubjectClaimFromAlternativeSecurityId, plus the session profile SM-SocialLogin, are all
 * defined in TrustFrameworkBase.xml of both social starter-pack variants (checked by the tests).
 * They are absent from other bases (e.g. the LocalAccounts variant); mergeSocialProviders() checks
 * every reference against the base policies it is given and refuses to produce a policy that
 * references something undefined.
 */
import { escapeAttribute, escapeText } from "./xmlDocument";

export type SocialProviderName = "WeChat" | "QQ";

export interface SocialProviderPolicyOptions {
  /** The provider's APP ID (WeChat open platform / QQ Connect). Becomes the `client_id` metadata item. */
  appId: string;
  /**
   * Id of the policy key (keyset) holding the APP KEY, with its B2C_1A_ prefix.
   * Defaults to B2C_1A_WeChatSecret / B2C_1A_QQSecret as in the how-tos.
   */
  keySetId?: string;
}

/** Everything mergeSocialProviders() needs to add one provider to a policy. */
export interface SocialProviderPolicy {
  provider: SocialProviderName;
  technicalProfileId: string;
  claimsExchangeId: string;
  keySetId: string;
  /** `<ClaimsProvider>` element, indented for column 0. */
  claimsProviderXml: string;
  /** `<ClaimsProviderSelection TargetClaimsExchangeId="..." />` for orchestration step 1. */
  claimsProviderSelectionXml: string;
  /** `<ClaimsExchange Id="..." TechnicalProfileReferenceId="..." />` for orchestration step 2. */
  claimsExchangeXml: string;
}

export interface OrchestrationStepFragments {
  claimsProviderSelection: string;
  claimsExchange: string;
}

export const WECHAT_TECHNICAL_PROFILE_ID = "WeChat-OAuth2";
export const WECHAT_CLAIMS_EXCHANGE_ID = "WeChatExchange";
export const WECHAT_DEFAULT_KEYSET_ID = "B2C_1A_WeChatSecret";
export const QQ_TECHNICAL_PROFILE_ID = "QQ-OAuth2";
export const QQ_CLAIMS_EXCHANGE_ID = "QQExchange";
export const QQ_DEFAULT_KEYSET_ID = "B2C_1A_QQSecret";

/** Claim type the starter pack's social profiles and CreateAlternativeSecurityId use for the IdP's user id. */
export const USER_ID_CLAIM_TYPE = "issuerUserId";

/** Metadata of the WeChat technical profile, in the how-to's order (client_id is added last). */
export const WECHAT_METADATA: ReadonlyArray<readonly [string, string]> = [
  ["ProviderName", "wechat"],
  ["authorization_endpoint", "https://open.weixin.qq.com/connect/qrconnect"],
  ["AccessTokenEndpoint", "https://api.weixin.qq.com/sns/oauth2/access_token"],
  ["ClaimsEndpoint", "https://api.weixin.qq.com/sns/userinfo"],
  ["scope", "snsapi_login"],
  ["HttpBinding", "GET"],
  ["AccessTokenResponseFormat", "json"],
  ["ClientIdParamName", "appid"],
  ["ClientSecretParamName", "secret"],
  ["ExtraParamsInAccessTokenEndpointResponse", "openid"],
  ["ExtraParamsInClaimsEndpointRequest", "openid"],
  ["ResponseErrorCodeParamName", "errcode"],
  ["external_user_identity_claim_id", "unionid"],
];

/** Metadata of the QQ technical profile, in the how-to's order (client_id is added last). */
export const QQ_METADATA: ReadonlyArray<readonly [string, string]> = [
  ["ProviderName", "qq"],
  ["authorization_endpoint", "https://graph.qq.com/oauth2.0/authorize"],
  ["AccessTokenEndpoint", "https://graph.qq.com/oauth2.0/token"],
  ["ClaimsEndpoint", "https://graph.qq.com/oauth2.0/me"],
  ["scope", "get_user_info"],
  ["HttpBinding", "GET"],
  ["ClaimsResponseFormat", "JsonP"],
  ["ResponseErrorCodeParamName", "error"],
  ["external_user_identity_claim_id", "openid"],
];

/** The four output claims transformations both how-tos list, in order. */
export const SOCIAL_OUTPUT_CLAIMS_TRANSFORMATIONS = [
  "CreateRandomUPNUserName",
  "CreateUserPrincipalName",
  "CreateAlternativeSecurityId",
  "CreateSubjectClaimFromAlternativeSecurityId",
] as const;

export const SOCIAL_SESSION_MANAGEMENT_PROFILE = "SM-SocialLogin";

interface ProviderDefinition {
  provider: SocialProviderName;
  domain: string;
  claimsProviderDisplayName: string;
  technicalProfileDisplayName: string;
  technicalProfileId: string;
  claimsExchangeId: string;
  defaultKeySetId: string;
  metadata: ReadonlyArray<readonly [string, string]>;
  /** Partner claim carrying the user id (the value of external_user_identity_claim_id). */
  userIdPartnerClaim: string;
}

const WECHAT: ProviderDefinition = {
  provider: "WeChat",
  domain: "wechat.com",
  claimsProviderDisplayName: "WeChat (Preview)",
  technicalProfileDisplayName: "WeChat",
  technicalProfileId: WECHAT_TECHNICAL_PROFILE_ID,
  claimsExchangeId: WECHAT_CLAIMS_EXCHANGE_ID,
  defaultKeySetId: WECHAT_DEFAULT_KEYSET_ID,
  metadata: WECHAT_METADATA,
  userIdPartnerClaim: "unionid",
};

const QQ: ProviderDefinition = {
  provider: "QQ",
  domain: "qq.com",
  claimsProviderDisplayName: "QQ (Preview)",
  technicalProfileDisplayName: "QQ",
  technicalProfileId: QQ_TECHNICAL_PROFILE_ID,
  claimsExchangeId: QQ_CLAIMS_EXCHANGE_ID,
  defaultKeySetId: QQ_DEFAULT_KEYSET_ID,
  metadata: QQ_METADATA,
  userIdPartnerClaim: "openid",
};

const KEYSET_ID_PATTERN = /^B2C_1A_[A-Za-z0-9_.-]+$/;

function checkOptions(definition: ProviderDefinition, options: SocialProviderPolicyOptions): { appId: string; keySetId: string } {
  const appId = typeof options?.appId === "string" ? options.appId.trim() : "";
  if (!appId) throw new Error(`${definition.provider}: appId (the provider's APP ID) is required`);
  if (/\s/.test(appId)) throw new Error(`${definition.provider}: appId "${appId}" must not contain whitespace`);
  const keySetId = (options.keySetId ?? definition.defaultKeySetId).trim();
  if (!KEYSET_ID_PATTERN.test(keySetId)) {
    throw new Error(
      `${definition.provider}: keySetId "${keySetId}" is not a policy key id; expected B2C_1A_ followed by letters, digits, '_', '-' or '.'`,
    );
  }
  return { appId, keySetId };
}

function renderClaimsProvider(definition: ProviderDefinition, appId: string, keySetId: string): string {
  const items = [...definition.metadata, ["client_id", appId] as const]
    .map(([key, value]) => `        <Item Key="${escapeAttribute(key)}">${escapeText(value)}</Item>`)
    .join("\n");
  const transformations = SOCIAL_OUTPUT_CLAIMS_TRANSFORMATIONS.map(
    (id) => `        <OutputClaimsTransformation ReferenceId="${id}" />`,
  ).join("\n");
  return [
    `<ClaimsProvider>`,
    `  <Domain>${definition.domain}</Domain>`,
    `  <DisplayName>${escapeText(definition.claimsProviderDisplayName)}</DisplayName>`,
    `  <TechnicalProfiles>`,
    `    <TechnicalProfile Id="${definition.technicalProfileId}">`,
    `      <DisplayName>${escapeText(definition.technicalProfileDisplayName)}</DisplayName>`,
    `      <Protocol Name="OAuth2" />`,
    `      <Metadata>`,
    items,
    `      </Metadata>`,
    `      <CryptographicKeys>`,
    `        <Key Id="client_secret" StorageReferenceId="${escapeAttribute(keySetId)}" />`,
    `      </CryptographicKeys>`,
    `      <OutputClaims>`,
    // The how-tos write ClaimTypeReferenceId="UserId"; see the module comment for why it is issuerUserId.
    `        <OutputClaim ClaimTypeReferenceId="${USER_ID_CLAIM_TYPE}" PartnerClaimType="${definition.userIdPartnerClaim}" />`,
    `        <OutputClaim ClaimTypeReferenceId="identityProvider" DefaultValue="${definition.domain}" AlwaysUseDefaultValue="true" />`,
    `        <OutputClaim ClaimTypeReferenceId="authenticationSource" DefaultValue="socialIdpAuthentication" AlwaysUseDefaultValue="true" />`,
    `      </OutputClaims>`,
    `      <OutputClaimsTransformations>`,
    transformations,
    `      </OutputClaimsTransformations>`,
    `      <UseTechnicalProfileForSessionManagement ReferenceId="${SOCIAL_SESSION_MANAGEMENT_PROFILE}" />`,
    `    </TechnicalProfile>`,
    `  </TechnicalProfiles>`,
    `</ClaimsProvider>`,
  ].join("\n");
}

function renderFragments(definition: ProviderDefinition): OrchestrationStepFragments {
  return {
    claimsProviderSelection: `<ClaimsProviderSelection TargetClaimsExchangeId="${definition.claimsExchangeId}" />`,
    claimsExchange: `<ClaimsExchange Id="${definition.claimsExchangeId}" TechnicalProfileReferenceId="${definition.technicalProfileId}" />`,
  };
}

function renderProvider(definition: ProviderDefinition, options: SocialProviderPolicyOptions): SocialProviderPolicy {
  const { appId, keySetId } = checkOptions(definition, options);
  const fragments = renderFragments(definition);
  return {
    provider: definition.provider,
    technicalProfileId: definition.technicalProfileId,
    claimsExchangeId: definition.claimsExchangeId,
    keySetId,
    claimsProviderXml: renderClaimsProvider(definition, appId, keySetId),
    claimsProviderSelectionXml: fragments.claimsProviderSelection,
    claimsExchangeXml: fragments.claimsExchange,
  };
}

/** `<ClaimsProvider>` for WeChat (technical profile WeChat-OAuth2). */
export function renderWeChatClaimsProvider(options: SocialProviderPolicyOptions): string {
  return renderProvider(WECHAT, options).claimsProviderXml;
}

/** `<ClaimsProvider>` for QQ (technical profile QQ-OAuth2). */
export function renderQQClaimsProvider(options: SocialProviderPolicyOptions): string {
  return renderProvider(QQ, options).claimsProviderXml;
}

/** Step-1 ClaimsProviderSelection (WeChatExchange) and step-2 ClaimsExchange (-> WeChat-OAuth2). */
export function renderWeChatOrchestrationSteps(): OrchestrationStepFragments {
  return renderFragments(WECHAT);
}

/** Step-1 ClaimsProviderSelection (QQExchange) and step-2 ClaimsExchange (-> QQ-OAuth2). */
export function renderQQOrchestrationSteps(): OrchestrationStepFragments {
  return renderFragments(QQ);
}

/** Everything needed to merge WeChat into a policy (see mergeSocialProviders). */
export function weChatProviderPolicy(options: SocialProviderPolicyOptions): SocialProviderPolicy {
  return renderProvider(WECHAT, options);
}

/** Everything needed to merge QQ into a policy (see mergeSocialProviders). */
export function qqProviderPolicy(options: SocialProviderPolicyOptions): SocialProviderPolicy {
  return renderProvider(QQ, options);
}

/** Same as weChatProviderPolicy / qqProviderPolicy, chosen by name. */
export function socialProviderPolicy(provider: SocialProviderName, options: SocialProviderPolicyOptions): SocialProviderPolicy {
  switch (provider) {
    case "WeChat":
      return renderProvider(WECHAT, options);
    case "QQ":
      return renderProvider(QQ, options);
    default:
      throw new Error(`unknown social provider "${String(provider)}"; expected "WeChat" or "QQ"`);
  }
}
