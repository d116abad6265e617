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
    // Observed in MicrosoftDocs/azure-docs#57020 (graph-b2c-api.md §7.1).
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
