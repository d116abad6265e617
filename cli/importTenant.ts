import { GraphApi } from "../graph/client";
import { identityProviderApiVersion } from "../graph/clouds";
import { GraphSettings } from "../graph/settings";
import { activeKey, validUntil } from "../domain/keyExpiry";
import type { GraphUserFlow } from "../userFlows/provider";
import { defaultSecretKey } from "../program/stackConfig";
import { canonicalProviderType } from "../identityProviders/rules";
import { keySetSource } from "../policyKeys/rules";
import { pathSegment } from "../graph/paths";
import { validateUserFlow } from "../userFlows/rules";
import { validatePolicySet, PolicySetContext } from "../policies/offlineValidation";
import * as fs from "fs";
import * as path from "path";

// `b2c-identity import`: reads a hand-built tenant over Microsoft Graph (the same client, settings
// and credentials as the providers) and describes it as stack config for the stack program, every
// object adopted: identity providers, user flows with their providers, keysets (no key material:
// Graph never returns it) and the custom policies (as files). Reads only: it never writes to Graph.

interface GraphIdentityProvider {
  id: string;
  displayName?: string;
  identityProviderType?: string;
  clientId?: string;
  "@odata.type"?: string;
}
interface GraphKey {
  kid?: string;
  kty?: string;
  use?: string;
  nbf?: number | string;
  exp?: number | string;
  x5c?: string[];
  x5t?: string;
  status?: string;
}
export interface GraphKeySet {
  id: string;
  keys?: GraphKey[];
}

export interface ImportOptions {
  /** Folder the policy files are written to, as the stack config names it (relative to the Pulumi project). */
  policiesDir: string;
  /** Keys whose validity ends within this many days are listed. Default 90. */
  expiringWithinDays?: number;
  /** Now, in Unix seconds (tests). */
  now?: number;
}

export interface ImportResult {
  /** The stack config: `config:` of Pulumi.<stack>.yaml. */
  config: Record<string, unknown>;
  /** Policy files: file name -> XML, as the tenant returns them. */
  policyFiles: Record<string, string>;
  /** Secret config keys the stack needs, with what each one holds. */
  secrets: { key: string; what: string }[];
  /** Keys that expire within the window (or keysets with no valid key). */
  expiring: { keySetId: string; kid: string; expiresOn: string | null; days: number | null }[];
  /** What could not be expressed, and why. */
  notExpressed: string[];
  counts: { identityProviders: number; userFlows: number; keySets: number; policies: number };
}

const DAY = 24 * 3600;

function seconds(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

// How a keyset's keys were made, as far as Graph tells: the same rule as `pulumi import` (policyKeys/rules.ts).
export { keySetSource };

/** Reads the tenant and builds the stack config. Reads only. */
/**
 * The keysets an import can describe, each with its keys and how they were made (keySetSource):
 * never a portal backup (`.bak`) nor a keyset with no key, each said in `notExpressed`.
 */
export async function keySetsWithKeys(
  graph: GraphApi,
  keySetList: GraphKeySet[],
  notExpressed: string[],
): Promise<{ set: GraphKeySet; keys: NonNullable<GraphKeySet["keys"]>; source: ReturnType<typeof keySetSource>["source"]; note?: string }[]> {
  const described = [];
  for (const set of keySetList) {
    if (/\.bak$/i.test(set.id)) {
      notExpressed.push(`keyset ${set.id}: a portal backup of a deleted keyset; left as it is`);
      continue;
    }
    // Should a list answer leave the keys out, the item itself has them.
    const keys =
      set.keys ??
      (await graph.request<GraphKeySet>({ method: "GET", version: "beta", path: `/trustFramework/keySets/${pathSegment(set.id)}`, description: `read policy key container ${set.id}` }))
        ?.keys ??
      [];
    if (keys.length === 0) {
      notExpressed.push(`keyset ${set.id}: has no key, so its kind is unknown; left as it is`);
      continue;
    }
    described.push({ set, keys, ...keySetSource(keys) });
  }
  return described;
}

export async function importTenant(settings: GraphSettings, options: ImportOptions): Promise<ImportResult> {
  const graph = new GraphApi(settings);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const window = (options.expiringWithinDays ?? 90) * DAY;
  const notExpressed: string[] = [];
  const secrets: ImportResult["secrets"] = [];

  // Identity providers.
  const idps = await graph.list<GraphIdentityProvider>(identityProviderApiVersion(graph.settings.cloud), "/identity/identityProviders", "list identity providers");
  const typeOfId: Record<string, string> = {};
  const identityProviders: Record<string, unknown>[] = [];
  for (const idp of idps) {
    const type = canonicalProviderType(idp.identityProviderType);
    if (!type || (idp["@odata.type"] ?? "").toLowerCase().includes("openidconnect")) {
      notExpressed.push(`identity provider ${idp.id} (${idp.identityProviderType ?? idp["@odata.type"] ?? "unknown type"}): not a social provider type the stack manages; left as it is`);
      continue;
    }
    typeOfId[idp.id.toLowerCase()] = type;
    const idKey = type === "WeChat" || type === "QQ" ? "appId" : "clientId";
    identityProviders.push({ type, [idKey]: idp.clientId ?? "", displayName: idp.displayName ?? type, adoptExisting: true });
    secrets.push({ key: `b2c:${defaultSecretKey(type)}`, what: `the ${type} ${idKey === "appId" ? "APP KEY" : "client secret"} (identity provider ${idp.id})` });
  }

  // User flows and the identity providers each shows.
  const flows = await graph.list<GraphUserFlow>("beta", "/identity/b2cUserFlows", "list user flows");
  const userFlows: Record<string, unknown>[] = [];
  for (const flow of flows) {
    const attached = await graph.list<{ id: string }>(
      "beta",
      `/identity/b2cUserFlows/${pathSegment(flow.id)}/userFlowIdentityProviders`,
      `list identity providers of user flow ${flow.id}`,
    );
    const types: string[] = [];
    for (const a of attached) {
      const type = typeOfId[a.id.toLowerCase()];
      if (type) types.push(type);
      else notExpressed.push(`user flow ${flow.id} shows ${a.id}, which the stack does not manage: it stays attached, untouched`);
    }
    if (types.length === 0) {
      notExpressed.push(`user flow ${flow.id}: shows none of the stack's identity providers (a stack flow needs at least one); left as it is`);
      continue;
    }
    // Only what B2CUserFlow can express is adopted: its type and version (and name) as the stack checks them.
    const flowProblems = validateUserFlow({ name: flow.id, userFlowType: flow.userFlowType, userFlowTypeVersion: flow.userFlowTypeVersion });
    if (flowProblems.length > 0) {
      notExpressed.push(`user flow ${flow.id}: ${flowProblems.map((p) => `${p.argument} ${p.reason}`).join("; ")}, which the stack can't express; left as it is`);
      continue;
    }
    userFlows.push({
      name: flow.id,
      userFlowType: flow.userFlowType,
      userFlowTypeVersion: flow.userFlowTypeVersion,
      isLanguageCustomizationEnabled: flow.isLanguageCustomizationEnabled ?? false,
      ...(flow.defaultLanguageTag ? { defaultLanguageTag: flow.defaultLanguageTag } : {}),
      identityProviders: types,
      adoptExisting: true,
    });
  }

  // Keysets: kind, use, type; never key material. Expiry of the active key.
  const keySetList = await graph.list<GraphKeySet>("beta", "/trustFramework/keySets", "list policy key containers");
  const keySets: Record<string, unknown>[] = [];
  const expiring: ImportResult["expiring"] = [];
  for (const { set, keys, source, note } of await keySetsWithKeys(graph, keySetList, notExpressed)) {
    if (note) notExpressed.push(`keyset ${set.id} ${note}`);
    const kty = (keys[0].kty ?? "").toLowerCase() === "rsa" ? "RSA" : "oct";
    // Certificates are reported as "oct" or "RSA" depending on the upload (Graph's own examples differ): no keyType for them.
    keySets.push({ name: set.id, source, use: keys[0].use ?? "sig", ...(source === "certificate" ? {} : { keyType: kty }), adoptExisting: true });
    const timed = keys.map((k) => ({ kid: k.kid ?? "", nbf: seconds(k.nbf), exp: seconds(k.exp), status: k.status }));
    const until = validUntil(timed, now);
    if (until === null) {
      expiring.push({ keySetId: set.id, kid: "", expiresOn: null, days: null });
    } else if (until !== undefined && until - now <= window) {
      expiring.push({ keySetId: set.id, kid: activeKey(timed, now)?.kid ?? "", expiresOn: new Date(until * 1000).toISOString(), days: Math.floor((until - now) / DAY) });
    }
  }

  // Custom policies, as the tenant returns them: only ids that make a plain file name, one file per
  // name whatever its case, and only documents that pass the offline checks the stack runs before
  // any upload (the rest would stop the stack's TrustFrameworkPolicySet): policyFileProblems.
  const listed = await graph.list<{ id: string }>("beta", "/trustFramework/policies", "list custom policies");
  const named = policyFileIds(listed.map((p) => p.id));
  notExpressed.push(...named.notExpressed);
  const policies = named.accepted.map((id) => ({ id }));
  const policyFiles: Record<string, string> = {};
  for (const p of policies) {
    const xml = await graph.request<string>({
      method: "GET",
      version: "beta",
      path: `/trustFramework/policies/${pathSegment(p.id)}/$value`,
      responseType: "text",
      description: `read custom policy ${p.id}`,
    });
    policyFiles[`${p.id}.xml`] = typeof xml === "string" ? xml : String(xml);
  }
  for (const [file, problem] of Object.entries(
    await policyFileProblems(policyFiles, {
      tenantDomain: settings.tenantDomain ?? settings.tenantId,
      existingPolicyIds: policies.map((p) => p.id),
      existingKeySetIds: keySetList.map((k) => k.id),
    }),
  )) {
    delete policyFiles[file];
    notExpressed.push(`policy ${file.replace(/\.xml$/, "")}: fails the offline checks the stack runs before an upload (${problem}); no file written, left as it is in the tenant`);
  }

  const socialSignIn: Record<string, unknown> = {
    identityProviders,
    ...(userFlows.length > 0 ? { userFlows } : {}),
    ...(keySets.length > 0 ? { keySets } : {}),
    ...(Object.keys(policyFiles).length > 0 ? { customPolicies: { folder: options.policiesDir, adoptExisting: true } } : {}),
  };
  if (identityProviders.length === 0) notExpressed.push("no social identity provider: the stack program needs at least one in b2c:socialSignIn.identityProviders");
  const config: Record<string, unknown> = {
    "b2c:tenantId": settings.tenantId,
    ...(settings.tenantName ? { "b2c:tenantName": settings.tenantName } : {}),
    ...(settings.clientId ? { "b2c:clientId": settings.clientId } : {}),
    ...(settings.cloud !== "AzurePublic" ? { "b2c:cloud": settings.cloud } : {}),
    ...(settings.customEndpoints ? { "b2c:graphEndpoint": settings.graphEndpoint, "b2c:authorityHost": settings.authorityHost } : {}),
    "b2c:socialSignIn": socialSignIn,
  };
  return {
    config,
    policyFiles,
    secrets,
    expiring,
    notExpressed,
    counts: { identityProviders: identityProviders.length, userFlows: userFlows.length, keySets: keySets.length, policies: Object.keys(policyFiles).length },
  };
}

/**
 * Why a policy id can't name a file in --policies-dir (undefined: it can). Only plain names: no path
 * separators, no dot segments, no leading dot, nothing a file system could read as a path.
 */
export function policyIdProblem(id: unknown): string | undefined {
  if (typeof id !== "string" || id === "") return "has no id";
  if (id === "." || id === ".." || id.startsWith(".")) return "its id is a dot segment (or starts with a dot), not a plain name";
  if (/[\\/:]/.test(id)) return "its id holds a path separator, not a plain name";
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(id) || id.length > 200) return "its id is not a plain name (letters, digits, '_', '-', single dots)";
  return undefined;
}

/**
 * The policy ids that get a file, in order: plain names only (policyIdProblem), and of ids that
 * differ only in case the first (the others are reported: on a file system that ignores case they
 * would overwrite each other).
 */
export function policyFileIds(ids: readonly unknown[]): { accepted: string[]; notExpressed: string[] } {
  const accepted: string[] = [];
  const notExpressed: string[] = [];
  const taken: Record<string, string> = {};
  for (const id of ids) {
    const refused = policyIdProblem(id);
    const twin = typeof id === "string" ? taken[id.toLowerCase()] : undefined;
    if (refused) notExpressed.push(`policy ${JSON.stringify(id)}: ${refused}; no file written`);
    else if (twin) notExpressed.push(`policy ${id}: differs from policy ${twin} only in case, and ${id}.xml would overwrite ${twin}.xml where file names ignore case; no file written (rename one in the tenant)`);
    else {
      taken[(id as string).toLowerCase()] = id as string;
      accepted.push(id as string);
    }
  }
  return { accepted, notExpressed };
}

/** Offline problems of imported policy files (file -> the first problem), as the stack would see them before an upload. */
export async function policyFileProblems(files: Record<string, string>, ctx: PolicySetContext): Promise<Record<string, string>> {
  const problems = await validatePolicySet(
    Object.entries(files).map(([fileName, xml]) => ({ fileName, xml })),
    ctx,
  );
  const first: Record<string, string> = {};
  for (const p of problems) first[p.file] ??= `line ${p.line}: ${p.problem}`;
  return first;
}

/**
 * Writes the policy files into `dir`, never outside it: a name that would resolve elsewhere is
 * refused (policyIdProblem keeps such ids out already; this is the last guard). A file that exists
 * is kept unless `force`. Returns what was written and what was kept.
 */
export function writePolicyFiles(dir: string, files: Record<string, string>, force: boolean): { written: string[]; kept: string[] } {
  const root = path.resolve(dir);
  fs.mkdirSync(root, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  for (const [file, xml] of Object.entries(files)) {
    const target = path.resolve(root, file);
    if (path.dirname(target) !== root || policyIdProblem(file.replace(/\.xml$/i, ""))) throw new Error(`refusing to write policy file ${JSON.stringify(file)}: not a plain file name inside ${root}`);
    if (!force && fs.existsSync(target)) {
      kept.push(file);
      continue;
    }
    fs.writeFileSync(target, xml);
    written.push(file);
  }
  return { written, kept };
}

/** The summary printed on stdout. */
export function importSummary(
  result: ImportResult,
  where: { output: string; policiesDir: string; stack: string; expiringWithinDays: number; keptPolicyFiles?: string[] },
): string {
  const c = result.counts;
  const kept = where.keptPolicyFiles ?? [];
  const lines = [
    `Wrote ${where.output}: ${c.identityProviders} identity provider(s), ${c.userFlows} user flow(s), ${c.keySets} keyset(s), ` +
      `${c.policies} custom polic${c.policies === 1 ? "y" : "ies"} (files in ${where.policiesDir}/), all adopted` +
      `${result.notExpressed.length > 0 ? `; what is not expressed is listed below and is not adopted` : ""}.`,
    ...(kept.length > 0
      ? ["", `Kept existing policy files (give --force to overwrite them with the tenant's copy): ${kept.join(", ")}`]
      : []),
    "",
    "Secrets the stack needs (Graph never returns them); set each before the first `pulumi up`:",
    ...(result.secrets.length > 0
      ? result.secrets.map((s) => `  pulumi config set --secret ${s.key} '<${s.what}>' --stack ${where.stack}`)
      : ["  (none)"]),
    "",
    `Keys that expire within ${where.expiringWithinDays} days:`,
    ...(result.expiring.length > 0
      ? result.expiring.map((e) =>
          e.expiresOn === null
            ? `  ${e.keySetId}: NO valid key now (every key expired or not yet active)`
            : `  ${e.keySetId}: active key ${e.kid} expires ${e.expiresOn} (in ${e.days} days) with no later key to take over`,
        )
      : ["  (none)"]),
    "",
    "Not expressed in the stack config:",
    ...(result.notExpressed.length > 0 ? result.notExpressed.map((n) => `  - ${n}`) : ["  (nothing)"]),
  ];
  return lines.join("\n") + "\n";
}
