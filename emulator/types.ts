// Public types of the local B2C Microsoft Graph emulator (re-exported by emulator/index.ts).

/** An app registration the emulator knows: it may ask the token endpoint for Graph tokens. */
export interface EmulatorApplication {
  clientId: string;
  clientSecret: string;
  /** Application permissions (app roles on Microsoft Graph), e.g. "IdentityProvider.ReadWrite.All". */
  permissions: string[];
  /**
   * Optional PEM certificate for certificate credentials (client_assertion). When set, the
   * assertion's signature is verified with it; when absent, a well-formed assertion whose
   * iss/sub equal the client id is accepted.
   */
  certificatePem?: string;
}

export interface FaultRule {
  /** e.g. "POST"; omitted = any method. */
  method?: string;
  /**
   * A substring of the request path WITHOUT the /v1.0 or /beta prefix and without query, matched
   * case-insensitively; a leading "^" anchors it at the start and a trailing "$" at the end, e.g.
   * "/uploadSecret$" or "^/trustFramework/keySets$". In a pattern anchored at both ends a whole
   * segment "*" matches any one segment: "^/trustFramework/keySets/*$". Not a regular expression
   * (refused with 400).
   */
  path: string;
  /** e.g. 429, 503, 504, 400. Default: 400 for AADB2C90063, 429 for TooManyRequests, else 503. */
  status?: number;
  /** error.code, e.g. "TooManyRequests", "AADB2C90063", "serviceNotAvailable". */
  code?: string;
  /** Seconds, may be fractional; sent as the Retry-After header. */
  retryAfter?: number;
  /**
   * The Retry-After header sent verbatim, for values a client must survive: "0", "-5", "0.001", a
   * past HTTP date. Takes the place of `retryAfter`.
   */
  retryAfterHeader?: string;
  /**
   * The error's `message` as sent: a text, or an object (OData's verbose `{ "lang", "value" }` form or
   * any other JSON), for clients that must show it readably.
   */
  message?: string | Record<string, unknown>;
  /**
   * Accept the request and never answer: the connection stays open until the client gives up (or
   * the emulator stops). The log entry is written then, with status 0, fault "hang", and the time
   * the client waited as durationMs. Inside $batch the inner request answers 504.
   */
  hang?: boolean;
  /**
   * "repeat": carry the request out, then answer a collection page whose @odata.nextLink is the
   * request's own URL, so following nextLinks never ends (as reported from Graph in
   * microsoftgraph/msgraph-sdk-javascript#1656).
   */
  nextLink?: "repeat";
  /** Destroy the socket without answering, before the request is handled (inside $batch: the inner request answers 504). */
  dropConnection?: boolean;
  /**
   * Handle the request (it is carried out and saved), then destroy the socket instead of answering:
   * "committed, then the answer was lost". With `status` (e.g. 504), answer that status instead, as a
   * gateway that timed out after the service committed would (the outcome is unknown to the client).
   */
  loseResponse?: boolean;
  /** How many matching requests it hits; omitted = every one. getFaults() shows what is left. */
  times?: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  perTenantPerMinute: number;
  perAppPerTenantPerMinute: number;
  /**
   * Length of the sliding window in ms; default 60 000, the real minute (shown by getFaults() only
   * when set to something else). A shorter window is the limit with time compressed, for tests: the
   * per-minute counts then apply per window, and Retry-After is in wall seconds.
   */
  windowMs?: number;
}

export interface FaultSettings {
  rules: FaultRule[];
  /** Added to every Graph request; default 0. */
  latencyMs: number;
  /** Default off, 300 and 200 when on (sliding 60 s window). */
  rateLimit: RateLimitSettings;
  /**
   * Default 0: freshly created IdPs, keysets, policies and user flows answer 404 on GET for this
   * long (and policy uploads referencing such keysets fail validation).
   */
  consistencyWindowMs: number;
}

/** The configurable switches of the fidelity checklist (unconfirmed real-service behaviour). */
export interface EmulatorBehaviour {
  /** Status for a second IdP of the same type (code Request_MultipleObjectsWithSameKeyValue). Default 400. */
  duplicateIdentityProviderStatus: 400 | 409;
  /** Mask returned instead of any stored IdP secret. Default "******" (the deprecated beta API always uses "*****"). */
  secretMask: string;
  /** POST /identity/identityProviders echoes the plaintext clientSecret (like the doc examples) instead of the mask. Default false. */
  echoClientSecretOnCreate: boolean;
  /** Attaching an IdP that is already attached to a user flow: "ok" (204) or "error" (400 "One or more added object references already exist…"). Default "error". */
  duplicateAttach: "ok" | "error";
  /** Deleting an IdP still attached to a user flow: "fail" (400) or "cascade" (detach everywhere). Default "fail". */
  deleteAttachedIdentityProvider: "fail" | "cascade";
  /**
   * How a user flow id in a create body becomes the flow's id. "always": the service adds B2C_1_
   * to whatever is sent, as the create page says (https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta:
   * "Customer" becomes "B2C_1_Customer"; a prefixed body would be prefixed twice). "keepPrefixed": a
   * body already prefixed is kept as sent (field reports, microsoftgraph/microsoft-graph-docs#13780);
   * others get the prefix. No page settles it. Default "keepPrefixed".
   */
  userFlowIdPrefix: "always" | "keepPrefixed";
  /** The same for keyset ids and B2C_1A_ (https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta). Default "keepPrefixed". */
  keySetIdPrefix: "always" | "keepPrefixed";
  /**
   * Status of PATCH /identity/b2cUserFlows/{id}: the page's text says 200 with the flow, its example
   * shows 204 (https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta). Default 204.
   */
  userFlowUpdateStatus: 200 | 204;
  /**
   * defaultLanguageTag the service fills in when a create body has none: the create page's example
   * answers "en" (https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta);
   * "" leaves it null (as the list examples show). Default "en".
   */
  defaultLanguageTagOnCreate: string;
  /**
   * Status of AADB2C95053 "Multiple concurrent writes to the same object detected" (overlapping
   * writes and injected rules without a status). The error-code page gives the code and text, no
   * status (https://learn.microsoft.com/azure/active-directory-b2c/error-codes). Default 409.
   */
  concurrentWriteStatus: 400 | 409;
  /**
   * Status of a create of a user flow whose id exists (code Request_MultipleObjectsWithSameKeyValue).
   * The create page documents no duplicate answer (https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta). Default 409.
   */
  duplicateUserFlowStatus: 400 | 409;
  /**
   * Status of a policy upload that fails validation ("Validation failed: N validation error(s) found
   * in policy …"). The upload page documents only success (https://learn.microsoft.com/graph/api/trustframework-put-trustframeworkpolicy?view=graph-rest-beta). Default 400.
   */
  policyValidationStatus: 400 | 422;
  /**
   * GET /trustFramework/policies/{id} answers the policy as JSON ({id}). Only the `$value` read is
   * documented (https://learn.microsoft.com/graph/api/trustframeworkpolicy-get?view=graph-rest-beta), so by
   * default the JSON read is refused (400 "Resource not found for the segment"). Default false.
   */
  policyJsonRead: boolean;
  /** Status for AADB2C95028 (duplicate keyset). Default 409. */
  duplicateKeySetStatus: 400 | 409;
  /** Reject a keyset create whose body has a non-empty keys array (400 "The 'keySet' field is invalid…"), as an SDK issue reported. Default false: the create page documents "Create a keyset with a key" answering 201 (https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta). */
  rejectKeysOnKeySetCreate: boolean;
  /**
   * Keys show nbf/exp as JSON strings, as the uploadSecret example does, instead of the Int64 numbers of
   * the trustFrameworkKey resource page (https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadsecret?view=graph-rest-beta). Default false.
   */
  keyDatesAsStrings: boolean;
  /** DELETE of a keyset leaves a "<id>.bak" copy behind (portal behaviour). Default false. */
  keySetDeleteLeavesBackup: boolean;
  /** Error for upload/generate on a keyset that does not exist: 404 AADB2C90073 or 400 AADB2C95052. Default "AADB2C90073". */
  missingKeySetOnKeyOperation: "AADB2C90073" | "AADB2C95052";
  /**
   * Keys added by uploadSecret / uploadCertificate / uploadPkcs12 start with `status: "disabled"` (the
   * activation flag off) until enabled, as Microsoft's policy-keys page says may happen ("Key caching",
   * https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview). A disabled key is
   * never the active one. Default false (uploads are enabled at once, as the upload pages' examples show).
   */
  uploadedKeysStartDisabled: boolean;
  /** Status when getActiveKey finds no active key (code AADB2C90019). Default 404. */
  noActiveKeyStatus: 400 | 404;
  /** uploadPkcs12 verifies the PFX password (wrong password -> 400 AADB2C95025). Default true. */
  detectWrongPkcs12Password: boolean;
  /** Policy uploads require Content-Type application/xml (or text/xml); otherwise 415. Default true. */
  requireXmlContentTypeForPolicies: boolean;
  /**
   * GET …/policies/{id}/$value adds TenantObjectId to the root element, as downloaded policies may
   * (https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy; PublicPolicyUri is always added). Default false.
   */
  downloadAddsTenantObjectId: boolean;
  /**
   * The national cloud the emulator stands for. In "AzureUSGovernment" the v1.0 identity-provider
   * operations answer as unavailable (400 "Resource not found for the segment 'identityProviders'."):
   * their v1.0 pages mark US Government L4/L5 unavailable, while beta is available in every cloud
   * (https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0). Default "AzurePublic".
   */
  cloud: "AzurePublic" | "AzureChina" | "AzureUSGovernment";
  /**
   * availableProviderTypes leaves out the types already configured. Default false: the page lists
   * every type the directory supports (https://learn.microsoft.com/graph/api/identityproviderbase-availableprovidertypes?view=graph-rest-1.0).
   */
  availableProviderTypesExcludeConfigured: boolean;
  /**
   * Which routes the rate limit (faults.rateLimit) counts. "identityContainer": the identity-provider
   * and user-flow routes only, the "identityContainer, identityProvider resources" the CPIM limit (300
   * per tenant, 200 per app and tenant, per minute) is documented for (https://learn.microsoft.com/graph/throttling-limits,
   * the Azure AD B2C / CPIM limits); "all": every Graph route. Default "identityContainer".
   */
  rateLimitScope: "identityContainer" | "all";
  /** Run the policy validation checks (TenantId, PolicyId, BasePolicy, StorageReferenceId). Well-formedness is always checked. Default true. */
  validatePolicies: boolean;
  /**
   * DELETE of a custom policy that another policy names as its BasePolicy: "allow" (204; the child
   * is left pointing at nothing) or "refuse" (400, naming the children). No Microsoft page says which
   * the service does. Default "allow".
   */
  deleteInheritedPolicy: "allow" | "refuse";
  /** Deprecated beta /identityProviders API and b2cUserFlows/{id}/identityProviders nav: "reject" (400) or "emulate" (old shape). Default "reject". */
  deprecatedEndpoints: "reject" | "emulate";
  /** Server page size for lists; 0 = no server paging ($top is always honoured). Default 0. */
  pageSize: number;
  /** Order of $batch responses: "reversed" (keeps clients from relying on order) or "request". Default "reversed". */
  batchResponseOrder: "reversed" | "request";
  /** Two writes to the same object overlapping in time: the later one gets 409 AADB2C95053. Default true (only observable with latency or slow bodies). */
  detectConcurrentWrites: boolean;
  /** Lifetime of issued access tokens (expires_in). Default 3599. */
  tokenLifetimeSeconds: number;
  /** Check application permissions per endpoint (403 Authorization_RequestDenied). Default true. */
  enforcePermissions: boolean;
  /**
   * Quote the secrets of a request (clientSecret, k, key, password) back in its error answers: as sent,
   * base64, upper-cased, URL-encoded and truncated, the way a service's error text might. For testing
   * that clients redact them. Default false.
   */
  echoSecretsInErrors: boolean;
  /**
   * Answer every Graph error with other words for the same status and code: Graph's errors page says
   * message text may change at any time (https://learn.microsoft.com/graph/errors), so clients must
   * decide on status and code. Policy validation answers keep their details (B2C gives no code per
   * detail). Default false.
   */
  rewordErrorMessages: boolean;
}

export interface EmulatorOptions {
  /** Default 0 (random). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default "contosob2c" -> domain contosob2c.onmicrosoft.com. */
  tenantName?: string;
  /** Default a fixed GUID (DEFAULT_TENANT_ID). */
  tenantId?: string;
  /** Default "b2c"; workforce allows only Google and Facebook IdPs and has no b2cUserFlows/trustFramework. */
  tenantMode?: "b2c" | "workforce";
  /** Default: one app (DEFAULT_CLIENT_ID / DEFAULT_CLIENT_SECRET) granted the four ReadWrite permissions. */
  applications?: EmulatorApplication[];
  /** If set: load state at start if the file exists, save after each mutation. Secrets are stored as SHA-256 only. */
  stateFile?: string;
  faults?: Partial<FaultSettings>;
  behaviour?: Partial<EmulatorBehaviour>;
  /** Folder of the local CA (default: ensureCertificateAuthority()'s default folder). */
  caDir?: string;
  /** Listen on an address other than loopback (e.g. "0.0.0.0"); refused without it. Default false. */
  allowRemote?: boolean;
  /** Time to receive a request's headers before the connection is cut. Default 10 000 ms. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request (body included) before the connection is cut. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /**
   * Where the consistency window and the rate-limit windows read the time (epoch ms); default
   * Date.now. For in-process tests that give the Graph client a clock whose waits are not slept
   * (graph/patience.ts `setDefaultClockForTests`): with the same clock here, a window of seconds
   * passes when the client has waited it out, not in real time. The keys' clock (setClock) is separate.
   */
  windowClock?: () => number;
}

export interface RequestLogEntry {
  seq: number;
  /** When the answer went out (ISO); the request arrived durationMs before. */
  time: string;
  method: string;
  /** Full path with version prefix and query, e.g. "/beta/trustFramework/keySets/B2C_1A_X/uploadSecret". */
  path: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  durationMs: number;
  kind: "graph" | "token" | "control" | "other";
  /** App that made the call, from the token (or the client_id of a token request). */
  clientId?: string;
  clientRequestId?: string;
  requestId?: string;
  /** Set when an injected fault/rate limit/consistency 404 produced the answer. */
  fault?: string;
  /** Request body with every secret-bearing field and any XML (or unparseable) body replaced by "[redacted]". */
  body?: unknown;
  /** Set on the entries of requests executed inside a $batch: the inner request's id. */
  batchRequestId?: string;
}

export interface IdentityProviderSnapshot {
  id: string;
  type: string;
  displayName: string;
  clientId: string;
  /** Salted fingerprint of the clientSecret as sent: check a candidate with emulatorSecretFingerprintMatches. */
  clientSecretFingerprint: string;
}

export interface UserFlowSnapshot {
  id: string;
  userFlowType: string;
  userFlowTypeVersion: number;
  identityProviderIds: string[];
}

export interface KeySnapshot {
  kid: string;
  kty: string;
  use: string;
  nbf?: number;
  exp?: number;
  status: string;
  /** Salted fingerprint of the secret as sent ("k" for uploadSecret/PUT, "key" for uploadPkcs12): see emulatorSecretFingerprintMatches. */
  secretFingerprint?: string;
}

export interface KeySetSnapshot {
  id: string;
  keys: KeySnapshot[];
}

export interface PolicySnapshot {
  id: string;
  /** The XML as uploaded (GET $value adds PublicPolicyUri when missing; this does not). */
  xml: string;
}

export interface EmulatorSnapshot {
  tenantId: string;
  tenantDomain: string;
  identityProviders: IdentityProviderSnapshot[];
  userFlows: UserFlowSnapshot[];
  keySets: KeySetSnapshot[];
  policies: PolicySnapshot[];
}

export interface RunningEmulator {
  /** "https://127.0.0.1:<port>": the Graph endpoint (serves /v1.0 and /beta) AND the authority host. */
  url: string;
  graphEndpoint: string;
  authorityHost: string;
  /** CA to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  tenantId: string;
  tenantName: string;
  /** "<tenantName>.onmicrosoft.com" */
  tenantDomain: string;
  /** The default (first) application. */
  clientId: string;
  clientSecret: string;
  /** Per-start secret for the control API (/_emulator/*): send it as "Authorization: Bearer <controlToken>". */
  controlToken: string;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  setFaults(f: Partial<FaultSettings>): void;
  /** With consistencyWindowMs set: every existing object answers reads as if just written (404 for the window). */
  restartConsistencyWindow(): void;
  getFaults(): FaultSettings;
  setBehaviour(b: Partial<EmulatorBehaviour>): void;
  getBehaviour(): EmulatorBehaviour;
  /** Current state for assertions; secrets only as salted fingerprints (never in clear, never a bare hash). */
  snapshot(): EmulatorSnapshot;
  /** Empty the tenant and put the clock back to the real one. */
  reset(): void;
  /**
   * Sets the clock the tenant's keys go by (upload expiry checks, getActiveKey, `PUT /_emulator/clock`):
   * a Date, ISO string or epoch ms; null goes back to the real clock. Tokens keep the real clock.
   */
  setClock(now: Date | string | number | null): void;
  /** The emulator's now (ISO 8601) and its offset from the real clock in ms. */
  getClock(): { now: string; offsetMs: number };
  stop(): Promise<void>;
}
