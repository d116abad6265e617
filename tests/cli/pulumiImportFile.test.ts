// `b2c-identity import --pulumi-import-file`: the tenant as a `pulumi import --file` document
// (https://www.pulumi.com/docs/iac/adopting-pulumi/import/, bulk import: {"resources": [{type, name,
// id}]}), each object typed by the plugin's custom resources and named by its Graph id as `pulumi
// import` takes it. tests/engine/import.test.ts runs `pulumi import --file` on such a document.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { runImport } from "../helpers/importCli";
import { seedMatureTenant } from "../helpers/matureTenant";
import { graphCalls, graphWrites } from "../helpers/requestLog";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-import-file-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const T = (name: string) => `b2c-identity:index:${name}`;

test("a mature tenant: every object once, by its Graph id, typed by what it is; only the document is written; no Graph write", async () => {
  await seedMatureTenant(emu);
  emu.clearRequestLog();
  const file = path.join(dir, "import.json");
  const r = await runImport(emu, ["--pulumi-import-file", file]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(graphWrites(emu.requestLog())).toEqual([]);
  expect(fs.readdirSync(dir)).toEqual(["import.json"]); // no stack config, no policy files
  const document = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(Object.keys(document)).toEqual(["resources"]);
  expect(document.resources.map((x: { type: string; name: string; id: string }) => `${x.type} ${x.name} ${x.id}`).sort()).toEqual(
    [
      `${T("IdentityProvider")} wechat WeChat-OAUTH`,
      `${T("IdentityProvider")} qq QQ-OAUTH`,
      `${T("IdentityProvider")} google Google-OAUTH`,
      `${T("IdentityProvider")} facebook Facebook-OAUTH`,
      `${T("UserFlow")} signupsignin B2C_1_signupsignin`,
      `${T("UserFlow")} signin B2C_1_signin`,
      `${T("UserFlow")} profileedit B2C_1_profileedit`, // the policy ProfileEdit below is then ProfileEdit-policy
      `${T("UserFlowIdentityProviderLink")} signupsignin-wechat B2C_1_signupsignin/WeChat-OAUTH`,
      `${T("UserFlowIdentityProviderLink")} signupsignin-qq B2C_1_signupsignin/QQ-OAUTH`,
      `${T("UserFlowIdentityProviderLink")} signupsignin-google B2C_1_signupsignin/Google-OAUTH`,
      `${T("UserFlowIdentityProviderLink")} signin-wechat B2C_1_signin/WeChat-OAUTH`,
      `${T("UserFlowIdentityProviderLink")} signin-facebook B2C_1_signin/Facebook-OAUTH`,
      `${T("UserFlowIdentityProviderLink")} profileedit-qq B2C_1_profileedit/QQ-OAUTH`,
      // Generated keys are declared whole; keys with material Graph never returns are adopted read-only.
      `${T("TrustFrameworkKeySet")} TokenSigningKeyContainer B2C_1A_TokenSigningKeyContainer`,
      `${T("TrustFrameworkKeySet")} TokenEncryptionKeyContainer B2C_1A_TokenEncryptionKeyContainer`,
      `${T("AdoptedTrustFrameworkKeySet")} WeChatSecret B2C_1A_WeChatSecret`,
      `${T("AdoptedTrustFrameworkKeySet")} QQSecret B2C_1A_QQSecret`,
      `${T("AdoptedTrustFrameworkKeySet")} SamlSigningCert B2C_1A_SamlSigningCert`,
      `${T("AdoptedTrustFrameworkKeySet")} FacebookSecret B2C_1A_FacebookSecret`,
      ...["TrustFrameworkBase", "TrustFrameworkLocalization", "TrustFrameworkExtensions", "signup_signin", "PasswordReset"].map(
        (id) => `${T("TrustFrameworkPolicy")} ${id} B2C_1A_${id}`,
      ),
      `${T("TrustFrameworkPolicy")} ProfileEdit-policy B2C_1A_ProfileEdit`,
    ].sort(),
  );
  // The summary: the pulumi import command, the secret each provider's code needs, the read-only keysets.
  expect(r.out).toContain(`Wrote ${file}: 4 identity provider(s), 3 user flow(s), 6 user flow attachment(s), 6 keyset(s), 6 custom policies`);
  expect(r.out).toContain(`pulumi import --file ${file} --protect=false --out imported.ts --yes`);
  expect(r.out).toContain("  wechat: clientSecret, the WeChat APP KEY (identity provider WeChat-OAUTH)");
  expect(r.out).toContain("  google: clientSecret, the Google client secret (identity provider Google-OAUTH)");
  expect(r.out).toMatch(/B2C_1A_SamlSigningCert \(holds certificate keys/);
  expect(fs.readFileSync(file, "utf8")).not.toMatch(/724a289b4c342d38261583049e85d9b7|qq-app-key|facebook-app-secret/);
});

test("what pulumi import can't take is listed with the reason; names stay unique", async () => {
  const post = (p: string, body: unknown) => graphFetch(emu, "POST", p, body);
  await post("/v1.0/identity/identityProviders", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "GitHub", identityProviderType: "GitHub", clientId: "gh", clientSecret: "gh-secret" });
  await post("/beta/identity/b2cUserFlows", { id: "github", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  await post("/beta/trustFramework/keySets", { id: "B2C_1A_Empty" });
  emu.clearRequestLog();
  const file = path.join(dir, "import.json");
  const r = await runImport(emu, ["--pulumi-import-file", file]);
  expect(r.code).toBe(0);
  const names = JSON.parse(fs.readFileSync(file, "utf8")).resources.map((x: { name: string; id: string }) => `${x.name} ${x.id}`);
  expect(names).toEqual(["github GitHub-OAUTH", "github-flow B2C_1_github"]);
  expect(r.out).toContain("keyset B2C_1A_Empty: has no key, so its kind is unknown; left as it is");
  expect(graphWrites(emu.requestLog())).toEqual([]);
});

test("an existing document is kept unless --force; --output is asked for only without --pulumi-import-file", async () => {
  const file = path.join(dir, "import.json");
  fs.writeFileSync(file, "{}\n");
  const kept = await runImport(emu, ["--pulumi-import-file", file]);
  expect(kept.code).toBe(2);
  expect(kept.err).toMatch(/import\.json exists: give --force to overwrite it/);
  expect(fs.readFileSync(file, "utf8")).toBe("{}\n");
  expect(graphCalls(emu.requestLog())).toEqual([]);
  const neither = await runImport(emu, []);
  expect(neither.err).toMatch(/--output is required, e\.g\. --output stacks\/Pulumi\.prod\.yaml \(or --pulumi-import-file import\.json/);
  expect((await runImport(emu, ["--pulumi-import-file", file, "--force"])).code).toBe(0);
  expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ resources: [] });
});
