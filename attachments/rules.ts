import { InputProblem, isBlank } from "../domain/problems";
import { pathSegmentProblem, USER_FLOW_NAME } from "../domain/ids";
import { isUnknown } from "../domain/notKnownYet";

/** Checks an attachment's arguments: both ids are required; a value not known yet (UNKNOWN) is skipped. */
export function validateAttachment(input: { userFlowId?: unknown; identityProviderId?: unknown }): InputProblem[] {
  const problems: InputProblem[] = [];
  if (!isUnknown(input.userFlowId) && (isBlank(input.userFlowId) || !USER_FLOW_NAME.test(String(input.userFlowId).trim()))) {
    problems.push({ argument: "userFlowId", reason: `must name a user flow (with or without B2C_1_), got '${String(input.userFlowId)}'` });
  }
  if (!isUnknown(input.identityProviderId)) {
    const id = input.identityProviderId;
    const segment = typeof id === "string" && !isBlank(id) ? pathSegmentProblem(id) : undefined;
    if (isBlank(id) || segment) {
      problems.push({
        argument: "identityProviderId",
        reason: `must be an identity provider id such as 'WeChat-OAUTH' (its id output, e.g. wechat.identityProviderId)${segment ? `: ${JSON.stringify(id)} ${segment}` : `, got '${String(id)}'`}`,
      });
    }
  }
  return problems;
}
