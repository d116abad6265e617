// Control API under /_emulator/ (no auth): request log, faults, behaviour, state, reset. Lets tests
// and users drive an emulator started in another process (npm run emulator).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatorRuntime } from "../runtime";

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body instanceof Buffer ? request.body.toString("utf8") : "";
  const parsed: unknown = raw.trim() === "" ? {} : JSON.parse(raw);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("a JSON object is expected");
  return parsed as Record<string, unknown>;
}

function badRequest(reply: FastifyReply, err: unknown): FastifyReply {
  const message = err instanceof Error ? err.message : String(err);
  return reply.code(400).header("content-type", "application/json; charset=utf-8").send({ error: { code: "BadRequest", message } });
}

function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header("content-type", "application/json; charset=utf-8").send(JSON.stringify(body));
}

export function registerControlRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
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
