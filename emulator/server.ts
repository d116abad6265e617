// Fastify app assembly: TLS, raw body parsing, request ids, request log, the Graph pipeline
// (latency -> injected rules -> authentication -> rate limit -> route -> permission -> handler),
// and Graph-style envelopes for every failure (never a stack trace or an HTML page).
import { randomBytes, randomUUID } from "crypto";
import type { IncomingMessage } from "http";
import * as https from "https";
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TokenService, registerTokenRoutes } from "./auth";
import type { CertificateAuthority } from "./certificateAuthority";
import { issueServerCertificate } from "./certificateAuthority";
import { concurrentWriteError } from "./faults";
import { GraphError, ODATA_JSON_CONTENT_TYPE, errorEnvelope, notB2cTenant, toGraphError } from "./graphErrors";
import { GraphCall, GraphResult, GraphRouter, GraphVersion, InnerRequest, InnerResponse, splitGraphPath } from "./graphRouter";
import { loggableBody } from "./requestLog";
import { batchRoutes } from "./routes/batch";
import { registerControlRoutes } from "./routes/control";
import { identityProviderRoutes } from "./routes/identityProviders";
import { keySetRoutes } from "./routes/keySets";
import { policyRoutes } from "./routes/policies";
import { userFlowRoutes } from "./routes/userFlows";
import type { EmulatorRuntime } from "./runtime";
import type { RequestLogEntry } from "./types";

const BODY_LIMIT = 32 * 1024 * 1024;
const BATCH_ITEM_HEADER = "x-b2c-emulator-batch-item";
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];
const DIAGNOSTIC_HEADER = JSON.stringify({ ServerInfo: { DataCenter: "Local Emulator", Slice: "E", Ring: "0", ScaleUnit: "000", RoleInstance: "b2c-emulator" } });

interface RequestMeta {
  startedAt: bigint;
  requestId: string;
  clientRequestId: string;
  kind: RequestLogEntry["kind"];
  clientId?: string;
  fault?: string;
  batchRequestId?: string;
  logged: boolean;
}

export interface EmulatorServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

function classify(path: string): RequestLogEntry["kind"] {
  if (/^\/(v1\.0|beta)(\/|$|\?)/i.test(path)) return "graph";
  if (path.startsWith("/_emulator/")) return "control";
  if (/^\/[^/]+\/(oauth2\/v2\.0\/|v2\.0\/\.well-known\/|discovery\/)/i.test(path)) return "token";
  return "other";
}

/** Sleeps at least `ms` of real time (libuv timers count from a cached loop time and may fire early). */
async function sleepAtLeast(ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "::0") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startEmulatorServer(runtime: EmulatorRuntime, ca: CertificateAuthority, host: string, port: number): Promise<EmulatorServer> {
  const certificateHosts = ["localhost", "127.0.0.1", "::1"];
  if (!certificateHosts.includes(host) && host !== "0.0.0.0" && host !== "::") certificateHosts.push(host);
  const { certPem, keyPem } = issueServerCertificate(ca, certificateHosts);
  const metas = new WeakMap<IncomingMessage, RequestMeta>();
  const batchNonce = randomBytes(16).toString("hex");
  const tokens = new TokenService(runtime);
  const router = new GraphRouter();
  router.add(...identityProviderRoutes(), ...userFlowRoutes(), ...keySetRoutes(), ...policyRoutes(), ...batchRoutes());

  const app = Fastify({
    https: { key: keyPem, cert: certPem },
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    routerOptions: { maxParamLength: 4096 },
    frameworkErrors: (error, request, reply) => {
      sendError(request, reply, toGraphError(error));
    },
  });

  const metaOf = (request: FastifyRequest): RequestMeta => {
    let meta = metas.get(request.raw);
    if (!meta) {
      const requestId = randomUUID();
      const url = request.raw.url ?? request.url;
      const header = request.headers["client-request-id"] ?? new URLSearchParams(url.split("?")[1] ?? "").get("client-request-id") ?? undefined;
      meta = {
        startedAt: process.hrtime.bigint(),
        requestId,
        clientRequestId: typeof header === "string" && header !== "" ? header : requestId,
        kind: classify(url),
        logged: false,
      };
      metas.set(request.raw, meta);
    }
    return meta;
  };

  const writeLog = (request: FastifyRequest, status: number): void => {
    const meta = metaOf(request);
    if (meta.logged) return;
    meta.logged = true;
    const raw = request.body instanceof Buffer ? request.body : undefined;
    const body = loggableBody(raw, request.headers["content-type"]);
    runtime.log.add({
      time: new Date().toISOString(),
      method: request.method,
      path: request.raw.url ?? request.url,
      status,
      durationMs: Math.round(Number(process.hrtime.bigint() - meta.startedAt) / 1e5) / 10,
      kind: meta.kind,
      ...(meta.clientId ? { clientId: meta.clientId } : {}),
      clientRequestId: meta.clientRequestId,
      requestId: meta.requestId,
      ...(meta.fault ? { fault: meta.fault } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(meta.batchRequestId ? { batchRequestId: meta.batchRequestId } : {}),
    });
  };

  function sendError(request: FastifyRequest, reply: FastifyReply, error: GraphError, cause?: unknown): FastifyReply {
    if (cause !== undefined && !(cause instanceof GraphError) && process.env.B2C_EMULATOR_DEBUG) {
      console.error("[b2c-emulator] unexpected error:", cause);
    }
    const meta = metaOf(request);
    if (error.options.fault) meta.fault = error.options.fault;
    reply.code(error.status);
    for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
    reply.header("request-id", meta.requestId).header("client-request-id", meta.clientRequestId);
    reply.header("content-type", ODATA_JSON_CONTENT_TYPE).header("OData-Version", "4.0");
    return reply.send(JSON.stringify(errorEnvelope(error, meta)));
  }

  function sendResult(reply: FastifyReply, result: GraphResult): FastifyReply {
    reply.code(result.status);
    for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
    if (result.status === 204 || (result.body === undefined && result.xml === undefined)) return reply.send();
    if (result.xml !== undefined) return reply.header("content-type", "application/xml; charset=utf-8").send(result.xml);
    return reply.header("content-type", ODATA_JSON_CONTENT_TYPE).header("OData-Version", "4.0").send(JSON.stringify(result.body));
  }

  // Inner $batch requests go through the real HTTPS listener (loopback), so they pass every hook,
  // fault and log exactly like direct calls. (fastify.inject is avoided: its cookie dependency is
  // ESM-only and cannot be loaded by jest's CommonJS runtime.)
  const loopbackAgent = new https.Agent({ keepAlive: true, ca: ca.caPem, maxSockets: 32 });
  function executeInner(version: GraphVersion, inner: InnerRequest): Promise<InnerResponse> {
    const target = new URL(`${runtime.baseUrl}/${version}${inner.url}`);
    const headers: Record<string, string> = { ...inner.headers, [BATCH_ITEM_HEADER]: `${batchNonce}:${inner.id}` };
    if (inner.payload) headers["content-length"] = String(inner.payload.length);
    return new Promise((resolve) => {
      const request = https.request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: inner.method, headers, agent: loopbackAgent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
            }
            resolve({ status: response.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) });
          });
          response.on("error", () => resolve(gatewayTimeout()));
        },
      );
      request.on("error", () => resolve(gatewayTimeout()));
      request.end(inner.payload);
    });
  }

  function gatewayTimeout(): InnerResponse {
    const body = JSON.stringify({ error: { code: "gatewayTimeout", message: "The inner request got no answer." } });
    return { status: 504, headers: { "content-type": ODATA_JSON_CONTENT_TYPE }, body: Buffer.from(body) };
  }

  async function handleGraph(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const meta = metaOf(request);
    const fullUrl = request.raw.url ?? request.url;
    const queryIndex = fullUrl.indexOf("?");
    const pathname = queryIndex >= 0 ? fullUrl.slice(0, queryIndex) : fullUrl;
    const query = new URLSearchParams(queryIndex >= 0 ? fullUrl.slice(queryIndex + 1) : "");
    const versionMatch = /^\/(v1\.0|beta)(?=\/|$)/i.exec(pathname)!;
    const version = versionMatch[1].toLowerCase() as GraphVersion;
    const rest = pathname.slice(versionMatch[0].length);

    let segments: string[] | undefined;
    let pathError: GraphError | undefined;
    try {
      segments = splitGraphPath(rest);
    } catch (err) {
      pathError = toGraphError(err);
    }
    const graphPath = segments ? `/${segments.join("/")}` : rest;
    const resolution = segments ? router.resolve(version, segments, request.method) : { error: pathError! };
    const rawBody = request.body instanceof Buffer ? request.body : undefined;
    const contentType = request.headers["content-type"];
    const call: GraphCall = {
      runtime,
      method: request.method,
      version,
      path: graphPath,
      params: "route" in resolution ? resolution.params : {},
      query,
      headers: request.headers,
      rawBody,
      contentType,
      versionRoot: `${runtime.baseUrl}/${version}`,
      executeInner: (inner) => executeInner(version, inner),
    };

    let target: string | undefined;
    if ("route" in resolution && resolution.route.writeTarget && runtime.behaviour.detectConcurrentWrites) {
      try {
        target = resolution.route.writeTarget(call);
      } catch {
        target = undefined;
      }
    }
    const overlapping = target ? runtime.faults.beginWrite(target) : false;
    try {
      const latency = runtime.faults.latencyMs;
      if (latency > 0) await sleepAtLeast(latency);

      const injected = runtime.faults.matchRule(request.method, graphPath);
      if (injected?.kind === "drop") {
        meta.fault = "dropConnection";
        if (meta.batchRequestId) {
          throw new GraphError(504, "gatewayTimeout", "The connection was dropped (injected fault).", { fault: "dropConnection" });
        }
        writeLog(request, 0);
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      if (injected?.kind === "error") throw injected.error;

      const caller = tokens.authenticate(request.headers.authorization);
      meta.clientId = caller.clientId;
      call.app = caller;

      const isBatch = "route" in resolution && resolution.route.family === "batch";
      if (!isBatch) {
        const limited = runtime.faults.checkRateLimit(caller.clientId);
        if (limited) throw limited;
      }
      if ("error" in resolution) throw resolution.error;
      const route = resolution.route;
      if (route.b2cOnly && runtime.tenant.mode !== "b2c") throw notB2cTenant(runtime.tenant.tenantDomain);
      if (route.deprecated && runtime.behaviour.deprecatedEndpoints === "reject") {
        throw new GraphError(
          400,
          "BadRequest",
          "The identityProvider API is deprecated and stopped returning data in March 2023. Please use the new identityProviderBase API (/identity/identityProviders and userFlowIdentityProviders).",
        );
      }
      tokens.authorize(caller, route.family, route.access);
      if (overlapping) throw concurrentWriteError();

      const result = await route.handler(call);
      if (WRITE_METHODS.includes(request.method) && result.status < 300 && route.family !== "batch") runtime.store.persist();
      return sendResult(reply, result);
    } catch (err) {
      return sendError(request, reply, toGraphError(err), err);
    } finally {
      if (target) runtime.faults.endWrite(target);
    }
  }

  // Every body arrives raw; each endpoint parses what it expects and answers Graph-style errors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    done(null, body);
  });

  app.addHook("onRequest", async (request, reply) => {
    const meta = metaOf(request);
    const batchItem = request.headers[BATCH_ITEM_HEADER];
    if (typeof batchItem === "string" && batchItem.startsWith(`${batchNonce}:`)) {
      meta.batchRequestId = batchItem.slice(batchNonce.length + 1);
    }
    reply.header("request-id", meta.requestId).header("client-request-id", meta.clientRequestId);
    if (meta.kind === "graph") reply.header("x-ms-ags-diagnostic", DIAGNOSTIC_HEADER);
  });
  // Logged just before the answer is written, so a client that has its response always finds the
  // entry in the log (onResponse fires after the client may already have read the answer).
  app.addHook("onSend", async (request, reply, payload) => {
    writeLog(request, reply.statusCode);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    writeLog(request, reply.statusCode);
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, toGraphError(error), error));

  const dispatch = async (request: FastifyRequest, reply: FastifyReply) => {
    const meta = metaOf(request);
    if (meta.kind === "graph") return handleGraph(request, reply);
    const path = (request.raw.url ?? request.url).split("?")[0];
    if (meta.kind === "control") {
      return sendError(request, reply, new GraphError(404, "NotFound", `Unknown emulator control endpoint '${request.method} ${path}'.`));
    }
    if (meta.kind === "token") {
      return sendError(request, reply, new GraphError(404, "NotFound", `The emulator's token side serves only the OpenID configuration and the token endpoint, not '${path}'.`));
    }
    return sendError(request, reply, new GraphError(404, "NotFound", `No such endpoint '${path}'. Microsoft Graph is served under /v1.0 and /beta.`));
  };
  app.setNotFoundHandler(dispatch);

  registerControlRoutes(app, runtime);
  registerTokenRoutes(app, tokens, (request, clientId) => {
    metaOf(request).clientId = clientId;
  });
  app.all("/*", dispatch);

  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `https://${hostForUrl(host)}:${actualPort}`;
  runtime.baseUrl = url;

  let closed: Promise<void> | undefined;
  return {
    app,
    url,
    close: () => {
      closed ??= app.close().then(() => loopbackAgent.destroy());
      return closed;
    },
  };
}
