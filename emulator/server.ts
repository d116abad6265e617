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
import { loggableBody, secretValuesOf } from "./requestLog";
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

/** Listening limits: slow or stalled clients are cut off instead of holding sockets forever. */
export interface ServerTimeouts {
  /** Time to receive a request's headers (Node's headersTimeout). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). Default 30 s. */
  requestTimeoutMs?: number;
}

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/**
 * Refuses a listen address other machines can reach unless `allowRemote`: the emulator hands out
 * tokens for a fixed client secret and its control API can read and reset the tenant. With
 * `allowRemote` it warns on stderr. Its CA only certifies localhost and 127.0.0.1 (name constraints).
 */
export function checkListenHost(host: string, allowRemote: boolean | undefined, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  if (isLoopbackHost(host)) return;
  if (!allowRemote) {
    throw new Error(
      `Refusing to listen on ${host}: the emulator is for this machine only (its client secret is public and its control API ` +
        `can reset the tenant). Use --host 127.0.0.1 (the default), or pass --allow-remote (allowRemote: true) if you really mean it.`,
    );
  }
  warn(
    `b2c emulator: WARNING: listening on ${host} (--allow-remote): anyone who can reach it can get tokens with the public client secret. ` +
      `Its TLS certificate is only valid for localhost and 127.0.0.1.`,
  );
}

/** The error as sent with the secrets of the request quoted back in several forms (behaviour echoSecretsInErrors): a test of client-side redaction. */
function withEchoedSecrets(error: GraphError, secrets: string[]): GraphError {
  if (secrets.length === 0) return error;
  const quoted = secrets
    .map((secret) => {
      const b64 = Buffer.from(secret, "utf8").toString("base64");
      return `'${secret}' (base64 ${b64}, upper ${secret.toUpperCase()}, url ${encodeURIComponent(secret)}, first chars ${secret.slice(0, 10)}...)`;
    })
    .join("; ");
  return new GraphError(error.status, error.code, `${error.message} Received: ${quoted}.`, error.options);
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

export async function startEmulatorServer(
  runtime: EmulatorRuntime,
  ca: CertificateAuthority,
  host: string,
  port: number,
  options: ServerTimeouts & { allowRemote?: boolean } = {},
): Promise<EmulatorServer> {
  checkListenHost(host, options.allowRemote);
  const certificateHosts = ["localhost", "127.0.0.1", "::1"];
  if (!certificateHosts.includes(host) && host !== "0.0.0.0" && host !== "::") certificateHosts.push(host);
  const { certPem, keyPem } = issueServerCertificate(ca, certificateHosts);
  const metas = new WeakMap<IncomingMessage, RequestMeta>();
  const batchNonce = randomBytes(16).toString("hex");
  const tokens = new TokenService(runtime);
  const router = new GraphRouter();
  router.add(...identityProviderRoutes(), ...userFlowRoutes(), ...keySetRoutes(), ...policyRoutes(), ...batchRoutes());

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  const app = Fastify({
    // Our own server, for the limits Fastify does not pass on: stalled headers or bodies are cut off.
    serverFactory: (handler) =>
      https.createServer(
        {
          key: keyPem,
          cert: certPem,
          headersTimeout,
          requestTimeout,
          connectionsCheckingInterval: Math.min(1000, headersTimeout),
        },
        handler,
      ),
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
    if (runtime.behaviour.echoSecretsInErrors && meta.kind === "graph") {
      error = withEchoedSecrets(error, secretValuesOf(request.body instanceof Buffer ? request.body : undefined, request.headers["content-type"]));
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
    let loseResponse = false;
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
      loseResponse = injected?.kind === "loseResponse";

      const caller = tokens.authenticate(request.headers.authorization);
      meta.clientId = caller.clientId;
      call.app = caller;

      // The CPIM limit is documented for identityContainer and identityProvider resources only
      // (behaviour.rateLimitScope); $batch itself is never counted, its inner requests are.
      const family = "route" in resolution ? resolution.route.family : undefined;
      const limitedRoute = family !== "batch" && (runtime.behaviour.rateLimitScope === "all" || family === "identityProviders" || family === "userFlows");
      if (limitedRoute) {
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
      if (loseResponse) {
        // Carried out and saved; the answer never leaves: the client sees the connection reset.
        meta.fault = "loseResponse";
        if (meta.batchRequestId) throw new GraphError(504, "gatewayTimeout", "The answer was lost (injected fault).", { fault: "loseResponse" });
        writeLog(request, result.status);
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      return sendResult(reply, result);
    } catch (err) {
      if (loseResponse && !meta.batchRequestId) {
        const error = toGraphError(err);
        meta.fault = "loseResponse";
        writeLog(request, error.status);
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
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
