import { GraphApi } from "../graph/client";
import { identityProviderApiVersion } from "../graph/clouds";
import { GraphSettings } from "../graph/settings";
import { canonicalProviderType, SocialProviderType } from "../identityProviders/rules";
import { type GraphKeySet, keySetsWithKeys } from "./importTenant";
import { validateUserFlow } from "../userFlows/rules";
import { pathSegment } from "../graph/paths";
import { pluginTypeToken } from "../kernel/pluginPackage";

// `b2c-identity import --pulumi-import-file <file>`: the tenant as a `pulumi import --file`
// document (https://www.pulumi.com/docs/iac/adopting-pulumi/import/, "Bulk import operations":
// `{"resources": [{"type", "name", "id"}, …]}`), one entry per object, typed by the plugin's custom
// resources (`b2c-identity:index:<Type>`), each by its Graph id as `pulumi import` takes it
// (kernel/importing.ts). `pulumi import --file` then imports every object, adopted, and writes the
// program that declares them; the first `up` of that program writes only the secrets Graph never
// returns. Reads only: it never writes to Graph.

const TYPE = pluginTypeToken;

/** One resource of the document: its type token, its name in the program, its Graph id. */
export interface ImportFileResource {
  type: string;
  name: string;
  id: string;
}

export interface PulumiImportFileResult {
  /** The document `pulumi import --file` reads. */
  document: { resources: ImportFileResource[] };
  /** The secrets the generated program must be given (Graph never returns them), by resource. */
  secrets: { name: string; property: string; what: string }[];
  /** Keysets imported read-only (AdoptedTrustFrameworkKeySet): never written. */
  readOnlyKeySets: string[];
  /** What the document leaves out, and why. */
  notExpressed: string[];
  counts: { identityProviders: number; userFlows: number; attachments: number; keySets: number; policies: number };
}

interface GraphIdentityProvider {
  id: string;
  displayName?: string;
  identityProviderType?: string;
  "@odata.type"?: string;
}
interface GraphUserFlow {
  id: string;
  userFlowType?: string;
  userFlowTypeVersion?: number;
}

/** The policy ids the TrustFrameworkPolicy resource takes (customPolicies/inputs.ts). */
const POLICY_ID = /^B2C_1A_[A-Za-z0-9_.-]+$/i;

/**
 * Program names: readable, letters, digits, `-` and `_`, and unique whatever their case (the
 * generated code makes camelCase variables of them: "Signin" and "signin" would be one). A name
 * taken by another object gets its kind, e.g. the flow "ProfileEdit" beside the policy.
 */
function namer(): (wanted: string, kind: string) => string {
  const taken = new Set<string>();
  return (wanted, kind) => {
    const base = wanted.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || kind;
    let name = taken.has(base.toLowerCase()) ? `${base}-${kind}` : base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${kind}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  };
}

/** The word a name taken twice gets, per resource type. */
const KIND_WORD: Record<string, string> = {
  IdentityProvider: "idp",
  UserFlow: "flow",
  UserFlowIdentityProviderLink: "link",
  TrustFrameworkKeySet: "keyset",
  AdoptedTrustFrameworkKeySet: "keyset",
  TrustFrameworkPolicy: "policy",
};

/** Reads the tenant and builds the document. Reads only. */
export async function pulumiImportFile(settings: GraphSettings): Promise<PulumiImportFileResult> {
  const graph = new GraphApi(settings);
  const resources: ImportFileResource[] = [];
  const secrets: PulumiImportFileResult["secrets"] = [];
  const readOnlyKeySets: string[] = [];
  const notExpressed: string[] = [];
  const nameOf = namer();
  const add = (type: string, wanted: string, id: string) => {
    const name = nameOf(wanted, KIND_WORD[type]);
    resources.push({ type: TYPE(type), name, id });
    return name;
  };

  // Identity providers of the social types the stack manages.
  const idps = await graph.list<GraphIdentityProvider>(identityProviderApiVersion(settings.cloud), "/identity/identityProviders", "list identity providers");
  const managed = new Map<string, { name: string; type: SocialProviderType }>();
  for (const idp of idps) {
    const type = canonicalProviderType(idp.identityProviderType);
    if (!type || (idp["@odata.type"] ?? "").toLowerCase().includes("openidconnect")) {
      notExpressed.push(`identity provider ${idp.id} (${idp.identityProviderType ?? idp["@odata.type"] ?? "unknown type"}): not a social provider type the stack manages; left as it is`);
      continue;
    }
    const name = add("IdentityProvider", type.toLowerCase(), idp.id);
    managed.set(idp.id.toLowerCase(), { name, type });
    secrets.push({ name, property: "clientSecret", what: `the ${type} ${type === "WeChat" || type === "QQ" ? "APP KEY" : "client secret"} (identity provider ${idp.id})` });
  }

  // User flows, and the managed providers each shows.
  let attachments = 0;
  let userFlows = 0;
  const flows = await graph.list<GraphUserFlow>("beta", "/identity/b2cUserFlows", "list user flows");
  for (const flow of flows) {
    const problems = validateUserFlow({ name: flow.id, userFlowType: flow.userFlowType, userFlowTypeVersion: flow.userFlowTypeVersion });
    if (problems.length > 0) {
      notExpressed.push(`user flow ${flow.id}: ${problems.map((p) => `${p.argument} ${p.reason}`).join("; ")}, which UserFlow can't express; left as it is`);
      continue;
    }
    const flowName = add("UserFlow", flow.id.replace(/^B2C_1_/i, ""), flow.id);
    userFlows++;
    const attached = await graph.list<{ id: string }>("beta", `/identity/b2cUserFlows/${pathSegment(flow.id)}/userFlowIdentityProviders`, `list identity providers of user flow ${flow.id}`);
    for (const a of attached) {
      const idp = managed.get(a.id.toLowerCase());
      if (!idp) {
        notExpressed.push(`user flow ${flow.id} shows ${a.id}, which the stack does not manage: it stays attached, untouched`);
        continue;
      }
      add("UserFlowIdentityProviderLink", `${flowName}-${idp.name}`, `${flow.id}/${a.id}`);
      attachments++;
    }
  }

  // Keysets: a generated one is declared whole (TrustFrameworkKeySet with generate: no material);
  // one with material the stack can't know (a secret, a certificate) is adopted read-only, as
  // `b2c-identity import` does for the stack program (README "Adopting an existing tenant").
  let keySets = 0;
  const keySetList = await graph.list<GraphKeySet>("beta", "/trustFramework/keySets", "list policy key containers");
  for (const { set, source, note } of await keySetsWithKeys(graph, keySetList, notExpressed)) {
    const wanted = set.id.replace(/^B2C_1A_/i, "");
    if (source === "generate") add("TrustFrameworkKeySet", wanted, set.id);
    else {
      add("AdoptedTrustFrameworkKeySet", wanted, set.id);
      readOnlyKeySets.push(`${set.id} (${note ?? source})`);
    }
    keySets++;
  }

  // Custom policies, by PolicyId: `pulumi import` reads each document itself.
  let policies = 0;
  const listed = await graph.list<{ id: string }>("beta", "/trustFramework/policies", "list custom policies");
  for (const policy of listed) {
    if (typeof policy.id !== "string" || !POLICY_ID.test(policy.id)) {
      notExpressed.push(`policy ${JSON.stringify(policy.id)}: not a custom policy id TrustFrameworkPolicy takes (B2C_1A_…); left as it is`);
      continue;
    }
    add("TrustFrameworkPolicy", policy.id.replace(/^B2C_1A_/i, ""), policy.id);
    policies++;
  }

  return {
    document: { resources },
    secrets,
    readOnlyKeySets,
    notExpressed,
    counts: { identityProviders: managed.size, userFlows, attachments, keySets, policies },
  };
}

/** The summary printed on stdout. */
export function pulumiImportFileSummary(result: PulumiImportFileResult, file: string): string {
  const c = result.counts;
  const lines = [
    `Wrote ${file}: ${c.identityProviders} identity provider(s), ${c.userFlows} user flow(s), ${c.attachments} user flow attachment(s), ` +
      `${c.keySets} keyset(s), ${c.policies} custom polic${c.policies === 1 ? "y" : "ies"}, for \`pulumi import --file ${file}\`. Each is adopted: ` +
      `\`pulumi destroy\` leaves it in the tenant.`,
    "",
    "Import them and write the program that declares them (the default b2c-identity provider reads the tenant: `b2c-identity:*` stack config, or the environment):",
    `  pulumi import --file ${file} --protect=false --out imported.ts --yes`,
    "",
    "Secrets the generated program must be given (Graph never returns them); each is \"\" in the generated code:",
    ...(result.secrets.length > 0 ? result.secrets.map((s) => `  ${s.name}: ${s.property}, ${s.what}`) : ["  (none)"]),
    "",
    "Keysets imported read-only (AdoptedTrustFrameworkKeySet: read, never written; Graph never returns their key material):",
    ...(result.readOnlyKeySets.length > 0 ? result.readOnlyKeySets.map((k) => `  ${k}`) : ["  (none)"]),
    "",
    "Not in the document:",
    ...(result.notExpressed.length > 0 ? result.notExpressed.map((n) => `  - ${n}`) : ["  (nothing)"]),
  ];
  return lines.join("\n") + "\n";
}
