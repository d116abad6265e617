// Fastify app assembly. Every request, in this order:
//   1. onRequest: request ids, the $batch item marker, diagnostic header; the control API's token
//      check (routes/control.ts);
//   2. body: read raw (each endpoint parses what it expects);
//   3. dispatch by kind: the token side (auth.ts), the control API (routes/control.ts), or Graph
//      (/v1.0, /beta): the stages of pipeline.ts (claim write target, latency, fault rules,
//      authenticate, rate limit, check route, authorize, refuse overlapping write, handle, repeat
//      nextLink, persist, lose answer);
//   4. respond: a result, a Graph error envelope (never a stack trace or an HTML page), or a closed
//      connection; the request log entry is written just before the answer leaves.
import { randomUUID } from "crypto";
import type { IncomingMessage } from "http";
import * as https from "https";
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TokenService } from "./auth";
import { BATCH_ITEM_HEADER, BatchLoopback } from "./batchLoopback";
import type { CertificateAuthority } from "./certificateAuthority";
import { issueServerCertificate } from "./certificateAuthority";
import { reworded, toGraphError, unknownControlEndpoint, unknownEndpoint, unknownTokenEndpoint } from "./errorCatalogue";
import { GraphError, ODATA_JSON_CONTENT_TYPE, errorEnvelope, withEchoedSecrets } from "./graphErrors";
import { GraphResult, GraphRouter } from "./graphRouter";
import { certificateHostsFor, checkListenHost, hostForUrl } from "./listenAddress";
import { registerTokenRoutes } from "./tokenRoutes";
import { ExchangeNotes, ExchangeOutcome, parseGraphRequest, runGraphPipeline } from "./pipeline";
import { loggableBody, secretValuesOf } from "./requestLog";
import { batchRoutes } from "./routes/batch";
import { registerControlRoutes } from "./routes/control";
import { identityProviderRoutes } from "./routes/identityProviders";
import { keySetRoutes } from "./routes/keySets";
import { policyRoutes } from "./routes/policies";
import { userFlowRoutes } from "./routes/userFlows";
import type { EmulatorRuntime } from "./runtime";
import type { RequestLogEntry } from "./types";

export { checkListenHost, isLoopbackHost } from "./listenAddress";

const BODY_LIMIT = 32 * 1024 * 1024;
/**
 * How long an idle keep-alive connection stays open. Node's 5 s default races clients' pools: undici
 * drops an idle socket one second before the server's advertised timeout, on a coarse timer, so a
 * busy machine sometimes sends a request down a socket the server is closing (ECONNRESET). Clients
 * learn this value from the `Keep-Alive: timeout=…` header; the server closes every socket on stop.
 */
const IDLE_CONNECTION_MS = 120_000;
const DIAGNOSTIC_HEADER = JSON.stringify({ ServerInfo: { DataCenter: "Local Emulator", Slice: "E", Ring: "0", ScaleUnit: "000", RoleInstance: "b2c-emulator" } });

interface RequestMeta extends ExchangeNotes {
  startedAt: bigint;
  requestId: string;
  clientRequestId: string;
  kind: RequestLogEntry["kind"];
  logged: boolean;
}

export interface EmulatorServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Listening limits: slow or stalled clients are cut off instead of holding sockets forever. */
export interface ServerTimeouts {
  /** Time to receive a request's headers (Node's headersTimeout). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). Default 30 s. */
  requestTimeoutMs?: number;
}

function classify(path: string): RequestLogEntry["kind"] {
  if (/^\/(v1\.0|beta)(\/|$|\?)/i.test(path)) return "graph";
  if (path.startsWith("/_emulator/")) return "control";
  if (/^\/[^/]+\/(oauth2\/v2\.0\/|v2\.0\/\.well-known\/|discovery\/)/i.test(path)) return "token";
  return "other";
}

const rawBodyOf = (request: FastifyRequest): Buffer | undefined => (request.body instanceof Buffer ? request.body : undefined);

export async function startEmulatorServer(
  runtime: EmulatorRuntime,
  ca: CertificateAuthority,
  host: string,
  port: number,
  options: ServerTimeouts & { allowRemote?: boolean } = {},
): Promise<EmulatorServer> {
  checkListenHost(host, options.allowRemote);
  const { certPem, keyPem } = issueServerCertificate(ca, certificateHostsFor(host));
  const metas = new WeakMap<IncomingMessage, RequestMeta>();
  const tokens = new TokenService(runtime);
  const router = new GraphRouter();
  router.add(...identityProviderRoutes(), ...userFlowRoutes(), ...keySetRoutes(), ...policyRoutes(), ...batchRoutes());
  const loopback = new BatchLoopback(ca.caPem, () => runtime.baseUrl);

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  const app = Fastify({
    // Our own server, for the limits Fastify does not pass on: stalled headers or bodies are cut off.
    serverFactory: (handler) => {
      const server = https.createServer({ key: keyPem, cert: certPem, headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, handler);
      server.keepAliveTimeout = IDLE_CONNECTION_MS;
      return server;
    },
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
    const body = loggableBody(rawBodyOf(request), request.headers["content-type"]);
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
    if (runtime.behaviour.rewordErrorMessages && meta.kind === "graph") error = reworded(error);
    if (runtime.behaviour.echoSecretsInErrors && meta.kind === "graph") {
      error = withEchoedSecrets(error, secretValuesOf(rawBodyOf(request), request.headers["content-type"]));
    }
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

  /** Respond: the pipeline's outcome as an answer, an error envelope, or a connection closed without an answer. */
  function respond(request: FastifyRequest, reply: FastifyReply, outcome: ExchangeOutcome): FastifyReply | void {
    if (outcome.kind === "answer") return sendResult(reply, outcome.result);
    if (outcome.kind === "error") return sendError(request, reply, outcome.error, outcome.cause);
    if (outcome.kind === "hang") {
      // Never answered: logged when the client gives up (or the emulator stops), with how long it waited.
      metaOf(request).fault = "hang";
      reply.hijack();
      request.raw.socket.once("close", () => writeLog(request, 0));
      return;
    }
    metaOf(request).fault = outcome.fault;
    writeLog(request, outcome.status);
    reply.hijack();
    request.raw.socket.destroy();
  }

  async function handleGraph(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const raw = { method: request.method, url: request.raw.url ?? request.url, headers: request.headers, body: rawBodyOf(request) };
    const exchange = parseGraphRequest(raw, { runtime, tokens, router, notes: metaOf(request) }, (version, inner) => loopback.execute(version, inner));
    return respond(request, reply, await runGraphPipeline(exchange));
  }

  // Every body arrives raw; each endpoint parses what it expects and answers Graph-style errors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    done(null, body);
  });

  app.addHook("onRequest", async (request, reply) => {
    const meta = metaOf(request);
    meta.batchRequestId = loopback.batchRequestIdOf(request.headers[BATCH_ITEM_HEADER]);
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
    if (meta.kind === "control") return sendError(request, reply, unknownControlEndpoint(request.method, path));
    if (meta.kind === "token") return sendError(request, reply, unknownTokenEndpoint(path));
    return sendError(request, reply, unknownEndpoint(path));
  };
  app.setNotFoundHandler(dispatch);

  registerControlRoutes(app, runtime);
  registerTokenRoutes(app, runtime, tokens, (request, clientId) => {
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
      closed ??= app.close().then(() => loopback.destroy());
      return closed;
    },
  };
}
