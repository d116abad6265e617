/**
 * Per-environment values in custom policies: substitution and detection of leftovers.
 *
 * Two kinds of placeholders are handled.
 *
 * 1. The starter pack's literal sample values: `yourtenant.onmicrosoft.com` (TenantId,
 *    BasePolicy/TenantId, PublicPolicyUri host), `yourtenant` as the first label of a b2clogin host
 *    (`yourtenant.b2clogin.com`, `.b2clogin.cn` in Azure China), and the IEF application ids
 *    written as the bare words `ProxyIdentityExperienceFrameworkAppId` and
 *    `IdentityExperienceFrameworkAppId` (SocialAndLocalAccounts' login-NonInteractive profile).
 *
 * 2. `{Settings:Name}` tokens of the Azure AD B2C VS Code extension's "B2C Policy Build" command
 *    (azure-ad-b2c/vscode-extension, README "Policy settings" and src/PolicyBuild.ts). Its
 *    appsettings.json has this shape:
 *
 *      {
 *        "Environments": [
 *          {
 *            "Name": "Development",            // environment (folder) name
 *            "Production": false,              // reserved by the extension, not used for substitution
 *            "Tenant": "contoso.onmicrosoft.com",
 *            "PolicySettings": {               // any key/value pairs
 *              "IdentityExperienceFrameworkAppId": "<guid>",
 *              "ProxyIdentityExperienceFrameworkAppId": "<guid>",
 *              "FacebookAppId": "0"
 *            }
 *          }
 *        ]
 *      }
 *
 *    `{Settings:Tenant}` is replaced by the environment's Tenant and `{Settings:<Key>}` by
 *    PolicySettings[<Key>] (keys are case-sensitive, as in the extension's regular expressions).
 *    Newer extension versions also document `{Settings:Environment}` (the environment name),
 *    `{Settings:Filename}` (policy file name without extension) and `{Settings:PolicyFilename}`
 *    (the same without a B2C_1A_ prefix); they are substituted when the environment name / file
 *    name are given. Unlike the extension, values are XML-escaped by default (a URL with `&` would
 *    otherwise break the policy); pass `escapeXml: false` to insert them verbatim.
 */

export interface PolicyEnvironment {
  Name: string;
  Production?: boolean;
  Tenant: string;
  PolicySettings: Record<string, string>;
}

export interface AppSettings {
  Environments: PolicyEnvironment[];
}

export interface PlaceholderValues {
  /** The stack's tenant: "contoso.onmicrosoft.com" (or just "contoso", which gets ".onmicrosoft.com"). */
  tenant: string;
  identityExperienceFrameworkAppId?: string;
  proxyIdentityExperienceFrameworkAppId?: string;
  /** Values for {Settings:<Key>} tokens. */
  settings?: Record<string, string>;
  /** For {Settings:Environment}. */
  environmentName?: string;
  /** Policy file name, for {Settings:Filename} and {Settings:PolicyFilename}. */
  fileName?: string;
  /** XML-escape substituted values (default true). */
  escapeXml?: boolean;
}

export interface LeftoverPlaceholder {
  line: number;
  /** The text found, e.g. "yourtenant", "{Settings:FacebookAppId}", "IdentityExperienceFrameworkAppId". */
  placeholder: string;
}

/** Parses and checks an appsettings.json (text or already-parsed object) in the VS Code extension's format. */
export function parseAppSettings(input: string | unknown): AppSettings {
  let data: unknown = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ""));
    } catch (error) {
      throw new Error(`appsettings.json is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isRecord(data) || !Array.isArray(data.Environments)) {
    throw new Error(`appsettings.json must be an object with an "Environments" array`);
  }
  const environments = data.Environments.map((entry: unknown, index: number): PolicyEnvironment => {
    const where = `appsettings.json Environments[${index}]`;
    if (!isRecord(entry)) throw new Error(`${where} must be an object`);
    if (typeof entry.Name !== "string" || !entry.Name) throw new Error(`${where} needs a "Name" string`);
    if (typeof entry.Tenant !== "string" || !entry.Tenant) throw new Error(`${where} ("${entry.Name}") needs a "Tenant" string`);
    if (entry.Production !== undefined && typeof entry.Production !== "boolean") {
      throw new Error(`${where} ("${entry.Name}"): "Production" must be true or false`);
    }
    // The extension refuses to build an environment without PolicySettings ("You may use old version of the appSettings.json file").
    if (!isRecord(entry.PolicySettings)) throw new Error(`${where} ("${entry.Name}") needs a "PolicySettings" object`);
    const settings: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry.PolicySettings)) {
      if (typeof value === "string") settings[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") settings[key] = String(value);
      else throw new Error(`${where} ("${entry.Name}"): PolicySettings.${key} must be a string, number or boolean`);
    }
    return { Name: entry.Name, Production: entry.Production as boolean | undefined, Tenant: entry.Tenant, PolicySettings: settings };
  });
  return { Environments: environments };
}

/** The environment with that Name (case-insensitive); throws listing the known names otherwise. */
export function selectEnvironment(appSettings: AppSettings, name: string): PolicyEnvironment {
  const found = appSettings.Environments.find((e) => e.Name.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw new Error(`environment "${name}" is not in appsettings.json (known: ${appSettings.Environments.map((e) => e.Name).join(", ")})`);
  }
  return found;
}

/** Placeholder values for one appsettings.json environment (IEF app ids taken from its PolicySettings). */
export function placeholderValuesFromEnvironment(environment: PolicyEnvironment, fileName?: string): PlaceholderValues {
  return {
    tenant: environment.Tenant,
    identityExperienceFrameworkAppId: environment.PolicySettings.IdentityExperienceFrameworkAppId,
    proxyIdentityExperienceFrameworkAppId: environment.PolicySettings.ProxyIdentityExperienceFrameworkAppId,
    settings: environment.PolicySettings,
    environmentName: environment.Name,
    fileName,
  };
}

/** "contoso" -> "contoso.onmicrosoft.com"; a full domain is kept as written. */
export function tenantDomainOf(tenant: string): string {
  const trimmed = tenant.trim();
  if (!trimmed) throw new Error("tenant is empty");
  return trimmed.includes(".") ? trimmed : `${trimmed}.onmicrosoft.com`;
}

/** First label of the tenant domain ("contoso" for contoso.onmicrosoft.com), used in b2clogin hosts. */
export function tenantNameOf(tenant: string): string {
  return tenantDomainOf(tenant).split(".")[0];
}

const SETTINGS_TOKEN = /\{Settings:([^{}\s]+)\}/g;
const SAMPLE_TENANT_DOMAIN = /\byourtenant\.onmicrosoft\.com\b/gi;
const SAMPLE_TENANT_B2CLOGIN = /\byourtenant(?=\.b2clogin\.(?:com|cn)\b)/gi;
// Bare IEF app id words; not when part of a longer identifier or of a {Settings:...} token.
const PROXY_IEF_APP_ID = /(?<![\w:{-])ProxyIdentityExperienceFrameworkAppId(?![\w}-])/g;
const IEF_APP_ID = /(?<![\w:{-])IdentityExperienceFrameworkAppId(?![\w}-])/g;

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Substitutes the placeholders described in the module comment. {Settings:...} tokens are resolved
 * first; tokens without a value are left in place (findLeftoverPlaceholders reports them).
 */
export function substitutePlaceholders(xml: string, values: PlaceholderValues): string {
  const escape = values.escapeXml === false ? (v: string) => v : xmlEscape;
  const tenantDomain = tenantDomainOf(values.tenant);
  const tenantName = tenantNameOf(values.tenant);
  const builtIn: Record<string, string | undefined> = {
    Tenant: tenantDomain,
    Environment: values.environmentName,
    Filename: values.fileName ? stripExtension(values.fileName) : undefined,
    PolicyFilename: values.fileName ? stripExtension(values.fileName).replace(/^B2C_1A_/i, "") : undefined,
  };
  const settings = values.settings ?? {};
  let out = xml.replace(SETTINGS_TOKEN, (token, key: string) => {
    // Tenant comes from the environment, like the extension does; custom keys may not override it.
    const value = key === "Tenant" ? builtIn.Tenant : Object.prototype.hasOwnProperty.call(settings, key) ? settings[key] : builtIn[key];
    return value === undefined ? token : escape(value);
  });
  out = out.replace(SAMPLE_TENANT_DOMAIN, escape(tenantDomain));
  out = out.replace(SAMPLE_TENANT_B2CLOGIN, escape(tenantName));
  if (values.proxyIdentityExperienceFrameworkAppId !== undefined) {
    out = out.replace(PROXY_IEF_APP_ID, escape(values.proxyIdentityExperienceFrameworkAppId));
  }
  if (values.identityExperienceFrameworkAppId !== undefined) {
    out = out.replace(IEF_APP_ID, escape(values.identityExperienceFrameworkAppId));
  }
  return out;
}

function stripExtension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.[^.]*$/, "");
}

/** Sample values that must never reach a tenant (starter pack and how-to placeholders). */
const LEFTOVER_PATTERNS: RegExp[] = [
  /\{Settings:[^{}\s]+\}/g,
  /\byour-?tenant(?:-name)?\b/gi,
  PROXY_IEF_APP_ID,
  IEF_APP_ID,
  /\bfacebook_clientid\b/g,
  /\bYour (?:WeChat|QQ|Facebook|Google\+?|Microsoft) application (?:ID|client id)\b/gi,
];

/**
 * Placeholders still present in a policy, with their lines, in document order. Comments are not
 * searched (the starter pack's comments mention sample names). Works on text, so it also works on
 * a document that is not well-formed.
 */
export function findLeftoverPlaceholders(xml: string): LeftoverPlaceholder[] {
  // Blank out comments but keep their line breaks so offsets still map to the right lines.
  const text = xml.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, " "));
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found: Array<LeftoverPlaceholder & { offset: number }> = [];
  const seen = new Set<string>();
  for (const pattern of LEFTOVER_PATTERNS) {
    const regex = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
    for (let match = regex.exec(text); match; match = regex.exec(text)) {
      const line = lineAt(match.index);
      const key = `${line}\u0000${match[0]}`;
      if (seen.has(key)) continue; // one report per placeholder per line
      seen.add(key);
      found.push({ line, placeholder: match[0], offset: match.index });
    }
  }
  return found.sort((a, b) => a.offset - b.offset).map(({ line, placeholder }) => ({ line, placeholder }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
