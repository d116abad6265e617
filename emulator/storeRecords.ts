// The records the emulator's store keeps (emulator/store.ts owns them), and how it keeps them:
// case-insensitive ids, insertion order, secrets only as salted fingerprints.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "crypto";

export interface StoredIdentityProvider {
  id: string;
  displayName: string;
  identityProviderType: string;
  clientId: string;
  /** The client secret's salted fingerprint (SecretFingerprints); never the secret or its bare hash. */
  clientSecretFingerprint: string;
  createdAt: number;
}

export interface StoredUserFlow {
  id: string;
  userFlowType: string;
  userFlowTypeVersion: number;
  isLanguageCustomizationEnabled: boolean;
  defaultLanguageTag: string | null;
  /** Attached IdP ids, in attach order, with the IdP's stored casing. */
  identityProviderIds: string[];
  createdAt: number;
}

export interface StoredKey {
  kid: string;
  /** "RSA" or "OCT". */
  kty: string;
  use: string;
  nbf?: number;
  exp?: number;
  e?: string;
  n?: string;
  x5c?: string[];
  x5t?: string;
  status: string;
  /** The salted fingerprint of the secret as sent ("k", or the PKCS#12 "key"). */
  secretFingerprint?: string;
  addedAt: number;
}

export interface StoredKeySet {
  id: string;
  keys: StoredKey[];
  createdAt: number;
}

export interface StoredPolicy {
  id: string;
  xml: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * What the store hands out: a record that can be read, not changed (its arrays included). Changes go
 * through the store's operations.
 */
export type RecordView<T> = { readonly [K in keyof T]: T[K] extends Array<infer U> ? ReadonlyArray<Readonly<U>> : T[K] };

/**
 * A key as a route builds it before the store adds it to a keyset: the store stamps `addedAt` and
 * turns the secret's hash into a salted fingerprint (the hash itself is never kept).
 */
export type NewKey = Omit<StoredKey, "addedAt" | "secretFingerprint"> & { secretSha256?: string };

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Salted fingerprints of secrets: `hmac-sha256:<salt>:<digest>`, digest = HMAC-SHA256(salt,
 * sha256hex(secret)), salt random per emulator start. Unlike a bare SHA-256 it can't be looked up in
 * a table or compared across starts; the store, its state file and every snapshot hold only these.
 * `secretFingerprintMatches` checks a candidate secret.
 */
export class SecretFingerprints {
  private readonly salt = randomBytes(16);

  ofHash(sha256Hex: string): string {
    return fingerprintWithSalt(this.salt, sha256Hex);
  }

  ofSecret(secret: string): string {
    return this.ofHash(sha256Hex(secret));
  }
}

function fingerprintWithSalt(salt: Buffer, sha256HexValue: string): string {
  const digest = createHmac("sha256", salt).update(sha256HexValue, "utf8").digest("base64url");
  return `hmac-sha256:${salt.toString("base64url")}:${digest}`;
}

/** Whether `secret` is the one behind a fingerprint (see SecretFingerprints). */
export function secretFingerprintMatches(secret: string, fingerprint: string | undefined): boolean {
  const [scheme, salt, digest] = (fingerprint ?? "").split(":");
  if (scheme !== "hmac-sha256" || !salt || !digest) return false;
  const expected = Buffer.from(fingerprintWithSalt(Buffer.from(salt, "base64url"), sha256Hex(secret)));
  const given = Buffer.from(fingerprint!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Case-insensitive id comparison, as Graph compares these ids. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A collection keyed by id, looked up case-insensitively, keeping the stored casing and insertion order. */
export class CaseInsensitiveCollection<T extends { id: string }> {
  private readonly items = new Map<string, T>();

  get(id: string): T | undefined {
    return this.items.get(id.toLowerCase());
  }
  has(id: string): boolean {
    return this.items.has(id.toLowerCase());
  }
  set(item: T): void {
    this.items.set(item.id.toLowerCase(), item);
  }
  delete(id: string): boolean {
    return this.items.delete(id.toLowerCase());
  }
  values(): T[] {
    return [...this.items.values()];
  }
  clear(): void {
    this.items.clear();
  }
  replaceAll(items: T[]): void {
    this.items.clear();
    for (const item of items) this.set(item);
  }
}
