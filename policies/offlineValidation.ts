/**
 * Offline checks of a custom-policy set before upload: everything that can be known without
 * calling Graph, reported as one readable line per problem ("file:line: problem"), e.g.
 *
 *   TrustFrameworkExtensions.xml:13: BasePolicy B2C_1A_TrustFrameworkBase is neither in this policy set nor in the tenant
 *
 * Checks (each problem carries its `kind`):
 * - not-well-formed   the XML does not parse (no further checks for that file)
 * - schema            TrustFrameworkPolicy_0.3.0.0.xsd rejects it (xmllint-wasm, one run for the set)
 * - tenant            TenantId or BasePolicy/TenantId is not the stack's tenant
 * - base-policy       BasePolicy is neither in the set nor among existingPolicyIds
 * - policy-key        a StorageReferenceId is neither in declaredKeySetIds nor in existingKeySetIds
 *                     (reported once per key set and file, at its first use)
 * - placeholder       a sample value / {Settings:...} token is still in the policy
 * - duplicate-policy  two files in the set have the same PolicyId
 * - cycle             the BasePolicy chain loops
 * Policy ids and key set ids compare case-insensitively (B2C reports them upper-cased). Lists that
 * are not given count as empty: then only what is in the set (or declared) is known to exist.
 *
 * Checks no stricter than the service: what it accepts is at most a warning (policySetWarnings).
 * A PublicPolicyUri host other than the tenant is one: Microsoft's own QQ how-to uploads
 * `PublicPolicyUri="http://contoso.com/..."`
 * (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-qq?pivots=b2c-custom-policy).
 */
import { findLeftoverPlaceholders } from "./placeholders";
import { policyIdKey, readPolicyHeader, type PolicyHeader } from "./policyHeader";
import { validatePoliciesAgainstSchema } from "./xsdValidation";
import { attributeLine, descendantElements, parseXml, type ParsedXml, XmlSyntaxError } from "./xmlDocument";

export interface PolicyDocument {
  fileName: string;
  xml: string;
  /** The document already parsed from `xml` (by the caller's plan), so it is not parsed again. */
  parsed?: ParsedXml["doc"];
}

export interface PolicySetContext {
  /** The stack's tenant domain, e.g. "contoso.onmicrosoft.com". */
  tenantDomain: string;
  /** Policy ids already uploaded to the tenant. */
  existingPolicyIds?: string[];
  /** Key set ids the stack creates (B2C_1A_...). */
  declaredKeySetIds?: string[];
  /** Key set ids already in the tenant. */
  existingKeySetIds?: string[];
}

export type PolicyProblemKind =
  | "not-well-formed"
  | "schema"
  | "tenant"
  | "base-policy"
  | "policy-key"
  | "placeholder"
  | "duplicate-policy"
  | "cycle"
  /** Warning only (policySetWarnings): the PublicPolicyUri host is not the tenant. */
  | "public-policy-uri";

export interface PolicyProblem {
  file: string;
  line: number;
  problem: string;
  kind: PolicyProblemKind;
  /** `${file}:${line}: ${problem}` */
  message: string;
}

interface ParsedPolicy {
  index: number;
  fileName: string;
  xml: string;
  header: PolicyHeader;
  doc: ReturnType<typeof parseXml>["doc"];
}

function problem(file: string, line: number, kind: PolicyProblemKind, text: string): PolicyProblem {
  return { file, line, problem: text, kind, message: `${file}:${line}: ${text}` };
}

/** One line per problem, in file and line order. */
export function formatPolicyProblems(problems: ReadonlyArray<PolicyProblem>): string {
  return problems.map((p) => p.message).join("\n");
}

export async function validatePolicySet(
  docs: ReadonlyArray<PolicyDocument>,
  ctx: PolicySetContext,
): Promise<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  const tenant = ctx.tenantDomain.trim().toLowerCase();
  const parsed: ParsedPolicy[] = [];

  docs.forEach((doc, index) => {
    try {
      const dom = doc.parsed ?? parseXml(doc.xml).doc;
      parsed.push({ index, fileName: doc.fileName, xml: doc.xml, doc: dom, header: readPolicyHeader(dom) });
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      problems.push(problem(doc.fileName, error.line, "not-well-formed", `not well-formed XML: ${error.detail}`));
    }
  });

  // Schema: one xmllint run for every well-formed document.
  const schemaResults = await validatePoliciesAgainstSchema(parsed.map((p) => ({ fileName: p.fileName, xml: p.xml })));
  schemaResults.forEach((result, i) => {
    for (const error of result.errors) {
      problems.push(problem(parsed[i].fileName, error.line ?? 1, "schema", `does not match the policy schema: ${error.message}`));
    }
  });

  // Index of PolicyIds in the set (first definition wins; later ones are duplicates).
  const byPolicyId = new Map<string, ParsedPolicy>();
  for (const p of parsed) {
    const id = p.header.policyId;
    if (!id || !id.value) continue;
    const key = policyIdKey(id.value);
    const first = byPolicyId.get(key);
    if (first) {
      problems.push(
        problem(p.fileName, id.line, "duplicate-policy", `PolicyId ${id.value} is also the PolicyId of ${first.fileName}`),
      );
    } else {
      byPolicyId.set(key, p);
    }
  }

  const existingPolicies = new Set((ctx.existingPolicyIds ?? []).map(policyIdKey));
  const knownKeySets = new Set([...(ctx.declaredKeySetIds ?? []), ...(ctx.existingKeySetIds ?? [])].map((id) => id.trim().toUpperCase()));

  for (const p of parsed) {
    const { header } = p;

    // Tenant.
    if (header.tenantId && header.tenantId.value.trim().toLowerCase() !== tenant) {
      problems.push(
        problem(p.fileName, header.tenantId.line, "tenant", `TenantId ${header.tenantId.value} is not the stack's tenant ${ctx.tenantDomain}`),
      );
    }
    const baseTenant = header.basePolicy?.tenantId;
    if (baseTenant && baseTenant.value.toLowerCase() !== tenant) {
      problems.push(
        problem(p.fileName, baseTenant.line, "tenant", `BasePolicy TenantId ${baseTenant.value} is not the stack's tenant ${ctx.tenantDomain}`),
      );
    }

    // Base policy.
    const base = header.basePolicy?.policyId;
    if (base && base.value) {
      const key = policyIdKey(base.value);
      if (!byPolicyId.has(key) && !existingPolicies.has(key)) {
        problems.push(
          problem(p.fileName, base.line, "base-policy", `BasePolicy ${base.value} is neither in this policy set nor in the tenant`),
        );
      }
    }

    // Policy keys: one report per unknown key set per file, at its first use.
    const reportedKeys = new Set<string>();
    for (const key of descendantElements(p.doc, "Key")) {
      const reference = key.getAttribute("StorageReferenceId");
      if (!reference) continue;
      const keySet = reference.trim().toUpperCase();
      if (!knownKeySets.has(keySet) && !reportedKeys.has(keySet)) {
        reportedKeys.add(keySet);
        problems.push(
          problem(
            p.fileName,
            attributeLine(key, "StorageReferenceId"),
            "policy-key",
            `StorageReferenceId ${reference} is neither a policy key this stack creates nor one in the tenant`,
          ),
        );
      }
    }

    // Placeholders.
    for (const leftover of findLeftoverPlaceholders(p.xml)) {
      problems.push(problem(p.fileName, leftover.line, "placeholder", `placeholder "${leftover.placeholder}" is still in the policy`));
    }
  }

  // Cycles in the BasePolicy chain (among the policies of the set), each reported once.
  const reported = new Set<string>();
  for (const start of parsed) {
    const startId = start.header.policyId?.value;
    if (!startId || byPolicyId.get(policyIdKey(startId)) !== start) continue;
    const path: ParsedPolicy[] = [];
    const position = new Map<string, number>();
    let current: ParsedPolicy | undefined = start;
    while (current) {
      const key = policyIdKey(current.header.policyId!.value);
      if (position.has(key)) {
        const cycle = path.slice(position.get(key)!);
        const cycleKey = cycle.map((c) => policyIdKey(c.header.policyId!.value)).sort().join(">");
        if (!reported.has(cycleKey)) {
          reported.add(cycleKey);
          // Report at the member that comes first in the input, following the chain from there.
          const first = cycle.reduce((a, b) => (b.index < a.index ? b : a));
          const from = cycle.indexOf(first);
          const ordered = [...cycle.slice(from), ...cycle.slice(0, from)];
          const names = [...ordered, ordered[0]].map((c) => c.header.policyId!.value).join(" -> ");
          problems.push(problem(first.fileName, first.header.basePolicy?.policyId?.line ?? first.header.rootLine, "cycle", `BasePolicy chain is a cycle: ${names}`));
        }
        break;
      }
      position.set(key, path.length);
      path.push(current);
      const baseId: string | undefined = current.header.basePolicy?.policyId?.value;
      current = baseId ? byPolicyId.get(policyIdKey(baseId)) : undefined;
    }
  }

  const order = new Map(docs.map((d, i) => [d.fileName, i]));
  return problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
}

/**
 * What the service accepts but is probably a slip, one line per finding (same shape as the
 * problems; nothing here stops an upload): a PublicPolicyUri whose host is not the stack's tenant.
 * Documents that do not parse are skipped (validatePolicySet reports them).
 */
export function policySetWarnings(docs: ReadonlyArray<PolicyDocument>, ctx: Pick<PolicySetContext, "tenantDomain">): PolicyProblem[] {
  const tenant = ctx.tenantDomain.trim().toLowerCase();
  const warnings: PolicyProblem[] = [];
  for (const doc of docs) {
    let header: PolicyHeader;
    try {
      header = readPolicyHeader(doc.parsed ?? parseXml(doc.xml).doc);
    } catch (error) {
      if (error instanceof XmlSyntaxError) continue;
      throw error;
    }
    const uri = header.publicPolicyUri;
    if (!uri) continue;
    const host = hostOf(uri.value);
    if (host === tenant) continue;
    const text =
      host === undefined
        ? `PublicPolicyUri ${uri.value} is not a URL on the stack's tenant ${ctx.tenantDomain} (accepted by the service; usually http://${ctx.tenantDomain}/<PolicyId>)`
        : `PublicPolicyUri host ${host} is not the stack's tenant ${ctx.tenantDomain} (accepted by the service; usually http://${ctx.tenantDomain}/<PolicyId>)`;
    warnings.push(problem(doc.fileName, uri.line, "public-policy-uri", text));
  }
  return warnings;
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri.trim()).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
