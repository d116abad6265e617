import { planPolicySet, policyDependencyHash, unknownKeySetProblems } from "../../customPolicies/plan";
import * as xmlDocument from "../../policies/xmlDocument";
import { validatePolicySet } from "../../policies/offlineValidation";

/** A minimal policy document: PolicyId, optional BasePolicy, and Key elements naming key sets. */
function policy(policyId: string, basePolicyId?: string, keySets: string[] = []): string {
  return [
    `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" TenantId="contoso.onmicrosoft.com" PolicyId="${policyId}" PublicPolicyUri="http://contoso.onmicrosoft.com/${policyId}">`,
    ...(basePolicyId ? [`  <BasePolicy><TenantId>contoso.onmicrosoft.com</TenantId><PolicyId>${basePolicyId}</PolicyId></BasePolicy>`] : []),
    ...keySets.map((k) => `  <Key Id="k" StorageReferenceId="${k}" />`),
    `</TrustFrameworkPolicy>`,
  ].join("\n");
}

const SET = [
  { fileName: "rp.xml", xml: policy("B2C_1A_signup_signin", "B2C_1A_Ext", ["B2C_1A_WeChatSecret"]) },
  { fileName: "ext.xml", xml: policy("B2C_1A_Ext", "B2C_1A_Base", ["B2C_1A_WeChatSecret", "b2c_1a_wechatsecret", "B2C_1A_QQSecret"]) },
  { fileName: "base.xml", xml: policy("B2C_1A_Base", undefined, ["B2C_1A_TokenSigningKeyContainer"]) },
];

test("orders parents first and reads each policy's base and key references (deduplicated, with the line of the first use)", () => {
  const plan = planPolicySet(SET);
  expect(plan.reason).toBeUndefined();
  expect(plan.order!.map((p) => [p.fileName, p.policyId, p.basePolicyId, p.baseInSet])).toEqual([
    ["base.xml", "B2C_1A_Base", undefined, false],
    ["ext.xml", "B2C_1A_Ext", "B2C_1A_Base", true],
    ["rp.xml", "B2C_1A_signup_signin", "B2C_1A_Ext", true],
  ]);
  expect(plan.order!.find((p) => p.fileName === "ext.xml")!.keySets).toEqual([
    { keySetId: "B2C_1A_WeChatSecret", line: 3 },
    { keySetId: "B2C_1A_QQSecret", line: 5 },
  ]);
  // References stay in input order, for problems reported file by file.
  expect(plan.references.map((r) => r.fileName)).toEqual(["rp.xml", "ext.xml", "base.xml"]);
});

test("parses each file exactly once, and the validation reuses those documents", async () => {
  const spy = jest.spyOn(xmlDocument, "parseXml");
  try {
    const plan = planPolicySet(SET);
    expect(spy).toHaveBeenCalledTimes(SET.length);
    expect(plan.documents.every((d) => d.parsed !== undefined)).toBe(true);
    const problems = await validatePolicySet(plan.documents, { tenantDomain: "contoso.onmicrosoft.com", declaredKeySetIds: ["B2C_1A_WeChatSecret"] });
    expect(spy).toHaveBeenCalledTimes(SET.length);
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(["ext.xml:5: StorageReferenceId B2C_1A_QQSecret is neither a policy key this stack creates nor one in the tenant"]),
    );
  } finally {
    spy.mockRestore();
  }
});

test("a base already in the tenant is not in the set; an unknown one leaves no order, only the reason", () => {
  const rp = [{ fileName: "rp.xml", xml: policy("B2C_1A_RP", "B2C_1A_Existing") }];
  expect(planPolicySet(rp, { existingPolicyIds: ["b2c_1a_existing"] }).order).toEqual([
    { fileName: "rp.xml", policyId: "B2C_1A_RP", basePolicyId: "B2C_1A_Existing", baseInSet: false, keySets: [] },
  ]);
  const missing = planPolicySet(rp);
  expect(missing.order).toBeUndefined();
  expect(missing.reason).toMatch(/B2C_1A_RP \(rp\.xml\) needs BasePolicy B2C_1A_Existing, which is neither in the set nor in the tenant/);
});

test("no order for a file that does not parse, one without a PolicyId, or a cycle", () => {
  const broken = planPolicySet([...SET, { fileName: "bad.xml", xml: "<TrustFrameworkPolicy" }]);
  expect(broken.reason).toMatch(/^bad\.xml: /);
  expect(broken.documents.find((d) => d.fileName === "bad.xml")!.parsed).toBeUndefined();
  expect(planPolicySet([{ fileName: "anon.xml", xml: policy("") }]).reason).toBe("anon.xml has no PolicyId");
  const cycle = planPolicySet([
    { fileName: "a.xml", xml: policy("B2C_1A_A", "B2C_1A_B") },
    { fileName: "b.xml", xml: policy("B2C_1A_B", "B2C_1A_A") },
  ]);
  expect(cycle.reason).toMatch(/cycle/);
});

test("unknown key sets: one problem per key set per file at its first use, any case counts as known", () => {
  const plan = planPolicySet(SET);
  expect(unknownKeySetProblems(plan, ["b2c_1a_wechatsecret", "B2C_1A_TokenSigningKeyContainer"]).map((p) => p.message)).toEqual([
    "ext.xml:5: StorageReferenceId B2C_1A_QQSecret is neither a policy key this stack creates nor one in the tenant",
  ]);
  expect(unknownKeySetProblems(plan, []).map((p) => `${p.file}:${p.line}`)).toEqual(["rp.xml:3", "ext.xml:3", "ext.xml:5", "base.xml:2"]);
});

test("dependency hash: changes with the parent's content or dependencies and with the key sets, not with key order or case", () => {
  const [base, ext] = planPolicySet(SET).order!;
  const parent = { content: "c1", dependsOn: "d1" };
  const hash = policyDependencyHash(ext, parent);
  expect(policyDependencyHash(ext, { ...parent, content: "c2" })).not.toBe(hash);
  expect(policyDependencyHash(ext, { ...parent, dependsOn: "d2" })).not.toBe(hash);
  expect(policyDependencyHash({ ...ext, keySets: [...ext.keySets].reverse().map((k) => ({ ...k, keySetId: k.keySetId.toLowerCase() })) }, parent)).toBe(hash);
  expect(policyDependencyHash({ ...ext, keySets: ext.keySets.slice(1) }, parent)).not.toBe(hash);
  // A root has no parent; a base already in the tenant counts as "existing" content.
  expect(policyDependencyHash(base)).not.toBe(policyDependencyHash({ ...base, keySets: [] }));
  expect(policyDependencyHash(ext)).not.toBe(hash);
});
