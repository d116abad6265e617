// Token side (client-credentials tokens, enough for @azure/identity's ClientSecretCredential and
// ClientCertificateCredential; its HTTP routes are in tokenRoutes.ts) and the bearer and permission
// checks of the Graph pipeline (authenticate, authorize).
import { createHash, createHmac, randomUUID, timingSafeEqual, verify as verifySignature, X509Certificate, constants } from "crypto";
import { TokenProblem, insufficientPrivileges, invalidAuthenticationToken } from "./errorCatalogue";
import type { Access, ApiFamily, AuthenticatedApp } from "./graphRouter";
import type { EmulatorRuntime } from "./runtime";
import type { EmulatorApplication } from "./types";

/** Graph resource hosts whose "/.default" scope the token endpoint accepts (global, China, US Gov). */
export const GRAPH_RESOURCES = [
  "https://graph.microsoft.com",
  "https://microsoftgraph.chinacloudapi.cn",
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "00000003-0000-0000-c000-000000000000",
];

/** Permissions that allow each family's reads and writes (any one of the list suffices). */
export const FAMILY_PERMISSIONS: Record<Exclude<ApiFamily, "batch">, Record<Access, string[]>> = {
  identityProviders: {
    read: ["IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"],
    write: ["IdentityProvider.ReadWrite.All"],
  },
  userFlows: {
    read: ["IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"],
    write: ["IdentityUserFlow.ReadWrite.All"],
  },
  keySets: {
    read: ["TrustFrameworkKeySet.Read.All", "TrustFrameworkKeySet.ReadWrite.All"],
    write: ["TrustFrameworkKeySet.ReadWrite.All"],
  },
  policies: {
    // As the current pages list them, e.g. https://learn.microsoft.com/graph/api/trustframework-list-trustframeworkpolicies?view=graph-rest-beta
    read: ["Policy.Read.All", "Policy.ReadWrite.TrustFramework"],
    write: ["Policy.ReadWrite.TrustFramework"],
  },
};

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeJwtPart(part: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Stable pseudo object id for an app, so tokens look the same across restarts. */
function servicePrincipalId(tenantId: string, clientId: string): string {
  const hex = createHash("sha256").update(`${tenantId}|${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Each app's tokens are signed with a key derived from its credential, so they survive restarts of the same configuration. */
function signingKey(tenantId: string, app: EmulatorApplication): Buffer {
  return createHash("sha256")
    .update(`pulumi-b2c-identity-emulator|${tenantId}|${app.clientId}|${app.clientSecret}|${app.certificatePem ?? ""}`)
    .digest();
}

interface OAuthErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export class TokenService {
  constructor(private readonly runtime: EmulatorRuntime) {}

  /** tenant path segment = tenant id, domain, or bare name (case-insensitive). */
  matchesTenant(segment: string): boolean {
    const t = this.runtime.tenant;
    const s = segment.toLowerCase();
    return s === t.tenantId.toLowerCase() || s === t.tenantDomain.toLowerCase() || s === t.tenantName.toLowerCase();
  }

  findApplication(clientId: string): EmulatorApplication | undefined {
    return this.runtime.applications.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  oauthError(status: number, error: string, aadsts: number, description: string, correlationId?: string): { status: number; body: OAuthErrorBody } {
    const traceId = randomUUID();
    const correlation = correlationId ?? randomUUID();
    const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
        error_codes: [aadsts],
        timestamp,
        trace_id: traceId,
        correlation_id: correlation,
        error_uri: `${this.runtime.baseUrl}/error?code=${aadsts}`,
      },
    };
  }

  /** Handles a client-credentials token request (form fields already parsed). */
  issueToken(tenantSegment: string, form: URLSearchParams, basicAuth?: { clientId: string; clientSecret: string }): { status: number; body: unknown; clientId?: string } {
    const tenant = this.runtime.tenant;
    if (!this.matchesTenant(tenantSegment)) {
      return this.oauthError(400, "invalid_request", 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const correlationId = form.get("client-request-id") ?? undefined;
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials") {
      return this.oauthError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'. The emulator only supports client_credentials.`, correlationId);
    }
    const clientId = form.get("client_id") ?? basicAuth?.clientId ?? "";
    if (!clientId) {
      return this.oauthError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", correlationId);
    }
    const app = this.findApplication(clientId);
    if (!app) {
      return {
        ...this.oauthError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.tenantDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`, correlationId),
        clientId,
      };
    }
    const scopeError = this.checkScope(form.get("scope"));
    if (scopeError) return { ...this.oauthError(400, "invalid_scope", 1002012, scopeError, correlationId), clientId: app.clientId };

    const assertion = form.get("client_assertion");
    const secret = form.get("client_secret") ?? basicAuth?.clientSecret;
    let authMethod: "1" | "2";
    if (assertion !== null) {
      if (form.get("client_assertion_type") !== JWT_BEARER) {
        return { ...this.oauthError(400, "invalid_request", 50027, `Invalid client_assertion_type; expected '${JWT_BEARER}'.`, correlationId), clientId: app.clientId };
      }
      const problem = this.checkClientAssertion(app, assertion);
      if (problem) return { ...this.oauthError(401, "invalid_client", problem.code, problem.message, correlationId), clientId: app.clientId };
      authMethod = "2";
    } else if (secret !== null && secret !== undefined) {
      if (!constantTimeEquals(secret, app.clientSecret)) {
        return {
          ...this.oauthError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`, correlationId),
          clientId: app.clientId,
        };
      }
      authMethod = "1";
    } else {
      return {
        ...this.oauthError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", correlationId),
        clientId: app.clientId,
      };
    }
    const scope = form.get("scope") ?? "";
    const resource = scope.split(/\s+/).find((s) => s.endsWith("/.default"))!.replace(/\/\.default$/, "");
    const audience = resource === "00000003-0000-0000-c000-000000000000" ? "https://graph.microsoft.com" : resource;
    const lifetime = this.runtime.behaviour.tokenLifetimeSeconds;
    return {
      status: 200,
      clientId: app.clientId,
      body: {
        token_type: "Bearer",
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: this.createAccessToken(app, audience, authMethod, lifetime),
      },
    };
  }

  private checkScope(scope: string | null): string | undefined {
    if (!scope) return "The request body must contain the following parameter: 'scope'.";
    const scopes = scope.split(/\s+/).filter((s) => s !== "" && !["openid", "profile", "offline_access"].includes(s));
    const own = this.runtime.baseUrl.toLowerCase();
    const valid = scopes.length === 1 && scopes[0].endsWith("/.default") && [...GRAPH_RESOURCES.map((r) => r.toLowerCase()), own].includes(scopes[0].slice(0, -"/.default".length).toLowerCase());
    if (!valid) {
      return `The provided value for scope '${scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to a Microsoft Graph resource identifier (application ID URI).`;
    }
    return undefined;
  }

  /** Checks a client assertion: a well-formed JWT whose iss and sub equal the client id, not expired; signature verified when the app has a certificate. */
  private checkClientAssertion(app: EmulatorApplication, assertion: string): { code: number; message: string } | undefined {
    const parts = assertion.split(".");
    const header = parts.length === 3 ? decodeJwtPart(parts[0]) : undefined;
    const payload = parts.length === 3 ? decodeJwtPart(parts[1]) : undefined;
    if (!header || !payload) return { code: 50012, message: "The client assertion is not a well-formed JWT." };
    if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
      return { code: 700023, message: "Client assertion audience claim does not match Realm issuer, or its iss/sub claims do not equal the client id." };
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp === "number" && payload.exp + 300 < now) {
      return { code: 700024, message: "Client assertion is not within its valid time range." };
    }
    if (app.certificatePem) {
      const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
      const signature = Buffer.from(parts[2], "base64url");
      let ok = false;
      try {
        const key = new X509Certificate(app.certificatePem).publicKey;
        if (header.alg === "RS256") ok = verifySignature("sha256", signed, key, signature);
        else if (header.alg === "PS256") ok = verifySignature("sha256", signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      } catch {
        ok = false;
      }
      if (!ok) return { code: 700027, message: "Client assertion failed signature validation." };
    }
    return undefined;
  }

  private createAccessToken(app: EmulatorApplication, audience: string, authMethod: "1" | "2", lifetime: number): string {
    const tid = this.runtime.tenant.tenantId;
    const now = Math.floor(Date.now() / 1000);
    const oid = servicePrincipalId(tid, app.clientId);
    const header = { typ: "JWT", alg: "HS256", kid: "b2c-emulator" };
    const payload = {
      aud: audience,
      iss: `https://sts.windows.net/${tid}/`,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      app_displayname: "b2c-emulator-app",
      appid: app.clientId,
      appidacr: authMethod,
      idp: `https://sts.windows.net/${tid}/`,
      idtyp: "app",
      oid,
      roles: [...app.permissions],
      sub: oid,
      tid,
      uti: randomUUID().replace(/-/g, "").slice(0, 22),
      ver: "1.0",
    };
    const unsigned = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
    const signature = createHmac("sha256", signingKey(tid, app)).update(unsigned).digest("base64url");
    return `${unsigned}.${signature}`;
  }

  /** Validates "Authorization: Bearer <token>"; throws 401 InvalidAuthenticationToken. */
  authenticate(authorization: string | undefined): AuthenticatedApp {
    const unauthorized = (problem: TokenProblem) => invalidAuthenticationToken(problem, this.runtime.baseUrl);
    if (!authorization || authorization.trim() === "") throw unauthorized("empty");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthorized("notBearer");
    const parts = match[1].split(".");
    const payload = parts.length === 3 ? decodeJwtPart(parts[1]) : undefined;
    if (!payload) throw unauthorized("malformed");
    const app = typeof payload.appid === "string" ? this.findApplication(payload.appid) : undefined;
    const expected = app ? createHmac("sha256", signingKey(this.runtime.tenant.tenantId, app)).update(`${parts[0]}.${parts[1]}`).digest("base64url") : "";
    if (!app || !constantTimeEquals(parts[2], expected)) throw unauthorized("signature");
    if (payload.tid !== this.runtime.tenant.tenantId) throw unauthorized("tenant");
    const audiences = [...GRAPH_RESOURCES, this.runtime.baseUrl].map((a) => a.toLowerCase());
    if (typeof payload.aud !== "string" || !audiences.includes(payload.aud.toLowerCase())) {
      throw unauthorized("audience");
    }
    if (typeof payload.exp !== "number" || payload.exp <= Math.floor(Date.now() / 1000)) {
      throw unauthorized("expired");
    }
    // The app registry decides, not the token: a token signed with the app's own credential could
    // claim any role, so only roles granted to the app in the registry count.
    const granted = app.permissions.map((p) => p.toLowerCase());
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string" && granted.includes(r.toLowerCase())) : [];
    return { clientId: app.clientId, permissions: roles };
  }

  /** Throws 403 Authorization_RequestDenied unless the app holds one of the family's permissions. */
  authorize(app: AuthenticatedApp, family: ApiFamily, access: Access): void {
    if (family === "batch" || !this.runtime.behaviour.enforcePermissions) return;
    const accepted = FAMILY_PERMISSIONS[family][access].map((p) => p.toLowerCase());
    if (!app.permissions.some((p) => accepted.includes(p.toLowerCase()))) {
      throw insufficientPrivileges();
    }
  }
}

function constantTimeEquals(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
