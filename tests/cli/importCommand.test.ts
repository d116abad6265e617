import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { main } from "../../cli";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { graphCalls, graphWrites } from "../helpers/requestLog";
import { runImport } from "../helpers/importCli";

// The command's edges: bad flags stop before any Graph call, the client secret is never a flag,
// and what the stack config can't hold is listed with the reason.

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-import-cmd-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

test("--client-secret is refused without echoing its value; nothing is read from Graph", async () => {
  const r = await run(["import", "--output", path.join(dir, "Pulumi.x.yaml"), "--client-secret", "s3cr3t-value-do-not-print"]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--client-secret is not accepted .* AZURE_CLIENT_SECRET/);
  expect(r.err + r.out).not.toContain("s3cr3t-value-do-not-print");
  const inline = await run(["import", "--output", path.join(dir, "Pulumi.x.yaml"), "--client-secret=s3cr3t-inline"]);
  expect(inline.err + inline.out).not.toContain("s3cr3t-inline");
  expect(graphCalls(emu.requestLog())).toEqual([]);
});

test("missing or bad flags name the flag and the fix", async () => {
  expect((await run(["import"])).err).toMatch(/--output is required, e\.g\. --output stacks\/Pulumi\.prod\.yaml/);
  expect((await run(["import", "--output", path.join(dir, "config.yaml")])).err).toMatch(/must be named Pulumi\.<stack>\.yaml \(or give --stack\)/);
  expect((await run(["export"])).err).toMatch(/unknown command 'export'/);
  expect((await run(["import", "--output", path.join(dir, "Pulumi.a.yaml"), "--tenantid", "x"])).err).toMatch(/--tenantid/);
  const saved = { ...process.env };
  for (const k of ["B2C_TENANT_ID", "B2C_TENANT_NAME", "AZURE_CLIENT_ID"]) delete process.env[k];
  try {
    const noTenant = await run(["import", "--output", path.join(dir, "Pulumi.a.yaml")]);
    expect(noTenant.code).toBe(2);
    expect(noTenant.err).toMatch(/No B2C tenant configured.*'b2c:tenantId' is --tenant-id/s);
  } finally {
    process.env = saved;
  }
  const existing = path.join(dir, "Pulumi.exists.yaml");
  fs.writeFileSync(existing, "config: {}\n");
  expect((await runImport(emu, ["--output", existing])).err).toMatch(/exists: give --force to overwrite it/);
  expect(fs.readFileSync(existing, "utf8")).toBe("config: {}\n");
  expect(graphCalls(emu.requestLog())).toEqual([]);
});

test("what the stack can't hold is listed with the reason; keys without valid keys and expiring ones are listed", async () => {
  await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "GitHub",
    identityProviderType: "GitHub",
    clientId: "gh-client",
    clientSecret: "gh-secret",
  });
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "B2C_1_localonly", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "B2C_1A_Empty" });
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "B2C_1A_Lapsed" });
  const now = Date.now();
  emu.setClock(now - 100 * 86400_000);
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_Lapsed/uploadSecret", { use: "enc", k: "lapsed-secret-1234", exp: Math.floor(now / 1000) - 86400 });
  emu.setClock(null);
  emu.clearRequestLog();

  const output = path.join(dir, "stacks", "Pulumi.edge.yaml");
  const r = await runImport(emu, ["--output", output, "--policies-dir", path.join(dir, "edge-policies"), "--expiring-within-days", "30"]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(graphWrites(emu.requestLog())).toEqual([]);
  expect(r.out).toContain("user flow B2C_1_localonly: shows none of the stack's identity providers");
  expect(r.out).toContain("keyset B2C_1A_Empty: has no key, so its kind is unknown");
  expect(r.out).toContain("B2C_1A_Lapsed: NO valid key now");
  expect(r.out).toContain("Keys that expire within 30 days:");
  expect(r.out).toContain("pulumi config set --secret b2c:githubAppKey '<the GitHub client secret (identity provider GitHub-OAUTH)>' --stack edge");
  const config = parse(fs.readFileSync(output, "utf8")).config;
  expect(config["b2c:socialSignIn"].identityProviders).toEqual([{ type: "GitHub", clientId: "gh-client", displayName: "GitHub", adoptExisting: true }]);
  expect(config["b2c:socialSignIn"].userFlows).toBeUndefined();
  expect(config["b2c:socialSignIn"].keySets).toEqual([{ name: "B2C_1A_Lapsed", source: "secret", use: "enc", keyType: "oct", adoptExisting: true }]);
  expect(config["b2c:socialSignIn"].customPolicies).toBeUndefined();
  expect(fs.readFileSync(output, "utf8")).not.toContain("gh-secret");
});
