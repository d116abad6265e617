// /trustFramework/keySets (beta, B2C only): keysets, generateKey, upload*, getActiveKey.
import { randomBytes } from "crypto";
import { aadb2cError, invalidKeySetId, keySetKeysNotArray, keysRefusedOnKeySetCreate, notFoundInDirectory } from "../errorCatalogue";
import { BETA_ONLY, GraphCall, GraphResult, GraphRoute } from "../graphRouter";
import { parseCertificate, parsePkcs12 } from "../keyMaterial";
import { collectionResult, contextUrl, entityBody } from "../odataCollections";
import { optionalNumber, optionalString, readJsonObject, rejectUnknownProperties } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import { KeySetView, KeyView, NewKey, sha256Hex } from "../store";
import {
  KEY_TYPE_NAME,
  certificateKey,
  checkCompatible,
  checkUse,
  checkValidity,
  keyMaterialError,
  keysFromPayload,
  missingParameter,
  newKid,
  normalizeKty,
  selectActiveKey,
  uploadedKeyStatus,
} from "./keyRules";

export const KEYSET_PREFIX = "B2C_1A_";
const KEYSET_TYPE_NAME = "microsoft.graph.trustFrameworkKeySet";

/**
 * The id a create body's `id` becomes: the service adds B2C_1A_ (the create page's example sends
 * "keyset1" and gets "B2C_1A_keyset1"); with behaviour.keySetIdPrefix "keepPrefixed" an id already
 * prefixed is kept as sent (field reports), with "always" it is prefixed again.
 */
export function keySetIdFor(runtime: EmulatorRuntime, name: string): string {
  if (runtime.behaviour.keySetIdPrefix === "keepPrefixed" && name.toUpperCase().startsWith(KEYSET_PREFIX)) return name;
  return KEYSET_PREFIX + name;
}

/**
 * Public JSON of a key, shaped as https://learn.microsoft.com/graph/api/resources/trustframeworkkey?view=graph-rest-beta
 * and the action pages' examples show it: `k` is null (the generateKey example), d, p, q, dp, dq, qi
 * are never returned, `x5c` is always an array ([] for generated keys and secrets). `nbf`/`exp` are
 * Int64 on the resource page, strings in the uploadSecret example: behaviour.keyDatesAsStrings.
 */
export function keyJson(key: KeyView, datesAsStrings = false): Record<string, unknown> {
  const date = (value: number) => (datesAsStrings ? String(value) : value);
  return {
    kid: key.kid,
    use: key.use,
    kty: key.kty,
    ...(key.nbf !== undefined ? { nbf: date(key.nbf) } : {}),
    ...(key.exp !== undefined ? { exp: date(key.exp) } : {}),
    k: null,
    ...(key.e !== undefined ? { e: key.e } : {}),
    ...(key.n !== undefined ? { n: key.n } : {}),
    x5c: key.x5c ?? [],
    ...(key.x5t !== undefined ? { x5t: key.x5t } : {}),
    status: key.status,
  };
}

function keySetJson(set: KeySetView, call: GraphCall): Record<string, unknown> {
  return { id: set.id, keys: set.keys.map((key) => keyJson(key, call.runtime.behaviour.keyDatesAsStrings)) };
}

function findKeySet(runtime: EmulatorRuntime, id: string, forRead: boolean): KeySetView {
  return runtime.found(runtime.store.keySet(id), () => notFoundInDirectory("KeyContainer", "id", id, runtime.tenant.tenantDomain), forRead);
}

/** The keyset an upload/generate targets; missing -> 404 AADB2C90073 or 400 AADB2C95052 (switch). */
function keySetForKeyOperation(runtime: EmulatorRuntime, id: string): KeySetView {
  const set = runtime.store.keySet(id);
  if (set) return set;
  if (runtime.behaviour.missingKeySetOnKeyOperation === "AADB2C95052") {
    throw aadb2cError(400, "AADB2C95052", [id, runtime.tenant.tenantDomain]);
  }
  throw notFoundInDirectory("KeyContainer", "id", id, runtime.tenant.tenantDomain);
}

function keyResult(call: GraphCall, key: KeyView): GraphResult {
  return { status: 200, body: { "@odata.context": contextUrl(call, KEY_TYPE_NAME), ...keyJson(key, call.runtime.behaviour.keyDatesAsStrings) } };
}

/** Adds the key to the keyset (one kty and one use per keyset) and answers it. */
function addKey(call: GraphCall, set: KeySetView, key: NewKey): GraphResult {
  checkCompatible(set.keys, key);
  return keyResult(call, call.runtime.store.addKeyToKeySet(set.id, key));
}

function keySetWriteTarget(call: GraphCall): string | undefined {
  if (call.params.id) return `keySet:${call.params.id.toLowerCase()}`;
  try {
    const body = readJsonObject(call);
    return typeof body.id === "string" ? `keySet:${keySetIdFor(call.runtime, body.id).toLowerCase()}` : undefined;
  } catch {
    return undefined;
  }
}

// ---- handlers ---------------------------------------------------------------------------

function create(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["id", "keys"], KEYSET_TYPE_NAME);
  const name = optionalString(body, "id");
  if (!name) throw missingParameter("id");
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw invalidKeySetId(name);
  const id = keySetIdFor(runtime, name);
  let keys: NewKey[] = [];
  if (body.keys !== undefined && body.keys !== null) {
    if (!Array.isArray(body.keys)) throw keySetKeysNotArray();
    if (body.keys.length > 0) {
      if (runtime.behaviour.rejectKeysOnKeySetCreate) throw keysRefusedOnKeySetCreate();
      keys = keysFromPayload(runtime, { id }, body.keys);
    }
  }
  if (runtime.store.keySet(id)) throw aadb2cError(runtime.behaviour.duplicateKeySetStatus, "AADB2C95028", [id]);
  const set = runtime.store.createKeySet(id, keys);
  return {
    status: 201,
    headers: { Location: `/trustFramework/keySets('${id}')` },
    body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...keySetJson(set, call) },
  };
}

function list(call: GraphCall): GraphResult {
  return collectionResult(call, call.runtime.store.keySets().map((set) => keySetJson(set, call)), "trustFramework/keySets");
}

function get(call: GraphCall): GraphResult {
  const set = findKeySet(call.runtime, call.params.id, true);
  return { status: 200, body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...entityBody(call, keySetJson(set, call)) } };
}

function replace(call: GraphCall): GraphResult {
  const set = findKeySet(call.runtime, call.params.id, false);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["id", "keys"], KEYSET_TYPE_NAME);
  const replaced = call.runtime.store.replaceKeys(set.id, keysFromPayload(call.runtime, set, body.keys));
  return { status: 200, body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...keySetJson(replaced, call) } };
}

function remove(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = findKeySet(runtime, call.params.id, false);
  runtime.store.deleteKeySet(set.id, runtime.behaviour.keySetDeleteLeavesBackup && !set.id.toLowerCase().endsWith(".bak"));
  return { status: 204 };
}

function generateKey(call: GraphCall): GraphResult {
  const set = keySetForKeyOperation(call.runtime, call.params.id);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["use", "kty", "nbf", "exp"], "generateKey");
  const useRaw = optionalString(body, "use");
  if (useRaw === undefined) throw aadb2cError(400, "AADB2C95033", [""]);
  const use = checkUse(useRaw);
  const ktyRaw = optionalString(body, "kty");
  if (!ktyRaw) throw aadb2cError(400, "AADB2C95030");
  const kty = normalizeKty(ktyRaw);
  if (!kty) throw aadb2cError(400, "AADB2C95031", [ktyRaw]);
  const nbf = optionalNumber(body, "nbf", true);
  const exp = optionalNumber(body, "exp", true);
  checkValidity(call.runtime, set, nbf, exp);
  return addKey(call, set, {
    kid: newKid(),
    kty,
    use,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
    // Generated key material stays "inside the service": only a fake public modulus is shown.
    ...(kty === "RSA" ? { e: "AQAB", n: randomBytes(256).toString("base64url") } : {}),
    x5c: [],
    status: "enabled",
  });
}

function uploadSecret(call: GraphCall): GraphResult {
  const set = keySetForKeyOperation(call.runtime, call.params.id);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["use", "k", "nbf", "exp"], "uploadSecret");
  const k = optionalString(body, "k");
  if (!k) throw missingParameter("k");
  const useRaw = optionalString(body, "use");
  if (!useRaw) throw missingParameter("use");
  const use = checkUse(useRaw);
  const nbf = optionalNumber(body, "nbf", true);
  const exp = optionalNumber(body, "exp", true);
  checkValidity(call.runtime, set, nbf, exp);
  return addKey(call, set, {
    kid: newKid(),
    kty: "OCT",
    use,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
    x5c: [],
    status: uploadedKeyStatus(call.runtime),
    secretSha256: sha256Hex(k),
  });
}

function uploadCertificate(call: GraphCall): GraphResult {
  const set = keySetForKeyOperation(call.runtime, call.params.id);
  const body = readJsonObject(call);
  // The documented body is { key } alone (https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadcertificate?view=graph-rest-beta):
  // `use` is refused like any unknown property; the key is a signing key, as the page's answer shows.
  rejectUnknownProperties(body, ["key"], "uploadCertificate");
  const keyText = optionalString(body, "key");
  if (!keyText) throw missingParameter("key");
  const use = "sig";
  let info;
  try {
    info = parseCertificate(keyText);
  } catch (err) {
    throw keyMaterialError(call.runtime, err);
  }
  return addKey(call, set, certificateKey(call.runtime, set, info, use));
}

function uploadPkcs12(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = keySetForKeyOperation(runtime, call.params.id);
  const body = readJsonObject(call);
  // The documented body is { key, password } (https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadpkcs12?view=graph-rest-beta).
  rejectUnknownProperties(body, ["key", "password"], "uploadPkcs12");
  const keyText = optionalString(body, "key");
  if (!keyText) throw missingParameter("key");
  const password = optionalString(body, "password") ?? "";
  const use = "sig";
  let info;
  try {
    info = parsePkcs12(keyText, password, runtime.behaviour.detectWrongPkcs12Password);
  } catch (err) {
    throw keyMaterialError(call.runtime, err);
  }
  return addKey(call, set, certificateKey(runtime, set, info, use, sha256Hex(keyText)));
}

function getActiveKey(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = findKeySet(runtime, call.params.id, true);
  const active = selectActiveKey(set.keys, runtime.clock.nowSeconds());
  if (!active) {
    throw aadb2cError(runtime.behaviour.noActiveKeyStatus, "AADB2C90019", [set.id, runtime.tenant.tenantDomain, "no key is active now (nbf/exp)"]);
  }
  // The documented answer is a trustFrameworkKey without `kid` (k, x5c, x5t, kty, use, exp:
  // https://learn.microsoft.com/graph/api/trustframeworkkeyset-getactivekey?view=graph-rest-beta).
  const { kid: _kid, ...documented } = keyResult(call, active).body as Record<string, unknown>;
  return { status: 200, body: documented };
}

export function keySetRoutes(): GraphRoute[] {
  const common = { versions: BETA_ONLY, family: "keySets" as const, b2cOnly: true };
  const base = "/trustFramework/keySets";
  const write = { ...common, access: "write" as const, writeTarget: keySetWriteTarget };
  return [
    { method: "POST", pattern: base, ...write, handler: create },
    { method: "GET", pattern: base, ...common, access: "read", handler: list },
    { method: "GET", pattern: `${base}/{id}`, ...common, access: "read", handler: get },
    // "Update trustFrameworkKeySet" is a PUT (https://learn.microsoft.com/graph/api/trustframeworkkeyset-update?view=graph-rest-beta);
    // no page documents PATCH, so it answers 405 like any undocumented method.
    { method: "PUT", pattern: `${base}/{id}`, ...write, handler: replace },
    { method: "DELETE", pattern: `${base}/{id}`, ...write, handler: remove },
    { method: "POST", pattern: `${base}/{id}/generateKey`, ...write, handler: generateKey },
    { method: "POST", pattern: `${base}/{id}/uploadSecret`, ...write, handler: uploadSecret },
    { method: "POST", pattern: `${base}/{id}/uploadCertificate`, ...write, handler: uploadCertificate },
    { method: "POST", pattern: `${base}/{id}/uploadPkcs12`, ...write, handler: uploadPkcs12 },
    { method: "GET", pattern: `${base}/{id}/getActiveKey`, ...common, access: "read", handler: getActiveKey },
  ];
}
