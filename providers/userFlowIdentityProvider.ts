import { thinProvider } from "./thinProvider";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { normalizeUserFlowId } from "../validation/userFlows";
import { changedKeys, ConfiguredProvider, graphOf, isUnknown, rememberConfig } from "./providerContext";

export interface AttachmentInputs {
  userFlowId: string;
  identityProviderId: string;
  /** The flow was named by hand (not created by this program): check (one GET) that it exists before anything is written. */
  userFlowMustExist?: boolean;
  /** The flow's creationId (B2CUserFlow): a new one means the flow was created again, without its identity providers. */
  userFlowCreationId?: string;
}

const FLOWS = "/identity/b2cUserFlows";

function refsPath(flowId: string): string {
  return `${FLOWS}/${encodeURIComponent(flowId)}/userFlowIdentityProviders`;
}

/** The flow's identity provider ids, or undefined when the flow itself is gone. */
async function attachedIds(graph: GraphApi, flowId: string): Promise<string[] | undefined> {
  try {
    const idps = await graph.list<{ id: string }>("beta", refsPath(flowId), `list identity providers of user flow ${flowId}`);
    return idps.map((p) => p.id);
  } catch (error) {
    if (isGraphRequestError(error) && error.isNotFound) return undefined;
    throw error;
  }
}

function isAlreadyAttached(error: unknown): boolean {
  return isGraphRequestError(error) && (error.status === 400 || error.status === 409) && /already exist/i.test(error.graphMessage);
}

function outputsOf(inputs: AttachmentInputs, flowId: string): AttachmentInputs {
  return {
    userFlowId: flowId,
    identityProviderId: inputs.identityProviderId,
    ...(inputs.userFlowCreationId !== undefined ? { userFlowCreationId: inputs.userFlowCreationId } : {}),
  };
}

export interface UserFlowIdentityProviderProvider extends pulumi.dynamic.ResourceProvider, ConfiguredProvider {}

/**
 * Dynamic provider for one identity provider attached to one user flow (beta
 * `userFlowIdentityProviders/$ref`; never the deprecated identityProviders navigation).
 */
export const userFlowIdentityProviderProvider: UserFlowIdentityProviderProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    const inputs = { ...news, userFlowId: typeof news.userFlowId === "string" ? normalizeUserFlowId(news.userFlowId) : news.userFlowId };
    // A flow that must exist already (named by hand, e.g. `create: false`) is looked up in preview,
    // when it is new to this attachment: a missing one would otherwise fail only at the attach, after
    // the identity provider had been created.
    const flowId = inputs.userFlowId;
    const isNewFlow = typeof olds?.userFlowId !== "string" || normalizeUserFlowId(olds.userFlowId).toLowerCase() !== String(flowId).toLowerCase();
    if (news.userFlowMustExist === true && typeof flowId === "string" && !isUnknown(flowId) && isNewFlow) {
      const graph = graphOf(this);
      const flow = await graph.requestOrUndefined({
        method: "GET",
        version: "beta",
        path: `${FLOWS}/${encodeURIComponent(flowId)}`,
        description: `read user flow ${flowId}`,
      });
      if (!flow) {
        return {
          inputs,
          failures: [
            {
              property: "userFlowId",
              reason:
                `user flow ${flowId} does not exist in tenant ${graph.settings.tenantId}; it is named here to attach to, not ` +
                `created: create it first (or let the stack create it), or correct the name`,
            },
          ],
        };
      }
    }
    return { inputs };
  },

  async diff(_id, olds: AttachmentInputs, news: AttachmentInputs) {
    const replaces = changedKeys(
      { userFlowId: olds.userFlowId?.toLowerCase(), identityProviderId: olds.identityProviderId?.toLowerCase() },
      { userFlowId: news.userFlowId?.toLowerCase(), identityProviderId: news.identityProviderId?.toLowerCase() },
      ["userFlowId", "identityProviderId"],
    );
    // A flow created again (replaced: type or version change) has lost its attachments: attach again.
    // Compared only once state has one, so state written before this input existed does not re-attach.
    // An unknown one (preview) decides nothing by itself: the flow's id is then unknown too.
    const recreated =
      olds.userFlowCreationId !== undefined &&
      news.userFlowCreationId !== undefined &&
      !isUnknown(news.userFlowCreationId) &&
      olds.userFlowCreationId !== news.userFlowCreationId;
    // Same flow and provider: the old attachment is the new one's address, so it goes first (a
    // detach after the new attach would undo it; the flow is new, so that detach finds nothing).
    const samePair = replaces.length === 0;
    if (recreated) replaces.push("userFlowCreationId");
    const recorded = olds.userFlowCreationId === undefined && news.userFlowCreationId !== undefined;
    return { changes: replaces.length > 0 || recorded, replaces, ...(recreated && samePair ? { deleteBeforeReplace: true } : {}) };
  },

  async update(_id, _olds: AttachmentInputs, news: AttachmentInputs) {
    // Only the flow's creationId is recorded (state from before it existed): nothing to send.
    return { outs: outputsOf(news, normalizeUserFlowId(news.userFlowId)) };
  },

  async create(inputs: AttachmentInputs) {
    const graph = graphOf(this);
    const flowId = normalizeUserFlowId(inputs.userFlowId);
    const body = { "@odata.id": `${graph.settings.graphEndpoint}/beta/identity/identityProviders/${inputs.identityProviderId}` };
    const description = `attach identity provider ${inputs.identityProviderId} to user flow ${flowId}`;
    try {
      await graph.request({ method: "POST", version: "beta", path: `${refsPath(flowId)}/$ref`, body, description, retryNotFoundForMs: 30_000 });
    } catch (error) {
      if (isGraphRequestError(error) && error.status === 405) {
        // Older documentation used PATCH on the same URL (graph-b2c-api.md §3.2).
        await graph.request({ method: "PATCH", version: "beta", path: `${refsPath(flowId)}/$ref`, body, description });
      } else if (!isAlreadyAttached(error)) {
        throw error;
      }
    }
    return { id: `${flowId}/${inputs.identityProviderId}`, outs: outputsOf(inputs, flowId) };
  },

  async read(id, props: AttachmentInputs) {
    const ids = await attachedIds(graphOf(this), props.userFlowId);
    const attached = ids?.some((x) => x.toLowerCase() === props.identityProviderId.toLowerCase());
    return attached ? { id, props } : { id: "", props: {} };
  },

  async delete(_id, props: AttachmentInputs) {
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: `${refsPath(props.userFlowId)}/${encodeURIComponent(props.identityProviderId)}/$ref`,
      description: `detach identity provider ${props.identityProviderId} from user flow ${props.userFlowId}`,
    });
  },
};

/** The dynamic resource behind UserFlowIdentityProvider (`pulumi-nodejs:dynamic/b2c-identity:UserFlowIdentityProvider`). */
export class UserFlowIdentityProviderResource extends pulumi.dynamic.Resource {
  declare readonly userFlowId: pulumi.Output<string>;
  declare readonly identityProviderId: pulumi.Output<string>;

  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(thinProvider("userFlowIdentityProvider"), name, args, opts, "b2c-identity", "UserFlowIdentityProvider");
  }
}
