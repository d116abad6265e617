// Public entry of the local Azure AD B2C Microsoft Graph emulator (package subpath "./emulator").
import { ensureCertificateAuthority } from "./certificateAuthority";
import { FaultInjector } from "./faults";
import { RequestLog } from "./requestLog";
import {
  DEFAULT_BEHAVIOUR,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PERMISSIONS,
  DEFAULT_TENANT_ID,
  DEFAULT_TENANT_NAME,
  EmulatorRuntime,
} from "./runtime";
import { startEmulatorServer } from "./server";
import { EmulatorStore } from "./store";
import type { EmulatorApplication, EmulatorOptions, RunningEmulator } from "./types";

export type {
  EmulatorApplication,
  EmulatorBehaviour,
  EmulatorOptions,
  EmulatorSnapshot,
  FaultRule,
  FaultSettings,
  IdentityProviderSnapshot,
  KeySetSnapshot,
  KeySnapshot,
  PolicySnapshot,
  RateLimitSettings,
  RequestLogEntry,
  RunningEmulator,
  UserFlowSnapshot,
} from "./types";
export { DEFAULT_BEHAVIOUR, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PERMISSIONS, DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME };
export { DEFAULT_RATE_LIMIT } from "./faults";
export { POLICY_VALIDATION_ERROR_CODE } from "./errorCatalogue";
export { emulatorSecretFingerprintMatches } from "./runtime";

function checkApplications(applications: EmulatorApplication[]): EmulatorApplication[] {
  if (applications.length === 0) throw new TypeError("applications must contain at least one application");
  const seen = new Set<string>();
  return applications.map((app) => {
    if (!app || typeof app.clientId !== "string" || app.clientId === "") throw new TypeError("every application needs a clientId");
    if (typeof app.clientSecret !== "string") throw new TypeError(`application ${app.clientId} needs a clientSecret (string)`);
    if (!Array.isArray(app.permissions)) throw new TypeError(`application ${app.clientId} needs a permissions array`);
    if (seen.has(app.clientId.toLowerCase())) throw new TypeError(`duplicate application ${app.clientId}`);
    seen.add(app.clientId.toLowerCase());
    return { ...app, permissions: [...app.permissions] };
  });
}

/** Starts an HTTPS Microsoft Graph (B2C) emulator that is also the token authority. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tenantName = options.tenantName ?? DEFAULT_TENANT_NAME;
  if (!/^[A-Za-z0-9-]+$/.test(tenantName)) throw new TypeError("tenantName may contain only letters, digits and '-'");
  const tenant = {
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    tenantName,
    tenantDomain: `${tenantName}.onmicrosoft.com`,
    mode: options.tenantMode ?? "b2c",
  } as const;
  const applications = checkApplications(
    options.applications ?? [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, permissions: [...DEFAULT_PERMISSIONS] }],
  );
  const windowClock = options.windowClock ?? Date.now;
  const store = new EmulatorStore(tenant, options.stateFile, windowClock);
  store.load();
  const runtime = new EmulatorRuntime(tenant, applications, store, new FaultInjector(options.faults, windowClock), new RequestLog(), options.behaviour);
  const ca = ensureCertificateAuthority(options.caDir);
  const server = await startEmulatorServer(runtime, ca, options.host ?? "127.0.0.1", options.port ?? 0, {
    allowRemote: options.allowRemote,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });

  return {
    url: server.url,
    graphEndpoint: server.url,
    authorityHost: server.url,
    caFile: ca.caFile,
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    tenantDomain: tenant.tenantDomain,
    clientId: applications[0].clientId,
    clientSecret: applications[0].clientSecret,
    controlToken: runtime.controlToken,
    requestLog: () => runtime.log.list(),
    clearRequestLog: () => runtime.log.clear(),
    setFaults: (f) => runtime.faults.update(f),
    restartConsistencyWindow: () => runtime.faults.restartConsistencyWindow(),
    getFaults: () => runtime.faults.get(),
    setBehaviour: (b) => runtime.setBehaviour(b),
    getBehaviour: () => runtime.getBehaviour(),
    snapshot: () => store.snapshot(),
    reset: () => {
      store.reset();
      runtime.clock.set(null);
    },
    setClock: (now) => runtime.clock.set(now),
    getClock: () => runtime.clock.get(),
    stop: () => server.close(),
  };
}
