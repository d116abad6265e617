// Case-insensitive Graph path router shared by the route families. It knows which segment of an
// unknown path is the unknown one (Graph: 400 "Resource not found for the segment '<name>'.").
import type { IncomingHttpHeaders } from "http";
import { invalidUri, methodNotAllowed, noResourceSegment, notImplementedPath, resourceNotFoundForSegment } from "./errorCatalogue";
import type { GraphError } from "./graphErrors";
import type { EmulatorRuntime } from "./runtime";

export type GraphVersion = "v1.0" | "beta";
export const BOTH_VERSIONS: GraphVersion[] = ["v1.0", "beta"];
export const BETA_ONLY: GraphVersion[] = ["beta"];

/** API families, each with its own read/write permissions. */
export type ApiFamily = "identityProviders" | "userFlows" | "keySets" | "policies" | "batch";
export type Access = "read" | "write";

export interface AuthenticatedApp {
  clientId: string;
  permissions: string[];
}

/** Response of an inner request executed for $batch. */
export interface InnerResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface InnerRequest {
  id: string;
  method: string;
  /** Relative to the version root, e.g. "/trustFramework/keySets". */
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

/** Everything a route handler gets about the request. */
export interface GraphCall {
  runtime: EmulatorRuntime;
  method: string;
  version: GraphVersion;
  /** Path without the version prefix and without query (normalized segments). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody?: Buffer;
  contentType?: string;
  /** Unset only while computing a write target (before authentication). */
  app?: AuthenticatedApp;
  /** "https://host:port/<version>" */
  versionRoot: string;
  /** Executes a request of a $batch through the whole pipeline. */
  executeInner(request: InnerRequest): Promise<InnerResponse>;
}

export interface GraphResult {
  status: number;
  /** JSON body (sent with the OData JSON content type). */
  body?: unknown;
  /** XML body (sent as application/xml). */
  xml?: string;
  headers?: Record<string, string>;
}

export interface GraphRoute {
  method: string;
  /** e.g. "/identity/identityProviders/{id}"; literal segments match case-insensitively. */
  pattern: string;
  versions: GraphVersion[];
  family: ApiFamily;
  access: Access;
  /** Not available in workforce tenants. */
  b2cOnly?: boolean;
  /** Deprecated API: rejected unless behaviour.deprecatedEndpoints is "emulate". */
  deprecated?: boolean;
  /** Object a write touches (for AADB2C95053 detection), e.g. "keySet:b2c_1a_x". */
  writeTarget?: (call: GraphCall) => string | undefined;
  handler: (call: GraphCall) => GraphResult | Promise<GraphResult>;
}

interface CompiledRoute {
  route: GraphRoute;
  segments: Array<{ literal: string } | { param: string }>;
  literalCount: number;
}

export type RouteResolution = { route: GraphRoute; params: Record<string, string> } | { error: GraphError };

/**
 * Splits a path (without version) into decoded segments. OData key and function syntax is
 * normalized: "keySets('B2C_1A_X')" -> ["keySets", "B2C_1A_X"], "availableProviderTypes()" ->
 * ["availableProviderTypes"]. Empty segments (trailing slash) are dropped.
 */
export function splitGraphPath(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw invalidUri();
    }
    const call = /^([^()]+)\((.*)\)$/.exec(segment);
    if (call) {
      out.push(call[1]);
      const inner = call[2].trim();
      if (inner !== "") {
        const quoted = /^'(.*)'$/.exec(inner) ?? /^[A-Za-z]+='(.*)'$/.exec(inner);
        out.push(quoted ? quoted[1].replace(/''/g, "'") : inner);
      }
    } else {
      out.push(segment);
    }
  }
  return out;
}

export class GraphRouter {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: GraphRoute[]): void {
    for (const route of routes) {
      const segments = route.pattern
        .split("/")
        .filter((s) => s !== "")
        .map((s) => (/^\{(\w+)\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
      this.routes.push({ route, segments, literalCount: segments.filter((s) => "literal" in s).length });
    }
  }

  resolve(version: GraphVersion, segments: string[], method: string): RouteResolution {
    const candidates = this.routes.filter((r) => r.route.versions.includes(version));
    const matches: Array<{ compiled: CompiledRoute; params: Record<string, string> }> = [];
    for (const compiled of candidates) {
      const params = matchSegments(compiled, segments);
      if (params) matches.push({ compiled, params });
    }
    if (matches.length === 0) return { error: unknownPathError(candidates, segments) };
    const withMethod = matches.filter((m) => m.compiled.route.method === method.toUpperCase());
    if (withMethod.length === 0) return { error: methodNotAllowed() };
    withMethod.sort((a, b) => b.compiled.literalCount - a.compiled.literalCount);
    return { route: withMethod[0].compiled.route, params: withMethod[0].params };
  }
}

function matchSegments(compiled: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (compiled.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const expected = compiled.segments[i];
    if ("literal" in expected) {
      if (expected.literal !== segments[i].toLowerCase()) return undefined;
    } else {
      params[expected.param] = segments[i];
    }
  }
  return params;
}

/** Finds the first segment that no route knows at that position. */
function unknownPathError(candidates: CompiledRoute[], segments: string[]): GraphError {
  let alive = candidates;
  for (let i = 0; i < segments.length; i++) {
    const lower = segments[i].toLowerCase();
    // Literal matches take precedence over parameters, like OData's own resolution.
    const literal = alive.filter((r) => r.segments.length > i && "literal" in r.segments[i] && (r.segments[i] as { literal: string }).literal === lower);
    const next = literal.length > 0 ? literal : alive.filter((r) => r.segments.length > i && "param" in r.segments[i]);
    if (next.length === 0) return resourceNotFoundForSegment(segments[i]);
    alive = next;
  }
  if (segments.length === 0) return noResourceSegment();
  return notImplementedPath(`/${segments.join("/")}`);
}
