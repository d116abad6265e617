// A custom policy document as TrustFrameworkPolicy sees it: normalized for comparison, hashed for
// state, its PolicyId, and the text of Graph's XML answers.
import { createHash } from "crypto";
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from "zlib";
import { normalizePolicyXml } from "../policies/normalize";

/** A custom policy the provider could not read, compare or upload; `cause` is Graph's error, if any. */
export class TrustFrameworkPolicyError extends Error {
  override name = "TrustFrameworkPolicyError";
  /** Its kind in the package's error family (kernel/errors.ts): a Graph operation on the policy failed or its answer can't be used. */
  readonly kind = "graph" as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** normalizePolicyXml, with a malformed document reported as this provider's error. */
export function normalizePolicyForDiff(xml: string): string {
  // The same document is normalized by check, diff, create and the outputs of one run (0.33 s of an
  // `up` of a starter pack, bench/README.md): the last few results are kept, by document.
  const known = NORMALIZED.get(xml);
  if (known !== undefined) return known;
  let normalized: string;
  try {
    normalized = normalizePolicyXml(xml);
  } catch (error) {
    throw new TrustFrameworkPolicyError(`not well-formed XML: ${(error as Error).message || "the document could not be parsed"}`);
  }
  if (NORMALIZED.size >= NORMALIZED_KEPT) NORMALIZED.delete(NORMALIZED.keys().next().value!);
  NORMALIZED.set(xml, normalized);
  return normalized;
}

/** Normalized documents by their text, oldest first; a policy set is rarely over a dozen. */
const NORMALIZED = new Map<string, string>();
const NORMALIZED_KEPT = 32;

/**
 * The text of an XML response. The calls ask for no responseType, so the Graph client picks the
 * handling by content type: errors arrive parsed, and an application/xml body as the unread stream
 * (the client only parses XML where a global DOMParser exists), or as text/bytes otherwise.
 */
export async function bodyText(body: unknown): Promise<string> {
  if (typeof body === "string") return body;
  if (body === undefined || body === null) return "";
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body)).toString("utf8");
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  if (typeof (body as { getReader?: unknown }).getReader === "function" || typeof (body as { arrayBuffer?: unknown }).arrayBuffer === "function") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return new Response(body as any).text();
  }
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString("utf8");
  }
  throw new TrustFrameworkPolicyError(`unexpected response body for a policy document (${Object.prototype.toString.call(body)})`);
}

/**
 * The document as kept in state: Brotli, base64. A starter-pack TrustFrameworkBase is 65 KB of
 * XML and 10 KB packed, so its state entry is about 16 KB instead of 74 KB (issue 14). Comparison
 * never looks at these bytes: diffs hash the unpacked document.
 */
export function packPolicyXml(xml: string): string {
  // Quality 11, Brotli's best: 65 KB takes ~70 ms, once per policy and program run.
  return brotliCompressSync(Buffer.from(xml, "utf8"), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).toString("base64");
}

export function unpackPolicyXml(packed: string): string {
  return brotliDecompressSync(Buffer.from(packed, "base64")).toString("utf8");
}

/**
 * `sha256:<hex>` of the normalized policy. A document that does not parse (only possible for what
 * the tenant returns: inputs are checked) is hashed as written, so it still differs.
 */
export function policyContentHash(xml: string): string {
  let normal: string;
  try {
    normal = normalizePolicyForDiff(xml);
  } catch {
    normal = `unparsed:${xml}`;
  }
  return `sha256:${createHash("sha256").update(normal, "utf8").digest("hex")}`;
}

/** `sha256:<hex>` of a JSON value: the component's dependsOnHash. */
export function dependencyHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(value), "utf8").digest("hex")}`;
}

/** The PolicyId attribute of the root element, read without a full parse (undefined when absent). */
export function policyIdOfXml(xml: string): string | undefined {
  const root = /<(?:[\w.-]+:)?TrustFrameworkPolicy\b([^>]*)>/.exec(xml);
  const id = root ? /\sPolicyId\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(root[1]) : null;
  return id ? (id[1] ?? id[2]).trim() : undefined;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").trim().toUpperCase() === (b ?? "").trim().toUpperCase();
}
