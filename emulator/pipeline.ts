// The Graph request pipeline: every request under /v1.0 and /beta (and every inner request of a
// $batch, which comes back through the listener) passes these stages, in this order:
//
//   parse -> claim write target -> latency -> fault rules -> authenticate -> rate limit ->
//   check route -> authorize -> refuse overlapping write -> handle -> repeat nextLink -> persist -> respond
//
// Each stage is a small function of the exchange. A stage throws a GraphError (from
// errorCatalogue.ts) to answer with an error, or returns an Ending to close the connection without
// an answer (an injected dropped connection). Faults (latency, rules, rate limit, overlapping
// writes, lost answers) are stages of their own, kept apart from the happy path (handle, persist).
import type { IncomingHttpHeaders } from "http";
import type { TokenService } from "./auth";
import { committedThenGatewayError, concurrentWrite, deprecatedApi, droppedInBatch, innerRequestGotNoAnswer, lostInBatch, notB2cTenant, toGraphError } from "./errorCatalogue";
import type { GraphError } from "./graphErrors";
import { GraphCall, GraphResult, GraphRouter, GraphVersion, InnerRequest, InnerResponse, RouteResolution, splitGraphPath } from "./graphRouter";
import type { EmulatorRuntime } from "./runtime";

const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];

/** What the pipeline notes about a request for its log entry. */
export interface ExchangeNotes {
  clientId?: string;
  fault?: string;
  /** Set for an inner request of a $batch. */
  batchRequestId?: string;
}

/** One Graph request on its way through the stages. */
export interface GraphExchange {
  runtime: EmulatorRuntime;
  tokens: TokenService;
  notes: ExchangeNotes;
  call: GraphCall;
  resolution: RouteResolution;
  /** The object a write touches, while it is claimed (for AADB2C95053). */
  writeTarget?: string;
  overlapping: boolean;
  /** An injected loseResponse rule matched: carry the request out, then drop the answer. */
  loseResponse: boolean;
  /** An injected nextLink "repeat" rule matched: the page's nextLink is the request's own URL. */
  repeatNextLink?: boolean;
  /** The loseResponse rule's status: answered (a gateway timeout after the commit) instead of dropping. */
  lostAnswerStatus?: number;
  result?: GraphResult;
}

/**
 * How an exchange ends: an answer, an error envelope, a connection closed without an answer, or
 * (an injected hang) a connection held open without an answer until the client gives up.
 */
export type ExchangeOutcome =
  | { kind: "answer"; result: GraphResult }
  | { kind: "error"; error: GraphError; cause: unknown }
  | { kind: "drop"; status: number; fault: string }
  | { kind: "hang" };

type Ending = { kind: "drop"; status: number; fault: string } | { kind: "hang" };
type Stage = (x: GraphExchange) => void | Ending | Promise<void | Ending>;

/** The raw request as the listener received it. */
export interface RawGraphRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
}

/** Parse: version, path segments, the route (or why there is none) and the handler's view of the call. Never throws. */
export function parseGraphRequest(
  raw: RawGraphRequest,
  context: { runtime: EmulatorRuntime; tokens: TokenService; router: GraphRouter; notes: ExchangeNotes },
  executeInner: (version: GraphVersion, inner: InnerRequest) => Promise<InnerResponse>,
): GraphExchange {
  const { runtime, router } = context;
  const queryIndex = raw.url.indexOf("?");
  const pathname = queryIndex >= 0 ? raw.url.slice(0, queryIndex) : raw.url;
  const versionMatch = /^\/(v1\.0|beta)(?=\/|$)/i.exec(pathname)!;
  const version = versionMatch[1].toLowerCase() as GraphVersion;
  const rest = pathname.slice(versionMatch[0].length);
  let segments: string[] | undefined;
  let resolution: RouteResolution;
  try {
    segments = splitGraphPath(rest);
    resolution = router.resolve(version, segments, raw.method);
  } catch (err) {
    resolution = { error: toGraphError(err) };
  }
  const call: GraphCall = {
    runtime,
    method: raw.method,
    version,
    path: segments ? `/${segments.join("/")}` : rest,
    params: "route" in resolution ? resolution.params : {},
    query: new URLSearchParams(queryIndex >= 0 ? raw.url.slice(queryIndex + 1) : ""),
    headers: raw.headers,
    rawBody: raw.body,
    contentType: raw.headers["content-type"],
    versionRoot: `${runtime.baseUrl}/${version}`,
    executeInner: (inner) => executeInner(version, inner),
  };
  return { ...context, call, resolution, overlapping: false, loseResponse: false };
}

/** Claim the object a write touches; a second write on it while the first is in flight overlaps. */
const claimWriteTarget: Stage = (x) => {
  const route = "route" in x.resolution ? x.resolution.route : undefined;
  if (!route?.writeTarget || !x.runtime.behaviour.detectConcurrentWrites) return;
  try {
    x.writeTarget = route.writeTarget(x.call);
  } catch {
    x.writeTarget = undefined;
  }
  if (x.writeTarget) x.overlapping = x.runtime.faults.beginWrite(x.writeTarget);
};

/** Sleeps at least `ms` of real time (libuv timers count from a cached loop time and may fire early). */
async function sleepAtLeast(ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

const addLatency: Stage = async (x) => {
  const latency = x.runtime.faults.latencyMs;
  if (latency > 0) await sleepAtLeast(latency);
};

/** The first matching fault rule: drop the connection, answer its error, or mark the answer to be lost. */
const applyFaultRules: Stage = (x) => {
  const injected = x.runtime.faults.matchRule(x.call.method, x.call.path, x.runtime.behaviour.concurrentWriteStatus);
  if (injected?.kind === "drop") {
    x.notes.fault = "dropConnection";
    if (x.notes.batchRequestId) throw droppedInBatch();
    return { kind: "drop", status: 0, fault: "dropConnection" };
  }
  if (injected?.kind === "hang") {
    x.notes.fault = "hang";
    // An inner request of $batch shares the batch's connection: it shows as the loopback's 504.
    if (x.notes.batchRequestId) throw innerRequestGotNoAnswer();
    return { kind: "hang" };
  }
  if (injected?.kind === "error") throw injected.error;
  x.loseResponse = injected?.kind === "loseResponse";
  x.repeatNextLink = injected?.kind === "repeatNextLink";
  if (injected?.kind === "loseResponse") x.lostAnswerStatus = injected.rule.status;
};

const authenticate: Stage = (x) => {
  const caller = x.tokens.authenticate(x.call.headers.authorization);
  x.notes.clientId = caller.clientId;
  x.call.app = caller;
};

/**
 * The CPIM limit is documented for identityContainer and identityProvider resources only
 * (behaviour.rateLimitScope); $batch itself is never counted, its inner requests are.
 */
const limitRate: Stage = (x) => {
  const family = "route" in x.resolution ? x.resolution.route.family : undefined;
  const counted = family !== "batch" && (x.runtime.behaviour.rateLimitScope === "all" || family === "identityProviders" || family === "userFlows");
  if (!counted) return;
  const limited = x.runtime.faults.checkRateLimit(x.call.app!.clientId);
  if (limited) throw limited;
};

/** No such route; a B2C-only route in a workforce tenant; a deprecated route while those are refused. */
const checkRoute: Stage = (x) => {
  if ("error" in x.resolution) throw x.resolution.error;
  const route = x.resolution.route;
  if (route.b2cOnly && x.runtime.tenant.mode !== "b2c") throw notB2cTenant(x.runtime.tenant.tenantDomain);
  if (route.deprecated && x.runtime.behaviour.deprecatedEndpoints === "reject") throw deprecatedApi();
};

const authorize: Stage = (x) => {
  const route = routeOf(x);
  x.tokens.authorize(x.call.app!, route.family, route.access);
};

const refuseOverlappingWrite: Stage = (x) => {
  if (x.overlapping) throw concurrentWrite(x.runtime.behaviour.concurrentWriteStatus);
};

const handle: Stage = async (x) => {
  x.result = await routeOf(x).handler(x.call);
};

/** A successful write is saved to the state file (a $batch's inner requests save their own). */
const persist: Stage = (x) => {
  if (WRITE_METHODS.includes(x.call.method) && x.result!.status < 300 && routeOf(x).family !== "batch") x.runtime.store.persist();
};

/** An injected nextLink "repeat": a collection page points back at itself, so paging would never end. */
const repeatNextLink: Stage = (x) => {
  const body = x.result?.body as Record<string, unknown> | undefined;
  if (!x.repeatNextLink || !body || typeof body !== "object" || !Array.isArray(body.value)) return;
  x.notes.fault = "nextLink:repeat";
  const query = x.call.query.toString();
  body["@odata.nextLink"] = `${x.call.versionRoot}${x.call.path}${query ? `?${query}` : ""}`;
};

/** Carried out and saved; with loseResponse the answer never leaves: the client sees the connection reset. */
const loseAnswer: Stage = (x) => {
  if (!x.loseResponse) return;
  x.notes.fault = "loseResponse";
  if (x.notes.batchRequestId) throw lostInBatch();
  if (x.lostAnswerStatus !== undefined) throw committedThenGatewayError(x.lostAnswerStatus);
  return { kind: "drop", status: x.result!.status, fault: "loseResponse" };
};

/** The stages, in order (parse comes first, in parseGraphRequest; the answer is sent by the server). */
export const GRAPH_STAGES: readonly Stage[] = [
  claimWriteTarget,
  addLatency,
  applyFaultRules,
  authenticate,
  limitRate,
  checkRoute,
  authorize,
  refuseOverlappingWrite,
  handle,
  repeatNextLink,
  persist,
  loseAnswer,
];

/** Runs the exchange through the stages; whatever happens, the write target is released. */
export async function runGraphPipeline(x: GraphExchange, stages: readonly Stage[] = GRAPH_STAGES): Promise<ExchangeOutcome> {
  try {
    for (const stage of stages) {
      const ending = await stage(x);
      if (ending) return ending;
    }
    return { kind: "answer", result: x.result! };
  } catch (err) {
    const error = toGraphError(err);
    // A failed request whose answer was to be lost: the client sees the connection reset all the same.
    if (x.loseResponse && !x.notes.batchRequestId) {
      return x.lostAnswerStatus !== undefined
        ? { kind: "error", error: committedThenGatewayError(x.lostAnswerStatus), cause: err }
        : { kind: "drop", status: error.status, fault: "loseResponse" };
    }
    return { kind: "error", error, cause: err };
  } finally {
    if (x.writeTarget) x.runtime.faults.endWrite(x.writeTarget);
  }
}

function routeOf(x: GraphExchange) {
  if ("error" in x.resolution) throw x.resolution.error;
  return x.resolution.route;
}
