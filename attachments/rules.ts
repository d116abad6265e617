import { isBlank, InputProblem } from "../domain/problems";
import { pathSegmentProblem, USER_FLOW_NAME } from "../domain/ids";
import { ArgumentRules, checkArguments } from "../domain/argumentRules";

export interface AttachmentInput {
  userFlowId?: unknown;
  identityProviderId?: unknown;
}

/** One rule per argument of an attachment (UserFlowIdentityProvider, the provider's check): both ids are required. */
export const ATTACHMENT_RULES: ArgumentRules<AttachmentInput> = {
  userFlowId: (id) => (isBlank(id) || !USER_FLOW_NAME.test(String(id).trim()) ? [`must name a user flow (with or without B2C_1_), got '${String(id)}'`] : []),
  identityProviderId: (id) => {
    const segment = typeof id === "string" && !isBlank(id) ? pathSegmentProblem(id) : undefined;
    if (!isBlank(id) && !segment) return [];
    return [`must be an identity provider id such as 'WeChat-OAUTH' (its id output, e.g. wechat.identityProviderId)${segment ? `: ${JSON.stringify(id)} ${segment}` : `, got '${String(id)}'`}`];
  },
};

/** Checks an attachment's arguments (ATTACHMENT_RULES); a value not known yet (UNKNOWN) is skipped. */
export function validateAttachment(input: AttachmentInput, names: Readonly<Record<string, string>> = {}): InputProblem[] {
  return checkArguments(ATTACHMENT_RULES, input, names);
}
