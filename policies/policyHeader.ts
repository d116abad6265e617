/**
 * Reads the identifying attributes of a TrustFrameworkPolicy document (PolicyId, TenantId,
 * PublicPolicyUri and the BasePolicy reference), each with the line it is written on.
 */
import type { Document } from "@xmldom/xmldom";
import { attributeLine, firstChildElement, lineOf, localNameOf, textOf } from "./xmlDocument";

export interface LocatedValue {
  value: string;
  line: number;
}

export interface PolicyHeader {
  /** Local name of the root element (should be TrustFrameworkPolicy). */
  rootName: string;
  rootLine: number;
  policyId?: LocatedValue;
  tenantId?: LocatedValue;
  publicPolicyUri?: LocatedValue;
  basePolicy?: {
    line: number;
    tenantId?: LocatedValue;
    policyId?: LocatedValue;
  };
}

export function readPolicyHeader(doc: Document): PolicyHeader {
  const root = doc.documentElement!;
  const attribute = (name: string): LocatedValue | undefined =>
    root.hasAttribute(name) ? { value: root.getAttribute(name) ?? "", line: attributeLine(root, name) } : undefined;
  const header: PolicyHeader = {
    rootName: localNameOf(root),
    rootLine: lineOf(root),
    policyId: attribute("PolicyId"),
    tenantId: attribute("TenantId"),
    publicPolicyUri: attribute("PublicPolicyUri"),
  };
  const base = firstChildElement(root, "BasePolicy");
  if (base) {
    const tenant = firstChildElement(base, "TenantId");
    const policy = firstChildElement(base, "PolicyId");
    header.basePolicy = {
      line: lineOf(base),
      tenantId: tenant ? { value: textOf(tenant), line: lineOf(tenant) } : undefined,
      policyId: policy ? { value: textOf(policy), line: lineOf(policy) } : undefined,
    };
  }
  return header;
}

/** Policy ids are case-insensitive in B2C (the service reports them upper-cased). */
export function policyIdKey(policyId: string): string {
  return policyId.trim().toUpperCase();
}
