import type { RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../userFlows/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { graphCalls, graphWrites } from "../helpers/requestLog";
import { UNKNOWN } from "../../domain/notKnownYet";

const APP = "11111111-2222-3333-4444-555555555555";
let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

async function providerFor(program: () => unknown, type: string) {
  const { registrations } = await capture(program);
  // The custom resource of that type (the UserFlowIdentityProvider component holds its resource's old name).
  const reg = registrations.find((r) => r.custom && r.type === `b2c-identity:index:${type}`)!;
  return { reg, provider: await loadProvider(reg.type, emulatorStackConfig(emu)) };
}

const flow = (extra: object = {}) =>
  providerFor(() => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", testApplicationId: APP, ...extra }), "UserFlow");

test("a user flow is created with the B2C_1_ prefix and a run URL, and deleted", async () => {
  const { reg, provider } = await flow();
  const { id, outs } = await checkAndCreate(provider, reg.inputs);
  expect(id).toBe("B2C_1_susi");
  expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 })]);
  const url = new URL(outs.runUserFlowUrl);
  expect(url.host).toBe(`${emu.tenantName}.b2clogin.com`);
  expect(url.searchParams.get("p")).toBe("B2C_1_susi");
  expect(url.searchParams.get("client_id")).toBe(APP);
  expect(graphWrites(emu.requestLog())).toHaveLength(1);
  emu.clearRequestLog();
  expect((await provider.diff!(id, outs, reg.inputs)).changes).toBe(false);
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
  await provider.delete!(id, outs);
  await provider.delete!(id, outs);
  expect(emu.snapshot().userFlows).toHaveLength(0);
});

test("check, flow and attachment: a value not known yet (preview) is skipped, a known bad one refused, a missing one required; no Graph call", async () => {
  const { reg, provider } = await flow();
  const attach = await providerFor(() => new UserFlowIdentityProvider("a", { userFlowId: "B2C_1_susi", identityProviderId: "WeChat-OAUTH" }), "UserFlowIdentityProviderLink");
  emu.clearRequestLog();
  const preview = await provider.check!({}, { ...reg.inputs, name: UNKNOWN, userFlowType: UNKNOWN, testApplicationId: UNKNOWN });
  expect(preview.failures).toBeUndefined();
  expect(preview.inputs).toMatchObject({ name: UNKNOWN, testApplicationId: UNKNOWN });
  const bad = await provider.check!({}, { ...reg.inputs, name: UNKNOWN, defaultLanguageTag: "english!" });
  expect(bad.failures?.map((f) => f.property)).toEqual(["defaultLanguageTag"]);
  const { userFlowType: _dropped, ...withoutType } = reg.inputs;
  expect((await provider.check!({}, withoutType)).failures?.map((f) => f.property)).toEqual(["userFlowType"]);
  // The attachment: unknown ids (a flow and provider created in the same preview) pass; a bad known id does not.
  const { userFlowMustExist: _a, identityProviderMustExist: _b, ...plain } = attach.reg.inputs;
  expect((await attach.provider.check!({}, { ...plain, userFlowId: UNKNOWN, identityProviderId: UNKNOWN })).failures).toBeUndefined();
  expect((await attach.provider.check!({}, { ...plain, userFlowId: UNKNOWN, identityProviderId: "a/b" })).failures?.map((f) => f.property)).toEqual(["identityProviderId"]);
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
});

test("a flow's type change replaces it, deleting first (same id)", async () => {
  const { reg, provider } = await flow();
  const { id, outs } = await checkAndCreate(provider, reg.inputs);
  const diff = await provider.diff!(id, outs, { ...reg.inputs, userFlowType: "signIn" });
  expect(diff.replaces).toEqual(["userFlowType"]);
  expect(diff.deleteBeforeReplace).toBe(true);
});

test("an existing flow is refused, or adopted with adoptExisting", async () => {
  const first = await flow();
  await checkAndCreate(first.provider, first.reg.inputs);
  const second = await flow();
  await expect(checkAndCreate(second.provider, second.reg.inputs)).rejects.toThrow(/B2C_1_susi already exists.*adoptExisting: true/);
  const adopting = await flow({ adoptExisting: true });
  emu.clearRequestLog();
  const { id } = await checkAndCreate(adopting.provider, adopting.reg.inputs);
  expect(id).toBe("B2C_1_susi");
  expect(graphWrites(emu.requestLog())).toHaveLength(0);
});

test("a flow deleted out of band disappears on refresh", async () => {
  const { reg, provider } = await flow();
  const { id, outs } = await checkAndCreate(provider, reg.inputs);
  emu.clearRequestLog();
  expect((await provider.read!(id, outs)).id).toBe(id);
  expect(graphCalls(emu.requestLog())).toHaveLength(1);
  await provider.delete!(id, outs);
  // Long after our last write (lastWriteAt 0) a 404 means deleted; right after it, the read would
  // wait out eventual consistency first.
  expect((await provider.read!(id, { ...outs, lastWriteAt: 0 })).id).toBe("");
});

describe("attaching an identity provider to a user flow", () => {
  async function setup() {
    const f = await flow();
    await checkAndCreate(f.provider, f.reg.inputs);
    const q = await providerFor(() => new QQIdentityProvider("qq", { appId: "101000001", appKey: "qq-key-padded" }), "IdentityProvider");
    const idp = await checkAndCreate(q.provider, q.reg.inputs);
    const a = await providerFor(() => new UserFlowIdentityProvider("susi-qq", { userFlowId: "susi", identityProviderId: idp.id }), "UserFlowIdentityProviderLink");
    return { idpId: idp.id, ...a };
  }

  test("attach costs one write via POST $ref (after one read: is it attached already?); attaching again fails naming adoptExisting", async () => {
    const { idpId, reg, provider } = await setup();
    emu.clearRequestLog();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    expect(graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path}`)).toEqual([
      "POST /beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref",
    ]);
    expect(outs.userFlowId).toBe("B2C_1_susi");
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual([idpId]);
    await expect(provider.create(reg.inputs)).rejects.toThrow(/attachment B2C_1_susi\/QQ-OAUTH already exists .*adoptExisting: true/);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual([idpId]);
    expect((await provider.read!(id, outs)).id).toBe(id);
  });

  test("detach; detaching again is not an error; refresh then shows it gone", async () => {
    const { reg, provider } = await setup();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    await provider.delete!(id, outs);
    await provider.delete!(id, outs);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual([]);
    // Long after the attach (lastWriteAt 0); right after it the read waits out eventual consistency first.
    expect((await provider.read!(id, { ...outs, lastWriteAt: 0 })).id).toBe("");
  });

  test("never uses the deprecated identityProviders navigation", async () => {
    const { reg, provider } = await setup();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    await provider.read!(id, outs);
    await provider.delete!(id, outs);
    expect(emu.requestLog().filter((e) => /b2cUserFlows\/[^/]+\/identityProviders/i.test(e.path))).toEqual([]);
  });
});
