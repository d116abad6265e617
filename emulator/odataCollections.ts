// OData collection responses: @odata.context, $top, opaque $skiptoken paging with absolute nextLinks.
import { GraphError } from "./graphErrors";
import type { GraphCall, GraphResult } from "./graphRouter";

export function contextUrl(call: GraphCall, fragment: string): string {
  return `${call.versionRoot}/$metadata#${fragment}`;
}

const SKIPTOKEN_PREFIX = "emu1.";

function encodeSkipToken(offset: number): string {
  return SKIPTOKEN_PREFIX + Buffer.from(JSON.stringify({ o: offset, n: Math.random().toString(36).slice(2, 8) })).toString("base64url");
}

function decodeSkipToken(token: string): number {
  try {
    if (!token.startsWith(SKIPTOKEN_PREFIX)) throw new Error("prefix");
    const parsed = JSON.parse(Buffer.from(token.slice(SKIPTOKEN_PREFIX.length), "base64url").toString("utf8")) as { o?: unknown };
    if (typeof parsed.o !== "number" || !Number.isInteger(parsed.o) || parsed.o < 0) throw new Error("offset");
    return parsed.o;
  } catch {
    throw new GraphError(400, "BadRequest", "The $skiptoken value is not valid.");
  }
}

function nonNegativeIntegerOption(call: GraphCall, name: string, minimum: number): number | undefined {
  const raw = call.query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < minimum) {
    throw new GraphError(400, "BadRequest", `Invalid value '${raw}' for query option '${name}'.`);
  }
  return Number(raw);
}

/**
 * Pages a list: page size = min($top, behaviour.pageSize) of those set; when more items remain,
 * adds an absolute "@odata.nextLink" keeping the other query options and carrying $skiptoken.
 */
export function collectionResult(call: GraphCall, items: unknown[], contextFragment: string, extra: Record<string, unknown> = {}): GraphResult {
  const top = nonNegativeIntegerOption(call, "$top", 1);
  const skip = nonNegativeIntegerOption(call, "$skip", 0) ?? 0;
  const token = call.query.get("$skiptoken");
  const offset = token !== null ? decodeSkipToken(token) : skip;
  const sizes = [top, call.runtime.behaviour.pageSize > 0 ? call.runtime.behaviour.pageSize : undefined].filter(
    (n): n is number => n !== undefined,
  );
  const limit = sizes.length > 0 ? Math.min(...sizes) : Infinity;
  const page = items.slice(offset, offset + limit);
  const body: Record<string, unknown> = { "@odata.context": contextUrl(call, contextFragment), ...extra };
  if (offset + limit < items.length) {
    const next = new URLSearchParams();
    for (const [name, value] of call.query) {
      if (name !== "$skiptoken" && name !== "$skip") next.append(name, value);
    }
    next.append("$skiptoken", encodeSkipToken(offset + limit));
    body["@odata.nextLink"] = `${call.versionRoot}${call.path}?${next.toString()}`;
  }
  body.value = page;
  return { status: 200, body };
}
