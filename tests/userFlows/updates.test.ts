// User flows change in place where Graph documents an update, and refresh never turns a value the
// service or the portal filled in into a replacement.
// https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta (PATCH: isLanguageCustomizationEnabled, defaultLanguageTag)
// https://learn.microsoft.com/graph/api/identitycontainer-post-b2cuserflows?view=graph-rest-beta (create example answers defaultLanguageTag "en")
import type { RunningEmulator } from "../../emulator";
import { B2CUserFlow, B2CUserFlowArgs } from "../../userFlows/component";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { describeCalls, graphWrites } from "../helpers/requestLog";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

async function flowProvider(args: Partial<B2CUserFlowArgs> = {}) {
  const { registrations } = await capture(() => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", ...args }));
  const reg = registrations.find((r) => r.type === "b2c-identity:index:UserFlow")!;
  return { inputs: reg.inputs, provider: await loadProvider(reg.type, emulatorStackConfig(emu)) };
}

const writes = () => graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path}`);

describe("language settings", () => {
  test.each([204, 200] as const)("a change is one PATCH in place, never a replacement (PATCH answers %i)", async (status) => {
    emu.setBehaviour({ userFlowUpdateStatus: status });
    const before = await flowProvider({ isLanguageCustomizationEnabled: false });
    const { id, outs } = await checkAndCreate(before.provider, before.inputs);
    const after = await flowProvider({ isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    const diff = await after.provider.diff!(id, outs, after.inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    emu.clearRequestLog();
    const updated = await after.provider.update!(id, outs, after.inputs);
    expect(writes()).toEqual(["PATCH /beta/identity/b2cUserFlows/B2C_1_susi"]);
    expect(emu.requestLog().find((e) => e.method === "PATCH")!.body).toEqual({ isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    expect(updated.outs).toMatchObject({ userFlowId: "B2C_1_susi", creationId: outs.creationId, current: { isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" } });
    const flow = await graphFetch(emu, "GET", "/beta/identity/b2cUserFlows/B2C_1_susi");
    expect(flow.body).toMatchObject({ isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" });
    expect((await after.provider.diff!(id, updated.outs, after.inputs)).changes).toBe(false);
  });

  test("refresh right after create, with the service's defaultLanguageTag 'en', is no change", async () => {
    const { inputs, provider } = await flowProvider();
    const { id, outs } = await checkAndCreate(provider, inputs);
    const read = await provider.read!(id, outs);
    expect(read.props).toMatchObject({ current: { defaultLanguageTag: "en", isLanguageCustomizationEnabled: false } });
    expect(read.props!.defaultLanguageTag).toBeUndefined();
    expect(await provider.diff!(id, read.props, inputs)).toMatchObject({ changes: false, replaces: [] });
  });

  test("portal edits of settings the program leaves open are reported, not enforced", async () => {
    const { inputs, provider } = await flowProvider();
    const { id, outs } = await checkAndCreate(provider, inputs);
    await graphFetch(emu, "PATCH", "/beta/identity/b2cUserFlows/B2C_1_susi", { isLanguageCustomizationEnabled: true, defaultLanguageTag: "fr" });
    const read = await provider.read!(id, outs);
    expect(read.props!.current).toEqual({ userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, isLanguageCustomizationEnabled: true, defaultLanguageTag: "fr" });
    expect((await provider.diff!(id, read.props, inputs)).changes).toBe(false);
  });

  test("a portal edit of a declared setting shows as an update, and up PATCHes it back", async () => {
    const { inputs, provider } = await flowProvider({ defaultLanguageTag: "zh-Hans", isLanguageCustomizationEnabled: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    await graphFetch(emu, "PATCH", "/beta/identity/b2cUserFlows/B2C_1_susi", { defaultLanguageTag: null });
    const read = await provider.read!(id, outs);
    const diff = await provider.diff!(id, read.props, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    emu.clearRequestLog();
    await provider.update!(id, read.props, inputs);
    expect(emu.requestLog().filter((e) => e.method === "PATCH").map((e) => e.body)).toEqual([{ defaultLanguageTag: "zh-Hans" }]);
  });

  test("leaving a declared setting out again changes nothing", async () => {
    const declared = await flowProvider({ defaultLanguageTag: "fr" });
    const { id, outs } = await checkAndCreate(declared.provider, declared.inputs);
    const open = await flowProvider();
    expect((await open.provider.diff!(id, outs, open.inputs)).changes).toBe(false);
  });
});

test("adopting a flow brings its declared language settings to the program's by PATCH, leaving the rest", async () => {
  await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, defaultLanguageTag: "fr" });
  const { inputs, provider } = await flowProvider({ adoptExisting: true, isLanguageCustomizationEnabled: true });
  emu.clearRequestLog();
  const { outs } = await checkAndCreate(provider, inputs);
  expect(writes()).toEqual(["PATCH /beta/identity/b2cUserFlows/B2C_1_susi"]);
  expect(emu.requestLog().find((e) => e.method === "PATCH")!.body).toEqual({ isLanguageCustomizationEnabled: true });
  expect(outs).toMatchObject({ adopted: true, current: { isLanguageCustomizationEnabled: true, defaultLanguageTag: "fr" } });
});

describe("names and replacements", () => {
  test.each([["SUSI"], ["B2C_1_susi"], ["b2c_1_Susi"]])("renaming susi to %s (case or prefix only) is no change", async (name) => {
    const { inputs, provider } = await flowProvider();
    const { id, outs } = await checkAndCreate(provider, inputs);
    const renamed = await flowProvider({ name });
    expect(await provider.diff!(id, outs, renamed.inputs)).toMatchObject({ changes: false, replaces: [] });
  });

  test("another name, a type or a declared version replace (delete first: the id may be reused)", async () => {
    const { inputs, provider } = await flowProvider();
    const { id, outs } = await checkAndCreate(provider, inputs);
    for (const [args, key] of [[{ name: "other" }, "name"], [{ userFlowType: "signIn" }, "userFlowType"], [{ userFlowTypeVersion: 1 }, "userFlowTypeVersion"]] as const) {
      const next = await flowProvider(args as Partial<B2CUserFlowArgs>);
      expect(await provider.diff!(id, outs, next.inputs)).toMatchObject({ replaces: [key], deleteBeforeReplace: true });
    }
  });
});

describe("under the lifecycle harness", () => {
  const program = (flow: Partial<B2CUserFlowArgs>) => () => {
    const f = new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", ...flow });
    const qq = new QQIdentityProvider("qq", { appId: "101000001", appKey: "qq-key-padded" });
    new UserFlowIdentityProvider("susi-qq", { userFlowId: f.userFlowId, identityProviderId: qq.identityProviderId, userFlowCreationId: f.creationId });
    return { flow: f.userFlowId };
  };

  test("a language change is an update: no delete, the attachment stays", async () => {
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    await engine.up(program({}));
    emu.clearRequestLog();
    const run = await engine.up(program({ isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" }));
    expect(run.steps.filter((s) => s.action !== "same")).toEqual([{ action: "update", type: "b2c-identity:index:UserFlow", name: "susi" }]);
    expect(writes()).toEqual(["PATCH /beta/identity/b2cUserFlows/B2C_1_susi"]);
    expect(emu.snapshot().userFlows[0].identityProviderIds).toEqual(["QQ-OAUTH"]);
    // refresh, then up: nothing to do.
    await engine.refresh();
    emu.clearRequestLog();
    const again = await engine.up(program({ isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans" }));
    expect(again.steps.every((s) => s.action === "same")).toBe(true);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("a type change replaces the flow and its attachment comes back in the same up", async () => {
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    await engine.up(program({}));
    const run = await engine.up(program({ userFlowType: "signIn" }));
    expect(run.steps.filter((s) => s.action === "replace").map((s) => s.name).sort()).toEqual(["susi", "susi-qq"]);
    expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", userFlowType: "signIn", identityProviderIds: ["QQ-OAUTH"] })]);
  });
});

describe("the attachment follows the flow's creationId", () => {
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  async function attachmentProvider() {
    const { registrations } = await capture(
      () => new UserFlowIdentityProvider("a", { userFlowId: "B2C_1_susi", identityProviderId: "QQ-OAUTH", userFlowCreationId: "c1" }),
    );
    const reg = registrations.find((r) => r.type === "b2c-identity:index:UserFlowIdentityProviderLink")!;
    return loadProvider(reg.type, emulatorStackConfig(emu));
  }
  const olds = { userFlowId: "B2C_1_susi", identityProviderId: "QQ-OAUTH" };

  test("a new creationId (the flow was created again) re-attaches, detaching first", async () => {
    const provider = await attachmentProvider();
    expect(await provider.diff!("x", { ...olds, userFlowCreationId: "c1" }, { ...olds, userFlowCreationId: "c2" })).toMatchObject({
      changes: true,
      replaces: ["userFlowCreationId"],
      deleteBeforeReplace: true,
    });
  });

  test("state from before creationId existed only records it (an update without Graph calls); an unknown one decides nothing", async () => {
    const provider = await attachmentProvider();
    const recorded = await provider.diff!("x", olds, { ...olds, userFlowCreationId: "c1" });
    expect(recorded).toMatchObject({ changes: true, replaces: [] });
    emu.clearRequestLog();
    const updated = await provider.update!("x", olds, { ...olds, userFlowCreationId: "c1" });
    expect(updated.outs).toMatchObject({ ...olds, userFlowCreationId: "c1" });
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(await provider.diff!("x", { ...olds, userFlowCreationId: "c1" }, { ...olds, userFlowCreationId: UNKNOWN })).toMatchObject({ replaces: [] });
  });

  test("an id not known yet (a preview while the flow or provider is updated) is an update; a known new id replaces", async () => {
    const provider = await attachmentProvider();
    const checked = await provider.check!(olds, { userFlowId: UNKNOWN, identityProviderId: UNKNOWN });
    expect(checked.inputs).toMatchObject({ userFlowId: UNKNOWN, identityProviderId: UNKNOWN });
    expect(await provider.diff!("x", olds, checked.inputs)).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff!("x", olds, { ...olds, identityProviderId: "WeChat-OAUTH" })).toMatchObject({ changes: true, replaces: ["identityProviderId"] });
  });
});
