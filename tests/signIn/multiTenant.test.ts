// Several tenants in one program (issue 14 item 4): each component's `tenant` argument names the
// stack config namespace of its tenant ("b2c-eu" reads b2c-eu:tenantId, b2c-eu:clientId, …). Two
// emulators stand for two tenants, each with its own app credentials; one program declares the same
// objects in both, and each lands in its own tenant, is updated there and deleted from there.
import { DEFAULT_PERMISSIONS, RunningEmulator } from "../../emulator";
import { startTestEmulator } from "../helpers/emulator";
import { B2CUserFlow, IefApplications, PolicyKey, TrustFrameworkPolicySet, UserFlowIdentityProvider, WeChatIdentityProvider } from "../../api";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { capture, emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphCalls, tokenRequests } from "../helpers/requestLog";

let home: RunningEmulator;
let eu: RunningEmulator;

/** The emulator's stack config with its keys moved to another namespace ("b2c:tenantId" -> "b2c-eu:tenantId"). */
function underNamespace(emu: RunningEmulator, namespace: string): Record<string, string> {
  return Object.fromEntries(Object.entries(emulatorStackConfig(emu)).map(([k, v]) => [k.replace(/^b2c:/, `${namespace}:`), v]));
}

beforeAll(async () => {
  home = await startTestEmulator({ tenantName: "contosohome" });
  eu = await startTestEmulator({
    tenantName: "contosoeu",
    applications: [{ clientId: "eeeeeeee-0000-4000-8000-00000000e0e0", clientSecret: "eu-app-secret-value", permissions: [...DEFAULT_PERMISSIONS] }],
  });
});
afterAll(async () => {
  await home?.stop();
  await eu?.stop();
});

const policy = (tenant: string, keySet: string) =>
  `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" PolicySchemaVersion="0.3.0.0" TenantId="${tenant}" PolicyId="B2C_1A_Base" PublicPolicyUri="http://${tenant}/B2C_1A_Base">
  <ClaimsProviders><ClaimsProvider><DisplayName>x</DisplayName><TechnicalProfiles><TechnicalProfile Id="t"><CryptographicKeys><Key Id="client_secret" StorageReferenceId="${keySet}" /></CryptographicKeys></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders>
</TrustFrameworkPolicy>`;

test("one program, two tenants: each component's objects land in its own tenant, with its own credentials", async () => {
  // The default namespace is the home tenant; "b2c-eu" is the second one. No environment fallback for b2c-eu.
  const engine = new LifecycleEngine({ ...emulatorStackConfig(home), ...underNamespace(eu, "b2c-eu") });
  const program = (appKey: string) => () => {
    for (const tenant of [undefined, "b2c-eu"]) {
      const suffix = tenant ? "-eu" : "";
      const wechat = new WeChatIdentityProvider(`wechat${suffix}`, { appId: tenant ? "wx00000000000000e0" : "wx0000000000000001", appKey, tenant });
      const flow = new B2CUserFlow(`susi${suffix}`, { name: "susi", userFlowType: "signUpOrSignIn", tenant });
      new UserFlowIdentityProvider(`susi-wechat${suffix}`, { userFlowId: flow.userFlowId, identityProviderId: wechat.identityProviderId, tenant });
      const key = new PolicyKey(`wechat-key${suffix}`, { name: "WeChatSecret", secret: { value: appKey }, tenant });
      new TrustFrameworkPolicySet(`policies${suffix}`, {
        policies: [{ fileName: "base.xml", xml: policy((tenant ? eu : home).tenantDomain, "B2C_1A_WeChatSecret") }],
        keySets: [key],
        ...(tenant ? { tenant } : {}),
      });
    }
  };

  await engine.up(program("a99c0de1a99c0de1a99c0de1a99c0de1"));
  for (const [emu, appId] of [
    [home, "wx0000000000000001"],
    [eu, "wx00000000000000e0"],
  ] as const) {
    const snap = emu.snapshot();
    expect(snap.identityProviders.map((p) => [p.type, p.clientId])).toEqual([["WeChat", appId]]);
    expect(snap.userFlows.map((f) => f.id)).toEqual(["B2C_1_susi"]);
    expect(snap.keySets.map((k) => [k.id, k.keys.length])).toEqual([["B2C_1A_WeChatSecret", 1]]);
    expect(snap.policies.map((p) => p.id)).toEqual(["B2C_1A_Base"]);
    // Each tenant was reached with its own app: the token requests name that tenant's client id.
    expect(new Set(tokenRequests(emu.requestLog()).map((t) => t.clientId))).toEqual(new Set([emu.clientId]));
  }
  expect(eu.clientId).not.toBe(home.clientId);
  // Only the second tenant's resources carry the namespace, as a plain input and in state.
  const states = [...engine.state.values()];
  expect(states.filter((s) => s.inputs.configNamespace === "b2c-eu").map((s) => s.name).sort()).toEqual(
    ["policies-eu-B2C_1A_Base", "susi-eu", "susi-wechat-eu", "wechat-eu", "wechat-key-eu"].sort(),
  );
  expect(states.filter((s) => s.outs.configNamespace === "b2c-eu")).toHaveLength(5);
  expect(states.filter((s) => s.inputs.configNamespace === undefined && s.outs.configNamespace === undefined)).toHaveLength(5);

  // A rotated APP KEY: each tenant's provider and keyset are updated in that tenant.
  home.clearRequestLog();
  eu.clearRequestLog();
  await engine.up(program("b99c0de2b99c0de2b99c0de2b99c0de2"));
  for (const emu of [home, eu]) {
    expect(emu.snapshot().keySets[0].keys).toHaveLength(2);
    expect(graphCalls(emu.requestLog()).filter((c) => c.method === "PATCH" && c.path.includes("/identityProviders/"))).toHaveLength(1);
  }

  // Destroy deletes from each tenant what was made there (read and delete use the namespace kept in state).
  await engine.destroy();
  for (const emu of [home, eu]) {
    const snap = emu.snapshot();
    expect([snap.identityProviders, snap.userFlows, snap.keySets, snap.policies].map((l) => l.length)).toEqual([0, 0, 0, 0]);
  }
}, 120_000);

test("one declaration per tenant: the same keyset twice in one tenant is refused, once in each tenant is not", async () => {
  await capture(() => {
    new PolicyKey("a", { name: "WeChatSecret", secret: { value: "v-padded" } });
    new PolicyKey("b", { name: "WeChatSecret", secret: { value: "v-padded" }, tenant: "b2c-eu" });
    expect(() => new PolicyKey("c", { name: "WeChatSecret", secret: { value: "v-padded" }, tenant: "b2c-eu" })).toThrow(/PolicyKey "c".*already declared by PolicyKey "b"/);
  });
});

test("a tenant that is not a config namespace is refused at construction, naming the argument", () => {
  expect(() => new WeChatIdentityProvider("w", { appId: "wx0123456789abcdef", appKey: "d19eb1c92f2916d9cafe849004657448", tenant: "b2c eu" })).toThrow(/WeChatIdentityProvider "w".*tenant: must be a stack config namespace/);
  expect(() => new TrustFrameworkPolicySet("p", { policies: [{ fileName: "a.xml", xml: "<x/>" }], tenantDomain: "contoso", tenant: "b2c:eu" })).toThrow(/tenant: must be a stack config namespace/);
});

test("a namespace without its keys names the missing key, and does not fall back to the environment", async () => {
  const engine = new LifecycleEngine({ ...emulatorStackConfig(home) });
  const previous = process.env.B2C_TENANT_ID;
  process.env.B2C_TENANT_ID = home.tenantDomain;
  try {
    home.clearRequestLog();
    await expect(engine.up(() => new WeChatIdentityProvider("w", { appId: "wx0123456789abcdef", appKey: "d19eb1c92f2916d9cafe849004657448", tenant: "b2c-apac" }))).rejects.toThrow(
      /stack config 'b2c-apac:tenantId'/,
    );
    expect(graphCalls(home.requestLog())).toHaveLength(0);
  } finally {
    if (previous === undefined) delete process.env.B2C_TENANT_ID;
    else process.env.B2C_TENANT_ID = previous;
  }
});

test("a refused credential under a namespace names that namespace's keys", async () => {
  const engine = new LifecycleEngine({ ...emulatorStackConfig(home), ...underNamespace(eu, "b2c-eu"), "b2c-eu:clientSecret": "Wrong-EU-Secret" });
  const failure = engine.up(() => new WeChatIdentityProvider("w", { appId: "wx0123456789abcdef", appKey: "3dacdc156417965305a26767345b35a1", tenant: "b2c-eu" }));
  await expect(failure).rejects.toThrow(/stack config 'b2c-eu:clientSecret'/);
  await expect(failure).rejects.not.toThrow(/'b2c:/);
});

test("IefApplications and TrustFrameworkPolicySet read their default tenant domain under their tenant (config namespace)", async () => {
  const { registrations } = await capture(
    () => {
      new IefApplications("ief-eu", { tenant: "b2c-eu" });
    },
    { config: { "b2c:tenantId": "contosohome.onmicrosoft.com", "b2c-eu:tenantId": "contosoeu.onmicrosoft.com" } },
  );
  const app = registrations.find((r) => r.name === "ief-eu-ief")!;
  expect(app.inputs.web.redirectUris).toEqual(["https://contosoeu.b2clogin.com/contosoeu.onmicrosoft.com"]);
  await capture(
    () => {
      const set = new TrustFrameworkPolicySet("p", { policies: [{ fileName: "base.xml", xml: policy("contosoeu.onmicrosoft.com", "B2C_1A_X") }], existingKeySetIds: ["B2C_1A_X"], tenant: "b2c-eu" });
      expect(set.tenantDomain).toBe("contosoeu.onmicrosoft.com");
    },
    { config: { "b2c:tenantId": "contosohome.onmicrosoft.com", "b2c-eu:tenantId": "contosoeu.onmicrosoft.com" } },
  );
});
