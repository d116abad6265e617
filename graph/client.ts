import { AuthenticationHandler, Client, GraphError, HTTPMessageHandler, ResponseType, TelemetryHandler } from "@microsoft/microsoft-graph-client";
import type { TokenCredential } from "@azure/identity";
import { CLOUDS } from "./clouds";
import { CachedTokenAuthProvider, getCredential } from "./credential";
import { GraphOperationInfo, GraphRequestError, isGraphRequestError, parseGraphErrorBody } from "./errors";
import { oneWriteAtATime, writeTargetOf } from "./objectWrites";
import { retryWhile } from "./patience";
import { B2CRetryHandler, DEFAULT_B2C_RETRY_POLICY, RetryRecord, isNetworkError } from "./retry";
import { ConfigSource, describeSetting, GraphSettings, resolveGraphSettings } from "./settings";

export type GraphVersion = "v1.0" | "beta";
export type GraphMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GraphCall {
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
export interface GraphResult<T> {
  value: T;
  /** The request was re-sent after a dropped connection: a create may have landed twice. */
  retriedAfterNetworkError: boolean;
}

export interface ODataCollection<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/** Thin typed layer over the Microsoft Graph client; one per provider call, cheap to build. */
export class GraphApi {
  readonly settings: GraphSettings;
  private readonly client: Client;

  constructor(settings: GraphSettings) {
    this.settings = settings;
    this.client = buildClient(settings);
  }

  /**
   * Sends one call; retries (429/503/504, B2C transient codes, dropped connections) happen inside.
   * A write to an existing object waits for this process's earlier writes to it (objectWrites.ts).
   */
  async call<T = unknown>(call: GraphCall): Promise<GraphResult<T>> {
    const target = call.method === "GET" ? undefined : writeTargetOf(call.path);
    const queue = target && `${this.settings.graphEndpoint} ${this.settings.tenantId} ${target}`.toLowerCase();
    // Queued per attempt, so a write waiting out a 404 window lets the others on its object go first.
    const attempt = () => (queue ? oneWriteAtATime(queue, () => this.send<T>(call)) : this.send<T>(call));
    return retryWhile(attempt, {
      windowMs: call.retryNotFoundForMs ?? 0,
      // A window of patience: the last wait is made in full, so a late object still gets its chance.
      lastWait: "full",
      transient: (outcome) => !outcome.ok && isGraphRequestError(outcome.error) && outcome.error.isNotFound,
    });
  }

  async request<T = unknown>(call: GraphCall): Promise<T> {
    return (await this.call<T>(call)).value;
  }

  /** Like request, but a 404 / AADB2C90073 answer gives undefined. */
  async requestOrUndefined<T = unknown>(call: GraphCall): Promise<T | undefined> {
    try {
      return await this.request<T>(call);
    } catch (error) {
      if (isGraphRequestError(error) && error.isNotFound) return undefined;
      throw error;
    }
  }

  /** GETs a collection and follows every @odata.nextLink. */
  async list<T>(version: GraphVersion, path: string, description: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: ODataCollection<T> = await this.request<ODataCollection<T>>({ method: "GET", version, path: next, description });
      items.push(...(page?.value ?? []));
      next = page?.["@odata.nextLink"];
    }
    return items;
  }

  private async send<T>(call: GraphCall): Promise<GraphResult<T>> {
    const record = new RetryRecord();
    record.resendAfterNetworkError = call.resendAfterNetworkError ?? true;
    const absolute = /^https:\/\//i.test(call.path);
    let request = this.client.api(call.path).middlewareOptions([record]);
    if (!absolute) request = request.version(call.version);
    if (call.contentType) request = request.header("Content-Type", call.contentType);
    if (call.responseType === "text") request = request.responseType(ResponseType.TEXT);
    const operation: GraphOperationInfo = {
      method: call.method,
      version: call.version,
      path: absolute ? new URL(call.path).pathname.replace(/^\/(v1\.0|beta)/, "") : call.path,
      description: call.description,
    };
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
      const graphError = toGraphRequestError(error, operation, call.secrets, this.settings);
      graphError.afterNetworkRetry = record.retriedAfterNetworkError;
      if (record.gaveUp) {
        const g = record.gaveUp;
        graphError.retryBudgetExhausted = true;
        graphError.message +=
          ` (gave up after ${g.attempts} attempt(s) in ${g.elapsedSeconds.toFixed(1)} s: the next wait of ${g.nextWaitSeconds.toFixed(1)} s ` +
          `would pass the retry budget of ${g.budgetSeconds} s, ${describeSetting("retryBudgetSeconds", this.settings.configNamespace)})`;
      }
      throw graphError;
    }
  }
}

/** Turns whatever the Graph client threw into one readable GraphRequestError. */
export function toGraphRequestError(
  error: unknown,
  operation: GraphOperationInfo,
  secrets?: readonly (string | undefined)[],
  settings?: Pick<GraphSettings, "tenantId" | "clientId" | "authorityHost" | "configNamespace">,
): GraphRequestError {
  if (isGraphRequestError(error)) return error;
  const e = error as Partial<GraphError> & { message?: string; cause?: { code?: string } };
  // @azure/identity failures: say which tenant, app and authority the token was asked from.
  const credentialErrors = ["AuthenticationError", "AuthenticationRequiredError", "CredentialUnavailableError", "AggregateAuthenticationError"];
  if (credentialErrors.includes(e?.name ?? "") || credentialErrors.includes(String(e?.code ?? ""))) {
    const message = e.message ?? "";
    // The token endpoint's AADSTS codes that point at one setting (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
    const hint = /AADSTS(90002|900023|90013)\b|endpoints_resolution_error/.test(message)
      ? `The tenant ${settings?.tenantId ?? ""} was not found at ${settings?.authorityHost ?? "the authority"}: check ${describeSetting("tenantId", settings?.configNamespace)} (the B2C tenant's GUID or <name>.onmicrosoft.com) and b2c:cloud. `
      : /AADSTS(700016|90014)\b/.test(message)
        ? `Application ${settings?.clientId ?? ""} is not registered in tenant ${settings?.tenantId ?? ""}: check ${describeSetting("clientId", settings?.configNamespace)} and ${describeSetting("tenantId", settings?.configNamespace)}. `
        : /AADSTS(7000215|7000222|700027)\b/.test(message)
          ? `The credential was refused: check ${describeSetting("clientSecret", settings?.configNamespace)} (the secret's value, not its id; not expired) or ${describeSetting("clientCertificatePath", settings?.configNamespace)}. `
          : "";
    return new GraphRequestError({
      status: 0,
      code: "authenticationFailed",
      graphMessage:
        `could not get a Graph token for tenant ${settings?.tenantId ?? "?"} (${describeSetting("tenantId", settings?.configNamespace)}) ` +
        `(${credentialErrors.includes(e?.name ?? "") ? e.name : e.code}): ${message}. ${hint}Credentials are read from ${describeSetting("clientId", settings?.configNamespace)} ` +
        `with ${describeSetting("clientSecret", settings?.configNamespace)} or ${describeSetting("clientCertificatePath", settings?.configNamespace)}; without them ` +
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

function buildClient(settings: GraphSettings): Client {
  const authProvider = authProviderFor(settings);
  // Library handlers where they do the job (auth, telemetry ids); retries are ours alone: the
  // library's RetryHandler counts attempts, ours spends a time budget (graph/retry.ts).
  const middleware = [
    new AuthenticationHandler(authProvider),
    new B2CRetryHandler({ ...DEFAULT_B2C_RETRY_POLICY, budgetSeconds: settings.retryBudgetSeconds }),
    new TelemetryHandler(),
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
export function graphApiFromConfig(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): GraphApi {
  return new GraphApi(resolveGraphSettings(config, env));
}
