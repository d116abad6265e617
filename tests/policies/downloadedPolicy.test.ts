// Policy checks no stricter than the service, and comparison that ignores what the service adds on
// download (PublicPolicyUri, TenantObjectId: https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy),
// exercised through TrustFrameworkPolicySet against the emulator.
import type { RunningEmulator } from "../../emulator";
import { TrustFrameworkPolicySet } from "../../customPolicies/component";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";
import { readStarterPack } from "./starterPack";

const KEYSETS = ["TokenSigningKeyContainer", "TokenEncryptionKeyContainer", "FacebookSecret"];
const IEF = { identityExperienceFrameworkAppId: "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa", proxyIdentityExperienceFrameworkAppId: "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb" };

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
beforeEach(async () => {
  emu.setBehaviour({ downloadAddsTenantObjectId: false });
  for (const id of KEYSETS) {
    await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id });
    await graphFetch(emu, "POST", `/beta/trustFramework/keySets/B2C_1A_${id}/generateKey`, { use: id.includes("Encryption") ? "enc" : "sig", kty: "RSA" });
  }
});

function program(edit: (fileName: string, xml: string) => string = (_f, x) => x) {
  return () => {
    const policies = readStarterPack("SocialAccounts").map(({ fileName, xml }) => ({ fileName, xml: edit(fileName, xml.replace("facebook_clientid", "1234567890")) }));
    const set = new TrustFrameworkPolicySet("pack", { policies, ...IEF, existingKeySetIds: KEYSETS.map((k) => `B2C_1A_${k}`) });
    return { ids: set.policyIds };
  };
}

test("GET $value adds TenantObjectId when switched on", async () => {
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  await engine.up(program());
  emu.setBehaviour({ downloadAddsTenantObjectId: true });
  const res = await graphFetch(emu, "GET", "/beta/trustFramework/policies/B2C_1A_TrustFrameworkBase/$value");
  expect(res.text).toMatch(new RegExp(`<TrustFrameworkPolicy TenantObjectId="${emu.tenantId}"`));
  expect(res.text).toContain(`PublicPolicyUri="http://${emu.tenantDomain}/B2C_1A_TrustFrameworkBase"`);
});

test.each([false, true])("refresh right after upload is no change (download adds TenantObjectId: %s)", async (adds) => {
  const engine = new LifecycleEngine(emulatorStackConfig(emu));
  await engine.up(program());
  emu.setBehaviour({ downloadAddsTenantObjectId: adds });
  const refreshed = await engine.refresh();
  expect(refreshed).toEqual({ removed: [], changed: [] });
  emu.clearRequestLog();
  const again = await engine.up(program());
  expect(again.steps.filter((s) => s.action !== "same")).toEqual([]);
  expect(graphWrites(emu.requestLog())).toEqual([]);
});

test("a PublicPolicyUri on another host (the QQ how-to's http://contoso.com/...) uploads, with a warning", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    const run = await engine.up(
      program((fileName, xml) => (fileName === "SignUpOrSignin.xml" ? xml.replace(/PublicPolicyUri="http:\/\/[^/"]+\//, 'PublicPolicyUri="http://contoso.com/') : xml)),
    );
    expect(run.outputs.ids).toHaveLength(5);
    const uploaded = emu.snapshot().policies.find((p) => p.id === "B2C_1A_signup_signin")!.xml;
    expect(uploaded).toContain('PublicPolicyUri="http://contoso.com/B2C_1A_signup_signin"');
    const warnings = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("PublicPolicyUri"));
    expect(warnings).toEqual([expect.stringMatching(/SignUpOrSignin\.xml:\d+: PublicPolicyUri host contoso\.com is not the stack's tenant/)]);
  } finally {
    warn.mockRestore();
  }
});
