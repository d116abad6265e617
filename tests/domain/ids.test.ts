// Ids the service prefixes. The create pages say the service adds B2C_1_ to user-flow ids
// (https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta) and
// B2C_1A_ to keyset ids (https://learn.microsoft.com/graph/api/trustframework-post-keysets?view=graph-rest-beta);
// field reports (microsoftgraph/microsoft-graph-docs#13780) say an id sent already prefixed is kept.
// No page settles which, so the emulator has both (behaviour userFlowIdPrefix / keySetIdPrefix) and
// the providers must end up with B2C_1_<name> / B2C_1A_<name> under either.
import type { RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../userFlows/component";
import { PolicyKey } from "../../policyKeys/component";
import { useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

async function created(build: () => unknown, type: string) {
  const { registrations } = await capture(build);
  const reg = registrations.find((r) => r.custom && r.type === `b2c-identity:index:${type}`)!;
  const provider = await loadProvider(reg.type, emulatorStackConfig(emu));
  return checkAndCreate(provider, reg.inputs);
}

describe.each(["always", "keepPrefixed"] as const)("service prefixing '%s'", (mode) => {
  beforeEach(() => emu.setBehaviour({ userFlowIdPrefix: mode, keySetIdPrefix: mode }));

  test.each(["susi", "B2C_1_susi"])("B2CUserFlow named %s gets B2C_1_susi", async (name) => {
    const { id, outs } = await created(() => new B2CUserFlow("f", { name, userFlowType: "signUpOrSignIn", testApplicationId: "11111111-2222-3333-4444-555555555555" }), "UserFlow");
    expect(id).toBe("B2C_1_susi");
    expect(outs.userFlowId).toBe("B2C_1_susi");
    expect(new URL(outs.runUserFlowUrl).searchParams.get("p")).toBe("B2C_1_susi");
    expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
  });

  test.each(["WeChatSecret", "B2C_1A_WeChatSecret"])("PolicyKey named %s gets B2C_1A_WeChatSecret", async (name) => {
    const { id, outs } = await created(() => new PolicyKey("k", { name, secret: { value: "7db95259fd1508226f403616ada333b5" } }), "TrustFrameworkKeySet");
    expect(id).toBe("B2C_1A_WeChatSecret");
    expect(outs.keySetId).toBe("B2C_1A_WeChatSecret");
    expect(emu.snapshot().keySets.map((k) => k.id)).toEqual(["B2C_1A_WeChatSecret"]);
  });
});

describe.each([false, true])("key dates as strings: %s (the uploadSecret example shows strings, the resource page Int64)", (asStrings) => {
  beforeEach(() => emu.setBehaviour({ keyDatesAsStrings: asStrings }));

  test("PolicyKey records nbf/exp as numbers and finds the active key", async () => {
    const nbf = new Date(Date.now() - 60_000).toISOString();
    const exp = new Date(Date.now() + 86_400_000).toISOString();
    const { outs } = await created(() => new PolicyKey("k", { name: "QQSecret", secret: { value: "qq-app-key", notBefore: nbf, expiresOn: exp } }), "TrustFrameworkKeySet");
    expect(outs.keys).toEqual([expect.objectContaining({ nbf: Math.floor(Date.parse(nbf) / 1000), exp: Math.floor(Date.parse(exp) / 1000) })]);
    expect(outs.activeKeyId).toBe(outs.keys[0].kid);
  });
});
