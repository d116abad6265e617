import type * as AzureIdentity from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { createHash } from "crypto";
import { GraphSettings } from "./settings";

/**
 * One credential per identity and process: MSAL's token cache inside it then serves every call
 * after the first. The provider implementations are loaded once per process (host/index.ts),
 * so a module-level Map is process-wide.
 */
const credentials = new Map<string, TokenCredential>();

/**
 * @azure/identity (about 150 modules with MSAL and its HTTP runtime), loaded at the first credential:
 * a Pulumi program loads this module through the resource classes but never calls Graph itself;
 * only the provider plugin does.
 */
const azureIdentity = (): typeof AzureIdentity => require("@azure/identity");

/** Forgets every credential (and so every token), as a fresh process starts: for tests and benchmarks. */
export function clearCredentialCache(): void {
  credentials.clear();
}

/** Which kind of credential the settings select, for messages and tests. */
export function credentialKind(settings: GraphSettings): "clientSecret" | "clientCertificate" | "default" {
  if (settings.clientSecret) return "clientSecret";
  if (settings.clientCertificatePath) return "clientCertificate";
  return "default";
}

/**
 * The credential for these settings: client secret, client certificate, or DefaultAzureCredential
 * (environment, workload identity federation for OIDC in CI, managed identity, Azure CLI).
 * One instance per identity and process.
 */
export function getCredential(settings: GraphSettings): TokenCredential {
  const kind = credentialKind(settings);
  const cacheKey = createHash("sha256")
    .update(
      JSON.stringify([kind, settings.tenantId, settings.clientId, settings.clientSecret, settings.clientCertificatePath, settings.authorityHost]),
    )
    .digest("hex");
  const cached = credentials.get(cacheKey);
  if (cached) return cached;

  const options = {
    authorityHost: settings.authorityHost,
    // Instance discovery asks login.microsoftonline.com about the authority; a custom authority
    // (the local emulator, a proxy) is not known there.
    disableInstanceDiscovery: settings.customEndpoints,
  };
  let credential: TokenCredential;
  if (kind === "clientSecret") {
    credential = new (azureIdentity().ClientSecretCredential)(settings.tenantId, settings.clientId!, settings.clientSecret!, options);
  } else if (kind === "clientCertificate") {
    credential = new (azureIdentity().ClientCertificateCredential)(
      settings.tenantId,
      settings.clientId!,
      { certificatePath: settings.clientCertificatePath! },
      options,
    );
  } else {
    credential = new (azureIdentity().DefaultAzureCredential)({
      ...options,
      tenantId: settings.tenantId,
      managedIdentityClientId: settings.clientId,
      workloadIdentityClientId: settings.clientId,
    });
  }
  credentials.set(cacheKey, credential);
  return credential;
}

/**
 * The Graph client's AuthenticationProvider over a TokenCredential, keeping the access token until
 * five minutes before it expires. The library's TokenCredentialAuthenticationProvider asks the
 * credential on every request and builds an Error object each time; on loopback that was a third
 * of the client's overhead (bench/client.ts).
 */
export class CachedTokenAuthProvider {
  private token?: { value: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
  ) {}

  async getAccessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return this.token.value;
    if (!this.pending) {
      this.pending = this.credential
        .getToken(this.scopes)
        .then((t) => {
          if (!t) throw new Error(`no access token for ${this.scopes.join(" ")}`);
          this.token = { value: t.token, refreshAt: t.expiresOnTimestamp - 5 * 60 * 1000 };
          return t.token;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }
}
