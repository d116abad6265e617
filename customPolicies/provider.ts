import { defineResource } from "../kernel/resource";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { retryWhile } from "../graph/patience";
import { NotOursError, inputError } from "../kernel/errors";
import { checkFailures, ConfigNamespaceArgs, CONSISTENCY_WINDOWS_MS, graphOf, isUnknown, readGraceMs, rememberConfig, TypedProvider } from "../kernel/providerContext";
import { withUnknowns } from "../kernel/inputs";
import { adoptedReplacement, retainedOnDelete } from "../kernel/ownership/rule";
import { OwnershipGate, ownerIn, previewLook } from "../kernel/ownership/gate";
import { bodyText, policyContentHash, policyIdOfXml, sameId, TrustFrameworkPolicyError } from "./document";
import { checkPolicyInputs, StoredPolicyInputs, TrustFrameworkPolicyInputs, withDocument } from "./inputs";
import { explainUploadError, isFreshDependencyFailure } from "./uploadErrors";
import { pathSegment } from "../graph/paths";
import { notInTenant } from "../kernel/importing";

export { dependencyHash, normalizePolicyForDiff, policyContentHash, policyIdOfXml } from "./document";
export type { PolicyValidationFailure } from "./uploadErrors";
export type { StoredPolicyInputs, TrustFrameworkPolicyInputs } from "./inputs";
export { isFreshDependencyFailure, parsePolicyValidationFailure } from "./uploadErrors";

// TrustFrameworkPolicy: ONE custom policy (Graph beta /trustFramework/policies, https://learn.microsoft.com/graph/api/resources/trustframeworkpolicy?view=graph-rest-beta).
//
// - create: GET …/$value first: a policy that exists (hand-made, or another stack's) is never
//   overwritten; with adoptExisting it is replaced and then left in the tenant on destroy. Then
// - create/update: PUT /trustFramework/policies/{PolicyId}/$value with application/xml, the documented
//   idempotent upsert (201 created, 200 replaced).
// - diff: no Graph call. The desired XML is normalized (whitespace, attribute
//   order, comments, XML declaration and the service-added PublicPolicyUri don't count) and hashed;
//   the hash is compared with the one in state, together with `dependsOnHash`.
// - normalization: normalizePolicyXml (policies/normalize.ts), shared with the offline toolkit.
// - state: the SHA-256 of the normalized XML only (plus ids). The XML itself is in the resource's
//   inputs, once and as it is (`xml`), so `pulumi preview --diff` shows the changed lines; a second
//   copy in the outputs buys nothing a re-upload doesn't. State from the dynamic-provider releases
//   holds it packed (`xmlPacked`: Brotli, base64, to fit their 16 KB), still read.
// - read (refresh): GET …/$value as text, normalized and hashed: an out-of-band edit shows as a
//   changed `contentHash` (and the next `up` re-uploads), a deleted policy drops out of the state.
// - a changed parent re-uploads its children: `dependsOnHash` is an input the component derives
//   from the BasePolicy's content hash (transitively) and the key set ids the policy references,
//   so a parent's change changes its children's inputs and only theirs.
// - a just-created key set may not be visible to policy validation yet ("Tenant '…' does not have
//   CryptographicKey referenced by storageReferenceId "B2C_1A_…"."): the PUT is retried for up to
//   FRESH_DEPENDENCY_WINDOW_MS when every validation error is such a missing key among `keySetIds`
//   (or the missing BasePolicy `basePolicyId`, uploaded a moment ago). Anything else fails at once.
// - delete: DELETE /trustFramework/policies/{id}; 404 counts as done.

/** State kept by Pulumi: ids and hashes only, never the XML twice. */
export interface TrustFrameworkPolicyState {
  policyId: string;
  /** `sha256:<hex>` of the normalized XML last uploaded (or, after a refresh, found in the tenant). */
  contentHash: string;
  /** What the upload depended on (parent content hash, key set ids); absent only for a policy imported with `pulumi import`, until its first `up` records it. */
  dependsOnHash?: string;
  basePolicyId?: string;
  keySetIds: string[];
  /** Epoch ms of our last upload: a refresh soon after it waits out eventual consistency before reporting "gone". */
  lastUploadAt: number;
  /** Taken over with adoptExisting: left in the tenant on destroy. */
  adopted?: boolean;
}

const COLLECTION = "/trustFramework/policies";
/** How long a fresh key set (or base policy) may stay invisible to policy validation (kernel/consistency.ts). */
const FRESH_DEPENDENCY_WINDOW_MS = CONSISTENCY_WINDOWS_MS.freshPolicyDependency;

function itemPath(id: string): string {
  return `${COLLECTION}/${pathSegment(id)}`;
}

function outputsFrom(inputs: TrustFrameworkPolicyInputs, id: string, adopted = false): TrustFrameworkPolicyState {
  return {
    adopted,
    policyId: id,
    contentHash: policyContentHash(inputs.xml),
    dependsOnHash: inputs.dependsOnHash ?? "",
    ...(inputs.basePolicyId ? { basePolicyId: inputs.basePolicyId } : {}),
    keySetIds: inputs.keySetIds ?? [],
    lastUploadAt: Date.now(),
  };
}

async function upload(graph: GraphApi, inputs: TrustFrameworkPolicyInputs, freshWindowMs: number): Promise<void> {
  const started = Date.now();
  try {
    await retryWhile(
      async () => {
        const echoed = await graph.request<unknown>({
          method: "PUT",
          version: "beta",
          path: `${itemPath(inputs.policyId)}/$value`,
          body: inputs.xml,
          contentType: "application/xml",
          // No responseType: see bodyText.
          description: `upload custom policy ${inputs.policyId}`,
        });
        await bodyText(echoed).catch(() => undefined); // the echoed XML is not needed; reading it frees the connection
      },
      { windowMs: freshWindowMs, transient: (outcome) => !outcome.ok && isFreshDependencyFailure(outcome.error, inputs) },
    );
  } catch (error) {
    if (isGraphRequestError(error)) {
      throw new TrustFrameworkPolicyError(explainUploadError(error, inputs, isFreshDependencyFailure(error, inputs) ? Date.now() - started : 0), error);
    }
    throw error;
  }
}

/** The policy's document in the tenant, or undefined when there is none. */
async function readPolicy(graph: GraphApi, id: string): Promise<string | undefined> {
  const existing = await graph.requestOrUndefined<unknown>({
    method: "GET",
    version: "beta",
    path: `${itemPath(id)}/$value`,
    description: `check whether custom policy ${id} exists`,
  });
  return existing === undefined || existing === null ? undefined : bodyText(existing);
}

/** The ownership facts of an existing policy: ours only with the content this stack uploads (xml undefined: not known yet). */
function existingPolicy(id: string, xml: string | undefined, existing: string) {
  const same = xml === undefined || policyContentHash(existing) === policyContentHash(xml);
  return {
    kind: "policy" as const,
    name: id,
    differences: same ? [] : ["content"],
    detail: xml !== undefined && same ? "(with this same content)" : undefined,
  };
}

/**
 * Why a new document must not be uploaded when it is the old one (from state: the tenant's, after
 * `pulumi import`) with every "$" not followed by "{" gone, or undefined. That is what TypeScript
 * code written by `pulumi import` holds: Pulumi's TypeScript program generator writes a multi-line
 * string as a template literal and drops each "$" that does not start "${" (pulumi/pulumi
 * pkg/codegen/nodejs/gen_program_expressions.go, genStringLiteral; still so in v3.276.0). The
 * starter pack's regular expressions end in "$": uploading would change what sign-in accepts.
 */
function dollarsLostFrom(olds: Partial<StoredPolicyInputs> | undefined, news: Partial<StoredPolicyInputs>): string | undefined {
  const before = olds && (olds.xml !== undefined || olds.xmlPacked !== undefined) ? withDocument(olds as StoredPolicyInputs).xml : undefined;
  const after = news.xml;
  if (typeof before !== "string" || typeof after !== "string" || isUnknown(after) || before === after) return undefined;
  const lone = /\$(?!\{)/g;
  const count = before.match(lone)?.length ?? 0;
  if (count === 0 || before.replace(lone, "") !== after) return undefined;
  return (
    `is the document in state with the ${count} "$" it held removed, and nothing else changed: the TypeScript code \`pulumi import\` writes ` +
    `loses every "$" not followed by "{" from a multi-line string (Pulumi's program generator, pkg/codegen/nodejs genStringLiteral). ` +
    `Uploading it would change the policy's regular expressions. Read the document from a file instead (\`b2c-identity import ` +
    `--policies-dir\` writes the tenant's), or put each "$" back.`
  );
}

export interface TrustFrameworkPolicyProvider extends TypedProvider<StoredPolicyInputs, TrustFrameworkPolicyState> {}

/** Dynamic provider for one custom policy: Graph beta /trustFramework/policies/{id}/$value. */
export const trustFrameworkPolicyProvider: TrustFrameworkPolicyProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    const problems = checkPolicyInputs(withDocument(news));
    if (problems.length > 0) {
      return { failures: checkFailures(problems) };
    }
    const dollarsLost = dollarsLostFrom(olds, news);
    // No property named: the engine would print the property's value, here the whole document.
    if (dollarsLost) return { failures: [{ property: "", reason: `xml ${dollarsLost}` }] };
    // The document is kept as `xml`; one given packed (state from the dynamic-provider releases) is unpacked.
    const inputs: StoredPolicyInputs = withDocument({ ...news });
    if (typeof news.policyId === "string") inputs.policyId = news.policyId.trim();
    if (Array.isArray(news.keySetIds)) inputs.keySetIds = news.keySetIds.filter((k: unknown) => typeof k === "string" && k !== "");
    return { inputs };
  },

  async lookBeforeCreate(stored) {
    // Look before the first write (ownership.ts), so that preview fails on a policy that exists
    // already and is not adopted, with no write.
    const inputs = withDocument(stored);
    if (typeof inputs.policyId !== "string" || isUnknown(inputs.policyId) || inputs.adoptExisting === true || isUnknown(inputs.adoptExisting)) return [];
    const graph = graphOf(this);
    const existing = await previewLook(() => readPolicy(graph, inputs.policyId));
    if (existing === undefined) return [];
    const verdict = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs)).judge(
      existingPolicy(inputs.policyId, isUnknown(inputs.xml) ? undefined : inputs.xml, existing),
    );
    return verdict.ours ? [] : [{ property: "adoptExisting", reason: verdict.message }];
  },

  async diff(_id, olds: TrustFrameworkPolicyState, stored: StoredPolicyInputs) {
    // No Graph call: the desired content's hash against the one in state.
    const news = withDocument(stored);
    const replaces = isUnknown(news.policyId) || !sameId(olds.policyId, news.policyId) ? ["policyId"] : [];
    if (replaces.length > 0 && olds.adopted === true) throw new NotOursError(adoptedReplacement("policy", olds.policyId, replaces));
    const changed: string[] = [];
    if (isUnknown(news.xml) || policyContentHash(news.xml) !== olds.contentHash) changed.push("xml");
    if (isUnknown(news.dependsOnHash) || (news.dependsOnHash ?? "") !== (olds.dependsOnHash ?? "")) changed.push("dependsOnHash");
    return {
      changes: replaces.length > 0 || changed.length > 0,
      replaces,
      stables: replaces.length > 0 ? [] : ["policyId"],
      deleteBeforeReplace: false,
    };
  },

  async create(stored: StoredPolicyInputs) {
    const inputs = withDocument(stored);
    const graph = graphOf(this);
    // Graph keeps the id as uploaded; the XML's PolicyId is the name users see.
    const id = policyIdOfXml(inputs.xml) ?? inputs.policyId;
    const gate = new OwnershipGate(this, graph.settings.tenantId, ownerIn(stored));
    // The upload is an upsert: look before the first write (ownership.ts), so a hand-made policy (or
    // another stack's) is never overwritten silently. One read; re-sending the idempotent PUT after a
    // dropped connection is safe.
    const existing = await readPolicy(graph, id);
    if (existing !== undefined) {
      const same = policyContentHash(existing) === policyContentHash(inputs.xml);
      if (inputs.adoptExisting) {
        if (!same) await upload(graph, inputs, FRESH_DEPENDENCY_WINDOW_MS);
        return { id, outs: outputsFrom(inputs, id, true) };
      }
      gate.claim(existingPolicy(id, inputs.xml, existing));
      // This stack's own upload, landed but not recorded: the same content, nothing to send.
      await gate.answered("policy", id);
      return { id, outs: outputsFrom(inputs, id) };
    }
    await gate.beforeFirstWrite("policy", id, { contentHash: policyContentHash(inputs.xml) });
    await upload(graph, inputs, FRESH_DEPENDENCY_WINDOW_MS);
    await gate.answered("policy", id);
    return { id, outs: outputsFrom(inputs, id) };
  },

  async read(id, props: TrustFrameworkPolicyState) {
    const graph = graphOf(this);
    // Right after our own upload a 404 is more likely eventual consistency than a deletion.
    const grace = readGraceMs(props?.lastUploadAt);
    const body = await graph.requestOrUndefined<unknown>({
      method: "GET",
      version: "beta",
      path: `${itemPath(id)}/$value`,
      // No responseType: see bodyText.
      description: `read custom policy ${id}`,
      retryNotFoundForMs: grace,
    });
    if (body === undefined || body === null) return { id: "", props: {} }; // deleted out of band: the next `up` uploads it again
    const text = await bodyText(body);
    return {
      id,
      props: {
        ...props,
        policyId: props?.policyId ?? id,
        contentHash: policyContentHash(text),
      },
    };
  },

  async readForImport(id) {
    // The document as the tenant returns it is the input: the first `up` of a program uploading the
    // same document (normalized: policies/normalize.ts) sends nothing.
    const graph = graphOf(this);
    const xml = await readPolicy(graph, id);
    if (xml === undefined) throw notInTenant("custom policy", id, graph.settings.tenantId, "Its id is the PolicyId, e.g. B2C_1A_TrustFrameworkBase.");
    const policyId = policyIdOfXml(xml) ?? id;
    const inputs = { policyId, xml, adoptExisting: true as const };
    // No dependsOnHash: what a TrustFrameworkPolicySet derives from the policy's parent is not known
    // here; the first `up` records it without an upload while the document is the tenant's (update).
    const props: TrustFrameworkPolicyState = { adopted: true, policyId, contentHash: policyContentHash(xml), keySetIds: [], lastUploadAt: 0 };
    return { id: policyId, props, inputs };
  },

  async update(id, olds: TrustFrameworkPolicyState, stored: StoredPolicyInputs) {
    const news = withDocument(stored);
    // Imported, and declared with the tenant's document: only the dependency hash is new to state.
    if (olds?.dependsOnHash === undefined && policyContentHash(news.xml) === olds?.contentHash) {
      return { outs: { ...outputsFrom(news, id, olds?.adopted === true), lastUploadAt: olds.lastUploadAt ?? 0 } };
    }
    // The documented upsert; the id stays the one in state (a case-only change of PolicyId is the same policy).
    await upload(graphOf(this), { ...news, policyId: id }, FRESH_DEPENDENCY_WINDOW_MS);
    return { outs: outputsFrom(news, id, olds?.adopted === true) };
  },

  async delete(id, props: TrustFrameworkPolicyState) {
    if (retainedOnDelete(props)) return; // adopted: it was the tenant's before the stack
    // 404 counts as done (deleted out of band).
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: itemPath(id),
      description: `delete custom policy ${props?.policyId ?? id}`,
    });
  },
};

/** Validates inputs at construction where they are known (the provider's check repeats it). */
export function checkTrustFrameworkPolicyArgs(resource: string, args: TrustFrameworkPolicyResourceArgs): void {
  const problems = checkPolicyInputs(withUnknowns(args));
  if (problems.length > 0) throw inputError(resource, problems);
}

/** Arguments of the TrustFrameworkPolicy dynamic resource. */
export interface TrustFrameworkPolicyResourceArgs extends ConfigNamespaceArgs {
  /** PolicyId, e.g. "B2C_1A_TrustFrameworkBase"; equal (case-insensitive) to the document's PolicyId. Changing it replaces the policy. */
  policyId: pulumi.Input<string>;
  /** The policy document to upload, placeholders already substituted. https://learn.microsoft.com/graph/api/trustframework-put-trustframeworkpolicy?view=graph-rest-beta */
  xml: pulumi.Input<string>;
  /** Any string standing for what the upload depends on (parent content hash, key set ids); a change re-uploads the policy. Optional. */
  dependsOnHash?: pulumi.Input<string>;
  /** The BasePolicy's PolicyId when this program uploads it too: B2C not seeing it yet is retried for ~30 s. Optional. */
  basePolicyId?: pulumi.Input<string>;
  /** Key set ids (StorageReferenceId) the policy references that may have just been created: a "missing CryptographicKey" answer naming only these is retried for ~30 s. Optional. */
  keySetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** true: a policy with this PolicyId that exists already (made in the portal, or by another stack) is replaced and managed, and left in the tenant on destroy. Default false: creating fails naming the policy. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The resource for one custom policy (`b2c-identity:index:TrustFrameworkPolicy`). */
export class TrustFrameworkPolicyResource extends defineResource<TrustFrameworkPolicyResourceArgs, TrustFrameworkPolicyState>()({
  provider: "trustFrameworkPolicy",
  type: "TrustFrameworkPolicy",
  outputs: ["policyId", "contentHash", "dependsOnHash", "basePolicyId", "keySetIds"],
  attemptJournal: true,
  check: (name, args) => checkTrustFrameworkPolicyArgs(`TrustFrameworkPolicy "${name}"`, args),
  inputs: (args) => ({
    ...args,
    dependsOnHash: args.dependsOnHash ?? "",
    keySetIds: args.keySetIds ?? [],
  }),
}) {}
