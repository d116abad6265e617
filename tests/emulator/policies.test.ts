// Checklist 26-28: custom policies (list, $value, PUT upsert, POST, delete) and upload validation.
import type { RunningEmulator } from "../../emulator";
import { graphFetch, startTestEmulator } from "../helpers/emulator";

const POLICIES = "/beta/trustFramework/policies";

function policyXml(policyId: string, tenant: string, options: { base?: string; baseTenant?: string; keys?: string[]; publicUri?: string } = {}): string {
  const base = options.base
    ? `\n  <BasePolicy>\n    <TenantId>${options.baseTenant ?? tenant}</TenantId>\n    <PolicyId>${options.base}</PolicyId>\n  </BasePolicy>`
    : "";
  const keys = (options.keys ?? [])
    .map((k, i) => `\n        <Key Id="key${i}" StorageReferenceId="${k}" />`)
    .join("");
  const claimsProviders = keys
    ? `\n  <ClaimsProviders>\n    <ClaimsProvider>\n      <DisplayName>WeChat</DisplayName>\n      <TechnicalProfiles><TechnicalProfile Id="WeChat-OAuth2"><CryptographicKeys>${keys}\n      </CryptographicKeys></TechnicalProfile></TechnicalProfiles>\n    </ClaimsProvider>\n  </ClaimsProviders>`
    : "";
  const publicUri = options.publicUri ? ` PublicPolicyUri="${options.publicUri}"` : "";
  return `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0"
  TenantId="${tenant}" PolicyId="${policyId}"${publicUri}>${base}${claimsProviders}
</TrustFrameworkPolicy>
`;
}

let emu: RunningEmulator;
let tenant: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  tenant = emu.tenantDomain;
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.reset();
  emu.setBehaviour({ requireXmlContentTypeForPolicies: true, validatePolicies: true, deleteInheritedPolicy: "allow" });
  emu.setFaults({ consistencyWindowMs: 0 });
});

const put = (id: string, xml: string, headers: Record<string, string> = {}) => graphFetch(emu, "PUT", `${POLICIES}/${id}/$value`, xml, headers);

describe("checklist 26: list and GET $value", () => {
  test("list returns ids only; GET $value returns the XML as application/xml with PublicPolicyUri added", async () => {
    expect((await graphFetch(emu, "GET", POLICIES)).body.value).toEqual([]);
    await put("B2C_1A_TrustFrameworkBase", policyXml("B2C_1A_TrustFrameworkBase", tenant));
    await put("B2C_1A_Ext", policyXml("B2C_1A_Ext", tenant, { publicUri: "http://custom/uri" }));
    const list = await graphFetch(emu, "GET", POLICIES);
    expect(list.body.value).toEqual([{ id: "B2C_1A_TrustFrameworkBase" }, { id: "B2C_1A_Ext" }]);
    const value = await graphFetch(emu, "GET", `${POLICIES}/b2c_1a_trustframeworkbase/$value`);
    expect(value.status).toBe(200);
    expect(value.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(value.text).toContain(`PublicPolicyUri="http://${tenant}/B2C_1A_TrustFrameworkBase"`);
    expect(value.text).toContain('PolicyId="B2C_1A_TrustFrameworkBase"');
    const custom = await graphFetch(emu, "GET", `${POLICIES}/B2C_1A_Ext/$value`);
    expect(custom.text).toContain('PublicPolicyUri="http://custom/uri"');
    expect(custom.text.match(/PublicPolicyUri=/g)).toHaveLength(1);
    expect(emu.snapshot().policies[0].xml).not.toContain("PublicPolicyUri");
  });

  test("GET of a missing policy -> 404", async () => {
    const res = await graphFetch(emu, "GET", `${POLICIES}/B2C_1A_Nope/$value`);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("B2C_1A_Nope");
  });
});

describe("checklist 27: upload, POST, delete", () => {
  test("PUT $value: 201 first time, 200 after; body is the XML", async () => {
    const first = await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant));
    expect(first.status).toBe(201);
    expect(first.text).toContain('PolicyId="B2C_1A_Base"');
    const second = await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant).replace("</TrustFrameworkPolicy>", "<!-- v2 --></TrustFrameworkPolicy>"));
    expect(second.status).toBe(200);
    expect(emu.snapshot().policies).toHaveLength(1);
    expect(emu.snapshot().policies[0].xml).toContain("<!-- v2 -->");
  });

  test("PUT needs application/xml (415 otherwise, switchable); application/xml with charset is fine", async () => {
    expect((await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant), { "content-type": "application/octet-stream" })).status).toBe(415);
    expect((await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant), { "content-type": "application/xml; charset=utf-8" })).status).toBe(201);
    emu.setBehaviour({ requireXmlContentTypeForPolicies: false });
    expect((await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant), { "content-type": "application/octet-stream" })).status).toBe(200);
  });

  test("PUT without $value -> 400 AADB2C99009", async () => {
    const res = await graphFetch(emu, "PUT", `${POLICIES}/B2C_1A_Base`, policyXml("B2C_1A_Base", tenant));
    expect([res.status, res.body.error.code]).toEqual([400, "AADB2C99009"]);
    expect(res.body.error.message).toContain("$value");
    expect(emu.snapshot().policies).toHaveLength(0);
  });

  test("POST creates (201 + Location /trustFramework/policies/<PolicyId>/), duplicate POST 409; DELETE 204 then 404", async () => {
    const created = await graphFetch(emu, "POST", POLICIES, policyXml("B2C_1A_Posted", tenant));
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/trustFramework/policies/B2C_1A_Posted/");
    emu.setBehaviour({ policyJsonRead: true }); // the undocumented JSON read (tests/emulator/fidelitySwitches.test.ts)
    expect((await graphFetch(emu, "GET", `${POLICIES}/B2C_1A_Posted/`)).body).toMatchObject({ id: "B2C_1A_Posted" });
    emu.setBehaviour({ policyJsonRead: false });
    expect((await graphFetch(emu, "POST", POLICIES, policyXml("B2C_1A_Posted", tenant))).status).toBe(409);
    expect((await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Posted`)).status).toBe(204);
    expect((await graphFetch(emu, "GET", `${POLICIES}/B2C_1A_Posted/$value`)).status).toBe(404);
    expect((await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Posted`)).status).toBe(404);
  });
});

describe("checklist 28: validation", () => {
  test("malformed XML -> 400 AADB2C90113 with line and column", async () => {
    const res = await put("B2C_1A_Bad", `<?xml version="1.0"?>\n<TrustFrameworkPolicy PolicyId="B2C_1A_Bad">\n  <BasePolicy></Base>\n</TrustFrameworkPolicy>`);
    expect([res.status, res.body.error.code]).toEqual([400, "AADB2C90113"]);
    expect(res.body.error.message).toMatch(/^The uploaded XML has an error on line 3 col \d+ : /);
    const empty = await put("B2C_1A_Bad", "");
    expect(empty.body.error.code).toBe("AADB2C90113");
    expect(emu.snapshot().policies).toHaveLength(0);
  });

  test("PolicyId must equal the URL id", async () => {
    const res = await put("B2C_1A_One", policyXml("B2C_1A_Two", tenant));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Validation failed: 1 validation error\(s\) found in policy "B2C_1A_TWO" of tenant ".+"\./);
    expect(res.body.error.message).toContain("does not match");
  });

  test("TenantId must be the emulated tenant", async () => {
    const res = await put("B2C_1A_T", policyXml("B2C_1A_T", "fabrikam.onmicrosoft.com"));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("TenantId in the policy xml 'fabrikam.onmicrosoft.com' is not same as the one in login tenant");
    expect((await put("B2C_1A_T", policyXml("B2C_1A_T", tenant.toUpperCase()))).status).toBe(201);
  });

  test("the BasePolicy must exist first (upload order base -> extensions -> RP)", async () => {
    const early = await put("B2C_1A_Ext", policyXml("B2C_1A_Ext", tenant, { base: "B2C_1A_Base" }));
    expect(early.status).toBe(400);
    expect(early.body.error.message).toContain("Policy with 'policyId': B2C_1A_BASE cannot be found");
    expect((await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant))).status).toBe(201);
    expect((await put("B2C_1A_Ext", policyXml("B2C_1A_Ext", tenant, { base: "b2c_1a_base" }))).status).toBe(201);
  });

  test("every StorageReferenceId must name an existing keyset; errors are counted and concatenated", async () => {
    const xml = policyXml("B2C_1A_Keys", "other.onmicrosoft.com", { keys: ["B2C_1A_WeChatSecret", "B2C_1A_TokenSigningKeyContainer"] });
    const res = await put("B2C_1A_Keys", xml);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Validation failed: 3 validation error\(s\) found in policy "B2C_1A_KEYS" of tenant "[^"]+"\./);
    expect(res.body.error.message).toContain('does not have CryptographicKey referenced by storageReferenceId "B2C_1A_WeChatSecret"');
    expect(res.body.error.message).toContain('storageReferenceId "B2C_1A_TokenSigningKeyContainer"');
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "TokenSigningKeyContainer" });
    const ok = await put("B2C_1A_Keys", xml.replace('TenantId="other.onmicrosoft.com"', `TenantId="${tenant}"`));
    expect(ok.status).toBe(201);
  });

  test("semantic checks can be switched off; well-formedness cannot", async () => {
    emu.setBehaviour({ validatePolicies: false });
    expect((await put("B2C_1A_Loose", policyXml("B2C_1A_Loose", "elsewhere", { base: "B2C_1A_Missing", keys: ["B2C_1A_Missing"] }))).status).toBe(201);
    expect((await put("B2C_1A_Loose", "<TrustFrameworkPolicy")).status).toBe(400);
  });
});

describe("deleting a policy another policy inherits from (behaviour.deleteInheritedPolicy: no page says)", () => {
  const chain = async () => {
    expect((await put("B2C_1A_Base", policyXml("B2C_1A_Base", tenant))).status).toBe(201);
    expect((await put("B2C_1A_Ext", policyXml("B2C_1A_Ext", tenant, { base: "b2c_1a_base" }))).status).toBe(201);
  };
  const ids = () => emu.snapshot().policies.map((p) => p.id);

  test("allow (default): the base goes, the child stays pointing at nothing", async () => {
    await chain();
    expect(emu.getBehaviour().deleteInheritedPolicy).toBe("allow");
    expect((await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Base`)).status).toBe(204);
    expect(ids()).toEqual(["B2C_1A_Ext"]);
  });

  test("refuse: 400 naming the child; children first works", async () => {
    emu.setBehaviour({ deleteInheritedPolicy: "refuse" });
    await chain();
    const refused = await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Base`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("B2C_1A_Ext");
    expect(ids()).toEqual(["B2C_1A_Base", "B2C_1A_Ext"]);
    expect((await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Ext`)).status).toBe(204);
    expect((await graphFetch(emu, "DELETE", `${POLICIES}/B2C_1A_Base`)).status).toBe(204);
    expect(ids()).toEqual([]);
  });

  test("the switch takes only allow or refuse", () => {
    expect(() => emu.setBehaviour({ deleteInheritedPolicy: "maybe" as "allow" })).toThrow(/allow, refuse/);
  });
});

describe("the Microsoft starter pack (SocialAndLocalAccounts) uploads in dependency order", () => {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const dir = path.join(__dirname, "..", "fixtures", "b2c-starterpack", "SocialAndLocalAccounts");
  const order = ["TrustFrameworkBase", "TrustFrameworkLocalization", "TrustFrameworkExtensions", "SignUpOrSignin", "ProfileEdit", "PasswordReset"];
  const load = (name: string) => fs.readFileSync(path.join(dir, `${name}.xml`), "utf8").replace(/yourtenant\.onmicrosoft\.com/g, tenant);
  const idOf = (xml: string) => /PolicyId="([^"]+)"/.exec(xml)![1];

  test("fails without keysets, succeeds once they exist; a relying party before its base fails", async () => {
    const base = load("TrustFrameworkBase");
    const missingKeys = await put(idOf(base), base);
    expect(missingKeys.status).toBe(400);
    expect(missingKeys.body.error.message).toContain("B2C_1A_TokenSigningKeyContainer");
    const rp = load("SignUpOrSignin");
    expect((await put(idOf(rp), rp)).status).toBe(400);
    for (const id of ["TokenSigningKeyContainer", "TokenEncryptionKeyContainer", "FacebookSecret"]) {
      expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id })).status).toBe(201);
    }
    for (const name of order) {
      const xml = load(name);
      const res = await put(idOf(xml), xml);
      expect([name, res.status]).toEqual([name, 201]);
    }
    expect(emu.snapshot().policies.map((p) => p.id)).toEqual(order.map((name) => idOf(load(name))));
  });
});
