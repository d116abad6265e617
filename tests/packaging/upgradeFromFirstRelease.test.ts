// The upgrade path (issue 14): a stack created by the first release, 0.1.0, whose state holds that
// release's whole provider implementation serialized in every `__provider`, run by this version
// through the real Pulumi engine. The fixture (tests/fixtures/first-release, made by its
// generate.js with 0.1.0 itself) is the exported stack and the emulator tenant it created.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EmulatorSnapshot, RunningEmulator } from "../../emulator";
import { IMPLEMENTATIONS_KEY } from "../../kernel/thinProvider";
import { startTestEmulator } from "../helpers/emulator";
import { EngineProject, emulatorConfig, summaryCounts } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";

const FIXTURE = path.join(__dirname, "../fixtures/first-release");
const fixtureText = (name: string) => fs.readFileSync(path.join(FIXTURE, name), "utf8");

/** The dynamic resources of an exported stack. */
function dynamicResources(state: any): any[] {
  return (state.deployment.resources ?? []).filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic/"));
}

/** The tenant without its volatile parts, for before/after comparison. */
function tenantObjects(snapshot: EmulatorSnapshot) {
  const { identityProviders, userFlows, keySets, policies } = snapshot;
  return { identityProviders, userFlows, keySets, policies };
}

/** The Graph endpoint 0.1.0's run recorded in the stack's provider config (its emulator's address). */
function recordedEndpoint(stackText: string): string {
  const provider = JSON.parse(stackText).deployment.resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
  return provider.inputs["b2c:graphEndpoint"];
}

interface FirstReleaseStack {
  emu: RunningEmulator;
  project: EngineProject;
  /** The tenant as the fixture holds it, before this version runs. */
  fixtureTenant: ReturnType<typeof tenantObjects>;
  cleanup(): Promise<void>;
}

/**
 * The fixture's tenant in a fresh emulator and its stack imported into a fresh project. The engine
 * runs `refresh` and `destroy` with the provider config recorded in state at the last `up`; a real
 * stack records the same Graph endpoint each time, while the fixture's emulator listened on another
 * port, so the recorded address is pointed at this emulator (secrets stay as 0.1.0 encrypted them).
 */
async function importFirstReleaseStack(): Promise<FirstReleaseStack> {
  const tenantDir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-first-release-tenant-"));
  fs.copyFileSync(path.join(FIXTURE, "tenant.json"), path.join(tenantDir, "tenant.json"));
  const emu = await startTestEmulator({ stateFile: path.join(tenantDir, "tenant.json") });
  const project = new EngineProject({
    program: fixtureText("index.js"),
    files: { "UpgradeProbe.xml": fixtureText("UpgradeProbe.xml"), "Pulumi.upgrade.yaml": fixtureText("Pulumi.upgrade.yaml") },
    stack: "upgrade",
    passphrase: "first-release-fixture",
  });
  const cleanup = async () => {
    project.cleanup();
    await emu.stop();
    fs.rmSync(tenantDir, { recursive: true, force: true });
  };
  try {
    const stackText = fixtureText("stack.json");
    const stackFile = path.join(tenantDir, "stack.json");
    fs.writeFileSync(stackFile, stackText.split(recordedEndpoint(stackText)).join(emu.graphEndpoint));
    await project.pulumi(["stack", "init", "upgrade"], { stack: false });
    await project.pulumi(["stack", "import", "--file", stackFile]);
    await project.setConfig(emulatorConfig(emu), { "b2c:clientSecret": emu.clientSecret, ...JSON.parse(fixtureText("secrets.json")) });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { emu, project, fixtureTenant: tenantObjects(emu.snapshot()), cleanup };
}

describe("a stack created by the first release (0.1.0), under this version", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  let fixtureTenant: ReturnType<typeof tenantObjects>;
  let resourceCount: number;
  let imported: FirstReleaseStack | undefined;

  beforeAll(async () => {
    imported = await importFirstReleaseStack();
    ({ emu, project, fixtureTenant } = imported);
  });
  afterAll(() => imported?.cleanup());

  test("the fixture is what 0.1.0 left: fat serialized providers and the tenant they made", async () => {
    const resources = dynamicResources(await project.exportState());
    resourceCount = resources.length;
    expect(resources.map((r) => r.type.split(":").pop()).sort()).toEqual([
      "IdentityProvider",
      "IdentityProvider",
      "PolicyKey",
      "PolicyKey",
      "PolicyKey",
      "PolicyKey",
      "TrustFrameworkPolicy",
      "UserFlow",
      "UserFlowIdentityProvider",
      "UserFlowIdentityProvider",
    ]);
    for (const r of resources) {
      expect(r.outputs.__provider.length).toBeGreaterThan(7000);
      expect(r.outputs.__provider).not.toContain(IMPLEMENTATIONS_KEY);
    }
    expect(fixtureTenant.identityProviders.map((p) => p.id).sort()).toEqual(["QQ-OAUTH", "WeChat-OAUTH"]);
    expect(fixtureTenant.policies.map((p) => p.id)).toEqual(["B2C_1A_UpgradeProbe"]);
  });

  test("preview shows each resource moving to the new provider, and nothing created, deleted or replaced", async () => {
    emu.clearRequestLog();
    const preview = await project.preview();
    expect(summaryCounts(preview.stdout)).toEqual({ "to update": resourceCount, unchanged: expect.any(Number) });
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("up makes no Graph write, leaves the tenant as it was, and moves every resource onto the thin stub", async () => {
    emu.clearRequestLog();
    const up = await project.up();
    expect(summaryCounts(up.stdout)).toEqual({ updated: resourceCount, unchanged: expect.any(Number) });
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(tenantObjects(emu.snapshot())).toEqual(fixtureTenant);

    const resources = dynamicResources(await project.exportState());
    expect(resources).toHaveLength(resourceCount);
    for (const r of resources) {
      for (const props of [r.inputs, r.outputs]) {
        expect(props.__provider).toContain(IMPLEMENTATIONS_KEY);
        expect(props.__provider.length).toBeLessThanOrEqual(2048);
      }
      expect(JSON.stringify(r).length).toBeLessThanOrEqual(16 * 1024);
    }
  });

  test("after that, up reports no changes, and a refresh and another up change nothing in the tenant", async () => {
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    await project.refresh();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(tenantObjects(emu.snapshot())).toEqual(fixtureTenant);
  });

  test("destroy removes everything the first release created", async () => {
    await project.destroy();
    expect(tenantObjects(emu.snapshot())).toEqual({ identityProviders: [], userFlows: [], keySets: [], policies: [] });
    expect(dynamicResources(await project.exportState())).toEqual([]);
  });
});

// Until a resource's first update, the engine runs `refresh` and `destroy` with the provider stored
// in its state: 0.1.0's own code, which loads parts of this version's package by path.
describe("a stack created by the first release, refreshed and destroyed before any up", () => {
  let imported: FirstReleaseStack | undefined;
  beforeAll(async () => {
    imported = await importFirstReleaseStack();
  });
  afterAll(() => imported?.cleanup());

  test("refresh makes no Graph write and leaves the tenant as it was; the next preview still only moves resources onto the stub", async () => {
    const { emu, project, fixtureTenant } = imported!;
    const resourceCount = dynamicResources(await project.exportState()).length;
    emu.clearRequestLog();
    await project.refresh();
    expect(emu.requestLog().filter((e) => e.kind === "graph" && e.method === "GET").length).toBeGreaterThanOrEqual(resourceCount);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(tenantObjects(emu.snapshot())).toEqual(fixtureTenant);
    const preview = await project.preview();
    expect(summaryCounts(preview.stdout)).toEqual({ "to update": resourceCount, unchanged: expect.any(Number) });
  });

  test("destroy removes everything the first release created", async () => {
    const { emu, project } = imported!;
    await project.destroy();
    expect(tenantObjects(emu.snapshot())).toEqual({ identityProviders: [], userFlows: [], keySets: [], policies: [] });
    expect(dynamicResources(await project.exportState())).toEqual([]);
  });
});
