import type { TokenCredential } from "@azure/identity";
import { createHash } from "crypto";
import { GraphSettings } from "./settings";

/**
 * Process-wide credential cache, kept on globalThis rather than in a module variable: dynamic
 * providers are serialized by value, and a module-level Map would be serialized with its contents.
 * Reusing one credential per identity lets MSAL's token cache serve every call after the first.
 */
function credentialCache(): Map<string, TokenCredential> {
  const key = Symbol.for("pulumi-b2c-identity/credential-cache");
  const holder = globalThis as unknown as Record<symbol, Map<string, TokenCredential> | undefined>;
  let cache = holder[key];
  if (!cache) {
    cache = new Map();
    holder[key] = cache;
  }
  return cache;
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
  const cache = credentialCache();
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  // Required inside the function so that nothing from @azure/identity is captured at module scope.
  const identity: typeof import("@azure/identity") = require("@azure/identity");
  const options = {
    authorityHost: settings.authorityHost,
    // Instance discovery asks login.microsoftonline.com about the authority; a custom authority
    // (the local emulator, a proxy) is not known there.
    disableInstanceDiscovery: settings.customEndpoints,
  };
  let credential: TokenCredential;
  if (kind === "clientSecret") {
    credential = new identity.ClientSecretCredential(settings.tenantId, settings.clientId!, settings.clientSecret!, options);
  } else if (kind === "clientCertificate") {
    credential = new identity.ClientCertificateCredential(
      settings.tenantId,
      settings.clientId!,
      { certificatePath: settings.clientCertificatePath! },
      options,
    );
  } else {
    credential = new identity.DefaultAzureCredential({
      ...options,
      tenantId: settings.tenantId,
      managedIdentityClientId: settings.clientId,
      workloadIdentityClientId: settings.clientId,
    });
  }
  cache.set(cacheKey, credential);
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
