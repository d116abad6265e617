// Issue 20 item 5: providers decide on status codes, error codes and what the tenant holds, never
// on message text, which Graph's errors page says may change (https://learn.microsoft.com/graph/errors).
// The emulator's rewordErrorMessages switch answers every error in other words; each case runs
// with it off and on and must end the same. (Any other test file runs reworded with
// B2C_TEST_REWORD_ERRORS=1: tests/helpers/emulator.ts.)
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { useSkippedWaits } from "../helpers/clock";
import { graphFetch, handMadeIdentityProvider, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { failureOf } from "../helpers/failures";
import { messageOf } from "../../kernel/ownership/rule";

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

async function attachment(identityProviderId: pulumi.Input<string>) {
  const { registrations } = await capture(() => new UserFlowIdentityProvider("susi-qq", { userFlowId: pulumi.output("susi"), identityProviderId }));
  const reg = registrations.find((r) => r.type === "b2c-identity:index:UserFlowIdentityProviderLink")!;
  return { inputs: reg.inputs, provider: await loadProvider(reg.type, emulatorStackConfig(emu)) };
}

async function flowAndQQ(): Promise<void> {
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  await handMadeIdentityProvider(emu, "QQ", "101000001", "qq");
}

describe.each([false, true])("error messages reworded: %s", (rewordErrorMessages) => {
  beforeEach(() => emu.setBehaviour({ rewordErrorMessages }));
  afterAll(() => emu.setBehaviour({ rewordErrorMessages: false }));

  test("the emulator's switch changes the words, not the status or code", async () => {
    const res = await graphFetch(emu, "GET", "/beta/identity/b2cUserFlows/B2C_1_nope");
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body).includes("reworded")).toBe(rewordErrorMessages);
  });

  test("an attach whose answer was lost: the resend's duplicate is recognised from the flow's list, not the message", async () => {
    await flowAndQQ();
    const { inputs, provider } = await attachment("QQ-OAUTH");
    emu.setFaults({ rules: [{ method: "POST", path: "/userFlowIdentityProviders/$ref$", loseResponse: true, times: 1 }] });
    const { outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(false);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["QQ-OAUTH"]);
  });

  test("attaching to a flow that does not exist names the user flow; a provider that does not exist names the identity provider", async () => {
    await flowAndQQ();
    const missingProvider = await attachment(pulumi.output("Nope-OAUTH"));
    expect((await failureOf(checkAndCreate(missingProvider.provider, missingProvider.inputs))).message).toMatch(/the identity provider does not exist/);
    await graphFetch(emu, "DELETE", "/beta/identity/b2cUserFlows/B2C_1_susi");
    const missingFlow = await attachment(pulumi.output("QQ-OAUTH"));
    expect((await failureOf(checkAndCreate(missingFlow.provider, missingFlow.inputs))).message).toMatch(/the user flow does not exist/);
  }, 30_000);
});

test("an error whose message is not a string is shown readably, never as [object Object]", () => {
  expect(messageOf({ message: { code: "X", detail: "the detail" } })).toBe('{"code":"X","detail":"the detail"}');
  expect(messageOf(new Error("plain"))).toBe("plain");
  expect(messageOf("text")).toBe("text");
});
