// Microsoft Graph error envelopes: {"error":{"code","message","innerError":{date,request-id,client-request-id[,correlationId]}}}.
// The errors themselves (status, code, message text) are named in emulator/errorCatalogue.ts.
import { randomUUID } from "crypto";

/** JSON content type Graph sends (json-batching sample headers). */
export const ODATA_JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export interface GraphErrorOptions {
  /** B2C-backed error: innerError also carries correlationId. */
  b2c?: boolean;
  headers?: Record<string, string>;
  /** Extra innerError members (e.g. the documented 429 shape). */
  innerError?: Record<string, unknown>;
  /** Name of the fault that produced this error, for the request log. */
  fault?: string;
  /** Sent as `error.message` instead of the text: an injected rule's object message. */
  messageObject?: Record<string, unknown>;
}

/** Thrown by route handlers and pipeline stages; turned into a Graph error envelope when answered. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly options: GraphErrorOptions;
  constructor(status: number, code: string, message: string, options: GraphErrorOptions = {}) {
    super(message);
    this.name = "GraphError";
    this.status = status;
    this.code = code;
    this.options = options;
  }
}

/** Graph's innerError.date format: "2022-04-20T23:38:08" (UTC, no fraction, no zone). */
export function graphDate(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19);
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export function errorEnvelope(error: GraphError, ids: RequestIds): { error: Record<string, unknown> } {
  const innerError: Record<string, unknown> = {
    ...(error.options.innerError ?? {}),
    date: graphDate(),
    "request-id": ids.requestId,
    "client-request-id": ids.clientRequestId,
  };
  if (error.options.b2c) innerError.correlationId = randomUUID();
  return { error: { code: error.code, message: error.options.messageObject ?? error.message, innerError } };
}

/** The same error with extra options (e.g. the fault that produced it). */
export function withOptions(error: GraphError, options: GraphErrorOptions): GraphError {
  return new GraphError(error.status, error.code, error.message, { ...error.options, ...options });
}

/** The error as sent with the secrets of the request quoted back in several forms (behaviour echoSecretsInErrors): a test of client-side redaction. */
export function withEchoedSecrets(error: GraphError, secrets: string[]): GraphError {
  if (secrets.length === 0) return error;
  const quoted = secrets
    .map((secret) => {
      const b64 = Buffer.from(secret, "utf8").toString("base64");
      return `'${secret}' (base64 ${b64}, upper ${secret.toUpperCase()}, url ${encodeURIComponent(secret)}, first chars ${secret.slice(0, 10)}...)`;
    })
    .join("; ");
  return new GraphError(error.status, error.code, `${error.message} Received: ${quoted}.`, error.options);
}
