/** What a Graph call was for, so that an error says what was attempted. */
export interface GraphOperationInfo {
  method: string;
  /** Path below the version root, e.g. `/identity/identityProviders`. */
  path: string;
  version: string;
  /** Human words, e.g. "create WeChat identity provider". */
  description?: string;
}

/**
 * One failed Graph call: HTTP status, Graph/B2C error code, message, request-id and the operation.
 * `message` is a single readable line; secret values handed to the client are never part of it.
 */
export interface GraphRequestError extends Error {
  name: "GraphRequestError";
  status: number;
  code: string;
  graphMessage: string;
  requestId?: string;
  clientRequestId?: string;
  operation: string;
  /** True for 404 answers and the B2C "cannot be found" code. */
  isNotFound: boolean;
  /** The request was re-sent after a dropped connection, so an earlier attempt may have landed. */
  afterNetworkRetry?: boolean;
}

/**
 * Builds a GraphRequestError. A factory, not `class extends Error`: the Pulumi closure serializer
 * rewrites `super()` so that a serialized Error subclass loses its message.
 */
export function graphRequestError(args: {
  status: number;
  code?: string;
  graphMessage?: string;
  requestId?: string;
  clientRequestId?: string;
  operation: GraphOperationInfo;
  secrets?: readonly (string | undefined)[];
}): GraphRequestError {
  const op = args.operation;
  const operation = `${op.description ? op.description + " (" : ""}${op.method} /${op.version}${op.path}${op.description ? ")" : ""}`;
  const code = args.code || (args.status === 0 ? "networkError" : `HTTP${args.status}`);
  const graphMessage = redactSecrets(oneLine(args.graphMessage || "no error message in the response"), args.secrets);
  const status = args.status === 0 ? "no HTTP response" : `HTTP ${args.status}`;
  const requestId = args.requestId ? ` [request-id ${args.requestId}]` : "";
  const error = new Error(redactSecrets(`${operation} failed: ${status} ${code}: ${graphMessage}${requestId}`, args.secrets));
  return Object.assign(error, {
    name: "GraphRequestError" as const,
    status: args.status,
    code,
    graphMessage,
    requestId: args.requestId,
    clientRequestId: args.clientRequestId,
    operation,
    isNotFound: args.status === 404 || code === "AADB2C90073",
  });
}

export function isGraphRequestError(error: unknown): error is GraphRequestError {
  return error instanceof Error && error.name === "GraphRequestError";
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** Replaces every occurrence of each secret (4+ characters) with `***`. */
export function redactSecrets(text: string, secrets?: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets ?? []) {
    if (s && s.length >= 4) out = out.split(s).join("***");
  }
  return out;
}

/** Walks Graph's error envelope (`error.innerError...`, either spelling) for code, message and ids. */
export function parseGraphErrorBody(body: unknown): {
  code?: string;
  message?: string;
  requestId?: string;
  clientRequestId?: string;
} {
  let parsed: any = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  const error = parsed?.error;
  if (!error || typeof error !== "object") return {};
  let requestId: string | undefined;
  let clientRequestId: string | undefined;
  for (let inner = error.innerError ?? error.innererror; inner && typeof inner === "object"; inner = inner.innerError ?? inner.innererror) {
    requestId ??= inner["request-id"];
    clientRequestId ??= inner["client-request-id"];
  }
  return {
    code: typeof error.code === "string" ? error.code : undefined,
    message: typeof error.message === "string" ? error.message : undefined,
    requestId,
    clientRequestId,
  };
}
