import { defineResource } from "../kernel/resource";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { identityProviderApiVersion } from "../graph/clouds";
import { isGraphRequestError } from "../graph/errors";
import { retryWhile } from "../graph/patience";
import { normalizeUserFlowId } from "../domain/ids";
import { validateAttachment } from "./rules";
import { changedKeys, checkFailures, ConfigNamespaceArgs, CONSISTENCY_WINDOWS_MS, graphOf, isUnknown, readGraceMs, rememberConfig, TypedProvider } from "../kernel/providerContext";
import { adoptedReplacement, retainedOnDelete } from "../kernel/ownership/rule";
import { isBeingReplaced, OwnershipGate, ownerIn, planReplacement, previewLook } from "../kernel/ownership/gate";
import { graphUrl, pathSegment } from "../graph/paths";
import { ExistsError, NotOursError } from "../kernel/errors";
import { notInTenant } from "../kernel/importing";

export interface AttachmentInputs {
  userFlowId: string;
  identityProviderId: string;
  /** The flow was named by hand (not created by this program): check (one GET) that it exists before anything is written. */
  userFlowMustExist?: boolean;
  /** The flow's creationId (B2CUserFlow): a new one means the flow was created again, without its identity providers. */
  userFlowCreationId?: string;
  /** The identity provider was named by hand: check (one GET) that it exists before anything is written. */
  identityProviderMustExist?: boolean;
  /** An attachment that exists already (made in the portal) is taken over and left in place on destroy. Default false: creating fails. */
  adoptExisting?: boolean;
  /** `project/stack/resource`, for the attempt journal (ownershipGate.ts); never compared. */
  attemptOwner?: string;
}

/** State: the inputs, whether the attachment was there before the stack, and our last write. */
export interface AttachmentState extends AttachmentInputs {
  /** Taken over with adoptExisting: left in place on destroy. */
  adopted?: boolean;
  /** Epoch ms of our attach: a refresh soon after it waits out eventual consistency. */
  lastWriteAt?: number;
}

/** How long an attach keeps retrying "cannot be found" (kernel/consistency.ts). */
const ATTACH_NOT_FOUND_WINDOW_MS = CONSISTENCY_WINDOWS_MS.attachNotFound;

const FLOWS = "/identity/b2cUserFlows";

function refsPath(flowId: string): string {
  return `${FLOWS}/${pathSegment(flowId)}/userFlowIdentityProviders`;
}

/** The flow's identity provider ids, or undefined when the flow itself is gone (404 retried for `retryNotFoundForMs`). */
async function attachedIds(graph: GraphApi, flowId: string, retryNotFoundForMs = 0): Promise<string[] | undefined> {
  const idps = await graph.requestOrUndefined<{ value?: { id: string }[]; "@odata.nextLink"?: string }>({
    method: "GET",
    version: "beta",
    path: refsPath(flowId),
    description: `list identity providers of user flow ${flowId}`,
    retryNotFoundForMs,
  });
  if (idps === undefined) return undefined;
  const rest = idps["@odata.nextLink"] ? await graph.list<{ id: string }>("beta", idps["@odata.nextLink"], `list identity providers of user flow ${flowId}`) : [];
  return [...(idps.value ?? []), ...rest].map((p) => p.id);
}

function missingMessage(flowId: string, idpId: string, missing: "user flow" | "identity provider", tenant: string): string {
  return (
    `Cannot attach identity provider ${idpId} to user flow ${flowId}: the ${missing} does not exist in tenant ${tenant}. ` +
    (missing === "user flow"
      ? `Check userFlowId (a B2CUserFlow's userFlowId, or the name of a flow that exists).`
      : `Check identityProviderId (an identity provider component's identityProviderId, or the id of one that exists).`)
  );
}

function outputsOf(inputs: AttachmentInputs, flowId: string, extra: { adopted?: boolean; lastWriteAt?: number } = {}): AttachmentState {
  return {
    userFlowId: flowId,
    identityProviderId: inputs.identityProviderId,
    ...(inputs.userFlowCreationId !== undefined ? { userFlowCreationId: inputs.userFlowCreationId } : {}),
    ...(inputs.adoptExisting !== undefined ? { adoptExisting: inputs.adoptExisting } : {}),
    ...(extra.adopted !== undefined ? { adopted: extra.adopted } : {}),
    ...(extra.lastWriteAt !== undefined ? { lastWriteAt: extra.lastWriteAt } : {}),
  };
}

/** The attachment's name in ownership messages and the attempt journal. */
function attachmentName(flowId: string, idpId: string): string {
  return `${flowId}/${idpId}`;
}

const holds = (ids: string[] | undefined, idpId: string) => ids?.some((x) => x.toLowerCase() === idpId.toLowerCase()) ?? false;

export interface UserFlowIdentityProviderProvider extends TypedProvider<AttachmentInputs, AttachmentState> {}

/**
 * Dynamic provider for one identity provider attached to one user flow (beta
 * `userFlowIdentityProviders/$ref`; never the deprecated identityProviders navigation).
 */
export const userFlowIdentityProviderProvider: UserFlowIdentityProviderProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    // UserFlowIdentityProvider's own check again: a value not known yet (preview) is skipped.
    const problems = validateAttachment(news);
    if (problems.length > 0) return { failures: checkFailures(problems) };
    const inputs = { ...news, userFlowId: typeof news.userFlowId === "string" && !isUnknown(news.userFlowId) ? normalizeUserFlowId(news.userFlowId) : news.userFlowId };
    // A flow that must exist already (named by hand, e.g. `create: false`) is looked up in preview,
    // when it is new to this attachment: a missing one would otherwise fail only at the attach, after
    // the identity provider had been created.
    const flowId = inputs.userFlowId;
    const idpId = news.identityProviderId;
    const lookups = [
      {
        property: "identityProviderId",
        id: idpId,
        wanted: news.identityProviderMustExist === true && (typeof olds?.identityProviderId !== "string" || olds.identityProviderId.toLowerCase() !== String(idpId).toLowerCase()),
        version: (graph: GraphApi) => identityProviderApiVersion(graph.settings.cloud),
        path: `/identity/identityProviders/${pathSegment(idpId)}`,
        what: "identity provider",
        fix:
          `: pass the identityProviderId of a WeChatIdentityProvider/QQIdentityProvider/SocialIdentityProvider in this program, ` +
          `or the id of one that exists (e.g. WeChat-OAUTH)`,
      },
      {
        property: "userFlowId",
        id: flowId,
        wanted: news.userFlowMustExist === true && (typeof olds?.userFlowId !== "string" || normalizeUserFlowId(olds.userFlowId).toLowerCase() !== String(flowId).toLowerCase()),
        version: () => "beta" as const,
        path: `${FLOWS}/${pathSegment(flowId)}`,
        what: "user flow",
        fix: "; it is named here to attach to, not created: create it first (or let the stack create it), or correct the name",
      },
    ];
    for (const lookup of lookups) {
      if (!lookup.wanted || typeof lookup.id !== "string" || isUnknown(lookup.id)) continue;
      const graph = graphOf(this);
      const found = await graph.requestOrUndefined({ method: "GET", version: lookup.version(graph), path: lookup.path, description: `read ${lookup.what} ${lookup.id}` });
      if (!found) {
        return { inputs, failures: [{ property: lookup.property, reason: `${lookup.what} ${lookup.id} does not exist in tenant ${graph.settings.tenantId}${lookup.fix}` }] };
      }
    }
    return { inputs };
  },

  async lookBeforeCreate(inputs) {
    // An attachment whose flow and provider are known: look before the first write (ownership.ts), so
    // that preview fails on one made in the portal (not adopted), with no write.
    const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
    const { userFlowId: flowId, identityProviderId: idpId } = inputs;
    if (!known(flowId) || !known(idpId) || inputs.adoptExisting === true || isUnknown(inputs.adoptExisting)) return [];
    const graph = graphOf(this);
    if (!holds(await previewLook(() => attachedIds(graph, flowId)), idpId) || isBeingReplaced("attachment", inputs, attachmentName(normalizeUserFlowId(flowId), idpId))) return [];
    const verdict = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs)).judge({ kind: "attachment", name: attachmentName(flowId, idpId), differences: [] });
    return verdict.ours ? [] : [{ property: "adoptExisting", reason: verdict.message }];
  },

  async diff(_id, olds: AttachmentState, news: AttachmentInputs) {
    const changed = changedKeys(
      { userFlowId: olds.userFlowId?.toLowerCase(), identityProviderId: olds.identityProviderId?.toLowerCase() },
      { userFlowId: news.userFlowId?.toLowerCase(), identityProviderId: news.identityProviderId?.toLowerCase() },
      ["userFlowId", "identityProviderId"],
    );
    // An id not known yet (a preview while the flow or the provider is itself updated, e.g. a key
    // rotation) is nearly always the same id: shown as an update, not a replace. `up` diffs again
    // once the id is known (the engine decides each step when it runs it) and replaces if it differs.
    const pending = changed.filter((key) => isUnknown(news[key as keyof AttachmentInputs]));
    const replaces: string[] = changed.filter((key) => !pending.includes(key));
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
    const samePair = changed.length === 0;
    if (recreated) replaces.push("userFlowCreationId");
    const recorded = olds.userFlowCreationId === undefined && news.userFlowCreationId !== undefined;
    if (olds.adopted === true && replaces.length > 0) throw new NotOursError(adoptedReplacement("attachment", attachmentName(olds.userFlowId, olds.identityProviderId), replaces));
    if (replaces.length > 0) planReplacement("attachment", news, attachmentName(normalizeUserFlowId(olds.userFlowId), olds.identityProviderId));
    return { changes: replaces.length > 0 || pending.length > 0 || recorded, replaces, ...(recreated && samePair ? { deleteBeforeReplace: true } : {}) };
  },

  async update(_id, olds: AttachmentState, news: AttachmentInputs) {
    // Only the flow's creationId is recorded (state from before it existed): nothing to send.
    return { outs: outputsOf(news, normalizeUserFlowId(news.userFlowId), { adopted: olds?.adopted, lastWriteAt: olds?.lastWriteAt }) };
  },

  async create(inputs: AttachmentInputs) {
    const graph = graphOf(this);
    const flowId = normalizeUserFlowId(inputs.userFlowId);
    const body = { "@odata.id": graphUrl(graph.settings.graphEndpoint, "beta", `/identity/identityProviders/${pathSegment(inputs.identityProviderId)}`) };
    const description = `attach identity provider ${inputs.identityProviderId} to user flow ${flowId}`;
    const id = `${flowId}/${inputs.identityProviderId}`;
    const name = attachmentName(flowId, inputs.identityProviderId);
    const gate = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs));
    const ours = async () => {
      await gate.answered("attachment", name);
      return { id, outs: outputsOf(inputs, flowId, { adopted: false, lastWriteAt: Date.now() }) };
    };
    // Look before the first write (one read): an attachment made in the portal is never taken as
    // ours, and whether a duplicate attach is an error is undocumented. A flow named by hand must
    // exist; one this program just created may not be visible yet (the attach below waits for it).
    const mustExist = inputs.userFlowMustExist === true || inputs.adoptExisting === true;
    const before = await attachedIds(graph, flowId, mustExist ? ATTACH_NOT_FOUND_WINDOW_MS : 0);
    if (before === undefined && mustExist) throw new Error(missingMessage(flowId, inputs.identityProviderId, "user flow", graph.settings.tenantId));
    if (holds(before, inputs.identityProviderId)) {
      if (inputs.adoptExisting) return { id, outs: outputsOf(inputs, flowId, { adopted: true, lastWriteAt: Date.now() }) };
      gate.claim({ kind: "attachment", name, differences: [] });
      return ours();
    }
    await gate.beforeFirstWrite("attachment", name, {});
    try {
      await graph.request({ method: "POST", version: "beta", path: `${refsPath(flowId)}/$ref`, body, description, retryNotFoundForMs: ATTACH_NOT_FOUND_WINDOW_MS });
    } catch (error) {
      // Decided on statuses and on what the tenant holds, never on the message's wording.
      if (!isGraphRequestError(error)) throw error;
      if (error.status === 405) {
        // Older documentation used PATCH on the same URL (docs/graph-b2c-api.md §3.2).
        await graph.request({ method: "PATCH", version: "beta", path: `${refsPath(flowId)}/$ref`, body, description });
        return ours();
      }
      if (error.status === 400 || error.status === 409) {
        if (!holds(await attachedIds(graph, flowId), inputs.identityProviderId)) throw error;
        // Not attached a moment ago: after a resend, our first attempt landed and its answer was lost.
        if (error.afterNetworkRetry) return ours();
        throw new ExistsError(
          `Identity provider ${inputs.identityProviderId} was attached to user flow ${flowId} by someone else after this stack looked, moments ` +
            `before its attach; it is not taken as this stack's. To manage it from this stack, set adoptExisting: true on the UserFlowIdentityProvider ` +
            `(it is then left attached on destroy).`,
        );
      }
      if (error.isNotFound) {
        const flowThere = await graph.requestOrUndefined({ method: "GET", version: "beta", path: `${FLOWS}/${pathSegment(flowId)}`, description: `read user flow ${flowId}` });
        const missing = flowThere ? "identity provider" : "user flow";
        throw new Error(missingMessage(flowId, inputs.identityProviderId, missing, graph.settings.tenantId) + ` Graph said: ${error.graphMessage}`);
      }
      throw error;
    }
    return ours();
  },

  async read(id, props: AttachmentState) {
    // Right after our own attach, a list without it (or a 404 for the flow) is more likely eventual
    // consistency than a detach: keep looking until the grace runs out, as the other providers do.
    const graph = graphOf(this);
    const attached = (ids: string[] | undefined) => ids?.some((x) => x.toLowerCase() === props.identityProviderId.toLowerCase()) ?? false;
    const ids = await retryWhile(({ remainingMs }) => attachedIds(graph, props.userFlowId, remainingMs), {
      windowMs: readGraceMs(props.lastWriteAt),
      transient: (outcome) => outcome.ok && !attached(outcome.value),
    });
    return attached(ids) ? { id, props } : { id: "", props: {} };
  },

  async readForImport(id) {
    // The id create gives: `<flow id>/<identity provider id>`, e.g. B2C_1_susi/WeChat-OAUTH.
    const graph = graphOf(this);
    const tenant = graph.settings.tenantId;
    const slash = id.indexOf("/");
    const format = "Its id is `<user flow id>/<identity provider id>`, e.g. B2C_1_susi/WeChat-OAUTH.";
    if (slash <= 0 || slash === id.length - 1) throw notInTenant("user flow attachment", id, tenant, format);
    const flowId = normalizeUserFlowId(id.slice(0, slash));
    const wanted = id.slice(slash + 1);
    const ids = await attachedIds(graph, flowId);
    if (ids === undefined) throw notInTenant("user flow attachment", id, tenant, `User flow ${flowId} does not exist. ${format}`);
    const idpId = ids.find((x) => x.toLowerCase() === wanted.toLowerCase());
    if (idpId === undefined) throw notInTenant("user flow attachment", id, tenant, `User flow ${flowId} shows ${ids.length > 0 ? ids.join(", ") : "no identity provider"}.`);
    const inputs = { userFlowId: flowId, identityProviderId: idpId, adoptExisting: true as const };
    return { id: attachmentName(flowId, idpId), props: outputsOf(inputs, flowId, { adopted: true }), inputs };
  },

  async delete(_id, props: AttachmentState) {
    if (retainedOnDelete(props)) return; // adopted: it was in the flow before the stack
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: `${refsPath(props.userFlowId)}/${pathSegment(props.identityProviderId)}/$ref`,
      description: `detach identity provider ${props.identityProviderId} from user flow ${props.userFlowId}`,
    });
  },
};

/** Arguments of the attachment dynamic resource (AttachmentInputs, each may be an Output). */
export interface UserFlowIdentityProviderResourceArgs extends ConfigNamespaceArgs {
  /** The user flow, with or without B2C_1_; a change re-attaches. */
  userFlowId: pulumi.Input<AttachmentInputs["userFlowId"]>;
  /** The identity provider's Graph id (e.g. WeChat-OAUTH); a change re-attaches. */
  identityProviderId: pulumi.Input<AttachmentInputs["identityProviderId"]>;
  /** true when the flow was named by hand: preview checks (one GET) that it exists. */
  userFlowMustExist?: pulumi.Input<boolean>;
  /** The flow's creationId (B2CUserFlow): a new one attaches again. */
  userFlowCreationId?: pulumi.Input<string>;
  /** true when the identity provider was named by hand: preview checks (one GET) that it exists. */
  identityProviderMustExist?: pulumi.Input<boolean>;
  /** Take over an attachment that exists already; left in place on destroy. Default false. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The resource behind UserFlowIdentityProvider (`b2c-identity:index:UserFlowIdentityProviderLink`). */
export class UserFlowIdentityProviderResource extends defineResource<UserFlowIdentityProviderResourceArgs, AttachmentState>()({
  provider: "userFlowIdentityProvider",
  type: "UserFlowIdentityProviderLink",
  dynamicType: "UserFlowIdentityProvider",
  outputs: ["userFlowId", "identityProviderId"],
  attemptJournal: true,
}) {}
