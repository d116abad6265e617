import { redactorFor } from "./redact";

// Redaction lives in graph/redact.ts; these names stay importable from here.
export { REDACT_PREFIX_LENGTH, REDACT_RUN_LENGTH, redactSecrets, secretForms } from "./redact";

/** What a Graph call was for, so that an error says what was attempted. */
export interface GraphOperationInfo {
  method: string;
  /** Path below the version root, e.g. `/identity/identityProviders`. */
  path: string;
  version: string;
  /** Human words, e.g. "create WeChat identity provider". */
  description?: string;
}

/** What a GraphRequestError is built from. */
export interface GraphRequestErrorArgs {
  status: number;
  code?: string;
  graphMessage?: string;
  requestId?: string;
  clientRequestId?: string;
  operation: GraphOperationInfo;
  secrets?: readonly (string | undefined)[];
}

/**
 * One failed Graph call: HTTP status, Graph/B2C error code, message, request-id and the operation.
 * `message` is a single readable line; secret values handed to the client are never part of it.
 */
export class GraphRequestError extends Error {
  override name = "GraphRequestError" as const;
  /** Its kind in the package's error family (kernel/errors.ts). */
  readonly kind = "graph" as const;
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
  /** The answer was retryable (429, 503, a transient B2C code) but the time budget was spent. */
  retryBudgetExhausted?: boolean;

  constructor(args: GraphRequestErrorArgs) {
    const op = args.operation;
    const operation = `${op.description ? op.description + " (" : ""}${op.method} /${op.version}${op.path}${op.description ? ")" : ""}`;
    const redactor = redactorFor(args.secrets);
    // Providers decide on the code: an identifier such as AADB2C90073 stays as is; anything else
    // the service put there is redacted like the message.
    const rawCode = args.code || (args.status === 0 ? "networkError" : `HTTP${args.status}`);
    const code = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(rawCode) ? rawCode : redactor.redact(rawCode);
    const graphMessage = redactor.redact(oneLine(args.graphMessage || "no error message in the response"));
    const status = args.status === 0 ? "no HTTP response" : `HTTP ${args.status}`;
    // Ids are echoed from the answer's headers or body: a proxy or service may put a secret there too.
    const requestIdValue = args.requestId === undefined ? undefined : redactor.redact(oneLine(String(args.requestId)));
    const requestId = requestIdValue ? ` [request-id ${requestIdValue}]` : "";
    super(redactor.redact(`${operation} failed: ${status} ${code}: ${graphMessage}${requestId}`));
    this.status = args.status;
    this.code = code;
    this.graphMessage = graphMessage;
    this.requestId = requestIdValue;
    this.clientRequestId = args.clientRequestId === undefined ? undefined : redactor.redact(String(args.clientRequestId));
    this.operation = operation;
    this.isNotFound = args.status === 404 || code === "AADB2C90073";
  }
}

/**
 * By name, not only `instanceof`: an error raised by another copy of this package (a consumer's
 * install may hold two) is recognised too.
 */
export function isGraphRequestError(error: unknown): error is GraphRequestError {
  return error instanceof GraphRequestError || (error instanceof Error && error.name === "GraphRequestError");
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
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
    message: messageText(error.message),
    requestId,
    clientRequestId,
  };
}

/**
 * An error's `message` as text. Some services answer OData's verbose form, an object
 * `{ "lang": "en-US", "value": "…" }`, or another object: it is shown by its `value` or as JSON,
 * never as "[object Object]".
 */
export function messageText(message: unknown): string | undefined {
  if (typeof message === "string") return message;
  if (message === null || message === undefined) return undefined;
  if (typeof message === "object" && typeof (message as { value?: unknown }).value === "string") return (message as { value: string }).value;
  let text: string | undefined;
  try {
    text = JSON.stringify(message);
  } catch {
    text = undefined;
  }
  return text === undefined ? undefined : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
