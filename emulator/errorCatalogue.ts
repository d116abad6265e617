// Every Graph and B2C error the emulator answers with: status, error.code and message text, named
// for the situation. Routes and pipeline stages throw these by name; no other file builds an error
// answer of its own. A few take a detail from the caller where the text names a problem of the
// request itself (a $batch payload's, a $filter's). (The token endpoint's AADSTS answers are OAuth
// errors, not Graph's: auth.ts.)
import { GraphError, GraphErrorOptions } from "./graphErrors";

/**
 * error.code used for custom-policy validation failures. The real code is unconfirmed: an Azure
 * DevOps task surfaced "…Validation failed: …<correlation guid>AADB2C", suggesting "AADB2C".
 */
export const POLICY_VALIDATION_ERROR_CODE = "AADB2C";

/**
 * AADB2C message templates from Microsoft's error-code catalogue, for the codes the emulator answers
 * ({0}, {1}, ... are filled in order): https://learn.microsoft.com/azure/active-directory-b2c/error-codes
 * (texts as the catalogue has them, its grammar included). AADB2C90063 is the exception: the text a
 * real uploadSecret answered (microsoftgraph/microsoft-graph-docs-contrib#2254) rather than the
 * catalogue's "The B2C service has an internal error.".
 */
export const AADB2C_MESSAGES = {
  AADB2C90019: "The key container with id '{0}' in tenant '{1}' does not has a valid key. Reason: {2}.",
  AADB2C90063: "There is a problem with the service.",
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

/** A B2C error (correlationId in innerError) with the catalogue's message for `code`. */
export function aadb2cError(status: number, code: Aadb2cCode, args: Array<string | number> = [], options: GraphErrorOptions = {}): GraphError {
  return new GraphError(status, code, aadb2cMessage(code, ...args), { ...options, b2c: true });
}

const badRequest = (message: string) => new GraphError(400, "BadRequest", message);

// ---- the request: address, method, media type, body ---------------------------------------------

export const invalidUri = () => badRequest("The request URI is not valid.");
export const requestTooLarge = () => new GraphError(413, "RequestEntityTooLarge", "The request body is too large.");
export const unsupportedMediaType = (expected = "application/json") =>
  new GraphError(415, "UnsupportedMediaType", `The content type of the request is not supported. Expected '${expected}'.`);
export const resourceNotFoundForSegment = (segment: string) => badRequest(`Resource not found for the segment '${segment}'.`);
export const noResourceSegment = () => badRequest("Invalid request: no resource segment.");
export const notImplementedPath = (path: string) => badRequest(`The emulator does not implement a request on '${path}'.`);
export const methodNotAllowed = () => new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
export const unknownControlEndpoint = (method: string, path: string) => new GraphError(404, "NotFound", `Unknown emulator control endpoint '${method} ${path}'.`);
export const unknownTokenEndpoint = (path: string) =>
  new GraphError(404, "NotFound", `The emulator's token side serves only the OpenID configuration and the token endpoint, not '${path}'.`);
export const unknownEndpoint = (path: string) => new GraphError(404, "NotFound", `No such endpoint '${path}'. Microsoft Graph is served under /v1.0 and /beta.`);
export const deprecatedApi = () =>
  badRequest(
    "The identityProvider API is deprecated and stopped returning data in March 2023. Please use the new identityProviderBase API (/identity/identityProviders and userFlowIdentityProviders).",
  );
export const notB2cTenant = (tenantDomain: string) =>
  badRequest(`This API is only available for Azure AD B2C tenants. Tenant '${tenantDomain}' is not an Azure AD B2C tenant.`);

/** A body that breaks a rule of its type; `detail` says which. */
export const invalidRequestBody = (detail: string) => badRequest(detail);
export const emptyPayload = () => invalidRequestBody("Empty Payload. JSON content expected.");
export const unreadableJson = () =>
  invalidRequestBody("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
export const jsonObjectExpected = () => invalidRequestBody("Invalid JSON payload: a JSON object was expected.");
export const requiredPropertyMissing = (name: string) => invalidRequestBody(`Required property '${name}' is missing or empty.`);
export const emptyProperty = (name: string) => invalidRequestBody(`Property '${name}' cannot be empty.`);
export const readOnlyProperty = (name: string) => invalidRequestBody(`Property '${name}' is read-only.`);
export const propertyNotArray = (name: string) => invalidRequestBody(`Property '${name}' must be an array.`);
export const itemWithoutId = (name: string) => invalidRequestBody(`Every item of '${name}' needs an 'id'.`);
export const unknownProperty = (property: string, typeName: string) =>
  badRequest(
    `The property '${property}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
export const wrongPropertyType = (property: string, expected: string, value: unknown) =>
  badRequest(`Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type '${expected}' (property '${property}').`);

// ---- OData query options ------------------------------------------------------------------------

/** A query option the emulator cannot apply as asked; `detail` says why. */
export const badQuery = (detail: string) => badRequest(detail);
export const invalidSkipToken = () => badQuery("The $skiptoken value is not valid.");
export const invalidQueryOptionValue = (name: string, raw: string) => badQuery(`Invalid value '${raw}' for query option '${name}'.`);
export const unknownSelectOrExpand = (name: string, typeName?: string) =>
  badQuery(`Parsing OData Select and Expand failed: Could not find a property named '${name}' on ${typeName ? `type '${typeName}'` : "the type of this resource"}.`);

// ---- authentication and permissions -------------------------------------------------------------

/** Why a bearer token is refused. */
const TOKEN_PROBLEMS = {
  empty: "Access token is empty.",
  notBearer: "Access token validation failure. The Authorization header must use the Bearer scheme.",
  malformed: "IDX14100: JWT is not well formed, there are no dots (.). Access token validation failure.",
  signature: "Access token validation failure. Invalid signature.",
  tenant: "Access token validation failure. Invalid tenant.",
  audience: "Access token validation failure. Invalid audience.",
  expired: "Lifetime validation failed, the token is expired.",
} as const;
export type TokenProblem = keyof typeof TOKEN_PROBLEMS;

export const invalidAuthenticationToken = (problem: TokenProblem, authorityBase: string) =>
  new GraphError(401, "InvalidAuthenticationToken", TOKEN_PROBLEMS[problem], {
    headers: {
      "WWW-Authenticate": `Bearer realm="", authorization_uri="${authorityBase}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    },
  });
export const insufficientPrivileges = () => new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

// ---- faults: throttling, injected answers, lost connections, overlapping writes ------------------

/** The documented 429 body (https://learn.microsoft.com/graph/throttling). */
export function tooManyRequests(retryAfter: number | string | undefined, fault: string, scope?: string): GraphError {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["Retry-After"] = String(retryAfter);
  if (scope) headers["x-ms-throttle-scope"] = scope === "tenant" ? "Tenant" : "Tenant_Application";
  return new GraphError(429, "TooManyRequests", "Please retry again later.", { headers, innerError: { code: "429", message: "Please retry after", status: "429" }, fault });
}

/** Texts of the codes an injected rule answers with its own text; other codes get "Injected fault <code>.". */
const INJECTED_FAULT_MESSAGES: Record<string, string> = {
  AADB2C90063: AADB2C_MESSAGES.AADB2C90063,
  AADB2C95053: AADB2C_MESSAGES.AADB2C95053,
  AADB2C90229: AADB2C_MESSAGES.AADB2C90229,
  AADB2C90244: AADB2C_MESSAGES.AADB2C90244,
  AADB2C95043: AADB2C_MESSAGES.AADB2C95043,
  serviceNotAvailable: "The service is temporarily unavailable. Please retry later.",
  gatewayTimeout: "The gateway did not receive a response in time.",
  generalException: "An unspecified error has occurred.",
};

/** The answer of an injected fault rule (faults.ts picks status and code); AADB2C codes are B2C errors. */
export function injectedFault(status: number, code: string, headers: Record<string, string>, fault: string, message?: string | Record<string, unknown>): GraphError {
  const text = typeof message === "string" ? message : (INJECTED_FAULT_MESSAGES[code] ?? `Injected fault ${code}.`);
  return new GraphError(status, code, text, {
    headers,
    fault,
    ...(code.startsWith("AADB2C") ? { b2c: true } : {}),
    ...(message !== undefined && typeof message !== "string" ? { messageObject: message } : {}),
  });
}

/** AADB2C95053 for overlapping writes to one object (status unconfirmed: behaviour.concurrentWriteStatus, default 409). */
export const concurrentWrite = (status: 400 | 409 = 409) => aadb2cError(status, "AADB2C95053", [], { fault: "concurrentWrite" });
/** Inside $batch, where the connection is shared, a dropped connection or lost answer shows as 504. */
export const droppedInBatch = () => new GraphError(504, "gatewayTimeout", "The connection was dropped (injected fault).", { fault: "dropConnection" });
/** A loseResponse rule with a status: carried out and saved, then a gateway's answer (e.g. 504) instead of the service's. */
export const committedThenGatewayError = (status: number) =>
  new GraphError(status, status === 504 ? "gatewayTimeout" : "serviceNotAvailable", "The gateway did not receive a response in time.", { fault: "loseResponse" });
export const lostInBatch = () => new GraphError(504, "gatewayTimeout", "The answer was lost (injected fault).", { fault: "loseResponse" });
/** An inner request of $batch that got no answer over loopback. */
export const innerRequestGotNoAnswer = () => new GraphError(504, "gatewayTimeout", "The inner request got no answer.");
export const failedDependency = (itemId: string) =>
  new GraphError(424, "FailedDependency", `The request '${itemId}' was not executed because a request it depends on failed.`);
export const invalidBatchPayload = (detail: string) => invalidRequestBody(`Invalid batch payload: ${detail}`);

// ---- the tenant's objects -----------------------------------------------------------------------

/** AADB2C90073, the B2C "cannot be found in the directory" template. */
export const notFoundInDirectory = (kind: string, property: string, id: string, tenantDomain: string) => aadb2cError(404, "AADB2C90073", [kind, property, id, tenantDomain]);
export const alreadyExists = (status: 400 | 409, message: string) => new GraphError(status, "Request_MultipleObjectsWithSameKeyValue", message);

export const identityProviderExists = (status: 400 | 409, type: string, id: string) =>
  alreadyExists(
    status,
    `Another object with the same value for property identityProviderType already exists: an identity provider of type '${type}' ('${id}') is already configured in this tenant.`,
  );
export const identityProviderTypeOnlyInB2c = (type: string, allowed: string[]) =>
  invalidRequestBody(`Identity provider type '${type}' is only supported in Azure AD B2C tenants. Supported values in this tenant: ${allowed.join(", ")}.`);
export const invalidIdentityProviderType = (type: string, property: string, allowed: string[]) =>
  invalidRequestBody(`Invalid value '${type}' for property '${property}'. Supported values: ${allowed.join(", ")}.`);
export const abstractIdentityProvider = () =>
  invalidRequestBody("Cannot create an abstract class. Specify '@odata.type' (e.g. 'microsoft.graph.socialIdentityProvider').");
export const unsupportedIdentityProviderKind = (supported: string, got: string) =>
  invalidRequestBody(`The emulator supports only '${supported}' identity providers; got '${got}'.`);
export const identityProviderTypeFixed = (current: string) =>
  invalidRequestBody(`Property 'identityProviderType' cannot be changed (current value '${current}'). Delete and re-create the identity provider instead.`);
export const legacyIdentityProviderTypeFixed = () => invalidRequestBody("Property 'type' cannot be changed.");
export const identityProviderInUse = (id: string, flows: string[]) =>
  badRequest(`The identity provider '${id}' is used by the user flow(s) ${flows.join(", ")} and cannot be deleted. Remove it from those user flows first.`);

/** behaviour.deleteInheritedPolicy "refuse": no page documents this answer (status, code or text). */
export const policyInherited = (id: string, children: string[]) =>
  badRequest(`Policy '${id}' cannot be deleted: it is the BasePolicy of ${children.join(", ")}. Delete those policies first.`);

export const unsupportedUserFlowType = (type: string, supported: string[]) =>
  invalidRequestBody(`Requested value '${type}' was not found for property 'userFlowType'. Supported values: ${supported.join(", ")}.`);
export const userFlowTypeVersionMissing = () => invalidRequestBody("Required property 'userFlowTypeVersion' is missing or not a positive number.");
export const userFlowExists = (id: string, status: 400 | 409 = 409) => alreadyExists(status, `A user flow with id '${id}' already exists.`);
export const userFlowPropertyFixed = (name: string, typeName: string, updatable: string[]) =>
  invalidRequestBody(`Property '${name}' of a ${typeName} cannot be updated; only ${updatable.join(" and ")} can.`);
export const invalidLanguageTag = () => invalidRequestBody("Property 'defaultLanguageTag' must be an RFC 5646 language tag or null.");
export const odataIdRequired = () => invalidRequestBody("The '@odata.id' annotation is required in a $ref request body.");
export const invalidOdataIdReference = (ref: string, shape: string) =>
  invalidRequestBody(`Invalid '@odata.id' value '${ref}': it must reference an identity provider as '<graph root>${shape}'.`);
export const referenceAlreadyExists = (property: string) =>
  new GraphError(400, "Request_BadRequest", `One or more added object references already exist for the following modified properties: '${property}'.`);
export const notAttachedToFlow = (idpId: string, flowId: string) =>
  new GraphError(404, "AADB2C90073", `IdentityProvider with 'id': '${idpId}' cannot be found in the user flow '${flowId}'.`, { b2c: true });

export const invalidKeySetId = (name: string) => invalidRequestBody(`The keyset id '${name}' is invalid: use letters, digits, '_', '-' and '.'.`);
export const keySetKeysNotArray = () => invalidRequestBody("The 'keySet' field is invalid in request: 'keys' must be an array.");
export const keysRefusedOnKeySetCreate = () =>
  invalidRequestBody("The 'keySet' field is invalid in request. Create the keyset empty, then add keys with generateKey or an upload action.");

export const policyExists = (id: string) =>
  alreadyExists(409, `A policy with id '${id}' already exists. Use PUT /trustFramework/policies/${id}/$value to replace it.`);
export const policyValidationFailed = (shownId: string, tenantDomain: string, details: string[], status: 400 | 422 = 400) =>
  new GraphError(
    status,
    POLICY_VALIDATION_ERROR_CODE,
    `Validation failed: ${details.length} validation error(s) found in policy "${shownId}" of tenant "${tenantDomain}".${details.join("")}`,
    { b2c: true },
  );

/**
 * The same answer in other words (behaviour rewordErrorMessages): status, code and options kept, the
 * text replaced, so a client that matches message text fails the tests run this way. Policy
 * validation answers are kept: their details are the only place B2C names what is missing.
 */
export function reworded(error: GraphError): GraphError {
  if (error.code === POLICY_VALIDATION_ERROR_CODE) return error;
  return new GraphError(error.status, error.code, `Request refused (status ${error.status}, code ${error.code}); this text is reworded by the emulator.`, error.options);
}

// ---- the control API (/_emulator/*; plain {"error":{code,message}}, not Graph) ---------------------

export const controlTokenRequired = () =>
  new GraphError(401, "Unauthorized", "The emulator's control API needs its control token: send 'Authorization: Bearer <controlToken>' (printed at start as controlToken).", {
    headers: { "WWW-Authenticate": 'Bearer realm="b2c-emulator-control"' },
  });
/** A control request the emulator refuses; `detail` names the field and what is allowed. */
export const controlBadRequest = (detail: string) => badRequest(detail);

// ---- anything else thrown -----------------------------------------------------------------------

/** Converts anything thrown into a GraphError without leaking stack traces or internals. */
export function toGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  const status = typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return requestTooLarge();
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return unsupportedMediaType();
    case "FST_ERR_BAD_URL":
    case "FST_ERR_ASYNC_CONSTRAINT":
      return invalidUri();
    default:
      break;
  }
  if (status === 500) return new GraphError(500, "generalException", "An internal server error occurred in the emulator.");
  return new GraphError(status, status === 400 ? "BadRequest" : "generalException", "The request could not be processed.");
}
