/**
 * Parsing, serializing and navigating custom-policy XML with @xmldom/xmldom.
 *
 * Shared by the policy modules. Parsing keeps line numbers (xmldom's locator) and turns any
 * well-formedness error into an XmlSyntaxError that carries the line. Serializing writes the DOM
 * back in the starter pack's own style (`<Element Attr="v" />`, whitespace text nodes kept as they
 * were, the root start tag kept verbatim when its attributes did not change), so a merged policy
 * stays readable and diffs against the user's file stay small.
 */
import { DOMParser, ParseError } from "@xmldom/xmldom";
import type { Document, Element, Node } from "@xmldom/xmldom";

/** Default namespace of TrustFrameworkPolicy documents (schema 0.3.0.0). */
export const POLICY_NAMESPACE = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";

const ELEMENT_NODE = 1;
const ATTRIBUTE_NODE = 2;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;
const DOCUMENT_TYPE_NODE = 10;

export const NodeTypes = {
  ELEMENT_NODE,
  ATTRIBUTE_NODE,
  TEXT_NODE,
  CDATA_SECTION_NODE,
  PROCESSING_INSTRUCTION_NODE,
  COMMENT_NODE,
  DOCUMENT_NODE,
  DOCUMENT_TYPE_NODE,
} as const;

/** The document is not well-formed XML. `line` is 1-based. */
export class XmlSyntaxError extends Error {
  readonly line: number;
  readonly detail: string;
  constructor(detail: string, line: number) {
    super(`line ${line}: ${detail}`);
    this.name = "XmlSyntaxError";
    this.line = line;
    this.detail = detail;
  }
}

/** A parsed policy document plus what is needed to write it back in its original shape. */
export interface ParsedXml {
  doc: Document;
  /** The source started with a UTF-8 byte order mark (the starter pack files do). */
  hadBom: boolean;
  /** The root start tag exactly as written in the source (multi-line attribute layout). */
  rootStartTag: string | undefined;
  /** The root's attributes as parsed, to detect whether they were changed before serializing. */
  rootAttributeSignature: string;
}

export function stripBom(xml: string): { text: string; hadBom: boolean } {
  return xml.charCodeAt(0) === 0xfeff ? { text: xml.slice(1), hadBom: true } : { text: xml, hadBom: false };
}

/** Parses XML (a leading BOM is allowed). Throws XmlSyntaxError with the line on any error or fatal error. */
export function parseXml(xml: string): ParsedXml {
  const { text, hadBom } = stripBom(xml);
  let doc: Document;
  let first: { message: string; line?: number; column?: number } | undefined;
  try {
    doc = new DOMParser({
      locator: true,
      onError: (level, message, context) => {
        if (level === "warning") return;
        const locator = (context as { locator?: { lineNumber?: number; columnNumber?: number } } | undefined)?.locator;
        first ??= { message, line: locator?.lineNumber, column: locator?.columnNumber };
        // Throwing stops parsing; xmldom rethrows it as a ParseError.
        throw new Error(message);
      },
    }).parseFromString(text, "text/xml");
  } catch (error) {
    if (error instanceof ParseError || first) {
      const locator = (error as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
      const message = first?.message ?? (error as Error).message;
      const line = first?.line ?? locator?.lineNumber;
      const column = first?.column ?? locator?.columnNumber;
      throw new XmlSyntaxError(cleanParserMessage(message), errorLine(text, message, line, column));
    }
    throw error;
  }
  const root = doc.documentElement;
  if (!root) throw new XmlSyntaxError("missing root element", 1);
  return {
    doc,
    hadBom,
    rootStartTag: findRootStartTag(text, root.nodeName),
    rootAttributeSignature: attributeSignature(root),
  };
}

function cleanParserMessage(message: string): string {
  // xmldom appends "\n@#[line:..,col:..]" to some messages; the line is reported separately.
  return message.replace(/\s*@#\[line:\d+,col:\d+\]\s*$/, "").split("\n")[0].trim();
}

/**
 * The line to report. xmldom's locator points at the last text or tag it positioned on; for a
 * mismatched end tag that is the text before it, so look for the offending end tag from there.
 */
function errorLine(text: string, message: string, line: number | undefined, column: number | undefined): number {
  const reported = Math.max(1, line ?? 1);
  const mismatch = /^Opening and ending tag mismatch: "[^"]*" != "([^"]*)"/.exec(message);
  if (mismatch && line !== undefined) {
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
    const from = (lineStarts[reported - 1] ?? 0) + Math.max(0, (column ?? 1) - 1);
    const at = text.indexOf(`</${mismatch[1]}`, from);
    if (at >= 0) return text.slice(0, at).split("\n").length;
  }
  if (/^unclosed xml tag/.test(message)) return text.replace(/\s+$/, "").split("\n").length;
  return reported;
}

function findRootStartTag(text: string, rootName: string): string | undefined {
  // Skip the prolog (declaration, comments, PIs, doctype) and take the first start tag of the root.
  const pattern = new RegExp(`<${rootName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[\\s/>])`, "g");
  const prolog = text.replace(/<!--[\s\S]*?-->/g, (m) => " ".repeat(m.length)).replace(/<\?[\s\S]*?\?>/g, (m) => " ".repeat(m.length));
  const match = pattern.exec(prolog);
  if (!match) return undefined;
  const end = findTagEnd(text, match.index);
  return end < 0 ? undefined : text.slice(match.index, end + 1);
}

/** Index of the `>` that closes the tag starting at `start`, skipping quoted attribute values. */
function findTagEnd(text: string, start: number): number {
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return i;
    }
  }
  return -1;
}

function attributeSignature(element: Element): string {
  return Array.from(element.attributes)
    .map((a) => `${a.name}=${a.value}`)
    .join("\u0000");
}

/** Writes the document back as text (see the module comment for the style). */
export function serializeXml(parsed: ParsedXml): string {
  const out: string[] = [];
  const root = parsed.doc.documentElement;
  const keepRootTag = !!parsed.rootStartTag && !!root && attributeSignature(root) === parsed.rootAttributeSignature;
  for (const node of Array.from(parsed.doc.childNodes)) {
    writeNode(node, out, keepRootTag && node === root ? parsed.rootStartTag : undefined);
  }
  return (parsed.hadBom ? "\uFEFF" : "") + out.join("");
}

/** Serializes a single node (element subtree, text, comment...) in the same style. */
export function serializeNode(node: Node): string {
  const out: string[] = [];
  writeNode(node, out, undefined);
  return out.join("");
}

function writeNode(node: Node, out: string[], verbatimStartTag: string | undefined): void {
  switch (node.nodeType) {
    case ELEMENT_NODE: {
      const element = node as Element;
      const children = Array.from(element.childNodes);
      if (verbatimStartTag && !verbatimStartTag.endsWith("/>")) {
        out.push(verbatimStartTag);
      } else {
        out.push(`<${element.nodeName}`);
        for (const attr of Array.from(element.attributes)) out.push(` ${attr.name}="${escapeAttribute(attr.value)}"`);
        if (children.length === 0) {
          out.push(" />");
          return;
        }
        out.push(">");
      }
      for (const child of children) writeNode(child, out, undefined);
      out.push(`</${element.nodeName}>`);
      return;
    }
    case TEXT_NODE:
      out.push(escapeText((node as unknown as { data: string }).data));
      return;
    case CDATA_SECTION_NODE:
      out.push(`<![CDATA[${(node as unknown as { data: string }).data}]]>`);
      return;
    case COMMENT_NODE:
      out.push(`<!--${(node as unknown as { data: string }).data}-->`);
      return;
    case PROCESSING_INSTRUCTION_NODE: {
      const pi = node as unknown as { target: string; data: string };
      out.push(`<?${pi.target}${pi.data ? " " + pi.data : ""}?>`);
      return;
    }
    case DOCUMENT_TYPE_NODE:
      // Policies have no doctype; keep the name only if one ever appears.
      out.push(`<!DOCTYPE ${node.nodeName}>`);
      return;
    default:
      return;
  }
}

export function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

/** Local name of a node ("ClaimsProvider"), whatever its prefix. */
export function localNameOf(node: Node): string {
  const name = node.nodeName;
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}

export function isElement(node: Node | null | undefined): node is Element {
  return !!node && node.nodeType === ELEMENT_NODE;
}

export function childElements(parent: Node, localName?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (n): n is Element => isElement(n) && (localName === undefined || localNameOf(n) === localName),
  );
}

export function firstChildElement(parent: Node, localName: string): Element | undefined {
  return childElements(parent, localName)[0];
}

/** All descendant elements with the given local name, in document order. */
export function descendantElements(root: Node, localName: string): Element[] {
  const found: Element[] = [];
  const visit = (node: Node): void => {
    for (const child of Array.from(node.childNodes)) {
      if (!isElement(child)) continue;
      if (localNameOf(child) === localName) found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** Trimmed text content of an element ("" when absent). */
export function textOf(element: Element | undefined): string {
  return (element?.textContent ?? "").trim();
}

/** 1-based line of a node or attribute as recorded by the parser (1 when unknown, e.g. created nodes). */
export function lineOf(node: Node | undefined | null): number {
  const line = (node as { lineNumber?: number } | undefined | null)?.lineNumber;
  return typeof line === "number" && line > 0 ? line : 1;
}

/** Line of an attribute when present, else the element's line. */
export function attributeLine(element: Element, attributeName: string): number {
  const attr = element.getAttributeNode(attributeName);
  return attr ? lineOf(attr) : lineOf(element);
}

// ---------------------------------------------------------------------------------------------
// Indentation-aware editing. Policies are indented with spaces, one element per line; new
// elements are inserted on their own line with the indentation of their siblings.

/** The indentation (spaces/tabs after the last newline) in front of an element, or "" if unknown. */
export function indentationOf(element: Element): string {
  const previous = element.previousSibling;
  if (previous && previous.nodeType === TEXT_NODE) {
    const data = (previous as unknown as { data: string }).data;
    const newline = data.lastIndexOf("\n");
    if (newline >= 0 && /^[ \t]*$/.test(data.slice(newline + 1))) return data.slice(newline + 1);
  }
  return "";
}

/** The unit of indentation used by a document (two spaces unless the root's children say otherwise). */
export function indentUnitOf(doc: Document): string {
  const root = doc.documentElement;
  if (root) {
    for (const child of childElements(root)) {
      const indent = indentationOf(child);
      if (indent.length > 0) return indent;
    }
  }
  return "  ";
}

/** Indentation that children of `parent` use (from an existing child, else parent's + one unit). */
export function childIndentationOf(parent: Element): string {
  for (const child of childElements(parent)) {
    const indent = indentationOf(child);
    if (indent.length > 0 || child.previousSibling?.nodeType === TEXT_NODE) return indent;
  }
  return indentationOf(parent) + (parent.ownerDocument ? indentUnitOf(parent.ownerDocument) : "  ");
}

/** Re-indents a subtree: every line break followed by `from` inside it is followed by `to` instead. */
export function reindentSubtree(node: Node, from: string, to: string): void {
  if (from === to) return;
  const visit = (current: Node): void => {
    for (const child of Array.from(current.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        const text = child as unknown as { data: string };
        text.data = text.data.replace(new RegExp(`\\n${escapeRegExp(from)}`, "g"), `\n${to}`);
      } else if (isElement(child)) {
        visit(child);
      }
    }
  };
  visit(node);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface InsertOptions {
  /** Indentation the child's subtree is currently written for ("" for rendered fragments). */
  fromIndent?: string;
  /** Separate the new element from the previous sibling by an empty line. */
  blankLine?: boolean;
}

/**
 * Inserts `child` into `parent` on its own line, before `before` (an element child of `parent`) or
 * after the last element child when `before` is null, indented like its siblings.
 */
export function insertElement(parent: Element, child: Element, before: Element | null, options: InsertOptions = {}): void {
  const doc = parent.ownerDocument;
  if (!doc) throw new Error("cannot insert into an element that belongs to no document");
  const indent = childIndentationOf(parent);
  const lineBreak = options.blankLine ? "\n\n" : "\n";
  reindentSubtree(child, options.fromIndent ?? "", indent);
  if (before) {
    // "<before>" is preceded by "\n<indent>"; put "<child>\n<indent>" right before "<before>".
    parent.insertBefore(child, before);
    parent.insertBefore(doc.createTextNode(`${lineBreak}${indent}`), before);
    return;
  }
  const elements = childElements(parent);
  const last = elements.length > 0 ? elements[elements.length - 1] : null;
  if (last) {
    const after = last.nextSibling;
    parent.insertBefore(doc.createTextNode(`${lineBreak}${indent}`), after);
    parent.insertBefore(child, after);
    return;
  }
  // No element children yet (maybe only whitespace or comments): the child goes before the closing tag.
  const closingIndent = indentationOf(parent);
  const trailing = parent.lastChild;
  if (trailing && trailing.nodeType === TEXT_NODE && /^\s*$/.test((trailing as unknown as { data: string }).data)) {
    // "<Parent>\n\n  </Parent>" -> "<Parent>\n\n<indent><child>\n  </Parent>"
    const text = trailing as unknown as { data: string };
    const newline = text.data.lastIndexOf("\n");
    const head = newline >= 0 ? text.data.slice(0, newline) : text.data;
    text.data = `${head}\n${indent}`;
  } else {
    parent.appendChild(doc.createTextNode(`\n${indent}`));
  }
  parent.appendChild(child);
  parent.appendChild(doc.createTextNode(`\n${closingIndent}`));
}

/** Replaces `oldElement` by `newElement` in place, keeping the surrounding whitespace. */
export function replaceElement(oldElement: Element, newElement: Element, fromIndent = ""): void {
  reindentSubtree(newElement, fromIndent, indentationOf(oldElement));
  oldElement.parentNode?.replaceChild(newElement, oldElement);
}

/**
 * Parses an XML fragment (one element, written for column 0, in the policy namespace) and imports
 * it into `doc`. Throws XmlSyntaxError if the fragment is not well-formed.
 */
export function importFragment(doc: Document, fragmentXml: string): Element {
  const wrapped = `<Fragment xmlns="${POLICY_NAMESPACE}">\n${fragmentXml.trim()}\n</Fragment>`;
  const parsed = parseXml(wrapped);
  const elements = childElements(parsed.doc.documentElement!);
  if (elements.length !== 1) throw new Error(`expected exactly one element in the fragment, found ${elements.length}`);
  return doc.importNode(elements[0], true) as Element;
}

/** Creates an element in the policy namespace (no prefix, no xmlns attribute written). */
export function createPolicyElement(doc: Document, localName: string, attributes: Record<string, string> = {}): Element {
  const element = doc.createElementNS(POLICY_NAMESPACE, localName);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/**
 * Inserts `child` into `parent` respecting a schema sequence: it goes before the first existing
 * child whose local name comes later in `sequence`, else at the end.
 */
export function insertInSequence(
  parent: Element,
  child: Element,
  sequence: readonly string[],
  options: InsertOptions = {},
): void {
  const position = sequence.indexOf(localNameOf(child));
  if (position < 0) throw new Error(`${localNameOf(child)} is not part of the sequence ${sequence.join(", ")}`);
  const later = new Set(sequence.slice(position + 1));
  const before = childElements(parent).find((e) => later.has(localNameOf(e))) ?? null;
  insertElement(parent, child, before, options);
}
