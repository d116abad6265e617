// The rules of trustFramework keys shared by the keyset routes: reading JWKs, kty/use/validity
// checks, one kty and one use per keyset, keys from certificates, and which key is active.
import { randomBytes } from "crypto";
import { aadb2cError, unknownProperty } from "../errorCatalogue";
import type { GraphError } from "../graphErrors";
import { KeyMaterialError, isBase64Url, parseCertificate } from "../keyMaterial";
import { JsonObject, optionalNumber, optionalString } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import { KeySetView, NewKey, sha256Hex } from "../store";

export const KEY_TYPE_NAME = "microsoft.graph.trustFrameworkKey";
const JWK_FIELDS = ["kid", "kty", "use", "nbf", "exp", "e", "n", "k", "d", "p", "q", "dp", "dq", "qi", "x5c", "x5t", "status"];

export function missingParameter(name: string): GraphError {
  return aadb2cError(400, "AADB2C90253", [name]);
}

export function newKid(): string {
  return randomBytes(32).toString("base64url");
}

export function normalizeKty(kty: string): "RSA" | "OCT" | undefined {
  const lower = kty.toLowerCase();
  return lower === "rsa" ? "RSA" : lower === "oct" ? "OCT" : undefined;
}

export function checkUse(use: string): string {
  if (use !== "sig" && use !== "enc") throw aadb2cError(400, "AADB2C95033", [use]);
  return use;
}

/** AADB2C90214 for a key whose exp has passed. */
export function expiredError(runtime: EmulatorRuntime, set: { id: string }, exp: number): GraphError {
  return aadb2cError(400, "AADB2C90214", [runtime.tenant.tenantDomain, set.id, new Date(exp * 1000).toISOString()]);
}

export function checkValidity(runtime: EmulatorRuntime, set: { id: string }, nbf: number | undefined, exp: number | undefined): void {
  if (exp !== undefined && exp <= runtime.clock.nowSeconds()) {
    throw expiredError(runtime, set, exp);
  }
  if (nbf !== undefined && exp !== undefined && nbf >= exp) {
    throw aadb2cError(400, "AADB2C90215", ["'nbf' must be before 'exp'"]);
  }
}

/** One kty and one use per keyset (AADB2C95032 / AADB2C95042). */
export function checkCompatible(keys: ReadonlyArray<{ kty: string; use: string }>, candidate: { kty: string; use: string }): void {
  for (const key of keys) {
    if (key.kty.toLowerCase() !== candidate.kty.toLowerCase()) throw aadb2cError(400, "AADB2C95032");
    if (key.use !== candidate.use) throw aadb2cError(400, "AADB2C95042");
  }
}

/** Validates JWKs given in a keyset PUT/PATCH (or create, when allowed) and turns them into stored keys. */
export function keysFromPayload(runtime: EmulatorRuntime, set: { id: string }, value: unknown): NewKey[] {
  if (!Array.isArray(value)) throw missingParameter("keys");
  const keys: NewKey[] = [];
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
    const key: NewKey = {
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
    };
    checkCompatible(keys, key);
    keys.push(key);
  }
  return keys;
}

export function keyMaterialError(runtime: EmulatorRuntime, err: unknown): GraphError {
  if (err instanceof KeyMaterialError) {
    if (err.problem === "wrongPassword") return aadb2cError(400, "AADB2C95025");
    if (err.problem === "invalidCertificate") return aadb2cError(400, "AADB2C90179", ["key", runtime.tenant.tenantDomain, err.message]);
    return aadb2cError(400, "AADB2C90215", [err.message]);
  }
  return aadb2cError(400, "AADB2C90215", ["the key could not be read"]);
}

/** The status of a key an upload adds: disabled with behaviour.uploadedKeysStartDisabled. */
export function uploadedKeyStatus(runtime: EmulatorRuntime): "enabled" | "disabled" {
  return runtime.behaviour.uploadedKeysStartDisabled ? "disabled" : "enabled";
}

export function certificateKey(runtime: EmulatorRuntime, set: KeySetView, info: ReturnType<typeof parseCertificate>, use: string, secretSha256?: string): NewKey {
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
    status: uploadedKeyStatus(runtime),
    ...(secretSha256 ? { secretSha256 } : {}),
  };
}

/**
 * The documented selection: keys sorted by nbf ascending (no nbf last); the active key is the
 * latest enabled key whose nbf <= now and whose exp is absent or in the future; otherwise the most
 * recently added enabled key without nbf whose exp is absent or in the future (AADB2C90019 says
 * "no valid key": a key with a future exp and no nbf is valid); otherwise none. A disabled key (the
 * activation flag off) is never active.
 */
export function selectActiveKey<K extends { nbf?: number; exp?: number; status?: string }>(keys: readonly K[], now: number): K | undefined {
  const usable = keys.filter((k) => k.status === undefined || k.status === "enabled").filter((k) => k.exp === undefined || k.exp > now);
  const valid = usable.filter((k) => k.nbf !== undefined && k.nbf <= now);
  if (valid.length > 0) {
    // Stable: among equal nbf the later-added key wins.
    return valid.reduce((best, k) => (k.nbf! >= best.nbf! ? k : best));
  }
  const undated = usable.filter((k) => k.nbf === undefined);
  return undated.length > 0 ? undated[undated.length - 1] : undefined;
}
