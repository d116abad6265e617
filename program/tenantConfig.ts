import * as pulumi from "@pulumi/pulumi";
import { validateExpirySettings } from "../domain/keyExpiry";
import { InputProblem } from "../domain/problems";
import { throwIfProblems } from "../kernel/errors";
import { normalizeKeySetId } from "../policyKeys/rules";
import { SIGN_IN_KEY } from "./stackConfig";

// The parts of `b2c:socialSignIn` beyond the social sign-in itself, as `b2c-identity import` writes
// them for a hand-built tenant: keysets (adopted as they are, or with a source the stack manages),
// the custom policies folder, and the expiry warning threshold.

/** One keyset in `b2c:socialSignIn.keySets`. */
export interface KeySetConfig {
  /** Keyset id, with or without B2C_1A_. */
  name: string;
  /** How its keys are made: secret, generate, certificate or pkcs12. */
  source: "secret" | "generate" | "certificate" | "pkcs12";
  /** "sig" or "enc". */
  use?: "sig" | "enc";
  /** "RSA" or "oct". */
  keyType?: "RSA" | "oct";
  /** Take over the existing keyset. With no key material (secretKey, certificate) it is adopted as it is: read, never written. */
  adoptExisting?: boolean;
  /** secret: name (b2c namespace) of the secret config key holding the value; the stack then adds it to the keyset once. */
  secretKey?: string;
  /** certificate: the certificate (base64 DER or PEM); a keyset already holding it gets nothing added. */
  certificate?: string;
  /** generate: add a new generated key when the keys run out within this many days. */
  rotateBeforeExpiryDays?: number;
}

/** `b2c:socialSignIn.customPolicies`. */
export interface CustomPoliciesConfig {
  /** Folder of the policy files (relative to the Pulumi project). */
  folder: string;
  /** Take over the tenant's policies of the same ids: no upload where the normalised content is the same. */
  adoptExisting?: boolean;
  /** Releases instead of in-place updates (TrustFrameworkPolicySet `versioning`): `true`, or `{ keep, versionRelyingParties }`. */
  versioning?: { keep?: number; versionRelyingParties?: boolean };
  /** The set is for a production tenant (DeploymentMode="Development" is then a warning). */
  production?: boolean;
}

export interface TenantExtras {
  keySets: (KeySetConfig & { secret?: pulumi.Output<string> })[];
  customPolicies?: CustomPoliciesConfig;
  expiryWarningDays?: number;
}

const SOURCES = ["secret", "generate", "certificate", "pkcs12"];

/** Reads and checks keySets, customPolicies and expiryWarningDays of `b2c:socialSignIn`; throws naming the key. */
export function readTenantExtras(get: { object(key: string): unknown; secret(key: string): pulumi.Output<string> | undefined }): TenantExtras {
  const raw = (get.object(SIGN_IN_KEY) ?? {}) as { keySets?: unknown; customPolicies?: unknown; expiryWarningDays?: unknown };
  const problems: InputProblem[] = [];
  const at = (path: string, reason: string) => problems.push({ argument: `${SIGN_IN_KEY}.${path}`, reason });
  for (const p of validateExpirySettings({ expiryWarningDays: raw.expiryWarningDays })) at(p.argument, p.reason);

  const keySets: TenantExtras["keySets"] = [];
  if (raw.keySets !== undefined && !Array.isArray(raw.keySets)) at("keySets", "must be a list of keysets ({ name, source, use, keyType, adoptExisting })");
  const seen: string[] = [];
  (Array.isArray(raw.keySets) ? raw.keySets : []).forEach((k: any, i: number) => {
    const here = `keySets[${i}]`;
    if (!k || typeof k !== "object") return at(here, "must be an object with name and source");
    if (typeof k.name !== "string" || !/^(B2C_1A_)?[A-Za-z0-9_-]+$/i.test(k.name.trim())) return at(`${here}.name`, `must be a keyset name like B2C_1A_TokenSigningKeyContainer, got ${JSON.stringify(k.name)}`);
    const id = normalizeKeySetId(k.name).toLowerCase();
    if (seen.includes(id)) at(`${here}.name`, `${k.name} is listed twice`);
    seen.push(id);
    if (!SOURCES.includes(k.source)) at(`${here}.source`, `must be one of ${SOURCES.join(", ")}, got ${JSON.stringify(k.source)}`);
    if (k.use !== undefined && k.use !== "sig" && k.use !== "enc") at(`${here}.use`, `must be sig or enc, got ${JSON.stringify(k.use)}`);
    if (k.keyType !== undefined && !["rsa", "oct"].includes(String(k.keyType).toLowerCase())) at(`${here}.keyType`, `must be RSA or oct, got ${JSON.stringify(k.keyType)}`);
    if (k.adoptExisting !== undefined && typeof k.adoptExisting !== "boolean") at(`${here}.adoptExisting`, "must be true or false");
    if (k.rotateBeforeExpiryDays !== undefined && k.source !== "generate") at(`${here}.rotateBeforeExpiryDays`, "only generated keys can be rolled over by the stack");
    for (const p of validateExpirySettings({ generate: { rotateBeforeExpiryDays: k.rotateBeforeExpiryDays } })) at(`${here}.rotateBeforeExpiryDays`, p.reason);
    let secret: pulumi.Output<string> | undefined;
    if (k.secretKey !== undefined) {
      if (k.source !== "secret") at(`${here}.secretKey`, "is only for source: secret");
      secret = get.secret(`b2c:${k.secretKey}`);
      if (secret === undefined) at(`b2c:${k.secretKey}`, `is not set: the secret of keyset ${k.name}; set it with \`pulumi config set --secret b2c:${k.secretKey} <value>\``);
    }
    if (k.source === "generate" && (k.use === undefined || k.keyType === undefined)) at(here, "a generated keyset needs use (sig/enc) and keyType (RSA/oct)");
    const hasMaterial = k.source === "generate" || secret !== undefined || typeof k.certificate === "string";
    if (!hasMaterial && k.adoptExisting !== true) {
      at(here, `has no key material: set adoptExisting: true to take ${k.name} over as it is, or give ${k.source === "secret" ? "secretKey" : "certificate"}`);
    }
    if ((k.source === "pkcs12" || k.source === "certificate") && k.secretKey !== undefined) at(`${here}.secretKey`, "is only for source: secret");
    keySets.push({ ...k, name: k.name.trim(), ...(secret ? { secret } : {}) });
  });

  let customPolicies: CustomPoliciesConfig | undefined;
  if (raw.customPolicies !== undefined) {
    const c = raw.customPolicies as any;
    if (!c || typeof c !== "object" || typeof c.folder !== "string" || c.folder.trim() === "") {
      at("customPolicies.folder", "must be the folder of the policy files, e.g. policies");
    } else if (c.adoptExisting !== undefined && typeof c.adoptExisting !== "boolean") {
      at("customPolicies.adoptExisting", "must be true or false");
    } else if (c.production !== undefined && typeof c.production !== "boolean") {
      at("customPolicies.production", "must be true or false");
    } else {
      const versioning = readVersioning(c.versioning, (path, reason) => at(`customPolicies.versioning${path}`, reason));
      customPolicies = { folder: c.folder.trim(), adoptExisting: c.adoptExisting, ...(versioning ? { versioning } : {}), ...(c.production !== undefined ? { production: c.production } : {}) };
    }
  }
  throwIfProblems("the stack configuration", problems);
  return { keySets, customPolicies, expiryWarningDays: raw.expiryWarningDays as number | undefined };
}

/** `customPolicies.versioning`: true (defaults) or `{ keep, versionRelyingParties }`; false or absent is off. */
function readVersioning(raw: unknown, at: (path: string, reason: string) => void): CustomPoliciesConfig["versioning"] {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    at("", "must be true, or an object such as { keep: 2 }");
    return undefined;
  }
  const v = raw as { keep?: unknown; versionRelyingParties?: unknown };
  if (v.keep !== undefined && (!Number.isInteger(v.keep) || (v.keep as number) < 1)) at(".keep", `must be a whole number of releases, 1 or more, got ${JSON.stringify(v.keep)}`);
  if (v.versionRelyingParties !== undefined && typeof v.versionRelyingParties !== "boolean") at(".versionRelyingParties", "must be true or false");
  return { ...(v.keep !== undefined ? { keep: v.keep as number } : {}), ...(v.versionRelyingParties !== undefined ? { versionRelyingParties: v.versionRelyingParties as boolean } : {}) };
}
