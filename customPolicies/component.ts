import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { policyDocumentProblem } from "./rules";
import { formatPolicyProblems, PolicyProblem, policySetWarnings, validatePolicySet } from "../policies/offlineValidation";
import {
  AppSettings,
  parseAppSettings,
  PolicyEnvironment,
  selectEnvironment,
  substitutePlaceholders,
  tenantDomainOf,
} from "../policies/placeholders";
import { CACHE_NOTE, DEFAULT_KEEP, developmentModeWarnings } from "../policies/policyReleases";
import { PolicyReleaseHistoryResource, PolicyReleaseRecordResource } from "./releases";
import { policyContentHash, TrustFrameworkPolicyResource } from "./provider";
import { InputProblem } from "../domain/problems";
import { throwIfProblems } from "../kernel/errors";
import { declareOnce, isOutputLike, TenantDomainArgs, tenantDomainArguments, tenantInput } from "../kernel/inputs";
import { planPolicySet, planRelease, policyDependencyHash, unknownKeySetProblems } from "./plan";

/** One custom policy file: its name (used in messages, e.g. "TrustFrameworkBase.xml") and its XML text. */
export interface PolicyFileArgs {
  /** File name shown in problems ("TrustFrameworkBase.xml:12: …") and used for {Settings:Filename}. Required, unique in the set. */
  fileName: string;
  /** The policy document, as in the starter pack (placeholders allowed: they are substituted). Required. */
  xml: string;
}

/** A key set the policies may reference: its id (e.g. `PolicyKey.keySetId`), or anything with a `keySetId` (a PolicyKey component). */
export type PolicyKeySetRef = pulumi.Input<string> | { keySetId: pulumi.Input<string> };

export interface TrustFrameworkPolicySetArgs extends TenantDomainArgs {
  /** The policy files, in any order (the upload order comes from the BasePolicy chain). Give exactly one of `policies` and `folder`. https://learn.microsoft.com/azure/active-directory-b2c/custom-policy-overview */
  policies?: PolicyFileArgs[];
  /** A folder whose `*.xml` files are the policy set (not recursive; relative to the working directory, i.e. the Pulumi project). Exactly one of `policies` and `folder`. */
  folder?: string;
  /** The tenant's domain ("contoso.onmicrosoft.com", or just "contoso"). Default: the domain the `tenant` config namespace names (`b2c:tenantId` when it is a domain, else `b2c:tenantName`), else the appSettings environment's Tenant. Every policy's TenantId must be this tenant. https://learn.microsoft.com/azure/active-directory-b2c/tenant-management-read-tenant-name */
  tenantDomain?: string;
  /** Application (client) id of the IdentityExperienceFramework app (e.g. `IefApplications.identityExperienceFrameworkAppId`): replaces `IdentityExperienceFrameworkAppId` and `{Settings:IdentityExperienceFrameworkAppId}`. Default: the appSettings environment's value. GUID. https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy#add-application-ids-to-the-custom-policy */
  identityExperienceFrameworkAppId?: pulumi.Input<string>;
  /** Application (client) id of the ProxyIdentityExperienceFramework app: replaces `ProxyIdentityExperienceFrameworkAppId` and `{Settings:ProxyIdentityExperienceFrameworkAppId}`. Default: the appSettings environment's value. GUID. */
  proxyIdentityExperienceFrameworkAppId?: pulumi.Input<string>;
  /** The Azure AD B2C VS Code extension's appsettings.json: its text, the parsed object, or a file path. Its environment's PolicySettings fill `{Settings:<Key>}` tokens. Optional. https://github.com/azure-ad-b2c/vscode-extension#policy-settings */
  appSettings?: string | AppSettings | Record<string, unknown>;
  /** Name of the appSettings environment to use (case-insensitive). Default: the only environment, when there is exactly one; required otherwise. */
  environment?: string;
  /** Key sets created in this program that the policies reference, e.g. `[wechatKey.keySetId]` or the PolicyKey components themselves: uploads wait for them, and their ids count as existing for the StorageReferenceId check. https://learn.microsoft.com/azure/active-directory-b2c/policy-keys-overview */
  keySets?: PolicyKeySetRef[];
  /** Policy ids already in the tenant (not managed here) that a BasePolicy may name. Default none. */
  existingPolicyIds?: string[];
  /** Key set ids already in the tenant (not managed here) that a StorageReferenceId may name, e.g. "B2C_1A_TokenSigningKeyContainer". Default none. */
  existingKeySetIds?: string[];
  /** Resources every policy upload waits for (e.g. an identity provider the journeys use). Optional. */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
  /** true: policies with these PolicyIds that exist already (made in the portal, or by another stack) are replaced and managed, and left in the tenant on destroy. Default false: uploading over an existing policy fails, naming it. */
  adoptExisting?: boolean;
  /**
   * Releases instead of in-place updates (recommended for production tenants; README "Custom policies").
   * A change anywhere in the chain below the relying parties uploads a new release of that chain beside
   * the live one, under ids carrying a tag derived from its content (`B2C_1A_TrustFrameworkBase_r1a2b3c4d`);
   * only then are the relying parties re-uploaded to point at it, one upload each. `keep` (default 2)
   * releases stay in the tenant, so rolling the program back switches back with no chain upload; older
   * ones are deleted after the switch, children first. `versionRelyingParties: true` gives the relying
   * parties release ids too (see `release.relyingPartyIds`). Without it: in-place updates, as before.
   * https://learn.microsoft.com/azure/active-directory-b2c/best-practices
   */
  versioning?: PolicySetVersioning;
  /** The set is for a production tenant: `DeploymentMode="Development"` is then a warning. Default false. */
  production?: boolean;
}

export interface PolicySetVersioning {
  /** Releases kept in the tenant, the active one included: whole number, 1 or more. Default 2 (the active one and the last known good one). */
  keep?: number;
  /** Relying parties get release ids too (new ids for each release, as outputs), instead of stable ids re-pointed at the release. Default false. */
  versionRelyingParties?: boolean;
}

/** The release a versioned set is on: the component's `release` output. */
export interface PolicySetRelease {
  /** Tag of the active release. */
  activeRelease: string;
  /** ISO time the relying parties were switched to it. */
  switchedAt: string;
  /** Tags of the releases in the tenant, the active one first. */
  keptReleases: string[];
  /** Each relying party's PolicyId (as written) to the id apps use now (the same unless versionRelyingParties). */
  relyingPartyIds: Record<string, string>;
  /** B2C may serve the previous release for up to 30 minutes. */
  note: string;
}

/** Stand-ins for app ids not known yet, swapped for the real values once they are (same length and shape as a GUID). */
const IEF_APP_ID_STANDIN = "1ef00000-0000-4000-8000-0000000000a1";
const PROXY_APP_ID_STANDIN = "1ef00000-0000-4000-8000-0000000000a2";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PreparedPolicy {
  fileName: string;
  /** Substituted XML, with stand-ins for app ids not known yet. */
  xml: string;
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function sameId(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

function readFolder(folder: string, problems: InputProblem[]): PolicyFileArgs[] {
  const dir = path.resolve(folder);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".xml")).sort();
  } catch (error) {
    problems.push({ argument: "folder", reason: `cannot be read (${dir}): ${(error as Error).message}` });
    return [];
  }
  if (names.length === 0) problems.push({ argument: "folder", reason: `has no *.xml policy files (${dir})` });
  return names.map((fileName) => ({ fileName, xml: fs.readFileSync(path.join(dir, fileName), "utf8") }));
}

function loadAppSettings(value: TrustFrameworkPolicySetArgs["appSettings"], problems: InputProblem[]): AppSettings | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value === "string" && !value.trim().startsWith("{")) {
      const file = path.resolve(value);
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (error) {
        problems.push({ argument: "appSettings", reason: `is neither JSON text nor a readable file (${file}): ${(error as Error).message}` });
        return undefined;
      }
      return parseAppSettings(text);
    }
    return parseAppSettings(value);
  } catch (error) {
    problems.push({ argument: "appSettings", reason: (error as Error).message });
    return undefined;
  }
}

function chooseEnvironment(appSettings: AppSettings | undefined, name: string | undefined, problems: InputProblem[]): PolicyEnvironment | undefined {
  if (!appSettings) {
    if (name !== undefined) problems.push({ argument: "environment", reason: "needs appSettings (the environments are defined there)" });
    return undefined;
  }
  if (name === undefined) {
    if (appSettings.Environments.length === 1) return appSettings.Environments[0];
    problems.push({
      argument: "environment",
      reason: `is required: appSettings has ${appSettings.Environments.length} environments (${appSettings.Environments.map((e) => e.Name).join(", ") || "none"})`,
    });
    return undefined;
  }
  try {
    return selectEnvironment(appSettings, name);
  } catch (error) {
    problems.push({ argument: "environment", reason: (error as Error).message });
    return undefined;
  }
}

/**
 * The one error for every problem of the set: a ResourceError on the component with the stack
 * hidden, so Pulumi prints just the message, once (its unhandled-rejection handler reports an error
 * object once however many gated inputs it rejects). Pulumi's serializer prefixes the message with
 * `error serializing property "xml": ` for each input the same error passes through; the message
 * is kept as written so that the user reads the problem list, not five prefixes.
 */
function setFailure(component: pulumi.Resource, message: string, problems: PolicyProblem[]): Error {
  const error = new pulumi.ResourceError(message, component, true);
  Object.defineProperty(error, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
  return Object.assign(error, { problems });
}

function policySetError(component: pulumi.Resource, name: string, problems: PolicyProblem[], note = ""): Error {
  return setFailure(
    component,
    `TrustFrameworkPolicySet "${name}": ${problems.length} problem(s) found before uploading anything${note}:\n${formatPolicyProblems(problems)}`,
    problems,
  );
}

/**
 * @internal The set's arguments checked (synchronously: a mistake fails at once, in preview too,
 * naming the argument) and its files read and substituted with everything known now; app ids given
 * as Outputs get stand-ins, swapped for the real values when they are known.
 */
export function preparePolicySet(label: string, args: TrustFrameworkPolicySetArgs): { tenant: string; namespace: string; warnings: string[]; prepared: PreparedPolicy[] } {
  const problems: InputProblem[] = [];
  let files: PolicyFileArgs[] = [];
  if ((args.policies === undefined) === (args.folder === undefined)) {
    problems.push({ argument: "policies", reason: "give exactly one of policies (a list of {fileName, xml}) and folder (a path)" });
  } else if (args.folder !== undefined) {
    files = readFolder(args.folder, problems);
  } else if (!Array.isArray(args.policies) || args.policies.length === 0) {
    problems.push({ argument: "policies", reason: "must be a non-empty list of {fileName, xml}" });
  } else {
    files = args.policies;
    files.forEach((f, i) => {
      if (!f || typeof f.fileName !== "string" || f.fileName.trim() === "") problems.push({ argument: `policies[${i}].fileName`, reason: "is required" });
      if (!f || typeof f.xml !== "string" || f.xml.trim() === "") problems.push({ argument: `policies[${i}].xml`, reason: "must be the policy XML text" });
    });
    const seen: string[] = [];
    for (const f of files) {
      if (typeof f?.fileName !== "string") continue;
      if (seen.some((s) => s.toLowerCase() === f.fileName.toLowerCase())) problems.push({ argument: "policies", reason: `file name ${f.fileName} is given twice` });
      seen.push(f.fileName);
    }
  }
  files.forEach((f, i) => {
    // Before any parsing: size and DOCTYPE (customPolicies/rules.ts).
    const problem = typeof f?.xml === "string" ? policyDocumentProblem(f.xml) : undefined;
    if (problem) problems.push({ argument: args.folder !== undefined ? `folder: ${f.fileName}` : `policies[${i}].xml (${f.fileName})`, reason: problem });
  });
  const appSettings = loadAppSettings(args.appSettings, problems);
  const environment = chooseEnvironment(appSettings, args.environment, problems);
  const { namespace, tenantDomain: tenant, warnings } = tenantDomainArguments(args, problems, () => (environment ? tenantDomainOf(environment.Tenant).toLowerCase() : undefined));
  if (tenant && environment && tenantDomainOf(environment.Tenant).toLowerCase() !== tenant) {
    problems.push({
      argument: "environment",
      reason: `appSettings environment "${environment.Name}" is for tenant ${environment.Tenant}, but this stack's tenant is ${tenant}`,
    });
  }
  for (const [argument, value] of [
    ["identityExperienceFrameworkAppId", args.identityExperienceFrameworkAppId],
    ["proxyIdentityExperienceFrameworkAppId", args.proxyIdentityExperienceFrameworkAppId],
  ] as const) {
    if (value !== undefined && !isOutputLike(value) && !GUID.test(String(value).trim())) {
      problems.push({ argument, reason: `must be an application (client) id GUID, got ${JSON.stringify(value)}` });
    }
  }
  throwIfProblems(label, problems);

  // Substitution with everything known now; app ids given as Outputs get stand-ins.
  const iefArg = args.identityExperienceFrameworkAppId;
  const proxyArg = args.proxyIdentityExperienceFrameworkAppId;
  const iefNow = iefArg === undefined ? environment?.PolicySettings.IdentityExperienceFrameworkAppId : isOutputLike(iefArg) ? IEF_APP_ID_STANDIN : String(iefArg).trim();
  const proxyNow =
    proxyArg === undefined ? environment?.PolicySettings.ProxyIdentityExperienceFrameworkAppId : isOutputLike(proxyArg) ? PROXY_APP_ID_STANDIN : String(proxyArg).trim();
  const settings: Record<string, string> = { ...(environment?.PolicySettings ?? {}) };
  if (iefNow !== undefined) settings.IdentityExperienceFrameworkAppId = iefNow;
  if (proxyNow !== undefined) settings.ProxyIdentityExperienceFrameworkAppId = proxyNow;
  const prepared: PreparedPolicy[] = files.map((f) => ({
    fileName: f.fileName,
    xml: substitutePlaceholders(f.xml, {
      tenant: tenant!,
      identityExperienceFrameworkAppId: iefNow,
      proxyIdentityExperienceFrameworkAppId: proxyNow,
      settings,
      environmentName: environment?.Name,
      fileName: f.fileName,
    }),
  }));
  return { tenant: tenant!, namespace, warnings, prepared };
}

function checkVersioning(label: string, value: TrustFrameworkPolicySetArgs["versioning"]): Required<PolicySetVersioning> | undefined {
  if (value === undefined) return undefined;
  const problems: InputProblem[] = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push({ argument: "versioning", reason: "must be an object such as { keep: 2 }" });
  } else {
    if (value.keep !== undefined && (!Number.isInteger(value.keep) || value.keep < 1)) {
      problems.push({ argument: "versioning.keep", reason: `must be a whole number of releases, 1 or more (the active one counts), got ${JSON.stringify(value.keep)}` });
    }
    if (value.versionRelyingParties !== undefined && typeof value.versionRelyingParties !== "boolean") {
      problems.push({ argument: "versioning.versionRelyingParties", reason: "must be true or false" });
    }
  }
  throwIfProblems(label, problems);
  return { keep: value.keep ?? DEFAULT_KEEP, versionRelyingParties: value.versionRelyingParties ?? false };
}

/**
 * A set of Azure AD B2C custom policies (TrustFrameworkBase, Localization, Extensions, relying
 * parties), uploaded with Graph beta `PUT /trustFramework/policies/{id}/$value` in BasePolicy order.
 * Placeholders (the starter pack's `yourtenant`, the IEF app ids, the VS Code extension's
 * `{Settings:…}`) are substituted per environment, and the whole set is checked offline before
 * anything is uploaded: well-formedness, the policy schema, TenantId, BasePolicy and
 * StorageReferenceId references, leftover placeholders. All problems are reported together, one
 * `file:line: problem` per line. A changed policy re-uploads itself and the policies built on it.
 * https://learn.microsoft.com/azure/active-directory-b2c/tutorial-create-user-flows?pivots=b2c-custom-policy
 */
export class TrustFrameworkPolicySet extends pulumi.ComponentResource {
  /** The PolicyIds, in upload order (parents first). */
  readonly policyIds: pulumi.Output<string[]>;
  /** The policy resources, in upload order. */
  readonly policies: TrustFrameworkPolicyResource[];
  /** The domain of the tenant the policies are for (e.g. "contoso.onmicrosoft.com"). */
  readonly tenantDomain: string;
  /** @deprecated The same as tenantDomain (`tenant` is the config namespace everywhere else); kept for 0.2 programs. */
  readonly tenant: string;
  /** With `versioning`: the active release, when it was switched, the kept releases, the relying parties' ids. Undefined without. */
  readonly release: pulumi.Output<PolicySetRelease | undefined>;

  constructor(name: string, args: TrustFrameworkPolicySetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:TrustFrameworkPolicySet", name, {}, opts);
    const label = `TrustFrameworkPolicySet "${name}"`;

    // 1. Arguments checked, files read and substituted.
    const { tenant, namespace, warnings, prepared } = preparePolicySet(label, args);
    for (const warning of warnings) pulumi.log.warn(`${label}: ${warning}`, this);
    this.tenantDomain = tenant;
    this.tenant = tenant;
    const iefArg = args.identityExperienceFrameworkAppId;
    const proxyArg = args.proxyIdentityExperienceFrameworkAppId;

    // 2. Offline validation, started now (it doesn't wait for any Output). Key sets given as
    //    Outputs (created by this program) are only known later: their check is deferred.
    const keySetRefs = (args.keySets ?? []).map((k) => (k !== null && typeof k === "object" && !isOutputLike(k) && "keySetId" in k ? k.keySetId : (k as pulumi.Input<string>)));
    const knownKeySets = keySetRefs.filter((k): k is string => typeof k === "string");
    const keySetsPending = keySetRefs.some((k) => typeof k !== "string");
    const existingPolicyIds = args.existingPolicyIds ?? [];
    const existingKeySetIds = args.existingKeySetIds ?? [];
    // One parse per file: the plan (order, references) and the validation share the documents.
    const planned = planPolicySet(prepared, { existingPolicyIds });
    const plan = planned.order;
    const versioning = checkVersioning(label, args.versioning);
    const release = versioning && plan ? planRelease(planned, plan, prepared, versioning) : undefined;
    if (release) throwIfProblems(label, release.problems.map((reason) => ({ argument: "versioning", reason })));
    if (args.production === true) for (const warning of developmentModeWarnings(planned.documents)) pulumi.log.warn(`${label}: ${warning.message}`, this);
    const immediate: Promise<PolicyProblem[]> = validatePolicySet(planned.documents, {
      tenantDomain: this.tenantDomain,
      existingPolicyIds,
      declaredKeySetIds: knownKeySets,
      existingKeySetIds,
    }).then((found) => (keySetsPending ? found.filter((p) => p.kind !== "policy-key") : found));
    // What the service accepts (e.g. a PublicPolicyUri on another host) is a warning, not a failure.
    for (const warning of policySetWarnings(planned.documents, { tenantDomain: this.tenantDomain })) pulumi.log.warn(`${label}: ${warning.message}`, this);
    const noPlan = (): Error => setFailure(this, `${label}: ${planned.reason}`, []);
    const pendingNote = keySetsPending ? " (StorageReferenceIds are checked once the keySets' ids are known)" : "";
    const allKeySets: pulumi.Output<string[]> = pulumi.all(keySetRefs).apply((ids) => ids.map((id) => String(id)));
    const checked: pulumi.Output<boolean> = keySetsPending
      ? pulumi.all([pulumi.output(immediate), allKeySets]).apply(([found, ids]) => {
          if (found.length > 0) throw policySetError(this, name, found, pendingNote);
          if (!plan) throw noPlan();
          // The deferred StorageReferenceId check: same rule and wording as validatePolicySet.
          const late = unknownKeySetProblems(planned, [...ids, ...existingKeySetIds]);
          if (late.length > 0) throw policySetError(this, name, late);
          return true;
        })
      : pulumi.output(
          immediate.then((found) => {
            if (found.length > 0) throw policySetError(this, name, found);
            if (!plan) throw noPlan();
            return true;
          }),
        );

    // 3. One resource per policy, parents first.
    const ids = pulumi.all([pulumi.output(iefArg), pulumi.output(proxyArg)]);
    const finalXml = (p: PreparedPolicy): pulumi.Output<string> =>
      pulumi.all([checked, ids]).apply(([, [ief, proxy]]) => {
        const late: InputProblem[] = [];
        if (isOutputLike(iefArg) && !GUID.test(String(ief ?? "").trim())) {
          late.push({ argument: "identityExperienceFrameworkAppId", reason: `must be an application (client) id GUID, got ${JSON.stringify(ief)}` });
        }
        if (isOutputLike(proxyArg) && !GUID.test(String(proxy ?? "").trim())) {
          late.push({ argument: "proxyIdentityExperienceFrameworkAppId", reason: `must be an application (client) id GUID, got ${JSON.stringify(proxy)}` });
        }
        throwIfProblems(label, late);
        let xml = p.xml;
        if (isOutputLike(iefArg)) xml = xml.split(IEF_APP_ID_STANDIN).join(xmlEscape(String(ief).trim()));
        if (isOutputLike(proxyArg)) xml = xml.split(PROXY_APP_ID_STANDIN).join(xmlEscape(String(proxy).trim()));
        return xml;
      });

    // With versioning, the release's bookkeeping (customPolicies/releases.ts): the record below the
    // chain (every release policy waits for it; preview fails there when the tenant would be full),
    // the history above the relying parties (its update, after the switch, prunes old releases).
    const idOf = (policyId: string) => release?.idOf(policyId) ?? policyId;
    const releaseInput = release ? checked.apply(() => ({ tag: release.tag, policyIds: release.releaseIds })) : undefined;
    const record =
      release &&
      new PolicyReleaseRecordResource(
        `${name}-release-record`,
        { release: releaseInput!, policyIds: release.order.map((n) => idOf(n.policyId)), ...tenantInput(label, namespace, "tenant", true) },
        { parent: this },
      );
    const chain: TrustFrameworkPolicyResource[] = [];

    const resources: TrustFrameworkPolicyResource[] = [];
    const uploaded: Record<string, { resource: TrustFrameworkPolicyResource; content: pulumi.Output<string>; dependsOn: pulumi.Output<string> }> = {};
    for (const node of release?.order ?? plan ?? []) {
      declareOnce("policy", node.policyId, node.fileName, label, namespace);
      const id = idOf(node.policyId);
      const inRelease = release !== undefined && id !== node.policyId;
      const relyingParty = release?.isRelyingParty(node.policyId) ?? false;
      const xml = finalXml(release ? { fileName: node.fileName, xml: release.xmlOf(node.fileName) } : prepared.find((p) => p.fileName === node.fileName)!);
      const base = node.baseInSet ? uploaded[node.basePolicyId!.toUpperCase()] : undefined;
      const parent = base?.resource;
      const dependsOnHash: pulumi.Output<string> = base
        ? pulumi.all([base.content, base.dependsOn]).apply(([content, dependsOn]) => policyDependencyHash(node, { content, dependsOn }))
        : pulumi.output(policyDependencyHash(node));
      // A release's chain waits for the record; each relying party for the WHOLE chain, so the switch
      // happens only once every policy of the release is uploaded.
      const dependsOn = mergeDependsOn(args.dependsOn, [...(parent ? [parent] : []), ...(record && !relyingParty ? [record] : []), ...(relyingParty ? chain : [])]);
      const resource = new TrustFrameworkPolicyResource(
        `${name}-${id}`,
        {
          policyId: id,
          xml,
          dependsOnHash,
          // Only a parent uploaded by this set may be "not visible yet"; a missing existing one fails at once.
          ...(parent ? { basePolicyId: idOf(node.basePolicyId!) } : {}),
          // Likewise only key sets this program creates are retried while B2C can't see them yet. This
          // Output also makes the upload wait for the PolicyKey resources behind keySets.
          keySetIds: allKeySets.apply((declared) => node.keySets.map((k) => k.keySetId).filter((k) => declared.some((d) => sameId(d, k)))),
          // A release policy found in the tenant with the same content is a kept release coming back
          // (a rollback): taken over with no upload.
          ...(args.adoptExisting || inRelease ? { adoptExisting: true } : {}),
          ...tenantInput(label, namespace, "tenant", true),
        },
        // A superseded release leaves the program but stays in the tenant while kept: the history
        // prunes it, the record removes it on destroy.
        { parent: this, ...(dependsOn ? { dependsOn } : {}), ...(inRelease ? { retainOnDelete: true } : {}) },
      );
      uploaded[node.policyId.toUpperCase()] = { resource, content: xml.apply(policyContentHash), dependsOn: dependsOnHash };
      resources.push(resource);
      if (!relyingParty) chain.push(resource);
    }
    this.policies = resources;
    const history =
      release &&
      new PolicyReleaseHistoryResource(
        `${name}-release-history`,
        { release: releaseInput!, keep: versioning!.keep, ...tenantInput(label, namespace, "tenant", true) },
        { parent: this, dependsOn: resources },
      );
    // Rejects with the validation error when there are problems (also when no plan could be made).
    this.policyIds = pulumi.all([checked, pulumi.all(resources.map((r) => r.urn))]).apply(() => (release?.order ?? plan ?? []).map((n) => idOf(n.policyId)));
    this.release = history
      ? pulumi.all([history.activeRelease, history.switchedAt, history.keptReleases]).apply(([activeRelease, switchedAt, keptReleases]) => ({
          activeRelease,
          switchedAt,
          keptReleases,
          relyingPartyIds: Object.fromEntries(release!.order.filter((n) => release!.isRelyingParty(n.policyId)).map((n) => [n.policyId, idOf(n.policyId)])),
          note: CACHE_NOTE,
        }))
      : pulumi.output(undefined);
    this.registerOutputs({ policyIds: this.policyIds, release: this.release });
  }
}

function mergeDependsOn(
  extra: TrustFrameworkPolicySetArgs["dependsOn"],
  own: pulumi.Resource[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> | undefined {
  if (extra === undefined) return own.length > 0 ? own : undefined;
  if (Array.isArray(extra)) return [...extra, ...own];
  if (pulumi.Resource.isInstance(extra)) return [extra, ...own];
  return pulumi.output(extra as pulumi.Input<pulumi.Resource | pulumi.Input<pulumi.Resource>[]>).apply((d) => [...(Array.isArray(d) ? d : [d]), ...own]) as pulumi.Output<pulumi.Resource[]>;
}
