// Custom policies through the real engine: Microsoft's SocialAccounts starter pack with the WeChat
// and QQ claims providers merged in, their keys in the same program, uploaded in BasePolicy order.
import * as fs from "fs";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { graphWrites } from "../helpers/requestLog";
import { STARTER_PACK_DIR } from "../policies/starterPack";

const program = (packDir: string) => `
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const b2c = require("pulumi-b2c-identity");
const config = new pulumi.Config("b2c");
const dir = ${JSON.stringify(packDir)};
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).map((fileName) => ({
  fileName,
  xml: fs.readFileSync(path.join(dir, fileName), "utf8").replace("facebook_clientid", "{Settings:FacebookAppId}"),
}));
const keys = [
  new b2c.TokenSigningKey("signing"),
  new b2c.TokenEncryptionKey("encryption"),
  new b2c.WeChatSecretKey("wechat", { appKey: config.requireSecret("wechatAppKey") }),
  new b2c.QQSecretKey("qq", { appKey: config.requireSecret("qqAppKey") }),
  new b2c.PolicyKey("facebook", { name: "FacebookSecret", secret: { value: config.requireSecret("facebookAppSecret") } }),
];
const set = new b2c.TrustFrameworkPolicySet("policies", {
  policies: b2c.policies.mergeSocialProvidersIntoPolicySet(files, [
    b2c.policies.weChatProviderPolicy({ appId: "wx0123456789abcdef" }),
    b2c.policies.qqProviderPolicy({ appId: "101000001" }),
  ]),
  identityExperienceFrameworkAppId: "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa",
  proxyIdentityExperienceFrameworkAppId: "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb",
  appSettings: { Environments: [{ Name: "test", Tenant: config.require("tenantId"), PolicySettings: { FacebookAppId: "fb-app-1" } }] },
  environment: "test",
  keySets: keys,
});
module.exports = { policyIds: set.policyIds };
`;

describe("custom policies through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({
      project: { program: program(path.join(STARTER_PACK_DIR, "SocialAccounts")) },
      secrets: { "b2c:wechatAppKey": "345f6bb56571489e0887f29e06f352a1", "b2c:qqAppKey": "engine-qq-key", "b2c:facebookAppSecret": "engine-facebook-secret" },
    }),
  );

  test("up uploads the set in BasePolicy order, after the keys, with the WeChat and QQ technical profiles", async () => {
    await project.up();
    const writes = graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path.replace(/^\/beta/, "")}`);
    const uploads = writes.filter((w) => w.startsWith("PUT /trustFramework/policies/")).map((w) => w.split("/")[3].replace("/$value", ""));
    expect(uploads.slice(0, 3)).toEqual(["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions"]);
    expect(uploads.slice(3).sort()).toEqual(["B2C_1A_ProfileEdit", "B2C_1A_signup_signin"]); // the relying parties, last
    // Every keyset is written before the first policy upload that references keys.
    const firstUpload = writes.findIndex((w) => w.startsWith("PUT /trustFramework/policies/"));
    const lastKeyWrite = writes.map((w, i) => (w.includes("/trustFramework/keySets") ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    expect(lastKeyWrite).toBeLessThan(firstUpload);
    const extensions = emu.snapshot().policies.find((p) => p.id === "B2C_1A_TrustFrameworkExtensions")!.xml;
    expect(extensions).toContain('TechnicalProfile Id="WeChat-OAuth2"');
    expect(extensions).toContain('TechnicalProfile Id="QQ-OAuth2"');
    expect(extensions).toContain("wx0123456789abcdef");
    expect(extensions).not.toContain("345f6bb56571489e0887f29e06f352a1"); // the key is referenced, never inlined
    expect(emu.snapshot().policies.length).toBe(uploads.length);
    // State stays small: no code in it, and a policy's document once, as given (readable diffs),
    // only in its inputs; everything else of an entry is under 16 KB (issue 23 item 6).
    const entries = (await project.exportState()).deployment.resources.filter((r: any) => r.custom && r.type.startsWith("b2c-identity:index:"));
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(entries)).not.toContain("__provider");
    const policies = entries.filter((r: any) => r.type === "b2c-identity:index:TrustFrameworkPolicy");
    expect(policies.map((r: any) => r.inputs.xml.length).every((n: number) => n > 0)).toBe(true);
    expect(policies.some((r: any) => "xml" in r.outputs || "xmlPacked" in r.outputs || "xmlPacked" in r.inputs)).toBe(false);
    const withoutDocument = (r: any) => JSON.stringify({ ...r, inputs: { ...r.inputs, xml: undefined } }).length;
    expect(Math.max(...entries.map(withoutDocument))).toBeLessThanOrEqual(16 * 1024);
  });

  test("a second up and a refresh change nothing", async () => {
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    await project.refresh(["--expect-no-changes"]);
    expect(graphWrites(emu.requestLog())).toEqual([]);
  });

  test("preview --diff of a changed policy shows the changed XML line, readable, and no other policy", async () => {
    const main = path.join(project.dir, "index.js");
    const before = fs.readFileSync(main, "utf8");
    fs.writeFileSync(main, before.replace('FacebookAppId: "fb-app-1"', 'FacebookAppId: "fb-app-2"'));
    try {
      const preview = await project.preview(["--diff"]);
      const changed = preview.stdout.split("\n").filter((line) => /^\s*[-+~]/.test(line));
      // The document is an input as it is: the diff names the policy and shows the line, old and new.
      expect(changed.some((line) => line.includes("b2c-identity:index:TrustFrameworkPolicy"))).toBe(true);
      expect(changed.some((line) => /^\s*-.*fb-app-1/.test(line))).toBe(true);
      expect(changed.some((line) => /^\s*\+.*fb-app-2/.test(line))).toBe(true);
      expect(preview.stdout).not.toContain("xmlPacked");
      expect(preview.stdout).not.toMatch(/[A-Za-z0-9+/]{200}/); // no packed or encoded blob
    } finally {
      fs.writeFileSync(main, before);
    }
  });

  test("destroy removes the policies (children first) and the keys", async () => {
    emu.clearRequestLog();
    await project.destroy();
    expect(emu.snapshot().policies).toEqual([]);
    expect(emu.snapshot().keySets).toEqual([]);
    const deletes = graphWrites(emu.requestLog()).filter((e) => e.path.includes("/trustFramework/policies/")).map((e) => e.path.split("/").pop());
    expect(deletes.indexOf("B2C_1A_TrustFrameworkBase")).toBe(deletes.length - 1);
  });
});
