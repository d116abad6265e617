// Shared helpers for tests that talk to the local B2C Graph emulator. scripts/test.js trusts the
// emulator CA (NODE_EXTRA_CA_CERTS), so plain fetch works against https://127.0.0.1:<port>.
import { DEFAULT_RATE_LIMIT, emulatorSecretFingerprintMatches, startEmulator } from "../../emulator";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

export interface GraphFetchResult {
  status: number;
  headers: Headers;
  /** Raw response text ("" for 204). */
  text: string;
  /** Parsed JSON when the response is JSON, otherwise undefined. */
  body: any;
}

/**
 * The usual test file setup in one call: one emulator for the file (started before the first test,
 * stopped after the last) and, before each test, an empty tenant, no faults and an empty request
 * log. `set` receives the emulator, so a file keeps its own `let emu` variable.
 */
export function useTestEmulator(set: (emu: RunningEmulator) => void, options: EmulatorOptions = {}): void {
  let emu: RunningEmulator | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator(options);
    set(emu);
  });
  afterAll(() => emu?.stop());
  beforeEach(() => {
    emu!.reset();
    emu!.setFaults({ rules: [], latencyMs: 0, consistencyWindowMs: 0, rateLimit: { ...DEFAULT_RATE_LIMIT, enabled: false } });
    emu!.clearRequestLog();
  });
}

/**
 * Matches the emulator's salted fingerprint of `secret` (snapshot, state file, control API), in
 * toEqual / toMatchObject / objectContaining: `{ clientSecretFingerprint: fingerprintOf("app-key") }`.
 */
export function fingerprintOf(secret: string): any {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (actual: unknown) => typeof actual === "string" && emulatorSecretFingerprintMatches(secret, actual),
    toAsymmetricMatcher: () => `fingerprintOf(${JSON.stringify(secret)})`,
  };
}

/**
 * Starts an emulator on a random port (127.0.0.1). Remember to stop() it (afterAll). With
 * B2C_TEST_REWORD_ERRORS=1 its error messages are reworded (behaviour rewordErrorMessages), so any
 * test file can be run again to show the providers decide on codes, never on message text.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const reword = process.env.B2C_TEST_REWORD_ERRORS === "1" ? { rewordErrorMessages: true } : {};
  return startEmulator({ port: 0, ...options, behaviour: { ...reword, ...options.behaviour } });
}

const tokenCache = new WeakMap<RunningEmulator, Map<string, { token: string; expiresAt: number }>>();

/** Raw token request against the emulator's token endpoint (for tests of the token side). */
export async function requestToken(
  emu: RunningEmulator,
  fields: Record<string, string>,
  tenant: string = emu.tenantDomain,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${emu.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A Graph access token (client credentials) for the default app or the given one; cached per emulator and app. */
export async function getToken(emu: RunningEmulator, app: AppCredentials = emu): Promise<string> {
  let cache = tokenCache.get(emu);
  if (!cache) {
    cache = new Map();
    tokenCache.set(emu, cache);
  }
  const key = `${app.clientId}\n${app.clientSecret}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt > Date.now() + 5_000) return cached.token;
  const { status, body } = await requestToken(emu, {
    grant_type: "client_credentials",
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
  if (status !== 200) throw new Error(`token request failed: ${status} ${JSON.stringify(body)}`);
  cache.set(key, { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 });
  return body.access_token as string;
}

/**
 * Calls the emulator's control API (`/_emulator/<path>`) with its per-start control token; `token`
 * overrides it (null: send none). A JSON body is sent as JSON.
 */
export function controlFetch(emu: RunningEmulator, method: string, path: string, body?: unknown, token: string | null = emu.controlToken): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${emu.url}/_emulator${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/**
 * Calls the emulator's Graph endpoint. `path` includes the version, e.g. "/beta/trustFramework/keySets".
 * An object body is sent as JSON; a string body as application/xml unless a content-type header is
 * given. The default app's bearer is added unless `headers` has an `authorization` key (set it to
 * undefined to send no Authorization header at all). `app` selects another registered app.
 */
export async function graphFetch(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | undefined> = {},
  app?: AppCredentials,
): Promise<GraphFetchResult> {
  const sent: Record<string, string> = {};
  const lowerNames = Object.keys(headers).map((h) => h.toLowerCase());
  if (!lowerNames.includes("authorization")) sent.authorization = `Bearer ${await getToken(emu, app)}`;
  let payload: string | Uint8Array<ArrayBuffer> | undefined;
  if (body !== undefined) {
    if (typeof body === "string" || Buffer.isBuffer(body)) {
      payload = typeof body === "string" ? body : new Uint8Array(body);
      if (!lowerNames.includes("content-type")) sent["content-type"] = "application/xml";
    } else {
      payload = JSON.stringify(body);
      if (!lowerNames.includes("content-type")) sent["content-type"] = "application/json";
    }
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) sent[name.toLowerCase()] = value;
  }
  const response = await fetch(`${emu.graphEndpoint}${path}`, { method, headers: sent, body: payload });
  const text = await response.text();
  let parsed: any;
  if ((response.headers.get("content-type") ?? "").includes("json") && text !== "") parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A social identity provider made "in the portal" (straight through Graph, not by a stack): the hand-made object of ownership tests. */
export async function handMadeIdentityProvider(emu: RunningEmulator, type: string, clientId: string, clientSecret: string, displayName = type): Promise<void> {
  const res = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName,
    identityProviderType: type,
    clientId,
    clientSecret,
  });
  if (res.status >= 300) throw new Error(`hand-made ${type} provider: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}
