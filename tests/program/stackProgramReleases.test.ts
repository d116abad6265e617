// The stack program turns on custom policy releases from stack config:
// b2c:socialSignIn.customPolicies.versioning (and .production) reach TrustFrameworkPolicySet, and the
// release shows in the stack outputs.
import * as fs from "fs";
import type { RunningEmulator } from "../../emulator";
import { useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { writeFilledStarterPack } from "../policies/starterPack";
import { wechatAppKey } from "../helpers/appKeys";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const stackProgram: () => unknown = require("../../index");

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

test("customPolicies.versioning { keep: 3 } from config: release ids, the history keeping 3, policyRelease in the outputs", async () => {
  const folder = writeFilledStarterPack("b2c-release-config-");
  const signIn = {
    identityProviders: [{ type: "WeChat", appId: "wx0123456789abcdef" }],
    keySets: [
      { name: "TokenSigningKeyContainer", source: "generate", use: "sig", keyType: "RSA" },
      { name: "TokenEncryptionKeyContainer", source: "generate", use: "enc", keyType: "RSA" },
      { name: "FacebookSecret", source: "generate", use: "sig", keyType: "oct" },
    ],
    customPolicies: { folder, versioning: { keep: 3 }, production: true },
  };
  try {
    const engine = new LifecycleEngine(emulatorStackConfig(emu, { "b2c:socialSignIn": JSON.stringify(signIn), "b2c:wechatAppKey": wechatAppKey("wechat-key") }));
    const run = await engine.up(stackProgram);
    const release = run.outputs.policyRelease as { activeRelease: string; keptReleases: string[] };
    expect(release.activeRelease).toMatch(/^[0-9a-f]{8}$/);
    expect(release.keptReleases).toEqual([release.activeRelease]);
    expect(run.outputs.policyIds).toContain(`B2C_1A_TrustFrameworkBase_r${release.activeRelease}`);
    expect(emu.snapshot().policies.map((p) => p.id)).toContain(`B2C_1A_TrustFrameworkExtensions_r${release.activeRelease}`);
    const history = [...engine.state.values()].find((r) => r.type.endsWith("PolicyReleaseHistory"))!;
    expect(history.inputs.keep).toBe(3);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
