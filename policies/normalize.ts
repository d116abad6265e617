/**
 * Normalizes custom-policy XML for diffing the desired policy against the one Graph returns.
 *
 * Ignored: the XML declaration (and other processing instructions), a byte order mark, comments,
 * whitespace-only text between elements, the order of attributes, and the root attributes the
 * service adds on download: `PublicPolicyUri` (added when the uploaded policy has none) and
 * `TenantObjectId` (an optional attribute of TrustFrameworkPolicy a download may carry,
 * https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy), so a refresh right
 * after an upload is no change.
 * Everything else counts: element names, order and nesting, attribute names and values, and text
 * (including its leading/trailing spaces; CDATA is compared as the text it holds).
 *
 * The normal form is itself readable XML (one element per line, two-space indentation, attributes
 * sorted), so it can be shown in a diff.
 */
import type { Element, Node } from "@xmldom/xmldom";
import { escapeAttribute, escapeText, isElement, NodeTypes, parseXml } from "./xmlDocument";

/** Root attributes the service manages and that therefore do not count as a difference. */
const IGNORED_ROOT_ATTRIBUTES: ReadonlySet<string> = new Set(["PublicPolicyUri", "TenantObjectId"]);

export function normalizePolicyXml(xml: string): string {
  const { doc } = parseXml(xml);
  const lines: string[] = [];
  writeElement(doc.documentElement!, 0, true, lines);
  return lines.join("\n") + "\n";
}

/** True when the two policies are equal after normalization. Throws XmlSyntaxError if either is not well-formed. */
export function policiesEqual(a: string, b: string): boolean {
  return normalizePolicyXml(a) === normalizePolicyXml(b);
}

function writeElement(element: Element, depth: number, isRoot: boolean, lines: string[]): void {
  const indent = "  ".repeat(depth);
  const attributes = Array.from(element.attributes)
    .filter((a) => !(isRoot && IGNORED_ROOT_ATTRIBUTES.has(a.name)))
    .map((a) => [a.name, a.value] as const)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join("");
  const children = significantChildren(element);
  if (children.length === 0) {
    lines.push(`${indent}<${element.nodeName}${attributes} />`);
    return;
  }
  if (children.every((c) => !isElement(c))) {
    // Text-only element: keep it on one line.
    lines.push(`${indent}<${element.nodeName}${attributes}>${escapeText(textOfNodes(children))}</${element.nodeName}>`);
    return;
  }
  lines.push(`${indent}<${element.nodeName}${attributes}>`);
  let pendingText: Node[] = [];
  const flushText = (): void => {
    if (pendingText.length === 0) return;
    // Text between elements (mixed content, not used by policies) is compared trimmed.
    lines.push(`${indent}  ${escapeText(textOfNodes(pendingText).trim())}`);
    pendingText = [];
  };
  for (const child of children) {
    if (isElement(child)) {
      flushText();
      writeElement(child, depth + 1, false, lines);
    } else {
      pendingText.push(child);
    }
  }
  flushText();
  lines.push(`${indent}</${element.nodeName}>`);
}

/**
 * Children that count: elements, and text/CDATA. In an element without element children all text
 * is kept as is (unless it is only whitespace); between elements whitespace-only text is dropped.
 * Comments and processing instructions are dropped everywhere.
 */
function significantChildren(element: Element): Node[] {
  const nodes = Array.from(element.childNodes).filter(
    (n) => isElement(n) || n.nodeType === NodeTypes.TEXT_NODE || n.nodeType === NodeTypes.CDATA_SECTION_NODE,
  );
  if (!nodes.some(isElement)) {
    return textOfNodes(nodes).trim().length > 0 ? nodes : [];
  }
  return nodes.filter((n) => isElement(n) || textOfNodes([n]).trim().length > 0);
}

function textOfNodes(nodes: Node[]): string {
  return nodes.map((n) => (n as unknown as { data: string }).data).join("");
}
