// /identity/identityProviders (v1.0 and beta) and the deprecated beta /identityProviders API.
import {
  abstractIdentityProvider,
  emptyProperty,
  identityProviderExists,
  identityProviderInUse,
  identityProviderTypeFixed,
  identityProviderTypeOnlyInB2c,
  invalidIdentityProviderType,
  legacyIdentityProviderTypeFixed,
  notFoundInDirectory,
  readOnlyProperty,
  resourceNotFoundForSegment,
  unsupportedIdentityProviderKind,
} from "../errorCatalogue";
import { BETA_ONLY, BOTH_VERSIONS, GraphCall, GraphResult, GraphRoute } from "../graphRouter";
import { collectionResult, contextUrl, entityBody } from "../odataCollections";
import { JsonObject, odataType, optionalString, readJsonObject, rejectUnknownProperties, requiredString } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import type { IdentityProviderView } from "../store";

/** identityProviderType values of socialIdentityProvider in B2C tenants (documented casing). */
export const B2C_SOCIAL_TYPES = ["Microsoft", "Google", "Amazon", "LinkedIn", "Facebook", "GitHub", "Twitter", "Weibo", "QQ", "WeChat"];
/** Workforce (B2B) tenants: only these two. */
export const WORKFORCE_SOCIAL_TYPES = ["Google", "Facebook"];
/** availableProviderTypes as the page's examples list them (B2C, then workforce). */
const B2C_AVAILABLE_TYPES = ["Microsoft", "Google", "Facebook", "Amazon", "LinkedIn", "Weibo", "QQ", "WeChat", "Twitter", "GitHub", "AppleManaged", "OpenIdConnect"];
const WORKFORCE_AVAILABLE_TYPES = ["MicrosoftAccount", "EmailOTP", "Facebook", "Google"];
/** Mask of the deprecated beta identityProvider API (doc examples show five asterisks). */
const LEGACY_SECRET_MASK = "*****";
const SOCIAL_TYPE = "microsoft.graph.socialidentityprovider";
const SOCIAL_TYPE_NAME = "microsoft.graph.socialIdentityProvider";

/** Service-assigned id: "<Type>-OAUTH", Microsoft -> "MSA-OIDC" (WeChat/QQ pattern unconfirmed). */
export function identityProviderIdFor(type: string): string {
  return type === "Microsoft" ? "MSA-OIDC" : `${type}-OAUTH`;
}

export function identityProviderJson(idp: IdentityProviderView, mask: string): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    id: idp.id,
    displayName: idp.displayName,
    identityProviderType: idp.identityProviderType,
    clientId: idp.clientId,
    clientSecret: mask,
  };
}

/** Shape of the deprecated beta identityProvider type. */
export function legacyIdentityProviderJson(idp: IdentityProviderView): Record<string, unknown> {
  return { id: idp.id, name: idp.displayName, type: idp.identityProviderType, clientId: idp.clientId, clientSecret: LEGACY_SECRET_MASK };
}

function allowedTypes(runtime: EmulatorRuntime): string[] {
  return runtime.tenant.mode === "b2c" ? B2C_SOCIAL_TYPES : WORKFORCE_SOCIAL_TYPES;
}

function checkType(runtime: EmulatorRuntime, type: string, property: string): void {
  const allowed = allowedTypes(runtime);
  if (allowed.includes(type)) return;
  if (runtime.tenant.mode === "workforce" && B2C_SOCIAL_TYPES.includes(type)) throw identityProviderTypeOnlyInB2c(type, allowed);
  throw invalidIdentityProviderType(type, property, allowed);
}

/** The IdP with this id, or 404 AADB2C90073 (also while it is inside the consistency window, for reads). */
export function findIdentityProvider(runtime: EmulatorRuntime, id: string, forRead: boolean): IdentityProviderView {
  return runtime.found(runtime.store.identityProvider(id), () => notFoundInDirectory("IdentityProvider", "id", id, runtime.tenant.tenantDomain), forRead);
}

/** Creates an IdP (shared by the current and the deprecated API). */
function createIdentityProvider(runtime: EmulatorRuntime, fields: { type: string; displayName: string; clientId: string; clientSecret: string }, typeProperty: string): IdentityProviderView {
  checkType(runtime, fields.type, typeProperty);
  const id = identityProviderIdFor(fields.type);
  if (runtime.store.identityProvider(id)) throw identityProviderExists(runtime.behaviour.duplicateIdentityProviderStatus, fields.type, id);
  return runtime.store.createIdentityProvider({ id, ...fields });
}

function deleteIdentityProvider(runtime: EmulatorRuntime, id: string): void {
  const idp = findIdentityProvider(runtime, id, false);
  const flows = runtime.store.flowsUsingProvider(idp.id);
  if (flows.length > 0) {
    if (runtime.behaviour.deleteAttachedIdentityProvider === "fail") throw identityProviderInUse(idp.id, flows);
    runtime.store.detachProviderEverywhere(idp.id);
  }
  runtime.store.deleteIdentityProvider(idp.id);
}

function checkSocialOdataType(body: JsonObject, required: boolean): void {
  const type = odataType(body);
  if (type === undefined) {
    if (required) throw abstractIdentityProvider();
    return;
  }
  if (type !== SOCIAL_TYPE) {
    throw unsupportedIdentityProviderKind(SOCIAL_TYPE_NAME, String(body["@odata.type"]));
  }
}

function idpWriteTarget(call: GraphCall): string | undefined {
  if (call.params.id) return `identityProvider:${call.params.id.toLowerCase()}`;
  try {
    const body = readJsonObject(call);
    const type = typeof body.identityProviderType === "string" ? body.identityProviderType : body.type;
    return typeof type === "string" ? `identityProvider:${identityProviderIdFor(type).toLowerCase()}` : undefined;
  } catch {
    return undefined;
  }
}

// ---- current API ------------------------------------------------------------------------

function create(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const body = readJsonObject(call);
  checkSocialOdataType(body, true);
  // `scope` is in the v1.0 create page's socialIdentityProvider table
  // (https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0),
  // though not on the resource: accepted (a string), not stored, not returned.
  rejectUnknownProperties(body, ["id", "displayName", "identityProviderType", "clientId", "clientSecret", "scope"], SOCIAL_TYPE_NAME);
  optionalString(body, "scope");
  const fields = {
    type: requiredString(body, "identityProviderType"),
    displayName: requiredString(body, "displayName"),
    clientId: requiredString(body, "clientId"),
    clientSecret: requiredString(body, "clientSecret"),
  };
  const idp = createIdentityProvider(runtime, fields, "identityProviderType");
  const json = identityProviderJson(idp, runtime.behaviour.echoClientSecretOnCreate ? fields.clientSecret : runtime.behaviour.secretMask);
  return { status: 201, body: { "@odata.context": contextUrl(call, "identity/identityProviders/$entity"), ...json } };
}

function list(call: GraphCall): GraphResult {
  const mask = call.runtime.behaviour.secretMask;
  const items = call.runtime.store.identityProviders().map((idp) => identityProviderJson(idp, mask));
  return collectionResult(call, items, "identity/identityProviders");
}

function get(call: GraphCall): GraphResult {
  const idp = findIdentityProvider(call.runtime, call.params.id, true);
  return {
    status: 200,
    body: { "@odata.context": contextUrl(call, "identity/identityProviders/$entity"), ...entityBody(call, identityProviderJson(idp, call.runtime.behaviour.secretMask)) },
  };
}

function update(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const idp = findIdentityProvider(runtime, call.params.id, false);
  const body = readJsonObject(call);
  checkSocialOdataType(body, false);
  rejectUnknownProperties(body, ["id", "displayName", "identityProviderType", "clientId", "clientSecret"], SOCIAL_TYPE_NAME);
  const type = optionalString(body, "identityProviderType");
  if (type !== undefined && type !== idp.identityProviderType) throw identityProviderTypeFixed(idp.identityProviderType);
  const id = optionalString(body, "id");
  if (id !== undefined && id.toLowerCase() !== idp.id.toLowerCase()) throw readOnlyProperty("id");
  applyUpdates(runtime, idp, body, { displayName: "displayName" });
  return { status: 204 };
}

function applyUpdates(runtime: EmulatorRuntime, idp: IdentityProviderView, body: JsonObject, names: { displayName: string }): void {
  const displayName = optionalString(body, names.displayName);
  const clientId = optionalString(body, "clientId");
  const clientSecret = optionalString(body, "clientSecret");
  for (const [name, value] of [[names.displayName, displayName], ["clientId", clientId], ["clientSecret", clientSecret]] as const) {
    if (value === "") throw emptyProperty(name);
  }
  runtime.store.updateIdentityProvider(idp.id, { displayName, clientId, clientSecret });
}

function remove(call: GraphCall): GraphResult {
  deleteIdentityProvider(call.runtime, call.params.id);
  return { status: 204 };
}

/**
 * "Get all identity providers supported in a directory": the page's B2C and workforce examples,
 * whatever is configured (https://learn.microsoft.com/graph/api/identityproviderbase-availableprovidertypes?view=graph-rest-1.0).
 * behaviour.availableProviderTypesExcludeConfigured leaves out the types configured already (an
 * older reading; no page says so).
 */
function availableProviderTypes(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const configured = new Set(runtime.store.identityProviders().map((idp) => idp.identityProviderType.toLowerCase()));
  const all = runtime.tenant.mode === "b2c" ? B2C_AVAILABLE_TYPES : WORKFORCE_AVAILABLE_TYPES;
  const value = runtime.behaviour.availableProviderTypesExcludeConfigured ? all.filter((type) => !configured.has(type.toLowerCase())) : all;
  return { status: 200, body: { "@odata.context": contextUrl(call, "Collection(Edm.String)"), value } };
}

// ---- deprecated beta /identityProviders -------------------------------------------------

function legacyCreate(call: GraphCall): GraphResult {
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["id", "name", "type", "clientId", "clientSecret"], "microsoft.graph.identityProvider");
  const idp = createIdentityProvider(
    call.runtime,
    {
      type: requiredString(body, "type"),
      displayName: requiredString(body, "name"),
      clientId: requiredString(body, "clientId"),
      clientSecret: requiredString(body, "clientSecret"),
    },
    "type",
  );
  return { status: 201, body: { "@odata.context": contextUrl(call, "identityProviders/$entity"), ...legacyIdentityProviderJson(idp) } };
}

function legacyList(call: GraphCall): GraphResult {
  return collectionResult(call, call.runtime.store.identityProviders().map(legacyIdentityProviderJson), "identityProviders");
}

function legacyGet(call: GraphCall): GraphResult {
  const idp = findIdentityProvider(call.runtime, call.params.id, true);
  return { status: 200, body: { "@odata.context": contextUrl(call, "identityProviders/$entity"), ...legacyIdentityProviderJson(idp) } };
}

function legacyUpdate(call: GraphCall): GraphResult {
  const idp = findIdentityProvider(call.runtime, call.params.id, false);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["id", "name", "type", "clientId", "clientSecret"], "microsoft.graph.identityProvider");
  const type = optionalString(body, "type");
  if (type !== undefined && type !== idp.identityProviderType) throw legacyIdentityProviderTypeFixed();
  applyUpdates(call.runtime, idp, body, { displayName: "name" });
  return { status: 204 };
}

/**
 * Clouds whose v1.0 identity-provider pages mark the operations available: global and China, not US
 * Government L4/L5 (e.g. https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0,
 * https://learn.microsoft.com/graph/api/identityproviderbase-update?view=graph-rest-1.0). Beta: every cloud.
 */
const V1_IDENTITY_PROVIDER_CLOUDS: readonly string[] = ["AzurePublic", "AzureChina"];

/** The handler, refused on v1.0 in a cloud where the v1.0 operation is not offered. */
function inCloud(handler: (call: GraphCall) => GraphResult): (call: GraphCall) => GraphResult {
  return (call) => {
    if (call.version === "v1.0" && !V1_IDENTITY_PROVIDER_CLOUDS.includes(call.runtime.behaviour.cloud)) {
      throw resourceNotFoundForSegment("identityProviders");
    }
    return handler(call);
  };
}

export function identityProviderRoutes(): GraphRoute[] {
  const family = "identityProviders" as const;
  const legacy = { versions: BETA_ONLY, family, deprecated: true };
  const current = { versions: BOTH_VERSIONS, family };
  return [
    { method: "POST", pattern: "/identity/identityProviders", ...current, access: "write", writeTarget: idpWriteTarget, handler: inCloud(create) },
    { method: "GET", pattern: "/identity/identityProviders", ...current, access: "read", handler: inCloud(list) },
    { method: "GET", pattern: "/identity/identityProviders/availableProviderTypes", ...current, access: "read", handler: inCloud(availableProviderTypes) },
    { method: "GET", pattern: "/identity/identityProviders/{id}", ...current, access: "read", handler: inCloud(get) },
    { method: "PATCH", pattern: "/identity/identityProviders/{id}", ...current, access: "write", writeTarget: idpWriteTarget, handler: inCloud(update) },
    { method: "DELETE", pattern: "/identity/identityProviders/{id}", ...current, access: "write", writeTarget: idpWriteTarget, handler: inCloud(remove) },
    { method: "POST", pattern: "/identityProviders", ...legacy, access: "write", writeTarget: idpWriteTarget, handler: legacyCreate },
    { method: "GET", pattern: "/identityProviders", ...legacy, access: "read", handler: legacyList },
    { method: "GET", pattern: "/identityProviders/{id}", ...legacy, access: "read", handler: legacyGet },
    { method: "PATCH", pattern: "/identityProviders/{id}", ...legacy, access: "write", writeTarget: idpWriteTarget, handler: legacyUpdate },
    { method: "DELETE", pattern: "/identityProviders/{id}", ...legacy, access: "write", writeTarget: idpWriteTarget, handler: remove },
  ];
}
