import * as pulumi from "@pulumi/pulumi";
import type { B2CSocialSignInArgs } from "../components/B2CSocialSignIn";
import { resolveGraphSettings, GraphSettings } from "../graph/settings";
import { canonicalProviderType } from "../validation/identityProviders";
import { InputProblem, throwIfProblems } from "../validation/inputError";
import { validateSocialSignIn } from "../validation/socialSignIn";

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
}

/** Reads stack config (or any getter in tests) and returns the component args, or throws naming the key. */
export function readStackConfig(get: {
  object(key: string): unknown;
  secret(key: string): pulumi.Output<string> | undefined;
  raw(key: string): string | undefined;
}): { settings: GraphSettings; args: B2CSocialSignInArgs } {
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
  const identityProviders = (Array.isArray(raw!.identityProviders) ? raw!.identityProviders : []).map((p, i) => {
    const secretKey = `b2c:${p?.secretKey ?? defaultSecretKey(String(p?.type ?? ""))}`;
    const clientSecret = p?.type ? get.secret(secretKey) : undefined;
    if (p?.type && clientSecret === undefined) {
      problems.push({
        argument: secretKey,
        reason: `is not set: the ${p.type} APP KEY of ${SIGN_IN_KEY}.identityProviders[${i}]; set it with \`pulumi config set --secret ${secretKey} <APP KEY>\``,
      });
    } else if (p?.type && (get.raw(secretKey) ?? "x").trim() === "") {
      // The secret itself is an Output here; its plain text (config is decrypted) tells a blank one.
      problems.push({ argument: secretKey, reason: `is blank: it must be the ${p.type} APP KEY of ${SIGN_IN_KEY}.identityProviders[${i}]` });
    }
    return {
      type: p?.type as string,
      clientId: (p?.clientId ?? p?.appId) as string,
      clientSecret: clientSecret as pulumi.Output<string>,
      displayName: p?.displayName,
      adoptExisting: p?.adoptExisting,
      policyKey: p?.policyKey,
    };
  });
  const args: B2CSocialSignInArgs = {
    identityProviders,
    userFlows: raw!.userFlows,
    tokenKeys: raw!.tokenKeys,
    customDomain: raw!.customDomain,
  };
  // A provider given as `appId` (the how-tos' name) is reported as appId, not clientId.
  const usesAppId = (i: number) => Array.isArray(raw!.identityProviders) && raw!.identityProviders[i]?.clientId === undefined && raw!.identityProviders[i]?.appId !== undefined;
  problems.push(
    ...validateSocialSignIn(
      {
        identityProviders: Array.isArray(raw!.identityProviders) ? identityProviders.map((p) => ({ ...p, clientSecret: undefined })) : (raw!.identityProviders as any),
        userFlows: raw!.userFlows as any,
        tokenKeys: raw!.tokenKeys,
      },
      `${SIGN_IN_KEY}.`,
    ).map((p) => {
      const m = /^(.*\.identityProviders\[(\d+)\]\.)clientId$/.exec(p.argument);
      return m && usesAppId(Number(m[2])) ? { ...p, argument: `${m[1]}appId` } : p;
    }),
  );
  throwIfProblems("the stack configuration", problems);
  return { settings, args };
}

/** The getter over Pulumi's own stack config, for index.ts. */
export function pulumiConfigReader() {
  return {
    object: (key: string) => {
      const [ns, name] = key.split(":");
      return new pulumi.Config(ns).getObject(name);
    },
    secret: (key: string) => {
      const [ns, name] = key.split(":");
      return new pulumi.Config(ns).getSecret(name);
    },
    raw: (key: string) => pulumi.runtime.getConfig(key),
  };
}
