// /identity/b2cUserFlows (beta, B2C tenants only), userFlowIdentityProviders and their $ref
// attach/detach, plus the deprecated identityProviders navigation.
import {
  invalidLanguageTag,
  invalidOdataIdReference,
  notAttachedToFlow,
  notFoundInDirectory,
  itemWithoutId,
  odataIdRequired,
  propertyNotArray,
  referenceAlreadyExists,
  unknownSelectOrExpand,
  unsupportedUserFlowType,
  userFlowExists,
  userFlowPropertyFixed,
  userFlowTypeVersionMissing,
} from "../errorCatalogue";
import { BETA_ONLY, GraphCall, GraphResult, GraphRoute, splitGraphPath } from "../graphRouter";
import { collectionResult, contextUrl, entityBody } from "../odataCollections";
import { JsonObject, optionalBoolean, optionalNumber, optionalString, readJsonObject, rejectUnknownProperties, requiredString } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import type { UserFlowView } from "../store";
import { findIdentityProvider, identityProviderJson, legacyIdentityProviderJson } from "./identityProviders";

export const USER_FLOW_TYPES = ["signUp", "signIn", "signUpOrSignIn", "passwordReset", "profileUpdate", "resourceOwner"];
const USER_FLOW_PREFIX = "B2C_1_";
const USER_FLOW_TYPE_NAME = "microsoft.graph.b2cIdentityUserFlow";

/** The id a create body's `id` becomes, by behaviour.userFlowIdPrefix (see EmulatorBehaviour). */
function withPrefix(runtime: EmulatorRuntime, id: string): string {
  if (runtime.behaviour.userFlowIdPrefix === "keepPrefixed" && id.toUpperCase().startsWith(USER_FLOW_PREFIX)) return id;
  return USER_FLOW_PREFIX + id;
}

function findUserFlow(runtime: EmulatorRuntime, id: string, forRead: boolean): UserFlowView {
  return runtime.found(runtime.store.userFlow(id), () => notFoundInDirectory("UserFlow", "id", id, runtime.tenant.tenantDomain), forRead);
}

function userFlowJson(call: GraphCall, flow: UserFlowView, expand: Set<string>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: flow.id,
    userFlowType: flow.userFlowType,
    userFlowTypeVersion: flow.userFlowTypeVersion,
    isLanguageCustomizationEnabled: flow.isLanguageCustomizationEnabled,
    defaultLanguageTag: flow.defaultLanguageTag,
    apiConnectorConfiguration: {},
  };
  const idps = call.runtime.store.providersOfFlow(flow);
  if (expand.has("identityproviders")) json.identityProviders = idps.map(legacyIdentityProviderJson);
  if (expand.has("userflowidentityproviders")) {
    json.userFlowIdentityProviders = idps.map((idp) => identityProviderJson(idp, call.runtime.behaviour.secretMask));
  }
  return json;
}

function parseExpand(call: GraphCall): Set<string> {
  const raw = call.query.get("$expand");
  const out = new Set<string>();
  if (raw === null) return out;
  for (const item of raw.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const name = item.toLowerCase();
    if (name !== "identityproviders" && name !== "userflowidentityproviders") {
      throw unknownSelectOrExpand(item, USER_FLOW_TYPE_NAME);
    }
    out.add(name);
  }
  return out;
}

/** The IdP id an "@odata.id" points at; `legacy` expects ".../identityProviders/{id}", otherwise ".../identity/identityProviders/{id}". */
function referencedIdentityProviderId(body: JsonObject, legacy: boolean): string {
  const ref = body["@odata.id"];
  if (typeof ref !== "string" || ref.trim() === "") throw odataIdRequired();
  let path = ref.trim();
  try {
    path = new URL(path).pathname;
  } catch {
    // relative reference
  }
  let segments: string[];
  try {
    segments = splitGraphPath(path);
  } catch {
    segments = [];
  }
  if (segments.length > 0 && ["v1.0", "beta"].includes(segments[0].toLowerCase())) segments = segments.slice(1);
  const expected = legacy ? ["identityproviders"] : ["identity", "identityproviders"];
  const matches = segments.length === expected.length + 1 && expected.every((name, i) => segments[i].toLowerCase() === name);
  if (!matches) {
    throw invalidOdataIdReference(ref, legacy ? "/identityProviders/{id}" : "/identity/identityProviders/{id}");
  }
  return segments[segments.length - 1];
}

function flowWriteTarget(call: GraphCall): string | undefined {
  if (call.params.id) return `userFlow:${call.params.id.toLowerCase()}`;
  try {
    const body = readJsonObject(call);
    return typeof body.id === "string" ? `userFlow:${withPrefix(call.runtime, body.id).toLowerCase()}` : undefined;
  } catch {
    return undefined;
  }
}

function create(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const body = readJsonObject(call);
  rejectUnknownProperties(
    body,
    ["id", "userFlowType", "userFlowTypeVersion", "isLanguageCustomizationEnabled", "defaultLanguageTag", "identityProviders", "apiConnectorConfiguration"],
    USER_FLOW_TYPE_NAME,
  );
  const id = withPrefix(runtime, requiredString(body, "id"));
  const userFlowType = requiredString(body, "userFlowType");
  if (!USER_FLOW_TYPES.includes(userFlowType)) throw unsupportedUserFlowType(userFlowType, USER_FLOW_TYPES);
  const userFlowTypeVersion = optionalNumber(body, "userFlowTypeVersion");
  if (userFlowTypeVersion === undefined || userFlowTypeVersion <= 0) throw userFlowTypeVersionMissing();
  const identityProviderIds: string[] = [];
  if (body.identityProviders !== undefined && body.identityProviders !== null) {
    if (!Array.isArray(body.identityProviders)) throw propertyNotArray("identityProviders");
    for (const item of body.identityProviders) {
      const ref = item !== null && typeof item === "object" ? (item as JsonObject).id : undefined;
      if (typeof ref !== "string") throw itemWithoutId("identityProviders");
      const idp = findIdentityProvider(runtime, ref, false);
      if (!identityProviderIds.some((x) => x.toLowerCase() === idp.id.toLowerCase())) identityProviderIds.push(idp.id);
    }
  }
  if (runtime.store.userFlow(id)) throw userFlowExists(id, runtime.behaviour.duplicateUserFlowStatus);
  const flow = runtime.store.createUserFlow({
    id,
    userFlowType,
    userFlowTypeVersion,
    isLanguageCustomizationEnabled: optionalBoolean(body, "isLanguageCustomizationEnabled") ?? false,
    // The create page's example answers "en" to a body without one (behaviour.defaultLanguageTagOnCreate).
    defaultLanguageTag: optionalString(body, "defaultLanguageTag") ?? (runtime.behaviour.defaultLanguageTagOnCreate || null),
    identityProviderIds,
  });
  return {
    status: 201,
    headers: { Location: `${call.versionRoot}/identity/b2cUserFlows/${encodeURIComponent(flow.id)}` },
    body: { "@odata.context": contextUrl(call, "identity/b2cUserFlows/$entity"), ...userFlowJson(call, flow, new Set()) },
  };
}

function list(call: GraphCall): GraphResult {
  const expand = parseExpand(call);
  const items = call.runtime.store.userFlows().map((flow) => userFlowJson(call, flow, expand));
  return collectionResult(call, items, "identity/b2cUserFlows");
}

function get(call: GraphCall): GraphResult {
  const expand = parseExpand(call);
  const flow = findUserFlow(call.runtime, call.params.id, true);
  return { status: 200, body: { "@odata.context": contextUrl(call, "identity/b2cUserFlows/$entity"), ...entityBody(call, userFlowJson(call, flow, expand)) } };
}

/** Properties the update page lists as updatable; the others are fixed at creation. */
const UPDATABLE = ["isLanguageCustomizationEnabled", "defaultLanguageTag"];
const FIXED = ["id", "userFlowType", "userFlowTypeVersion"];

/**
 * PATCH /identity/b2cUserFlows/{id}: isLanguageCustomizationEnabled and defaultLanguageTag
 * (https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta). The fixed
 * properties may be sent only with their current value.
 */
function update(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const flow = findUserFlow(runtime, call.params.id, false);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, [...UPDATABLE, ...FIXED], USER_FLOW_TYPE_NAME);
  for (const name of FIXED) {
    const value = body[name];
    if (value === undefined) continue;
    const current = (flow as unknown as Record<string, unknown>)[name];
    const same = typeof value === "string" && typeof current === "string" ? value.toLowerCase() === current.toLowerCase() : value === current;
    if (!same) throw userFlowPropertyFixed(name, USER_FLOW_TYPE_NAME, UPDATABLE);
  }
  const enabled = optionalBoolean(body, "isLanguageCustomizationEnabled");
  const tag = body.defaultLanguageTag === null ? null : optionalString(body, "defaultLanguageTag");
  if (tag === "") throw invalidLanguageTag();
  const changed = runtime.store.changeUserFlowLanguage(flow.id, { isLanguageCustomizationEnabled: enabled, defaultLanguageTag: tag });
  if (runtime.behaviour.userFlowUpdateStatus === 204) return { status: 204 };
  return { status: 200, body: { "@odata.context": contextUrl(call, "identity/b2cUserFlows/$entity"), ...userFlowJson(call, changed, new Set()) } };
}

function remove(call: GraphCall): GraphResult {
  const flow = findUserFlow(call.runtime, call.params.id, false);
  call.runtime.store.deleteUserFlow(flow.id);
  return { status: 204 };
}

function listFlowIdentityProviders(call: GraphCall): GraphResult {
  const flow = findUserFlow(call.runtime, call.params.id, true);
  const mask = call.runtime.behaviour.secretMask;
  const items = call.runtime.store.providersOfFlow(flow).map((idp) => identityProviderJson(idp, mask));
  return collectionResult(call, items, "Collection(microsoft.graph.identityProviderBase)");
}

function attach(call: GraphCall, legacy: boolean): GraphResult {
  const runtime = call.runtime;
  const flow = findUserFlow(runtime, call.params.id, false);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, [], "$ref");
  const idp = findIdentityProvider(runtime, referencedIdentityProviderId(body, legacy), false);
  if (runtime.store.isProviderAttached(flow.id, idp.id)) {
    if (runtime.behaviour.duplicateAttach === "ok") return { status: 204 };
    throw referenceAlreadyExists(legacy ? "identityProviders" : "userFlowIdentityProviders");
  }
  runtime.store.attachProviderToFlow(flow.id, idp.id);
  return { status: 204 };
}

function detach(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const flow = findUserFlow(runtime, call.params.id, false);
  if (!runtime.store.detachProviderFromFlow(flow.id, call.params.idpId)) throw notAttachedToFlow(call.params.idpId, flow.id);
  return { status: 204 };
}

function legacyListFlowIdentityProviders(call: GraphCall): GraphResult {
  const flow = findUserFlow(call.runtime, call.params.id, true);
  return collectionResult(call, call.runtime.store.providersOfFlow(flow).map(legacyIdentityProviderJson), "Collection(microsoft.graph.identityProvider)");
}

export function userFlowRoutes(): GraphRoute[] {
  const common = { versions: BETA_ONLY, family: "userFlows" as const, b2cOnly: true };
  const base = "/identity/b2cUserFlows";
  return [
    { method: "POST", pattern: base, ...common, access: "write", writeTarget: flowWriteTarget, handler: create },
    { method: "GET", pattern: base, ...common, access: "read", handler: list },
    { method: "GET", pattern: `${base}/{id}`, ...common, access: "read", handler: get },
    { method: "PATCH", pattern: `${base}/{id}`, ...common, access: "write", writeTarget: flowWriteTarget, handler: update },
    { method: "DELETE", pattern: `${base}/{id}`, ...common, access: "write", writeTarget: flowWriteTarget, handler: remove },
    // Listing a flow's identity providers needs IdentityUserFlow.ReadWrite.All: its page lists no read
    // permission (https://learn.microsoft.com/graph/api/b2cidentityuserflow-list-userflowidentityproviders?view=graph-rest-beta).
    { method: "GET", pattern: `${base}/{id}/userFlowIdentityProviders`, ...common, access: "write", handler: listFlowIdentityProviders },
    { method: "POST", pattern: `${base}/{id}/userFlowIdentityProviders/$ref`, ...common, access: "write", writeTarget: flowWriteTarget, handler: (c) => attach(c, false) },
    { method: "PATCH", pattern: `${base}/{id}/userFlowIdentityProviders/$ref`, ...common, access: "write", writeTarget: flowWriteTarget, handler: (c) => attach(c, false) },
    { method: "DELETE", pattern: `${base}/{id}/userFlowIdentityProviders/{idpId}/$ref`, ...common, access: "write", writeTarget: flowWriteTarget, handler: detach },
    // Deprecated navigation (old identityProvider type).
    { method: "GET", pattern: `${base}/{id}/identityProviders`, ...common, deprecated: true, access: "write", handler: legacyListFlowIdentityProviders },
    { method: "POST", pattern: `${base}/{id}/identityProviders/$ref`, ...common, deprecated: true, access: "write", writeTarget: flowWriteTarget, handler: (c) => attach(c, true) },
    { method: "DELETE", pattern: `${base}/{id}/identityProviders/{idpId}/$ref`, ...common, deprecated: true, access: "write", writeTarget: flowWriteTarget, handler: detach },
  ];
}
