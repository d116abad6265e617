import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { useSkippedWaits } from "../helpers/clock";
import { fingerprintOf, graphFetch, startTestEmulator, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider, Registration } from "../helpers/pulumiHarness";
import { graphCalls, graphWrites, describeCalls } from "../helpers/requestLog";
import { failureOf } from "../helpers/failures";
import { UNKNOWN } from "../../domain/notKnownYet";

const TYPE = "b2c-identity:index:IdentityProvider";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

async function serialized(program: () => unknown): Promise<{ reg: Registration; provider: pulumi.dynamic.ResourceProvider & { create: any } }> {
  const { registrations } = await capture(program);
  const reg = registrations.find((r) => r.type === TYPE)!;
  expect(reg).toBeDefined();
  return { reg, provider: await loadProvider(reg.type, emulatorStackConfig(emu)) };
}

/** A WeChat-shaped APP KEY (32 hex digits). */
const SAME_KEY = "5a3e0ce15a3e0ce15a3e0ce15a3e0ce1";
const wechat = (appKey = "c0932d836e4232317f4b3a8151867918", extra: Record<string, unknown> = {}) =>
  serialized(() => new WeChatIdentityProvider("wechat", { appId: "wx00000000000000a1", appKey: pulumi.secret(appKey), ...extra }));


test("create costs exactly one Graph write and returns the id Graph assigned and the callback URL", async () => {
  const { reg, provider } = await wechat();
  emu.clearRequestLog();
  const { id, outs } = await checkAndCreate(provider, reg.inputs);
  expect(graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path}`)).toEqual(["POST /v1.0/identity/identityProviders"]);
  const stored = emu.snapshot().identityProviders;
  expect(stored).toHaveLength(1);
  expect(id).toBe(stored[0].id);
  expect(stored[0]).toMatchObject({ type: "WeChat", displayName: "WeChat", clientId: "wx00000000000000a1", clientSecretFingerprint: fingerprintOf("c0932d836e4232317f4b3a8151867918") });
  expect(outs.redirectUri).toBe(`https://${emu.tenantName}.b2clogin.com/${emu.tenantName}.onmicrosoft.com/oauth2/authresp`);
  expect(JSON.stringify(outs)).not.toContain("c0932d836e4232317f4b3a8151867918");
});

test("a custom domain changes the callback URL", async () => {
  const { reg, provider } = await serialized(
    () => new QQIdentityProvider("qq", { appId: "101", appKey: "qq-key-padded", customDomain: "login.contoso.com" }),
  );
  const { outs } = await checkAndCreate(provider, reg.inputs);
  expect(outs.redirectUri).toBe(`https://login.contoso.com/${emu.tenantName}.onmicrosoft.com/oauth2/authresp`);
  expect(outs.type).toBe("QQ");
});

test("a diff with no change makes no Graph call and reports no change", async () => {
  const { reg, provider } = await wechat();
  const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
  emu.clearRequestLog();
  const diff = await provider.diff!(id, outs, inputs);
  expect(diff.changes).toBe(false);
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
});

describe("in-place updates, never a replacement", () => {
  test.each([
    ["displayName", { displayName: "WeChat 微信" }, { displayName: "WeChat 微信" }],
    ["clientId", { appId: "wx00000000000000a2" }, { clientId: "wx00000000000000a2" }],
    ["clientSecret", { appKey: pulumi.secret("f9563433dbf822cd1fa41c20e54661d9") }, { clientSecretFingerprint: fingerprintOf("f9563433dbf822cd1fa41c20e54661d9") }],
  ])("%s changes with one PATCH", async (_field, change, expected) => {
    const first = await wechat();
    const created = await checkAndCreate(first.provider, first.reg.inputs);
    const second = await serialized(() => new WeChatIdentityProvider("wechat", { appId: "wx00000000000000a1", appKey: pulumi.secret("c0932d836e4232317f4b3a8151867918"), ...change }));
    const checked = (await second.provider.check!(created.outs, second.reg.inputs)).inputs!;
    const diff = await second.provider.diff!(created.id, created.outs, checked);
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual([]);
    emu.clearRequestLog();
    const updated = await second.provider.update!(created.id, created.outs, checked);
    expect(graphWrites(emu.requestLog()).map((e) => `${e.method} ${e.path}`)).toEqual([`PATCH /v1.0/identity/identityProviders/${created.id}`]);
    expect(emu.snapshot().identityProviders[0]).toMatchObject(expected);
    // The next diff against the new state is clean again.
    const again = await second.provider.diff!(created.id, updated.outs, checked);
    expect(again.changes).toBe(false);
  });
});

test("the secret fingerprint in state is salted and does not contain the secret", async () => {
  const { reg, provider } = await wechat(SAME_KEY);
  const a = await checkAndCreate(provider, reg.inputs);
  emu.reset();
  const b = await checkAndCreate(provider, reg.inputs);
  expect(a.outs.clientSecretHash).not.toBe(b.outs.clientSecretHash);
  expect(a.outs.clientSecretHash).not.toContain(SAME_KEY);
});

test("a type change is a replacement", async () => {
  const { reg, provider } = await wechat();
  const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
  const diff = await provider.diff!(id, outs, { ...inputs, type: "QQ" });
  expect(diff.replaces).toEqual(["type"]);
});

describe("an identity provider that already exists", () => {
  async function preexisting(): Promise<string> {
    const { reg, provider } = await serialized(() => new WeChatIdentityProvider("manual", { appId: "wxfedcba9876543210", appKey: "b06dae285a935240f0cc4acf8e082087", displayName: "Made in portal" }));
    return (await checkAndCreate(provider, reg.inputs)).id;
  }

  test("is refused with a message that says how to adopt it", async () => {
    const existing = await preexisting();
    const { reg, provider } = await wechat();
    const error = await failureOf(checkAndCreate(provider, reg.inputs));
    expect(error.message).toContain(`identity provider WeChat already exists`);
    expect(error.message).toContain(existing);
    expect(error.message).toContain("adoptExisting: true");
    expect(error.message).not.toContain("c0932d836e4232317f4b3a8151867918");
    expect(emu.snapshot().identityProviders).toHaveLength(1);
  });

  test("is adopted with adoptExisting: one write, stack values applied", async () => {
    const existing = await preexisting();
    const { reg, provider } = await wechat("c0932d836e4232317f4b3a8151867918", { adoptExisting: true });
    emu.clearRequestLog();
    const { id } = await checkAndCreate(provider, reg.inputs);
    expect(id).toBe(existing);
    expect(graphWrites(emu.requestLog())).toHaveLength(1);
    expect(emu.snapshot().identityProviders).toEqual([
      expect.objectContaining({ id: existing, clientId: "wx00000000000000a1", displayName: "WeChat", clientSecretFingerprint: fingerprintOf("c0932d836e4232317f4b3a8151867918") }),
    ]);
  });
});

describe("refresh (read)", () => {
  test("costs one GET, and an out-of-band deletion makes the resource disappear", async () => {
    const { reg, provider } = await wechat();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    emu.clearRequestLog();
    const same = await provider.read!(id, outs);
    expect(same.id).toBe(id);
    expect(describeCalls(graphCalls(emu.requestLog()))).toEqual([`GET /v1.0/identity/identityProviders/${id} -> 200`]);
    await fetchAs(emu, "DELETE", `/v1.0/identity/identityProviders/${id}`);
    // A refresh long after our last write (lastWriteAt 0): a 404 means deleted.
    const gone = await provider.read!(id, { ...outs, lastWriteAt: 0 });
    expect(gone.id).toBe("");
  });

  test("right after create, a refresh waits out eventual consistency instead of dropping the resource", async () => {
    const { reg, provider } = await wechat();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    emu.setFaults({ consistencyWindowMs: 800 });
    try {
      // The window starts with the next create: recreate the provider so it is "fresh" again.
      await provider.delete!(id, outs);
      const fresh = await checkAndCreate(provider, reg.inputs);
      const read = await provider.read!(fresh.id, fresh.outs);
      expect(read.id).toBe(fresh.id);
      expect(graphCalls(emu.requestLog()).some((e) => e.fault === "consistencyWindow")).toBe(true);
    } finally {
      emu.setFaults({ consistencyWindowMs: 0 });
    }
  });

  test("out-of-band changes of displayName and clientId show as drift", async () => {
    const { reg, provider } = await wechat();
    const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
    await fetchAs(emu, "PATCH", `/v1.0/identity/identityProviders/${id}`, { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "Renamed", clientId: "other" });
    const read = await provider.read!(id, outs);
    expect(read.props).toMatchObject({ displayName: "Renamed", clientId: "other" });
    const diff = await provider.diff!(id, read.props, inputs);
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual([]);
  });
});

describe("delete", () => {
  test("is idempotent: a provider already gone counts as deleted", async () => {
    const { reg, provider } = await wechat();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    await provider.delete!(id, outs);
    await provider.delete!(id, outs);
    expect(emu.snapshot().identityProviders).toHaveLength(0);
  });

  test("of a provider still attached to a user flow names the flow", async () => {
    const { reg, provider } = await wechat();
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    await fetchAs(emu, "POST", "/beta/identity/b2cUserFlows", { id: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    await fetchAs(emu, "POST", "/beta/identity/b2cUserFlows/B2C_1_susi/userFlowIdentityProviders/$ref", {
      "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/${id}`,
    });
    const error = await failureOf(provider.delete!(id, outs));
    expect(error.message).toContain("B2C_1_susi");
    expect(error.message).toMatch(/detach it first/);
    expect(emu.snapshot().identityProviders).toHaveLength(1);
  });
});

test("check fails on the type, naming it, in a workforce tenant", async () => {
  const workforce = await startTestEmulator({ tenantMode: "workforce" });
  try {
    const { registrations } = await capture(() => new WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: "d19eb1c92f2916d9cafe849004657448" }));
    const reg = registrations.find((r) => r.type === TYPE)!;
    const provider = await loadProvider(reg.type, emulatorStackConfig(workforce));
    workforce.clearRequestLog();
    const result = await provider.check!({}, reg.inputs);
    expect(result.failures?.[0].property).toBe("type");
    expect(result.failures?.[0].reason).toMatch(/WeChat identity providers are not available.*B2C tenant.*b2c:tenantId/);
    expect(graphWrites(workforce.requestLog())).toHaveLength(0);
  } finally {
    await workforce.stop();
  }
});

test("check names the resource's own config namespace (b2c-eu:tenantId, not b2c:tenantId)", async () => {
  const workforce = await startTestEmulator({ tenantMode: "workforce" });
  try {
    const { registrations } = await capture(() => new WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: "d19eb1c92f2916d9cafe849004657448", tenant: "b2c-eu" }));
    const reg = registrations.find((r) => r.type === TYPE)!;
    const config = Object.fromEntries(Object.entries(emulatorStackConfig(workforce)).map(([k, v]) => [k.replace(/^b2c:/, "b2c-eu:"), v]));
    const provider = await loadProvider(reg.type, config);
    workforce.clearRequestLog();
    const result = await provider.check!({}, reg.inputs);
    expect(result.failures?.[0].property).toBe("type");
    expect(result.failures?.[0].reason).toContain("stack config 'b2c-eu:tenantId'");
    expect(result.failures?.[0].reason).not.toContain("b2c:tenantId");
    expect(graphWrites(workforce.requestLog())).toHaveLength(0);
  } finally {
    await workforce.stop();
  }
});

test("check in a preview: a value not known yet is skipped (no 'is required'); a known bad one is still refused", async () => {
  const { reg, provider } = await wechat();
  const preview = await provider.check!({}, { ...reg.inputs, clientId: UNKNOWN, clientSecret: UNKNOWN });
  expect(preview.failures).toBeUndefined();
  expect(preview.inputs).toMatchObject({ type: "WeChat", clientId: UNKNOWN, clientSecret: UNKNOWN });
  emu.clearRequestLog();
  const bad = await provider.check!({}, { ...reg.inputs, clientId: "101", clientSecret: UNKNOWN });
  expect(bad.failures?.map((f) => f.property)).toEqual(["clientId"]);
  const { clientSecret: _dropped, ...withoutSecret } = reg.inputs;
  const missing = await provider.check!({}, withoutSecret);
  expect(missing.failures).toEqual([{ property: "clientSecret", reason: expect.stringMatching(/^is required/) }]);
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
});

test("check reports invalid inputs by argument, without calling Graph", async () => {
  const { provider } = await wechat();
  emu.clearRequestLog();
  const result = await provider.check!({}, { type: "WeCaht", clientId: " ", clientSecret: "" });
  expect(result.failures?.map((f) => f.property)).toEqual(["type", "clientId", "clientSecret"]);
  expect(graphCalls(emu.requestLog())).toHaveLength(0);
});

test("SocialIdentityProvider accepts the other B2C social types", async () => {
  const { reg, provider } = await serialized(() => new SocialIdentityProvider("gh", { type: "github", clientId: "gh-client", clientSecret: "gh-secret" }));
  const { outs } = await checkAndCreate(provider, reg.inputs);
  expect(outs.type).toBe("GitHub");
  expect(emu.snapshot().identityProviders[0].type).toBe("GitHub");
});

/** An out-of-band change, as someone in the portal would make it. */
async function fetchAs(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<void> {
  const res = await graphFetch(emulator, method, path, body);
  expect(res.status).toBeLessThan(300);
}
