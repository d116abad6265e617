import { orderByBasePolicy, orderPoliciesForUpload, UploadOrderError } from "../../policies/uploadOrder";
import { readStarterPack, VARIANTS } from "./starterPack";

function policy(fileName: string, policyId: string, basePolicyId?: string): { fileName: string; xml: string } {
  const base = basePolicyId
    ? `\n  <BasePolicy>\n    <TenantId>contoso.onmicrosoft.com</TenantId>\n    <PolicyId>${basePolicyId}</PolicyId>\n  </BasePolicy>`
    : "";
  return {
    fileName,
    xml: `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="${policyId}">${base}\n</TrustFrameworkPolicy>`,
  };
}

function thrown(fn: () => unknown): UploadOrderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UploadOrderError) return error;
    throw error;
  }
  throw new Error("expected an UploadOrderError");
}

describe("upload order of the starter pack", () => {
  it.each(VARIANTS)("%s: Base -> Localization -> Extensions -> relying parties (in input order)", (variant) => {
    const files = readStarterPack(variant);
    // Shuffle: reverse the alphabetical listing so parents come after their children.
    const input = [...files].reverse();
    const ordered = orderPoliciesForUpload(input).map((p) => p.file.fileName);
    const relyingParties = input.map((f) => f.fileName).filter((f) => !f.startsWith("TrustFramework"));
    expect(ordered).toEqual(["TrustFrameworkBase.xml", "TrustFrameworkLocalization.xml", "TrustFrameworkExtensions.xml", ...relyingParties]);
    expect(relyingParties.length).toBeGreaterThanOrEqual(2);
  });

  it("returns the policy ids and base ids it ordered by", () => {
    const ordered = orderPoliciesForUpload(readStarterPack("SocialAccounts"));
    expect(ordered.slice(0, 3).map((p) => [p.policyId, p.basePolicyId])).toEqual([
      ["B2C_1A_TrustFrameworkBase", undefined],
      ["B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkBase"],
      ["B2C_1A_TrustFrameworkExtensions", "B2C_1A_TrustFrameworkLocalization"],
    ]);
  });
});

describe("upload order rules", () => {
  it("is stable: policies that are ready at the same time keep their input order", () => {
    const input = [policy("c.xml", "B2C_1A_C", "B2C_1A_Root"), policy("root.xml", "B2C_1A_Root"), policy("a.xml", "B2C_1A_A", "B2C_1A_Root")];
    expect(orderPoliciesForUpload(input).map((p) => p.file.fileName)).toEqual(["root.xml", "c.xml", "a.xml"]);
  });

  it("compares policy ids case-insensitively", () => {
    const input = [policy("rp.xml", "B2C_1A_signup_signin", "B2C_1A_TRUSTFRAMEWORKBASE"), policy("base.xml", "B2C_1A_TrustFrameworkBase")];
    expect(orderPoliciesForUpload(input).map((p) => p.file.fileName)).toEqual(["base.xml", "rp.xml"]);
  });

  it("rejects a cycle, naming the policies in chain order", () => {
    const input = [
      policy("root.xml", "B2C_1A_Root"),
      policy("a.xml", "B2C_1A_A", "B2C_1A_B"),
      policy("b.xml", "B2C_1A_B", "B2C_1A_C"),
      policy("c.xml", "B2C_1A_C", "B2C_1A_A"),
    ];
    const error = thrown(() => orderPoliciesForUpload(input));
    expect(error.kind).toBe("cycle");
    expect(error.message).toBe("Cannot order policies for upload: the BasePolicy chain is a cycle: B2C_1A_A -> B2C_1A_B -> B2C_1A_C -> B2C_1A_A");
    expect(error.policyIds).toEqual(["B2C_1A_A", "B2C_1A_B", "B2C_1A_C", "B2C_1A_A"]);
  });

  it("rejects a policy that is its own base", () => {
    const error = thrown(() => orderByBasePolicy([{ policyId: "B2C_1A_Self", basePolicyId: "b2c_1a_self" }]));
    expect(error.message).toBe("Cannot order policies for upload: the BasePolicy chain is a cycle: B2C_1A_Self -> B2C_1A_Self");
  });

  it("rejects a missing parent unless it already exists in the tenant", () => {
    const input = readStarterPack("SocialAccounts").filter((f) => f.fileName !== "TrustFrameworkBase.xml");
    const error = thrown(() => orderPoliciesForUpload(input));
    expect(error.kind).toBe("missing-base");
    expect(error.message).toBe(
      "Cannot order policies for upload: B2C_1A_TrustFrameworkLocalization (TrustFrameworkLocalization.xml) needs BasePolicy B2C_1A_TrustFrameworkBase, which is neither in the set nor in the tenant",
    );
    const ordered = orderPoliciesForUpload(input, { existingPolicyIds: ["B2C_1A_TRUSTFRAMEWORKBASE"] });
    expect(ordered.map((p) => p.file.fileName).slice(0, 2)).toEqual(["TrustFrameworkLocalization.xml", "TrustFrameworkExtensions.xml"]);
  });

  it("rejects two files with the same PolicyId and a file it cannot read", () => {
    const duplicate = thrown(() => orderPoliciesForUpload([policy("a.xml", "B2C_1A_X"), policy("b.xml", "b2c_1a_x")]));
    expect(duplicate.message).toBe("Cannot order policies for upload: b2c_1a_x (b.xml) has the same PolicyId as B2C_1A_X (a.xml)");
    const unreadable = thrown(() => orderPoliciesForUpload([{ fileName: "broken.xml", xml: "<TrustFrameworkPolicy>\n<BasePolicy>\n</TrustFrameworkPolicy>" }]));
    expect(unreadable.message).toBe(
      'Cannot order policies for upload: broken.xml is not well-formed XML at line 3: Opening and ending tag mismatch: "BasePolicy" != "TrustFrameworkPolicy"',
    );
  });
});
