// A policy `pulumi import` brought in holds the tenant's document in its inputs. TypeScript code
// written by `pulumi import` loses every "$" not followed by "{" from multi-line strings (Pulumi's
// program generator, pkg/codegen/nodejs genStringLiteral): check refuses such a document before
// any write, naming the cause without printing the document. check makes no Graph call for a
// policy already in state, so it is called directly.
import { trustFrameworkPolicyProvider } from "../../customPolicies/provider";

const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";
const xml = (pattern: string) =>
  `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="B2C_1A_Probe">\n` +
  `  <BuildingBlocks><ClaimsSchema><ClaimType Id="email"><Restriction><Pattern RegularExpression="${pattern}" /></Restriction></ClaimType></ClaimsSchema></BuildingBlocks>\n` +
  `</TrustFrameworkPolicy>\n`;
const imported = { policyId: "B2C_1A_Probe", xml: xml("^[a-z]+@[a-z.]+$"), adoptExisting: true };
const check = (news: Record<string, unknown>) => trustFrameworkPolicyProvider.check!(imported as never, { ...imported, ...news } as never);

test("the tenant's document without its $ is refused, naming the cause, not the document", async () => {
  const result = await check({ xml: xml("^[a-z]+@[a-z.]+") });
  expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(/^xml is the document in state with the 1 "\$" it held removed, .*genStringLiteral/) }]);
  expect(result.failures![0].reason).not.toContain("<TrustFrameworkPolicy");
});

test("the same document, or a real edit, passes", async () => {
  expect((await check({})).failures).toBeUndefined();
  expect((await check({ xml: xml("^[a-z0-9]+@[a-z.]+$") })).failures).toBeUndefined();
  // An edit besides the lost "$" is the program's own change, left to diff.
  expect((await check({ xml: xml("^[a-z]+@[a-z.]+$").replace("email", "mail") })).failures).toBeUndefined();
});
