import * as pulumi from "@pulumi/pulumi";
import { UserFlowIdentityProviderResource } from "./provider";
import { throwIfProblems } from "../kernel/errors";
import { normalizeUserFlowId } from "../domain/ids";
import { ATTACHMENT_RULES, validateAttachment } from "./rules";
import { declaredInput } from "../kernel/declarations";
import { callerOf, checkedByCaller, declareOnce, namesFor, tenantInput, TenantArgs, withUnknowns } from "../kernel/inputs";

export interface UserFlowIdentityProviderArgs extends TenantArgs {
  /**
   * The user flow, with or without the `B2C_1_` prefix (e.g. a B2CUserFlow's `userFlowId`). Changing it re-attaches.
   * A plain string names a flow that exists already: preview checks that it does (one GET).
   */
  userFlowId: pulumi.Input<string>;
  /** The identity provider's Graph id (e.g. a WeChatIdentityProvider's `identityProviderId`). Changing it re-attaches. https://learn.microsoft.com/graph/api/b2cidentityuserflow-post-userflowidentityproviders */
  identityProviderId: pulumi.Input<string>;
  /** true: an attachment that exists already (made in the portal) is taken over, and left in place on destroy. Default false: attaching what is attached already fails, naming both. */
  adoptExisting?: boolean;
  /**
   * The flow's `creationId` when it is a B2CUserFlow of this program. A flow replaced (type or version
   * change) comes back without identity providers; with this the attachment is made again in the same `up`.
   * Taken from the flow by itself when `userFlowId` is a B2CUserFlow's `userFlowId` as it is; needed
   * only when the id reaches here through an `apply` (a warning says so).
   */
  userFlowCreationId?: pulumi.Input<string>;
}

/**
 * Shows an identity provider's button in a user flow: attaches it with
 * `POST /identity/b2cUserFlows/{id}/userFlowIdentityProviders/$ref` and detaches on delete.
 * Attaching what is attached already fails unless `adoptExisting`; detaching what is gone is not an error.
 */
export class UserFlowIdentityProvider extends pulumi.ComponentResource {
  readonly userFlowId: pulumi.Output<string>;
  readonly identityProviderId: pulumi.Output<string>;

  constructor(name: string, args: UserFlowIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:UserFlowIdentityProvider", name, {}, opts);
    // Built by B2CSocialSignIn: named as it wrote them; its `tenant` it has checked once for all.
    const caller = callerOf(args);
    const label = caller?.label ?? `UserFlowIdentityProvider "${name}"`;
    const named = namesFor(caller, {}, [...Object.keys(ATTACHMENT_RULES), "tenant"]);
    throwIfProblems(label, validateAttachment(withUnknowns(args), named));
    const tenant = tenantInput(label, args.tenant, named.tenant ?? "tenant", checkedByCaller(caller, "tenant"));
    const flow = declaredInput(args.userFlowId, (id) => `user flow ${normalizeUserFlowId(id)}`);
    const idp = declaredInput(args.identityProviderId, (id) => `identity provider ${id}`);
    if (flow && idp) declareOnce("attachment", `${flow.key} + ${idp.key}`, "userFlowId|identityProviderId", label, args.tenant);
    // A flow of this program replaced (type or version) comes back without identity providers: its
    // creationId, taken from the flow itself, makes the attachment follow in the same `up`.
    const userFlowCreationId = args.userFlowCreationId ?? flow?.creationId;
    if (userFlowCreationId === undefined && typeof args.userFlowId !== "string") {
      pulumi.log.warn(
        `${label}: userFlowId is an Output this component can't trace to a B2CUserFlow, so if that flow is replaced the attachment ` +
          `is not made again until a refresh notices. Pass the flow's userFlowId itself, or its creationId as userFlowCreationId.`,
        this,
      );
    }
    const attachment = new UserFlowIdentityProviderResource(
      name,
      {
        userFlowId: args.userFlowId,
        identityProviderId: args.identityProviderId,
        ...(userFlowCreationId !== undefined ? { userFlowCreationId } : {}),
        // Named by hand, not an Output of a flow created in this program: it must exist already.
        ...(typeof args.userFlowId === "string" ? { userFlowMustExist: true } : {}),
        ...(typeof args.identityProviderId === "string" ? { identityProviderMustExist: true } : {}),
        ...(args.adoptExisting ? { adoptExisting: true } : {}),
        ...tenant,
      },
      { parent: this },
    );
    this.userFlowId = attachment.userFlowId;
    this.identityProviderId = attachment.identityProviderId;
    this.registerOutputs({ userFlowId: this.userFlowId, identityProviderId: this.identityProviderId });
  }
}
