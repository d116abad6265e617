// Token side: OpenID configuration and client-credentials token endpoint, with the real @azure/identity credentials.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";
import { ensureCertificateAuthority } from "../../emulator/certificateAuthority";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, requestToken, startTestEmulator } from "../helpers/emulator";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const ca = ensureCertificateAuthority();
const CERT_APP = { clientId: "cert-app-0001", clientSecret: "unused-secret-cert-app", permissions: ["IdentityProvider.Read.All"], certificatePem: ca.caPem };

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    applications: [
      { clientId: "default-app-0001", clientSecret: "default-secret-0001", permissions: ["IdentityProvider.ReadWrite.All"] },
      CERT_APP,
    ],
  });
});
afterAll(() => emu.stop());

function decodeJwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

test("the real ClientSecretCredential gets a token that Graph routes accept", async () => {
  emu.clearRequestLog();
  const credential = new ClientSecretCredential(emu.tenantDomain, emu.clientId, emu.clientSecret, {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(GRAPH_SCOPE);
  expect(token.token.split(".")).toHaveLength(3);
  expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000 * 1000);
  const claims = decodeJwtPayload(token.token);
  expect(claims).toMatchObject({ appid: emu.clientId, tid: emu.tenantId, aud: "https://graph.microsoft.com", roles: ["IdentityProvider.ReadWrite.All"] });
  expect(claims.exp - claims.iat).toBe(3599);

  const kinds = emu.requestLog().map((e) => `${e.kind} ${e.method} ${e.path.split("?")[0]} ${e.status}`);
  expect(kinds).toContain(`token GET /${emu.tenantDomain}/v2.0/.well-known/openid-configuration 200`);
  expect(kinds).toContain(`token POST /${emu.tenantDomain}/oauth2/v2.0/token 200`);
  const tokenEntry = emu.requestLog().find((e) => e.path.split("?")[0].endsWith("/oauth2/v2.0/token"))!;
  expect(tokenEntry.clientId).toBe(emu.clientId);
  expect(JSON.stringify(emu.requestLog())).not.toContain(emu.clientSecret);

  const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: `Bearer ${token.token}` });
  expect(list.status).toBe(200);
  expect(list.body.value).toEqual([]);
});

test("a wrong secret fails the real credential; the token endpoint answers 401 invalid_client in AAD's shape", async () => {
  const credential = new ClientSecretCredential(emu.tenantId, emu.clientId, "wrong-secret", {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
  });
  await expect(credential.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS7000215/);

  const raw = await requestToken(emu, { grant_type: "client_credentials", client_id: emu.clientId, client_secret: "wrong", scope: GRAPH_SCOPE });
  expect(raw.status).toBe(401);
  expect(raw.body.error).toBe("invalid_client");
  expect(raw.body.error_description).toMatch(/^AADSTS7000215: /);
  expect(raw.body.error_codes).toEqual([7000215]);
  for (const field of ["timestamp", "trace_id", "correlation_id"]) expect(typeof raw.body[field]).toBe("string");
  expect(raw.body.access_token).toBeUndefined();
});

test("OpenID configuration answers for tenant id, domain and name, pointing at this server", async () => {
  for (const tenant of [emu.tenantId, emu.tenantDomain, emu.tenantName]) {
    const response = await fetch(`${emu.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const config = await response.json();
    expect(config.token_endpoint).toBe(`${emu.url}/${tenant}/oauth2/v2.0/token`);
    expect(config.authorization_endpoint.startsWith(emu.url)).toBe(true);
    expect(config.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    expect(config.jwks_uri.startsWith(emu.url)).toBe(true);
  }
  const unknown = await fetch(`${emu.authorityHost}/someoneelse.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
  expect(unknown.status).toBe(400);
  expect((await unknown.json()).error_codes).toEqual([90002]);
});

test("token endpoint rejects unknown clients, tenants, grants and scopes; accepts national-cloud Graph scopes", async () => {
  const base = { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: GRAPH_SCOPE };
  const unknownClient = await requestToken(emu, { ...base, client_id: "nobody" });
  expect([unknownClient.status, unknownClient.body.error, unknownClient.body.error_codes[0]]).toEqual([400, "unauthorized_client", 700016]);
  const unknownTenant = await requestToken(emu, base, "fabrikam.onmicrosoft.com");
  expect([unknownTenant.status, unknownTenant.body.error_codes[0]]).toEqual([400, 90002]);
  const grant = await requestToken(emu, { ...base, grant_type: "password" });
  expect([grant.status, grant.body.error]).toEqual([400, "unsupported_grant_type"]);
  const scope = await requestToken(emu, { ...base, scope: "https://management.azure.com/.default" });
  expect([scope.status, scope.body.error]).toEqual([400, "invalid_scope"]);
  for (const resource of ["https://microsoftgraph.chinacloudapi.cn", "https://graph.microsoft.us"]) {
    const ok = await requestToken(emu, { ...base, scope: `${resource}/.default` });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_in).toBe(3599);
    expect(ok.body.token_type).toBe("Bearer");
    expect(decodeJwtPayload(ok.body.access_token).aud).toBe(resource);
    const call = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: `Bearer ${ok.body.access_token}` });
    expect(call.status).toBe(200);
  }
});

test("the real ClientCertificateCredential works for an app registered with a certificate; a forged assertion does not", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-cert-"));
  const pemPath = path.join(dir, "app.pem");
  fs.writeFileSync(pemPath, ca.caKeyPem + ca.caPem);
  try {
    const credential = new ClientCertificateCredential(emu.tenantDomain, CERT_APP.clientId, { certificatePath: pemPath }, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken(GRAPH_SCOPE);
    expect(decodeJwtPayload(token.token)).toMatchObject({ appid: CERT_APP.clientId, appidacr: "2" });
    const list = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: `Bearer ${token.token}` });
    expect(list.status).toBe(200);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify({ iss: CERT_APP.clientId, sub: CERT_APP.clientId, exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
  const forged = await requestToken(emu, {
    grant_type: "client_credentials",
    client_id: CERT_APP.clientId,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: `${header}.${payload}.${Buffer.from("not a signature").toString("base64url")}`,
    scope: GRAPH_SCOPE,
  });
  expect([forged.status, forged.body.error]).toEqual([401, "invalid_client"]);
});

test("a client assertion must be a JWT whose iss and sub are the client id (apps without a certificate)", async () => {
  const jwt = (claims: object) =>
    `${Buffer.from(JSON.stringify({ alg: "RS256" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;
  const fields = (assertion: string) => ({
    grant_type: "client_credentials",
    client_id: emu.clientId,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    scope: GRAPH_SCOPE,
  });
  const good = await requestToken(emu, fields(jwt({ iss: emu.clientId, sub: emu.clientId, exp: Math.floor(Date.now() / 1000) + 600 })));
  expect(good.status).toBe(200);
  const wrongIssuer = await requestToken(emu, fields(jwt({ iss: "someone-else", sub: emu.clientId })));
  expect(wrongIssuer.status).toBe(401);
  const garbage = await requestToken(emu, fields("not-a-jwt"));
  expect(garbage.status).toBe(401);
});

test("expired tokens get 401 InvalidAuthenticationToken", async () => {
  emu.setBehaviour({ tokenLifetimeSeconds: 1 });
  try {
    const { body } = await requestToken(emu, { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: GRAPH_SCOPE });
    expect(body.expires_in).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    const call = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders", undefined, { authorization: `Bearer ${body.access_token}` });
    expect(call.status).toBe(401);
    expect(call.body.error.code).toBe("InvalidAuthenticationToken");
    expect(call.body.error.message).toMatch(/expired/);
  } finally {
    emu.setBehaviour({ tokenLifetimeSeconds: 3599 });
  }
});

describe("the emulator's CA", () => {
  const forge: typeof import("node-forge") = require("node-forge");
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "emu-ca-"));

  test("lives in a per-user folder, not a fixed shared /tmp path, and is private to its owner", () => {
    const { defaultCertificateAuthorityDir } = require("../../emulator/certificateAuthority");
    const saved = process.env.B2C_EMULATOR_CA_DIR;
    delete process.env.B2C_EMULATOR_CA_DIR;
    try {
      expect(defaultCertificateAuthorityDir()).not.toMatch(new RegExp(`^${os.tmpdir()}`));
      expect(defaultCertificateAuthorityDir()).toMatch(/pulumi-b2c-identity[\\/]emulator-ca$/);
    } finally {
      if (saved !== undefined) process.env.B2C_EMULATOR_CA_DIR = saved;
    }
    const dir = path.join(tmp(), "ca");
    const created = ensureCertificateAuthority(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(created.caKeyFile).mode & 0o077).toBe(0);
  });

  test("a server certificate is issued once per CA and host list, kept private beside the CA, and issued afresh when it nears its end", () => {
    const { issueServerCertificate } = require("../../emulator/certificateAuthority");
    const own = ensureCertificateAuthority(path.join(tmp(), "ca"));
    const first = issueServerCertificate(own, ["localhost", "127.0.0.1"]);
    const kept = fs.readdirSync(own.dir).filter((f) => f.startsWith("server-"));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(own.dir, kept[0])).mode & 0o077).toBe(0);
    expect(issueServerCertificate(own, ["localhost", "127.0.0.1"])).toEqual(first);
    const other = issueServerCertificate(own, ["localhost"]);
    expect(other.keyPem).not.toBe(first.keyPem);
    expect((forge.pki.certificateFromPem(other.certPem).getExtension("subjectAltName") as { altNames: { value: string }[] }).altNames.map((n) => n.value)).toEqual(["localhost"]);
    // One that runs out within a day is replaced.
    const clock = jest.spyOn(Date, "now").mockReturnValue(Date.now() + 30 * 24 * 3600 * 1000);
    try {
      const renewed = issueServerCertificate(own, ["localhost", "127.0.0.1"]);
      expect(renewed.keyPem).not.toBe(first.keyPem);
    } finally {
      clock.mockRestore();
    }
  });

  test("a folder others can write to, or planted by someone else, is refused naming the fix", () => {
    const dir = path.join(tmp(), "ca");
    ensureCertificateAuthority(dir);
    fs.chmodSync(dir, 0o777);
    expect(() => ensureCertificateAuthority(dir)).toThrow(/accessible to other users \(mode 777\).*B2C_EMULATOR_CA_DIR/);
    fs.chmodSync(dir, 0o700);
    fs.chmodSync(path.join(dir, "ca-key.pem"), 0o644);
    expect(() => ensureCertificateAuthority(dir)).toThrow(/ca-key\.pem is accessible to other users/);
    const link = path.join(tmp(), "link");
    fs.symlinkSync(dir, link);
    expect(() => ensureCertificateAuthority(link)).toThrow(/symbolic link/);
  });

  test("is name-constrained to localhost, 127.0.0.1 and ::1: a certificate it issues for another host is not trusted", async () => {
    const { issueServerCertificate } = require("../../emulator/certificateAuthority");
    const cert = forge.pki.certificateFromPem(ca.caPem);
    const constraints = cert.extensions.find((e: any) => e.id === "2.5.29.30");
    expect(constraints?.critical).toBe(true);
    const https = await import("https");
    const serve = (hosts: string[]) => {
      const { certPem, keyPem } = issueServerCertificate(ca, hosts);
      const server = https.createServer({ key: keyPem, cert: certPem }, (_q, r) => r.end("ok"));
      return new Promise<import("https").Server>((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
    };
    const get = (server: import("https").Server) =>
      new Promise<string>((resolve) => {
        const port = (server.address() as { port: number }).port;
        https.get({ host: "127.0.0.1", port, ca: ca.caPem }, (res) => res.on("data", (d) => resolve(String(d)))).on("error", (e: any) => resolve(`error ${e.code ?? e.message}`));
      });
    const good = await serve(["localhost", "127.0.0.1", "::1"]);
    const bad = await serve(["bank.example.com", "127.0.0.1"]);
    try {
      expect(await get(good)).toBe("ok");
      expect(await get(bad)).toMatch(/^error /);
    } finally {
      good.close();
      bad.close();
    }
  });
});

describe("server limits", () => {
  // A short idle timeout races the client's own pool expiry and shows up as a stray ECONNRESET on a
  // busy machine; see IDLE_CONNECTION_MS in emulator/server.ts.
  test("idle keep-alive connections are advertised for minutes, not Node's 5 s default", async () => {
    const response = await fetch(`${emu.url}/nothing-here`);
    await response.text();
    expect(response.headers.get("connection")).toBe("keep-alive");
    const seconds = Number(/timeout=(\d+)/.exec(response.headers.get("keep-alive") ?? "")?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(60);
  });

  test("a client that never finishes its headers is cut off (headers timeout)", async () => {
    const slow = await startTestEmulator({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const tls = await import("tls");
      const url = new URL(slow.url);
      const closed = await new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: ca.caPem }, () => socket.write("GET /v1.0/identity/identityProviders HTTP/1.1\r\nHost: x\r\n"));
        socket.on("data", () => undefined);
        socket.on("close", () => resolve(Date.now() - started));
        socket.on("error", () => undefined);
      });
      expect(closed).toBeLessThan(3000);
    } finally {
      await slow.stop();
    }
  });
});
