import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator } from "../helpers/emulator";
import { runImport } from "../helpers/importCli";
import { expectedFirstUpWrites, secretKeysFromSummary, seedMatureTenant } from "../helpers/matureTenant";
import { EngineProject, summaryCounts } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";

// The adoption path through the real Pulumi engine (CLI, language host, dynamic-provider host):
// import the mature tenant into a project whose program is the packaged stack program, then
// preview (adoptions only), up (only the identity provider secrets), preview/up again (no write,
// the expiry warning in the engine's diagnostics), destroy (the tenant as it was).

jest.setTimeout(600_000);

let emu: RunningEmulator;
let project: EngineProject;
beforeAll(async () => {
  emu = await startTestEmulator();
  project = new EngineProject({ stack: "mature" });
});
afterAll(async () => {
  project?.cleanup();
  await emu?.stop();
});

test("import, preview, up, up, destroy through the real engine", async () => {
  const tenant = await seedMatureTenant(emu);
  const before = emu.snapshot();
  const output = path.join(project.dir, "imported", "Pulumi.mature.yaml");
  const imported = await runImport(emu, ["--output", output, "--policies-dir", path.join(project.dir, "policies")]);
  expect(imported.code).toBe(0);
  const config = parse(fs.readFileSync(output, "utf8")).config as Record<string, unknown>;
  const secrets = Object.fromEntries(secretKeysFromSummary(imported.out).map((k) => [k, tenant.secrets[k]]));
  await project.init(config, { "b2c:clientSecret": emu.clientSecret, ...secrets });

  emu.clearRequestLog();
  const preview = await project.preview();
  const planned = summaryCounts(preview.stdout);
  expect(planned["to create"]).toBeGreaterThan(0);
  expect(planned["to replace"] ?? 0).toBe(0);
  expect(planned["to delete"] ?? 0).toBe(0);
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

  emu.clearRequestLog();
  const up = await project.up();
  expect(summaryCounts(up.stdout)).not.toHaveProperty("replaced");
  expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, "")).sort()).toEqual(expectedFirstUpWrites(before));
  expect(up.stdout).toMatch(/warning: Policy key B2C_1A_SamlSigningCert: its active key .* expires on /);

  // preview now knows the keys (from state): it warns too, and plans nothing.
  emu.clearRequestLog();
  const again = await project.preview();
  expect(again.stdout).toMatch(/warning: Policy key B2C_1A_SamlSigningCert/);
  expect(summaryCounts(again.stdout)).toEqual({ unchanged: expect.any(Number) });
  const second = await project.up();
  expect(summaryCounts(second.stdout)).toEqual({ unchanged: expect.any(Number) });
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

  emu.clearRequestLog();
  await project.destroy();
  expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  expect(emu.snapshot()).toEqual(before);
});
