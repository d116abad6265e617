// The store's state file (--state-file): JSON with a format marker, written atomically (temp file +
// rename, mode 0600). Secrets are in it only as SHA-256 hashes, as in the store.
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
  version: 1;
}

/** The tenant saved in `file`, or undefined when there is no such file. Throws with a clear message when it cannot be read. */
export function readStateFile(file: string): TenantState | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: PersistedState;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PersistedState;
  } catch (err) {
    throw new Error(`Cannot read emulator state file ${file}: ${(err as Error).message}`);
  }
  if (parsed?.format !== STATE_FORMAT || parsed.version !== 1) {
    throw new Error(`Emulator state file ${file} has an unknown format.`);
  }
  return {
    identityProviders: parsed.identityProviders ?? [],
    userFlows: parsed.userFlows ?? [],
    keySets: parsed.keySets ?? [],
    policies: parsed.policies ?? [],
  };
}

export function writeStateFile(file: string, tenant: TenantState): void {
  const state: PersistedState = { format: STATE_FORMAT, version: 1, ...tenant };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(temp, file);
}
