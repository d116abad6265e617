import { TrustFrameworkPolicyResource } from "../../providers/trustFrameworkPolicy";
import { capture, loadProvider } from "../helpers/pulumiHarness";
test("loads", async () => {
  const xml = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicyId="B2C_1A_X" TenantId="t.onmicrosoft.com" PublicPolicyUri="http://x"><A b="1"  a="2"/></TrustFrameworkPolicy>`;
  const { registrations } = await capture(() => new TrustFrameworkPolicyResource("p", { policyId: "B2C_1A_X", xml }));
  const text = registrations[0].providerText!;
  console.log(text.length, /new Set|Set\.prototype/.test(text));
  const p: any = await loadProvider(text, {});
  const checked = await p.check({}, registrations[0].inputs);
  console.log(JSON.stringify(checked).slice(0, 300));
  const d = await p.diff("B2C_1A_X", { policyId: "B2C_1A_X", contentHash: "x", dependsOnHash: "" }, checked.inputs);
  console.log(d);
  const h1 = await p.diff("B2C_1A_X", { policyId: "B2C_1A_X", contentHash: require("../../providers/trustFrameworkPolicy").policyContentHash(xml.replace('PublicPolicyUri="http://x"', "")), dependsOnHash: "" }, checked.inputs);
  console.log(h1);
});
