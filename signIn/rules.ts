import { InputProblem, isBlank } from "../domain/problems";
import { canonicalProviderType, IDENTITY_PROVIDER_RULES, validateSocialIdentityProvider } from "../identityProviders/rules";
import { KEY_EXPIRY_RULES } from "../domain/keyExpiry";
import { checkArgument } from "../domain/argumentRules";
import { B2CUserFlowInput, normalizeUserFlowId, validateUserFlow } from "../userFlows/rules";

/** The shape B2CSocialSignIn validates (a value not known yet is UNKNOWN, domain/notKnownYet.ts). */
export interface SocialSignInInput {
  identityProviders?: { type?: unknown; clientId?: unknown; clientSecret?: unknown; displayName?: unknown; adoptExisting?: unknown; policyKey?: unknown }[];
  userFlows?: (B2CUserFlowInput & { create?: unknown; identityProviders?: unknown })[];
  tokenKeys?: unknown;
  customDomain?: unknown;
  expiryWarningDays?: unknown;
  tokenKeysRotateBeforeExpiryDays?: unknown;
}

/**
 * Checks a whole tenant description, each argument once: the per-argument rules are the objects'
 * own (identityProviders/rules.ts, userFlows/rules.ts, policyKeys/rules.ts),
 * named by their path here; what this adds is only what combines them (each type once, each flow
 * once, a flow's buttons among the declared providers, token key roll-over only with tokenKeys).
 * The components it builds are told so (kernel/inputs.ts writtenBy) and do not check them again. Problems name the argument path, e.g.
 * `identityProviders[1].type` or `userFlows[0].identityProviders[1]`; `prefix` puts a config key in
 * front (`b2c:socialSignIn.`).
 */
export function validateSocialSignIn(input: SocialSignInInput, prefix = ""): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (path: string, reason: string) => problems.push({ argument: `${prefix}${path}`, reason });
  if (!Array.isArray(input.identityProviders) || input.identityProviders.length === 0) {
    at("identityProviders", "must list at least one identity provider (e.g. { type: WeChat, clientId: <APP ID>, ... })");
    return problems;
  }
  const types: string[] = [];
  input.identityProviders.forEach((p, i) => {
    if (!p || typeof p !== "object") {
      at(`identityProviders[${i}]`, "must be an object with type, clientId and clientSecret");
      return;
    }
    for (const problem of validateSocialIdentityProvider(
      { type: p.type, clientId: p.clientId, clientSecret: p.clientSecret, displayName: p.displayName, adoptExisting: p.adoptExisting },
    )) {
      at(`identityProviders[${i}].${problem.argument}`, problem.reason);
    }
    if (p.policyKey !== undefined && typeof p.policyKey !== "boolean") at(`identityProviders[${i}].policyKey`, "must be true or false");
    const type = canonicalProviderType(p.type);
    if (type) {
      if (types.includes(type)) at(`identityProviders[${i}].type`, `${type} is listed twice; a tenant has one provider per type`);
      types.push(type);
    }
  });
  const flowIds: string[] = [];
  (Array.isArray(input.userFlows) ? input.userFlows : []).forEach((f, i) => {
    if (!f || typeof f !== "object") {
      at(`userFlows[${i}]`, "must be an object with name and identityProviders");
      return;
    }
    const create = f.create ?? true;
    if (typeof create !== "boolean") at(`userFlows[${i}].create`, "must be true or false");
    const flowProblems = validateUserFlow(
      {
        name: f.name,
        userFlowType: f.userFlowType ?? "signUpOrSignIn",
        userFlowTypeVersion: f.userFlowTypeVersion,
        isLanguageCustomizationEnabled: f.isLanguageCustomizationEnabled,
        defaultLanguageTag: f.defaultLanguageTag,
        testApplicationId: f.testApplicationId,
        adoptExisting: f.adoptExisting,
      },
    );
    for (const problem of flowProblems) at(`userFlows[${i}].${problem.argument}`, problem.reason);
    if (!isBlank(f.name)) {
      const id = normalizeUserFlowId(String(f.name)).toLowerCase();
      if (flowIds.includes(id)) at(`userFlows[${i}].name`, `user flow ${String(f.name)} is listed twice`);
      flowIds.push(id);
    }
    if (!Array.isArray(f.identityProviders) || f.identityProviders.length === 0) {
      at(`userFlows[${i}].identityProviders`, `must list the identity provider types to show in the flow (declared: ${types.join(", ") || "none"})`);
      return;
    }
    f.identityProviders.forEach((t: unknown, j: number) => {
      const type = canonicalProviderType(t);
      if (!type || !types.includes(type)) {
        at(`userFlows[${i}].identityProviders[${j}]`, `'${String(t)}' is not one of the declared identity providers (${types.join(", ")})`);
      }
    });
  });
  if (input.userFlows !== undefined && !Array.isArray(input.userFlows)) at("userFlows", "must be a list");
  if (input.tokenKeys !== undefined && typeof input.tokenKeys !== "boolean") at("tokenKeys", "must be true or false");
  for (const p of checkArgument(IDENTITY_PROVIDER_RULES, "customDomain", input.customDomain)) at(p.argument, p.reason);
  for (const p of checkArgument(KEY_EXPIRY_RULES, "expiryWarningDays", input.expiryWarningDays)) at(p.argument, p.reason);
  for (const p of checkArgument(KEY_EXPIRY_RULES, "rotateBeforeExpiryDays", input.tokenKeysRotateBeforeExpiryDays, {}, "tokenKeysRotateBeforeExpiryDays")) at(p.argument, p.reason);
  if (input.tokenKeysRotateBeforeExpiryDays !== undefined && input.tokenKeys !== true) {
    at("tokenKeysRotateBeforeExpiryDays", "rolls over the token keys, so it needs tokenKeys: true (without it no token key is made)");
  }
  return problems;
}
