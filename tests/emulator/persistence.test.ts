// stateFile: state survives stop/start; secrets are stored only as SHA-256.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, startTestEmulator } from "../helpers/emulator";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-state-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function populate(emu: RunningEmulator) {
  await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "QQ",
    identityProviderType: "QQ",
    clientId: "qq-app",
    clientSecret: "qq-app-key-persisted",
  });
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", { "@odata.id": `${emu.url}/beta/identity/identityProviders/QQ-OAUTH` });
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "QQSecret" });
  await graphFetch(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_QQSecret/uploadSecret", { use: "sig", k: "qq-key-persisted" });
  await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_Base/$value", `<TrustFrameworkPolicy TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_Base"/>`);
}

test("state survives stop and start with the same stateFile, and the file holds no secrets", async () => {
  const stateFile = path.join(dir, "nested", "state.json");
  const first = await startTestEmulator({ stateFile });
  let before;
  try {
    await populate(first);
    before = first.snapshot();
  } finally {
    await first.stop();
  }
  const text = fs.readFileSync(stateFile, "utf8");
  expect(text).not.toContain("qq-app-key-persisted");
  expect(text).not.toContain("qq-key-persisted");
  expect(before.identityProviders).toHaveLength(1);

  const second = await startTestEmulator({ stateFile });
  try {
    expect(second.snapshot()).toEqual(before);
    const flowIdps = await graphFetch(second, "GET", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders");
    expect(flowIdps.body.value.map((i: any) => i.id)).toEqual(["QQ-OAUTH"]);
    const policy = await graphFetch(second, "GET", "/beta/trustFramework/policies/B2C_1A_Base/$value");
    expect(policy.status).toBe(200);
    expect((await graphFetch(second, "POST", "/beta/trustFramework/keySets", { id: "QQSecret" })).status).toBe(409);
    second.reset();
  } finally {
    await second.stop();
  }
  const third = await startTestEmulator({ stateFile });
  try {
    expect(third.snapshot().keySets).toEqual([]);
  } finally {
    await third.stop();
  }
});

test("without a stateFile nothing is kept; a corrupt stateFile fails the start clearly", async () => {
  const a = await startTestEmulator();
  await populate(a);
  await a.stop();
  const b = await startTestEmulator();
  expect(b.snapshot().identityProviders).toEqual([]);
  await b.stop();
  const corrupt = path.join(dir, "corrupt.json");
  fs.writeFileSync(corrupt, "{ not json");
  await expect(startTestEmulator({ stateFile: corrupt })).rejects.toThrow(/Cannot read emulator state file/);
});

test("failed writes do not touch the state file", async () => {
  const stateFile = path.join(dir, "state.json");
  const emu = await startTestEmulator({ stateFile });
  try {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Only" });
    const stamp = fs.statSync(stateFile).mtimeMs;
    const content = fs.readFileSync(stateFile, "utf8");
    await new Promise((r) => setTimeout(r, 20));
    expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id: "Only" })).status).toBe(409);
    expect(fs.readFileSync(stateFile, "utf8")).toBe(content);
    expect(fs.statSync(stateFile).mtimeMs).toBe(stamp);
  } finally {
    await emu.stop();
  }
});
