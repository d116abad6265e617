// The token side's HTTP routes: the OpenID configuration, the (empty) signing keys and the
// client-credentials token endpoint. Issuing and checking tokens is auth.ts's TokenService.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TokenService } from "./auth";
import type { EmulatorRuntime } from "./runtime";

/** The tenant's OpenID configuration, as https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration shapes it. */
export function openIdConfiguration(runtime: EmulatorRuntime, tenantSegment: string): Record<string, unknown> {
  const base = runtime.baseUrl;
  const tid = runtime.tenant.tenantId;
  return {
    token_endpoint: `${base}/${tenantSegment}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/${tenantSegment}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${tenantSegment}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenantSegment}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${tenantSegment}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "roles"],
    kerberos_endpoint: `${base}/${tenantSegment}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: "emulator.local",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(base).host,
    rbac_url: base,
  };
}

function parseBasicAuth(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** Registers the OpenID configuration and token endpoints. `noteClientId` tags the request log entry. */
export function registerTokenRoutes(app: FastifyInstance, runtime: EmulatorRuntime, tokens: TokenService, noteClientId: (request: FastifyRequest, clientId: string) => void): void {
  app.get("/:tenant/v2.0/.well-known/openid-configuration", async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant } = request.params as { tenant: string };
    if (!tokens.matchesTenant(tenant)) {
      const error = tokens.oauthError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      return reply.code(error.status).header("content-type", "application/json; charset=utf-8").send(error.body);
    }
    return reply.code(200).header("content-type", "application/json; charset=utf-8").send(openIdConfiguration(runtime, tenant));
  });

  app.get("/:tenant/discovery/v2.0/keys", async (_request, reply) => reply.code(200).send({ keys: [] }));

  app.post("/:tenant/oauth2/v2.0/token", async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant } = request.params as { tenant: string };
    const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
    let result: { status: number; body: unknown; clientId?: string };
    if (!contentType.startsWith("application/x-www-form-urlencoded")) {
      result = tokens.oauthError(400, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded.");
    } else {
      const raw = request.body instanceof Buffer ? request.body.toString("utf8") : "";
      result = tokens.issueToken(tenant, new URLSearchParams(raw), parseBasicAuth(request.headers.authorization));
    }
    if (result.clientId) noteClientId(request, result.clientId);
    return reply
      .code(result.status)
      .header("content-type", "application/json; charset=utf-8")
      .header("cache-control", "no-store, no-cache")
      .send(result.body);
  });
}
