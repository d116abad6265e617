// Issue 19 items 1, 2 and 7 through the real engine (README "Who owns what"), with the emulator's
// request log as the witness:
// - what existed before the stack fails `pulumi preview` itself, naming the object and adoptExisting, with 0 writes;
// - a create that landed but was not recorded (its answer lost, the resends throttled past the
//   budget) is taken as the stack's own by the next `up` (from the attempt journal under
//   PULUMI_HOME), not adopted: `destroy` deletes it;
// - an adopted v1 flow with its button: `refresh` + `up` is a no-op with 0 writes (no $ref churn);
//   declaring another version fails preview naming both values; destroy leaves it all in the tenant.
import type { RunningEmulator } from "../../emulator";
import { fingerprintOf, graphFetch, handMadeIdentityProvider } from "../helpers/emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";

const WECHAT_APP = "wx0123456789abcdef";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const b2c = require("pulumi-b2c-identity");
const cfg = new pulumi.Config("own");
if (cfg.require("mode") === "create") {
  new b2c.WeChatIdentityProvider("wechat", { appId: "${WECHAT_APP}", appKey: pulumi.secret("0123456789abcdef0123456789abcdef") });
  new b2c.B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn" });
  new b2c.PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret("app-key-v1") } });
} else {
  const version = cfg.getNumber("version");
  const qq = new b2c.QQIdentityProvider("qq", { appId: "101000001", appKey: pulumi.secret("qq-key"), adoptExisting: true });
  const flow = new b2c.B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", adoptExisting: true, ...(version ? { userFlowTypeVersion: version } : {}) });
  new b2c.UserFlowIdentityProvider("susi-qq", { userFlowId: flow.userFlowId, identityProviderId: qq.identityProviderId, userFlowCreationId: flow.creationId, adoptExisting: true });
}
`;

async function handMade(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<void> {
  const res = await graphFetch(emu, method, path, body);
  expect(res.status).toBeLessThan(300);
}

const tenantOf = (emu: RunningEmulator) => {
  const snap = emu.snapshot();
  return {
    identityProviders: snap.identityProviders.map((p) => [p.type, p.displayName]),
    userFlows: snap.userFlows.map((f) => [f.id, f.identityProviderIds]),
    keySets: snap.keySets.map((k) => [k.id, k.keys.length]),
  };
};

describe("objects the stack creates", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), () => ({ project: { program: PROGRAM }, config: { "own:mode": "create" } }));

  test("what existed before the stack (a portal WeChat with its default name and the same APP ID) fails preview, 0 writes", async () => {
    await handMadeIdentityProvider(emu, "WeChat", WECHAT_APP, "portal-app-key");
    emu.clearRequestLog();
    const preview = await project.preview([], { allowFailure: true });
    const output = preview.stdout + preview.stderr;
    expect(preview.code).not.toBe(0);
    expect(output).toMatch(/identity provider WeChat already exists in tenant/);
    expect(output).toMatch(/set adoptExisting: true/);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    // `up` refuses as well, with no write to the provider (the other resources go ahead), and destroy leaves it.
    const up = await project.up([], { allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(graphWrites(emu.requestLog()).filter((e) => e.path.includes("/identityProviders"))).toEqual([]);
    await project.destroy();
    expect(tenantOf(emu)).toEqual({ identityProviders: [["WeChat", "WeChat"]], userFlows: [], keySets: [] });
    expect(emu.snapshot().identityProviders[0].clientSecretFingerprint).toEqual(fingerprintOf("portal-app-key"));
    await handMade(emu, "DELETE", `/v1.0/identity/identityProviders/${emu.snapshot().identityProviders[0].id}`);
  });

  test("creates that landed unrecorded (answer lost, resends throttled past the budget) are the stack's own on the next up, and destroy deletes them", async () => {
    await project.setConfig({ "b2c:retryBudgetSeconds": "3" });
    const creates = ["^/identity/identityProviders$", "^/identity/b2cUserFlows$", "^/trustFramework/keySets$"];
    emu.setFaults({
      rules: creates.flatMap((path) => [
        { method: "POST", path, loseResponse: true, times: 1 },
        { method: "POST", path, status: 429, retryAfter: 1 },
      ]),
    });
    // --continue-on-error: every create is attempted, as when several land before the run is killed.
    const failed = await project.up(["--continue-on-error"], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    emu.setFaults({ rules: [] });
    // All three landed; none is in state.
    expect(tenantOf(emu)).toEqual({ identityProviders: [["WeChat", "WeChat"]], userFlows: [["B2C_1_susi", []]], keySets: [["B2C_1A_WeChatSecret", 0]] });
    expect((await project.resources()).filter((r) => r.id)).toEqual([]);

    await project.setConfig({ "b2c:retryBudgetSeconds": "60" });
    emu.clearRequestLog();
    await project.up();
    // No create is sent again: the APP KEY is written again (it can't be compared), the keyset gets its key.
    expect(describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/identityProviders\/[^ ]+/, "identityProviders/{id}"))).toEqual(
      expect.arrayContaining(["PATCH /v1.0/identity/identityProviders/{id} -> 204", "POST /beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret -> 200"]),
    );
    expect(graphWrites(emu.requestLog())).toHaveLength(2);
    const state = await project.resources();
    expect(state.map((r) => [r.type, r.outputs.adopted])).toEqual(
      expect.arrayContaining([
        ["IdentityProvider", false],
        ["UserFlow", false],
        ["TrustFrameworkKeySet", false],
      ]),
    );
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    await project.destroy();
    expect(tenantOf(emu)).toEqual({ identityProviders: [], userFlows: [], keySets: [] });
  });
});

describe("objects the stack adopts", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), () => ({ project: { program: PROGRAM }, config: { "own:mode": "adopt" } }));

  test("an adopted v1 flow with its button: refresh + up is a no-op with 0 writes; another version fails preview naming both; destroy keeps it all", async () => {
    await handMade(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 });
    await handMadeIdentityProvider(emu, "QQ", "101000001", "qq-key");
    await handMade(emu, "POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", {
      "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/QQ-OAUTH`,
    });
    await project.up();
    emu.clearRequestLog();
    await project.refresh();
    await project.up(["--expect-no-changes"]);
    await project.refresh();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", userFlowTypeVersion: 1, identityProviderIds: ["QQ-OAUTH"] })]);

    await project.setConfig({ "own:version": "3" });
    const preview = await project.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/was adopted .*changing userFlowTypeVersion would replace it/);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);

    await project.setConfig({ "own:version": "1" });
    await project.up(["--expect-no-changes"]);
    await project.destroy();
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
    expect(tenantOf(emu)).toEqual({ identityProviders: [["QQ", "QQ"]], userFlows: [["B2C_1_susi", ["QQ-OAUTH"]]], keySets: [] });
  });
});
