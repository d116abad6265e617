// Custom policy checks the emulator runs on upload (checklist item 28): well-formed XML
// (AADB2C90113), PolicyId = URL id, TenantId = tenant, BasePolicy exists, every StorageReferenceId
// names an existing (visible) keyset. No XSD validation here.
// The BasePolicy must be in the tenant before its child is uploaded: Microsoft's tutorial uploads
// the files in that order because "each file builds on the previous"
// (https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#upload-the-policies),
// and the service answers "Policy with 'policyId': … cannot be found in the directory" otherwise
// (Azure-Samples/active-directory-b2c-custom-policy-starterpack#113; docs/graph-b2c-api.md).
import { DOMParser } from "@xmldom/xmldom";
import { aadb2cError, policyValidationFailed } from "./errorCatalogue";

export interface PolicyValidationContext {
  tenantId: string;
  tenantDomain: string;
  /** Whether a policy with this id exists (case-insensitive). */
  policyExists(id: string): boolean;
  /** Whether a keyset with this id exists and is visible (outside the consistency window). */
  keySetVisible(id: string): boolean;
  /** Run the semantic checks (behaviour.validatePolicies); well-formedness is always checked. */
  semanticChecks: boolean;
  /** Status of a validation failure (behaviour.policyValidationStatus); default 400. */
  validationStatus?: 400 | 422;
}

export interface ParsedPolicy {
  policyId: string;
}

interface XmlElement {
  localName: string | null;
  nodeName: string;
  getAttribute(name: string): string | null;
  attributes: { length: number; item(i: number): { name: string; value: string } | null };
  childNodes: { length: number; item(i: number): XmlNode | null };
  textContent: string | null;
}
interface XmlNode {
  nodeType: number;
}

function elementChildren(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let i = 0; i < element.childNodes.length; i++) {
    const node = element.childNodes.item(i);
    if (node && node.nodeType === 1) out.push(node as unknown as XmlElement);
  }
  return out;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return elementChildren(element).find((c) => (c.localName ?? c.nodeName) === name);
}

function descendants(element: XmlElement, out: XmlElement[] = []): XmlElement[] {
  for (const c of elementChildren(element)) {
    out.push(c);
    descendants(c, out);
  }
  return out;
}

/** Parses the XML; a syntax error becomes 400 AADB2C90113 with line and column. */
export function parsePolicyXml(xml: string): XmlElement {
  const errors: Array<{ message: string; line?: number; column?: number }> = [];
  let documentElement: XmlElement | null = null;
  try {
    const parser = new DOMParser({
      onError: (level: string, message: string) => {
        if (level !== "warning") errors.push({ message });
      },
    });
    const document = parser.parseFromString(xml, "application/xml");
    documentElement = (document?.documentElement as unknown as XmlElement) ?? null;
  } catch (err) {
    const locator = (err as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    errors.unshift({ message: String((err as Error).message ?? err), line: locator?.lineNumber, column: locator?.columnNumber });
  }
  if (errors.length > 0 || !documentElement) {
    const first = errors[0] ?? { message: "missing root element" };
    const located = /@#\[line:(\d+),col:(\d+)\]/.exec(first.message);
    const line = first.line ?? (located ? Number(located[1]) : 1);
    const column = first.column ?? (located ? Number(located[2]) : 1);
    const text = first.message.replace(/\s*@#\[line:.*$/s, "").replace(/^\[xmldom \w+\]\s*/, "").trim();
    throw aadb2cError(400, "AADB2C90113", [line, column, text.replace(/\.$/, "")]);
  }
  return documentElement;
}

/**
 * Validates a policy document. `urlId` is the id from the request URI (PUT), undefined for POST.
 * Returns the PolicyId; throws the B2C "Validation failed: N validation error(s)…" error.
 */
export function validatePolicy(xml: string, urlId: string | undefined, context: PolicyValidationContext): ParsedPolicy {
  const root = parsePolicyXml(xml);
  const rootName = root.localName ?? root.nodeName;
  const policyId = root.getAttribute("PolicyId") ?? "";
  const shownId = (policyId || urlId || "").toUpperCase();
  const details: string[] = [];
  if (rootName !== "TrustFrameworkPolicy") {
    details.push(`The root element must be 'TrustFrameworkPolicy' but is '${rootName}'.`);
  }
  if (!policyId) details.push("The 'PolicyId' attribute of TrustFrameworkPolicy is missing.");
  if (urlId !== undefined && policyId && policyId.toLowerCase() !== urlId.toLowerCase()) {
    details.push(`PolicyId in the policy xml '${policyId}' does not match the policy id '${urlId}' in the request uri.`);
  }
  if (context.semanticChecks && rootName === "TrustFrameworkPolicy") {
    const tenant = root.getAttribute("TenantId") ?? "";
    const knownTenant = (value: string) =>
      value.toLowerCase() === context.tenantDomain.toLowerCase() || value.toLowerCase() === context.tenantId.toLowerCase();
    if (!knownTenant(tenant)) {
      details.push(`TenantId in the policy xml '${tenant}' is not same as the one in login tenant '${context.tenantDomain}'.`);
    }
    const base = child(root, "BasePolicy");
    if (base) {
      const baseTenant = child(base, "TenantId")?.textContent?.trim() ?? "";
      const basePolicyId = child(base, "PolicyId")?.textContent?.trim() ?? "";
      if (!knownTenant(baseTenant)) {
        details.push(`TenantId in the BasePolicy '${baseTenant}' is not same as the one in login tenant '${context.tenantDomain}'.`);
      }
      if (!basePolicyId) {
        details.push("The BasePolicy element has no PolicyId.");
      } else if (!context.policyExists(basePolicyId)) {
        details.push(`Policy with 'policyId': ${basePolicyId.toUpperCase()} cannot be found in the directory '${context.tenantDomain}'.`);
      }
    }
    const seen = new Set<string>();
    for (const element of descendants(root)) {
      const reference = element.getAttribute("StorageReferenceId");
      if (!reference || seen.has(reference.toLowerCase())) continue;
      seen.add(reference.toLowerCase());
      if (!context.keySetVisible(reference)) {
        details.push(`Tenant '${context.tenantDomain}' does not have CryptographicKey referenced by storageReferenceId "${reference}".`);
      }
    }
  }
  if (details.length > 0) throw policyValidationFailed(shownId, context.tenantDomain, details, context.validationStatus);
  return { policyId };
}

/** Adds the attribute to the root TrustFrameworkPolicy element when it has none of that name. */
function withRootAttribute(xml: string, name: string, value: string): string {
  const rootStart = /<(?:[\w.-]+:)?TrustFrameworkPolicy\b[^>]*>/.exec(xml);
  if (!rootStart || new RegExp(`\\s${name}\\s*=`).test(rootStart[0])) return xml;
  const insertAt = rootStart.index + rootStart[0].search(/TrustFrameworkPolicy/) + "TrustFrameworkPolicy".length;
  return `${xml.slice(0, insertAt)} ${name}="${value}"${xml.slice(insertAt)}`;
}

/**
 * Adds TenantObjectId="<tenant id>" to the root element when missing: an optional attribute of
 * TrustFrameworkPolicy that downloaded policies may carry (https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy).
 */
export function withTenantObjectId(xml: string, tenantId: string): string {
  return withRootAttribute(xml, "TenantObjectId", tenantId);
}

/** Adds PublicPolicyUri="http://<tenant>/<PolicyId>" to the root element when missing. */
export function withPublicPolicyUri(xml: string, policyId: string, tenantDomain: string): string {
  return withRootAttribute(xml, "PublicPolicyUri", `http://${tenantDomain}/${policyId}`);
}

/** The BasePolicy's PolicyId of a stored (already validated) document, if it has one. */
export function basePolicyIdOf(xml: string): string | undefined {
  try {
    const base = child(parsePolicyXml(xml), "BasePolicy");
    return (base && child(base, "PolicyId")?.textContent?.trim()) || undefined;
  } catch {
    return undefined;
  }
}
