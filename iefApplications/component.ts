import { createHash } from "crypto";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { InputProblem } from "../domain/problems";
import { throwIfProblems } from "../kernel/errors";
import { TenantDomainArgs, tenantDomainArguments } from "../kernel/inputs";

// The app registrations custom policies need, as Microsoft's tutorial registers them by hand
// (https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#register-identity-experience-framework-applications):
// - IdentityExperienceFramework: a web API, single tenant, web redirect
//   https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com, exposing the delegated scope
//   `user_impersonation` ("Access IdentityExperienceFramework"), with admin consent to openid and
//   offline_access on Microsoft Graph;
// - ProxyIdentityExperienceFramework: a public client (redirect myapp://auth, "Allow public
//   client flows" = yes) that requires IdentityExperienceFramework's user_impersonation plus
//   openid/offline_access, with admin consent ("Grant admin consent for <tenant>");
// - optionally the tutorial's test relying party ("webapp1": any identity provider, reply URL
//   https://jwt.ms, implicit ID/access tokens) to run policies with "Run now".
// Admin consent is a ServicePrincipalDelegatedPermissionGrant without userObjectId (all users).

/** Microsoft Graph's application id (the same in every tenant). */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Microsoft Graph's delegated `openid` and `offline_access` scope ids (the same in every tenant). */
export const MICROSOFT_GRAPH_OPENID_SCOPE_ID = "37f7f235-527c-4136-accd-4a02d197296e";
export const MICROSOFT_GRAPH_OFFLINE_ACCESS_SCOPE_ID = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";
/** The scope IdentityExperienceFramework exposes and ProxyIdentityExperienceFramework requests. */
export const IEF_SCOPE_VALUE = "user_impersonation";
/** The proxy app's public client redirect URI, as in the tutorial. */
export const PROXY_IEF_REDIRECT_URI = "myapp://auth";
/** The test relying party's reply URL: jwt.ms shows the token B2C issued. */
export const JWT_MS_REPLY_URL = "https://jwt.ms";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tutorial's test web application (its "webapp1"). */
export interface IefTestApplicationArgs {
  /** Display name. Default "webapp1" (the tutorial's name). https://learn.microsoft.com/azure/active-directory-b2c/tutorial-register-applications */
  displayName?: string;
  /** Reply (redirect) URLs. Default ["https://jwt.ms"]; each an https URL. */
  replyUrls?: string[];
}

export interface IefApplicationsArgs extends TenantDomainArgs {
  /** The B2C tenant's domain ("contoso.onmicrosoft.com" or "contoso"): used in the IEF app's redirect URI and identifier URI. Default: the domain the `tenant` config namespace names (`b2c:tenantId` when it is a domain, else `b2c:tenantName`). The apps themselves are made by the azuread provider, with its own configuration. https://learn.microsoft.com/azure/active-directory-b2c/tenant-management-read-tenant-name */
  tenantDomain?: string;
  /** Display name of the web API app. Default "IdentityExperienceFramework" (the name the tutorial uses). */
  identityExperienceFrameworkName?: string;
  /** Display name of the public client app. Default "ProxyIdentityExperienceFramework". */
  proxyIdentityExperienceFrameworkName?: string;
  /** Identifier URI (Application ID URI) of the IEF app: "tenant" = `https://<tenant domain>/<app id>` (the portal's default in B2C tenants) or "api" = `api://<app id>`. Default "tenant". https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#expose-the-api */
  identifierUriStyle?: "tenant" | "api";
  /** Id (GUID) of the `user_impersonation` scope. Default: a GUID derived from the component name, stable across runs. Set it when taking over an app that already has the scope. */
  userImpersonationScopeId?: string;
  /** Grant admin consent (tenant-wide delegated permission grants), as the tutorial's "Grant admin consent" does. Default true; needs a principal allowed to grant consent (e.g. Privileged Role Administrator). https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent */
  grantAdminConsent?: boolean;
  /** Also register the tutorial's test relying party (reply URL https://jwt.ms): true, or its settings. Default false. https://learn.microsoft.com/azure/active-directory-b2c/tutorial-register-applications */
  testApplication?: boolean | IefTestApplicationArgs;
  /** Object ids of the apps' owners (users or service principals). Default none. https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps */
  owners?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The b2clogin host for a tenant domain (b2clogin.cn for Azure China tenants). */
function b2cLoginHost(tenantDomain: string): string {
  const name = tenantDomain.split(".")[0];
  return tenantDomain.endsWith(".partner.onmschina.cn") ? `${name}.b2clogin.cn` : `${name}.b2clogin.com`;
}

/** A version-5-style GUID from a name: the same name always gives the same id. */
export function stableGuid(name: string): string {
  const h = createHash("sha1").update(`pulumi-b2c-identity:${name}`, "utf8").digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const GRAPH_OPENID_OFFLINE: azuread.types.input.ApplicationRequiredResourceAccess = {
  resourceAppId: MICROSOFT_GRAPH_APP_ID,
  resourceAccesses: [
    { id: MICROSOFT_GRAPH_OPENID_SCOPE_ID, type: "Scope" },
    { id: MICROSOFT_GRAPH_OFFLINE_ACCESS_SCOPE_ID, type: "Scope" },
  ],
};

/**
 * The IdentityExperienceFramework and ProxyIdentityExperienceFramework app registrations that
 * custom policies need (their client ids go into TrustFrameworkExtensions' login-NonInteractive
 * profile: pass the outputs to TrustFrameworkPolicySet), with admin consent, and optionally the
 * tutorial's test relying party (reply URL https://jwt.ms). Uses @pulumi/azuread: configure its
 * provider for the B2C tenant.
 * https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#register-identity-experience-framework-applications
 */
export class IefApplications extends pulumi.ComponentResource {
  /** Application (client) id of IdentityExperienceFramework: the policies' IdentityExperienceFrameworkAppId. */
  readonly identityExperienceFrameworkAppId: pulumi.Output<string>;
  /** Application (client) id of ProxyIdentityExperienceFramework: the policies' ProxyIdentityExperienceFrameworkAppId. */
  readonly proxyIdentityExperienceFrameworkAppId: pulumi.Output<string>;
  /** Client id of the test relying party; undefined without testApplication. */
  readonly testAppId: pulumi.Output<string | undefined>;
  /** The IEF app's identifier URI (Application ID URI). */
  readonly identifierUri: pulumi.Output<string>;
  /** Id of the user_impersonation scope. */
  readonly userImpersonationScopeId: string;
  /** The app registrations, for options such as dependsOn. */
  readonly identityExperienceFramework: azuread.Application;
  readonly proxyIdentityExperienceFramework: azuread.Application;
  readonly testApplication?: azuread.Application;

  constructor(name: string, args: IefApplicationsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:IefApplications", name, {}, opts);
    const label = `IefApplications "${name}"`;
    const problems: InputProblem[] = [];
    const { tenantDomain: tenant, warnings } = tenantDomainArguments(args, problems);
    for (const warning of warnings) pulumi.log.warn(`${label}: ${warning}`, this);
    if (args.identifierUriStyle !== undefined && args.identifierUriStyle !== "tenant" && args.identifierUriStyle !== "api") {
      problems.push({ argument: "identifierUriStyle", reason: `must be "tenant" or "api", got ${JSON.stringify(args.identifierUriStyle)}` });
    }
    if (args.userImpersonationScopeId !== undefined && !GUID.test(args.userImpersonationScopeId)) {
      problems.push({ argument: "userImpersonationScopeId", reason: `must be a GUID, got ${JSON.stringify(args.userImpersonationScopeId)}` });
    }
    const test = args.testApplication === true ? {} : args.testApplication || undefined;
    for (const [i, url] of (test?.replyUrls ?? []).entries()) {
      if (!/^https:\/\/[^\s/]+/i.test(url)) problems.push({ argument: `testApplication.replyUrls[${i}]`, reason: `must be an https URL, got ${JSON.stringify(url)}` });
    }
    for (const key of ["identityExperienceFrameworkName", "proxyIdentityExperienceFrameworkName"] as const) {
      if (args[key] !== undefined && String(args[key]).trim() === "") problems.push({ argument: key, reason: "must not be blank" });
    }
    throwIfProblems(label, problems);
    const tenantDomain = tenant!;
    const childOpts = { parent: this };
    const grantConsent = args.grantAdminConsent ?? true;
    const scopeId = args.userImpersonationScopeId ?? stableGuid(`${name}/${IEF_SCOPE_VALUE}`);
    this.userImpersonationScopeId = scopeId;
    const iefName = args.identityExperienceFrameworkName ?? "IdentityExperienceFramework";
    const proxyName = args.proxyIdentityExperienceFrameworkName ?? "ProxyIdentityExperienceFramework";

    // IdentityExperienceFramework: the web API.
    const ief = new azuread.Application(
      `${name}-ief`,
      {
        displayName: iefName,
        signInAudience: "AzureADMyOrg",
        owners: args.owners,
        web: { redirectUris: [`https://${b2cLoginHost(tenantDomain)}/${tenantDomain}`] },
        api: {
          oauth2PermissionScopes: [
            {
              id: scopeId,
              value: IEF_SCOPE_VALUE,
              type: "Admin",
              enabled: true,
              adminConsentDisplayName: `Access ${iefName}`,
              adminConsentDescription: `Allow the application to access ${iefName} on behalf of the signed-in user.`,
            },
          ],
        },
        requiredResourceAccesses: [GRAPH_OPENID_OFFLINE],
      },
      // The identifier URI contains the app id, so it is its own resource (azuread's advice: ignore it here).
      { ...childOpts, ignoreChanges: ["identifierUris"] },
    );
    const identifierUri = new azuread.ApplicationIdentifierUri(
      `${name}-ief-uri`,
      {
        applicationId: ief.id,
        identifierUri: args.identifierUriStyle === "api" ? pulumi.interpolate`api://${ief.clientId}` : pulumi.interpolate`https://${tenantDomain}/${ief.clientId}`,
      },
      childOpts,
    );

    // ProxyIdentityExperienceFramework: the public client.
    const proxy = new azuread.Application(
      `${name}-proxy-ief`,
      {
        displayName: proxyName,
        signInAudience: "AzureADMyOrg",
        owners: args.owners,
        fallbackPublicClientEnabled: true,
        publicClient: { redirectUris: [PROXY_IEF_REDIRECT_URI] },
        requiredResourceAccesses: [
          { resourceAppId: ief.clientId, resourceAccesses: [{ id: scopeId, type: "Scope" }] },
          GRAPH_OPENID_OFFLINE,
        ],
      },
      childOpts,
    );

    // Optional test relying party.
    let testApp: azuread.Application | undefined;
    if (test) {
      testApp = new azuread.Application(
        `${name}-test-app`,
        {
          displayName: test.displayName ?? "webapp1",
          // "Accounts in any identity provider or organizational directory (for authenticating users with user flows)".
          signInAudience: "AzureADandPersonalMicrosoftAccount",
          owners: args.owners,
          api: { requestedAccessTokenVersion: 2 },
          web: {
            redirectUris: test.replyUrls ?? [JWT_MS_REPLY_URL],
            implicitGrant: { idTokenIssuanceEnabled: true, accessTokenIssuanceEnabled: true },
          },
          requiredResourceAccesses: [GRAPH_OPENID_OFFLINE],
        },
        childOpts,
      );
    }

    // Admin consent: service principals, then tenant-wide delegated grants.
    if (grantConsent) {
      const graphSp = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this });
      const iefSp = new azuread.ServicePrincipal(`${name}-ief-sp`, { clientId: ief.clientId, owners: args.owners }, childOpts);
      const proxySp = new azuread.ServicePrincipal(`${name}-proxy-ief-sp`, { clientId: proxy.clientId, owners: args.owners }, childOpts);
      const grant = (grantName: string, client: azuread.ServicePrincipal, resource: pulumi.Input<string>, claims: string[], dependsOn: pulumi.Resource[] = []) =>
        new azuread.ServicePrincipalDelegatedPermissionGrant(
          grantName,
          { servicePrincipalObjectId: client.objectId, resourceServicePrincipalObjectId: resource, claimValues: claims },
          { ...childOpts, dependsOn },
        );
      grant(`${name}-ief-graph-consent`, iefSp, graphSp.objectId, ["openid", "offline_access"]);
      grant(`${name}-proxy-ief-graph-consent`, proxySp, graphSp.objectId, ["openid", "offline_access"]);
      // The scope must exist (it does once the IEF app is created) before consent to it.
      grant(`${name}-proxy-ief-consent`, proxySp, iefSp.objectId, [IEF_SCOPE_VALUE], [ief]);
      if (testApp) {
        const testSp = new azuread.ServicePrincipal(`${name}-test-app-sp`, { clientId: testApp.clientId, owners: args.owners }, childOpts);
        grant(`${name}-test-app-graph-consent`, testSp, graphSp.objectId, ["openid", "offline_access"]);
      }
    }

    this.identityExperienceFramework = ief;
    this.proxyIdentityExperienceFramework = proxy;
    this.testApplication = testApp;
    this.identityExperienceFrameworkAppId = ief.clientId;
    this.proxyIdentityExperienceFrameworkAppId = proxy.clientId;
    this.testAppId = testApp ? testApp.clientId : pulumi.output(undefined);
    this.identifierUri = identifierUri.identifierUri;
    this.registerOutputs({
      identityExperienceFrameworkAppId: this.identityExperienceFrameworkAppId,
      proxyIdentityExperienceFrameworkAppId: this.proxyIdentityExperienceFrameworkAppId,
      testAppId: this.testAppId,
      identifierUri: this.identifierUri,
    });
  }
}
