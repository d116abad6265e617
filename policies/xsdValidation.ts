/**
 * Validates custom policies against TrustFrameworkPolicy_0.3.0.0.xsd with xmllint-wasm (libxml2
 * compiled to WebAssembly; no native build).
 *
 * The XSD is bundled at policies/schema/TrustFrameworkPolicy_0.3.0.0.xsd (from Microsoft's custom
 * policy starter pack, MIT, LICENSE beside it). It is read and prepared once per process and cached.
 *
 * Preparation: three xs:pattern facets in that XSD are written "^...$". XSD regular expressions
 * have no anchors (a pattern always matches the whole value), so libxml2 takes ^ and $ as literal
 * characters and rejects valid policies (e.g. every PublicPolicyUri). The leading ^ and trailing $
 * of pattern values are therefore stripped when the schema is loaded.
 *
 * Each xmllint-wasm call starts a worker and compiles the schema (~100 ms); validate a whole policy
 * set with validatePoliciesAgainstSchema() to pay that once.
 */
import * as fs from "fs";
import * as path from "path";
import { POLICY_NAMESPACE, stripBom } from "./xmlDocument";

export const POLICY_SCHEMA_FILE_NAME = "TrustFrameworkPolicy_0.3.0.0.xsd";

export interface SchemaError {
  /** 1-based line in the validated document; null when xmllint reported no position. */
  line: number | null;
  /** xmllint's message without the file/line prefix and with the policy namespace left out. */
  message: string;
}

export interface SchemaValidationResult {
  fileName: string;
  valid: boolean;
  errors: SchemaError[];
}

let cachedSchema: string | undefined;

/** Candidate locations of the bundled schema: next to this module (source tree, or a build that copies it), or the source tree from dist/. */
function schemaCandidates(): string[] {
  return [
    path.join(__dirname, "schema", POLICY_SCHEMA_FILE_NAME),
    path.join(__dirname, "..", "..", "policies", "schema", POLICY_SCHEMA_FILE_NAME),
  ];
}

/** Strips the leading "^" and trailing "$" of every xs:pattern value (see the module comment). */
export function stripPatternAnchors(xsd: string): string {
  return xsd.replace(/(<xs:pattern\b[^>]*?\bvalue=")([^"]*)(")/g, (_match, head: string, value: string, tail: string) => {
    let v = value;
    if (v.startsWith("^")) v = v.slice(1);
    if (v.endsWith("$") && !v.endsWith("\\$")) v = v.slice(0, -1);
    return head + v + tail;
  });
}

/** The prepared schema text (read from disk on first use, then cached for the process). */
export function loadPolicySchema(): string {
  if (cachedSchema !== undefined) return cachedSchema;
  const file = schemaCandidates().find((candidate) => fs.existsSync(candidate));
  if (!file) {
    throw new Error(`${POLICY_SCHEMA_FILE_NAME} not found (looked in ${schemaCandidates().join(", ")})`);
  }
  cachedSchema = stripPatternAnchors(fs.readFileSync(file, "utf8"));
  return cachedSchema;
}

const NAMESPACE_IN_MESSAGES = new RegExp(`\\{${POLICY_NAMESPACE.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\}`, "g");

function cleanMessage(message: string): string {
  return message
    .replace(NAMESPACE_IN_MESSAGES, "")
    .replace(/^(element \S+: )?Schemas validity error : /, "")
    .trim();
}

/**
 * Validates several policies in one xmllint run. Results come back in input order. A document that
 * is not well-formed gets its parser error(s) (with line) and valid=false.
 */
export async function validatePoliciesAgainstSchema(
  docs: ReadonlyArray<{ fileName: string; xml: string }>,
): Promise<SchemaValidationResult[]> {
  if (docs.length === 0) return [];
  const schema = loadPolicySchema();
  // xmllint-wasm splits its output on ':' and rejects names starting with '-': use safe internal names.
  const internalNames = docs.map((_, i) => `policy_${i}.xml`);
  const { validateXML } = await import("xmllint-wasm");
  const result = await validateXML({
    xml: docs.map((doc, i) => ({ fileName: internalNames[i], contents: stripBom(doc.xml).text })),
    schema: { fileName: POLICY_SCHEMA_FILE_NAME, contents: schema },
    // Large base policies need more than the 32 MiB default once several are validated together.
    maxMemoryPages: 4096,
  });
  const byName = new Map<string, SchemaError[]>(internalNames.map((name) => [name, []]));
  const failed = new Set<string>();
  for (const error of result.errors) {
    const raw = error.rawMessage.trim();
    const failing = /^(policy_\d+\.xml) fails to validate$/.exec(raw);
    if (failing) {
      failed.add(failing[1]);
      continue;
    }
    if (error.loc && byName.has(error.loc.fileName)) {
      byName.get(error.loc.fileName)!.push({ line: error.loc.lineNumber, message: cleanMessage(error.message) });
      failed.add(error.loc.fileName);
    }
    // Lines without a position are xmllint's echo of the offending source line and its caret.
  }
  return docs.map((doc, i) => {
    const name = internalNames[i];
    const errors = byName.get(name)!;
    const valid = result.valid || (!failed.has(name) && errors.length === 0);
    if (!valid && errors.length === 0) errors.push({ line: null, message: "fails to validate against the policy schema" });
    return { fileName: doc.fileName, valid, errors };
  });
}

/** Validates one policy; returns its schema errors (empty when valid). */
export async function validatePolicyAgainstSchema(xml: string, fileName = "policy.xml"): Promise<SchemaError[]> {
  const [result] = await validatePoliciesAgainstSchema([{ fileName, xml }]);
  return result.errors;
}
