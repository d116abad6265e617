// Issue 12 item 8, at the provider level: every fault kind x create / update / delete x every
// resource kind. Each resource's implementation is the one the plugin serves for the type its
// component registered; it runs one operation against the emulator while the fault hits that
// operation's Graph write. Every case must converge, the fault must have fired, and the tenant must then hold exactly the intended
// objects: no duplicate (a second provider, keyset, key or attachment), no orphan (an object or key
// nobody declared), and after the clean-up delete nothing of ours is left. (The engine-level matrix
// through index.ts is faultMatrix.test.ts.)
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { EmulatorSnapshot, FaultRule, RunningEmulator } from "../../emulator";
import { B2CUserFlow } from "../../userFlows/component";
import { PolicyKey } from "../../policyKeys/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";
import { wechatAppKey } from "../helpers/appKeys";
import { TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import { useSkippedWaits } from "../helpers/clock";
import { fingerprintOf, graphFetch, useTestEmulator } from "../helpers/emulator";
import { capture, emulatorStackConfig, loadProvider } from "../helpers/pulumiHarness";

let emu: RunningEmulator;
// Waits (Retry-After, the 1 s floor, back-off) are skipped, not slept: tests/helpers/clock.ts.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
type Version = 1 | 2;
type Operation = "create" | "update" | "delete";
type Target = Pick<FaultRule, "method" | "path">;

interface ResourceKind {
  name: string;
  type: string;
  program: (v: Version) => () => unknown;
  /** Objects made by hand first (what the resource attaches to); they must be left as they were. */
  setup?: () => Promise<void>;
  /** The Graph writes an operation makes: the fault hits each of them. */
  writes: Partial<Record<Operation, Target[]>>;
  /** The tenant's objects of this kind after version v (undefined: none), for exact comparison. */
  state: (snap: EmulatorSnapshot) => unknown;
  want: (v: Version | undefined) => unknown;
}

const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";
const policyXml = (tenant: string, v: Version) =>
  `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="${tenant}" PolicyId="B2C_1A_Matrix" ` +
  `PublicPolicyUri="http://${tenant}/B2C_1A_Matrix"><ClaimsProviders><ClaimsProvider><DisplayName>v${v}</DisplayName>` +
  `<TechnicalProfiles><TechnicalProfile Id="tp"><DisplayName>x</DisplayName></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>`;

const KINDS: ResourceKind[] = [
  {
    name: "identity provider",
    type: "IdentityProvider",
    program: (v) => () => new WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: pulumi.secret(wechatAppKey(`wechat-key-v${v}`)) }),
    writes: {
      create: [{ method: "POST", path: "^/identity/identityProviders$" }],
      update: [{ method: "PATCH", path: "^/identity/identityProviders/*$" }],
      delete: [{ method: "DELETE", path: "^/identity/identityProviders/*$" }],
    },
    state: (snap) => snap.identityProviders.map((p) => ({ type: p.type, clientSecretFingerprint: p.clientSecretFingerprint })),
    want: (v) => (v ? [{ type: "WeChat", clientSecretFingerprint: fingerprintOf(wechatAppKey(`wechat-key-v${v}`)) }] : []),
  },
  {
    name: "user flow",
    type: "UserFlow",
    program: (v) => () => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", isLanguageCustomizationEnabled: v === 2 }),
    writes: {
      create: [{ method: "POST", path: "^/identity/b2cUserFlows$" }],
      update: [{ method: "PATCH", path: "^/identity/b2cUserFlows/*$" }],
      delete: [{ method: "DELETE", path: "^/identity/b2cUserFlows/*$" }],
    },
    state: (snap) => snap.userFlows.map((f) => ({ id: f.id, identityProviderIds: f.identityProviderIds })),
    want: (v) => (v ? [{ id: "B2C_1_susi", identityProviderIds: [] }] : []),
  },
  {
    name: "policy key (secret; update = rotation)",
    type: "TrustFrameworkKeySet",
    program: (v) => () => new PolicyKey("key", { name: "WeChatSecret", secret: { value: pulumi.secret(`app-key-v${v}`) } }),
    writes: {
      create: [
        { method: "POST", path: "^/trustFramework/keySets$" },
        { method: "POST", path: "/uploadSecret$" },
      ],
      update: [{ method: "POST", path: "/uploadSecret$" }],
      delete: [{ method: "DELETE", path: "^/trustFramework/keySets/*$" }],
    },
    state: (snap) => snap.keySets.map((k) => ({ id: k.id, keys: k.keys.map((key) => key.secretFingerprint) })),
    want: (v) => (v ? [{ id: "B2C_1A_WeChatSecret", keys: (v === 1 ? ["app-key-v1"] : ["app-key-v1", "app-key-v2"]).map(fingerprintOf) }] : []),
  },
  {
    name: "custom policy",
    type: "TrustFrameworkPolicy",
    program: (v) => () => new TrustFrameworkPolicyResource("policy", { policyId: "B2C_1A_Matrix", xml: policyXml(emu.tenantDomain, v) }),
    writes: {
      create: [{ method: "PUT", path: "/$value" }],
      update: [{ method: "PUT", path: "/$value" }],
      delete: [{ method: "DELETE", path: "^/trustFramework/policies/*$" }],
    },
    state: (snap) => snap.policies.map((p) => ({ id: p.id, version: /<DisplayName>(v\d)<\/DisplayName>/.exec(p.xml)?.[1] })),
    want: (v) => (v ? [{ id: "B2C_1A_Matrix", version: `v${v}` }] : []),
  },
  {
    name: "user flow attachment",
    type: "UserFlowIdentityProviderLink",
    setup: async () => {
      for (const [path, body] of [
        ["/beta/identity/b2cUserFlows", { id: "flow", userFlowType: "signIn", userFlowTypeVersion: 3 }],
        ["/v1.0/identity/identityProviders", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: "QQ", identityProviderType: "QQ", clientId: "101000001", clientSecret: "q-padded" }],
      ] as const) {
        expect((await graphFetch(emu, "POST", path, body)).status).toBe(201);
      }
    },
    program: () => () => new UserFlowIdentityProvider("flow-qq", { userFlowId: "flow", identityProviderId: "QQ-OAUTH" }),
    writes: {
      create: [{ method: "POST", path: "/userFlowIdentityProviders/$ref$" }],
      delete: [{ method: "DELETE", path: "^/identity/b2cUserFlows/*/userFlowIdentityProviders/*/$ref$" }],
    },
    state: (snap) => snap.userFlows.map((f) => f.identityProviderIds),
    want: (v) => [v ? ["QQ-OAUTH"] : []],
  },
];

const FAULTS: { name: string; rule: Omit<FaultRule, "method" | "path">; fault: RegExp }[] = [
  { name: "429 x3 with Retry-After 0.1 s", rule: { status: 429, retryAfter: 0.1, times: 3 }, fault: /^injected:429/ },
  { name: "503 without Retry-After", rule: { status: 503, times: 1 }, fault: /^injected:503/ },
  { name: "AADB2C90063 x2 (transient)", rule: { code: "AADB2C90063", times: 2 }, fault: /AADB2C90063/ },
  { name: "409 AADB2C95053 (concurrent write)", rule: { code: "AADB2C95053", times: 1 }, fault: /AADB2C95053/ },
  { name: "connection dropped before handling", rule: { dropConnection: true, times: 1 }, fault: /^dropConnection$/ },
  { name: "committed, then the answer lost", rule: { loseResponse: true, times: 1 }, fault: /^loseResponse$/ },
];

type Provider = pulumi.dynamic.ResourceProvider & { create: NonNullable<pulumi.dynamic.ResourceProvider["create"]> };

/** `olds`: the old inputs, as the engine passes them for a resource in state ({} for a new one, which check looks up in the tenant). */
async function served(kind: ResourceKind, v: Version, olds: Record<string, any> = {}): Promise<{ inputs: Record<string, any>; provider: Provider }> {
  const { registrations } = await capture(kind.program(v));
  // The custom resource of the kind's type (a component may hold a resource's old name: PolicyKey, UserFlowIdentityProvider).
  const reg = registrations.find((r) => r.custom && r.type === `b2c-identity:index:${kind.type}`)!;
  const provider = (await loadProvider(reg.type, emulatorStackConfig(emu))) as Provider;
  const checked = provider.check ? await provider.check(olds, reg.inputs) : { inputs: reg.inputs };
  expect(checked.failures ?? []).toEqual([]);
  return { inputs: checked.inputs!, provider };
}

const CASES = KINDS.flatMap((kind) =>
  (["create", "update", "delete"] as const).filter((op) => kind.writes[op]).flatMap((op) => FAULTS.map((fault) => ({ kind, op, fault }))),
);
const figures = { cases: 0, faultsFired: 0, duplicatesOrOrphans: 0, leftovers: 0 };

test.each(CASES.map((c) => [`${c.kind.name}: ${c.op} under ${c.fault.name}`, c] as const))("%s", async (_title, { kind, op, fault }) => {
  await kind.setup?.();
  const baseline = emu.snapshot();
  const v1 = await served(kind, 1);
  // Before the faulted operation: create (without faults) what update and delete work on.
  let id = "";
  let outs: any;
  if (op !== "create") ({ id, outs } = await v1.provider.create(v1.inputs));
  emu.setFaults({ rules: kind.writes[op]!.map((target) => ({ ...target, ...fault.rule })) });
  emu.clearRequestLog();
  let expected: Version | undefined;
  if (op === "create") {
    ({ id, outs } = await v1.provider.create(v1.inputs));
    expected = 1;
  } else if (op === "update") {
    const v2 = await served(kind, 2, v1.inputs);
    expect((await v2.provider.diff!(id, outs, v2.inputs)).changes).toBe(true);
    outs = (await v2.provider.update!(id, outs, v2.inputs)).outs;
    expected = 2;
  } else {
    await v1.provider.delete!(id, outs);
    expected = undefined;
  }
  const fired = emu.requestLog().filter((e) => e.fault !== undefined && fault.fault.test(e.fault)).length;
  expect(fired).toBeGreaterThan(0);
  emu.setFaults({ rules: [] });
  const state = kind.state(emu.snapshot());
  // Counted by the assertion itself: the wanted state holds matchers (fingerprintOf) that a JSON comparison never equals.
  try {
    expect(state).toEqual(kind.want(expected));
  } catch (mismatch) {
    figures.duplicatesOrOrphans++;
    throw mismatch;
  }
  // Clean-up (no faults): nothing of ours is left, what was made by hand is as it was.
  if (op !== "delete") await v1.provider.delete!(id, outs);
  if (JSON.stringify(emu.snapshot()) !== JSON.stringify(baseline)) figures.leftovers++;
  expect(emu.snapshot()).toEqual(baseline);
  figures.cases++;
  figures.faultsFired += fired;
}, 60_000);

afterAll(() => {
  // The figures the README quotes (issue 12): printed once, from what the cases above measured.
  process.stdout.write(
    `provider fault matrix: ${figures.cases}/${CASES.length} cases converged (${FAULTS.length} fault kinds x ${CASES.length / FAULTS.length} operations), ` +
      `${figures.faultsFired} injected faults fired, ${figures.duplicatesOrOrphans} duplicates or orphans, ${figures.leftovers} leftovers\n`,
  );
});
