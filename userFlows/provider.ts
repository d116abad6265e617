import { defineResource } from "../kernel/resource";
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { GraphSettings, requireTenantName } from "../graph/settings";
import { normalizeUserFlowId, runUserFlowUrl, USER_FLOW_PREFIX, validateUserFlow } from "./rules";
import { changedKeys, checkFailures, ConfigNamespaceArgs, CONSISTENCY_WINDOWS_MS, graphOf, isUnknown, readGraceMs, rememberConfig, settingsOf, TypedProvider } from "../kernel/providerContext";
import { adoptedReplacement, differingFields, fixedSettingMismatch, retainedOnDelete } from "../kernel/ownership/rule";
import { isBeingReplaced, OwnershipGate, ownerIn, planReplacement, previewLook } from "../kernel/ownership/gate";
import { pathSegment } from "../graph/paths";
import { ExistsError, NotOursError } from "../kernel/errors";
import { notInTenant } from "../kernel/importing";

// B2CUserFlow's provider, over Graph beta /identity/b2cUserFlows
// (https://learn.microsoft.com/graph/api/resources/b2cidentityuserflow?view=graph-rest-beta).
//
// What changes how, from the documented operations:
// - isLanguageCustomizationEnabled, defaultLanguageTag: PATCH in place ("Update b2cIdentityUserFlow",
//   https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta). Never a replacement.
// - userFlowType, userFlowTypeVersion: no update operation takes them, so a change replaces the flow
//   (deleted first: the id is reused). Attachments follow through `creationId` (see below).
// - name: ids are case-insensitive, and "susi" / "B2C_1_susi" / "B2C_1_SUSI" name the same flow;
//   only another name replaces.
// Only what the program declares is compared. Whatever else Graph reports (a defaultLanguageTag the
// service filled in on create, a portal edit of a setting the program leaves open) is kept in
// `current`, shown by refresh, and never enforced.

export interface UserFlowInputs {
  name: string;
  userFlowType: string;
  /** Undefined: 3 on create, never compared. */
  userFlowTypeVersion?: number;
  /** Undefined: the service default (off), never compared. */
  isLanguageCustomizationEnabled?: boolean;
  /** Undefined: whatever the service or the portal sets, never compared. */
  defaultLanguageTag?: string;
  testApplicationId?: string;
  adoptExisting: boolean;
  /** `project/stack/resource`, for the attempt journal (ownershipGate.ts); never compared. */
  attemptOwner?: string;
}

/** The flow's settings as Graph last reported them: informational, never compared. */
export interface UserFlowCurrent {
  /** The flow's type, as Graph reported it. */
  userFlowType?: string;
  /** The flow's version, as Graph reported it. */
  userFlowTypeVersion?: number;
  /** Whether page translation is on, as Graph reported it. */
  isLanguageCustomizationEnabled?: boolean;
  /** The default page language, as Graph reported it. */
  defaultLanguageTag?: string | null;
}

export interface UserFlowState extends UserFlowInputs {
  /** The flow id, `B2C_1_<name>`. */
  userFlowId: string;
  /** With testApplicationId: the authorize URL that, like the portal's "Run user flow", returns a token to https://jwt.ms. */
  runUserFlowUrl?: string;
  /** Taken over with adoptExisting (it existed before the stack). */
  adopted: boolean;
  /** New on every create (and so on every replacement): attachments re-attach when it changes. */
  creationId: string;
  /** The flow's settings as Graph last reported them: informational, never compared. */
  current: UserFlowCurrent;
  /** Epoch ms of our last write: a refresh soon after it waits out eventual consistency. */
  lastWriteAt: number;
}

/** A user flow as Graph answers it (beta b2cIdentityUserFlow). */
export interface GraphUserFlow {
  id: string;
  userFlowType?: string;
  userFlowTypeVersion?: number;
  isLanguageCustomizationEnabled?: boolean;
  defaultLanguageTag?: string | null;
}

const COLLECTION = "/identity/b2cUserFlows";
const DEFAULT_VERSION = 3;
/** Settings the update page lists: they change in place. */
const PATCHABLE = ["isLanguageCustomizationEnabled", "defaultLanguageTag"] as const;
/** Settings fixed at creation: they replace, but only when declared. */
const FIXED = ["userFlowType", "userFlowTypeVersion"] as const;

/**
 * The `id` sent on create: the name without B2C_1_. The service adds the prefix (the create page's
 * example sends "Customer" and gets "B2C_1_Customer"); field reports say a prefixed id is kept as
 * sent. The bare name gives B2C_1_<name> under both readings, a prefixed one only under the second.
 */
export function userFlowCreateId(name: string): string {
  return normalizeUserFlowId(name).slice(USER_FLOW_PREFIX.length);
}

function currentOf(flow: GraphUserFlow | undefined): UserFlowCurrent {
  if (!flow) return {};
  const { userFlowType, userFlowTypeVersion, isLanguageCustomizationEnabled, defaultLanguageTag } = flow;
  return Object.fromEntries(
    Object.entries({ userFlowType, userFlowTypeVersion, isLanguageCustomizationEnabled, defaultLanguageTag }).filter(([, v]) => v !== undefined),
  ) as UserFlowCurrent;
}

function outputsFrom(inputs: UserFlowInputs, flowId: string, settings: GraphSettings, extra: { adopted: boolean; creationId: string; current: UserFlowCurrent }): UserFlowState {
  return {
    ...inputs,
    userFlowId: flowId,
    ...(inputs.testApplicationId
      ? {
          runUserFlowUrl: runUserFlowUrl({
            tenantName: requireTenantName(settings),
            tenantDomain: settings.tenantDomain!,
            b2cLoginDomain: settings.b2cLoginDomain,
            userFlowId: flowId,
            applicationId: inputs.testApplicationId,
          }),
        }
      : {}),
    ...extra,
    lastWriteAt: Date.now(),
  };
}

async function getFlow(graph: GraphApi, flowId: string, retryNotFoundForMs = 0): Promise<GraphUserFlow | undefined> {
  return graph.requestOrUndefined<GraphUserFlow>({
    method: "GET",
    version: "beta",
    path: `${COLLECTION}/${pathSegment(flowId)}`,
    description: `read user flow ${flowId}`,
    retryNotFoundForMs,
  });
}

/** What a create sends, as compared with an existing flow (values not known yet are left out). */
function createBody(inputs: UserFlowInputs): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      userFlowType: inputs.userFlowType,
      userFlowTypeVersion: inputs.userFlowTypeVersion ?? DEFAULT_VERSION,
      isLanguageCustomizationEnabled: inputs.isLanguageCustomizationEnabled,
      defaultLanguageTag: inputs.defaultLanguageTag || undefined,
    }).filter(([, v]) => v !== undefined && !isUnknown(v)),
  );
}

/**
 * Where an existing flow differs from what this stack's create would have made: the settings sent,
 * and its identity providers (a flow the stack's create made has none until its attachments run).
 */
async function flowDifferences(graph: GraphApi, existing: GraphUserFlow, inputs: UserFlowInputs): Promise<string[]> {
  const differences = differingFields(createBody(inputs), existing as unknown as Record<string, unknown>);
  const attached = await graph.list<{ id: string }>("beta", `${COLLECTION}/${pathSegment(existing.id)}/userFlowIdentityProviders`, `list identity providers of user flow ${existing.id}`);
  if (attached.length > 0) differences.push(`identity providers (${attached.map((p) => p.id).join(", ")} attached)`);
  return differences;
}

/** An adopted flow's fixed settings must be what the program declares: they cannot change in place, and an adopted flow is never replaced. */
function checkAdoptable(existing: GraphUserFlow, inputs: UserFlowInputs): void {
  for (const key of FIXED) {
    const declared = inputs[key];
    if (declared === undefined || isUnknown(declared) || existing[key] === undefined) continue;
    const same = typeof declared === "string" ? declared.toLowerCase() === String(existing[key]).toLowerCase() : declared === existing[key];
    if (!same) {
      throw new NotOursError(
        fixedSettingMismatch("userFlow", existing.id, key, existing[key], declared,
          key === "userFlowTypeVersion"
            ? `Set userFlowTypeVersion: ${existing[key]} on the B2CUserFlow (or leave it out: an adopted flow keeps its version). To move to version ${declared}, create a new flow under another name and switch the applications to it.`
            : `Set userFlowType: "${existing[key]}" on the B2CUserFlow, or adopt another flow.`),
      );
    }
  }
}

/** Declared keys (of `keys`) whose new value differs from the old one. Undeclared keys are never compared. */
function declaredChanges<K extends keyof UserFlowInputs>(olds: Partial<UserFlowState>, news: UserFlowInputs, keys: readonly K[]): K[] {
  return changedKeys<K>(olds, news, keys.filter((k) => news[k] !== undefined));
}

/** The PATCH body that brings the flow from `olds` to the declared `news` (empty: nothing to send). */
export function userFlowPatch(olds: Partial<UserFlowState>, news: UserFlowInputs): Record<string, unknown> {
  return Object.fromEntries(declaredChanges(olds, news, PATCHABLE).map((k) => [k, news[k]]));
}

export interface UserFlowProvider extends TypedProvider<UserFlowInputs, UserFlowState> {}

/** Dynamic provider for one B2C user flow: Graph beta /identity/b2cUserFlows. */
export const userFlowProvider: UserFlowProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    // B2CUserFlow's own check again: a value not known yet (preview) is skipped.
    const problems = validateUserFlow(news);
    if (problems.length > 0) return { failures: checkFailures(problems) };
    return { inputs: news };
  },

  async lookBeforeCreate(inputs) {
    // Look before the first write (ownership.ts), so that preview fails on a flow that exists already
    // (not adopted), or on an adopted one whose fixed settings differ, with no write.
    if (typeof inputs.name !== "string" || isUnknown(inputs.name) || isUnknown(inputs.adoptExisting)) return [];
    const graph = graphOf(this);
    const existing = await previewLook(() => getFlow(graph, normalizeUserFlowId(inputs.name)));
    if (!existing || isBeingReplaced("userFlow", inputs, existing.id)) return [];
    try {
      if (inputs.adoptExisting === true) checkAdoptable(existing, inputs);
      else await claimFlow(new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs)), graph, existing, inputs);
    } catch (error) {
      return [{ property: inputs.adoptExisting === true ? "userFlowTypeVersion" : "adoptExisting", reason: (error as Error).message }];
    }
    return [];
  },

  async diff(_id, olds: UserFlowState, news: UserFlowInputs) {
    const sameName =
      !isUnknown(news.name) && normalizeUserFlowId(olds.name ?? "").toLowerCase() === normalizeUserFlowId(String(news.name)).toLowerCase();
    // A fixed setting left out until now compares with what the tenant reported (`current`): declaring
    // the value the flow has is no change (e.g. an adopted v1 flow declared as version 1).
    const fixedOlds = { ...olds, ...Object.fromEntries(FIXED.map((k) => [k, olds[k] ?? olds.current?.[k]])) };
    const replaces = [...(sameName ? [] : ["name"]), ...declaredChanges(fixedOlds, news, FIXED)];
    if (replaces.length > 0 && olds.adopted === true) throw new NotOursError(adoptedReplacement("userFlow", olds.userFlowId, replaces));
    if (replaces.length > 0) planReplacement("userFlow", news, normalizeUserFlowId(olds.userFlowId ?? olds.name ?? ""));
    const updates = [...declaredChanges(olds, news, PATCHABLE), ...changedKeys(olds, news, ["testApplicationId"])];
    return {
      changes: replaces.length + updates.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0,
    };
  },

  async create(inputs: UserFlowInputs) {
    const settings = settingsOf(this);
    const graph = new GraphApi(settings);
    const flowId = normalizeUserFlowId(inputs.name);
    const gate = new OwnershipGate(this, settings.tenantId, ownerIn(inputs));
    const extra = (adopted: boolean, flow: GraphUserFlow | undefined) => ({ adopted, creationId: randomUUID(), current: currentOf(flow) });
    const takeAsOurs = async (existing: GraphUserFlow) => {
      await claimFlow(gate, graph, existing, inputs);
      await gate.answered("userFlow", existing.id);
      return { id: existing.id, outs: outputsFrom(inputs, existing.id, settings, extra(false, existing)) };
    };
    // Look before the first write (again: preview's look may be minutes old).
    const before = await getFlow(graph, flowId);
    if (before && !inputs.adoptExisting) return takeAsOurs(before);
    if (before) {
      checkAdoptable(before, inputs);
      // Adopted: bring the declared language settings to what the program says.
      const patch = userFlowPatch(currentOf(before) as Partial<UserFlowState>, inputs);
      const current = Object.keys(patch).length > 0 ? { ...before, ...(await patchFlow(graph, before.id, patch)) } : before;
      return { id: before.id, outs: outputsFrom(inputs, before.id, settings, extra(true, current)) };
    }
    await gate.beforeFirstWrite("userFlow", flowId, createBody(inputs));
    try {
      const result = await graph.call<GraphUserFlow>({
        method: "POST",
        version: "beta",
        path: COLLECTION,
        body: { id: userFlowCreateId(inputs.name), ...createBody(inputs) },
        description: `create user flow ${flowId}`,
      });
      const id = result.value?.id ?? flowId;
      await gate.answered("userFlow", flowId);
      return { id, outs: outputsFrom(inputs, id, settings, extra(false, result.value)) };
    } catch (error) {
      // Decided on the status and on what the tenant holds, never on the message's wording.
      if (!isGraphRequestError(error) || (error.status !== 400 && error.status !== 409)) throw error;
      // After a dropped connection the duplicate is most likely our own first attempt, which reads
      // may not see yet (eventual consistency): wait for it as for any object just created.
      const existing = await getFlow(graph, flowId, error.afterNetworkRetry ? CONSISTENCY_WINDOWS_MS.resentCreate : 0);
      if (!existing) throw error;
      // Absent a moment ago: only a resend can have met our own first attempt.
      if (error.afterNetworkRetry) return takeAsOurs(existing);
      throw new ExistsError(
        `User flow ${existing.id} was created in tenant ${settings.tenantId} by someone else after this stack looked, moments before its create; ` +
          `it is not taken. To manage it from this stack set adoptExisting: true on the B2CUserFlow; otherwise choose another name.`,
      );
    }
  },

  async read(id, props: UserFlowState) {
    const current = await getFlow(graphOf(this), id, readGraceMs(props.lastWriteAt));
    if (!current) return { id: "", props: {} };
    // A declared setting takes what Graph says, so drift shows and the next `up` corrects it (PATCH
    // for the language settings). An undeclared one is only reported in `current`.
    const declared: Record<string, unknown> = {};
    for (const key of [...PATCHABLE, ...FIXED]) {
      if (props[key] !== undefined && current[key] !== undefined) declared[key] = current[key];
    }
    return { id: current.id, props: { ...props, ...declared, userFlowId: current.id, current: currentOf(current) } };
  },

  async readForImport(id) {
    // Its settings as Graph reports them are what a program declaring it would give: the first
    // `up` then changes nothing. Only the test application (for runUserFlowUrl) is the program's.
    const settings = settingsOf(this);
    const flow = await getFlow(new GraphApi(settings), normalizeUserFlowId(id));
    if (!flow) throw notInTenant("user flow", id, settings.tenantId, "Its id is the flow's name with B2C_1_, e.g. B2C_1_susi.");
    const current = currentOf(flow);
    const inputs = {
      name: flow.id,
      ...(flow.userFlowType !== undefined ? { userFlowType: flow.userFlowType } : {}),
      ...(flow.userFlowTypeVersion !== undefined ? { userFlowTypeVersion: flow.userFlowTypeVersion } : {}),
      ...(flow.isLanguageCustomizationEnabled !== undefined ? { isLanguageCustomizationEnabled: flow.isLanguageCustomizationEnabled } : {}),
      ...(flow.defaultLanguageTag ? { defaultLanguageTag: flow.defaultLanguageTag } : {}),
      adoptExisting: true as const,
    };
    const props: UserFlowState = { ...(inputs as UserFlowInputs), userFlowId: flow.id, adopted: true, creationId: randomUUID(), current, lastWriteAt: 0 };
    return { id: flow.id, props, inputs };
  },

  async update(id, olds: UserFlowState, news: UserFlowInputs) {
    // Language settings (PATCH) and testApplicationId (the test URL only); see diff.
    const patch = userFlowPatch(olds, news);
    const graph = graphOf(this);
    const patched = Object.keys(patch).length > 0 ? await patchFlow(graph, id, patch) : undefined;
    const outs = outputsFrom(news, id, graph.settings, {
      adopted: olds.adopted ?? false,
      creationId: olds.creationId ?? randomUUID(),
      current: { ...(olds.current ?? {}), ...(patched ?? {}) },
    });
    return { outs: patched ? outs : { ...outs, lastWriteAt: olds.lastWriteAt ?? 0 } };
  },

  async delete(id, props: UserFlowState) {
    if (retainedOnDelete(props)) return; // adopted: it was the tenant's before the stack
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: `${COLLECTION}/${pathSegment(id)}`,
      description: `delete user flow ${id}`,
    });
  },
};

/** Throws unless the ownership rule takes this existing flow as the stack's own create (ownership.ts). */
async function claimFlow(gate: OwnershipGate, graph: GraphApi, existing: GraphUserFlow, inputs: UserFlowInputs): Promise<void> {
  const verdict = gate.judge({ kind: "userFlow", name: existing.id, differences: [] });
  // Content is compared only when the rule would otherwise take it (one list call saved for the common refusal).
  if (!verdict.ours) throw new ExistsError(verdict.message);
  gate.claim({ kind: "userFlow", name: existing.id, differences: await flowDifferences(graph, existing, inputs) });
}

/** PATCH the flow; the page's text says 200 with the flow, its example 204: both are accepted. Returns what changed. */
async function patchFlow(graph: GraphApi, id: string, patch: Record<string, unknown>): Promise<UserFlowCurrent> {
  const answer = await graph.request<GraphUserFlow | undefined>({
    method: "PATCH",
    version: "beta",
    path: `${COLLECTION}/${pathSegment(id)}`,
    body: patch,
    description: `update user flow ${id} (${Object.keys(patch).join(", ")})`,
  });
  return { ...(patch as UserFlowCurrent), ...currentOf(answer ?? undefined) };
}

/** Arguments of the user flow dynamic resource (UserFlowInputs, each may be an Output). */
export interface UserFlowResourceArgs extends ConfigNamespaceArgs {
  /** Flow name, with or without B2C_1_; another name (not only its case) replaces the flow. */
  name: pulumi.Input<UserFlowInputs["name"]>;
  /** signUpOrSignIn, signUp, signIn, passwordReset, profileUpdate or resourceOwner; a change replaces the flow. */
  userFlowType: pulumi.Input<UserFlowInputs["userFlowType"]>;
  /** 1, 2 or 3; a change replaces the flow. Left out: 3 on create, never compared. */
  userFlowTypeVersion?: pulumi.Input<number>;
  /** Left out: the service default, never compared. Changes in place. */
  isLanguageCustomizationEnabled?: pulumi.Input<boolean>;
  /** RFC 5646 tag. Left out: whatever the service or the portal sets, never compared. Changes in place. */
  defaultLanguageTag?: pulumi.Input<string>;
  /** A web app (client) id whose reply URL is https://jwt.ms: gives `runUserFlowUrl`. */
  testApplicationId?: pulumi.Input<string>;
  /** Take over a flow of this name that exists already. Default false. */
  adoptExisting?: pulumi.Input<UserFlowInputs["adoptExisting"]>;
}

/** The resource behind B2CUserFlow (`b2c-identity:index:UserFlow`). */
export class UserFlowResource extends defineResource<UserFlowResourceArgs, UserFlowState>()({
  provider: "userFlow",
  type: "UserFlow",
  outputs: ["userFlowId", "runUserFlowUrl", "creationId"],
  attemptJournal: true,
}) {}
