// The pure release rules (policies/policyReleases.ts) and the release plan of a set
// (customPolicies/plan.ts planRelease), on Microsoft's starter pack.
import { planPolicySet, planRelease } from "../../customPolicies/plan";
import {
  developmentModeWarnings,
  POLICY_ID_MAX_LENGTH,
  policyCountProblem,
  pruneOrder,
  releaseIdProblems,
  releasePolicyId,
  releasesAfterSwitch,
  releaseTag,
  renamePolicyIds,
  TENANT_POLICY_LIMIT,
} from "../../policies/policyReleases";
import { readPolicyHeader } from "../../policies/policyHeader";
import { parseXml } from "../../policies/xmlDocument";
import { readStarterPack } from "./starterPack";

const pack = (edit: (fileName: string, xml: string) => string = (_f, x) => x) => readStarterPack("SocialAndLocalAccounts").map((f) => ({ ...f, xml: edit(f.fileName, f.xml) }));
const CHAIN = ["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions"];

function releaseOf(files: { fileName: string; xml: string }[], options = {}) {
  const planned = planPolicySet(files);
  return planRelease(planned, planned.order!, files, options);
}

test("the tag: same content (whitespace and comments aside) same tag; any content change of the chain another", () => {
  const files = pack();
  const tag = releaseOf(files).tag;
  expect(tag).toMatch(/^[0-9a-f]{8}$/);
  expect(releaseOf(pack((f, x) => (f === "TrustFrameworkBase.xml" ? x.replace(/\n/g, "\n  ").replace("<BuildingBlocks>", "<!-- note --><BuildingBlocks>") : x))).tag).toBe(tag);
  expect(releaseOf(pack((f, x) => (f === "TrustFrameworkExtensions.xml" ? x.replace("facebook_clientid", "fb-2") : x))).tag).not.toBe(tag);
  // A relying party is not part of the chain: its change leaves the tag…
  expect(releaseOf(pack((f, x) => (f === "ProfileEdit.xml" ? x.replace('<OutputClaim ClaimTypeReferenceId="tenantId"', '<OutputClaim ClaimTypeReferenceId="email" /><OutputClaim ClaimTypeReferenceId="tenantId"') : x))).tag).toBe(tag);
  // …unless the relying parties are versioned too.
  expect(releaseOf(files, { versionRelyingParties: true }).tag).not.toBe(tag);
});

test("the plan: chain first under release ids, every BasePolicy inside the release pointing at the release; relying parties keep their ids", () => {
  const release = releaseOf(pack());
  const ids = release.order.map((n) => release.idOf(n.policyId));
  expect(ids.slice(0, 3)).toEqual(CHAIN.map((id) => releasePolicyId(id, release.tag)));
  expect(ids.slice(3).sort()).toEqual(["B2C_1A_PasswordReset", "B2C_1A_ProfileEdit", "B2C_1A_signup_signin"]);
  expect(release.releaseIds).toEqual(ids.slice(0, 3));
  for (const node of release.order) {
    const header = readPolicyHeader(parseXml(release.xmlOf(node.fileName)).doc);
    expect(header.policyId!.value).toBe(release.idOf(node.policyId));
    if (node.basePolicyId) expect(header.basePolicy!.policyId!.value).toBe(release.idOf(node.basePolicyId));
  }
  expect(release.problems).toEqual([]);
  const versioned = releaseOf(pack(), { versionRelyingParties: true });
  expect(versioned.releaseIds.map((id) => id.replace(`_r${versioned.tag}`, ""))).toEqual(versioned.order.map((n) => n.policyId));
});

test("renamePolicyIds: root PolicyId, the service-style PublicPolicyUri and the BasePolicy; nothing else", () => {
  const xml = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicyId="B2C_1A_Ext" PublicPolicyUri="http://t.onmicrosoft.com/B2C_1A_Ext" TenantId="t.onmicrosoft.com">
  <BasePolicy><TenantId>t.onmicrosoft.com</TenantId><PolicyId>B2C_1A_Base</PolicyId></BasePolicy>
  <BuildingBlocks><ClaimsSchema><ClaimType Id="B2C_1A_Base"/></ClaimsSchema></BuildingBlocks>
</TrustFrameworkPolicy>`;
  const out = renamePolicyIds(xml, (id) => ({ B2C_1A_EXT: "B2C_1A_Ext_r1", B2C_1A_BASE: "B2C_1A_Base_r1" })[id.toUpperCase()]);
  expect(out).toContain('PolicyId="B2C_1A_Ext_r1"');
  expect(out).toContain('PublicPolicyUri="http://t.onmicrosoft.com/B2C_1A_Ext_r1"');
  expect(out).toContain("<PolicyId>B2C_1A_Base_r1</PolicyId>");
  expect(out).toContain(`<ClaimType Id="B2C_1A_Base" />`);
});

test("release ids over the length bound are problems naming the policy", () => {
  const long = `B2C_1A_${"X".repeat(POLICY_ID_MAX_LENGTH - 10)}`;
  expect(releaseIdProblems([{ policyId: long, releaseId: releasePolicyId(long, "0123abcd") }])).toEqual([expect.stringContaining(`${long}: its release id`)]);
  expect(releaseIdProblems([{ policyId: "B2C_1A_TrustFrameworkBase", releaseId: releasePolicyId("B2C_1A_TrustFrameworkBase", "0123abcd") }])).toEqual([]);
});

test("the count limit: user flows and custom policies together, at most 200", () => {
  expect(TENANT_POLICY_LIMIT).toBe(200);
  expect(policyCountProblem({ customPolicies: 150, userFlows: 47 }, ["a", "b", "c"])).toBeUndefined();
  expect(policyCountProblem({ customPolicies: 150, userFlows: 48 }, ["a", "b", "c"])).toMatch(/^the tenant has 198 policies \(150 custom policies, 48 user flows\) and this release adds 3 \(a, b, c\): 201 is over/);
});

test("after a switch: the active release first, then by how recently each was active; pruned children first, never a kept id", () => {
  const r = (tag: string) => ({ tag, policyIds: [`Base_${tag}`, `Ext_${tag}`] });
  expect(releasesAfterSwitch([r("3"), r("2")], r("2"), 2)).toEqual({ kept: [r("2"), r("3")], pruned: [] }); // rollback: nothing goes
  const next = releasesAfterSwitch([r("2"), r("3")], r("4"), 2);
  expect(next).toEqual({ kept: [r("4"), r("2")], pruned: [r("3")] });
  expect(pruneOrder(next.pruned, next.kept)).toEqual(["Ext_3", "Base_3"]);
  expect(pruneOrder([{ tag: "x", policyIds: ["Shared", "Ext_x"] }], [{ tag: "y", policyIds: ["shared"] }])).toEqual(["Ext_x"]);
});

test("DeploymentMode=\"Development\" is a warning naming file and line, citing the best practices page", () => {
  const files = pack((f, x) => (f === "SignUpOrSignin.xml" ? x.replace('PolicySchemaVersion="0.3.0.0"', 'PolicySchemaVersion="0.3.0.0"\n  DeploymentMode="Development"') : x));
  const warnings = developmentModeWarnings(planPolicySet(files).documents);
  expect(warnings.map((w) => w.file)).toEqual(["SignUpOrSignin.xml"]);
  expect(warnings[0].message).toMatch(/^SignUpOrSignin\.xml:\d+: DeploymentMode="Development" in a set marked production.*best-practices\)$/);
  expect(developmentModeWarnings(planPolicySet(pack()).documents)).toEqual([]);
});
