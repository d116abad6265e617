/**
 * Releases of a custom-policy chain, as Microsoft's best practices describe them: "when you deploy
 * to a production environment to update existing policy files, upload the updated files with new
 * names, which act as new versions of the policies … You can remove the old policy files afterward
 * or keep them as your last known good configuration for easy rollback"
 * (https://learn.microsoft.com/azure/active-directory-b2c/best-practices, "Deploy custom policy").
 *
 * The chain below the relying parties (TrustFrameworkBase, Localization, Extensions, …) is uploaded
 * under ids carrying a release tag derived from its content; the relying parties keep their ids and
 * are re-pointed at the new chain in one upload each. This file holds the pure rules: which policies
 * are relying parties, the tag, the release ids and their rewrite into the XML, the tenant's policy
 * count limit, which releases to keep, and the DeploymentMode warning. No Pulumi, no I/O.
 */
import { createHash } from "crypto";
import { normalizePolicyXml } from "./normalize";
import { policyIdKey } from "./policyHeader";
import { attributeLine, firstChildElement, parseXml, serializeXml } from "./xmlDocument";
import type { Document } from "@xmldom/xmldom";

/**
 * "Number of policies per Azure AD B2C tenant (user flows + custom policies): 200"
 * (https://learn.microsoft.com/azure/active-directory-b2c/service-limits, "Azure AD B2C configuration
 * limits"; Support can raise it).
 */
export const TENANT_POLICY_LIMIT = 200;
export const SERVICE_LIMITS_PAGE = "https://learn.microsoft.com/azure/active-directory-b2c/service-limits";
export const BEST_PRACTICES_PAGE = "https://learn.microsoft.com/azure/active-directory-b2c/best-practices";

/**
 * The longest PolicyId a release may produce. No Microsoft page we found states a maximum length
 * for a custom policy id (the policy schema's PolicyId type has a pattern and no maxLength), so this
 * is our own conservative bound, not a documented service limit; change it here if one is published.
 */
export const POLICY_ID_MAX_LENGTH = 100;

/** Characters of the content hash in a release tag: 8 hex digits, 32 bits, plenty for a handful of kept releases. */
export const RELEASE_TAG_LENGTH = 8;
const RELEASE_SUFFIX = "_r";

/** Default number of releases kept in the tenant: the active one and the last known good one. */
export const DEFAULT_KEEP = 2;

/** B2C may serve a changed policy up to 30 minutes late, because it caches policies (best practices page). */
export const CACHE_NOTE = `B2C caches policies: users may be served the previous release for up to 30 minutes after the switch (${BEST_PRACTICES_PAGE}).`;

/**
 * Whether a policy of the set is a relying party: its document has a RelyingParty element and no
 * policy of the set inherits from it (a relying party someone builds on is part of the chain).
 */
export function isRelyingParty(doc: Document, policyId: string, basePolicyIdsInSet: ReadonlyArray<string>): boolean {
  if (!doc.documentElement || !firstChildElement(doc.documentElement, "RelyingParty")) return false;
  return !basePolicyIdsInSet.some((b) => policyIdKey(b) === policyIdKey(policyId));
}

/**
 * The release tag of a chain: a short hash of its policies' normalized content (whitespace,
 * comments and attribute order don't count), in PolicyId order, so the same program gives the same
 * tag and any change of content gives another one.
 */
export function releaseTag(policies: ReadonlyArray<{ policyId: string; xml: string }>): string {
  const hash = createHash("sha256");
  for (const p of [...policies].sort((a, b) => policyIdKey(a.policyId).localeCompare(policyIdKey(b.policyId)))) {
    hash.update(`${policyIdKey(p.policyId)}\n${normalizePolicyXml(p.xml)}\n`);
  }
  return hash.digest("hex").slice(0, RELEASE_TAG_LENGTH);
}

/** The id of a policy in a release: `B2C_1A_TrustFrameworkBase` + `_r` + tag. */
export function releasePolicyId(policyId: string, tag: string): string {
  return `${policyId.trim()}${RELEASE_SUFFIX}${tag}`;
}

/** Release ids longer than POLICY_ID_MAX_LENGTH, as problems naming the policy and how to fix it. */
export function releaseIdProblems(ids: ReadonlyArray<{ policyId: string; releaseId: string }>): string[] {
  return ids
    .filter((i) => i.releaseId.length > POLICY_ID_MAX_LENGTH)
    .map(
      (i) =>
        `${i.policyId}: its release id ${i.releaseId} is ${i.releaseId.length} characters, over the ${POLICY_ID_MAX_LENGTH} this package allows ` +
        `(the tag adds ${RELEASE_SUFFIX.length + RELEASE_TAG_LENGTH}); shorten the PolicyId`,
    );
}

/**
 * The document with its ids renamed: the root PolicyId, the BasePolicy's PolicyId, and a
 * PublicPolicyUri that ends with the old id (as the service's default `http://<tenant>/<PolicyId>`
 * does). `rename` answers the new id of a PolicyId, or undefined to keep it.
 */
export function renamePolicyIds(xml: string, rename: (policyId: string) => string | undefined): string {
  const parsed = parseXml(xml);
  const root = parsed.doc.documentElement!;
  const oldId = (root.getAttribute("PolicyId") ?? "").trim();
  const newId = rename(oldId);
  if (newId) {
    root.setAttribute("PolicyId", newId);
    const uri = root.getAttribute("PublicPolicyUri");
    if (uri && uri.toUpperCase().endsWith(`/${policyIdKey(oldId)}`)) root.setAttribute("PublicPolicyUri", uri.slice(0, uri.length - oldId.length) + newId);
  }
  const base = firstChildElement(root, "BasePolicy");
  const basePolicy = base ? firstChildElement(base, "PolicyId") : undefined;
  const newBase = basePolicy ? rename((basePolicy.textContent ?? "").trim()) : undefined;
  if (basePolicy && newBase) {
    while (basePolicy.firstChild) basePolicy.removeChild(basePolicy.firstChild);
    basePolicy.appendChild(parsed.doc.createTextNode(newBase));
  }
  return serializeXml(parsed);
}

/**
 * The problem when uploading `adding` new policies would take the tenant over B2C's limit on
 * policies (user flows + custom policies), or undefined when it fits.
 */
export function policyCountProblem(tenant: { customPolicies: number; userFlows: number }, adding: ReadonlyArray<string>): string | undefined {
  const existing = tenant.customPolicies + tenant.userFlows;
  if (existing + adding.length <= TENANT_POLICY_LIMIT) return undefined;
  return (
    `the tenant has ${existing} policies (${tenant.customPolicies} custom policies, ${tenant.userFlows} user flows) and this release adds ` +
    `${adding.length} (${adding.join(", ")}): ${existing + adding.length} is over B2C's limit of ${TENANT_POLICY_LIMIT} policies per tenant ` +
    `(user flows + custom policies, ${SERVICE_LIMITS_PAGE}). Lower versioning.keep, delete policies the tenant no longer uses, or ask Support to raise the limit.`
  );
}

/** One release of a chain as recorded: its tag and its policy ids in upload order (parents first). */
export interface PolicyRelease {
  /** The release's tag: a short hash of its policies' content (8 hex digits, e.g. "1a2b3c4d"). */
  tag: string;
  /** Its policy ids, parents first. */
  policyIds: string[];
  /** ISO time the relying parties were switched to it (absent while it was never active). */
  switchedAt?: string;
}

/**
 * The releases after switching to `active`: it goes first, the others follow by how recently they
 * were active; the first `keep` are kept and the rest are pruned. A release rolled back from goes
 * before one that was active earlier, so the last known good release is never the one pruned.
 */
export function releasesAfterSwitch(
  history: ReadonlyArray<PolicyRelease>,
  active: PolicyRelease,
  keep: number,
): { kept: PolicyRelease[]; pruned: PolicyRelease[] } {
  const ordered = [active, ...history.filter((r) => r.tag !== active.tag)];
  return { kept: ordered.slice(0, keep), pruned: ordered.slice(keep) };
}

/**
 * The ids to delete for pruned releases, children first (each release in reverse upload order),
 * never an id a kept release also holds.
 */
export function pruneOrder(pruned: ReadonlyArray<PolicyRelease>, kept: ReadonlyArray<PolicyRelease>): string[] {
  const keptIds = new Set(kept.flatMap((r) => r.policyIds.map(policyIdKey)));
  const ids: string[] = [];
  for (const release of pruned) for (const id of [...release.policyIds].reverse()) if (!keptIds.has(policyIdKey(id)) && !ids.includes(id)) ids.push(id);
  return ids;
}

/**
 * `DeploymentMode="Development"` in a production set: Microsoft advises against it in production,
 * as Application Insights then collects every claim exchanged with identity providers
 * (https://learn.microsoft.com/azure/active-directory-b2c/best-practices).
 */
export function developmentModeWarnings(docs: ReadonlyArray<{ fileName: string; parsed?: Document }>): { file: string; line: number; message: string }[] {
  const warnings: { file: string; line: number; message: string }[] = [];
  for (const { fileName, parsed } of docs) {
    const root = parsed?.documentElement;
    if (!root || (root.getAttribute("DeploymentMode") ?? "").trim().toLowerCase() !== "development") continue;
    const line = attributeLine(root, "DeploymentMode");
    warnings.push({
      file: fileName,
      line,
      message: `${fileName}:${line}: DeploymentMode="Development" in a set marked production: not recommended in production, where Application Insights would collect every claim sent to and from identity providers (${BEST_PRACTICES_PAGE})`,
    });
  }
  return warnings;
}
