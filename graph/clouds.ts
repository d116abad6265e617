import type { GraphVersion } from "./client";

/** National clouds Azure AD B2C runs in, and the hosts each one uses. */
export type CloudName = "AzurePublic" | "AzureChina" | "AzureUSGovernment";

export interface CloudEndpoints {
  /** Microsoft Graph root, without version. */
  graphEndpoint: string;
  /** Microsoft Entra authority host for token requests. */
  authorityHost: string;
  /** Host suffix of the B2C sign-in pages: `<tenant>.<b2cLoginDomain>`. */
  b2cLoginDomain: string;
  /** Suffix of the tenant's initial domain: `<tenant>.<tenantDomainSuffix>`. */
  tenantDomainSuffix: string;
}

export const CLOUDS: Record<CloudName, CloudEndpoints> = {
  AzurePublic: {
    graphEndpoint: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    b2cLoginDomain: "b2clogin.com",
    tenantDomainSuffix: "onmicrosoft.com",
  },
  // Azure AD B2C operated by 21Vianet: https://learn.microsoft.com/azure/active-directory-b2c/data-residency
  AzureChina: {
    graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    b2cLoginDomain: "b2clogin.cn",
    // Observed in MicrosoftDocs/azure-docs#57020 (docs/graph-b2c-api.md §7.1).
    tenantDomainSuffix: "partner.onmschina.cn",
  },
  AzureUSGovernment: {
    graphEndpoint: "https://graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    b2cLoginDomain: "b2clogin.us",
    tenantDomainSuffix: "onmicrosoft.com",
  },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

/**
 * Which Graph version the identity-provider operations (create, get, list, update, delete,
 * availableProviderTypes on /identity/identityProviders) use in each cloud: the one table.
 * The v1.0 pages mark them unavailable in US Government L4 and L5 (e.g.
 * https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0,
 * https://learn.microsoft.com/graph/api/identityproviderbase-update?view=graph-rest-1.0,
 * https://learn.microsoft.com/graph/api/identityproviderbase-availableprovidertypes?view=graph-rest-1.0);
 * their beta versions are available in every cloud
 * (https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-beta).
 * User flows, keysets and policies are beta everywhere (no v1.0 exists).
 */
export const IDENTITY_PROVIDER_API_VERSION: Readonly<Record<CloudName, GraphVersion>> = {
  AzurePublic: "v1.0",
  AzureChina: "v1.0",
  AzureUSGovernment: "beta",
};

/** The Graph version for identity-provider operations in `cloud` (see IDENTITY_PROVIDER_API_VERSION). */
export function identityProviderApiVersion(cloud: CloudName): GraphVersion {
  return IDENTITY_PROVIDER_API_VERSION[cloud];
}
