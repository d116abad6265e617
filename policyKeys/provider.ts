import * as pulumi from "@pulumi/pulumi";
import { defineResource } from "../kernel/resource";
import { GraphResponse } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { retryWhile } from "../graph/patience";
import { certificatePrivateKeyProblems, KEYSET_PREFIX, keySetSource, KeyUse, normalizeKeySetId, sameKeySet, validatePolicyKey } from "./rules";
import { checkFailures, ConfigNamespaceArgs, graphOf, InputFields, isUnknown, rememberConfig, readGraceMs, TypedProvider } from "../kernel/providerContext";
import { adoptedReplacement, messageOf, retainedOnDelete } from "../kernel/ownership/rule";
import { isBeingReplaced, OwnershipGate, ownerIn, planReplacement, previewLook } from "../kernel/ownership/gate";
import { isPastDeclaredExpiry, rolloverDates, rotationKeyDates, rotationWindowProblems, validateExpirySettings } from "../domain/keyExpiry";
import { PolicyKeyInputs, PolicyKeyInfo, PolicyKeyState, GraphKey, GraphKeySet, COLLECTION, FRESH_KEYSET_WINDOW_MS, itemPath, rotationNotBefore, keyInfo, keyMaterial, requestedDates, outputsFrom, materialHash, rotationReasons, replacementReasons, normalizeInputs, recordedDateChanges, sourceOf } from "./state";
import { activeKeyOf } from "./active";
import { getKeySet, keyOperation, addKey, explainKeyError, PolicyKeyError, existsMessage, isDuplicate } from "./operations";
import { adopt } from "./adoption";
import { errorKind, ExistsError, NotOursError } from "../kernel/errors";
import { notInTenant } from "../kernel/importing";

// PolicyKey: one B2C policy key container (keyset) and the keys added to it, over Graph beta
// /trustFramework/keySets (https://learn.microsoft.com/graph/api/resources/trustframeworkkeyset?view=graph-rest-beta).
//
// Lifecycle, as decided here:
// - create: POST the empty keyset, then ONE key operation (generateKey / uploadSecret /
//   uploadCertificate / uploadPkcs12): 2 Graph writes. If the key cannot be added, the keyset we
//   just created is deleted again before the error is raised (all-or-nothing as the user sees it).
// - rotation (update): a new secret / certificate / pfx, a new rotationTrigger or new validity dates
//   append ONE key to the same keyset (1 write), active from now (nbf = now unless notBefore is
//   given), because keys can't be replaced or removed one by one and policies reference the keyset
//   by name: the keyset itself is never deleted or recreated by a rotation.
// - a different key SOURCE kind, generate.keyType or use is a replacement (delete, then create the
//   same name). A keyset holds one kty and one use only (AADB2C95032 / AADB2C90089 / AADB2C95042),
//   so e.g. secret -> generate RSA can't be appended. Even where the kinds might be compatible
//   (generate RSA -> certificate) we can't tell before the call: Graph's own examples report
//   uploaded certificates as "oct" and pfx keys as "OCT". A replace shown in the preview is
//   better than an update that fails halfway; the old keys of another kind are useless to policies
//   written for the new one anyway. Because the keyset id is reused, the old one is deleted first.
// - name change (other than case or the B2C_1A_ prefix) = replacement, new keyset created first.

// The names other modules and tests use, from where they now live.
export type { KeyForSelection, PolicyKeyInfo, PolicyKeyInputs, PolicyKeyState } from "./state";
export { replacementReasons, rotationNotBefore, rotationReasons, sourceOf } from "./state";
export { localActiveKey } from "./active";
export type { KeyOperation } from "./operations";
export { isKeyWeSent } from "./operations";

/**
 * Whether an update would add a key carrying the new inputs' dates: they differ from the old inputs'
 * dates and the stack does not date its keys itself (rotateBeforeExpiryDays).
 */
function newKeyTakesDates(olds: PolicyKeyInputs, news: PolicyKeyInputs): boolean {
  // A new keyset (another name, source, key type or use) is created with the declared dates.
  if (!sameKeySet(olds.name, String(news.name)) || sourceOfInputs(olds) !== sourceOfInputs(news)) return true;
  if (olds.generate && news.generate && (olds.generate.use !== news.generate.use || String(olds.generate.keyType).toLowerCase() !== String(news.generate.keyType).toLowerCase())) return true;
  if (news.generate && typeof news.generate.rotateBeforeExpiryDays === "number") return false;
  const before = requestedDates(normalizeInputs(olds));
  const after = requestedDates(news);
  return before.expiresOn !== after.expiresOn || before.notBefore !== after.notBefore;
}

function rolledKeyDatesFrom(notBefore: number, keys: PolicyKeyInfo[], days: number): { notBefore: number; expiresOn: number } {
  const { nbf, exp } = rotationKeyDates(keys, undefined, days);
  return { notBefore, expiresOn: notBefore + (exp - nbf) };
}

function sourceOfInputs(inputs: PolicyKeyInputs): string {
  return ["secret", "generate", "certificate", "pkcs12"].find((k) => inputs[k as keyof PolicyKeyInputs] !== undefined && inputs[k as keyof PolicyKeyInputs] !== null) ?? "";
}

export interface PolicyKeyProvider extends TypedProvider<PolicyKeyInputs, PolicyKeyState> {}

/** Dynamic provider for one policy key container: Graph beta /trustFramework/keySets. */
export const policyKeyProvider: PolicyKeyProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    // Inputs first, locally: a typo fails before anything is sent.
    const creating = !olds || typeof olds.name !== "string";
    const problems = [
      // A past expiresOn blocks only when a key is about to be made with it (keyExpiry.ts isPastDeclaredExpiry).
      ...validatePolicyKey(news).filter((p) => creating || !isPastDeclaredExpiry(p, news) || newKeyTakesDates(olds, news)),
      ...validateExpirySettings(news),
      ...certificatePrivateKeyProblems(news),
      ...rotationWindowProblems(news.generate, { creating }),
    ];
    if (problems.length > 0) {
      return { failures: checkFailures(problems) };
    }
    const inputs = normalizeInputs(news);
    return { inputs };
  },

  async lookBeforeCreate(inputs) {
    // Look before the first write (ownership.ts). One that exists and is not adopted fails preview
    // itself, with no write, even when it is empty: an empty keyset that existed before the stack (or
    // another stack's, still waiting for its key) is not ours.
    if (typeof inputs.name !== "string" || isUnknown(inputs.name) || inputs.adoptExisting !== false) return [];
    const graph = graphOf(this);
    const existing = await previewLook(() => getKeySet(graph, normalizeKeySetId(inputs.name)));
    if (!existing || isBeingReplaced("keySet", inputs, existing.id)) return [];
    const verdict = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs)).judge(existingKeySet(existing));
    return verdict.ours ? [] : [{ property: "adoptExisting", reason: verdict.message }];
  },

  async diff(_id, olds: PolicyKeyState, news: PolicyKeyInputs) {
    // No Graph call: everything needed is in state.
    const replaces = replacementReasons(olds, news);
    if (replaces.length > 0 && olds.adopted === true) throw new NotOursError(adoptedReplacement("keySet", olds.keySetId, replaces));
    if (replaces.length > 0) planReplacement("keySet", news, olds.keySetId);
    const rotation = replaces.length > 0 ? [] : rotationReasons(olds, news);
    const nameChanged = replaces.includes("name");
    // Imported: the declared source (and its material) settles what import inferred (update).
    const settles = olds.inferredSource === true && (sourceOf(news) !== olds.source || keyMaterial(news) !== undefined);
    return {
      changes: replaces.length > 0 || rotation.length > 0 || settles || recordedDateChanges(olds, news).length > 0,
      replaces,
      stables: replaces.length > 0 ? [] : ["keySetId"],
      // The same keyset id is reused unless the name changed: the old one must go first.
      deleteBeforeReplace: replaces.length > 0 && !nameChanged,
    };
  },

  async create(inputs: PolicyKeyInputs) {
    const graph = graphOf(this);
    const wanted = normalizeKeySetId(inputs.name);
    const gate = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs));
    // Look before the first write (again: preview's look may be minutes old). Adopting costs no
    // write at all when the keyset already serves the key; otherwise an existing keyset is ours only
    // when this stack's journalled attempt explains it and it is empty, as our create leaves it.
    const before = await getKeySet(graph, wanted);
    if (before && inputs.adoptExisting) return adopt(graph, before, inputs);
    let keySetId: string;
    if (before) {
      gate.claim(existingKeySet(before));
      keySetId = before.id;
    } else {
      await gate.beforeFirstWrite("keySet", wanted, { source: sourceOfInputs(inputs) });
      const posted = await postKeySet(graph, wanted, gate, inputs);
      if (typeof posted !== "string") return posted;
      keySetId = posted;
    }

    const dates = requestedDates(inputs);
    let result: GraphResponse<GraphKey>;
    try {
      result = await addKey(graph, keySetId, keyOperation(inputs, dates.notBefore, dates.expiresOn), FRESH_KEYSET_WINDOW_MS);
    } catch (error) {
      // All-or-nothing: the keyset is ours and empty, remove it before reporting.
      let rollback = "";
      try {
        await graph.requestOrUndefined({ method: "DELETE", version: "beta", path: itemPath(keySetId), description: `delete policy key container ${keySetId} again` });
        rollback = " The new, empty container was deleted again, so nothing is left behind.";
      } catch (deleteError) {
        rollback =
          ` Deleting the new, empty container failed too (${messageOf(deleteError)}): the next \`pulumi up\` on this machine takes the empty ` +
          `container as this stack's (its attempt journal explains it), or delete ${keySetId} in the portal.`;
      }
      throw new PolicyKeyError(`Could not add the key to policy key container ${keySetId}: ${explainKeyError(error)}.${rollback}`, error);
    }
    // A re-sent key upload may have landed twice: record what the keyset really holds.
    const keys = result.retriedAfterNetworkError
      ? ((await getKeySet(graph, keySetId, FRESH_KEYSET_WINDOW_MS))?.keys ?? [result.value]).map(keyInfo)
      : [keyInfo(result.value)];
    const activeKeyId = await activeKeyOf(graph, keySetId, keys);
    await gate.answered("keySet", wanted);
    return { id: keySetId, outs: outputsFrom(inputs, keySetId, keys, activeKeyId, false, materialHash(inputs)) };
  },

  async read(id, props: PolicyKeyState) {
    const graph = graphOf(this);
    // Right after our own write a 404 is more likely eventual consistency than a deletion.
    const grace = readGraceMs(props?.lastWriteAt);
    const current = await getKeySet(graph, id, grace);
    if (!current) return { id: "", props: {} }; // deleted out of band: the next `up` recreates it
    const activeKeyId = await activeKeyOf(graph, current.id, current.keys ?? []);
    return {
      id: current.id,
      props: { ...props, keySetId: current.id, keys: (current.keys ?? []).map(keyInfo), activeKeyId },
    };
  },

  async readForImport(id) {
    // The keyset's kind as far as its keys tell (keySetSource): a generated RSA keyset is declared
    // whole; for an uploaded one the program gives the material (Graph never returns it), which
    // the first `up` adds as an adoption would, once and only when the keyset lacks it.
    const graph = graphOf(this);
    const current = await getKeySet(graph, normalizeKeySetId(id));
    if (!current) throw notInTenant("policy key container", id, graph.settings.tenantId, "Its id is the keyset's, e.g. B2C_1A_WeChatSecret.");
    const keys = current.keys ?? [];
    if (keys.length === 0) {
      throw new Error(
        `Cannot import policy key container ${current.id}: it has no key, so what kind of key it holds is unknown. Declare it as a ` +
          `TrustFrameworkKeySet (PolicyKey) with adoptExisting: true and the key source instead: the stack then adds that key.`,
      );
    }
    const { source } = keySetSource(keys);
    const use = keys[0].use ?? "sig";
    const kty = (keys[0].kty ?? "").toLowerCase() === "rsa" ? "RSA" : "oct";
    const inputs =
      source === "generate"
        ? { name: current.id, generate: { keyType: kty, use: use as KeyUse }, adoptExisting: true as const }
        : source === "secret"
          ? { name: current.id, secret: { use: use as KeyUse }, adoptExisting: true as const }
          : { name: current.id, certificate: {}, adoptExisting: true as const };
    const infos = keys.map(keyInfo);
    const props: PolicyKeyState = {
      name: current.id,
      keySetId: current.id,
      source,
      ...(source !== "certificate" ? { use, keyType: kty } : {}),
      keys: infos,
      activeKeyId: await activeKeyOf(graph, current.id, infos),
      adopted: true,
      ...(source !== "generate" ? { inferredSource: true } : {}),
      lastWriteAt: 0,
    };
    return { id: current.id, props, inputs: inputs as PolicyKeyInputs };
  },

  async update(id, olds: PolicyKeyState, news: PolicyKeyInputs) {
    const graph = graphOf(this);
    if (olds.inferredSource === true) {
      // Imported: taken over as adoptExisting takes a keyset (adoption.ts): its keys kept, the
      // declared key added only when the keyset can't already serve it.
      const current = await getKeySet(graph, id);
      if (!current) {
        throw new PolicyKeyError(`Policy key container ${id} no longer exists in the tenant. Run \`pulumi refresh\` (it then drops out of the stack).`, undefined);
      }
      return { outs: (await adopt(graph, current, news)).outs };
    }
    if (rotationReasons(olds, news).length === 0) {
      // E.g. an unknown that resolved to the same value, or only adoptExisting changed: nothing to send.
      const outs = outputsFrom(news, id, olds.keys ?? [], olds.activeKeyId ?? "", olds.adopted ?? false, olds.keyMaterialHash);
      return { outs: { ...outs, lastWriteAt: olds.lastWriteAt ?? 0 } };
    }
    const days = news.generate?.rotateBeforeExpiryDays;
    const dates =
      rolloverDates(rotationReasons(olds, news), olds.keys ?? [], undefined, days) ??
      // Under roll-over the declared dates were the first key's (maybe past by now): a key asked for
      // otherwise (rotationTrigger) is active from now, as long-lived as a roll-over key.
      (typeof days === "number" ? rolledKeyDatesFrom(rotationNotBefore(news), olds.keys ?? [], days) : requestedDates(news));
    let result: GraphResponse<GraphKey>;
    try {
      result = await addKey(graph, id, keyOperation(news, dates.notBefore ?? rotationNotBefore(news), dates.expiresOn), 0, (olds.keys ?? []).map((k) => k.kid));
    } catch (error) {
      if (isGraphRequestError(error) && error.isNotFound) {
        throw new PolicyKeyError(
          `Policy key container ${id} no longer exists in the tenant, so no key can be added to it. Run \`pulumi refresh\` ` +
            `(it then drops out of the stack) and \`pulumi up\` to create it again.`,
          error,
        );
      }
      throw new PolicyKeyError(`Could not add a new key to policy key container ${id}: ${explainKeyError(error)}. The container and its keys are unchanged.`, error);
    }
    const keys = result.retriedAfterNetworkError
      ? ((await getKeySet(graph, id))?.keys ?? [result.value]).map(keyInfo)
      : [...(olds.keys ?? []), keyInfo(result.value)];
    const activeKeyId = await activeKeyOf(graph, id, keys);
    return { outs: outputsFrom(news, id, keys, activeKeyId, olds.adopted ?? false, materialHash(news)) };
  },

  async delete(id, props: PolicyKeyState) {
    if (retainedOnDelete(props)) return; // adopted: it was the tenant's before the stack
    // 404 counts as done (deleted out of band).
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: itemPath(id),
      description: `delete policy key container ${props?.keySetId ?? id}`,
    });
  },
};

/** The ownership facts of an existing keyset: ours only when empty, as our create leaves it before its key. */
function existingKeySet(current: GraphKeySet) {
  const count = (current.keys ?? []).length;
  return {
    kind: "keySet" as const,
    name: current.id,
    differences: count === 0 ? [] : [`its keys (${count}; the container this stack creates is empty until its key is added)`],
    detail: `(${count} key(s))`,
  };
}

/**
 * POST the empty keyset. Its id, or (adoptExisting, and someone made it since the look) the
 * adoption's result. A duplicate answer is ours only after a resend (our first attempt landed, its
 * answer lost) and when the rule agrees; a first POST refused as a duplicate met someone else's
 * create (another stack declaring the same preset name): refused, never shared.
 */
async function postKeySet(
  graph: ReturnType<typeof graphOf>,
  wanted: string,
  gate: OwnershipGate,
  inputs: PolicyKeyInputs,
): Promise<string | { id: string; outs: PolicyKeyState }> {
  let mayHaveLanded = false;
  const posted = await retryWhile(
    async () => {
      try {
        const created = await graph.call<GraphKeySet>({
          method: "POST",
          version: "beta",
          path: COLLECTION,
          // The bare name: the service adds B2C_1A_ (https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta);
          // field reports say a prefixed id is kept as sent. The bare name gives B2C_1A_<name> either way.
          body: { id: wanted.slice(KEYSET_PREFIX.length) },
          description: `create policy key container ${wanted}`,
        });
        return { keySetId: created.value?.id ?? wanted };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        mayHaveLanded ||= Boolean(error.afterNetworkRetry);
        return { duplicate: error, current: await getKeySet(graph, wanted) };
      }
    },
    {
      windowMs: FRESH_KEYSET_WINDOW_MS,
      lastWait: "full",
      // Taken, yet not found: either just created (by our lost attempt or by someone else) and
      // not visible yet, or just deleted (a delete-before-replace) and the name not free
      // everywhere yet. Both settle within the consistency window: wait, then POST again.
      transient: (outcome) => outcome.ok && outcome.value.duplicate !== undefined && !outcome.value.current,
    },
  );
  if (posted.duplicate === undefined) return posted.keySetId;
  const { duplicate: error, current } = posted;
  if (!current) throw error;
  if (mayHaveLanded) {
    try {
      gate.claim(existingKeySet(current));
    } catch (refused) {
      if (errorKind(refused) !== "exists") throw refused;
      throw new ExistsError(messageOf(refused), { cause: error });
    }
    return current.id;
  }
  if (inputs.adoptExisting) return adopt(graph, current, inputs);
  throw new ExistsError(
    existsMessage(current.id, graph.settings.tenantId, current.keys ?? []) +
      ` (It was created by someone else, e.g. another stack declaring the same name, after this stack looked, moments before its create; it is not shared.)`,
    { cause: error },
  );
}

/** Arguments of the policy key dynamic resource (PolicyKeyInputs; each field may be an Output). Exactly one key source. */
export interface PolicyKeyResourceArgs extends ConfigNamespaceArgs {
  /** Keyset name, with or without B2C_1A_; another name (not only case or prefix) replaces the keyset. */
  name: pulumi.Input<PolicyKeyInputs["name"]>;
  /** A secret you know (uploadSecret); pass `value` as a Pulumi secret. State keeps only a salted fingerprint. */
  secret?: InputFields<NonNullable<PolicyKeyInputs["secret"]>>;
  /** A key B2C generates (generateKey). */
  generate?: InputFields<NonNullable<PolicyKeyInputs["generate"]>>;
  /** A certificate, base64 DER or PEM (uploadCertificate). */
  certificate?: InputFields<NonNullable<PolicyKeyInputs["certificate"]>>;
  /** A PKCS#12 file and its password (uploadPkcs12); pass both as Pulumi secrets. */
  pkcs12?: InputFields<NonNullable<PolicyKeyInputs["pkcs12"]>>;
  /** Any string; a change adds a new key to the keyset. */
  rotationTrigger?: pulumi.Input<string>;
  /** Minutes after a rotation at which the key it adds becomes active; default 0. */
  rotationNotBeforeDelayMinutes?: pulumi.Input<number>;
  /** Manage a keyset of this name that exists already. Default false. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The resource behind PolicyKey (`b2c-identity:index:TrustFrameworkKeySet`). */
export class PolicyKeyResource extends defineResource<PolicyKeyResourceArgs, PolicyKeyState>()({
  provider: "policyKey",
  type: "TrustFrameworkKeySet",
  dynamicType: "PolicyKey",
  outputs: ["keySetId", "activeKeyId", "keys", "adopted"],
  attemptJournal: true,
}) {}
