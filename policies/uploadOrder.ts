/**
 * Upload order of a custom-policy set: a policy can only be uploaded once its BasePolicy exists
 * ("Policy with 'policyId': ... cannot be found in the directory"), so parents go first. For the
 * starter pack: TrustFrameworkBase -> TrustFrameworkLocalization -> TrustFrameworkExtensions ->
 * relying parties.
 *
 * The order is topological and stable: whenever several policies are ready, the one that comes
 * first in the input goes first. Policy ids compare case-insensitively. A BasePolicy outside the
 * set is accepted only when listed in `existingPolicyIds` (already in the tenant).
 */
import { policyIdKey, readPolicyHeader } from "./policyHeader";
import { parseXml, XmlSyntaxError } from "./xmlDocument";

export interface PolicyFile {
  fileName: string;
  xml: string;
}

export interface OrderedPolicy<T extends PolicyFile = PolicyFile> {
  policyId: string;
  basePolicyId?: string;
  file: T;
}

export interface UploadOrderOptions {
  /** Policy ids already in the tenant; a BasePolicy among them needs no upload first. */
  existingPolicyIds?: string[];
}

export type UploadOrderErrorKind = "cycle" | "missing-base" | "duplicate" | "unreadable";

export class UploadOrderError extends Error {
  readonly kind: UploadOrderErrorKind;
  /** Policy ids involved: the cycle in chain order (first repeated at the end), the policies with a missing base, or the duplicated id. */
  readonly policyIds: string[];
  constructor(kind: UploadOrderErrorKind, message: string, policyIds: string[]) {
    super(message);
    this.name = "UploadOrderError";
    this.kind = kind;
    this.policyIds = policyIds;
  }
}

/** Orders policy files for upload (parents first). Throws UploadOrderError on cycles, missing parents, duplicates or unreadable files. */
export function orderPoliciesForUpload<T extends PolicyFile>(files: ReadonlyArray<T>, options: UploadOrderOptions = {}): OrderedPolicy<T>[] {
  const nodes = files.map((file) => {
    let header;
    try {
      header = readPolicyHeader(parseXml(file.xml).doc);
    } catch (error) {
      const detail = error instanceof XmlSyntaxError ? `not well-formed XML at line ${error.line}: ${error.detail}` : String(error);
      throw new UploadOrderError("unreadable", `Cannot order policies for upload: ${file.fileName} is ${detail}`, []);
    }
    const policyId = header.policyId?.value.trim();
    if (!policyId) {
      throw new UploadOrderError("unreadable", `Cannot order policies for upload: ${file.fileName} has no PolicyId`, []);
    }
    const basePolicyId = header.basePolicy?.policyId?.value.trim() || undefined;
    return { policyId, basePolicyId, file } as OrderedPolicy<T>;
  });
  return orderByBasePolicy(nodes, options);
}

/** Same ordering on already-extracted ids. */
export function orderByBasePolicy<N extends { policyId: string; basePolicyId?: string; file?: { fileName: string } }>(
  nodes: ReadonlyArray<N>,
  options: UploadOrderOptions = {},
): N[] {
  const label = (n: N): string => (n.file ? `${n.policyId} (${n.file.fileName})` : n.policyId);
  const byId = new Map<string, N>();
  for (const node of nodes) {
    const key = policyIdKey(node.policyId);
    const other = byId.get(key);
    if (other) {
      throw new UploadOrderError(
        "duplicate",
        `Cannot order policies for upload: ${label(node)} has the same PolicyId as ${label(other)}`,
        [node.policyId],
      );
    }
    byId.set(key, node);
  }

  const existing = new Set((options.existingPolicyIds ?? []).map(policyIdKey));
  const missing = nodes.filter((n) => n.basePolicyId && !byId.has(policyIdKey(n.basePolicyId)) && !existing.has(policyIdKey(n.basePolicyId)));
  if (missing.length > 0) {
    const list = missing.map((n) => `${label(n)} needs BasePolicy ${n.basePolicyId}`).join("; ");
    throw new UploadOrderError(
      "missing-base",
      `Cannot order policies for upload: ${list}, which is neither in the set nor in the tenant`,
      missing.map((n) => n.policyId),
    );
  }

  const cycle = findCycle(nodes, byId);
  if (cycle) {
    throw new UploadOrderError(
      "cycle",
      `Cannot order policies for upload: the BasePolicy chain is a cycle: ${cycle.join(" -> ")}`,
      cycle,
    );
  }

  // Stable topological order: repeatedly take the first policy (in input order) whose base is done.
  const done = new Set<string>();
  const ordered: N[] = [];
  const remaining = [...nodes];
  while (remaining.length > 0) {
    const index = remaining.findIndex((n) => !n.basePolicyId || done.has(policyIdKey(n.basePolicyId)) || !byId.has(policyIdKey(n.basePolicyId)));
    // Cannot happen after the cycle check; kept as a guard against an endless loop.
    if (index < 0) throw new UploadOrderError("cycle", "Cannot order policies for upload: the BasePolicy chain is a cycle", remaining.map((n) => n.policyId));
    const [next] = remaining.splice(index, 1);
    done.add(policyIdKey(next.policyId));
    ordered.push(next);
  }
  return ordered;
}

/** The first cycle found (following BasePolicy links from each node in input order), as ids with the first repeated at the end. */
function findCycle<N extends { policyId: string; basePolicyId?: string }>(nodes: ReadonlyArray<N>, byId: Map<string, N>): string[] | undefined {
  const cleared = new Set<string>();
  for (const start of nodes) {
    const path: N[] = [];
    const position = new Map<string, number>();
    let current: N | undefined = start;
    while (current && !cleared.has(policyIdKey(current.policyId))) {
      const key = policyIdKey(current.policyId);
      if (position.has(key)) {
        const cycle = path.slice(position.get(key)!);
        return [...cycle, cycle[0]].map((n) => n.policyId);
      }
      position.set(key, path.length);
      path.push(current);
      current = current.basePolicyId ? byId.get(policyIdKey(current.basePolicyId)) : undefined;
    }
    for (const n of path) cleared.add(policyIdKey(n.policyId));
  }
  return undefined;
}
