// Writes to one B2C object leave this process one at a time. B2C refuses a write that overlaps
// another on the same object: AADB2C95053 "Multiple concurrent writes to the same object detected.
// Please perform update operations on the same object sequentially."
// (https://learn.microsoft.com/azure/active-directory-b2c/error-codes). The engine runs independent
// resources in parallel, for example a user flow's attachments; queueing them here saves each a
// refused request and a back-off. A write from elsewhere can still overlap: graph/retry.ts retries it.

/** The collections whose members B2C writes as one object each (sub-paths such as `/$ref` included). */
const OBJECT_PATH = /^\/(identity\/identityProviders|identity\/b2cUserFlows|trustFramework\/keySets|trustFramework\/policies)\/([^/?]+)/i;

/**
 * The object a write targets, e.g. `trustframework/keysets/b2c_1a_wechatsecret` for an
 * uploadSecret; undefined for a create in a collection (a new object) or a path outside these.
 * Ids compare case-insensitively, as B2C's do.
 */
export function writeTargetOf(path: string): string | undefined {
  const match = OBJECT_PATH.exec(path);
  if (!match) return undefined;
  let id = match[2];
  try {
    id = decodeURIComponent(id);
  } catch {
    // Not URL-encoded as expected: the text itself still names the object.
  }
  return `${match[1]}/${id}`.toLowerCase();
}

/** The last write queued per object (tenant and object in the key), for as long as one is queued. */
const queueTails = new Map<string, Promise<void>>();

/**
 * Runs `write` after every write queued before it under the same key has settled (succeeded or
 * failed). `write` must not queue another write under its own key, or it would wait for itself.
 */
export async function oneWriteAtATime<T>(key: string, write: () => Promise<T>): Promise<T> {
  const before = queueTails.get(key);
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = (before ?? Promise.resolve()).then(() => mine);
  queueTails.set(key, tail);
  try {
    await before;
    return await write();
  } finally {
    done();
    if (queueTails.get(key) === tail) queueTails.delete(key);
  }
}
