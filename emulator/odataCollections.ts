// OData collection responses: @odata.context, $top, opaque $skiptoken paging with absolute nextLinks.
import { badQuery, invalidQueryOptionValue, invalidSkipToken, unknownSelectOrExpand } from "./errorCatalogue";
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
    throw invalidSkipToken();
  }
}

function nonNegativeIntegerOption(call: GraphCall, name: string, minimum: number): number | undefined {
  const raw = call.query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < minimum) {
    throw invalidQueryOptionValue(name, raw);
  }
  return Number(raw);
}

// ---- $filter and $select: applied, or refused with 400, never silently ignored ------------------
// https://learn.microsoft.com/graph/query-parameters (filter operators eq, ne, startswith; and/or;
// $select of top-level properties). What the emulator does not implement ($orderby, $search,
// lambda operators, other functions, nested paths) is refused with 400, as Graph refuses what an
// API does not support, so a client can never believe a filter was applied when it was not.

type FilterValue = string | number | boolean | null;
type Filter = (item: Record<string, unknown>) => boolean;

const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function literal(text: string, clause: string): FilterValue {
  const t = text.trim();
  const quoted = /^'((?:[^']|'')*)'$/.exec(t);
  if (quoted) return quoted[1].replace(/''/g, "'");
  if (t === "true" || t === "false") return t === "true";
  if (t === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw badQuery(`Invalid filter clause: '${clause}' (the value '${t}' is not a literal).`);
}

function property(name: string, clause: string, known: ReadonlySet<string>): string {
  const n = name.trim();
  if (!PROPERTY.test(n)) throw badQuery(`Invalid filter clause: '${clause}' (only top-level properties can be filtered).`);
  if (known.size > 0 && ![...known].some((k) => k.toLowerCase() === n.toLowerCase())) {
    throw badQuery(`Could not find a property named '${n}' on the type of this collection (filter '${clause}').`);
  }
  return n;
}

function valueOf(item: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(item).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : item[key];
}

/** Splits on a keyword (" and " / " or ") outside quotes. */
function splitOutsideQuotes(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  const lower = text.toLowerCase();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") inQuote = !inQuote;
    else if (!inQuote && c === "(") depth++;
    else if (!inQuote && c === ")") depth--;
    else if (!inQuote && depth === 0 && lower.startsWith(keyword, i)) {
      parts.push(text.slice(start, i));
      start = i + keyword.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function compileClause(clause: string, known: ReadonlySet<string>): Filter {
  const c = clause.trim();
  const fn = /^startswith\(\s*([^,]+)\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(c);
  if (fn) {
    const name = property(fn[1], c, known);
    const prefix = String(literal(fn[2], c)).toLowerCase();
    return (item) => typeof valueOf(item, name) === "string" && (valueOf(item, name) as string).toLowerCase().startsWith(prefix);
  }
  const comparison = /^([A-Za-z_][A-Za-z0-9_/]*)\s+(eq|ne)\s+(.+)$/i.exec(c);
  if (comparison) {
    const name = property(comparison[1], c, known);
    const value = literal(comparison[3], c);
    const equal = (item: Record<string, unknown>) => {
      const actual = valueOf(item, name) ?? null;
      // Graph compares strings case-insensitively for these directory properties.
      return typeof actual === "string" && typeof value === "string" ? actual.toLowerCase() === value.toLowerCase() : actual === value;
    };
    return comparison[2].toLowerCase() === "eq" ? equal : (item) => !equal(item);
  }
  throw badQuery(`Invalid filter clause: '${c}'. The emulator supports eq, ne and startswith(property,'value'), joined with and / or.`);
}

/** The $filter of the call as a predicate over the collection's items (undefined: no $filter). */
function parseFilter(call: GraphCall, items: unknown[]): Filter | undefined {
  const raw = call.query.get("$filter");
  if (raw === null) return undefined;
  if (raw.trim() === "") throw badQuery("The $filter query option must not be empty.");
  const known = new Set(items.flatMap((item) => (item && typeof item === "object" ? Object.keys(item) : [])));
  const alternatives = splitOutsideQuotes(raw, " or ").map((part) => splitOutsideQuotes(part, " and ").map((clause) => compileClause(clause, known)));
  return (item) => alternatives.some((all) => all.every((f) => f(item)));
}

/** The properties $select asks for (undefined: no $select). */
function parseSelect(call: GraphCall): string[] | undefined {
  const raw = call.query.get("$select");
  if (raw === null) return undefined;
  const names = raw.split(",").map((n) => n.trim());
  if (names.length === 0 || names.some((n) => !PROPERTY.test(n))) throw badQuery(`Invalid $select value '${raw}': list top-level property names, separated by commas.`);
  return names;
}

/** Keeps the selected properties (and OData annotations such as @odata.type); unknown names -> 400. */
function project(item: Record<string, unknown>, names: string[], known: ReadonlySet<string>): Record<string, unknown> {
  for (const name of names) {
    if (![...known].some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw unknownSelectOrExpand(name);
    }
  }
  return Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith("@odata.") || names.some((n) => n.toLowerCase() === k.toLowerCase())));
}

/** Query options no route of the emulator implements: refused rather than ignored. */
const UNSUPPORTED_OPTIONS = ["$orderby", "$search", "$count", "$format", "$compute", "$apply"];

function rejectUnsupported(call: GraphCall): void {
  for (const name of call.query.keys()) {
    if (UNSUPPORTED_OPTIONS.includes(name.toLowerCase())) throw badQuery(`Query option '${name}' is not supported on this resource.`);
  }
}

/**
 * One entity's JSON with the call's $select applied. $filter, $top and $skip do not apply to a
 * single entity: 400, as for unsupported options.
 */
export function entityBody(call: GraphCall, json: Record<string, unknown>, knownProperties: readonly string[] = Object.keys(json)): Record<string, unknown> {
  rejectUnsupported(call);
  for (const name of ["$filter", "$top", "$skip", "$skiptoken"]) {
    if (call.query.has(name)) throw badQuery(`Query option '${name}' is not allowed on a single resource.`);
  }
  const select = parseSelect(call);
  return select ? project(json, select, new Set(knownProperties)) : json;
}

/**
 * Pages a list: page size = min($top, behaviour.pageSize) of those set; when more items remain,
 * adds an absolute "@odata.nextLink" keeping the other query options and carrying $skiptoken.
 * $filter and $select are applied first (see above).
 */
export function collectionResult(call: GraphCall, allItems: unknown[], contextFragment: string, extra: Record<string, unknown> = {}): GraphResult {
  rejectUnsupported(call);
  const filter = parseFilter(call, allItems);
  const select = parseSelect(call);
  const known = new Set(allItems.flatMap((item) => (item && typeof item === "object" ? Object.keys(item) : [])));
  let items = filter ? allItems.filter((item) => filter(item as Record<string, unknown>)) : allItems;
  if (select) items = items.map((item) => project(item as Record<string, unknown>, select, known));
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
