// Shared state of one running emulator, handed to the route families.
import { randomBytes } from "crypto";
import { EmulatorClock } from "./clock";
import { FaultInjector } from "./faults";
import { GraphError, withOptions } from "./graphErrors";
import { RequestLog } from "./requestLog";
import { EmulatorStore } from "./store";
import type { EmulatorApplication, EmulatorBehaviour } from "./types";

export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME } from "./tenantDefaults";
export const DEFAULT_PERMISSIONS = [
  "IdentityProvider.ReadWrite.All",
  "IdentityUserFlow.ReadWrite.All",
  "TrustFrameworkKeySet.ReadWrite.All",
  "Policy.ReadWrite.TrustFramework",
];

export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = {
  duplicateIdentityProviderStatus: 400,
  secretMask: "******",
  echoClientSecretOnCreate: false,
  duplicateAttach: "error",
  deleteAttachedIdentityProvider: "fail",
  userFlowIdPrefix: "keepPrefixed",
  keySetIdPrefix: "keepPrefixed",
  userFlowUpdateStatus: 204,
  defaultLanguageTagOnCreate: "en",
  duplicateKeySetStatus: 409,
  concurrentWriteStatus: 409,
  duplicateUserFlowStatus: 409,
  policyValidationStatus: 400,
  policyJsonRead: false,
  rejectKeysOnKeySetCreate: false,
  keyDatesAsStrings: false,
  keySetDeleteLeavesBackup: false,
  missingKeySetOnKeyOperation: "AADB2C90073",
  noActiveKeyStatus: 404,
  uploadedKeysStartDisabled: false,
  detectWrongPkcs12Password: true,
  requireXmlContentTypeForPolicies: true,
  validatePolicies: true,
  deleteInheritedPolicy: "allow",
  rateLimitScope: "identityContainer",
  availableProviderTypesExcludeConfigured: false,
  cloud: "AzurePublic",
  downloadAddsTenantObjectId: false,
  deprecatedEndpoints: "reject",
  pageSize: 0,
  batchResponseOrder: "reversed",
  detectConcurrentWrites: true,
  tokenLifetimeSeconds: 3599,
  enforcePermissions: true,
  echoSecretsInErrors: false,
  rewordErrorMessages: false,
};

export interface TenantInfo {
  tenantId: string;
  tenantName: string;
  tenantDomain: string;
  mode: "b2c" | "workforce";
}

export class EmulatorRuntime {
  /** "https://host:port", set once the server listens. */
  baseUrl = "";
  /** Per-start secret the control API (/_emulator/*) requires (Authorization: Bearer <token>). */
  readonly controlToken = randomBytes(24).toString("base64url");
  /** Time as the tenant's keys see it (settable: emulator/clock.ts). */
  readonly clock = new EmulatorClock();
  private behaviourValues: EmulatorBehaviour;

  constructor(
    readonly tenant: TenantInfo,
    readonly applications: EmulatorApplication[],
    readonly store: EmulatorStore,
    readonly faults: FaultInjector,
    readonly log: RequestLog,
    behaviour: Partial<EmulatorBehaviour> = {},
  ) {
    this.behaviourValues = { ...DEFAULT_BEHAVIOUR };
    this.setBehaviour(behaviour);
  }

  get behaviour(): EmulatorBehaviour {
    return this.behaviourValues;
  }

  getBehaviour(): EmulatorBehaviour {
    return { ...this.behaviourValues };
  }

  /** Merges known switches; unknown names or wrong value types throw TypeError. */
  setBehaviour(partial: Partial<EmulatorBehaviour>): void {
    if (partial === null || typeof partial !== "object" || Array.isArray(partial)) {
      throw new TypeError("behaviour must be an object");
    }
    const next: Record<string, unknown> = { ...this.behaviourValues };
    for (const [name, value] of Object.entries(partial)) {
      if (value === undefined) continue;
      if (!(name in DEFAULT_BEHAVIOUR)) throw new TypeError(`unknown behaviour switch '${name}'`);
      const expected = typeof (DEFAULT_BEHAVIOUR as unknown as Record<string, unknown>)[name];
      if (typeof value !== expected) throw new TypeError(`behaviour.${name} must be a ${expected}`);
      next[name] = value;
    }
    const b = next as unknown as EmulatorBehaviour;
    const oneOf = (name: keyof EmulatorBehaviour, allowed: unknown[]) => {
      if (!allowed.includes(b[name])) throw new TypeError(`behaviour.${name} must be one of ${allowed.join(", ")}`);
    };
    oneOf("duplicateIdentityProviderStatus", [400, 409]);
    oneOf("duplicateKeySetStatus", [400, 409]);
    oneOf("concurrentWriteStatus", [400, 409]);
    oneOf("duplicateUserFlowStatus", [400, 409]);
    oneOf("policyValidationStatus", [400, 422]);
    oneOf("noActiveKeyStatus", [400, 404]);
    oneOf("duplicateAttach", ["ok", "error"]);
    oneOf("deleteAttachedIdentityProvider", ["fail", "cascade"]);
    oneOf("missingKeySetOnKeyOperation", ["AADB2C90073", "AADB2C95052"]);
    oneOf("deprecatedEndpoints", ["reject", "emulate"]);
    oneOf("batchResponseOrder", ["reversed", "request"]);
    oneOf("rateLimitScope", ["identityContainer", "all"]);
    oneOf("cloud", ["AzurePublic", "AzureChina", "AzureUSGovernment"]);
    oneOf("userFlowIdPrefix", ["always", "keepPrefixed"]);
    oneOf("keySetIdPrefix", ["always", "keepPrefixed"]);
    oneOf("deleteInheritedPolicy", ["allow", "refuse"]);
    oneOf("userFlowUpdateStatus", [200, 204]);
    if (!Number.isInteger(b.pageSize) || b.pageSize < 0) throw new TypeError("behaviour.pageSize must be a non-negative integer");
    if (!(b.tokenLifetimeSeconds > 0)) throw new TypeError("behaviour.tokenLifetimeSeconds must be positive");
    this.behaviourValues = b;
  }

  /** True while a freshly created object must still answer 404 on reads. */
  isInvisible(createdAt: number): boolean {
    return this.faults.isInConsistencyWindow(createdAt);
  }

  /**
   * The record, or the `notFound` error when there is none; for reads also while the record is
   * inside the consistency window (the answer then names the fault in the request log).
   */
  found<T extends { readonly createdAt: number }>(record: T | undefined, notFound: () => GraphError, forRead: boolean): T {
    if (!record) throw notFound();
    if (forRead && this.isInvisible(record.createdAt)) throw withOptions(notFound(), { fault: "consistencyWindow" });
    return record;
  }
}

/** Whether `secret` is the one behind a fingerprint in a snapshot, the state file or the control API. */
export { secretFingerprintMatches as emulatorSecretFingerprintMatches } from "./storeRecords";
