// The ownership rule (kernel/ownership/rule.ts, README "Who owns what") at the provider level: what
// existed before the stack's first attempt is never its own: preview (a Create with `preview` set: previewCreate) and `create` look
// before the first write, and an existing object is the stack's only when its attempt journal (or
// `recoverCreates`) explains it and the content is what it sends (issue 19 items 1 and 7; issue 12
// before it). Adopted objects stay in the tenant on destroy, are compared on their fixed settings
// and never replaced (item 2); a rotation lands or fails loudly; a half-made keyset is rolled back
// within the retry budget, and one left behind is reused only by the stack that made it. Each
// resource's implementation is the one the plugin serves for the type its component registered; it
// talks to the emulator, whose faults drop a request before it is handled (dropConnection) or
// carry it out and lose the answer (loseResponse).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { FaultRule, RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../userFlows/component";
import { PolicyKey, PolicyKeyArgs } from "../../policyKeys/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";
import { TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import { useSkippedWaits } from "../helpers/clock";
import { fingerprintOf, graphFetch, handMadeIdentityProvider, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider, previewCreate } from "../helpers/pulumiHarness";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";
import { failureOf } from "../helpers/failures";

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

const WECHAT_APP = "wx0123456789abcdef";

type Provider = pulumi.dynamic.ResourceProvider & { create: NonNullable<pulumi.dynamic.ResourceProvider["create"]> };

async function providerFor(program: () => unknown, type: string, config: Record<string, string> = {}): Promise<{ inputs: Record<string, any>; provider: Provider }> {
  const { registrations } = await capture(program);
  // The custom resource of that type (a component may hold a resource's old name: PolicyKey, UserFlowIdentityProvider).
  const reg = registrations.find((r) => r.custom && r.type === `b2c-identity:index:${type}`)!;
  return { inputs: reg.inputs, provider: (await loadProvider(reg.type, emulatorStackConfig(emu, config))) as Provider };
}

/** A journal folder shared by several provider instances: one machine's runs of one stack. */
const machine = () => ({ "b2c:ownershipJournalDir": fs.mkdtempSync(path.join(os.tmpdir(), "b2c-attempts-test-")) });
const NOT_OURS = /already exists in tenant .*this stack has not recorded it\. What existed before the stack's first attempt is never taken as its own\. .*adoptExisting: true/;


const once = (rule: Omit<FaultRule, "times">): void => emu.setFaults({ rules: [{ ...rule, times: 1 }] });
const firedOnce = (fault: string) => expect(emu.requestLog().filter((e) => e.fault === fault)).toHaveLength(1);

async function handMade(method: string, path: string, body: unknown): Promise<void> {
  const res = await graphFetch(emu, method, path, body);
  expect(res.status).toBeLessThan(300);
}

const handMadeQQ = () => handMadeIdentityProvider(emu, "QQ", "101000001", "qq-padded");
const handMadeAttach = () =>
  handMade("POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", {
    "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/QQ-OAUTH`,
  });

const wechat = (extra: Record<string, unknown> = {}) =>
  providerFor(() => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP, appKey: pulumi.secret("3d5f03bd549e8677d368906da490ac1f"), ...extra }), "IdentityProvider");

describe("identity provider: a create whose answer is unknown", () => {
  const portalWeChat = (displayName = "WeChat (portal)", clientId = "wxfedcba9876543210") =>
    handMadeIdentityProvider(emu, "WeChat", clientId, "portal-app-key", displayName);
  const untouchedPortalWeChat = () =>
    expect(emu.snapshot().identityProviders).toEqual([
      expect.objectContaining({ type: "WeChat", clientId: WECHAT_APP, displayName: "WeChat", clientSecretFingerprint: fingerprintOf("portal-app-key") }),
    ]);

  test("a portal-made WeChat with the portal's name and the same APP ID: check (preview) fails naming it and adoptExisting, with no write", async () => {
    await portalWeChat("WeChat", WECHAT_APP);
    const { inputs, provider } = await wechat();
    emu.clearRequestLog();
    const failures = await previewCreate(provider, inputs);
    expect(failures).toEqual([{ property: "adoptExisting", reason: expect.stringMatching(NOT_OURS) }]);
    expect(failures[0].reason).toContain("identity provider WeChat");
    expect(graphWrites(emu.requestLog())).toEqual([]);
    untouchedPortalWeChat();
  });

  test("the same lookalike and the POST dropped: create's own look refuses it before any write, the new APP KEY is not lost silently", async () => {
    // issue 19: the lookalike check took the portal's provider over after a reset POST; destroy then deleted it.
    await portalWeChat("WeChat", WECHAT_APP);
    const { inputs, provider } = await wechat();
    emu.setFaults({ rules: [{ method: "POST", path: "^/identity/identityProviders$", dropConnection: true, times: 1 }] });
    emu.clearRequestLog();
    const error = await failureOf(provider.create({ ...inputs, adoptExisting: false, displayName: "WeChat" }));
    expect(error.message).toMatch(NOT_OURS);
    expect(error.message).not.toContain("3d5f03bd549e8677d368906da490ac1f");
    expect(graphWrites(emu.requestLog())).toEqual([]);
    untouchedPortalWeChat();
  });

  test("carried out and the answer lost: the resend's duplicate is explained by our own look and attempt; the secret is written again", async () => {
    const { inputs, provider } = await wechat();
    once({ method: "POST", path: "^/identity/identityProviders$", loseResponse: true });
    emu.clearRequestLog();
    const { id, outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      "POST /v1.0/identity/identityProviders -> 201",
      "POST /v1.0/identity/identityProviders -> 400",
      `PATCH /v1.0/identity/identityProviders/${id} -> 204`,
    ]);
    expect(emu.snapshot().identityProviders).toEqual([expect.objectContaining({ id, clientId: WECHAT_APP, clientSecretFingerprint: fingerprintOf("3d5f03bd549e8677d368906da490ac1f") })]);
    // Created by the stack: destroy deletes it.
    await provider.delete!(id, outs);
    expect(emu.snapshot().identityProviders).toEqual([]);
  });

  test("landed but unrecorded (lost answer, throttled resends past the budget): the next run takes it as its own from the journal", async () => {
    const shared = machine();
    const run = (config: Record<string, string>) =>
      providerFor(() => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP, appKey: pulumi.secret("3d5f03bd549e8677d368906da490ac1f") }), "IdentityProvider", config);
    const firstRun = await run({ ...shared, "b2c:retryBudgetSeconds": "2" });
    emu.setFaults({
      rules: [
        { method: "POST", path: "^/identity/identityProviders$", loseResponse: true, times: 1 },
        { method: "POST", path: "^/identity/identityProviders$", status: 429, retryAfter: 1 },
      ],
    });
    await failureOf(checkAndCreate(firstRun.provider, firstRun.inputs));
    emu.setFaults({ rules: [] });
    expect(emu.snapshot().identityProviders).toHaveLength(1);
    // Another machine (no journal): refused, naming the documented recovery.
    const elsewhere = await run({});
    const refused = await failureOf(checkAndCreate(elsewhere.provider, elsewhere.inputs));
    expect(refused.message).toMatch(NOT_OURS);
    expect(refused.message).toContain(`add "identityProvider:WeChat" to b2c:recoverCreates`);
    // The same machine's next run: taken as the stack's own, the secret written again, deleted on destroy.
    const next = await run(shared);
    emu.clearRequestLog();
    const { id, outs } = await checkAndCreate(next.provider, next.inputs);
    expect(outs.adopted).toBe(false);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([`PATCH /v1.0/identity/identityProviders/${id} -> 204`]);
    await next.provider.delete!(id, outs);
    expect(emu.snapshot().identityProviders).toEqual([]);
  }, 30_000);

  test("recoverCreates vouches for a named object without a journal, checked against content", async () => {
    await portalWeChat("WeChat (portal)", WECHAT_APP);
    const vouched = await providerFor(() => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP, appKey: pulumi.secret("3d5f03bd549e8677d368906da490ac1f") }), "IdentityProvider", {
      "b2c:recoverCreates": JSON.stringify(["identityProvider:WeChat"]),
    });
    // The display name differs from what the stack sends: not its create.
    expect((await failureOf(checkAndCreate(vouched.provider, vouched.inputs))).message).toMatch(/differs from what the stack sends in displayName/);
    await graphFetch(emu, "PATCH", `/v1.0/identity/identityProviders/${emu.snapshot().identityProviders[0].id}`, {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: "WeChat",
    });
    const { id, outs } = await checkAndCreate(vouched.provider, vouched.inputs);
    expect(outs.adopted).toBe(false);
    expect(emu.snapshot().identityProviders).toEqual([expect.objectContaining({ id, clientSecretFingerprint: fingerprintOf("3d5f03bd549e8677d368906da490ac1f") })]);
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
  const flow = (extra: Record<string, unknown> = {}, config: Record<string, string> = {}) =>
    providerFor(() => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", ...extra }), "UserFlow", config);
  const handMadeFlow = (userFlowType = "signUpOrSignIn", userFlowTypeVersion = 3) =>
    handMade("POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType, userFlowTypeVersion });

  test("a hand-made flow of the same name that is in use: check (preview) fails naming it and adoptExisting, with no write", async () => {
    await handMadeFlow();
    await handMadeQQ();
    await handMadeAttach();
    const { inputs, provider } = await flow();
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(NOT_OURS);
    expect(error.message).toContain("user flow B2C_1_susi");
    expect(graphWrites(emu.requestLog())).toEqual([]);
    // Still there, with its button: refusing never deletes.
    expect(emu.snapshot().userFlows).toEqual([expect.objectContaining({ id: "B2C_1_susi", identityProviderIds: ["QQ-OAUTH"] })]);
  });

  test("a hand-made flow with equal settings and nothing attached, the POST dropped: refused by create's own look, not taken", async () => {
    // issue 19: the lookalike check (same settings, nothing attached) took it over, and destroy deleted it.
    await handMadeFlow();
    const { inputs, provider } = await flow();
    emu.setFaults({ rules: [{ method: "POST", path: "^/identity/b2cUserFlows$", dropConnection: true, times: 1 }] });
    emu.clearRequestLog();
    const error = await failureOf(provider.create({ ...inputs, adoptExisting: false }));
    expect(error.message).toMatch(NOT_OURS);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
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

  test("landed but unrecorded and then given a button by hand: the journal explains the flow, the attachment does not: refused", async () => {
    const shared = machine();
    const first = await flow({}, shared);
    // The answer is lost and the resend is refused (403): the create ends unrecorded.
    emu.setFaults({
      rules: [
        { method: "POST", path: "^/identity/b2cUserFlows$", loseResponse: true, times: 1 },
        { method: "POST", path: "^/identity/b2cUserFlows$", code: "Authorization_RequestDenied", status: 403 },
      ],
    });
    await failureOf(checkAndCreate(first.provider, first.inputs));
    emu.setFaults({ rules: [] });
    await handMadeQQ();
    await handMadeAttach();
    const next = await flow({}, shared);
    const error = await failureOf(checkAndCreate(next.provider, next.inputs));
    expect(error.message).toMatch(/earlier create attempt may have made it, but it differs from what the stack sends in identity providers \(QQ-OAUTH attached\)/);
    await handMade("DELETE", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/QQ-OAUTH/$ref", undefined);
    const { outs } = await checkAndCreate(next.provider, next.inputs);
    expect(outs.adopted).toBe(false);
  }, 30_000);

  test("adopting a v1 flow: the version is taken as it is when left out; declaring another fails preview naming both values", async () => {
    await handMadeFlow("signUpOrSignIn", 1);
    const declared = await flow({ adoptExisting: true, userFlowTypeVersion: 3 });
    emu.clearRequestLog();
    const failures = await previewCreate(declared.provider, declared.inputs);
    expect(failures[0]?.reason).toMatch(/Cannot adopt the user flow B2C_1_susi: its userFlowTypeVersion is 1 in the tenant and 3 in this stack.*Set userFlowTypeVersion: 1/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    const leftOut = await flow({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(leftOut.provider, leftOut.inputs);
    expect(outs.userFlowTypeVersion).toBeUndefined();
    // A later change that would replace it fails instead of deleting the tenant's flow.
    const changed = (await leftOut.provider.check!(outs, { ...leftOut.inputs, userFlowType: "signIn" })).inputs!;
    expect((await failureOf(leftOut.provider.diff!(id, outs, changed))).message).toMatch(/was adopted .*would replace it.*never replaced/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
  });

  test("adopted flows are left in the tenant on destroy", async () => {
    await handMadeFlow();
    const { inputs, provider } = await flow({ adoptExisting: true });
    const { id, outs } = await checkAndCreate(provider, inputs);
    expect(outs.adopted).toBe(true);
    await provider.delete!(id, outs);
    expect(emu.snapshot().userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
  });
});

describe("policy key: create, rollback, leftovers, rotation", () => {
  const key = (args: Partial<PolicyKeyArgs> = {}, config: Record<string, string> = {}) =>
    providerFor(() => new PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret("app-key-v1") }, ...args } as PolicyKeyArgs), "TrustFrameworkKeySet", config);
  const keys = () => emu.snapshot().keySets.find((k) => k.id === "B2C_1A_WeChatSecret")?.keys ?? [];

  test("a hand-made keyset with keys: check (preview) fails naming it, its key count and adoptExisting; nothing added", async () => {
    await handMade("POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    await handMade("POST", "/beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", { use: "sig", k: "portal-key" });
    const { inputs, provider } = await key();
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(NOT_OURS);
    expect(error.message).toMatch(/policy key container B2C_1A_WeChatSecret already exists .*\(1 key\(s\)\)/);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(keys().map((k) => k.secretFingerprint)).toEqual([fingerprintOf("portal-key")]);
  });

  test("carried out and the answer lost: the empty keyset is the stack's, one key is added", async () => {
    const { inputs, provider } = await key();
    once({ method: "POST", path: "^/trustFramework/keySets$", loseResponse: true });
    const { outs } = await checkAndCreate(provider, inputs);
    firedOnce("loseResponse");
    expect(outs.adopted).toBe(false);
    expect(keys().map((k) => k.secretFingerprint)).toEqual([fingerprintOf("app-key-v1")]);
  });

  test("an empty keyset that existed before the stack is not ours: check fails, and create's own look refuses it with no write", async () => {
    // issue 19: any empty keyset was taken as the stack's, with no fault at all.
    await handMade("POST", "/beta/trustFramework/keySets", { id: "WeChatSecret" });
    const { inputs, provider } = await key();
    emu.clearRequestLog();
    expect((await failureOf(checkAndCreate(provider, inputs))).message).toMatch(NOT_OURS);
    expect((await failureOf(provider.create({ ...inputs, adoptExisting: false }))).message).toMatch(NOT_OURS);
    expect(graphWrites(emu.requestLog())).toEqual([]);
    expect(keys()).toEqual([]);
  });

  test("an empty keyset left by this stack's own failed create (key refused, rollback failed) is reused by its next run", async () => {
    const shared = machine();
    const first = await key({}, shared);
    emu.setFaults({
      rules: [
        { method: "POST", path: "/uploadSecret$", code: "AADB2C90215", status: 400, times: 1 },
        { method: "DELETE", path: "^/trustFramework/keySets/*$", code: "AADB2C90215", status: 400, times: 1 },
      ],
    });
    expect((await failureOf(checkAndCreate(first.provider, first.inputs))).message).toMatch(/takes the empty container as this stack's/);
    emu.setFaults({ rules: [] });
    const next = await key({}, shared);
    emu.clearRequestLog();
    const { outs } = await checkAndCreate(next.provider, next.inputs);
    expect(outs.adopted).toBe(false);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual(["POST /beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret -> 200"]);
    expect(keys()).toHaveLength(1);
  });

  test("two stacks race for one preset keyset, the first one's key upload slow: the second fails loudly, one key, nothing shared", async () => {
    const stackA = await key({}, machine());
    const stackB = await providerFor(() => new PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret("other-stack-key") } } as PolicyKeyArgs), "TrustFrameworkKeySet", machine());
    // B previews before A creates: both see no keyset.
    const checkedB = (await stackB.provider.check!({}, stackB.inputs)).inputs!;
    // A's key upload is slow (throttled twice); B runs its create meanwhile.
    emu.setFaults({ rules: [{ method: "POST", path: "/uploadSecret$", status: 429, retryAfter: 1, times: 2 }] });
    const a = checkAndCreate(stackA.provider, stackA.inputs);
    while (!emu.snapshot().keySets.some((k) => k.id === "B2C_1A_WeChatSecret")) await new Promise((r) => setTimeout(r, 20));
    const errorB = await failureOf(stackB.provider.create(checkedB));
    expect(errorB.message).toMatch(NOT_OURS);
    const { outs } = await a;
    expect(keys().map((k) => k.secretFingerprint)).toEqual([fingerprintOf("app-key-v1")]);
    expect(outs.keys).toHaveLength(1);
    // B's preview now fails as well; B recorded nothing, so no destroy of B can delete A's keyset.
    expect((await previewCreate(stackB.provider, stackB.inputs))[0]?.reason).toMatch(NOT_OURS);
  }, 30_000);

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
      expect(keys().map((k) => k.secretFingerprint)).toEqual([fingerprintOf("app-key-v1"), fingerprintOf("emergency-key"), fingerprintOf("app-key-v2")]);
      expect(outs.keys).toHaveLength(3);
      expect(outs.activeKeyId).toBe(keys()[2].kid);
    });

    test("the upload lands and its answer is lost: ours is recognised by its nbf, not uploaded twice", async () => {
      const outs = await rotated({ method: "POST", path: "/uploadSecret$", loseResponse: true });
      firedOnce("loseResponse");
      expect(keys().map((k) => k.secretFingerprint)).toEqual([fingerprintOf("app-key-v1"), fingerprintOf("emergency-key"), fingerprintOf("app-key-v2")]);
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
    expect(error.message).toMatch(NOT_OURS);
    expect(error.message).toContain("custom policy B2C_1A_TrustFrameworkBase");
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
    providerFor(() => new UserFlowIdentityProvider("susi-qq", { userFlowId: "susi", identityProviderId: "QQ-OAUTH", ...extra }), "UserFlowIdentityProviderLink");
  const attachedIds = () => emu.snapshot().userFlows[0].identityProviderIds;

  test.each(["error", "ok"] as const)("an attachment made by hand is not claimed (duplicate attach answers '%s'): the create fails naming adoptExisting", async (duplicateAttach) => {
    emu.setBehaviour({ duplicateAttach });
    await flowWithQQ(true);
    const { inputs, provider } = await attachment();
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(error.message).toMatch(NOT_OURS);
    expect(error.message).toContain("user flow attachment B2C_1_susi/QQ-OAUTH");
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
    clock.after(800, handMadeAttach);
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
      "UserFlowIdentityProviderLink",
    );
    const started = clock.now(); // counts skipped waits as waited
    const error = await failureOf(checkAndCreate(provider, inputs));
    expect(clock.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(/identity provider does not exist.*Check identityProviderId/);
    expect(attachedIds()).toEqual([]);
  }, 15_000);
});
