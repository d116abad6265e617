// Issue 12 items 1-4 at the provider level: a create whose answer was lost never takes over an
// object that differs from what was sent; policies and attachments follow the same
// "exists -> adoptExisting" rule; adopted objects stay in the tenant on destroy; a rotation lands
// or fails loudly; a half-made keyset is rolled back within the retry budget, and an empty one left
// behind is reused. Each dynamic provider is loaded from its serialized text (as the engine does)
// and talks to the emulator, whose faults drop a request before it is handled (dropConnection) or
// carry it out and lose the answer (loseResponse).
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { FaultRule, RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../components/B2CUserFlow";
import { PolicyKey, PolicyKeyArgs } from "../../components/PolicyKey";
import { UserFlowIdentityProvider } from "../../components/UserFlowIdentityProvider";
import { WeChatIdentityProvider } from "../../components/WeChatIdentityProvider";
import { TrustFrameworkPolicyResource } from "../../providers/trustFrameworkPolicy";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";
import { failureOf } from "../helpers/failures";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const WECHAT_APP = "wx0123456789abcdef";
const ADOPT = /already exists.*adoptExisting: true/;

type Provider = pulumi.dynamic.ResourceProvider & { create: NonNullable<pulumi.dynamic.ResourceProvider["create"]> };

async function providerFor(program: () => unknown, type: string): Promise<{ inputs: Record<string, any>; provider: Provider }> {
  const { registrations } = await capture(program);
  const reg = registrations.find((r) => r.type === `pulumi-nodejs:dynamic/b2c-identity:${type}`)!;
  return { inputs: reg.inputs, provider: (await loadProvider(reg.providerText!, emulatorStackConfig(emu))) as Provider };
}


const once = (rule: Omit<FaultRule, "times">): void => emu.setFaults({ rules: [{ ...rule, times: 1 }] });
const firedOnce = (fault: string) => expect(emu.requestLog().filter((e) => e.fault === fault)).toHaveLength(1);

async function handMade(method: string, path: string, body: unknown): Promise<void> {
  const res = await graphFetch(emu, method, path, body);
  expect(res.status).toBeLessThan(300);
}

const handMadeQQ = () =>
  handMade("POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "QQ",
    identityProviderType: "QQ",
    clientId: "101000001",
    clientSecret: "qq-padded",
  });
const handMadeAttach = () =>
  handMade("POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", {
    "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/QQ-OAUTH`,
  });

const wechat = (extra: Record<string, unknown> = {}) =>
  providerFor(() => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP, appKey: pulumi.secret("3d5f03bd549e8677d368906da490ac1f"), ...extra }), "IdentityProvider");

describe("identity provider: a create whose answer is unknown", () => {
  const portalWeChat = () =>
    handMade("POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "WeChat (portal)",
      identityProviderType: "WeChat",
      clientId: "wxfedcba9876543210",
      clientSecret: "portal-app-key",
    });

  test("dropped before it reached Graph, a hand-made provider there: fails with the adopt message, the provider untouched", async () => {
    await portalWeChat();
    const { inputs, provider } = await wechat();
    once({ method: "POST", path: "^/identity/identityProviders$", dropConnection: true });
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    firedOnce("dropConnection");
    expect(error.message).toMatch(ADOPT);
    expect(error.message).toMatch(/differs from what was sent in clientId, displayName/);
    expect(error.message).not.toContain("3d5f03bd549e8677d368906da490ac1f");
    expect(graphWrites(emu.requestLog()).filter((e) => e.method !== "POST")).toEqual([]);
    expect(emu.snapshot().identityProviders).toEqual([
      expect.objectContaining({ type: "WeChat", clientId: "wxfedcba9876543210", displayName: "WeChat (portal)", clientSecretSha256: sha256("portal-app-key") }),
    ]);
  });

  test("carried out and the answer lost: the resend finds exactly what was sent and takes it as its own (no second write)", async () => {
    const { inputs, provider } = await wechat();
    once({ method: "POST", path: "^/identity/identityProviders$", loseResponse: true });
    emu.clearRequestLog();
    const { id, outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      "POST /v1.0/identity/identityProviders -> 201",
      "POST /v1.0/identity/identityProviders -> 400",
    ]);
    expect(emu.snapshot().identityProviders).toEqual([expect.objectContaining({ id, clientId: WECHAT_APP, clientSecretSha256: sha256("3d5f03bd549e8677d368906da490ac1f") })]);
    // Created by the stack: destroy deletes it.
    await provider.delete!(id, outs);
    expect(emu.snapshot().identityProviders).toEqual([]);
  });

  test("adopted with adoptExisting: the stack's values are applied, and destroy leaves it in the tenant", async () => {
    await portalWeChat();
    const { inputs, provider } = await wechat({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    emu.clearRequestLog();
    await provider.delete!(id, outs);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(emu.snapshot().identityProviders).toEqual([expect.objectContaining({ id, clientId: WECHAT_APP })]);
  });
});

describe("user flow: a create whose answer is unknown", () => {
  const flow = (extra: Record<string, unknown> = {}) =>
    providerFor(() => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", ...extra }), "UserFlow");

  test("dropped, and a hand-made flow of the same name that is in use: fails with the adopt message", async () => {
    await handMade("POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    await handMadeQQ();
    await handMadeAttach();
    const { inputs, provider } = await flow();
    once({ method: "POST", path: "^/identity/b2cUserFlows$", dropConnection: true });
    const error = await failureOf(checkAndCreate(provider, inputs));
    firedOnce("dropConnection");
    expect(error.message).toMatch(ADOPT);
    expect(error.message).toMatch(/identity providers \(QQ-OAUTH attached\)/);
    // Still there, with its button: refusing never deletes.
    expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", identityProviderIds: ["QQ-OAUTH"] })]);
  });

  test("dropped, and a hand-made flow of another type: fails", async () => {
    await handMade("POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signIn", userFlowTypeVersion: 3 });
    const { inputs, provider } = await flow();
    once({ method: "POST", path: "^/identity/b2cUserFlows$", dropConnection: true });
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(ADOPT);
    expect(error.message).toMatch(/userFlowType/);
  });

  test("carried out and the answer lost: taken as the stack's own, deleted on destroy", async () => {
    const { inputs, provider } = await flow();
    once({ method: "POST", path: "^/identity/b2cUserFlows$", loseResponse: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect([id, outs.adopted]).toEqual(["B2C_1_susi", false]);
    await provider.delete!(id, outs);
    expect(emu.snapshot().userFlows).toEqual([]);
  });

  test("adopted flows are left in the tenant on destroy", async () => {
    await handMade("POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    const { inputs, provider } = await flow({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    await provider.delete!(id, outs);
    expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
  });
});

describe("policy key: create, rollback, leftovers, rotation", () => {
  const key = (args: Partial<PolicyKeyArgs> = {}) =>
    providerFor(() => new PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret("app-key-v1") }, ...args } as PolicyKeyArgs), "PolicyKey");
  const keys = () => emu.snapshot().keySets.find((k) => k.id === "B2C_1A_WeChatSecret")?.keys ?? [];

  test("dropped, and a hand-made keyset with keys: fails with the adopt message naming the key count, nothing added", async () => {
    await handMade("POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    await handMade("POST", "/beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", { use: "sig", k: "portal-key" });
    const { inputs, provider } = await key();
    once({ method: "POST", path: "^/trustFramework/keySets$", dropConnection: true });
    const error = await failureOf(checkAndCreate(provider, inputs));
    firedOnce("dropConnection");
    expect(error.message).toMatch(ADOPT);
    expect(error.message).toMatch(/key count \(1;/);
    expect(keys().map((k) => k.secretSha256)).toEqual([sha256("portal-key")]);
  });

  test("carried out and the answer lost: the empty keyset is the stack's, one key is added", async () => {
    const { inputs, provider } = await key();
    once({ method: "POST", path: "^/trustFramework/keySets$", loseResponse: true });
    const { outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    expect(keys().map((k) => k.secretSha256)).toEqual([sha256("app-key-v1")]);
  });

  test("an empty keyset left by an earlier failed create is reused on the next run", async () => {
    await handMade("POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    const { inputs, provider } = await key();
    emu.clearRequestLog();
    const { outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(false);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      "POST /beta/trustFramework/keySets -> 409",
      "POST /beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret -> 200",
    ]);
    expect(keys()).toHaveLength(1);
  });

  test("the key is refused and the rollback is throttled 8 times: the rollback waits it out, nothing is left", async () => {
    const { inputs, provider } = await key();
    emu.setFaults({
      rules: [
        { method: "POST", path: "/uploadSecret$", code: "AADB2C90215", status: 400 },
        { method: "DELETE", path: "^/trustFramework/keySets/*$", status: 429, retryAfter: 0.1, times: 8 },
      ],
    });
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(/badly formatted.*The new, empty container was deleted again/);
    expect(graphCalls(emu.requestLog()).filter((e) => e.method === "DELETE").map((e) => e.status)).toEqual([429, 429, 429, 429, 429, 429, 429, 429, 204]);
    expect(emu.snapshot().keySets).toEqual([]);
  });

  describe("rotation when an operator added an emergency key", () => {
    async function rotated(rule: Omit<FaultRule, "times">) {
      const first = await key();
      const created = await checkAndCreate(first.provider, first.inputs);
      // The operator adds a key in the portal (no dates, as the portal's "Manual" option allows).
      await handMade("POST", "/beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", { use: "sig", k: "emergency-key" });
      const second = await key({ secret: { value: pulumi.secret("app-key-v2") } });
      const checked = (await second.provider.check!(created.outs, second.inputs)).inputs!;
      expect((await second.provider.diff!(created.id, created.outs, checked)).changes).toBe(true);
      once(rule);
      emu.clearRequestLog();
      const updated = await second.provider.update!(created.id, created.outs, checked);
      return updated.outs;
    }

    test("the upload is dropped before it lands: the operator's key is not taken for ours, the new key is uploaded", async () => {
      const outs = await rotated({ method: "POST", path: "/uploadSecret$", dropConnection: true });
      firedOnce("dropConnection");
      expect(keys().map((k) => k.secretSha256)).toEqual([sha256("app-key-v1"), sha256("emergency-key"), sha256("app-key-v2")]);
      expect(outs.keys).toHaveLength(3);
      expect(outs.activeKeyId).toBe(keys()[2].kid);
    });

    test("the upload lands and its answer is lost: ours is recognised by its nbf, not uploaded twice", async () => {
      const outs = await rotated({ method: "POST", path: "/uploadSecret$", loseResponse: true });
      firedOnce("loseResponse");
      expect(keys().map((k) => k.secretSha256)).toEqual([sha256("app-key-v1"), sha256("emergency-key"), sha256("app-key-v2")]);
      expect(graphWrites(emu.requestLog()).filter((e) => e.path.endsWith("/uploadSecret"))).toHaveLength(1);
      expect(outs.activeKeyId).toBe(keys()[2].kid);
    });
  });

  test("adopted keysets are left in the tenant on destroy", async () => {
    await handMade("POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    await handMade("POST", "/beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", { use: "sig", k: "portal-key" });
    const { inputs, provider } = await key({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    await provider.delete!(id, outs);
    expect(keys().length).toBeGreaterThan(0);
  });
});

describe("custom policy: exists -> adoptExisting", () => {
  const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";
  const xml = (name: string) =>
    `<?xml version="1.0" encoding="utf-8" ?><TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="${emu.tenantDomain}" ` +
    `PolicyId="B2C_1A_TrustFrameworkBase" PublicPolicyUri="http://${emu.tenantDomain}/B2C_1A_TrustFrameworkBase"><ClaimsProviders><ClaimsProvider>` +
    `<DisplayName>${name}</DisplayName><TechnicalProfiles><TechnicalProfile Id="tp"><DisplayName>x</DisplayName></TechnicalProfile></TechnicalProfiles>` +
    `</ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>`;
  const policy = (extra: Record<string, unknown> = {}) =>
    providerFor(() => new TrustFrameworkPolicyResource("base", { policyId: "B2C_1A_TrustFrameworkBase", xml: xml("Stack"), ...extra }), "TrustFrameworkPolicy");
  const tenantXml = () => emu.snapshot().policies.find((p) => p.id === "B2C_1A_TrustFrameworkBase")?.xml;

  test("a hand-made policy is not overwritten: the create fails naming it and adoptExisting, with no write", async () => {
    await handMade("PUT", "/beta/trustFramework/policies/B2C_1A_TrustFrameworkBase/$value", xml("Portal"));
    const { inputs, provider } = await policy();
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(/Custom policy B2C_1A_TrustFrameworkBase already exists .*adoptExisting: true/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(tenantXml()).toContain("<DisplayName>Portal</DisplayName>");
  });

  test("with adoptExisting it is replaced, and left in the tenant on destroy", async () => {
    await handMade("PUT", "/beta/trustFramework/policies/B2C_1A_TrustFrameworkBase/$value", xml("Portal"));
    const { inputs, provider } = await policy({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    expect(tenantXml()).toContain("<DisplayName>Stack</DisplayName>");
    await provider.delete!(id, outs);
    expect(tenantXml()).toBeDefined();
  });

  test("an upload whose answer is lost is re-sent (an idempotent PUT) and the policy is the stack's", async () => {
    const { inputs, provider } = await policy();
    once({ method: "PUT", path: "/$value", loseResponse: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    await provider.delete!(id, outs);
    expect(tenantXml()).toBeUndefined();
  });
});

describe("attachment: exists -> adoptExisting", () => {
  async function flowWithQQ(attached: boolean): Promise<void> {
    await handMade("POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    await handMadeQQ();
    if (attached) await handMadeAttach();
  }
  const attachment = (extra: Record<string, unknown> = {}) =>
    providerFor(() => new UserFlowIdentityProvider("susi-qq", { userFlowId: "susi", identityProviderId: "QQ-OAUTH", ...extra }), "UserFlowIdentityProvider");
  const attachedIds = () => emu.snapshot().userFlows[0].identityProviderIds;

  test.each(["error", "ok"] as const)("an attachment made by hand is not claimed (duplicate attach answers '%s'): the create fails naming adoptExisting", async (duplicateAttach) => {
    emu.setBehaviour({ duplicateAttach });
    await flowWithQQ(true);
    const { inputs, provider } = await attachment();
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(/QQ-OAUTH is already attached to user flow B2C_1_susi, and not by this stack.*adoptExisting: true/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    emu.setBehaviour({ duplicateAttach: "error" });
  });

  test("with adoptExisting it is taken over without a write, and left attached on destroy", async () => {
    await flowWithQQ(true);
    const { inputs, provider } = await attachment({ adoptExisting: true });
    emu.clearRequestLog();
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    await provider.delete!(id, outs);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(attachedIds()).toEqual(["QQ-OAUTH"]);
  });

  test("an attach whose answer was lost is the stack's own: detached on destroy", async () => {
    await flowWithQQ(false);
    const { inputs, provider } = await attachment();
    once({ method: "POST", path: "/userFlowIdentityProviders/$ref$", loseResponse: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    expect(attachedIds()).toEqual(["QQ-OAUTH"]);
    await provider.delete!(id, outs);
    expect(attachedIds()).toEqual([]);
  });

  test("a refresh right after the attach waits out eventual consistency instead of dropping the attachment", async () => {
    await flowWithQQ(false);
    const { inputs, provider } = await attachment();
    const { id, outs } = await checkAndCreate(provider, inputs);
    // The flow is hidden for a moment (as a fresh object is): without the grace the read would report it gone.
    emu.setFaults({ consistencyWindowMs: 1500 });
    await handMade("DELETE", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/QQ-OAUTH/$ref", undefined);
    setTimeout(() => void handMadeAttach(), 800);
    emu.clearRequestLog();
    expect((await provider.read!(id, outs)).id).toBe(id);
    expect(graphCalls(emu.requestLog()).filter((e) => e.method === "GET").length).toBeGreaterThan(1);
    // Long after the write (lastWriteAt 0), a missing attachment is reported gone at once.
    await handMade("DELETE", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/QQ-OAUTH/$ref", undefined);
    emu.clearRequestLog();
    expect((await provider.read!(id, { ...outs, lastWriteAt: 0 })).id).toBe("");
    expect(graphCalls(emu.requestLog())).toHaveLength(1);
  });

  test("attaching an identity provider that does not exist fails in under 10 s, naming identityProviderId", async () => {
    await flowWithQQ(false);
    const { inputs, provider } = await providerFor(
      () => new UserFlowIdentityProvider("susi-x", { userFlowId: "susi", identityProviderId: pulumi.output("Nope-OAUTH") }),
      "UserFlowIdentityProvider",
    );
    const started = Date.now();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(/identity provider does not exist.*Check identityProviderId/);
    expect(attachedIds()).toEqual([]);
  }, 15_000);
});
