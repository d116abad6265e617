// `b2c-identity import` writes only safe files (issue 19 item 8): policy ids that are not plain names
// are never written (least of all outside --policies-dir), case twins are reported, existing files
// are kept unless --force, a policy that fails the stack's offline checks and a flow the stack can't
// express are listed under "not expressed", not called adopted. The tenant is the emulator, seeded as
// a mature tenant and then given what no API call could make (ids with dot segments, an unsupported
// flow version) through its state file.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { policyFileIds, policyIdProblem, writePolicyFiles } from "../../cli/importTenant";
import { startTestEmulator } from "../helpers/emulator";
import { runImport } from "../helpers/importCli";
import { seedMatureTenant } from "../helpers/matureTenant";
import { graphWrites } from "../helpers/requestLog";

let dir: string;
let emu: RunningEmulator;
const stateFile = () => path.join(dir, "tenant.json");

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-import-safe-"));
  // A mature tenant, saved to a state file; then what the API can't make is added to the file.
  const seeding = await startTestEmulator({ stateFile: stateFile() });
  await seedMatureTenant(seeding);
  await seeding.stop();
  const state = JSON.parse(fs.readFileSync(stateFile(), "utf8"));
  const base = state.policies.find((p: { id: string }) => p.id === "B2C_1A_TrustFrameworkBase");
  const now = Date.now();
  state.policies.push(
    { id: "../../escape", xml: base.xml, createdAt: now, updatedAt: now },
    { id: "..", xml: base.xml, createdAt: now, updatedAt: now },
    { id: "B2C_1A_NotXml", xml: "this is not XML", createdAt: now, updatedAt: now },
  );
  const flow = state.userFlows[0];
  state.userFlows.push({ ...flow, id: "B2C_1_FutureFlow", userFlowTypeVersion: 4 });
  fs.writeFileSync(stateFile(), JSON.stringify(state));
  emu = await startTestEmulator({ stateFile: stateFile() });
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("unsafe ids are never written (nothing outside --policies-dir); a non-XML policy and a v4 flow are listed as not expressed, not adopted", async () => {
  const work = path.join(dir, "work");
  const policiesDir = path.join(work, "policies");
  const output = path.join(work, "stacks", "Pulumi.safe.yaml");
  emu.clearRequestLog();
  const r = await runImport(emu, ["--output", output, "--policies-dir", policiesDir]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(graphWrites(emu.requestLog())).toEqual([]);
  // Nothing landed beside or above the folder.
  expect(fs.existsSync(path.join(dir, "escape.xml"))).toBe(false);
  expect(fs.existsSync(path.join(work, "escape.xml"))).toBe(false);
  expect(fs.readdirSync(work).sort()).toEqual(["policies", "stacks"]);
  const files = fs.readdirSync(policiesDir).sort();
  expect(files).not.toContain("B2C_1A_NotXml.xml");
  expect(files).toHaveLength(6); // the starter pack's six
  const notExpressed = r.out.slice(r.out.indexOf("Not expressed"));
  expect(notExpressed).toContain(`policy "../../escape": its id is a dot segment`);
  expect(notExpressed).toContain(`policy "..": its id is a dot segment`);
  expect(notExpressed).toMatch(/policy B2C_1A_NotXml: fails the offline checks the stack runs before an upload \(line \d+: not well-formed XML/);
  expect(notExpressed).toMatch(/user flow B2C_1_FutureFlow: userFlowTypeVersion must be one of 1, 2, 3/);
  expect(r.out).toMatch(/6 custom policies .* all adopted; what is not expressed is listed below and is not adopted/);
  const config = parse(fs.readFileSync(output, "utf8")).config;
  expect(config["b2c:socialSignIn"].userFlows.map((f: { name: string }) => f.name)).not.toContain("B2C_1_FutureFlow");
});

test("an existing (hand-edited) policy file is kept unless --force", async () => {
  // A tenant with nothing odd in it: only the file handling is under test here.
  const plain = await startTestEmulator();
  try {
    await seedMatureTenant(plain);
    await keptUnlessForced(plain);
  } finally {
    await plain.stop();
  }
});

async function keptUnlessForced(emu: RunningEmulator): Promise<void> {
  const work = path.join(dir, "work2");
  const policiesDir = path.join(work, "policies");
  fs.mkdirSync(policiesDir, { recursive: true });
  const edited = path.join(policiesDir, "B2C_1A_TrustFrameworkExtensions.xml");
  fs.writeFileSync(edited, "<!-- my edits -->");
  const first = await runImport(emu, ["--output", path.join(work, "Pulumi.a.yaml"), "--policies-dir", policiesDir]);
  expect(first.code).toBe(0);
  expect(fs.readFileSync(edited, "utf8")).toBe("<!-- my edits -->");
  expect(first.out).toContain("Kept existing policy files (give --force to overwrite them with the tenant's copy): B2C_1A_TrustFrameworkExtensions.xml");
  const forced = await runImport(emu, ["--output", path.join(work, "Pulumi.a.yaml"), "--policies-dir", policiesDir, "--force"]);
  expect(forced.code).toBe(0);
  expect(fs.readFileSync(edited, "utf8")).toContain("TrustFrameworkPolicy");
}

test("ids: plain names only; case twins reported, the first kept; the writer refuses any name that leaves the folder", () => {
  for (const bad of ["..", ".", ".hidden", "../x", "a/b", "a\\b", "C:x", "a..b", "", "x y"]) expect(policyIdProblem(bad)).toBeDefined();
  for (const good of ["B2C_1A_TrustFrameworkBase", "B2C_1A_signup_signin", "B2C_1A_x-y.v2"]) expect(policyIdProblem(good)).toBeUndefined();
  const picked = policyFileIds(["B2C_1A_Base", "B2C_1A_BASE", "../up"]);
  expect(picked.accepted).toEqual(["B2C_1A_Base"]);
  expect(picked.notExpressed.join("\n")).toMatch(/policy B2C_1A_BASE: differs from policy B2C_1A_Base only in case/);
  const target = path.join(dir, "writer");
  expect(() => writePolicyFiles(target, { "../outside.xml": "<x/>" }, true)).toThrow(/not a plain file name/);
  expect(fs.existsSync(path.join(dir, "outside.xml"))).toBe(false);
});
