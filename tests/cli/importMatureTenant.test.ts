import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { stackProgram } from "../../program/stackProgram";
import { startTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { expectedFirstUpWrites, MATURE_FLOWS, MATURE_IDPS, secretKeysFromSummary, seedMatureTenant } from "../helpers/matureTenant";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { describeCalls, graphWrites } from "../helpers/requestLog";
import { runImport } from "../helpers/importCli";

// The whole adoption path against a hand-built tenant: `b2c-identity import`, then the stack program
// (through the lifecycle harness) up, up again, destroy. Graph writes are counted from the
// emulator's request log.

let emu: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-import-"));
});
afterAll(async () => {
  await emu.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Stack config as Pulumi hands it to a program: objects as JSON text. */
function asStackConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

test("import a mature tenant; first up sets only the secrets, second up writes nothing, destroy leaves the tenant as it was", async () => {
  const tenant = await seedMatureTenant(emu);
  const before = emu.snapshot();
  const output = path.join(dir, "stacks", "Pulumi.mature.yaml");
  const policiesDir = path.join(dir, "policies");

  // 1. import: reads only.
  emu.clearRequestLog();
  const imported = await runImport(emu, ["--output", output, "--policies-dir", policiesDir]);
  expect(imported.err).toBe("");
  expect(imported.code).toBe(0);
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

  const text = fs.readFileSync(output, "utf8");
  for (const secret of [emu.clientSecret, ...MATURE_IDPS.map((i) => i.secret), "facebook-app-secret-old"]) expect(text).not.toContain(secret);
  const config = parse(text).config as Record<string, any>;
  expect(config).toMatchObject({ "b2c:tenantId": emu.tenantDomain, "b2c:tenantName": emu.tenantName, "b2c:clientId": emu.clientId });
  expect(Object.keys(config).filter((k) => /secret/i.test(k))).toEqual([]);
  const signIn = config["b2c:socialSignIn"];
  expect(signIn.identityProviders).toEqual(
    MATURE_IDPS.map((i) => ({ type: i.type, [i.type === "WeChat" || i.type === "QQ" ? "appId" : "clientId"]: i.clientId, displayName: i.displayName, adoptExisting: true })),
  );
  expect(signIn.userFlows).toEqual(
    MATURE_FLOWS.map((f) => ({
      name: f.id,
      userFlowType: f.userFlowType,
      userFlowTypeVersion: 3,
      isLanguageCustomizationEnabled: f.isLanguageCustomizationEnabled,
      defaultLanguageTag: f.defaultLanguageTag,
      identityProviders: [...f.idps],
      adoptExisting: true,
    })),
  );
  expect(signIn.keySets).toEqual([
    { name: "B2C_1A_WeChatSecret", source: "secret", use: "sig", keyType: "oct", adoptExisting: true },
    { name: "B2C_1A_QQSecret", source: "secret", use: "sig", keyType: "oct", adoptExisting: true },
    { name: "B2C_1A_TokenSigningKeyContainer", source: "generate", use: "sig", keyType: "RSA", adoptExisting: true },
    { name: "B2C_1A_TokenEncryptionKeyContainer", source: "generate", use: "enc", keyType: "RSA", adoptExisting: true },
    { name: "B2C_1A_SamlSigningCert", source: "certificate", use: "sig", adoptExisting: true },
    { name: "B2C_1A_FacebookSecret", source: "secret", use: "sig", keyType: "oct", adoptExisting: true },
  ]);
  expect(signIn.customPolicies).toEqual({ folder: policiesDir, adoptExisting: true });
  expect(fs.readdirSync(policiesDir).sort()).toEqual(before.policies.map((p) => `${p.id}.xml`).sort());
  expect(fs.readFileSync(path.join(policiesDir, "B2C_1A_TrustFrameworkExtensions.xml"), "utf8")).toContain("OPS-1234");

  // The summary: the secrets to set, what expires within 90 days, what could not be expressed.
  const commands = secretKeysFromSummary(imported.out);
  expect(commands).toEqual(["b2c:wechatAppKey", "b2c:qqAppKey", "b2c:googleAppKey", "b2c:facebookAppKey"]);
  const expiring = imported.out.slice(imported.out.indexOf("Keys that expire"), imported.out.indexOf("Not expressed"));
  expect(expiring).toContain(`B2C_1A_QQSecret: active key`);
  expect(expiring).toContain(new Date(tenant.qqSecretExpiresAt * 1000).toISOString());
  expect(expiring).toContain(`B2C_1A_SamlSigningCert: active key`);
  expect(expiring).not.toContain("FacebookSecret"); // its older key expired; the newer one has no expiry
  expect(expiring).not.toContain("TokenSigning");
  expect(imported.out).toMatch(/B2C_1A_SamlSigningCert holds certificate keys/);

  // 2. first up on the imported stack: adoptions only, Graph writes only the identity provider secrets.
  const secrets = Object.fromEntries(commands.map((k) => [k, tenant.secrets[k]]));
  const engine = new LifecycleEngine({ ...emulatorStackConfig(emu), ...asStackConfig(config), ...secrets }, "mature");
  const warnings: string[] = [];
  const warn = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.join(" ")));
  try {
    emu.clearRequestLog();
    const first = await engine.up(stackProgram);
    expect(first.steps.filter((s) => s.action !== "create")).toEqual([]);
    const writes = describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""));
    expect(writes.sort()).toEqual(expectedFirstUpWrites(before));
    // The certificate runs out in 20 days (< 30): named with its date. QQ's secret (60 days) is not.
    const certWarning = warnings.find((w) => w.includes("B2C_1A_SamlSigningCert"));
    expect(certWarning).toContain(new Date(tenant.certificateExpiresAt * 1000).toISOString());
    expect(warnings.some((w) => w.includes("B2C_1A_QQSecret"))).toBe(false);

    // 3. second up: nothing to do.
    emu.clearRequestLog();
    const second = await engine.up(stackProgram);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(second.steps.every((s) => s.action === "same")).toBe(true);
  } finally {
    warn.mockRestore();
  }

  // 4. destroy: every object was adopted, so the tenant is exactly as before the import.
  emu.clearRequestLog();
  await engine.destroy();
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  expect(emu.snapshot()).toEqual(before);
});
