// Graph lookups of the identity provider provider: the tenant's providers (by type), the types it
// can still add (once per tenant and process), and the user flows that show a provider.
import { GraphApi } from "../graph/client";
import { identityProviderApiVersion } from "../graph/clouds";
import { processMemo } from "../kernel/providerContext";
import { pathSegment } from "../graph/paths";

export interface GraphSocialIdentityProvider {
  "@odata.type"?: string;
  id: string;
  displayName?: string;
  identityProviderType?: string;
  clientId?: string;
}

export const COLLECTION = "/identity/identityProviders";
export const SOCIAL_ODATA_TYPE = "microsoft.graph.socialIdentityProvider";

export function itemPath(id: string): string {
  return `${COLLECTION}/${pathSegment(id)}`;
}

export async function listProviders(graph: GraphApi): Promise<GraphSocialIdentityProvider[]> {
  return graph.list<GraphSocialIdentityProvider>(identityProviderApiVersion(graph.settings.cloud), COLLECTION, "list identity providers");
}

export async function findByType(graph: GraphApi, type: string): Promise<GraphSocialIdentityProvider | undefined> {
  const all = await listProviders(graph);
  return all.find((p) => (p.identityProviderType ?? "").toLowerCase() === type.toLowerCase());
}

/** Types the tenant can still add, once per tenant and process (availableProviderTypes, §2.8). */
export async function availableTypes(graph: GraphApi): Promise<string[]> {
  const memo = processMemo<Promise<string[]>>("available-provider-types");
  const key = `${graph.settings.graphEndpoint}|${graph.settings.tenantId}`;
  let types = memo.get(key);
  if (!types) {
    types = graph
      .request<{ value: string[] }>({
        method: "GET",
        version: identityProviderApiVersion(graph.settings.cloud),
        path: `${COLLECTION}/availableProviderTypes`,
        description: "list available identity provider types",
      })
      .then((r) => r.value ?? []);
    types.catch(() => memo.delete(key));
    memo.set(key, types);
  }
  return types;
}

/** User flows whose identity providers include `id`, for the "still attached" message. */
export async function flowsUsing(graph: GraphApi, id: string): Promise<string[]> {
  const flows = await graph.list<{ id: string }>("beta", "/identity/b2cUserFlows", "list user flows");
  const using: string[] = [];
  for (const flow of flows) {
    const idps = await graph.list<{ id: string }>(
      "beta",
      `/identity/b2cUserFlows/${pathSegment(flow.id)}/userFlowIdentityProviders`,
      `list identity providers of user flow ${flow.id}`,
    );
    if (idps.some((p) => p.id.toLowerCase() === id.toLowerCase())) using.push(flow.id);
  }
  return using;
}
