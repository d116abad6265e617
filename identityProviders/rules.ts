import { describeValueShape } from "../graph/redact";
import { controlCharacterIn, describeSecret, InputProblem, isBlank, renameProblems, secretWhitespaceProblem } from "../domain/problems";
import { isUnknown } from "../domain/notKnownYet";

/**
 * Social identity provider types a B2C tenant accepts (docs/graph-b2c-api.md §2.1,
 * https://learn.microsoft.com/graph/api/resources/socialidentityprovider).
 */
export const SOCIAL_PROVIDER_TYPES = [
  "WeChat",
  "QQ",
  "Weibo",
  "GitHub",
  "Google",
  "Facebook",
  "Amazon",
  "LinkedIn",
  "Twitter",
  "Microsoft",
] as const;
export type SocialProviderType = (typeof SOCIAL_PROVIDER_TYPES)[number];

/** The name the Azure portal gives each type (used when no displayName is given). */
export const PORTAL_DISPLAY_NAMES: Record<SocialProviderType, string> = {
  WeChat: "WeChat",
  QQ: "QQ",
  Weibo: "Weibo",
  GitHub: "GitHub",
  Google: "Google",
  Facebook: "Facebook",
  Amazon: "Amazon",
  LinkedIn: "LinkedIn",
  Twitter: "Twitter",
  Microsoft: "Microsoft Account",
};

/** The documented casing of a type, matched case-insensitively; undefined if unknown. */
export function canonicalProviderType(type: unknown): SocialProviderType | undefined {
  if (typeof type !== "string") return undefined;
  return SOCIAL_PROVIDER_TYPES.find((t) => t.toLowerCase() === type.trim().toLowerCase());
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export interface SocialIdentityProviderInput {
  type?: unknown;
  clientId?: unknown;
  clientSecret?: unknown;
  displayName?: unknown;
  customDomain?: unknown;
  adoptExisting?: unknown;
}

/** Argument names as the caller knows them (WeChat/QQ presets say appId/appKey), applied with renameProblems. */
export interface ArgumentNames {
  type: string;
  clientId: string;
  clientSecret: string;
}

export const SOCIAL_ARGUMENT_NAMES: ArgumentNames = { type: "type", clientId: "clientId", clientSecret: "clientSecret" };
export const APP_ARGUMENT_NAMES: ArgumentNames = { type: "type", clientId: "appId", clientSecret: "appKey" };

/**
 * Checks a social identity provider's arguments. A value not known yet (UNKNOWN, domain/notKnownYet.ts)
 * is skipped; a missing required one (type, clientId, clientSecret) is a problem.
 */
export function validateSocialIdentityProvider(input: SocialIdentityProviderInput, names: ArgumentNames = SOCIAL_ARGUMENT_NAMES): InputProblem[] {
  const problems: InputProblem[] = [];
  const known = (v: unknown) => !isUnknown(v);
  if (input.type === undefined) {
    problems.push({ argument: "type", reason: `is required: one of ${SOCIAL_PROVIDER_TYPES.join(", ")}` });
  } else if (known(input.type) && !canonicalProviderType(input.type)) {
    problems.push({
      argument: "type",
      reason: `unknown identity provider type '${String(input.type)}'; valid types: ${SOCIAL_PROVIDER_TYPES.join(", ")}`,
    });
  }
  if (input.clientId === undefined) {
    problems.push({ argument: "clientId", reason: "is required (the provider's app/client id)" });
  } else if (known(input.clientId) && isBlank(input.clientId)) {
    problems.push({ argument: "clientId", reason: "must be a non-empty string (the provider's app/client id)" });
  } else if (known(input.clientId) && typeof input.clientId === "string" && /\s/.test(input.clientId.trim())) {
    problems.push({ argument: "clientId", reason: "must not contain whitespace" });
  }
  const shape =
    known(input.clientId) && typeof input.clientId === "string" && input.clientId.trim() !== ""
      ? appIdShapeProblem(canonicalProviderType(input.type), input.clientId.trim())
      : undefined;
  if (shape) problems.push({ argument: "clientId", reason: shape });
  if (input.clientSecret === undefined) {
    problems.push({ argument: "clientSecret", reason: "is required (the provider's app key/client secret)" });
  } else if (known(input.clientSecret) && isBlank(input.clientSecret)) {
    problems.push({ argument: "clientSecret", reason: "must be a non-empty string (the provider's app key/client secret)" });
  } else if (known(input.clientSecret) && typeof input.clientSecret === "string") {
    const problem = secretWhitespaceProblem(input.clientSecret) ?? appKeyShapeProblem(canonicalProviderType(input.type), input.clientSecret);
    if (problem) problems.push({ argument: "clientSecret", reason: problem });
  }
  if (input.displayName !== undefined && known(input.displayName) && (typeof input.displayName !== "string" || input.displayName.trim() === "")) {
    problems.push({ argument: "displayName", reason: "must be a non-empty string when given" });
  } else if (typeof input.displayName === "string" && input.displayName.length > 256) {
    problems.push({ argument: "displayName", reason: "must be at most 256 characters" });
  } else if (typeof input.displayName === "string" && known(input.displayName)) {
    const problem = displayNameProblem(input.displayName);
    if (problem) problems.push({ argument: "displayName", reason: problem });
  }
  if (input.customDomain !== undefined && known(input.customDomain) && (typeof input.customDomain !== "string" || !HOSTNAME.test(input.customDomain))) {
    problems.push({
      argument: "customDomain",
      reason: `must be a host name such as 'login.contoso.com' (no scheme, path or port), got '${String(input.customDomain)}'`,
    });
  }
  if (input.adoptExisting !== undefined && known(input.adoptExisting) && typeof input.adoptExisting !== "boolean") {
    problems.push({ argument: "adoptExisting", reason: "must be true or false" });
  }
  return renameProblems(problems, { ...names });
}

/**
 * The APP ID shapes the developer portals hand out: WeChat Open Platform website apps "wx" and 16
 * hex digits (https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html),
 * QQ Connect APP IDs are numbers (https://wiki.connect.qq.com/). A wrong one fails only at sign-in.
 */
export const APP_ID_SHAPES: Partial<Record<SocialProviderType, { pattern: RegExp; description: string }>> = {
  WeChat: { pattern: /^wx[0-9a-f]{16}$/, description: "'wx' followed by 16 hex digits, lower-case (e.g. wx0123456789abcdef), from the WeChat Open Platform" },
  QQ: { pattern: /^[0-9]+$/, description: "digits only (e.g. 101000001), from QQ Connect" },
};

/** Why an app id doesn't have its type's shape, or undefined when it does (or the type has none). */
export function appIdShapeProblem(type: SocialProviderType | undefined, clientId: string): string | undefined {
  const shape = type ? APP_ID_SHAPES[type] : undefined;
  if (!shape || shape.pattern.test(clientId)) return undefined;
  if (shape.pattern.test(clientId.toLowerCase())) return `must be lower-case as the developer portal shows it (${type} APP IDs are case-sensitive): use '${clientId.toLowerCase()}'`;
  return `is not a ${type} APP ID: it must be ${shape.description}; got ${describeValueShape(clientId)} (not shown: it may be the APP KEY). Copy the APP ID (not the APP KEY) from the developer portal`;
}

/**
 * The APP KEY (AppSecret) shapes the developer portals hand out: a WeChat Open Platform AppSecret is
 * 32 hex digits as the platform issues it (the login page names it the `secret` of the access_token
 * request but states no length: https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html).
 * A key of another shape (the APP ID, a truncated copy) is accepted by B2C and fails only at
 * sign-in. QQ documents no shape: none is checked.
 */
export const APP_KEY_SHAPES: Partial<Record<SocialProviderType, { pattern: RegExp; description: string }>> = {
  WeChat: { pattern: /^[0-9a-fA-F]{32}$/, description: "32 hex digits (the AppSecret shown on the WeChat Open Platform)" },
};

/** Why an APP KEY doesn't have its type's shape (described without echoing it), or undefined. */
export function appKeyShapeProblem(type: SocialProviderType | undefined, clientSecret: string): string | undefined {
  const shape = type ? APP_KEY_SHAPES[type] : undefined;
  if (!shape || shape.pattern.test(clientSecret)) return undefined;
  return `is not a ${type} APP KEY: it must be ${shape.description}; got ${describeSecret(clientSecret)}. Copy the APP KEY (AppSecret), not the APP ID, from the developer portal`;
}

/**
 * Why a display name can't be shown on the sign-in page's button, or undefined: it must be one line
 * of printable text (a line break or control character is stored as is and breaks the page).
 */
export function displayNameProblem(displayName: string): string | undefined {
  const control = controlCharacterIn(displayName);
  if (control) return `must be one line of printable text: remove the line break or control character (${control})`;
  if (displayName !== displayName.trim()) return "must not start or end with whitespace: remove the spaces around the name";
  return undefined;
}

/** The callback URL to register in the provider's developer portal (the how-tos' 授权回调域). */
export function redirectUriFor(tenantName: string, tenantDomain: string, b2cLoginDomain: string, customDomain?: string): string {
  const host = customDomain ? customDomain : `${tenantName}.${b2cLoginDomain}`;
  return `https://${host}/${tenantDomain}/oauth2/authresp`;
}
