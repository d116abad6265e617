import { defineResource } from "../kernel/resource";
import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { identityProviderApiVersion } from "../graph/clouds";
import { isGraphRequestError } from "../graph/errors";
import { describeSetting, GraphSettings, requireTenantName } from "../graph/settings";
import { ExistsError, NotOursError, inputError } from "../kernel/errors";
import {
  canonicalProviderType,
  PORTAL_DISPLAY_NAMES,
  redirectUriFor,
  SOCIAL_ARGUMENT_NAMES,
  validateSocialIdentityProvider,
} from "./rules";
import { checkFailures, changedKeys, ConfigNamespaceArgs, graphOf, isUnknown, readGraceMs, rememberConfig, settingsOf, TypedProvider } from "../kernel/providerContext";
import { adoptedReplacement, adoptHint, differingFields, retainedOnDelete } from "../kernel/ownership/rule";
import { isBeingReplaced, OwnershipGate, ownerIn, planReplacement, previewLook } from "../kernel/ownership/gate";
import { availableTypes, COLLECTION, findByType, flowsUsing, GraphSocialIdentityProvider, itemPath, SOCIAL_ODATA_TYPE } from "./lookups";
import { fingerprintSecret, secretMatchesFingerprint } from "../domain/secretFingerprint";
import { notInTenant } from "../kernel/importing";

/** Inputs of the identity provider dynamic resource (after check). */
export interface IdentityProviderInputs {
  type: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  customDomain?: string;
  adoptExisting: boolean;
  /** `project/stack/resource`, for the attempt journal (ownershipGate.ts); never compared. */
  attemptOwner?: string;
}

/** State kept by Pulumi. Never the secret: only its salted fingerprint. */
export interface IdentityProviderState {
  /** The id Graph assigned (e.g. "WeChat-OAUTH"); what user flows attach. */
  identityProviderId: string;
  type: string;
  displayName: string;
  clientId: string;
  /** Salted fingerprint of the client secret last written (domain/secretFingerprint.ts): a changed secret is noticed, the secret itself is never stored. */
  clientSecretHash: string;
  customDomain?: string;
  /** Callback URL to register in the provider's developer portal. */
  redirectUri: string;
  /** Taken over with adoptExisting (it existed before the stack). */
  adopted: boolean;
  /** Epoch ms of our last write: a refresh soon after it waits out eventual consistency. */
  lastWriteAt: number;
}

/** The non-secret content a create sends, against what the tenant's provider holds (values not known yet are skipped). */
function contentDifferences(inputs: Partial<IdentityProviderInputs>, existing: GraphSocialIdentityProvider): string[] {
  const sent = Object.fromEntries(
    Object.entries({ type: inputs.type, clientId: inputs.clientId, displayName: inputs.displayName }).filter(([, v]) => typeof v === "string" && !isUnknown(v)),
  );
  return differingFields(sent, { type: existing.identityProviderType, clientId: existing.clientId, displayName: existing.displayName });
}

function existingDetail(existing: GraphSocialIdentityProvider): string {
  return `(id ${existing.id}, display name '${existing.displayName ?? ""}'; a tenant holds one provider per type)`;
}

function redirectUri(settings: GraphSettings, customDomain?: string): string {
  const tenantName = requireTenantName(settings);
  return redirectUriFor(tenantName, settings.tenantDomain!, settings.b2cLoginDomain, customDomain);
}

function existsMessage(existing: GraphSocialIdentityProvider, type: string, tenant: string): string {
  return (
    `A ${type} identity provider already exists in tenant ${tenant} (id ${existing.id}, display name ` +
    `'${existing.displayName ?? ""}'). A tenant holds one provider per type. ` +
    `${adoptHint("identity provider", "adoptExisting: true sets its display name, client id and secret from the stack")}; ` +
    `otherwise delete it in the portal first.`
  );
}

function outputsFrom(inputs: IdentityProviderInputs, id: string, settings: GraphSettings, adopted: boolean): IdentityProviderState {
  return {
    identityProviderId: id,
    type: inputs.type,
    displayName: inputs.displayName,
    clientId: inputs.clientId,
    clientSecretHash: fingerprintSecret(inputs.clientSecret),
    ...(inputs.customDomain ? { customDomain: inputs.customDomain } : {}),
    redirectUri: redirectUri(settings, inputs.customDomain),
    adopted,
    lastWriteAt: Date.now(),
  };
}

async function patchProvider(graph: GraphApi, id: string, body: Record<string, unknown>, type: string, secret?: string): Promise<void> {
  await graph.request({
    method: "PATCH",
    version: identityProviderApiVersion(graph.settings.cloud),
    path: itemPath(id),
    body: { "@odata.type": SOCIAL_ODATA_TYPE, ...body },
    description: `update ${type} identity provider ${id}`,
    secrets: [secret],
  });
}

async function adopt(graph: GraphApi, existing: GraphSocialIdentityProvider, inputs: IdentityProviderInputs): Promise<void> {
  // Taking over means the tenant gets the stack's values; the secret is unknown, so always set it.
  await patchProvider(
    graph,
    existing.id,
    { displayName: inputs.displayName, clientId: inputs.clientId, clientSecret: inputs.clientSecret },
    inputs.type,
    inputs.clientSecret,
  );
}

export interface IdentityProviderProvider extends TypedProvider<IdentityProviderInputs, IdentityProviderState> {}

/** Dynamic provider for one social identity provider: Graph v1.0 /identity/identityProviders. */
export const identityProviderProvider: IdentityProviderProvider = {
  configure: rememberConfig,

  async check(olds, news) {
    // A value not known yet (UNKNOWN, during preview) is skipped; a missing or bad one is refused.
    const problems = validateSocialIdentityProvider(news, SOCIAL_ARGUMENT_NAMES);
    if (problems.length > 0) {
      return { failures: checkFailures(problems) };
    }
    const type = isUnknown(news.type) ? undefined : canonicalProviderType(news.type)!;
    const inputs = {
      ...news,
      ...(type ? { type, displayName: news.displayName ?? PORTAL_DISPLAY_NAMES[type] } : {}),
      adoptExisting: news.adoptExisting ?? false,
    };
    // A new provider (no old inputs): make sure the tenant can have this type at all (WeChat/QQ need a
    // B2C tenant; one read per process and tenant). Whether one of this type exists already is
    // preview's look (lookBeforeCreate), and create's; here it is asked only of a type the list
    // leaves out, which an older reading of availableProviderTypes does for configured types
    // (emulator switch availableProviderTypesExcludeConfigured): one that exists is available.
    if (type && !olds?.type) {
      const graph = graphOf(this);
      const available = await availableTypes(graph);
      const listed = available.some((t) => t.toLowerCase() === type.toLowerCase());
      if (!listed && !(await previewLook(() => findByType(graph, type)))) {
        return {
          inputs,
          failures: [
            {
              property: "type",
              reason:
                `${type} identity providers are not available in tenant ${graph.settings.tenantId} ` +
                `(available: ${available.join(", ") || "none"}). WeChat, QQ, Weibo and the other social types need an ` +
                `Azure AD B2C tenant: check ${describeSetting("tenantId", graph.settings)}.`,
            },
          ],
        };
      }
    }
    return { inputs };
  },

  async lookBeforeCreate(inputs) {
    // One of this type that exists already is never taken over unless adopted (ownership.ts), so
    // preview itself fails, with no write.
    if (isUnknown(inputs.type) || inputs.adoptExisting !== false) return [];
    const graph = graphOf(this);
    const existing = await previewLook(() => findByType(graph, inputs.type));
    if (!existing || isBeingReplaced("identityProvider", inputs, existing.id)) return [];
    const verdict = new OwnershipGate(this, graph.settings.tenantId, ownerIn(inputs)).judge({
      kind: "identityProvider",
      name: inputs.type,
      differences: contentDifferences(inputs, existing),
      detail: existingDetail(existing),
    });
    return verdict.ours ? [] : [{ property: "adoptExisting", reason: verdict.message }];
  },

  async diff(_id, olds: IdentityProviderState, news: IdentityProviderInputs) {
    const replaces = (news.type ?? "").toLowerCase() !== (olds.type ?? "").toLowerCase() ? ["type"] : [];
    if (replaces.length > 0 && olds.adopted === true) throw new NotOursError(adoptedReplacement("identityProvider", `${olds.type} (${olds.identityProviderId})`, ["type"]));
    if (replaces.length > 0) planReplacement("identityProvider", news, olds.identityProviderId);
    const changed: string[] = [...changedKeys(olds, news, ["displayName", "clientId", "customDomain"])];
    if (isUnknown(news.clientSecret) || !secretMatchesFingerprint(news.clientSecret, olds.clientSecretHash)) {
      changed.push("clientSecret");
    }
    return {
      changes: replaces.length > 0 || changed.length > 0,
      replaces,
      stables: replaces.length > 0 ? [] : ["identityProviderId", "type"],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: IdentityProviderInputs) {
    const settings = settingsOf(this);
    const graph = new GraphApi(settings);
    const tenant = settings.tenantId;
    const gate = new OwnershipGate(this, tenant, ownerIn(inputs));
    // Taken as this stack's own create (ownership.ts): the secret can't be read back to compare, so it is written again.
    const takeAsOurs = async (existing: GraphSocialIdentityProvider) => {
      gate.claim({ kind: "identityProvider", name: inputs.type, differences: contentDifferences(inputs, existing), detail: existingDetail(existing) });
      await adopt(graph, existing, inputs);
      await gate.answered("identityProvider", inputs.type);
      return { id: existing.id, outs: outputsFrom(inputs, existing.id, settings, false) };
    };
    // Look before the first write (again: preview's look may be minutes old).
    const before = await findByType(graph, inputs.type);
    if (before) {
      if (!inputs.adoptExisting) return takeAsOurs(before);
      await adopt(graph, before, inputs);
      return { id: before.id, outs: outputsFrom(inputs, before.id, settings, true) };
    }
    await gate.beforeFirstWrite("identityProvider", inputs.type, {
      type: inputs.type,
      clientId: inputs.clientId,
      displayName: inputs.displayName,
      clientSecret: fingerprintSecret(inputs.clientSecret),
    });
    try {
      const result = await graph.call<GraphSocialIdentityProvider>({
        method: "POST",
        version: identityProviderApiVersion(graph.settings.cloud),
        path: COLLECTION,
        body: {
          "@odata.type": SOCIAL_ODATA_TYPE,
          displayName: inputs.displayName,
          identityProviderType: inputs.type,
          clientId: inputs.clientId,
          clientSecret: inputs.clientSecret,
        },
        description: `create ${inputs.type} identity provider`,
        secrets: [inputs.clientSecret],
      });
      const id = result.value.id;
      await gate.answered("identityProvider", inputs.type);
      return { id, outs: outputsFrom(inputs, id, settings, false) };
    } catch (error) {
      // Decided on the status and on what the tenant holds, never on the message's wording.
      if (!isGraphRequestError(error) || (error.status !== 400 && error.status !== 409)) throw error;
      const existing = await findByType(graph, inputs.type);
      if (!existing) throw error;
      // Absent a moment ago. Only a resend (after a dropped connection) can have found our own
      // first attempt; a first POST refused as a duplicate met someone else's create.
      if (error.afterNetworkRetry) return takeAsOurs(existing);
      throw new ExistsError(existsMessage(existing, inputs.type, tenant) + ` (It was created by someone else after this stack looked, moments before its create.)`);
    }
  },

  async read(id, props: IdentityProviderState) {
    const graph = graphOf(this);
    const current = await graph.requestOrUndefined<GraphSocialIdentityProvider>({
      method: "GET",
      version: identityProviderApiVersion(graph.settings.cloud),
      path: itemPath(id),
      description: `read ${props.type ?? ""} identity provider ${id}`,
      retryNotFoundForMs: readGraceMs(props.lastWriteAt),
    });
    if (!current) return { id: "", props: {} }; // deleted out of band: the next `up` recreates it
    return {
      id: current.id ?? id,
      props: {
        ...props,
        displayName: current.displayName ?? props.displayName,
        clientId: current.clientId ?? props.clientId,
        type: canonicalProviderType(current.identityProviderType) ?? props.type,
      },
    };
  },

  async readForImport(id) {
    // A social provider of a type this resource manages; its secret Graph never returns: the
    // program gives it, and the first `up` writes it (diff: no fingerprint in state yet).
    const settings = settingsOf(this);
    const graph = new GraphApi(settings);
    const current = await graph.requestOrUndefined<GraphSocialIdentityProvider>({
      method: "GET",
      version: identityProviderApiVersion(settings.cloud),
      path: itemPath(id),
      description: `read identity provider ${id} to import it`,
    });
    if (!current) throw notInTenant("identity provider", id, settings.tenantId, "Its id is the provider's Graph id, e.g. WeChat-OAUTH (GET /identity/identityProviders lists them).");
    const type = canonicalProviderType(current.identityProviderType);
    if (!type || !(current["@odata.type"] ?? SOCIAL_ODATA_TYPE).toLowerCase().endsWith(SOCIAL_ODATA_TYPE.toLowerCase())) {
      throw new Error(
        `Cannot import identity provider ${current.id}: it is a ${current.identityProviderType ?? current["@odata.type"] ?? "provider of unknown type"}, ` +
          `and b2c-identity:index:IdentityProvider manages the social types (${Object.keys(PORTAL_DISPLAY_NAMES).join(", ")}).`,
      );
    }
    const inputs = { type, clientId: current.clientId ?? "", displayName: current.displayName ?? PORTAL_DISPLAY_NAMES[type], adoptExisting: true as const };
    const props: IdentityProviderState = {
      identityProviderId: current.id,
      type,
      displayName: inputs.displayName,
      clientId: inputs.clientId,
      clientSecretHash: "",
      redirectUri: redirectUri(settings),
      adopted: true,
      lastWriteAt: 0,
    };
    return { id: current.id, props, inputs };
  },

  async update(id, olds: IdentityProviderState, news: IdentityProviderInputs) {
    const settings = settingsOf(this);
    const graph = new GraphApi(settings);
    const body: Record<string, unknown> = {};
    if (news.displayName !== olds.displayName) body.displayName = news.displayName;
    if (news.clientId !== olds.clientId) body.clientId = news.clientId;
    const secretChanged = !secretMatchesFingerprint(news.clientSecret, olds.clientSecretHash);
    if (secretChanged) body.clientSecret = news.clientSecret;
    if (Object.keys(body).length > 0) {
      await patchProvider(graph, id, body, news.type, news.clientSecret);
    }
    const outs = outputsFrom(news, id, settings, olds.adopted ?? false);
    if (!secretChanged) outs.clientSecretHash = olds.clientSecretHash;
    if (Object.keys(body).length === 0) outs.lastWriteAt = olds.lastWriteAt ?? 0;
    return { outs };
  },

  async delete(id, props: IdentityProviderState) {
    if (retainedOnDelete(props)) return; // adopted: it was the tenant's before the stack
    const graph = graphOf(this);
    try {
      await graph.requestOrUndefined({
        method: "DELETE",
        version: identityProviderApiVersion(graph.settings.cloud),
        path: itemPath(id),
        description: `delete ${props.type ?? ""} identity provider ${id}`,
      });
    } catch (error) {
      if (!isGraphRequestError(error) || (error.status !== 400 && error.status !== 409)) throw error;
      const flows = await flowsUsing(graph, id).catch(() => [] as string[]);
      if (flows.length === 0) throw error;
      throw inputError(`identity provider ${id}`, [
        {
          argument: "identityProviderId",
          reason:
            `cannot delete it while user flow(s) ${flows.join(", ")} still use it; detach it first ` +
            `(remove its UserFlowIdentityProvider resources or delete those flows). Graph said: ${error.graphMessage}`,
        },
      ]);
    }
  },
};

/** Arguments of the identity provider dynamic resource: the inputs `check` completes into IdentityProviderInputs. */
export interface IdentityProviderResourceArgs extends ConfigNamespaceArgs {
  /** Identity provider type (WeChat, QQ, Google, …, case-insensitive); a change replaces the provider. */
  type: pulumi.Input<IdentityProviderInputs["type"]>;
  /** The app/client id from the provider's developer portal (WeChat/QQ: APP ID). */
  clientId: pulumi.Input<IdentityProviderInputs["clientId"]>;
  /** The app secret (WeChat/QQ: APP KEY); pass it as a Pulumi secret. State keeps only a salted fingerprint. */
  clientSecret: pulumi.Input<IdentityProviderInputs["clientSecret"]>;
  /** Name on the sign-in button; default the portal's name for the type. */
  displayName?: pulumi.Input<IdentityProviderInputs["displayName"]>;
  /** Custom domain serving the sign-in pages (host name only); changes `redirectUri`. */
  customDomain?: pulumi.Input<NonNullable<IdentityProviderInputs["customDomain"]>>;
  /** Take over the provider of this type that exists in the tenant. Default false. */
  adoptExisting?: pulumi.Input<IdentityProviderInputs["adoptExisting"]>;
}

/** The resource behind SocialIdentityProvider (`b2c-identity:index:IdentityProvider`). */
export class IdentityProviderResource extends defineResource<IdentityProviderResourceArgs, IdentityProviderState>()({
  provider: "identityProvider",
  type: "IdentityProvider",
  outputs: ["identityProviderId", "type", "displayName", "clientId", "redirectUri", "adopted"],
  attemptJournal: true,
}) {}
