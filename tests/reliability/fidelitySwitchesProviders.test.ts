// Issue 20 item 6: where no Microsoft page gives a status, the emulator has a switch and the
// providers are tested both ways: AADB2C95053's status (overlapping writes) and the answer to a
// user flow that exists already. (Policy validation's status: trustFrameworkPolicy.test.ts.)
import type { RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../userFlows/component";
import { useSkippedWaits } from "../helpers/clock";
import { graphFetch, handMadeIdentityProvider, useTestEmulator } from "../helpers/emulator";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { wechatAppKey } from "../helpers/appKeys";
import { processMemo } from "../../kernel/providerContext";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { graphWrites } from "../helpers/requestLog";
import { failureOf } from "../helpers/failures";

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });
afterEach(() => emu.setBehaviour({ concurrentWriteStatus: 409, duplicateUserFlowStatus: 409, availableProviderTypesExcludeConfigured: false }));

async function flowProvider() {
  const { registrations } = await capture(() => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn" }));
  const reg = registrations.find((r) => r.type === "b2c-identity:index:UserFlow")!;
  return { reg, provider: await loadProvider(reg.type, emulatorStackConfig(emu)) };
}

test.each([409, 400] as const)("AADB2C95053 answered %i: the create is retried on the code and succeeds", async (status) => {
  emu.reset();
  emu.setBehaviour({ concurrentWriteStatus: status });
  // An injected AADB2C95053 without a status takes the switch's, as an overlapping write does.
  emu.setFaults({ rules: [{ method: "POST", path: "^/identity/b2cUserFlows$", code: "AADB2C95053", times: 1 }] });
  const { reg, provider } = await flowProvider();
  emu.clearRequestLog();
  const { id } = await checkAndCreate(provider, reg.inputs);
  expect(id).toBe("B2C_1_susi");
  expect(graphWrites(emu.requestLog()).map((e) => e.status)).toEqual([status, 201]);
  expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
});

test.each([409, 400] as const)("a user flow made by hand between our look and our POST (answered %i): the create names it and adoptExisting, and changes nothing", async (status) => {
  emu.reset();
  emu.setBehaviour({ duplicateUserFlowStatus: status });
  const made = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "B2C_1_susi", userFlowType: "signIn", userFlowTypeVersion: 3 });
  expect(made.status).toBe(201);
  const { reg, provider } = await flowProvider();
  // Made between our look and our POST (create's look answers 404): the duplicate answer itself is
  // what the provider must read, whichever status the switch gives it.
  emu.setFaults({ rules: [{ method: "GET", path: "^/identity/b2cUserFlows/B2C_1_susi$", status: 404, times: 1 }] });
  emu.clearRequestLog();
  const error = await failureOf(checkAndCreate(provider, reg.inputs));
  expect(error.message).toMatch(/User flow B2C_1_susi was created in tenant .* by someone else after this stack looked/);
  expect(error.message).toContain("adoptExisting: true");
  expect(graphWrites(emu.requestLog()).map((e) => e.status)).toEqual([status]);
  expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", userFlowType: "signIn" })]);
});


test.each([false, true])("availableProviderTypes leaving out configured types (%s): adopting the tenant's WeChat passes check, with no write", async (excludeConfigured) => {
  emu.reset();
  emu.setBehaviour({ availableProviderTypesExcludeConfigured: excludeConfigured });
  processMemo("available-provider-types").clear(); // as a new plugin process starts
  await handMadeIdentityProvider(emu, "WeChat", "wx0123456789abcdef", "portal-app-key");
  const { registrations } = await capture(() => new SocialIdentityProvider("wechat", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: wechatAppKey("stack-key"), adoptExisting: true }));
  const reg = registrations.find((r) => r.type === "b2c-identity:index:IdentityProvider")!;
  const provider = await loadProvider(reg.type, emulatorStackConfig(emu));
  emu.clearRequestLog();
  expect((await provider.check!({}, reg.inputs)).failures ?? []).toEqual([]);
  expect(graphWrites(emu.requestLog())).toEqual([]);
});
