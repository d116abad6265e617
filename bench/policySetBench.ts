// The custom-policy part of the tenant benchmark: the starter pack's SocialAndLocalAccounts set (6
// policies) plus two more relying parties = 8 policies, and the 3 keys they reference.
import * as fs from "fs";
import * as path from "path";
import { PolicyKey, TrustFrameworkPolicySet } from "../api";
import { DEFAULT_TENANT_NAME } from "../emulator/tenantDefaults";

type Call = (method: string, path: string, body?: unknown, contentType?: string) => Promise<void>;

// From bench/ (sources) or .bench-build/bench/ (compiled), wherever the program runs.
const PACK = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")]
  .map((root) => path.join(root, "tests", "fixtures", "b2c-starterpack", "SocialAndLocalAccounts"))
  .find((dir) => fs.existsSync(dir))!;
const IEF_APP = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const PROXY_APP = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";

/** The 8 policy documents, with placeholders in the VS Code extension's {Settings:...} form. */
function policyFiles(): { fileName: string; xml: string }[] {
  const files = fs
    .readdirSync(PACK)
    .filter((f) => f.endsWith(".xml"))
    .map((fileName) => ({ fileName, xml: fs.readFileSync(path.join(PACK, fileName), "utf8").replace("facebook_clientid", "{Settings:FacebookAppId}") }));
  const rp = files.find((f) => f.fileName === "SignUpOrSignin.xml")!;
  for (const extra of ["wechat", "qq"]) {
    files.push({ fileName: `SignUpOrSignin_${extra}.xml`, xml: rp.xml.split('B2C_1A_signup_signin"').join(`B2C_1A_signup_signin_${extra}"`) });
  }
  return files;
}

/** The same documents with the tenant and app ids filled in, as the sequential script uploads them. */
function substituted(tenant: string): { policyId: string; xml: string }[] {
  return policyFiles().map((f) => {
    const xml = f.xml
      .split("yourtenant.onmicrosoft.com").join(tenant)
      .split("{Settings:FacebookAppId}").join("0")
      .split("ProxyIdentityExperienceFrameworkAppId").join(PROXY_APP)
      .split("IdentityExperienceFrameworkAppId").join(IEF_APP);
    return { policyId: /PolicyId="([^"]+)"/.exec(xml)![1], xml };
  });
}

/** Upload order of the set: base, localization, extensions, then the relying parties. */
const ORDER = ["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions"];

export const extraBenchResources = {
  description: ", 8 custom policies",
  /**
   * Longest chain of dependent Graph calls: keyset POST -> key -> Base PUT -> Localization PUT ->
   * Extensions PUT -> relying party PUT.
   */
  criticalPathCalls: 6,
  /** Policy keys the largeTenant part creates (counted among the tenant's 40). */
  policyKeys: 3,
  kinds: [
    {
      kind: "custom policy",
      program: (v: 1 | 2) => () => {
        const base = policyFiles().find((f) => f.fileName === "TrustFrameworkBase.xml")!;
        const key1 = new PolicyKey("signing", { name: "TokenSigningKeyContainer", generate: { keyType: "RSA", use: "sig" } });
        const key2 = new PolicyKey("encryption", { name: "TokenEncryptionKeyContainer", generate: { keyType: "RSA", use: "enc" } });
        const key3 = new PolicyKey("facebook", { name: "FacebookSecret", secret: { value: "fb-secret-value" } });
        const xml = v === 1 ? base.xml : base.xml.replace("<DisplayName>Facebook</DisplayName>", "<DisplayName>Facebook 2</DisplayName>");
        return new TrustFrameworkPolicySet("base", {
          policies: [{ fileName: base.fileName, xml }],
          identityExperienceFrameworkAppId: IEF_APP,
          proxyIdentityExperienceFrameworkAppId: PROXY_APP,
          appSettings: { Environments: [{ Name: "Bench", Tenant: `${DEFAULT_TENANT_NAME}.onmicrosoft.com`, PolicySettings: { FacebookAppId: "0" } }] },
          environment: "Bench",
          keySets: [key1, key2, key3],
        }).policyIds;
      },
      // PUT is an upsert, so a create reads first: that GET is what tells our new policy from a
      // hand-made one we must not take over (README "Adopting an existing tenant").
      minimum: { create: 2, update: 1, "no-op": 0, refresh: 1, destroy: 1 },
    },
  ],
  filterFor: (kind: string) => (p: string) => kind === "custom policy" && /\/trustFramework\/policies/i.test(p),
  largeTenant: (tenant: string) => {
    const keys = [
      new PolicyKey("policy-signing", { name: "TokenSigningKeyContainer", generate: { keyType: "RSA", use: "sig" } }),
      new PolicyKey("policy-encryption", { name: "TokenEncryptionKeyContainer", generate: { keyType: "RSA", use: "enc" } }),
      new PolicyKey("policy-facebook", { name: "FacebookSecret", secret: { value: "facebook-secret" } }),
    ];
    return new TrustFrameworkPolicySet("policies", {
      policies: policyFiles(),
      identityExperienceFrameworkAppId: IEF_APP,
      proxyIdentityExperienceFrameworkAppId: PROXY_APP,
      appSettings: { Environments: [{ Name: "Bench", Tenant: tenant, PolicySettings: { FacebookAppId: "0" } }] },
      environment: "Bench",
      keySets: keys,
    }).policyIds;
  },
};

export async function sequentialExtraCalls(call: Call, tenant: string): Promise<void> {
  await call("POST", "/beta/trustFramework/keySets", { id: "TokenSigningKeyContainer" });
  await call("POST", "/beta/trustFramework/keySets/B2C_1A_TokenSigningKeyContainer/generateKey", { use: "sig", kty: "RSA" });
  await call("POST", "/beta/trustFramework/keySets", { id: "TokenEncryptionKeyContainer" });
  await call("POST", "/beta/trustFramework/keySets/B2C_1A_TokenEncryptionKeyContainer/generateKey", { use: "enc", kty: "RSA" });
  await call("POST", "/beta/trustFramework/keySets", { id: "FacebookSecret" });
  await call("POST", "/beta/trustFramework/keySets/B2C_1A_FacebookSecret/uploadSecret", { use: "sig", k: "facebook-secret" });
  const docs = substituted(tenant).sort((a, b) => rank(a.policyId) - rank(b.policyId));
  for (const doc of docs) await call("PUT", `/beta/trustFramework/policies/${doc.policyId}/$value`, doc.xml, "application/xml");
}

function rank(policyId: string): number {
  const i = ORDER.indexOf(policyId);
  return i < 0 ? ORDER.length : i;
}
