/**
 * Cross-references inside a policy chain: which claim types, claims transformations and technical
 * profiles a set of policies defines, and which of them a piece of policy XML refers to.
 * Used to make sure a rendered ClaimsProvider only references things its base policies define.
 */
import type { Element, Node } from "@xmldom/xmldom";
import { descendantElements, parseXml } from "./xmlDocument";

export interface PolicyDefinitions {
  claimTypes: Set<string>;
  claimsTransformations: Set<string>;
  technicalProfiles: Set<string>;
}

export interface PolicyReferences {
  claimTypes: Set<string>;
  claimsTransformations: Set<string>;
  technicalProfiles: Set<string>;
}

export interface MissingReferences {
  claimTypes: string[];
  claimsTransformations: string[];
  technicalProfiles: string[];
}

function asNode(policy: string | Node): Node {
  return typeof policy === "string" ? parseXml(policy).doc : policy;
}

/** Ids defined by the given policies or policy fragments (the whole chain: base, localization, extensions...). */
export function collectDefinitions(policies: ReadonlyArray<string | Node>): PolicyDefinitions {
  const definitions: PolicyDefinitions = {
    claimTypes: new Set(),
    claimsTransformations: new Set(),
    technicalProfiles: new Set(),
  };
  for (const policy of policies) {
    const doc = asNode(policy);
    for (const e of descendantElements(doc, "ClaimType")) addId(definitions.claimTypes, e, "Id");
    for (const e of descendantElements(doc, "ClaimsTransformation")) addId(definitions.claimsTransformations, e, "Id");
    for (const e of descendantElements(doc, "TechnicalProfile")) addId(definitions.technicalProfiles, e, "Id");
  }
  return definitions;
}

function addId(set: Set<string>, element: Element, attribute: string): void {
  const value = element.getAttribute(attribute);
  if (value) set.add(value);
}

/**
 * Ids referenced by a subtree: ClaimTypeReferenceId (anywhere), Input/OutputClaimsTransformation
 * ReferenceId, and technical-profile references (session management, includes, validation
 * profiles, claims exchanges).
 */
export function collectReferences(root: Node): PolicyReferences {
  const references: PolicyReferences = {
    claimTypes: new Set(),
    claimsTransformations: new Set(),
    technicalProfiles: new Set(),
  };
  const visit = (node: Node): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== 1) continue;
      const element = child as Element;
      const name = element.localName ?? element.nodeName;
      const claimType = element.getAttribute("ClaimTypeReferenceId");
      if (claimType) references.claimTypes.add(claimType);
      if (name === "OutputClaimsTransformation" || name === "InputClaimsTransformation") {
        addId(references.claimsTransformations, element, "ReferenceId");
      }
      if (
        name === "UseTechnicalProfileForSessionManagement" ||
        name === "IncludeTechnicalProfile" ||
        name === "ValidationTechnicalProfile"
      ) {
        addId(references.technicalProfiles, element, "ReferenceId");
      }
      if (name === "ClaimsExchange") addId(references.technicalProfiles, element, "TechnicalProfileReferenceId");
      visit(element);
    }
  };
  visit(root);
  return references;
}

/** Ids that `references` uses but `definitions` does not define (sorted). */
export function findMissingReferences(references: PolicyReferences, definitions: PolicyDefinitions): MissingReferences {
  const missing = (used: Set<string>, defined: Set<string>): string[] => [...used].filter((id) => !defined.has(id)).sort();
  return {
    claimTypes: missing(references.claimTypes, definitions.claimTypes),
    claimsTransformations: missing(references.claimsTransformations, definitions.claimsTransformations),
    technicalProfiles: missing(references.technicalProfiles, definitions.technicalProfiles),
  };
}

export function hasMissingReferences(missing: MissingReferences): boolean {
  return missing.claimTypes.length + missing.claimsTransformations.length + missing.technicalProfiles.length > 0;
}

/** "claim types: UserId; claims transformations: CreateSubjectClaimFromAlternativeSecurityId" */
export function describeMissingReferences(missing: MissingReferences): string {
  const parts: string[] = [];
  if (missing.claimTypes.length) parts.push(`claim types: ${missing.claimTypes.join(", ")}`);
  if (missing.claimsTransformations.length) parts.push(`claims transformations: ${missing.claimsTransformations.join(", ")}`);
  if (missing.technicalProfiles.length) parts.push(`technical profiles: ${missing.technicalProfiles.join(", ")}`);
  return parts.join("; ");
}
