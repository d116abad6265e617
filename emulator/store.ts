// In-memory tenant state with optional JSON persistence. Secrets are never kept: only their SHA-256.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { EmulatorSnapshot } from "./types";

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

interface PersistedState {
  format: "pulumi-b2c-identity-emulator-state";
  version: 1;
  identityProviders: StoredIdentityProvider[];
  userFlows: StoredUserFlow[];
  keySets: StoredKeySet[];
  policies: StoredPolicy[];
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
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

export class EmulatorStore {
  readonly identityProviders = new CaseInsensitiveCollection<StoredIdentityProvider>();
  readonly userFlows = new CaseInsensitiveCollection<StoredUserFlow>();
  readonly keySets = new CaseInsensitiveCollection<StoredKeySet>();
  readonly policies = new CaseInsensitiveCollection<StoredPolicy>();

  constructor(
    private readonly tenant: { tenantId: string; tenantDomain: string },
    private readonly stateFile?: string,
  ) {}

  /** Loads the state file if it exists. Throws with a clear message when it cannot be read. */
  load(): void {
    if (!this.stateFile || !fs.existsSync(this.stateFile)) return;
    let parsed: PersistedState;
    try {
      parsed = JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as PersistedState;
    } catch (err) {
      throw new Error(`Cannot read emulator state file ${this.stateFile}: ${(err as Error).message}`);
    }
    if (parsed?.format !== "pulumi-b2c-identity-emulator-state" || parsed.version !== 1) {
      throw new Error(`Emulator state file ${this.stateFile} has an unknown format.`);
    }
    this.identityProviders.replaceAll(parsed.identityProviders ?? []);
    this.userFlows.replaceAll(parsed.userFlows ?? []);
    this.keySets.replaceAll(parsed.keySets ?? []);
    this.policies.replaceAll(parsed.policies ?? []);
  }

  /** Writes the state file (atomically: temp file + rename). No-op without a state file. */
  persist(): void {
    if (!this.stateFile) return;
    const state: PersistedState = {
      format: "pulumi-b2c-identity-emulator-state",
      version: 1,
      identityProviders: this.identityProviders.values(),
      userFlows: this.userFlows.values(),
      keySets: this.keySets.values(),
      policies: this.policies.values(),
    };
    fs.mkdirSync(path.dirname(path.resolve(this.stateFile)), { recursive: true });
    const temp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
    fs.renameSync(temp, this.stateFile);
  }

  reset(): void {
    this.identityProviders.clear();
    this.userFlows.clear();
    this.keySets.clear();
    this.policies.clear();
    this.persist();
  }

  snapshot(): EmulatorSnapshot {
    return {
      tenantId: this.tenant.tenantId,
      tenantDomain: this.tenant.tenantDomain,
      identityProviders: this.identityProviders.values().map((idp) => ({
        id: idp.id,
        type: idp.identityProviderType,
        displayName: idp.displayName,
        clientId: idp.clientId,
        clientSecretSha256: idp.clientSecretSha256,
      })),
      userFlows: this.userFlows.values().map((flow) => ({
        id: flow.id,
        userFlowType: flow.userFlowType,
        userFlowTypeVersion: flow.userFlowTypeVersion,
        identityProviderIds: [...flow.identityProviderIds],
      })),
      keySets: this.keySets.values().map((set) => ({
        id: set.id,
        keys: set.keys.map((key) => ({
          kid: key.kid,
          kty: key.kty,
          use: key.use,
          ...(key.nbf !== undefined ? { nbf: key.nbf } : {}),
          ...(key.exp !== undefined ? { exp: key.exp } : {}),
          status: key.status,
          ...(key.secretSha256 ? { secretSha256: key.secretSha256 } : {}),
        })),
      })),
      policies: this.policies.values().map((policy) => ({ id: policy.id, xml: policy.xml })),
    };
  }
}
