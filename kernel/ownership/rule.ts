// Who owns an object in the tenant: ONE rule for every object kind (README "Who owns what").
//
// Mature tenants were built by hand, and two stacks may share a tenant. What existed before the
// stack's first attempt to create an object is never the stack's: every provider LOOKS before its
// first write (in `check` for a new resource, so `pulumi preview` already fails, and again in
// `create` just before the POST) and records the look in the attempt journal
// (kernel/ownership/journal.ts). Afterwards an existing object counts as the stack's own create
// only when that journal (or the operator's explicit `recoverCreates` entry) explains it AND what is
// there is what the stack sends; a secret that cannot be compared is written again. Everything else
// fails loudly with guidance: adoptExisting (the object stays in the tenant on destroy) or removing
// it. Adopted objects are compared on their fixed settings and are never replaced. This module is
// pure (no I/O): the providers bring the facts, it decides and words the answer.
import { GraphConfigError } from "../../graph/settings";

/** The object kinds the stack creates. */
export type ObjectKind = "identityProvider" | "userFlow" | "attachment" | "keySet" | "policy";

const KIND_WORDS: Record<ObjectKind, string> = {
  identityProvider: "identity provider",
  userFlow: "user flow",
  attachment: "user flow attachment",
  keySet: "policy key container",
  policy: "custom policy",
};

/** The component a user sets adoptExisting on, per kind. */
const COMPONENTS: Record<ObjectKind, string> = {
  identityProvider: "identity provider component (WeChatIdentityProvider, QQIdentityProvider, SocialIdentityProvider)",
  userFlow: "B2CUserFlow",
  attachment: "UserFlowIdentityProvider",
  keySet: "PolicyKey",
  policy: "TrustFrameworkPolicySet (or TrustFrameworkPolicyResource)",
};

/** When a vouched-for or journalled object is taken as the stack's own create, per kind. */
const RECOVERY_CONDITION: Record<ObjectKind, string> = {
  identityProvider: "its type, client id and display name are what the stack sends (its secret cannot be read back, so it is written again)",
  userFlow: "its settings are what the stack sends and no identity provider is attached yet",
  attachment: "it attaches the same identity provider to the same flow",
  keySet: "it is still empty, as the stack's create leaves it before adding its key (the key is then added)",
  policy: "its content is what the stack uploads",
};

/** `kind:name`, the spelling of an object in `recoverCreates` and in messages (names compared case-insensitively). */
export function objectRef(kind: ObjectKind, name: string): string {
  return `${kind}:${name}`;
}

/** The stack config key holding the operator's list of objects to take back as the stack's own creates. */
export function recoverCreatesKey(namespace: string): string {
  return `${namespace}:recoverCreates`;
}

/** Whether the `recoverCreates` config value (a JSON list of `kind:name`) names this object. A value that is not such a list throws, naming the key. */
export function vouchedFor(configValue: string | undefined, namespace: string, kind: ObjectKind, name: string): boolean {
  if (configValue === undefined || configValue.trim() === "") return false;
  let list: unknown;
  try {
    list = JSON.parse(configValue);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
    throw new GraphConfigError(
      `${recoverCreatesKey(namespace)} must be a JSON list of "kind:name" strings, e.g. ["userFlow:B2C_1_susi"]; ` +
        `set it with \`pulumi config set --path '${recoverCreatesKey(namespace)}[0]' userFlow:B2C_1_susi\`.`,
    );
  }
  const wanted = objectRef(kind, name).toLowerCase();
  return list.some((x) => x.trim().toLowerCase() === wanted);
}

/** Names of the fields whose values differ between what was sent and what is in the tenant (case-insensitive for strings). */
export function differingFields(sent: Record<string, unknown>, found: Record<string, unknown>): string[] {
  const norm = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v === undefined || v === null ? null : JSON.stringify(v));
  return Object.keys(sent).filter((k) => norm(sent[k]) !== norm(found[k]));
}

/** Whether delete must leave the object in the tenant: it was adopted, not created by the stack. */
export function retainedOnDelete(props: { adopted?: unknown } | undefined): boolean {
  return props?.adopted === true;
}

/** The adoptExisting hint shared by every "already exists" message. */
export function adoptHint(component: string, effect: string): string {
  return `To manage it from this stack, set adoptExisting: true on the ${component} (${effect}; it is then left in the tenant on destroy)`;
}

/** The facts about an object found in the tenant that the stack has not recorded. */
export interface ExistingObject {
  kind: ObjectKind;
  /** The object's name as users see it (flow id, provider type, keyset id, policy id, "flow/provider"). */
  name: string;
  tenant: string;
  /** This stack's attempt journal says: we looked, it was absent, and then we sent a create. */
  journalled: boolean;
  /** The operator named it in `recoverCreates`. */
  vouched: boolean;
  /** Fields where what is there differs from what this stack sends (non-secret content only). */
  differences: string[];
  /** Said before the guidance, e.g. "(display name 'WeChat', 0 keys)". */
  detail?: string;
  /** The stack's config namespace, for the recoverCreates key. */
  namespace: string;
}

/** What to do with an existing object that is not in the stack's state and not adopted. */
export type Verdict = { ours: true } | { ours: false; message: string };

/**
 * The rule for an existing, unrecorded, not adopted object: the stack's own create when its own
 * journalled attempt (or the operator's vouch) explains it and the content is what the stack sends;
 * otherwise refused with guidance. Never "ours" by resemblance alone.
 */
export function judgeExisting(found: ExistingObject): Verdict {
  const what = `${KIND_WORDS[found.kind]} ${found.name}`;
  const ref = objectRef(found.kind, found.name);
  const key = recoverCreatesKey(found.namespace);
  if ((found.journalled || found.vouched) && found.differences.length === 0) return { ours: true };
  const head = `The ${what} already exists in tenant ${found.tenant}${found.detail ? ` ${found.detail}` : ""}, and this stack has not recorded it. `;
  if (found.journalled || found.vouched) {
    return {
      ours: false,
      message:
        head +
        `${found.journalled ? "This stack's own earlier create attempt may have made it" : `${key} names it as this stack's own create`}, but it ` +
        `differs from what the stack sends in ${found.differences.join(", ")}, so it is not taken. Delete it in the portal and run \`pulumi up\` ` +
        `again (the stack then creates it), or ${adoptHint(COMPONENTS[found.kind], "the stack then manages it as it is").replace(/^To/, "to")}.`,
    };
  }
  return {
    ours: false,
    message:
      head +
      `What existed before the stack's first attempt is never taken as its own. ` +
      `${adoptHint(COMPONENTS[found.kind], "the stack then manages it")}; otherwise delete it in the portal, or choose another name. ` +
      `If it is this stack's own create whose answer was lost and the attempt journal is gone (another machine, a cleaned CI runner), ` +
      `add "${ref}" to ${key} (a JSON list) for one \`pulumi up\`: it is then taken as the stack's own (deleted on destroy) when ` +
      `${RECOVERY_CONDITION[found.kind]}; then remove it from ${key} again.`,
  };
}

/** The error thrown when an adopted object's fixed setting differs from the program's. */
export function fixedSettingMismatch(kind: ObjectKind, name: string, setting: string, inTenant: unknown, declared: unknown, fix: string): string {
  return (
    `Cannot adopt the ${KIND_WORDS[kind]} ${name}: its ${setting} is ${JSON.stringify(inTenant)} in the tenant and ${JSON.stringify(declared)} ` +
    `in this stack. It cannot be changed in place, and an adopted object is never replaced (deleting it would take the tenant's sign-in with it). ${fix}`
  );
}

/**
 * The error thrown when a change would replace an adopted object. `reasons` are the changed
 * settings; the object stays as it is in the tenant.
 */
export function adoptedReplacement(kind: ObjectKind, name: string, reasons: string[]): string {
  return (
    `The ${KIND_WORDS[kind]} ${name} was adopted (it existed before this stack), and changing ${reasons.join(", ")} would replace it: ` +
    `delete it and create another. An adopted object is never replaced. Put ${reasons.join(", ")} back to what the tenant holds; or, to ` +
    `move to a new object, remove this one from the program (it stays in the tenant: adopted objects are retained) and declare the new ` +
    `one under another name; or delete it in the portal yourself and drop adoptExisting so that the stack creates it.`
  );
}

/** An error's message as text: an object message (some Graph answers) is shown as JSON, never "[object Object]". */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  if (typeof message === "string") return message;
  if (message !== undefined) {
    try {
      return JSON.stringify(message);
    } catch {
      /* fall through */
    }
  }
  return typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
}
