import { InputProblem, isBlank } from "../domain/problems";
import { normalizeUserFlowId, USER_FLOW_NAME, USER_FLOW_PREFIX } from "../domain/ids";
import { ArgumentRules, checkArguments, reasons } from "../domain/argumentRules";

/** https://learn.microsoft.com/graph/api/resources/b2cidentityuserflow (beta) */
export const USER_FLOW_TYPES = ["signUpOrSignIn", "signUp", "signIn", "passwordReset", "profileUpdate", "resourceOwner"] as const;
export type UserFlowType = (typeof USER_FLOW_TYPES)[number];

// A flow's id rules are domain/ids.ts's (attachments use them too); re-exported for this folder's users.
export { normalizeUserFlowId, USER_FLOW_PREFIX };

/** The user flow versions B2C offers: 1 (legacy "standard"), 2 (legacy preview), 3 (recommended). */
export const USER_FLOW_VERSIONS: readonly number[] = [1, 2, 3];

/**
 * The languages B2C offers for user flows (the "Supported languages" table of
 * https://learn.microsoft.com/azure/active-directory-b2c/language-customization#supported-languages),
 * spelled as there and compared case-insensitively.
 */
export const B2C_LANGUAGE_TAGS: readonly string[] = [
  "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "gl", "gu", "he", "hi", "hr", "hu",
  "id", "it", "ja", "kk", "kn", "ko", "lt", "lv", "ml", "mr", "ms", "nb", "nl", "no", "pa", "pl", "pt-br", "pt-pt",
  "ro", "ru", "sk", "sl", "sr-cryl-cs", "sr-latn-cs", "sv", "ta", "te", "th", "tr", "uk", "vi", "zh-hans", "zh-hant",
];

/** Why B2C would not take `tag` as a user flow's default language, or undefined. */
export function languageTagProblem(tag: string): string | undefined {
  if (B2C_LANGUAGE_TAGS.includes(tag.toLowerCase())) return undefined;
  const base = tag.toLowerCase().split("-")[0];
  const near = B2C_LANGUAGE_TAGS.filter((t) => t.split("-")[0] === base);
  return (
    `'${tag}' is not a language B2C offers for user flows` +
    (near.length > 0 ? `: did you mean ${near.map((t) => `'${t}'`).join(" or ")}?` : "") +
    ` Use one of ${B2C_LANGUAGE_TAGS.join(", ")} (https://learn.microsoft.com/azure/active-directory-b2c/language-customization#supported-languages)`
  );
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface B2CUserFlowInput {
  name?: unknown;
  userFlowType?: unknown;
  userFlowTypeVersion?: unknown;
  isLanguageCustomizationEnabled?: unknown;
  defaultLanguageTag?: unknown;
  testApplicationId?: unknown;
  adoptExisting?: unknown;
}

const given = (v: unknown) => v !== undefined;

/**
 * One rule per argument of a user flow (B2CUserFlow, B2CSocialSignIn's userFlows[i], the provider's
 * check): the only place these arguments are judged. A missing name or userFlowType is a problem.
 */
export const USER_FLOW_RULES: ArgumentRules<B2CUserFlowInput> = {
  name: (name) => (isBlank(name) || !USER_FLOW_NAME.test(String(name).trim()) ? [`must be 1-64 letters, digits, '_' or '-' (with or without the B2C_1_ prefix), got '${String(name)}'`] : []),
  userFlowType: (type) => (USER_FLOW_TYPES.includes(type as UserFlowType) ? [] : [`must be one of ${USER_FLOW_TYPES.join(", ")}, got '${String(type)}'`]),
  userFlowTypeVersion: (version) =>
    !given(version) || USER_FLOW_VERSIONS.includes(version as number)
      ? []
      : [`must be one of ${USER_FLOW_VERSIONS.join(", ")} (3 is the recommended version, https://learn.microsoft.com/azure/active-directory-b2c/user-flow-versions), got '${String(version)}'`],
  isLanguageCustomizationEnabled: (enabled) => (!given(enabled) || typeof enabled === "boolean" ? [] : ["must be true or false"]),
  defaultLanguageTag: (tag) => {
    if (!given(tag)) return [];
    if (typeof tag !== "string" || !LANGUAGE_TAG.test(tag)) return [`must be an RFC 5646 language tag such as 'en' or 'zh-Hans', got '${String(tag)}'`];
    return reasons(languageTagProblem(tag));
  },
  testApplicationId: (id) => (!given(id) || (typeof id === "string" && GUID.test(id)) ? [] : [`must be an application (client) id GUID, got '${String(id)}'`]),
  adoptExisting: (adoptExisting) => (!given(adoptExisting) || typeof adoptExisting === "boolean" ? [] : ["must be true or false"]),
};

/**
 * Checks a user flow's arguments, each with its rule (USER_FLOW_RULES). A value not known yet
 * (UNKNOWN, domain/notKnownYet.ts) is skipped.
 */
export function validateUserFlow(input: B2CUserFlowInput, names: Readonly<Record<string, string>> = {}): InputProblem[] {
  return checkArguments(USER_FLOW_RULES, input, names);
}

/** The portal's "Run user flow" URL: signs in and shows the token at https://jwt.ms. */
export function runUserFlowUrl(args: { tenantName: string; tenantDomain: string; b2cLoginDomain: string; userFlowId: string; applicationId: string; customDomain?: string }): string {
  const host = args.customDomain ?? `${args.tenantName}.${args.b2cLoginDomain}`;
  const query = new URLSearchParams({
    p: args.userFlowId,
    client_id: args.applicationId,
    nonce: "defaultNonce",
    redirect_uri: "https://jwt.ms",
    scope: "openid",
    response_type: "id_token",
    prompt: "login",
  });
  return `https://${host}/${args.tenantDomain}/oauth2/v2.0/authorize?${query.toString()}`;
}
