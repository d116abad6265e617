// Microsoft Graph error envelopes: {"error":{"code","message","innerError":{date,request-id,client-request-id[,correlationId]}}}.
import { randomUUID } from "crypto";

/** JSON content type Graph sends (json-batching sample headers). */
export const ODATA_JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/**
 * error.code used for custom-policy validation failures. The real code is unconfirmed: an Azure
 * DevOps task surfaced "…Validation failed: …<correlation guid>AADB2C", suggesting "AADB2C".
 */
export const POLICY_VALIDATION_ERROR_CODE = "AADB2C";

export interface GraphErrorOptions {
  /** B2C-backed error: innerError also carries correlationId. */
  b2c?: boolean;
  headers?: Record<string, string>;
  /** Extra innerError members (e.g. the documented 429 shape). */
  innerError?: Record<string, unknown>;
  /** Name of the fault that produced this error, for the request log. */
  fault?: string;
}

/** Thrown by route handlers; turned into a Graph error envelope by the dispatcher. */
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

/**
 * AADB2C message templates from Microsoft's error-code catalogue, for the codes the emulator answers
 * ({0}, {1}, ... are filled in order): https://learn.microsoft.com/azure/active-directory-b2c/error-codes
 * (texts as the catalogue has them, its grammar included). AADB2C90063 is the exception: the text a
 * real uploadSecret answered (microsoftgraph/microsoft-graph-docs-contrib#2254) rather than the
 * catalogue's "The B2C service has an internal error.", kept in faults.ts.
 */
export const AADB2C_MESSAGES = {
  AADB2C90019: "The key container with id '{0}' in tenant '{1}' does not has a valid key. Reason: {2}.",
  AADB2C90073: "{0} with '{1}': '{2}' cannot be found in the directory '{3}'.",
  AADB2C90113: "The uploaded XML has an error on line {0} col {1} : {2}.",
  AADB2C90179: "The presented X509 certificate '{0}' in tenant '{1}' is not a valid X.509 certificate: '{2}'",
  AADB2C90214: "The expiry date for the key container in tenant '{0}' with storageReferenceId '{1}' is in the past. Passed date :'{2}'.",
  AADB2C90215: "The uploaded key is badly formatted. Reason: '{0}'.",
  AADB2C90229: "Your request is throttled temporarily. Please retry after the time specified in the additional information of the error message.",
  AADB2C90244: "There are too many requests at this moment. Please wait for some time and try again.",
  AADB2C90253: "The trustframework keyset parameter '{0}' is missing",
  AADB2C95025: "The presented password for the uploaded certificate is wrong.",
  AADB2C95028: "Can't create trustframework key set with name '{0}' because it already exists.",
  AADB2C95029: "The trustframework keyset parameter K is not base64 URL encoded.",
  AADB2C95030: "Missing kty parameter for the trustframework key.",
  AADB2C95031: "Bad kty parameter '{0}' for the trustframework key. Must be RSA or oct.",
  AADB2C95032: "One can't mix RSA and Oct types in one key set.",
  AADB2C95033: "Bad use parameter '{0}' for the trustframework key.",
  AADB2C95034: "The presented TrustFrameworkKey entity is of the wrong format",
  AADB2C95037: "The presented TrustFrameworkKey entity is missing kty.",
  AADB2C95039: "The presented TrustFrameworkKey RSA entity is missing or the modulus or exponent.",
  AADB2C95042: "One can't mix signature and encryption usage in one key set.",
  AADB2C95043: "There are too many requests at this moment. Please wait for some time and try again.",
  AADB2C95052: "The trustframework key set with id '{0}' in tenant '{1}' is not created. Please use 'Create api' to create the key set first.",
  AADB2C95053: "Multiple concurrent writes to the same object detected. Please perform update operations on the same object sequentially.",
  AADB2C95059: "One of the keys in the payload has 'kid' which is not empty.",
  AADB2C99009: "Put operation not supported for this entity on this uri. Please append '$value' to the request uri and send the request again.",
} as const;

export type Aadb2cCode = keyof typeof AADB2C_MESSAGES;

/** The catalogue text of `code` with its {n} placeholders filled. */
export function aadb2cMessage(code: Aadb2cCode, ...args: Array<string | number>): string {
  return AADB2C_MESSAGES[code].replace(/\{(\d+)\}/g, (whole, n: string) => (args[Number(n)] !== undefined ? String(args[Number(n)]) : whole));
}

/** A B2C error with the catalogue's message for `code`. */
export function aadb2cError(status: number, code: Aadb2cCode, args: Array<string | number> = [], options: GraphErrorOptions = {}): GraphError {
  return b2cError(status, code, aadb2cMessage(code, ...args), options);
}

/** B2C service error (AADB2Cnnnnn codes, correlationId in innerError). */
export function b2cError(status: number, code: string, message: string, options: GraphErrorOptions = {}): GraphError {
  return new GraphError(status, code, message, { ...options, b2c: true });
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
  return { error: { code: error.code, message: error.message, innerError } };
}

/** Converts anything thrown into a GraphError without leaking stack traces or internals. */
export function toGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  const status = typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new GraphError(413, "RequestEntityTooLarge", "The request body is too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return unsupportedMediaType();
    case "FST_ERR_BAD_URL":
    case "FST_ERR_ASYNC_CONSTRAINT":
      return new GraphError(400, "BadRequest", "The request URI is not valid.");
    default:
      break;
  }
  if (status === 500) return new GraphError(500, "generalException", "An internal server error occurred in the emulator.");
  return new GraphError(status, status === 400 ? "BadRequest" : "generalException", "The request could not be processed.");
}

// ---- frequently used errors -------------------------------------------------------------

export function unsupportedMediaType(expected = "application/json"): GraphError {
  return new GraphError(415, "UnsupportedMediaType", `The content type of the request is not supported. Expected '${expected}'.`);
}

export function resourceNotFoundForSegment(segment: string): GraphError {
  return new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
}

export function methodNotAllowed(): GraphError {
  return new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
}

export function invalidRequestBody(message: string): GraphError {
  return new GraphError(400, "BadRequest", message);
}

export function unknownProperty(property: string, typeName: string): GraphError {
  return new GraphError(
    400,
    "BadRequest",
    `The property '${property}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
}

export function wrongPropertyType(property: string, expected: string, value: unknown): GraphError {
  return new GraphError(
    400,
    "BadRequest",
    `Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type '${expected}' (property '${property}').`,
  );
}

/** AADB2C90073, the B2C "cannot be found in the directory" template. */
export function notFoundInDirectory(kind: string, property: string, id: string, tenantDomain: string): GraphError {
  return aadb2cError(404, "AADB2C90073", [kind, property, id, tenantDomain]);
}

export function alreadyExists(status: 400 | 409, message: string): GraphError {
  return new GraphError(status, "Request_MultipleObjectsWithSameKeyValue", message);
}

export function notB2cTenant(tenantDomain: string): GraphError {
  return new GraphError(
    400,
    "BadRequest",
    `This API is only available for Azure AD B2C tenants. Tenant '${tenantDomain}' is not an Azure AD B2C tenant.`,
  );
}
