// Reading and type-checking request bodies the way Graph reports problems (400/415 envelopes).
import { emptyPayload, jsonObjectExpected, requiredPropertyMissing, unknownProperty, unreadableJson, unsupportedMediaType, wrongPropertyType } from "./errorCatalogue";
import type { GraphError } from "./graphErrors";
import type { GraphCall } from "./graphRouter";

export type JsonObject = Record<string, unknown>;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

export function isJsonContentType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === "application/json" || type.endsWith("+json");
}

export function isXmlContentType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === "application/xml" || type === "text/xml";
}

/** The JSON object body of a request: 415 for other content types, 400 for empty or malformed JSON. */
export function readJsonObject(call: GraphCall, options: { optional?: boolean } = {}): JsonObject {
  const raw = call.rawBody;
  if (!raw || raw.length === 0) {
    if (options.optional) return {};
    throw emptyPayload();
  }
  if (!isJsonContentType(call.contentType)) throw unsupportedMediaType("application/json");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw unreadableJson();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw jsonObjectExpected();
  return parsed as JsonObject;
}

/** The XML text body of a request (415 unless application/xml or text/xml, when required). */
export function readXmlText(call: GraphCall, requireXmlContentType: boolean): string {
  if (requireXmlContentType && !isXmlContentType(call.contentType)) throw unsupportedMediaType("application/xml");
  return call.rawBody ? call.rawBody.toString("utf8") : "";
}

/** Rejects properties the OData type does not define ("@odata.*" annotations are always allowed). */
export function rejectUnknownProperties(body: JsonObject, allowed: string[], typeName: string): void {
  for (const name of Object.keys(body)) {
    if (name.startsWith("@odata.")) continue;
    if (!allowed.includes(name)) throw unknownProperty(name, typeName);
  }
}

export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongPropertyType(name, "Edm.String", value);
  return value;
}

export function requiredString(body: JsonObject, name: string, missing?: () => GraphError): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") {
    throw missing ? missing() : requiredPropertyMissing(name);
  }
  return value;
}

export function optionalNumber(body: JsonObject, name: string, integer = false): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw wrongPropertyType(name, integer ? "Edm.Int64" : "Edm.Single", value);
  }
  return value;
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw wrongPropertyType(name, "Edm.Boolean", value);
  return value;
}

/** "@odata.type" without the leading "#", lower-cased; undefined when absent. */
export function odataType(body: JsonObject): string | undefined {
  const value = body["@odata.type"];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw wrongPropertyType("@odata.type", "Edm.String", value);
  return value.replace(/^#/, "").toLowerCase();
}
