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
    const code = args.code || (args.status === 0 ? "networkError" : `HTTP${args.status}`);
    const graphMessage = redactSecrets(oneLine(args.graphMessage || "no error message in the response"), args.secrets);
    const status = args.status === 0 ? "no HTTP response" : `HTTP ${args.status}`;
    const requestId = args.requestId ? ` [request-id ${args.requestId}]` : "";
    super(redactSecrets(`${operation} failed: ${status} ${code}: ${graphMessage}${requestId}`, args.secrets));
    this.status = args.status;
    this.code = code;
    this.graphMessage = graphMessage;
    this.requestId = args.requestId;
    this.clientRequestId = args.clientRequestId;
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

/** Shortest prefix of a secret's written form that counts as the secret (a truncated quote). */
export const REDACT_PREFIX_LENGTH = 8;

/**
 * The forms a secret may take when a service quotes it back: as sent, base64 / base64url (at each of
 * the three byte alignments it can have inside a longer encoded text), URL-encoded and hex.
 * Case is handled by the matcher.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = new Set<string>([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, "+"), bytes.toString("hex")]);
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    // Characters that mix in the unknown bytes before the secret are not part of its form.
    const skip = shift === 0 ? 0 : shift + 1;
    const core = shifted.slice(skip).replace(/=+$/, "");
    // Shifted forms of a short secret are a few letters that would match anywhere: only the aligned one counts.
    if (shift > 0 && core.length < REDACT_PREFIX_LENGTH) continue;
    forms.add(core);
    forms.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Replaces each secret in `text` with `***`, in any of its `secretForms`, in any letter case, and
 * also a truncated quote: any run of REDACT_PREFIX_LENGTH or more leading characters of a form.
 * A secret shorter than that is replaced wherever it occurs. Secrets of any length count.
 */
export function redactSecrets(text: string, secrets?: readonly (string | undefined)[]): string {
  const forms = [...new Set((secrets ?? []).filter((s): s is string => typeof s === "string" && s.length > 0).flatMap(secretForms))]
    .map((f) => f.toLowerCase())
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return text;
  let out = "";
  const lower = text.toLowerCase();
  let i = 0;
  while (i < text.length) {
    let matched = 0;
    for (const form of forms) {
      const need = Math.min(form.length, REDACT_PREFIX_LENGTH);
      let n = 0;
      while (n < form.length && i + n < text.length && lower[i + n] === form[n]) n++;
      if (n >= need && n > matched) matched = n;
    }
    if (matched > 0) {
      out += "***";
      i += matched;
    } else {
      out += text[i];
      i++;
    }
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
