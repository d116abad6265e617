// The store's state file (--state-file): JSON with a format marker, written atomically (temp file +
// rename, mode 0600). Secrets are in it only as salted fingerprints, as in the store; a file of
// version 1 (bare SHA-256 hashes) is read and its hashes turned into fingerprints.
import * as fs from "fs";
import * as path from "path";
import type { StoredIdentityProvider, StoredKeySet, StoredPolicy, StoredUserFlow } from "./storeRecords";

const STATE_FORMAT = "pulumi-b2c-identity-emulator-state";

export interface TenantState {
  identityProviders: StoredIdentityProvider[];
  userFlows: StoredUserFlow[];
  keySets: StoredKeySet[];
  policies: StoredPolicy[];
}

interface PersistedState extends Partial<TenantState> {
  format: typeof STATE_FORMAT;
  version: 1 | 2;
}

/** Version 1 records: the secret's bare SHA-256 where version 2 holds its salted fingerprint. */
type Version1IdentityProvider = Omit<StoredIdentityProvider, "clientSecretFingerprint"> & { clientSecretSha256?: string; clientSecretFingerprint?: string };
type Version1Key = StoredKeySet["keys"][number] & { secretSha256?: string };

/**
 * The tenant saved in `file`, or undefined when there is no such file. Throws with a clear message
 * when it cannot be read. `fingerprintOfHash` turns a version 1 file's hashes into fingerprints.
 */
export function readStateFile(file: string, fingerprintOfHash: (sha256Hex: string) => string): TenantState | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: PersistedState;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PersistedState;
  } catch (err) {
    throw new Error(`Cannot read emulator state file ${file}: ${(err as Error).message}`);
  }
  if (parsed?.format !== STATE_FORMAT || (parsed.version !== 1 && parsed.version !== 2)) {
    throw new Error(`Emulator state file ${file} has an unknown format.`);
  }
  const identityProviders = ((parsed.identityProviders ?? []) as Version1IdentityProvider[]).map(({ clientSecretSha256, ...idp }) => ({
    ...idp,
    clientSecretFingerprint: idp.clientSecretFingerprint ?? fingerprintOfHash(clientSecretSha256 ?? ""),
  }));
  const keySets = (parsed.keySets ?? []).map((set) => ({
    ...set,
    keys: (set.keys as Version1Key[]).map(({ secretSha256, ...key }) => ({ ...key, ...(secretSha256 ? { secretFingerprint: fingerprintOfHash(secretSha256) } : {}) })),
  }));
  return { identityProviders, userFlows: parsed.userFlows ?? [], keySets, policies: parsed.policies ?? [] };
}

export function writeStateFile(file: string, tenant: TenantState): void {
  const state: PersistedState = { format: STATE_FORMAT, version: 2, ...tenant };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(temp, file);
}
