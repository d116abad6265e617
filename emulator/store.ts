// The tenant's state: identity providers, user flows, keysets, policies. The store owns its records:
// routes read them as views (RecordView) and change them only through the operations below, each
// named for what it does to the tenant. Secrets are never kept, only salted fingerprints
// (SecretFingerprints: no bare hash, which a table would reverse for a short secret). Optional JSON
// persistence (a state file written atomically after each successful write).
import { readStateFile, writeStateFile } from "./storeFile";
import {
  CaseInsensitiveCollection,
  NewKey,
  RecordView,
  StoredIdentityProvider,
  StoredKey,
  StoredKeySet,
  StoredPolicy,
  StoredUserFlow,
  SecretFingerprints,
  sameId,
} from "./storeRecords";
import type { EmulatorSnapshot } from "./types";

export { sha256Hex } from "./storeRecords";
export type { NewKey, RecordView, StoredIdentityProvider, StoredKey, StoredKeySet, StoredPolicy, StoredUserFlow } from "./storeRecords";

export type IdentityProviderView = RecordView<StoredIdentityProvider>;
export type UserFlowView = RecordView<StoredUserFlow>;
export type KeySetView = RecordView<StoredKeySet>;
export type KeyView = Readonly<StoredKey>;
export type PolicyView = RecordView<StoredPolicy>;

/** The fields of a new identity provider; the secret is hashed, never kept. */
export interface NewIdentityProvider {
  id: string;
  type: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
}

/** The fields of a new user flow (ids of attached providers in their stored casing). */
export type NewUserFlow = Omit<StoredUserFlow, "createdAt">;

export class EmulatorStore {
  private readonly idps = new CaseInsensitiveCollection<StoredIdentityProvider>();
  private readonly flows = new CaseInsensitiveCollection<StoredUserFlow>();
  private readonly sets = new CaseInsensitiveCollection<StoredKeySet>();
  private readonly policyFiles = new CaseInsensitiveCollection<StoredPolicy>();
  private readonly fingerprints = new SecretFingerprints();

  constructor(
    private readonly tenant: { tenantId: string; tenantDomain: string },
    private readonly stateFile?: string,
    /** When an object counts as written (its consistency window starts then): EmulatorOptions.windowClock. */
    private readonly now: () => number = Date.now,
  ) {}

  // ---- identity providers -------------------------------------------------------------------

  identityProvider(id: string): IdentityProviderView | undefined {
    return this.idps.get(id);
  }

  identityProviders(): IdentityProviderView[] {
    return this.idps.values();
  }

  createIdentityProvider(fields: NewIdentityProvider): IdentityProviderView {
    const idp: StoredIdentityProvider = {
      id: fields.id,
      displayName: fields.displayName,
      identityProviderType: fields.type,
      clientId: fields.clientId,
      clientSecretFingerprint: this.fingerprints.ofSecret(fields.clientSecret),
      createdAt: this.now(),
    };
    this.idps.set(idp);
    return idp;
  }

  /** Changes the given fields of an existing provider (a new secret is hashed). */
  updateIdentityProvider(id: string, changes: { displayName?: string; clientId?: string; clientSecret?: string }): void {
    const idp = this.existing(this.idps, id);
    if (changes.displayName !== undefined) idp.displayName = changes.displayName;
    if (changes.clientId !== undefined) idp.clientId = changes.clientId;
    if (changes.clientSecret !== undefined) idp.clientSecretFingerprint = this.fingerprints.ofSecret(changes.clientSecret);
  }

  deleteIdentityProvider(id: string): void {
    this.idps.delete(id);
  }

  /** Ids of the user flows the provider is attached to. */
  flowsUsingProvider(idpId: string): string[] {
    return this.flows
      .values()
      .filter((flow) => flow.identityProviderIds.some((id) => sameId(id, idpId)))
      .map((flow) => flow.id);
  }

  /** Detaches the provider from every user flow (a cascading delete). */
  detachProviderEverywhere(idpId: string): void {
    for (const flow of this.flows.values()) flow.identityProviderIds = flow.identityProviderIds.filter((id) => !sameId(id, idpId));
  }

  // ---- user flows ---------------------------------------------------------------------------

  userFlow(id: string): UserFlowView | undefined {
    return this.flows.get(id);
  }

  userFlows(): UserFlowView[] {
    return this.flows.values();
  }

  createUserFlow(fields: NewUserFlow): UserFlowView {
    const flow: StoredUserFlow = { ...fields, identityProviderIds: [...fields.identityProviderIds], createdAt: this.now() };
    this.flows.set(flow);
    return flow;
  }

  /** The language settings, the only properties of a user flow an update changes. */
  changeUserFlowLanguage(id: string, changes: { isLanguageCustomizationEnabled?: boolean; defaultLanguageTag?: string | null }): UserFlowView {
    const flow = this.existing(this.flows, id);
    if (changes.isLanguageCustomizationEnabled !== undefined) flow.isLanguageCustomizationEnabled = changes.isLanguageCustomizationEnabled;
    if (changes.defaultLanguageTag !== undefined) flow.defaultLanguageTag = changes.defaultLanguageTag;
    return flow;
  }

  deleteUserFlow(id: string): void {
    this.flows.delete(id);
  }

  /** The providers attached to a flow, in attach order (ids of deleted providers left out). */
  providersOfFlow(flow: UserFlowView): IdentityProviderView[] {
    return flow.identityProviderIds.map((id) => this.idps.get(id)).filter((idp): idp is StoredIdentityProvider => idp !== undefined);
  }

  isProviderAttached(flowId: string, idpId: string): boolean {
    return this.existing(this.flows, flowId).identityProviderIds.some((id) => sameId(id, idpId));
  }

  attachProviderToFlow(flowId: string, idpId: string): void {
    this.existing(this.flows, flowId).identityProviderIds.push(idpId);
  }

  /** Detaches one provider from one flow; false when it was not attached. */
  detachProviderFromFlow(flowId: string, idpId: string): boolean {
    const flow = this.existing(this.flows, flowId);
    const index = flow.identityProviderIds.findIndex((id) => sameId(id, idpId));
    if (index < 0) return false;
    flow.identityProviderIds.splice(index, 1);
    return true;
  }

  // ---- keysets ------------------------------------------------------------------------------

  keySet(id: string): KeySetView | undefined {
    return this.sets.get(id);
  }

  keySets(): KeySetView[] {
    return this.sets.values();
  }

  createKeySet(id: string, keys: NewKey[]): KeySetView {
    const set: StoredKeySet = { id, keys: keys.map((k) => this.stamped(k)), createdAt: this.now() };
    this.sets.set(set);
    return set;
  }

  /** Replaces every key of a keyset (the keyset's PUT). */
  replaceKeys(id: string, keys: NewKey[]): KeySetView {
    const set = this.existing(this.sets, id);
    set.keys = keys.map((k) => this.stamped(k));
    return set;
  }

  addKeyToKeySet(id: string, key: NewKey): KeyView {
    const stored = this.stamped(key);
    this.existing(this.sets, id).keys.push(stored);
    return stored;
  }

  /** Deletes a keyset; `leaveBackup` keeps a copy as "<id>.bak" (the portal's behaviour). */
  deleteKeySet(id: string, leaveBackup: boolean): void {
    const set = this.existing(this.sets, id);
    this.sets.delete(id);
    if (leaveBackup) this.sets.set({ id: `${set.id}.bak`, keys: set.keys.map((key) => ({ ...key })), createdAt: this.now() });
  }

  // ---- policies -----------------------------------------------------------------------------

  policy(id: string): PolicyView | undefined {
    return this.policyFiles.get(id);
  }

  policies(): PolicyView[] {
    return this.policyFiles.values();
  }

  createPolicy(id: string, xml: string): PolicyView {
    const now = this.now();
    const policy: StoredPolicy = { id, xml, createdAt: now, updatedAt: now };
    this.policyFiles.set(policy);
    return policy;
  }

  /** An upload of a policy's XML: replaces the policy's document, or creates the policy. */
  markPolicyUploaded(id: string, xml: string): { policy: PolicyView; created: boolean } {
    const existing = this.policyFiles.get(id);
    if (!existing) return { policy: this.createPolicy(id, xml), created: true };
    existing.xml = xml;
    existing.updatedAt = this.now();
    return { policy: existing, created: false };
  }

  deletePolicy(id: string): void {
    this.policyFiles.delete(id);
  }

  // ---- the whole tenant ---------------------------------------------------------------------

  /** Loads the state file if it exists. Throws with a clear message when it cannot be read. */
  load(): void {
    const state = this.stateFile ? readStateFile(this.stateFile, (hash) => this.fingerprints.ofHash(hash)) : undefined;
    if (!state) return;
    this.idps.replaceAll(state.identityProviders);
    this.flows.replaceAll(state.userFlows);
    this.sets.replaceAll(state.keySets);
    this.policyFiles.replaceAll(state.policies);
  }

  /** Writes the state file (atomically). No-op without a state file. */
  persist(): void {
    if (!this.stateFile) return;
    writeStateFile(this.stateFile, {
      identityProviders: this.idps.values(),
      userFlows: this.flows.values(),
      keySets: this.sets.values(),
      policies: this.policyFiles.values(),
    });
  }

  reset(): void {
    this.idps.clear();
    this.flows.clear();
    this.sets.clear();
    this.policyFiles.clear();
    this.persist();
  }

  snapshot(): EmulatorSnapshot {
    return {
      tenantId: this.tenant.tenantId,
      tenantDomain: this.tenant.tenantDomain,
      identityProviders: this.idps.values().map((idp) => ({
        id: idp.id,
        type: idp.identityProviderType,
        displayName: idp.displayName,
        clientId: idp.clientId,
        clientSecretFingerprint: idp.clientSecretFingerprint,
      })),
      userFlows: this.flows.values().map((flow) => ({
        id: flow.id,
        userFlowType: flow.userFlowType,
        userFlowTypeVersion: flow.userFlowTypeVersion,
        identityProviderIds: [...flow.identityProviderIds],
      })),
      keySets: this.sets.values().map((set) => ({
        id: set.id,
        keys: set.keys.map((key) => ({
          kid: key.kid,
          kty: key.kty,
          use: key.use,
          ...(key.nbf !== undefined ? { nbf: key.nbf } : {}),
          ...(key.exp !== undefined ? { exp: key.exp } : {}),
          status: key.status,
          ...(key.secretFingerprint ? { secretFingerprint: key.secretFingerprint } : {}),
        })),
      })),
      policies: this.policyFiles.values().map((policy) => ({ id: policy.id, xml: policy.xml })),
    };
  }

  /** A new key as stored: stamped, its secret's hash turned into a salted fingerprint. */
  private stamped({ secretSha256, ...key }: NewKey): StoredKey {
    return { ...key, ...(secretSha256 ? { secretFingerprint: this.fingerprints.ofHash(secretSha256) } : {}), addedAt: Date.now() };
  }

  /** The record an operation changes; the routes look it up (and answer 404) before they call one. */
  private existing<T extends { id: string }>(collection: CaseInsensitiveCollection<T>, id: string): T {
    const record = collection.get(id);
    if (!record) throw new Error(`emulator store: no record '${id}' (the route should have answered 404)`);
    return record;
  }
}
