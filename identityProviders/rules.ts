import { controlCharacterIn, describeSecret, describeValueShape, InputProblem, isBlank, secretWhitespaceProblem } from "../domain/problems";
import { ArgumentRules, checkArguments, reasons } from "../domain/argumentRules";
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
  [argument: string]: string;
}

export const SOCIAL_ARGUMENT_NAMES: ArgumentNames = { type: "type", clientId: "clientId", clientSecret: "clientSecret" };
export const APP_ARGUMENT_NAMES: ArgumentNames = { type: "type", clientId: "appId", clientSecret: "appKey" };

/** The known text of a value, or undefined (not a string, or not known yet). */
function knownText(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/**
 * One rule per argument of a social identity provider (SocialIdentityProvider, the WeChat/QQ
 * presets, B2CSocialSignIn's identityProviders[i], the stack program's APP KEYs, the provider's
 * check): the only place these arguments are judged. A missing required one (type, clientId,
 * clientSecret) is a problem; the APP ID and APP KEY shapes depend on the type.
 */
export const IDENTITY_PROVIDER_RULES: ArgumentRules<SocialIdentityProviderInput> = {
  type: (type) => {
    if (type === undefined) return [`is required: one of ${SOCIAL_PROVIDER_TYPES.join(", ")}`];
    return canonicalProviderType(type) ? [] : [`unknown identity provider type '${String(type)}'; valid types: ${SOCIAL_PROVIDER_TYPES.join(", ")}`];
  },
  clientId: (clientId, args) => {
    if (clientId === undefined) return ["is required (the provider's app/client id)"];
    if (isBlank(clientId)) return ["must be a non-empty string (the provider's app/client id)"];
    const text = (clientId as string).trim();
    return reasons(/\s/.test(text) ? "must not contain whitespace" : undefined, appIdShapeProblem(canonicalProviderType(args.type), text));
  },
  clientSecret: (clientSecret, args) => {
    if (clientSecret === undefined) return ["is required (the provider's app key/client secret)"];
    if (isBlank(clientSecret)) return ["is blank: it must be the provider's app key/client secret (a non-empty string)"];
    return reasons(secretWhitespaceProblem(clientSecret as string) ?? appKeyShapeProblem(canonicalProviderType(args.type), clientSecret as string));
  },
  displayName: (displayName) => {
    if (displayName === undefined) return [];
    const text = knownText(displayName);
    if (text === undefined || text.trim() === "") return ["must be a non-empty string when given"];
    if (text.length > 256) return ["must be at most 256 characters"];
    return reasons(displayNameProblem(text));
  },
  customDomain: (customDomain) =>
    customDomain === undefined || (typeof customDomain === "string" && HOSTNAME.test(customDomain))
      ? []
      : [`must be a host name such as 'login.contoso.com' (no scheme, path or port), got '${String(customDomain)}'`],
  adoptExisting: (adoptExisting) => (adoptExisting === undefined || typeof adoptExisting === "boolean" ? [] : ["must be true or false"]),
};

/**
 * Checks a social identity provider's arguments, each with its rule (IDENTITY_PROVIDER_RULES). A
 * value not known yet (UNKNOWN, domain/notKnownYet.ts) is skipped; a missing required one is a problem.
 */
export function validateSocialIdentityProvider(input: SocialIdentityProviderInput, names: Readonly<Record<string, string>> = SOCIAL_ARGUMENT_NAMES): InputProblem[] {
  return checkArguments(IDENTITY_PROVIDER_RULES, input, { ...names });
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
