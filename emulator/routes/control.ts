// Control API under /_emulator/: request log, faults, behaviour, state, reset. Lets tests and users
// drive an emulator started in another process (npm run emulator). Every call needs the per-start
// control token (printed with the URL): "Authorization: Bearer <controlToken>". Secrets appear only
// as salted fingerprints (the store keeps nothing else); unknown fields in a PUT are refused with 400 naming the field.
import { timingSafeEqual } from "crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { controlBadRequest, controlTokenRequired } from "../errorCatalogue";
import type { GraphError } from "../graphErrors";
import type { EmulatorRuntime } from "../runtime";

/** Whether the request carries the control token. */
function hasControlToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body instanceof Buffer ? request.body.toString("utf8") : "";
  const parsed: unknown = raw.trim() === "" ? {} : JSON.parse(raw);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("a JSON object is expected");
  return parsed as Record<string, unknown>;
}

/** The control API's errors are plain {"error":{code,message}} (it is not Graph). */
function sendControlError(reply: FastifyReply, error: GraphError): FastifyReply {
  reply.code(error.status).header("content-type", "application/json; charset=utf-8");
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply.send(JSON.stringify({ error: { code: error.code, message: error.message } }));
}

function badRequest(reply: FastifyReply, err: unknown): FastifyReply {
  return sendControlError(reply, controlBadRequest(err instanceof Error ? err.message : String(err)));
}

function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header("content-type", "application/json; charset=utf-8").send(JSON.stringify(body));
}

/**
 * The request path as a router may read it: percent-escapes decoded (repeatedly: %255F), backslashes
 * as slashes, `;` parameters, empty and `.` segments dropped, `..` applied, upper case folded. The
 * raw URL's spelling must not decide access: `/%5Femulator/state` reached the state without a token.
 */
export function normalisedPath(url: string): string {
  let path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").split(/[?#]/)[0];
  for (let i = 0; i < 4 && /%[0-9a-f]{2}/i.test(path); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      path = path.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  }
  const segments: string[] = [];
  for (const raw of path.split(/[?#]/)[0].replace(/\\/g, "/").split("/")) {
    const segment = raw.split(";")[0];
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment.toLowerCase());
  }
  return "/" + segments.join("/");
}

/** Whether the request is for the control API under any spelling of its path. */
function isControlPath(url: string): boolean {
  const path = normalisedPath(url);
  return path === "/_emulator" || path.startsWith("/_emulator/");
}

export function registerControlRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (hasControlToken(request, runtime.controlToken)) return;
    await sendControlError(reply, controlTokenRequired());
    return reply;
  };
  // Two locks: every request whose normalised path is under /_emulator (also paths no route
  // matches), and a hook on each control route itself, whatever spelling the router matched.
  app.addHook("onRequest", async (request, reply) => {
    if (isControlPath(request.raw.url ?? request.url)) return guard(request, reply);
  });
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/_emulator")) return;
    route.onRequest = [guard, ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])];
  });
  app.get("/_emulator/requests", async (_request, reply) => json(reply, 200, runtime.log.list()));
  app.delete("/_emulator/requests", async (_request, reply) => {
    runtime.log.clear();
    return reply.code(204).send();
  });
  app.get("/_emulator/faults", async (_request, reply) => json(reply, 200, runtime.faults.get()));
  app.put("/_emulator/faults", async (request, reply) => {
    try {
      runtime.faults.update(jsonBody(request));
    } catch (err) {
      return badRequest(reply, err);
    }
    return json(reply, 200, runtime.faults.get());
  });
  app.get("/_emulator/behaviour", async (_request, reply) => json(reply, 200, runtime.getBehaviour()));
  app.put("/_emulator/behaviour", async (request, reply) => {
    try {
      runtime.setBehaviour(jsonBody(request));
    } catch (err) {
      return badRequest(reply, err);
    }
    return json(reply, 200, runtime.getBehaviour());
  });
  app.get("/_emulator/clock", async (_request, reply) => json(reply, 200, runtime.clock.get()));
  app.put("/_emulator/clock", async (request, reply) => {
    try {
      const body = jsonBody(request);
      runtime.clock.set(body.now as string | number | null | undefined);
    } catch (err) {
      return badRequest(reply, err);
    }
    return json(reply, 200, runtime.clock.get());
  });
  app.get("/_emulator/state", async (_request, reply) => json(reply, 200, runtime.store.snapshot()));
  app.post("/_emulator/reset", async (_request, reply) => {
    runtime.store.reset();
    runtime.clock.set(null);
    return reply.code(204).send();
  });
}
