// The two bookkeeping resources of a versioned TrustFrameworkPolicySet (policies/policyReleases.ts
// has the rules; components/policyReleasePlan.ts the resource graph):
//
// - PolicyReleaseRecord sits below the chain (every release policy depends on it): the ids of every
//   release this stack uploaded. Its `check` is where preview fails when the new release would take
//   the tenant over B2C's policy count limit (two list reads, only when the release's ids change).
//   On destroy, which reaches it last, it deletes the recorded policies still in the tenant,
//   children first: the release policies themselves are retained on delete, so that a superseded
//   release stays in the tenant while it is kept.
// - PolicyReleaseHistory sits above the relying parties (it depends on them all), so its update is
//   the moment after the switch: it records the active release and when it was switched, and
//   deletes the releases beyond `keep`, children first. Its delete writes nothing.
//
// Graph: GET /trustFramework/policies and GET /identity/b2cUserFlows (beta) to count, DELETE
// /trustFramework/policies/{id} to remove (404 counts as done).
// https://learn.microsoft.com/graph/api/resources/trustframeworkpolicy?view=graph-rest-beta
import * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../graph/client";
import { CACHE_NOTE, DEFAULT_KEEP, policyCountProblem, PolicyRelease, pruneOrder, releasesAfterSwitch } from "../policies/policyReleases";
import { policyIdKey } from "../policies/policyHeader";
import { ConfigNamespaceArgs, graphOf, isUnknown, rememberConfig, TypedProvider } from "../kernel/providerContext";
import { defineResource } from "../kernel/resource";

interface ReleaseRecordInputs {
  /** The release being made: tag and its policy ids, parents first. */
  release: PolicyRelease;
  /** Every policy id the set holds once this release is active (for the count: those not in the tenant yet are added). */
  policyIds: string[];
}
interface ReleaseRecordOutputs {
  /** Every release this stack uploaded that is still in the tenant, the newest first. */
  releases: PolicyRelease[];
}

interface ReleaseHistoryInputs {
  release: PolicyRelease;
  keep: number;
}
interface ReleaseHistoryOutputs {
  /** Tag of the active release. */
  activeRelease: string;
  /** ISO time the relying parties were switched to it. */
  switchedAt: string;
  /** Tags of the releases in the tenant, the active one first. */
  keptReleases: string[];
  /** The kept releases, the active one first. */
  releases: PolicyRelease[];
  /** B2C may serve the previous release for up to 30 minutes. */
  note: string;
}

async function tenantPolicyIds(graph: GraphApi): Promise<Set<string>> {
  const policies = await graph.list<{ id: string }>("beta", "/trustFramework/policies", "list custom policies");
  return new Set(policies.map((p) => policyIdKey(p.id)));
}

async function deletePolicies(graph: GraphApi, ids: ReadonlyArray<string>): Promise<void> {
  // One at a time, in the order given (children first): a parent may not be deleted while a child inherits from it.
  for (const id of ids) {
    await graph.requestOrUndefined({ method: "DELETE", version: "beta", path: `/trustFramework/policies/${encodeURIComponent(id)}`, description: `delete custom policy ${id} (an old release)` });
  }
}

const sameRelease = (a: PolicyRelease | undefined, b: PolicyRelease | undefined): boolean =>
  !!a && !!b && a.tag === b.tag && a.policyIds.map(policyIdKey).join() === b.policyIds.map(policyIdKey).join();

export const policyReleaseRecordProvider: TypedProvider<ReleaseRecordInputs, ReleaseRecordOutputs> = {
  configure: rememberConfig,

  async check(olds, news) {
    if (isUnknown(news.release) || isUnknown(news.policyIds) || !Array.isArray(news.policyIds)) return { inputs: news };
    const before = new Set((Array.isArray(olds?.policyIds) ? olds.policyIds : []).map(policyIdKey));
    if (news.policyIds.every((id) => before.has(policyIdKey(id)))) return { inputs: news }; // nothing new: no read
    // Preview fails here, before any write, when the release would not fit in the tenant.
    const graph = graphOf(this);
    const [existing, flows] = await Promise.all([tenantPolicyIds(graph), graph.list<{ id: string }>("beta", "/identity/b2cUserFlows", "list user flows")]);
    const adding = news.policyIds.filter((id) => !existing.has(policyIdKey(id)));
    const problem = policyCountProblem({ customPolicies: existing.size, userFlows: flows.length }, adding);
    return problem ? { inputs: news, failures: [{ property: "versioning", reason: problem }] } : { inputs: news };
  },

  async diff(_id, olds, news) {
    return { changes: !sameRelease(olds.releases?.[0], news.release), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    return { id: `release-record-${inputs.release.tag}`, outs: { releases: [inputs.release] } };
  },

  async read(id, props) {
    return { id, props }; // bookkeeping only: nothing in the tenant to compare with
  },

  async update(_id, olds, news) {
    // Releases pruned since the last release are gone from the tenant: forget them (one read).
    const existing = await tenantPolicyIds(graphOf(this));
    const older = (olds.releases ?? []).filter((r) => r.tag !== news.release.tag && r.policyIds.some((id) => existing.has(policyIdKey(id))));
    return { outs: { releases: [news.release, ...older] } };
  },

  async delete(_id, props) {
    const graph = graphOf(this);
    const existing = await tenantPolicyIds(graph);
    const ids = (props.releases ?? []).flatMap((r) => [...r.policyIds].reverse()).filter((id) => existing.has(policyIdKey(id)));
    await deletePolicies(graph, ids);
  },
};

export const policyReleaseHistoryProvider: TypedProvider<ReleaseHistoryInputs, ReleaseHistoryOutputs> = {
  configure: rememberConfig,

  async check(_olds, news) {
    const keep = news.keep;
    if (!isUnknown(keep) && (!Number.isInteger(keep) || keep < 1)) return { failures: [{ property: "keep", reason: `must be a whole number of releases, 1 or more, got ${JSON.stringify(keep)}` }] };
    return { inputs: news };
  },

  async diff(_id, olds, news) {
    const changes = olds.activeRelease !== news.release.tag || olds.keptReleases.length > news.keep || !sameRelease(olds.releases?.[0], news.release);
    return { changes, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const active = { ...inputs.release, switchedAt: new Date().toISOString() };
    return { id: `release-history-${inputs.release.tag}`, outs: outputs([active]) };
  },

  async read(id, props) {
    return { id, props };
  },

  async update(_id, olds, news) {
    // Runs after every relying party points at the new release: only now may old ones go.
    const switched = olds.activeRelease !== news.release.tag;
    const previous = olds.releases ?? [];
    const active = switched ? { ...news.release, switchedAt: new Date().toISOString() } : { ...news.release, switchedAt: previous[0]?.switchedAt ?? olds.switchedAt };
    const { kept, pruned } = releasesAfterSwitch(previous, active, news.keep ?? DEFAULT_KEEP);
    await deletePolicies(graphOf(this), pruneOrder(pruned, kept));
    return { outs: outputs(kept) };
  },

  async delete() {
    // Nothing: PolicyReleaseRecord removes every release on destroy, once the relying parties are gone.
  },
};

function outputs(kept: PolicyRelease[]): ReleaseHistoryOutputs {
  return {
    activeRelease: kept[0].tag,
    switchedAt: kept[0].switchedAt!,
    keptReleases: kept.map((r) => r.tag),
    releases: kept,
    note: CACHE_NOTE,
  };
}

export interface PolicyReleaseRecordArgs extends ConfigNamespaceArgs {
  /** The release being made: tag and its policy ids, parents first. */
  release: pulumi.Input<PolicyRelease>;
  /** Every policy id the set holds once this release is active (for B2C's policy count limit). */
  policyIds: pulumi.Input<string[]>;
}

/** The record of every release a versioned policy set uploaded (`b2c-identity:index:PolicyReleaseRecord`). */
export class PolicyReleaseRecordResource extends defineResource<PolicyReleaseRecordArgs, ReleaseRecordOutputs>()({
  provider: "policyReleaseRecord",
  type: "PolicyReleaseRecord",
  outputs: ["releases"],
}) {}

export interface PolicyReleaseHistoryArgs extends ConfigNamespaceArgs {
  /** The release the relying parties now point at. */
  release: pulumi.Input<PolicyRelease>;
  /** Releases kept in the tenant, the active one included: whole number, 1 or more. */
  keep: pulumi.Input<number>;
}

/** The active release of a versioned policy set and the kept ones (`b2c-identity:index:PolicyReleaseHistory`). */
export class PolicyReleaseHistoryResource extends defineResource<PolicyReleaseHistoryArgs, ReleaseHistoryOutputs>()({
  provider: "policyReleaseHistory",
  type: "PolicyReleaseHistory",
  outputs: ["activeRelease", "switchedAt", "keptReleases", "releases", "note"],
}) {}
