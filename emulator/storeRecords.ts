// The records the emulator's store keeps (emulator/store.ts owns them), and how it keeps them:
// case-insensitive ids, insertion order, secrets only as their SHA-256.
import { createHash } from "crypto";

export interface StoredIdentityProvider {
  id: string;
  displayName: string;
  identityProviderType: string;
  clientId: string;
  clientSecretSha256: string;
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
  secretSha256?: string;
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

/** A key as a route builds it before the store adds it to a keyset (the store stamps `addedAt`). */
export type NewKey = Omit<StoredKey, "addedAt">;

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
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
