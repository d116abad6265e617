// Inner $batch requests go through the real HTTPS listener (loopback), so they pass every stage of
// the pipeline, fault and log exactly like direct calls. (fastify.inject is avoided: its cookie
// dependency is ESM-only and cannot be loaded by jest's CommonJS runtime.)
import { randomBytes } from "crypto";
import * as https from "https";
import { innerRequestGotNoAnswer } from "./errorCatalogue";
import { ODATA_JSON_CONTENT_TYPE } from "./graphErrors";
import type { GraphVersion, InnerRequest, InnerResponse } from "./graphRouter";

/** Header that marks an inner request; its value carries a per-start nonce, so clients can't forge it. */
export const BATCH_ITEM_HEADER = "x-b2c-emulator-batch-item";

export class BatchLoopback {
  private readonly nonce = randomBytes(16).toString("hex");
  private readonly agent: https.Agent;

  constructor(
    caPem: string,
    private readonly baseUrl: () => string,
  ) {
    this.agent = new https.Agent({ keepAlive: true, ca: caPem, maxSockets: 32 });
  }

  /** The inner request id a request carries, when it is one of ours. */
  batchRequestIdOf(header: string | string[] | undefined): string | undefined {
    return typeof header === "string" && header.startsWith(`${this.nonce}:`) ? header.slice(this.nonce.length + 1) : undefined;
  }

  execute(version: GraphVersion, inner: InnerRequest): Promise<InnerResponse> {
    const target = new URL(`${this.baseUrl()}/${version}${inner.url}`);
    const headers: Record<string, string> = { ...inner.headers, [BATCH_ITEM_HEADER]: `${this.nonce}:${inner.id}` };
    if (inner.payload) headers["content-length"] = String(inner.payload.length);
    return new Promise((resolve) => {
      const request = https.request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: inner.method, headers, agent: this.agent },
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
          response.on("error", () => resolve(noAnswer()));
        },
      );
      request.on("error", () => resolve(noAnswer()));
      request.end(inner.payload);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

/** The inner answer when the loopback request got none: a bare {"error":{code,message}} (no request ever reached the pipeline). */
function noAnswer(): InnerResponse {
  const error = innerRequestGotNoAnswer();
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  return { status: error.status, headers: { "content-type": ODATA_JSON_CONTENT_TYPE }, body: Buffer.from(body) };
}
