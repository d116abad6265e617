// Who owns an object in the tenant. Mature tenants were built by hand, and two stacks may share a
// tenant: a provider takes over an existing object only when told to (adoptExisting), or when it can
// show that the object is its own create whose answer was lost (a POST re-sent after a dropped
// connection answered "already exists", and what is there equals what was sent). In doubt it fails
// with the adopt message. Adopted objects are left in the tenant on delete (README "Adopting what
// exists"): deleting a tenant's pre-existing sign-in configuration is the worst outcome we can cause.
import { pathSegment } from "../graph/paths";

/** Names of the fields whose values differ between what was sent and what is in the tenant (case-insensitive for strings). */
export function differingFields(sent: Record<string, unknown>, found: Record<string, unknown>): string[] {
  const norm = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v === undefined || v === null ? null : JSON.stringify(v));
  return Object.keys(sent).filter((k) => norm(sent[k]) !== norm(found[k]));
}

/**
 * The sentence added to an "already exists" message when a re-sent create found an object that is
 * not provably ours.
 */
export function notOursAfterLostAnswer(differences: string[]): string {
  return (
    ` (Our create was re-sent after a dropped connection, and the object there differs from what was sent in ` +
    `${differences.join(", ")}, so it is not taken to be this stack's.)`
  );
}

/** Whether delete must leave the object in the tenant: it was adopted, not created by the stack. */
export function retainedOnDelete(props: { adopted?: unknown } | undefined): boolean {
  return props?.adopted === true;
}

/** The adoptExisting hint shared by every "already exists" message. */
export function adoptHint(component: string, effect: string): string {
  return `To manage it from this stack, set adoptExisting: true on the ${component} (${effect}; it is then left in the tenant on destroy)`;
}

/**
 * What tells an existing user flow apart from the one our lost create would have made: the settings
 * sent (type, version, and the language settings when sent) and its identity providers (a flow this
 * stack just created has none attached yet).
 */
export async function userFlowDifferences(
  graph: import("../graph/client").GraphApi,
  existing: { id: string } & Record<string, unknown>,
  sent: Record<string, unknown>,
): Promise<string[]> {
  const differences = differingFields(sent, existing);
  const attached = await graph.list<{ id: string }>(
    "beta",
    `/identity/b2cUserFlows/${pathSegment(existing.id)}/userFlowIdentityProviders`,
    `list identity providers of user flow ${existing.id}`,
  );
  if (attached.length > 0) differences.push(`identity providers (${attached.map((p) => p.id).join(", ")} attached)`);
  return differences;
}
