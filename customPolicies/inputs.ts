// What a custom policy resource is given: the inputs, their local check, and the document packed
// for state (policyDocument.ts). No Graph call here.
import { InputProblem } from "../domain/problems";
import { policyDocumentProblem } from "./rules";
import { isUnknown } from "../kernel/providerContext";
import { normalizePolicyForDiff, policyIdOfXml, sameId, unpackPolicyXml } from "./document";

/** Inputs of the policy dynamic resource (after check). */
export interface TrustFrameworkPolicyInputs {
  /** PolicyId, e.g. B2C_1A_TrustFrameworkBase; must equal the XML's PolicyId (case-insensitive). */
  policyId: string;
  /** The policy document, placeholders substituted, ready to upload. */
  xml: string;
  /** Hash of what the upload depends on (BasePolicy content, key set ids): a change re-uploads. */
  dependsOnHash?: string;
  /** The BasePolicy's PolicyId when it is uploaded just before this policy (by the same program): "cannot be found" for it is retried for a while. */
  basePolicyId?: string;
  /** Key set ids the policy references (StorageReferenceId) that may have just been created. */
  keySetIds?: string[];
  /** A policy with this id may exist already: replace it and manage it (left in the tenant on destroy). */
  adoptExisting?: boolean;
}

/** The inputs as kept in state: the document packed. State from before packing has `xml` instead. */
export interface StoredPolicyInputs extends Omit<TrustFrameworkPolicyInputs, "xml"> {
  /** packPolicyXml of the document. */
  xmlPacked?: string;
  xml?: string;
}

/** The inputs with the document unpacked (UNKNOWN stays UNKNOWN); a plain `xml` wins over a packed one. */
export function withDocument(stored: StoredPolicyInputs): TrustFrameworkPolicyInputs {
  const { xmlPacked, ...rest } = stored;
  if (rest.xml !== undefined) return rest as TrustFrameworkPolicyInputs;
  const xml = typeof xmlPacked === "string" && !isUnknown(xmlPacked) ? unpackPolicyXml(xmlPacked) : xmlPacked;
  return { ...rest, xml: xml as string };
}

const POLICY_ID_PATTERN = /^B2C_1A_[A-Za-z0-9_.-]+$/i;

/** The local check of the inputs (the document unpacked): the provider's `check` and the resource's constructor. */
export function checkPolicyInputs(news: Partial<Record<keyof TrustFrameworkPolicyInputs, unknown>>): InputProblem[] {
  const problems: InputProblem[] = [];
  const policyId = news.policyId;
  if (!isUnknown(policyId) && (typeof policyId !== "string" || !POLICY_ID_PATTERN.test(policyId.trim()))) {
    problems.push({ argument: "policyId", reason: `must be a custom policy id like B2C_1A_TrustFrameworkBase, got ${JSON.stringify(policyId)}` });
  }
  const xml = news.xml;
  if (!isUnknown(xml)) {
    const documentProblem = typeof xml === "string" ? policyDocumentProblem(xml) : undefined;
    if (typeof xml !== "string" || xml.trim() === "") {
      problems.push({ argument: "xml", reason: "must be the policy document (non-empty XML text)" });
    } else if (documentProblem) {
      problems.push({ argument: "xml", reason: documentProblem });
    } else {
      const inXml = policyIdOfXml(xml);
      if (!inXml) {
        problems.push({ argument: "xml", reason: "has no TrustFrameworkPolicy root element with a PolicyId attribute" });
      } else if (typeof policyId === "string" && !isUnknown(policyId) && !sameId(inXml, policyId)) {
        problems.push({ argument: "xml", reason: `PolicyId ${inXml} in the document is not the resource's policyId ${policyId}` });
      } else {
        try {
          normalizePolicyForDiff(xml);
        } catch (error) {
          problems.push({ argument: "xml", reason: `is ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }
  }
  if (news.adoptExisting !== undefined && !isUnknown(news.adoptExisting) && typeof news.adoptExisting !== "boolean") {
    problems.push({ argument: "adoptExisting", reason: "must be true or false" });
  }
  if (news.keySetIds !== undefined && !isUnknown(news.keySetIds) && !Array.isArray(news.keySetIds)) {
    problems.push({ argument: "keySetIds", reason: "must be a list of key set ids" });
  }
  return problems;
}
