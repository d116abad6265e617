// The plan of a custom-policy set, made from ONE parse of each file: what each policy is (PolicyId,
// BasePolicy), which key sets it references (with the line of the first use), and the upload order
// (parents first). TrustFrameworkPolicySet builds its resources from this plan; the offline
// validation reuses the parsed documents (policies/offlineValidation.ts), so no file is parsed twice.
// Pure: no Pulumi, no I/O.
import type { PolicyDocument, PolicyProblem } from "../policies/offlineValidation";
import { policyIdKey, readPolicyHeader } from "../policies/policyHeader";
import { isRelyingParty, releaseIdProblems, releasePolicyId, releaseTag, renamePolicyIds } from "../policies/policyReleases";
import { orderByBasePolicy } from "../policies/uploadOrder";
import { attributeLine, descendantElements, parseXml, type ParsedXml } from "../policies/xmlDocument";
import { dependencyHash } from "./provider";

/** A StorageReferenceId of a policy, at its first use in the document. */
export interface KeySetReference {
  keySetId: string;
  line: number;
}

/** One policy of the set, as read from its (substituted) XML. */
export interface PlannedPolicy {
  fileName: string;
  policyId: string;
  /** The BasePolicy's PolicyId, when the policy has one (in this set or already in the tenant). */
  basePolicyId?: string;
  /** true when the BasePolicy is uploaded by this set (the upload then waits for it). */
  baseInSet: boolean;
  /** StorageReferenceIds, deduplicated case-insensitively, in document order. */
  keySets: KeySetReference[];
}

export interface PolicySetPlan {
  /** Every file in input order, with its parsed document when it parsed (for validation and warnings). */
  documents: PolicyDocument[];
  /** Key set references per file, for the files that parsed, in input order. */
  references: { fileName: string; keySets: KeySetReference[] }[];
  /** The upload order, parents first; absent when no order can be made (see `reason`). */
  order?: PlannedPolicy[];
  /** Why there is no order (a file that doesn't parse, no PolicyId, a cycle, a missing base…). */
  reason?: string;
}

function referencedKeySets(doc: ParsedXml["doc"]): KeySetReference[] {
  const refs: KeySetReference[] = [];
  for (const key of descendantElements(doc, "Key")) {
    const id = key.getAttribute("StorageReferenceId")?.trim();
    if (id && !refs.some((r) => policyIdKey(r.keySetId) === policyIdKey(id))) refs.push({ keySetId: id, line: attributeLine(key, "StorageReferenceId") });
  }
  return refs;
}

/**
 * Parses each file once and plans the set: PolicyId, BasePolicy and key references of each file,
 * and the upload order. When no order can be made there is no `order`, only the `reason`; the full
 * validation (validatePolicySet over `documents`) then reports every problem.
 */
export function planPolicySet(files: ReadonlyArray<{ fileName: string; xml: string }>, options: { existingPolicyIds?: string[] } = {}): PolicySetPlan {
  const documents: PolicyDocument[] = [];
  const references: PolicySetPlan["references"] = [];
  const nodes: (Omit<PlannedPolicy, "baseInSet"> & { file: { fileName: string } })[] = [];
  let reason: string | undefined;
  for (const f of files) {
    let doc: ParsedXml["doc"];
    try {
      doc = parseXml(f.xml).doc;
    } catch (error) {
      documents.push({ fileName: f.fileName, xml: f.xml });
      reason ??= `${f.fileName}: ${(error as Error).message}`;
      continue;
    }
    documents.push({ fileName: f.fileName, xml: f.xml, parsed: doc });
    const keySets = referencedKeySets(doc);
    references.push({ fileName: f.fileName, keySets });
    const header = readPolicyHeader(doc);
    const policyId = header.policyId?.value.trim();
    if (!policyId) {
      reason ??= `${f.fileName} has no PolicyId`;
      continue;
    }
    nodes.push({ fileName: f.fileName, policyId, basePolicyId: header.basePolicy?.policyId?.value.trim() || undefined, keySets, file: { fileName: f.fileName } });
  }
  if (reason !== undefined) return { documents, references, reason };
  try {
    const ordered = orderByBasePolicy(nodes, { existingPolicyIds: options.existingPolicyIds });
    const inSet = new Set(nodes.map((n) => policyIdKey(n.policyId)));
    const order = ordered.map(({ file: _file, ...n }) => ({ ...n, baseInSet: n.basePolicyId !== undefined && inSet.has(policyIdKey(n.basePolicyId)) }));
    return { documents, references, order };
  } catch (error) {
    return { documents, references, reason: (error as Error).message };
  }
}

/**
 * The StorageReferenceIds that are neither among `knownKeySetIds` (created by this program, or in
 * the tenant), one problem per key set per file at its first use: the same rule and wording as
 * validatePolicySet, for when the program's key set ids are only known later.
 */
export function unknownKeySetProblems(plan: PolicySetPlan, knownKeySetIds: string[]): PolicyProblem[] {
  const known = new Set(knownKeySetIds.map(policyIdKey));
  const problems: PolicyProblem[] = [];
  for (const { fileName, keySets } of plan.references) {
    for (const { keySetId, line } of keySets) {
      if (known.has(policyIdKey(keySetId))) continue;
      const problem = `StorageReferenceId ${keySetId} is neither a policy key this stack creates nor one in the tenant`;
      problems.push({ file: fileName, line, problem, kind: "policy-key", message: `${fileName}:${line}: ${problem}` });
    }
  }
  return problems;
}

/**
 * What a policy's upload depends on, as one hash: its parent's content and the parent's own
 * dependencies (so the whole chain below a changed policy is re-uploaded) and the key sets it
 * references. A BasePolicy already in the tenant counts as "existing" content.
 */
export function policyDependencyHash(policy: PlannedPolicy, parent?: { content: string; dependsOn: string }): string {
  return dependencyHash({
    base: policy.basePolicyId ? { id: policy.basePolicyId.toUpperCase(), content: parent ? parent.content : "existing", dependsOn: parent?.dependsOn ?? "" } : null,
    keySets: policy.keySets.map((k) => k.keySetId.toUpperCase()).sort(),
  });
}

/** How a versioned set's policies map onto a release (policies/policyReleases.ts). */
export interface ReleasePlan {
  tag: string;
  /** The chain below the relying parties, parents first, then the relying parties: a valid upload order. */
  order: PlannedPolicy[];
  /** Whether the planned policy is a relying party (uploaded last, once the whole chain is there: the switch). */
  isRelyingParty(policyId: string): boolean;
  /** The id a policy has in this release (chain policies, and relying parties when versioned), else its own. */
  idOf(policyId: string): string;
  /** The release's policy ids, parents first: what the release adds to the tenant and what pruning deletes. */
  releaseIds: string[];
  /** Each file's XML with its ids (and its BasePolicy's) renamed into the release. */
  xmlOf(fileName: string): string;
  /** Release ids over the length bound. */
  problems: string[];
}

/**
 * The release of a planned set: the tag from the content of the chain below the relying parties
 * (of the whole set when relying parties are versioned too), the release ids, and the renamed XML.
 */
export function planRelease(
  planned: PolicySetPlan,
  order: PlannedPolicy[],
  files: ReadonlyArray<{ fileName: string; xml: string }>,
  options: { versionRelyingParties?: boolean } = {},
): ReleasePlan {
  const bases = order.filter((n) => n.baseInSet).map((n) => n.basePolicyId!);
  const docOf = (fileName: string) => planned.documents.find((d) => d.fileName === fileName)?.parsed;
  const rps = new Set(order.filter((n) => isRelyingParty(docOf(n.fileName)!, n.policyId, bases)).map((n) => policyIdKey(n.policyId)));
  const xmlOf = (fileName: string) => files.find((f) => f.fileName === fileName)!.xml;
  const versioned = order.filter((n) => options.versionRelyingParties || !rps.has(policyIdKey(n.policyId)));
  const tag = releaseTag(versioned.map((n) => ({ policyId: n.policyId, xml: xmlOf(n.fileName) })));
  const renamed = new Map(versioned.map((n) => [policyIdKey(n.policyId), releasePolicyId(n.policyId, tag)]));
  const idOf = (policyId: string) => renamed.get(policyIdKey(policyId)) ?? policyId;
  const chainFirst = [...order.filter((n) => !rps.has(policyIdKey(n.policyId))), ...order.filter((n) => rps.has(policyIdKey(n.policyId)))];
  return {
    tag,
    order: chainFirst,
    isRelyingParty: (policyId) => rps.has(policyIdKey(policyId)),
    idOf,
    releaseIds: chainFirst.filter((n) => renamed.has(policyIdKey(n.policyId))).map((n) => idOf(n.policyId)),
    xmlOf: (fileName) => renamePolicyIds(xmlOf(fileName), (id) => renamed.get(policyIdKey(id))),
    problems: releaseIdProblems(versioned.map((n) => ({ policyId: n.policyId, releaseId: idOf(n.policyId) }))),
  };
}
