// JSON batching: POST /{v1.0|beta}/$batch. Inner requests run through the whole pipeline (auth,
// faults, rate limit per request), in parallel unless chained with dependsOn.
import { randomUUID } from "crypto";
import { failedDependency as failedDependencyError, invalidBatchPayload } from "../errorCatalogue";
import { errorEnvelope } from "../graphErrors";
import { BOTH_VERSIONS, GraphCall, GraphResult, GraphRoute, InnerResponse } from "../graphRouter";
import { JsonObject, isJsonContentType, readJsonObject } from "../requestBody";

export const MAX_BATCH_REQUESTS = 20;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/** Inner response headers passed back to the client. */
const RETURNED_HEADERS = ["content-type", "location", "retry-after", "odata-version", "www-authenticate", "x-ms-throttle-scope"];

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function parseItems(body: JsonObject): BatchItem[] {
  const requests = body.requests;
  if (!Array.isArray(requests)) throw invalidBatchPayload("the 'requests' array is required.");
  if (requests.length === 0) throw invalidBatchPayload("the 'requests' array is empty.");
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw invalidBatchPayload(`the number of requests (${requests.length}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  }
  const items: BatchItem[] = [];
  const seen = new Set<string>();
  for (const raw of requests) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalidBatchPayload("every request must be an object.");
    const r = raw as JsonObject;
    if (typeof r.id !== "string" || r.id.trim() === "") throw invalidBatchPayload("every request needs a string 'id'.");
    if (seen.has(r.id.toLowerCase())) throw invalidBatchPayload(`the request id '${r.id}' is duplicated (ids are compared case-insensitively).`);
    seen.add(r.id.toLowerCase());
    if (typeof r.method !== "string" || !METHODS.includes(r.method.toUpperCase())) {
      throw invalidBatchPayload(`request '${r.id}' has a missing or unsupported 'method'.`);
    }
    if (typeof r.url !== "string" || r.url.trim() === "") throw invalidBatchPayload(`request '${r.id}' needs a 'url'.`);
    if (/^[a-z][a-z0-9+.-]*:/i.test(r.url.trim())) {
      throw invalidBatchPayload(`request '${r.id}' has an absolute url; urls must be relative to the version root (e.g. '/trustFramework/keySets').`);
    }
    if (/^\/?\$batch\b/i.test(r.url.trim())) throw invalidBatchPayload("a batch cannot contain another $batch.");
    const headers: Record<string, string> = {};
    if (r.headers !== undefined && r.headers !== null) {
      if (typeof r.headers !== "object" || Array.isArray(r.headers)) throw invalidBatchPayload(`'headers' of request '${r.id}' must be an object.`);
      for (const [name, value] of Object.entries(r.headers as JsonObject)) {
        if (typeof value !== "string") throw invalidBatchPayload(`header '${name}' of request '${r.id}' must be a string.`);
        headers[name.toLowerCase()] = value;
      }
    }
    if (r.body !== undefined && r.body !== null && !headers["content-type"]) {
      throw invalidBatchPayload(`request '${r.id}' has a body but no 'Content-Type' header.`);
    }
    let dependsOn: string[] = [];
    if (r.dependsOn !== undefined && r.dependsOn !== null) {
      if (!Array.isArray(r.dependsOn) || !r.dependsOn.every((d) => typeof d === "string")) {
        throw invalidBatchPayload(`'dependsOn' of request '${r.id}' must be an array of ids.`);
      }
      dependsOn = r.dependsOn as string[];
    }
    items.push({ id: r.id, method: r.method.toUpperCase(), url: r.url.trim(), headers, body: r.body ?? undefined, dependsOn });
  }
  const byId = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!byId.has(dep.toLowerCase()) || dep.toLowerCase() === item.id.toLowerCase()) {
        throw invalidBatchPayload(`request '${item.id}' depends on unknown request '${dep}'.`);
      }
    }
  }
  checkAcyclic(items, byId);
  return items;
}

function checkAcyclic(items: BatchItem[], byId: Map<string, BatchItem>): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (item: BatchItem): void => {
    const key = item.id.toLowerCase();
    if (state.get(key) === "done") return;
    if (state.get(key) === "visiting") throw invalidBatchPayload("the dependsOn chain has a cycle.");
    state.set(key, "visiting");
    for (const dep of item.dependsOn) visit(byId.get(dep.toLowerCase())!);
    state.set(key, "done");
  };
  items.forEach(visit);
}

function innerPayload(item: BatchItem): Buffer | undefined {
  if (item.body === undefined) return undefined;
  const contentType = item.headers["content-type"];
  if (typeof item.body === "string" && !isJsonContentType(contentType)) {
    // Non-JSON bodies travel base64-encoded.
    return Buffer.from(item.body, "base64");
  }
  return Buffer.from(JSON.stringify(item.body), "utf8");
}

function responseBody(response: InnerResponse): unknown {
  if (response.body.length === 0) return undefined;
  const contentType = response.headers["content-type"] ?? "";
  if (contentType.includes("json")) {
    try {
      return JSON.parse(response.body.toString("utf8"));
    } catch {
      return response.body.toString("base64");
    }
  }
  return response.body.toString("base64");
}

function failedDependency(item: BatchItem): BatchItemResponse {
  const error = failedDependencyError(item.id);
  const ids = { requestId: randomUUID(), clientRequestId: item.headers["client-request-id"] ?? randomUUID() };
  return { id: item.id, status: error.status, headers: { "content-type": "application/json" }, body: errorEnvelope(error, ids) };
}

async function batch(call: GraphCall): Promise<GraphResult> {
  const items = parseItems(readJsonObject(call));
  const results = new Map<string, Promise<BatchItemResponse>>();
  const run = (item: BatchItem): Promise<BatchItemResponse> => {
    const key = item.id.toLowerCase();
    const existing = results.get(key);
    if (existing) return existing;
    const promise = (async () => {
      const deps = await Promise.all(item.dependsOn.map((dep) => run(items.find((i) => i.id.toLowerCase() === dep.toLowerCase())!)));
      if (deps.some((d) => d.status >= 400)) return failedDependency(item);
      const headers: Record<string, string> = { ...item.headers };
      if (call.headers.authorization) headers.authorization = String(call.headers.authorization);
      const response = await call.executeInner({
        id: item.id,
        method: item.method,
        url: item.url.startsWith("/") ? item.url : `/${item.url}`,
        headers,
        payload: innerPayload(item),
      });
      const returned: Record<string, string> = {};
      for (const name of RETURNED_HEADERS) {
        if (response.headers[name] !== undefined) returned[name === "retry-after" ? "Retry-After" : name] = response.headers[name];
      }
      const body = responseBody(response);
      return { id: item.id, status: response.status, headers: returned, ...(body !== undefined ? { body } : {}) };
    })();
    results.set(key, promise);
    return promise;
  };
  const responses = await Promise.all(items.map(run));
  if (call.runtime.behaviour.batchResponseOrder === "reversed") responses.reverse();
  return { status: 200, body: { responses } };
}

export function batchRoutes(): GraphRoute[] {
  return [{ method: "POST", pattern: "/$batch", versions: BOTH_VERSIONS, family: "batch", access: "write", handler: batch }];
}
