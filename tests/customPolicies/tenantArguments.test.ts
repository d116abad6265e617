// Issue 21 item 5: `tenant` is the stack config namespace on every component; TrustFrameworkPolicySet
// and IefApplications take the tenant's domain as `tenantDomain`. Programs written for 0.2 (the
// domain as `tenant`, the namespace as `configNamespace`) keep working, with a warning.
import * as pulumi from "@pulumi/pulumi";
import { IefApplications, TrustFrameworkPolicySet } from "../../api";
import { capture } from "../helpers/pulumiHarness";

const policy = (tenant: string, keySet: string) =>
  `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" PolicySchemaVersion="0.3.0.0" TenantId="${tenant}" PolicyId="B2C_1A_Base" PublicPolicyUri="http://${tenant}/B2C_1A_Base">
  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="t"><CryptographicKeys><Key Id="client_secret" StorageReferenceId="${keySet}" /></CryptographicKeys></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
</TrustFrameworkPolicy>`;

test("the old spellings of TrustFrameworkPolicySet and IefApplications still work, each with a warning naming the new argument", async () => {
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
  try {
    let set!: TrustFrameworkPolicySet;
    const { registrations } = await capture(
      () => {
        // 0.2: `configNamespace` was the namespace, and `tenant` the domain on these two.
        new IefApplications("ief-old", { configNamespace: "b2c-eu" });
        set = new TrustFrameworkPolicySet("p-old", { policies: [{ fileName: "base.xml", xml: policy("fabrikam.onmicrosoft.com", "B2C_1A_X") }], existingKeySetIds: ["B2C_1A_X"], tenant: "fabrikam.onmicrosoft.com" });
      },
      { config: { "b2c:tenantId": "contosohome.onmicrosoft.com", "b2c-eu:tenantId": "contosoeu.onmicrosoft.com" } },
    );
    expect(registrations.find((r) => r.name === "ief-old-ief")!.inputs.web.redirectUris).toEqual(["https://contosoeu.b2clogin.com/contosoeu.onmicrosoft.com"]);
    expect(set.tenantDomain).toBe("fabrikam.onmicrosoft.com");
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    expect(warnings).toContainEqual(expect.stringContaining('configNamespace is deprecated: write tenant: "b2c-eu"'));
    expect(warnings).toContainEqual(expect.stringContaining('write tenantDomain: "fabrikam.onmicrosoft.com"'));
  } finally {
    warn.mockRestore();
  }
  // Both meanings at once are refused, naming the argument.
  expect(() => new TrustFrameworkPolicySet("p-both", { policies: [{ fileName: "a.xml", xml: "<x/>" }], tenant: "fabrikam.onmicrosoft.com", tenantDomain: "fabrikam.onmicrosoft.com" })).toThrow(
    /tenant: is the stack config namespace of the tenant/,
  );
  // A bare name given as tenant is a namespace now: the error says how to write the domain.
  expect(() => new IefApplications("ief-name", { tenant: "fabrikamb2c" })).toThrow(/tenantDomain: is not known.*tenant "fabrikamb2c" is the config namespace; if it is the tenant's name, write tenantDomain: "fabrikamb2c"/);
});
