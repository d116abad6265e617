import * as pulumi from "@pulumi/pulumi";
import { defineResource } from "../../kernel/resource";
import { keySetSource, normalizeKeySetId } from "../rules";
import { activeKey, ExpiryKey } from "../../domain/keyExpiry";
import { GraphKeySet, keyInfo } from "../state";
import { checkFailures, ConfigNamespaceArgs, ConfiguredProvider, graphOf, isUnknown, readGraceMs, rememberConfig, TypedProvider } from "../../kernel/providerContext";
import { pathSegment } from "../../graph/paths";
import { NotOursError } from "../../kernel/errors";
import { notInTenant } from "../../kernel/importing";

// AdoptedKeySet: a policy key container (Graph beta /trustFramework/keySets/{id}) the stack takes
// over AS IT IS, the way `b2c-identity import` writes a hand-built tenant's keysets: the stack reads
// it (its keys, the active key and its expiry, for outputs and expiry warnings) and never writes to
// it. Its key material is the tenant's (Graph never returns secrets or private keys), so nothing is
// ever added: create and update are reads, and delete leaves the keyset in the tenant, since the
// stack did not make it. To let the stack add keys (a new secret, rotation), describe the keyset
// as a PolicyKey with a source and adoptExisting instead.

export interface AdoptedKeySetInputs {
  /** Keyset id, with or without B2C_1A_. */
  name: string;
  /** What import saw, checked against the keys on every read: "secret", "generate", "certificate" or "pkcs12". Informational. */
  source?: string;
  /** "sig" or "enc": every key must have this use. */
  use?: string;
  /** "RSA" or "oct": every key must have this type. */
  keyType?: string;
}

export interface AdoptedKeyInfo extends ExpiryKey {
  /** Key usage: "sig" or "enc". */
  use?: string;
  /** Key type: "RSA" or "oct". */
  kty?: string;
}

export interface AdoptedKeySetState extends AdoptedKeySetInputs {
  /** The full keyset id, e.g. B2C_1A_TokenSigningKeyContainer. */
  keySetId: string;
  /** Every key of the keyset: kid, use, kty, nbf, exp (Unix seconds), status. Never key material. */
  keys: AdoptedKeyInfo[];
  /** kid of the key B2C uses now; "" when no key is valid. */
  activeKeyId: string;
  /** Always true: the keyset was there before the stack, which never writes to it. */
  adopted: true;
  /** Epoch ms of the last read. */
  lastReadAt: number;
}

/** The keyset's keys as state keeps them: the policy key's view of a key, plus its status. */
function keyInfos(set: GraphKeySet): AdoptedKeyInfo[] {
  return (set.keys ?? []).map((k) => ({ ...keyInfo(k), ...(k.status !== undefined ? { status: k.status } : {}) }));
}

/** Problems of the inputs (pure, no Graph call); a value not known yet (UNKNOWN) is skipped. */
export function adoptedKeySetProblems(news: Partial<Record<keyof AdoptedKeySetInputs, unknown>>): { argument: string; reason: string }[] {
  const problems: { argument: string; reason: string }[] = [];
  const name = news.name;
  if (!isUnknown(name) && (typeof name !== "string" || !/^(B2C_1A_)?[A-Za-z0-9_-]+$/i.test(name.trim()))) {
    problems.push({ argument: "name", reason: `must be a keyset name like B2C_1A_TokenSigningKeyContainer, got ${JSON.stringify(name)}` });
  }
  if (news.use !== undefined && !isUnknown(news.use) && news.use !== "sig" && news.use !== "enc") problems.push({ argument: "use", reason: `must be "sig" or "enc", got ${JSON.stringify(news.use)}` });
  if (news.keyType !== undefined && !isUnknown(news.keyType) && !["rsa", "oct"].includes(String(news.keyType).toLowerCase())) {
    problems.push({ argument: "keyType", reason: `must be "RSA" or "oct", got ${JSON.stringify(news.keyType)}` });
  }
  if (news.source !== undefined && !isUnknown(news.source) && !["secret", "generate", "certificate", "pkcs12"].includes(String(news.source))) {
    problems.push({ argument: "source", reason: `must be secret, generate, certificate or pkcs12, got ${JSON.stringify(news.source)}` });
  }
  return problems;
}

/** Keys that contradict the declared use / type: the config no longer describes this keyset. */
function mismatch(inputs: AdoptedKeySetInputs, keys: AdoptedKeyInfo[]): string | undefined {
  const bad = keys.find(
    (k) =>
      (inputs.use !== undefined && k.use !== undefined && k.use !== inputs.use) ||
      (inputs.keyType !== undefined && k.kty !== undefined && k.kty.toLowerCase() !== inputs.keyType.toLowerCase()),
  );
  return bad ? `it holds ${bad.kty}/${bad.use} keys, the stack says ${inputs.keyType ?? "any type"}/${inputs.use ?? "any use"}` : undefined;
}

async function readKeySet(provider: ConfiguredProvider, id: string, graceMs = 0): Promise<GraphKeySet | undefined> {
  return graphOf(provider).requestOrUndefined<GraphKeySet>({
    method: "GET",
    version: "beta",
    path: `/trustFramework/keySets/${pathSegment(id)}`,
    description: `read policy key container ${id}`,
    retryNotFoundForMs: graceMs,
  });
}

function outputsOf(inputs: AdoptedKeySetInputs, set: GraphKeySet): AdoptedKeySetState {
  const keys = keyInfos(set);
  return { ...inputs, keySetId: set.id, keys, activeKeyId: activeKey(keys)?.kid ?? "", adopted: true, lastReadAt: Date.now() };
}

async function adopt(provider: ConfiguredProvider, inputs: AdoptedKeySetInputs): Promise<{ id: string; outs: AdoptedKeySetState }> {
  const id = normalizeKeySetId(inputs.name);
  const set = await readKeySet(provider, id);
  if (!set) {
    const tenant = graphOf(provider).settings.tenantId;
    throw new Error(
      `Policy key container ${id} does not exist in tenant ${tenant}. The stack adopts it as it is (no key material), so it ` +
        `must exist: remove it from the stack, or describe it with a key source (secret, generate, certificate, pkcs12) so the stack creates it.`,
    );
  }
  const keys = keyInfos(set);
  const wrong = mismatch(inputs, keys);
  if (wrong) throw new NotOursError(`Cannot adopt policy key container ${set.id} as described: ${wrong}. Correct use/keyType in the stack config.`);
  return { id: set.id, outs: outputsOf(inputs, set) };
}

export interface AdoptedKeySetProvider extends TypedProvider<AdoptedKeySetInputs, AdoptedKeySetState> {}

/** Dynamic provider for a keyset adopted as it is: reads only, retained on delete. */
export const adoptedKeySetProvider: AdoptedKeySetProvider = {
  configure: rememberConfig,

  async check(_olds, news) {
    const problems = adoptedKeySetProblems(news);
    if (problems.length > 0) return { failures: checkFailures(problems) };
    return { inputs: { ...news, ...(typeof news.name === "string" ? { name: news.name.trim() } : {}) } };
  },

  async diff(_id, olds: AdoptedKeySetState, news: AdoptedKeySetInputs) {
    const renamed = isUnknown(news.name) || normalizeKeySetId(news.name).toLowerCase() !== olds.keySetId.toLowerCase();
    const changed = (["use", "keyType", "source"] as const).filter((k) => olds[k] !== news[k]);
    // A new name is another keyset: adopt that one (a read); the old one stays in the tenant.
    return { changes: renamed || changed.length > 0, replaces: renamed ? ["name"] : [], deleteBeforeReplace: false };
  },

  async create(inputs: AdoptedKeySetInputs) {
    return adopt(this, inputs);
  },

  async read(id, props: AdoptedKeySetState) {
    const set = await readKeySet(this, id, readGraceMs(props?.lastReadAt));
    if (!set) return { id: "", props: {} };
    return { id: set.id, props: { ...props, ...outputsOf(props, set), lastReadAt: props.lastReadAt } };
  },

  async update(_id, _olds: AdoptedKeySetState, news: AdoptedKeySetInputs) {
    // Only the description changed: check it against the keys again; nothing is written.
    return { outs: (await adopt(this, news)).outs };
  },

  async readForImport(id) {
    // Described as `b2c-identity import` describes a keyset (keySetSource): read only, as always.
    const set = await readKeySet(this, normalizeKeySetId(id));
    if (!set) throw notInTenant("policy key container", id, graphOf(this).settings.tenantId, "Its id is the keyset's, e.g. B2C_1A_FacebookSecret.");
    const keys = set.keys ?? [];
    const { source } = keySetSource(keys);
    const inputs = {
      name: set.id,
      ...(keys.length > 0 ? { source, use: keys[0].use ?? "sig" } : {}),
      ...(keys.length > 0 && source !== "certificate" ? { keyType: (keys[0].kty ?? "").toLowerCase() === "rsa" ? "RSA" : "oct" } : {}),
    };
    return { id: set.id, props: outputsOf(inputs, set), inputs };
  },

  async delete() {
    // Retained: the stack adopted this keyset as it was and never owned its keys.
  },
};

/** Arguments of the adopted keyset dynamic resource (AdoptedKeySetInputs, each may be an Output). */
export interface AdoptedKeySetResourceArgs extends ConfigNamespaceArgs {
  /** Keyset id, with or without B2C_1A_; it must exist. Another name adopts that keyset instead. */
  name: pulumi.Input<AdoptedKeySetInputs["name"]>;
  /** How its keys were made (secret, generate, certificate, pkcs12). Informational. */
  source?: pulumi.Input<NonNullable<AdoptedKeySetInputs["source"]>>;
  /** "sig" or "enc": every key must have this use. */
  use?: pulumi.Input<NonNullable<AdoptedKeySetInputs["use"]>>;
  /** "RSA" or "oct": every key must have this type. */
  keyType?: pulumi.Input<NonNullable<AdoptedKeySetInputs["keyType"]>>;
}

/** The resource behind AdoptedKeySet (`b2c-identity:index:AdoptedTrustFrameworkKeySet`). */
export class AdoptedKeySetResource extends defineResource<AdoptedKeySetResourceArgs, AdoptedKeySetState>()({
  provider: "adoptedKeySet",
  type: "AdoptedTrustFrameworkKeySet",
  dynamicType: "AdoptedKeySet",
  outputs: ["keySetId", "activeKeyId", "keys"],
}) {}
