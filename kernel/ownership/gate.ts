// The ownership rule (ownership.ts) wired to a provider call: its tenant, its config namespace, the
// attempt journal (attemptJournal.ts) and the operator's `recoverCreates` list. Every provider's
// preview look (lookBeforeCreate) and create go through `judge`, and every create notes its attempt with
// `beforeFirstWrite` and clears it with `answered`.
import * as pulumi from "@pulumi/pulumi";
import { isGraphRequestError } from "../../graph/errors";
import { DEFAULT_CONFIG_NAMESPACE } from "../../graph/settings";
import { AttemptJournal, journalDir } from "./journal";
import { ExistingObject, judgeExisting, ObjectKind, recoverCreatesKey, Verdict, vouchedFor } from "./rule";
import type { ConfiguredProvider } from "../providerContext";
import { ExistsError } from "../errors";

export class OwnershipGate {
  private readonly journal: AttemptJournal;
  private readonly namespace: string;
  /** Attempts this call noted itself (also when no owner is known, e.g. a direct caller): our own look, moments ago. */
  private readonly attempted = new Set<string>();

  constructor(
    private readonly provider: ConfiguredProvider,
    private readonly tenant: string,
    /** `project/stack/resource` (the resource's `attemptOwner` input); absent for state from before it existed. */
    private readonly owner: string | undefined,
  ) {
    this.namespace = provider.configNamespace ?? DEFAULT_CONFIG_NAMESPACE;
    this.journal = new AttemptJournal(journalDir(provider.configSource, this.namespace));
  }

  /** The rule's verdict on an existing object this stack has not recorded and does not adopt. */
  judge(found: Omit<ExistingObject, "journalled" | "vouched" | "tenant" | "namespace">): Verdict {
    const journalled =
      this.attempted.has(`${found.kind}:${found.name.toLowerCase()}`) || this.journal.find(this.tenant, found.kind, found.name, this.owner) !== undefined;
    const vouched = vouchedFor(this.provider.configSource?.get(recoverCreatesKey(this.namespace)), this.namespace, found.kind, found.name);
    return judgeExisting({ ...found, journalled, vouched, tenant: this.tenant, namespace: this.namespace });
  }

  /** Throws the verdict's message unless the object is this stack's own create. */
  claim(found: Omit<ExistingObject, "journalled" | "vouched" | "tenant" | "namespace">): void {
    const verdict = this.judge(found);
    if (!verdict.ours) throw new ExistsError(verdict.message);
  }

  /** Notes, durably, that the object was absent when looked at and is about to be created with `sent`. */
  async beforeFirstWrite(kind: ObjectKind, name: string, sent: Record<string, unknown>): Promise<void> {
    this.attempted.add(`${kind}:${name.toLowerCase()}`);
    if (!this.owner) return;
    await this.journal.record({ tenant: this.tenant, kind, name, owner: this.owner, lookedAbsentAt: Date.now(), sent });
  }

  /** The create returned: the engine records the object now, so the note is no longer needed. */
  async answered(kind: ObjectKind, name: string): Promise<void> {
    await this.journal.forget(this.tenant, kind, name, this.owner);
  }
}

/**
 * The look a preview takes (lookBeforeCreate, kernel/providerContext.ts): best effort. A Graph error there (a tenant that is not B2C, a
 * permission) is left to the check that explains it, or to `create`, which looks again before its
 * first write and fails loudly; the ownership guard is that second look.
 */
export async function previewLook<T>(look: () => Promise<T>): Promise<T | undefined> {
  try {
    return await look();
  } catch (error) {
    if (isGraphRequestError(error)) return undefined;
    throw error;
  }
}

/**
 * The objects this provider process's `diff` planned to replace, per kind and resource owner. For a
 * replacement the engine calls `check` once more with no old inputs, so that defaults are computed
 * afresh (pulumi/pulumi pkg/resource/deploy/step_generator.go, "If we are going to perform a
 * replacement, we need to recompute the default values"): that check looks like a new resource's,
 * and the object its look finds is the one being replaced, not someone else's. One provider process
 * serves a deployment's check and diff calls, in that order for each resource.
 */
const plannedReplacements = new Map<string, string>();

function replacementKey(kind: ObjectKind, news: unknown): string | undefined {
  const owner = ownerIn(news);
  return owner ? `${kind}|${owner}` : undefined;
}

/** `diff` planned to replace `replaced` (the object's id or name) with what `news` declares. */
export function planReplacement(kind: ObjectKind, news: unknown, replaced: string | undefined): void {
  const key = replacementKey(kind, news);
  if (key && replaced) plannedReplacements.set(key, replaced.toLowerCase());
}

/** Whether `found` (an object a new resource's look found) is the one this resource's planned replacement replaces. */
export function isBeingReplaced(kind: ObjectKind, news: unknown, found: string | undefined): boolean {
  const key = replacementKey(kind, news);
  return key !== undefined && found !== undefined && plannedReplacements.get(key) === found.toLowerCase();
}

/** The value of a resource's `attemptOwner` input: which stack and resource attempts a create. */
export function attemptOwnerOf(name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}

/** The owner in a provider's inputs or state, when it is a plain string. */
export function ownerIn(values: unknown): string | undefined {
  const owner = (values as { attemptOwner?: unknown } | undefined)?.attemptOwner;
  return typeof owner === "string" && owner !== "" ? owner : undefined;
}
