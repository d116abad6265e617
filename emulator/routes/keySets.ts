// /trustFramework/keySets (beta, B2C only): keysets, generateKey, upload*, getActiveKey.
import { randomBytes } from "crypto";
import { GraphError, aadb2cError, invalidRequestBody, notFoundInDirectory, unknownProperty } from "../graphErrors";
import { BETA_ONLY, GraphCall, GraphResult, GraphRoute } from "../graphRouter";
import { KeyMaterialError, parseCertificate, parsePkcs12, isBase64Url } from "../keyMaterial";
import { collectionResult, contextUrl, entityBody } from "../odataCollections";
import { JsonObject, optionalNumber, optionalString, readJsonObject, rejectUnknownProperties } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import { StoredKey, StoredKeySet, sha256Hex } from "../store";

export const KEYSET_PREFIX = "B2C_1A_";
const KEYSET_TYPE_NAME = "microsoft.graph.trustFrameworkKeySet";
const KEY_TYPE_NAME = "microsoft.graph.trustFrameworkKey";
const JWK_FIELDS = ["kid", "kty", "use", "nbf", "exp", "e", "n", "k", "d", "p", "q", "dp", "dq", "qi", "x5c", "x5t", "status"];

/**
 * The id a create body's `id` becomes: the service adds B2C_1A_ (the create page's example sends
 * "keyset1" and gets "B2C_1A_keyset1"); with behaviour.keySetIdPrefix "keepPrefixed" an id already
 * prefixed is kept as sent (field reports), with "always" it is prefixed again.
 */
export function keySetIdFor(runtime: EmulatorRuntime, name: string): string {
  if (runtime.behaviour.keySetIdPrefix === "keepPrefixed" && name.toUpperCase().startsWith(KEYSET_PREFIX)) return name;
  return KEYSET_PREFIX + name;
}

function missingParameter(name: string): GraphError {
  return aadb2cError(400, "AADB2C90253", [name]);
}

function newKid(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Public JSON of a key, shaped as https://learn.microsoft.com/graph/api/resources/trustframeworkkey?view=graph-rest-beta
 * and the action pages' examples show it: `k` is null (the generateKey example), d, p, q, dp, dq, qi
 * are never returned, `x5c` is always an array ([] for generated keys and secrets). `nbf`/`exp` are
 * Int64 on the resource page, strings in the uploadSecret example: behaviour.keyDatesAsStrings.
 */
export function keyJson(key: StoredKey, datesAsStrings = false): Record<string, unknown> {
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

function keySetJson(set: StoredKeySet, call: GraphCall): Record<string, unknown> {
  return { id: set.id, keys: set.keys.map((key) => keyJson(key, call.runtime.behaviour.keyDatesAsStrings)) };
}

function findKeySet(runtime: EmulatorRuntime, id: string, forRead: boolean): StoredKeySet {
  const set = runtime.store.keySets.get(id);
  const error = notFoundInDirectory("KeyContainer", "id", id, runtime.tenant.tenantDomain);
  if (!set) throw error;
  if (forRead && runtime.isInvisible(set.createdAt)) {
    throw new GraphError(error.status, error.code, error.message, { ...error.options, fault: "consistencyWindow" });
  }
  return set;
}

/** The keyset an upload/generate targets; missing -> 404 AADB2C90073 or 400 AADB2C95052 (switch). */
function keySetForKeyOperation(runtime: EmulatorRuntime, id: string): StoredKeySet {
  const set = runtime.store.keySets.get(id);
  if (set) return set;
  if (runtime.behaviour.missingKeySetOnKeyOperation === "AADB2C95052") {
    throw aadb2cError(400, "AADB2C95052", [id, runtime.tenant.tenantDomain]);
  }
  throw notFoundInDirectory("KeyContainer", "id", id, runtime.tenant.tenantDomain);
}

function normalizeKty(kty: string): "RSA" | "OCT" | undefined {
  const lower = kty.toLowerCase();
  return lower === "rsa" ? "RSA" : lower === "oct" ? "OCT" : undefined;
}

function checkUse(use: string): string {
  if (use !== "sig" && use !== "enc") throw aadb2cError(400, "AADB2C95033", [use]);
  return use;
}

/** AADB2C90214 for a key whose exp has passed. */
function expiredError(runtime: EmulatorRuntime, set: { id: string }, exp: number): GraphError {
  return aadb2cError(400, "AADB2C90214", [runtime.tenant.tenantDomain, set.id, new Date(exp * 1000).toISOString()]);
}

function checkValidity(runtime: EmulatorRuntime, set: { id: string }, nbf: number | undefined, exp: number | undefined): void {
  if (exp !== undefined && exp <= runtime.clock.nowSeconds()) {
    throw expiredError(runtime, set, exp);
  }
  if (nbf !== undefined && exp !== undefined && nbf >= exp) {
    throw aadb2cError(400, "AADB2C90215", ["'nbf' must be before 'exp'"]);
  }
}

/** One kty and one use per keyset (AADB2C95032 / AADB2C95042). */
function checkCompatible(keys: Array<{ kty: string; use: string }>, candidate: { kty: string; use: string }): void {
  for (const key of keys) {
    if (key.kty.toLowerCase() !== candidate.kty.toLowerCase()) throw aadb2cError(400, "AADB2C95032");
    if (key.use !== candidate.use) throw aadb2cError(400, "AADB2C95042");
  }
}

/** Validates JWKs given in a keyset PUT/PATCH (or create, when allowed) and turns them into stored keys. */
function keysFromPayload(runtime: EmulatorRuntime, set: { id: string }, value: unknown): StoredKey[] {
  if (!Array.isArray(value)) throw missingParameter("keys");
  const keys: StoredKey[] = [];
  for (const item of value) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw aadb2cError(400, "AADB2C95034");
    }
    const jwk = item as JsonObject;
    for (const name of Object.keys(jwk)) {
      if (!name.startsWith("@odata.") && !JWK_FIELDS.includes(name)) throw unknownProperty(name, KEY_TYPE_NAME);
    }
    const kid = optionalString(jwk, "kid");
    if (kid) throw aadb2cError(400, "AADB2C95059");
    const ktyRaw = optionalString(jwk, "kty");
    if (!ktyRaw) throw aadb2cError(400, "AADB2C95037");
    const kty = normalizeKty(ktyRaw);
    if (!kty) throw aadb2cError(400, "AADB2C95031", [ktyRaw]);
    const useRaw = optionalString(jwk, "use");
    if (!useRaw) throw missingParameter("use");
    const use = checkUse(useRaw);
    const nbf = optionalNumber(jwk, "nbf", true);
    const exp = optionalNumber(jwk, "exp", true);
    checkValidity(runtime, set, nbf, exp);
    let secretSha256: string | undefined;
    let n: string | undefined;
    let e: string | undefined;
    if (kty === "OCT") {
      const k = optionalString(jwk, "k");
      if (!k) throw missingParameter("k");
      if (!isBase64Url(k)) throw aadb2cError(400, "AADB2C95029");
      secretSha256 = sha256Hex(k);
    } else {
      n = optionalString(jwk, "n");
      e = optionalString(jwk, "e");
      if (!n || !e) throw aadb2cError(400, "AADB2C95039");
      const d = optionalString(jwk, "d");
      if (d) secretSha256 = sha256Hex(d);
    }
    const key: StoredKey = {
      kid: newKid(),
      kty,
      use,
      ...(nbf !== undefined ? { nbf } : {}),
      ...(exp !== undefined ? { exp } : {}),
      ...(n !== undefined ? { n } : {}),
      ...(e !== undefined ? { e } : {}),
      x5c: [],
      status: "enabled",
      ...(secretSha256 ? { secretSha256 } : {}),
      addedAt: Date.now(),
    };
    checkCompatible(keys, key);
    keys.push(key);
  }
  return keys;
}

function keyResult(call: GraphCall, key: StoredKey): GraphResult {
  return { status: 200, body: { "@odata.context": contextUrl(call, KEY_TYPE_NAME), ...keyJson(key, call.runtime.behaviour.keyDatesAsStrings) } };
}

function appendKey(set: StoredKeySet, key: StoredKey): void {
  checkCompatible(set.keys, key);
  set.keys.push(key);
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
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw invalidRequestBody(`The keyset id '${name}' is invalid: use letters, digits, '_', '-' and '.'.`);
  }
  const id = keySetIdFor(runtime, name);
  let keys: StoredKey[] = [];
  if (body.keys !== undefined && body.keys !== null) {
    if (!Array.isArray(body.keys)) throw invalidRequestBody("The 'keySet' field is invalid in request: 'keys' must be an array.");
    if (body.keys.length > 0) {
      if (runtime.behaviour.rejectKeysOnKeySetCreate) {
        throw invalidRequestBody("The 'keySet' field is invalid in request. Create the keyset empty, then add keys with generateKey or an upload action.");
      }
      keys = keysFromPayload(runtime, { id }, body.keys);
    }
  }
  if (runtime.store.keySets.has(id)) {
    throw aadb2cError(runtime.behaviour.duplicateKeySetStatus, "AADB2C95028", [id]);
  }
  const set: StoredKeySet = { id, keys, createdAt: Date.now() };
  runtime.store.keySets.set(set);
  return {
    status: 201,
    headers: { Location: `/trustFramework/keySets('${id}')` },
    body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...keySetJson(set, call) },
  };
}

function list(call: GraphCall): GraphResult {
  return collectionResult(call, call.runtime.store.keySets.values().map((set) => keySetJson(set, call)), "trustFramework/keySets");
}

function get(call: GraphCall): GraphResult {
  const set = findKeySet(call.runtime, call.params.id, true);
  return { status: 200, body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...entityBody(call, keySetJson(set, call)) } };
}

function replace(call: GraphCall): GraphResult {
  const set = findKeySet(call.runtime, call.params.id, false);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["id", "keys"], KEYSET_TYPE_NAME);
  set.keys = keysFromPayload(call.runtime, set, body.keys);
  return { status: 200, body: { "@odata.context": contextUrl(call, "trustFramework/keySets/$entity"), ...keySetJson(set, call) } };
}

function remove(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = findKeySet(runtime, call.params.id, false);
  runtime.store.keySets.delete(set.id);
  if (runtime.behaviour.keySetDeleteLeavesBackup && !set.id.toLowerCase().endsWith(".bak")) {
    runtime.store.keySets.set({ id: `${set.id}.bak`, keys: set.keys, createdAt: Date.now() });
  }
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
  const key: StoredKey = {
    kid: newKid(),
    kty,
    use,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
    // Generated key material stays "inside the service": only a fake public modulus is shown.
    ...(kty === "RSA" ? { e: "AQAB", n: randomBytes(256).toString("base64url") } : {}),
    x5c: [],
    status: "enabled",
    addedAt: Date.now(),
  };
  appendKey(set, key);
  return keyResult(call, key);
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
  const key: StoredKey = {
    kid: newKid(),
    kty: "OCT",
    use,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
    x5c: [],
    status: "enabled",
    secretSha256: sha256Hex(k),
    addedAt: Date.now(),
  };
  appendKey(set, key);
  return keyResult(call, key);
}

function keyMaterialError(runtime: EmulatorRuntime, err: unknown): GraphError {
  if (err instanceof KeyMaterialError) {
    if (err.problem === "wrongPassword") return aadb2cError(400, "AADB2C95025");
    if (err.problem === "invalidCertificate") return aadb2cError(400, "AADB2C90179", ["key", runtime.tenant.tenantDomain, err.message]);
    return aadb2cError(400, "AADB2C90215", [err.message]);
  }
  return aadb2cError(400, "AADB2C90215", ["the key could not be read"]);
}

function certificateKey(runtime: EmulatorRuntime, set: StoredKeySet, info: ReturnType<typeof parseCertificate>, use: string, secretSha256?: string): StoredKey {
  if (info.exp !== undefined && info.exp <= runtime.clock.nowSeconds()) {
    throw expiredError(runtime, set, info.exp);
  }
  return {
    kid: newKid(),
    // As the examples show it: uploadCertificate "oct", uploadPkcs12 "OCT" (the pfx carries a secret hash)
    // (https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadcertificate?view=graph-rest-beta,
    // https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadpkcs12?view=graph-rest-beta).
    kty: secretSha256 ? "OCT" : "oct",
    use,
    ...(info.nbf !== undefined ? { nbf: info.nbf } : {}),
    ...(info.exp !== undefined ? { exp: info.exp } : {}),
    ...(info.e !== undefined ? { e: info.e } : {}),
    ...(info.n !== undefined ? { n: info.n } : {}),
    x5c: info.x5c,
    ...(info.x5t !== undefined ? { x5t: info.x5t } : {}),
    status: "enabled",
    ...(secretSha256 ? { secretSha256 } : {}),
    addedAt: Date.now(),
  };
}

function uploadCertificate(call: GraphCall): GraphResult {
  const set = keySetForKeyOperation(call.runtime, call.params.id);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["key", "use"], "uploadCertificate");
  const keyText = optionalString(body, "key");
  if (!keyText) throw missingParameter("key");
  const use = checkUse(optionalString(body, "use") ?? "sig");
  let info;
  try {
    info = parseCertificate(keyText);
  } catch (err) {
    throw keyMaterialError(call.runtime, err);
  }
  const key = certificateKey(call.runtime, set, info, use);
  appendKey(set, key);
  return keyResult(call, key);
}

function uploadPkcs12(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = keySetForKeyOperation(runtime, call.params.id);
  const body = readJsonObject(call);
  rejectUnknownProperties(body, ["key", "password", "use"], "uploadPkcs12");
  const keyText = optionalString(body, "key");
  if (!keyText) throw missingParameter("key");
  const password = optionalString(body, "password") ?? "";
  const use = checkUse(optionalString(body, "use") ?? "sig");
  let info;
  try {
    info = parsePkcs12(keyText, password, runtime.behaviour.detectWrongPkcs12Password);
  } catch (err) {
    throw keyMaterialError(call.runtime, err);
  }
  const key = certificateKey(runtime, set, info, use, sha256Hex(keyText));
  appendKey(set, key);
  return keyResult(call, key);
}

/**
 * The documented selection: keys sorted by nbf ascending (no nbf last); the active key is the
 * latest key whose nbf <= now and whose exp is absent or in the future; otherwise the most
 * recently added key with neither nbf nor exp; otherwise none.
 */
export function selectActiveKey(keys: StoredKey[], now: number): StoredKey | undefined {
  const valid = keys.filter((k) => k.nbf !== undefined && k.nbf <= now && (k.exp === undefined || k.exp > now));
  if (valid.length > 0) {
    // Stable: among equal nbf the later-added key wins.
    return valid.reduce((best, k) => (k.nbf! >= best.nbf! ? k : best));
  }
  const timeless = keys.filter((k) => k.nbf === undefined && k.exp === undefined);
  return timeless.length > 0 ? timeless[timeless.length - 1] : undefined;
}

function getActiveKey(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const set = findKeySet(runtime, call.params.id, true);
  const active = selectActiveKey(set.keys, runtime.clock.nowSeconds());
  if (!active) {
    throw aadb2cError(runtime.behaviour.noActiveKeyStatus, "AADB2C90019", [set.id, runtime.tenant.tenantDomain, "no key is active now (nbf/exp)"]);
  }
  return keyResult(call, active);
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
