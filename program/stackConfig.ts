import * as pulumi from "@pulumi/pulumi";
import type { B2CSocialSignInArgs } from "../signIn/component";
import { resolveGraphSettings, GraphSettings } from "../graph/settings";
import { canonicalProviderType, IDENTITY_PROVIDER_RULES } from "../identityProviders/rules";
import { checkArgument } from "../domain/argumentRules";
import { ArgumentCaller, checkedAlready } from "../kernel/inputs";
import { InputProblem, renameProblems } from "../domain/problems";
import { inputError, throwIfProblems } from "../kernel/errors";
import { UNKNOWN } from "../domain/notKnownYet";
import { validateSocialSignIn } from "../signIn/rules";

/** The structured stack config key describing the tenant's social sign-in. */
export const SIGN_IN_KEY = "b2c:socialSignIn";

/** Default name of the secret config key holding a provider's APP KEY: `b2c:wechatAppKey`, `b2c:qqAppKey`, ... */
export function defaultSecretKey(type: string): string {
  return `${(canonicalProviderType(type) ?? type).toLowerCase()}AppKey`;
}

/** Raw config as read from the stack (`pulumi config set --path`). Secrets live in their own keys. */
export interface SocialSignInConfig {
  identityProviders?: {
    type?: string;
    clientId?: string;
    /** Alias of clientId, as the WeChat/QQ how-tos name it. */
    appId?: string;
    /** Name (in the b2c namespace) of the secret config key holding the APP KEY. Default `<type>AppKey`. */
    secretKey?: string;
    displayName?: string;
    adoptExisting?: boolean;
    policyKey?: boolean;
  }[];
  userFlows?: B2CSocialSignInArgs["userFlows"];
  tokenKeys?: boolean;
  customDomain?: string;
  /** Keysets, as `b2c-identity import` writes them (read by readTenantExtras, program/tenantConfig.ts). */
  keySets?: import("./tenantConfig").KeySetConfig[];
  /** Custom policy files to upload: `{ folder, adoptExisting }` (program/tenantConfig.ts). */
  customPolicies?: import("./tenantConfig").CustomPoliciesConfig;
  /** Days before a key's expiry from which preview and up warn. Default 30. */
  expiryWarningDays?: number;
  /** With tokenKeys: days before a token key's expiry at which an `up` has B2C generate the next key (B2CSocialSignIn's tokenKeysRotateBeforeExpiryDays). */
  tokenKeysRotateBeforeExpiryDays?: number;
}

/** Where the stack program reads its config: Pulumi's own (pulumiConfigReader) or a test's. */
export interface StackConfigReader {
  object(key: string): unknown;
  secret(key: string): pulumi.Output<string> | undefined;
  raw(key: string): string | undefined;
  /** Whether the stack stores the key as a secret; undefined when the engine does not say. */
  isSecret?(key: string): boolean | undefined;
  /** Shows a warning in preview and up. */
  warn?(message: string): void;
}

/**
 * A value YAML may have typed as a number where a string is meant (an unquoted QQ APP ID such as
 * `appId: 101000001`): a whole number is taken as its digits; any other number cannot be trusted
 * (a fraction, or digits lost beyond 2^53) and is refused with "quote it". Other values pass as they are.
 */
export function stringFromYaml(value: unknown, argument: string, problems: InputProblem[]): unknown {
  if (typeof value !== "number") return value;
  if (Number.isSafeInteger(value) && value >= 0) return String(value);
  problems.push({ argument, reason: `is the YAML number ${value}, not text: quote it in the stack file (e.g. ${argument.split(".").pop()}: "…")` });
  return undefined;
}

/**
 * A secret (APP KEY, client secret) kept as plain text in the stack's config: an error naming the
 * `pulumi config set --secret` command, or a warning when the stack targets custom endpoints (the
 * local emulator, whose credentials are well-known development values).
 */
function checkStoredAsSecret(get: StackConfigReader, settings: GraphSettings, key: string, what: string, problems: InputProblem[]): void {
  if (get.raw(key) === undefined || get.isSecret?.(key) !== false) return;
  const fix = `pulumi config set --secret ${key} <${what}>`;
  if (settings.customEndpoints) {
    get.warn?.(`${key} is stored as plain text in the stack config; fine for the local emulator's development values, but for a real tenant store the ${what} with \`${fix}\``);
    return;
  }
  problems.push({
    argument: key,
    reason: `is stored as plain text in the stack config: store the ${what} as a secret with \`${fix}\` (if the plain value was ever committed, rotate it)`,
  });
}

/** Reads stack config (or any getter in tests) and returns the component args, or throws naming the key. */
export function readStackConfig(get: StackConfigReader): { settings: GraphSettings; args: B2CSocialSignInArgs; caller: ArgumentCaller } {
  // Tenant and credentials: the same resolution the providers use, so preview fails on the same key.
  const settings = resolveGraphSettings({ get: (key) => get.raw(key) });
  const raw = get.object(SIGN_IN_KEY) as SocialSignInConfig | undefined;
  if (!raw || typeof raw !== "object") {
    throwIfProblems("the stack configuration", [
      {
        argument: SIGN_IN_KEY,
        reason:
          "is not set: describe the sign-in, e.g. `pulumi config set --path 'b2c:socialSignIn.identityProviders[0].type' WeChat` " +
          "and `...identityProviders[0].clientId <APP ID>`, then `pulumi config set --secret b2c:wechatAppKey <APP KEY>`",
      },
    ]);
  }
  const problems: InputProblem[] = [];
  checkStoredAsSecret(get, settings, "b2c:clientSecret", "client secret", problems);
  const identityProviders = (Array.isArray(raw!.identityProviders) ? raw!.identityProviders : []).map((p, i) => {
    const secretKey = `b2c:${p?.secretKey ?? defaultSecretKey(String(p?.type ?? ""))}`;
    const clientSecret = p?.type ? get.secret(secretKey) : undefined;
    if (p?.type && clientSecret === undefined) {
      problems.push({
        argument: secretKey,
        reason: `is not set: the ${p.type} APP KEY of ${SIGN_IN_KEY}.identityProviders[${i}]; set it with \`pulumi config set --secret ${secretKey} <APP KEY>\``,
      });
    } else if (p?.type) {
      // The plain text (config is decrypted): the identity provider's own clientSecret rule, run
      // once here and named by its config key; the secret Output carries that it was checked.
      for (const problem of checkArgument(IDENTITY_PROVIDER_RULES, "clientSecret", get.raw(secretKey), { type: p.type }, secretKey)) {
        problems.push({ ...problem, reason: `${problem.reason} (the ${p.type} APP KEY of ${SIGN_IN_KEY}.identityProviders[${i}])` });
      }
      checkedAlready(clientSecret, IDENTITY_PROVIDER_RULES.clientSecret);
      checkStoredAsSecret(get, settings, secretKey, `${p.type} APP KEY`, problems);
    }
    const at = `${SIGN_IN_KEY}.identityProviders[${i}].`;
    return {
      type: p?.type as string,
      clientId: (p?.clientId !== undefined ? stringFromYaml(p.clientId, `${at}clientId`, problems) : stringFromYaml(p?.appId, `${at}appId`, problems)) as string,
      clientSecret: clientSecret as pulumi.Output<string>,
      displayName: stringFromYaml(p?.displayName, `${at}displayName`, problems) as string | undefined,
      adoptExisting: p?.adoptExisting,
      policyKey: p?.policyKey,
    };
  });
  const args: B2CSocialSignInArgs = {
    identityProviders,
    userFlows: raw!.userFlows,
    tokenKeys: raw!.tokenKeys,
    customDomain: raw!.customDomain,
    ...(raw!.tokenKeysRotateBeforeExpiryDays !== undefined ? { tokenKeysRotateBeforeExpiryDays: raw!.tokenKeysRotateBeforeExpiryDays } : {}),
  };
  // A provider given as `appId` (the how-tos' name) is reported as appId, not clientId.
  const appIdNames: Record<string, string> = {};
  (Array.isArray(raw!.identityProviders) ? raw!.identityProviders : []).forEach((p, i) => {
    if (p?.clientId === undefined && p?.appId !== undefined) appIdNames[`${SIGN_IN_KEY}.identityProviders[${i}].clientId`] = `${SIGN_IN_KEY}.identityProviders[${i}].appId`;
  });
  // Each APP KEY is a secret Output, checked above under its own key: not known to this check.
  problems.push(
    ...renameProblems(
      validateSocialSignIn(
        {
          identityProviders: Array.isArray(raw!.identityProviders) ? identityProviders.map((p) => ({ ...p, clientSecret: UNKNOWN })) : (raw!.identityProviders as any),
          userFlows: raw!.userFlows as any,
          tokenKeys: raw!.tokenKeys,
          customDomain: raw!.customDomain,
          tokenKeysRotateBeforeExpiryDays: raw!.tokenKeysRotateBeforeExpiryDays,
        },
        `${SIGN_IN_KEY}.`,
      ),
      appIdNames,
    ),
  );
  throwIfProblems("the stack configuration", problems);
  // Every argument is checked now (expiryWarningDays by readTenantExtras): B2CSocialSignIn and the
  // components it builds check none again, and name a late problem (an APP KEY as a PolicyKey) by its key.
  const caller: ArgumentCaller = {
    label: "the stack configuration",
    name: (argument) => {
      const provider = /^identityProviders\[(\d+)\]\.clientSecret$/.exec(argument);
      if (provider) return `b2c:${raw!.identityProviders![Number(provider[1])]?.secretKey ?? defaultSecretKey(String(raw!.identityProviders![Number(provider[1])]?.type ?? ""))}`;
      const key = `${SIGN_IN_KEY}.${argument}`;
      return appIdNames[key] ?? key;
    },
    checked: "all",
  };
  return { settings, args, caller };
}

/**
 * Whether the engine stored `key` as a secret. The engine lists the secret keys for the program
 * (PULUMI_CONFIG_SECRET_KEYS, which @pulumi/pulumi keeps in its runtime store and answers through
 * `runtime.isConfigSecret`; `pulumi.Config.getSecret` marks the Output secret whatever the file
 * holds). Undefined when that list is not available (an older engine).
 */
function configKeyIsSecret(key: string): boolean | undefined {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean; configSecretKeysEnvKey?: string };
  if (typeof runtime.isConfigSecret !== "function" || !runtime.configSecretKeysEnvKey) return undefined;
  try {
    // An internal module of @pulumi/pulumi (no public getter): required here, inside the try, so a
    // version without it means "not available" instead of a program that fails to load.
    const listed = require("@pulumi/pulumi/runtime/state").getStore().config[runtime.configSecretKeysEnvKey];
    if (typeof listed !== "string" || listed === "") return undefined;
  } catch {
    return undefined;
  }
  return runtime.isConfigSecret(key);
}

/** The getter over Pulumi's own stack config, for index.ts. */
export function pulumiConfigReader(): StackConfigReader {
  return {
    isSecret: configKeyIsSecret,
    warn: (message: string) => void pulumi.log.warn(message),
    object: (key: string) => {
      const [ns, name] = key.split(":");
      try {
        return new pulumi.Config(ns).getObject(name);
      } catch (error) {
        // Pulumi's own text says what is wrong, not how to write it.
        throw inputError("the stack configuration", [
          {
            argument: key,
            reason:
              `is not a JSON object (${error instanceof Error ? error.message : String(error)}): set its parts with ` +
              `\`pulumi config set --path '${key}.identityProviders[0].type' WeChat\`, or give the whole object as JSON`,
          },
        ]);
      }
    },
    secret: (key: string) => {
      const [ns, name] = key.split(":");
      return new pulumi.Config(ns).getSecret(name);
    },
    raw: (key: string) => pulumi.runtime.getConfig(key),
  };
}
