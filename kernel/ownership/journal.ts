// The attempt journal: a durable note, written BEFORE a create's first write, that says "this stack
// (project/stack/resource) looked for object X in tenant T, found it absent, and is about to create
// it with this content". Pulumi records an object only when `create` returns, so a create that
// landed and was not recorded (a killed `up`; a lost answer followed by a resend that ran out of
// budget) leaves an object in the tenant that only this note can explain. The next `up` finds the
// object, finds the note, compares the content (ownership.ts judgeExisting) and takes it as its
// own; without the note it refuses. A create that returns removes its note.
//
// One JSON file per (tenant, kind, name, owner) under the journal folder: stack config
// `<namespace>:ownershipJournalDir`, else B2C_OWNERSHIP_JOURNAL_DIR, else
// $PULUMI_HOME/b2c-identity/create-attempts (~/.pulumi when PULUMI_HOME is unset). CI runners that
// start clean keep it by caching that folder or pointing the key at persisted storage; without it
// the documented recovery is `recoverCreates` (ownership.ts). Secrets appear only as salted
// fingerprints (secretFingerprint.ts).
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { ConfigSource } from "../../graph/settings";
import { PACKAGE, pulumiHome } from "../pluginPackage";
import type { ObjectKind } from "./rule";

export interface AttemptRecord {
  tenant: string;
  kind: ObjectKind;
  /** The object's natural key (flow id, provider type, keyset id, policy id, flow/provider). */
  name: string;
  /** `project/stack/resource`: the resource that attempted the create. */
  owner: string;
  /** Epoch ms of the look that found the object absent, just before the first write. */
  lookedAbsentAt: number;
  /** What the create sends: plain non-secret fields; secrets only as salted fingerprints. */
  sent: Record<string, unknown>;
}

/** The journal folder for a provider call (see the header). */
export function journalDir(config: ConfigSource | undefined, namespace: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = config?.get(`${namespace}:ownershipJournalDir`)?.trim();
  if (configured) return configured;
  if (env.B2C_OWNERSHIP_JOURNAL_DIR?.trim()) return env.B2C_OWNERSHIP_JOURNAL_DIR.trim();
  return path.join(pulumiHome(env), PACKAGE, "create-attempts");
}

function fileOf(dir: string, tenant: string, kind: ObjectKind, name: string, owner: string): string {
  const key = JSON.stringify([tenant.toLowerCase(), kind, name.toLowerCase(), owner]);
  return path.join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.json`);
}

export class AttemptJournal {
  constructor(readonly dir: string) {}

  /**
   * Writes the note durably (fsync, then an atomic rename) before the caller's first write. Off the
   * event loop (fs.promises): a large tenant's `up` makes about a hundred of these side by side, and
   * synchronous fsyncs held every other call of the plugin while the disk answered.
   */
  async record(entry: AttemptRecord): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = fileOf(this.dir, entry.tenant, entry.kind, entry.name, entry.owner);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const handle = await fs.promises.open(temporary, "w", 0o600);
    try {
      await handle.writeFile(JSON.stringify(entry));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, file);
  }

  /** This owner's note for the object, if any (an unreadable note counts as none: ownership is then not proven). */
  find(tenant: string, kind: ObjectKind, name: string, owner: string | undefined): AttemptRecord | undefined {
    if (!owner) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(fileOf(this.dir, tenant, kind, name, owner), "utf8")) as AttemptRecord;
      return entry.owner === owner && entry.kind === kind ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Removes the note once the create is answered (the object is then in the stack's state). */
  async forget(tenant: string, kind: ObjectKind, name: string, owner: string | undefined): Promise<void> {
    if (!owner) return;
    await fs.promises.rm(fileOf(this.dir, tenant, kind, name, owner), { force: true });
  }
}
