import type * as GraphSdk from "@microsoft/microsoft-graph-client";
import type { Client, GraphError } from "@microsoft/microsoft-graph-client";
import type { TokenCredential } from "@azure/identity";
import { CLOUDS } from "./clouds";
import { CachedTokenAuthProvider, getCredential } from "./credential";
import { GraphOperationInfo, GraphRequestError, isGraphRequestError, parseGraphErrorBody } from "./errors";
import { oneWriteAtATime, writeTargetOf } from "./objectWrites";
import { Clock, clockInUse, retryWhile } from "./patience";
import { assertSafeGraphPath } from "./paths";
import { B2CRetryHandler, DEFAULT_B2C_RETRY_POLICY, MIN_ATTEMPT_MS, RetryRecord, isNetworkError } from "./retry";
import { describeValueShape } from "../domain/problems";
import { ConfigSource, describeSetting, GraphSettings, resolveGraphSettings } from "./settings";

export type GraphVersion = "v1.0" | "beta";
export type GraphMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GraphRequest {
  method: GraphMethod;
  version: GraphVersion;
  /** Below the version root, starting with "/", e.g. `/identity/identityProviders`; or an absolute nextLink. */
  path: string;
  /** A JSON value, or a string sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  /** "text" for XML documents; JSON otherwise. */
  responseType?: "json" | "text";
  /** What the call is for, in words ("create WeChat identity provider"); shown in errors. */
  description: string;
  /** Values that must never appear in an error raised by this call. */
  secrets?: readonly (string | undefined)[];
  /**
   * Keep retrying 404 for this long: right after a create, Graph may not know the new object yet
   * (eventual consistency: https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/).
   */
  retryNotFoundForMs?: number;
  /**
   * false: after a dropped connection (or a 504: outcome unknown), fail instead of sending the request again.
   * For a POST that adds something each time it lands (a key upload), whose caller must look at what
   * landed before re-sending. Default true.
   */
  resendAfterNetworkError?: boolean;
}

/** A call's result, with what the retry handler saw. */
export interface GraphResponse<T> {
  value: T;
  /** The request was re-sent after a dropped connection: a create may have landed twice. */
  retriedAfterNetworkError: boolean;
}

export interface ODataCollection<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/**
 * The most pages `list` follows. A tenant's identity providers, flows, keysets and policies fit in
 * a few pages; a nextLink chain longer than this is a service fault, not data
 * (https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/1656).
 */
export const DEFAULT_MAX_PAGES = 1000;

/** What a GraphApi may be given besides its settings; tests inject the clock and a small page cap. */
export interface GraphApiOptions {
  /** Where the retry layer's time comes from; default `clockInUse()` (the real clock). */
  clock?: Clock;
  /** Page cap of `list`; default DEFAULT_MAX_PAGES. */
  maxPages?: number;
}

/**
 * The Microsoft Graph client library, loaded by the first GraphApi: a Pulumi program loads this
 * module through the resource classes but never calls Graph itself; only the provider plugin does.
 */
const graphSdk = (): typeof GraphSdk => require("@microsoft/microsoft-graph-client");

/** Thin typed layer over the Microsoft Graph client; one per provider call, cheap to build. */
export class GraphApi {
  readonly settings: GraphSettings;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly maxPages: number;

  constructor(settings: GraphSettings, options: GraphApiOptions = {}) {
    this.settings = settings;
    this.clock = options.clock ?? clockInUse();
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.client = buildClient(settings, this.clock);
  }

  /**
   * Sends one call; retries (429/503/504, B2C transient codes, dropped connections) happen inside.
   * A write to an existing object waits for this process's earlier writes to it (objectWrites.ts).
   */
  async call<T = unknown>(call: GraphRequest): Promise<GraphResponse<T>> {
    const target = call.method === "GET" ? undefined : writeTargetOf(call.path);
    const queue = target && `${this.settings.graphEndpoint} ${this.settings.tenantId} ${target}`.toLowerCase();
    // Queued per attempt, so a write waiting out a 404 window lets the others on its object go first.
    const attempt = () => (queue ? oneWriteAtATime(queue, () => this.send<T>(call)) : this.send<T>(call));
    return retryWhile(attempt, {
      clock: this.clock,
      windowMs: call.retryNotFoundForMs ?? 0,
      // A window of patience: the last wait is made in full, so a late object still gets its chance.
      lastWait: "full",
      transient: (outcome) => !outcome.ok && isGraphRequestError(outcome.error) && outcome.error.isNotFound,
    });
  }

  async request<T = unknown>(call: GraphRequest): Promise<T> {
    return (await this.call<T>(call)).value;
  }

  /** Like request, but a 404 / AADB2C90073 answer gives undefined. */
  async requestOrUndefined<T = unknown>(call: GraphRequest): Promise<T | undefined> {
    try {
      return await this.request<T>(call);
    } catch (error) {
      if (isGraphRequestError(error) && error.isNotFound) return undefined;
      throw error;
    }
  }

  /**
   * GETs a collection and follows its @odata.nextLink chain. A nextLink seen before (a loop) or a
   * chain longer than the page cap ends the listing with an error instead of paging forever
   * (repeating nextLinks have been reported from Graph:
   * https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/1656).
   */
  async list<T>(version: GraphVersion, path: string, description: string): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    // Links are compared in absolute form, so a nextLink back to the first page counts as a repeat.
    const absolute = (link: string) => (/^https:\/\//i.test(link) ? link : `${this.settings.graphEndpoint.replace(/\/+$/, "")}/${version}${link}`);
    let next: string | undefined = path;
    for (let pages = 0; next; pages++) {
      if (pages >= this.maxPages || seen.has(absolute(next))) {
        const repeated = seen.has(absolute(next));
        const error = new GraphRequestError({
          status: 0,
          code: repeated ? "pagingLoop" : "tooManyPages",
          graphMessage: repeated
            ? `paging stopped after ${pages} page(s): Graph sent an @odata.nextLink it had already sent (${shownLink(next)}), so following it would never end`
            : `paging stopped after ${pages} pages, the most a listing follows: the @odata.nextLink chain did not end (next was ${shownLink(next)})`,
          operation: operationOf({ method: "GET", version, path, description }),
        });
        // Every page was answered: the fault is the chain, not a request, so no HTTP status is shown.
        error.message = `${error.operation} failed: ${error.code}: ${error.graphMessage}`;
        throw error;
      }
      seen.add(absolute(next));
      const page: ODataCollection<T> = await this.request<ODataCollection<T>>({ method: "GET", version, path: next, description });
      items.push(...(page?.value ?? []));
      next = page?.["@odata.nextLink"];
    }
    return items;
  }

  private async send<T>(call: GraphRequest): Promise<GraphResponse<T>> {
    const record = new RetryRecord();
    record.resendAfterNetworkError = call.resendAfterNetworkError ?? true;
    const absolute = /^https:\/\//i.test(call.path);
    // Defence in depth: whatever built the path, a dot segment or a separator inside a segment is never sent.
    assertSafeGraphPath(absolute ? new URL(call.path).pathname.replace(/^\/(v1\.0|beta)(?=\/)/i, "") : call.path);
    let request = this.client.api(call.path).middlewareOptions([record]);
    if (!absolute) request = request.version(call.version);
    if (call.contentType) request = request.header("Content-Type", call.contentType);
    if (call.responseType === "text") request = request.responseType(graphSdk().ResponseType.TEXT);
    const operation = operationOf(call);
    try {
      let value: unknown;
      switch (call.method) {
        case "GET":
          value = await request.get();
          break;
        case "POST":
          value = await request.post(call.body ?? {});
          break;
        case "PATCH":
          value = await request.patch(call.body ?? {});
          break;
        case "PUT":
          value = await request.put(call.body ?? {});
          break;
        case "DELETE":
          value = await request.delete();
          break;
      }
      return { value: value as T, retriedAfterNetworkError: record.retriedAfterNetworkError };
    } catch (error) {
      const budgetSpent = record.budgetSignal?.aborted === true && cutOffByAbort(error);
      const graphError = budgetSpent
        ? new GraphRequestError({
            status: 0,
            code: "timeout",
            graphMessage:
              `no answer within the retry budget of ${record.budgetSeconds} s (attempt ${record.attempts}, ` +
              `${((this.clock.now() - (record.startedAt ?? this.clock.now())) / 1000).toFixed(1)} s after the first); ` +
              `${call.method === "GET" ? "" : "the write may or may not have been carried out; "}` +
              `${describeSetting("retryBudgetSeconds", this.settings)} sets the budget`,
            operation,
            secrets: call.secrets,
          })
        : toGraphRequestError(error, operation, call.secrets, this.settings);
      if (budgetSpent) graphError.retryBudgetExhausted = true;
      graphError.afterNetworkRetry = record.retriedAfterNetworkError;
      if (record.gaveUp) {
        const g = record.gaveUp;
        graphError.retryBudgetExhausted = true;
        const why = graphError.status === 429 ? "Graph kept throttling the request (HTTP 429): " : graphError.status === 503 ? "Graph stayed unavailable (HTTP 503): " : "";
        graphError.message +=
          ` (${why}gave up after ${g.attempts} attempt(s) in ${g.elapsedSeconds.toFixed(1)} s: the next wait of ${g.nextWaitSeconds.toFixed(1)} s ` +
          `would ${g.elapsedSeconds + g.nextWaitSeconds > g.budgetSeconds ? "pass" : `leave less than ${MIN_ATTEMPT_MS / 1000} s of`} ` +
          `the retry budget of ${g.budgetSeconds} s, ${describeSetting("retryBudgetSeconds", this.settings)})`;
      }
      throw graphError;
    }
  }
}

/**
 * Whether the client's error is the abort itself: while waiting for the answer (no status) or while
 * reading its body (the library then reports the answer's status, with the abort's name as code).
 */
function cutOffByAbort(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; statusCode?: unknown } | undefined;
  if (["TimeoutError", "AbortError"].includes(String(e?.code)) || ["TimeoutError", "AbortError"].includes(String(e?.name))) return true;
  return !(typeof e?.statusCode === "number" && e.statusCode > 0);
}

/** What a call was for and where it went, for its errors (a nextLink shows as its path). */
function operationOf(call: Pick<GraphRequest, "method" | "version" | "path" | "description">): GraphOperationInfo {
  const absolute = /^https:\/\//i.test(call.path);
  return {
    method: call.method,
    version: call.version,
    path: absolute ? new URL(call.path).pathname.replace(/^\/(v1\.0|beta)/, "") : call.path,
    description: call.description,
  };
}

/** A nextLink as shown in an error: its path and query, not the host. */
function shownLink(link: string): string {
  if (!/^https:\/\//i.test(link)) return link;
  const url = new URL(link);
  const shown = `${url.pathname}${url.search}`;
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/** Turns whatever the Graph client threw into one readable GraphRequestError. */
export function toGraphRequestError(
  error: unknown,
  operation: GraphOperationInfo,
  secrets?: readonly (string | undefined)[],
  settings?: Pick<GraphSettings, "tenantId" | "clientId" | "clientSecret" | "authorityHost" | "configNamespace" | "settingNames">,
): GraphRequestError {
  if (isGraphRequestError(error)) return error;
  secrets = withCredentialSecrets(secrets, settings);
  const e = error as Partial<GraphError> & { message?: string; cause?: { code?: string } };
  // @azure/identity failures: say which tenant, app and authority the token was asked from.
  const credentialErrors = ["AuthenticationError", "AuthenticationRequiredError", "CredentialUnavailableError", "AggregateAuthenticationError"];
  if (credentialErrors.includes(e?.name ?? "") || credentialErrors.includes(String(e?.code ?? ""))) {
    const message = e.message ?? "";
    // The token endpoint's AADSTS codes that point at one setting (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
    const hint = /AADSTS(90002|900023|90013)\b|endpoints_resolution_error/.test(message)
      ? `The tenant ${settings?.tenantId ?? ""} was not found at ${settings?.authorityHost ?? "the authority"}: check ${describeSetting("tenantId", settings)} (the B2C tenant's GUID or <name>.onmicrosoft.com) and ${describeSetting("cloud", settings)}. `
      : /AADSTS(700016|90014)\b/.test(message)
        ? `Application ${shownClientId(settings?.clientId)} is not registered in tenant ${settings?.tenantId ?? ""}: check ${describeSetting("clientId", settings)} and ${describeSetting("tenantId", settings)}. `
        : /AADSTS(7000215|7000222|700027)\b/.test(message)
          ? `The credential was refused: check ${describeSetting("clientSecret", settings)} (the secret's value, not its id; not expired) or ${describeSetting("clientCertificatePath", settings)}. `
          : "";
    return new GraphRequestError({
      status: 0,
      code: "authenticationFailed",
      graphMessage:
        `could not get a Graph token for tenant ${settings?.tenantId ?? "?"} (${describeSetting("tenantId", settings)}) ` +
        `(${credentialErrors.includes(e?.name ?? "") ? e.name : e.code}): ${message}. ${hint}Credentials are read from ${describeSetting("clientId", settings)} ` +
        `with ${describeSetting("clientSecret", settings)} or ${describeSetting("clientCertificatePath", settings)}; without them ` +
        `DefaultAzureCredential is used (workload identity, managed identity, Azure CLI)`,
      operation,
      secrets,
    });
  }
  if (isNetworkError(error) || typeof e?.statusCode !== "number" || e.statusCode <= 0) {
    return new GraphRequestError({
      status: 0,
      code: "networkError",
      graphMessage: `${e?.message ?? String(error)}${e?.cause?.code ? ` (${e.cause.code})` : ""}`,
      operation,
      secrets,
    });
  }
  let parsed: ReturnType<typeof parseGraphErrorBody> = {};
  if (typeof e.body === "string") {
    try {
      const body = JSON.parse(e.body);
      // JSON responses arrive as the inner `error` object; text responses as the whole envelope.
      parsed = parseGraphErrorBody(body && typeof body === "object" && "error" in body ? body : { error: body });
    } catch {
      parsed = { message: e.body.slice(0, 300) };
    }
  }
  const headers = e.headers as Headers | undefined;
  return new GraphRequestError({
    status: e.statusCode,
    code: parsed.code ?? (e.code && e.code !== "Error" ? e.code : undefined),
    graphMessage: parsed.message ?? e.message,
    requestId: parsed.requestId ?? e.requestId ?? headers?.get?.("request-id") ?? undefined,
    clientRequestId: parsed.clientRequestId ?? headers?.get?.("client-request-id") ?? undefined,
    operation,
    secrets,
  });
}

/**
 * The call's secrets plus the app's own credential: the client secret (an authority or proxy may
 * quote the posted token request) and a client id that is not a GUID, which is likely the secret
 * given in its place (AZURE_CLIENT_ID and AZURE_CLIENT_SECRET swapped).
 */
export function withCredentialSecrets(
  secrets: readonly (string | undefined)[] | undefined,
  settings?: Pick<GraphSettings, "clientId" | "clientSecret">,
): (string | undefined)[] {
  return [...(secrets ?? []), settings?.clientSecret, ...(settings?.clientId && !GUID_SHAPE.test(settings.clientId) ? [settings.clientId] : [])];
}

const GUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A client id for a message: as is when it is a GUID, else only its shape (it may be the secret). */
function shownClientId(clientId: string | undefined): string {
  if (!clientId) return "";
  return GUID_SHAPE.test(clientId) ? clientId : `(${describeValueShape(clientId)})`;
}

/** One auth provider (and so one access token) per credential, i.e. per identity and process. */
const authProviders = new WeakMap<TokenCredential, CachedTokenAuthProvider>();

function authProviderFor(settings: GraphSettings): CachedTokenAuthProvider {
  const credential = getCredential(settings);
  let provider = authProviders.get(credential);
  if (!provider) {
    provider = new CachedTokenAuthProvider(credential, [`${CLOUDS[settings.cloud].graphEndpoint}/.default`]);
    authProviders.set(credential, provider);
  }
  return provider;
}

function buildClient(settings: GraphSettings, clock: Clock): Client {
  const authProvider = authProviderFor(settings);
  // Library handlers where they do the job (auth, telemetry ids); retries are ours alone: the
  // library's RetryHandler counts attempts, ours spends a time budget (graph/retry.ts).
  // Order: the handlers that set headers run once per call, BEFORE the retry handler, which then
  // re-sends the same request. TelemetryHandler *appends* to SdkVersion each time it runs, so after
  // the retry handler it grew the request by 33 bytes per attempt until Node refused the headers
  // (HTTP 431), hiding the throttling that caused it.
  const { AuthenticationHandler, Client, HTTPMessageHandler, TelemetryHandler } = graphSdk();
  const middleware = [
    new AuthenticationHandler(authProvider),
    new TelemetryHandler(),
    new B2CRetryHandler({ ...DEFAULT_B2C_RETRY_POLICY, budgetSeconds: settings.retryBudgetSeconds }, clock),
    new HTTPMessageHandler(),
  ];
  return Client.initWithMiddleware({
    middleware,
    baseUrl: settings.graphEndpoint,
    // The bearer token is attached only for Graph's own hosts and these.
    customHosts: new Set([new URL(settings.graphEndpoint).hostname]),
  });
}

/** A Graph API for the settings read from stack config (`b2c:*`) and the environment. */
export function graphApiFromConfig(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env, options: GraphApiOptions = {}): GraphApi {
  return new GraphApi(resolveGraphSettings(config, env), options);
}
