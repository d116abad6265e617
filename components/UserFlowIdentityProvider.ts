import * as pulumi from "@pulumi/pulumi";
import { UserFlowIdentityProviderResource } from "../providers/userFlowIdentityProvider";
import { throwIfProblems } from "../validation/inputError";
import { validateAttachment } from "../validation/userFlows";
import { tenantInput, TenantArgs, withUnknowns } from "./inputChecks";

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
    throwIfProblems(`UserFlowIdentityProvider "${name}"`, validateAttachment(withUnknowns(args)));
    const tenant = tenantInput(`UserFlowIdentityProvider "${name}"`, args.tenant);
    const attachment = new UserFlowIdentityProviderResource(
      name,
      {
        userFlowId: args.userFlowId,
        identityProviderId: args.identityProviderId,
        ...(args.userFlowCreationId !== undefined ? { userFlowCreationId: args.userFlowCreationId } : {}),
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
