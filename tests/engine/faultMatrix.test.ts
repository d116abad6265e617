// Issue 12's fault matrix through the real engine, for the faults only the process boundary shows:
// a connection dropped before the request was handled and an answer lost after the write was
// committed. The dynamic-provider host is a separate process that the engine restarts each run and
// that must find out what landed from the tenant alone (and its attempt journal), so these are
// proven here, once per step, on every resource kind. One program declares one of each kind
// (identity provider, user flow, policy key, custom policy, attachment); for each fault, `up`
// creates them with the fault on every kind's create writes, `up` of version 2 updates them with the
// fault on every update write, and `destroy` deletes them with the fault on every delete write.
// After each step the tenant holds exactly what is declared (no duplicate, no orphan), every fault
// fired, and a second `up` is a no-op with 0 Graph writes (no leftover in state); after destroy
// nothing of ours is left.
//
// The fault kinds the Graph client absorbs inside one request (429 with Retry-After, 503, the
// transient AADB2C90063, the concurrent-write 409 AADB2C95053) never reach the engine: they are
// proven per request in tests/graph (client.test.ts, transport.test.ts) and per provider operation
// and resource kind in tests/reliability/providerFaultMatrix.test.ts.
import type { FaultRule, RunningEmulator } from "../../emulator";
import * as path from "path";
import { EngineProject, repoRoot, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const b2c = require("pulumi-b2c-identity");
// One custom policy without a set around it: the resource class is not public, so by its file.
const { TrustFrameworkPolicyResource } = require(${JSON.stringify(path.join(repoRoot, "dist/customPolicies/provider.js"))});
const v = Number(new pulumi.Config("matrix").require("version"));
const tenant = new pulumi.Config("b2c").require("tenantId");
const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";
const xml = '<TrustFrameworkPolicy xmlns="' + NS + '" PolicySchemaVersion="0.3.0.0" TenantId="' + tenant + '" PolicyId="B2C_1A_Matrix" ' +
  'PublicPolicyUri="http://' + tenant + '/B2C_1A_Matrix"><ClaimsProviders><ClaimsProvider><DisplayName>v' + v + '</DisplayName>' +
  '<TechnicalProfiles><TechnicalProfile Id="tp"><DisplayName>x</DisplayName></TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>';
const qq = new b2c.QQIdentityProvider("qq", { appId: "101000001", appKey: pulumi.secret("qq-key-v" + v), displayName: "QQ v" + v });
const flow = new b2c.B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", isLanguageCustomizationEnabled: v === 2 });
new b2c.UserFlowIdentityProvider("susi-qq", { userFlowId: flow.userFlowId, identityProviderId: qq.identityProviderId, userFlowCreationId: flow.creationId });
new b2c.PolicyKey("key", { name: "MatrixSecret", secret: { value: pulumi.secret("app-key-v" + v) } });
new TrustFrameworkPolicyResource("policy", { policyId: "B2C_1A_Matrix", xml });
`;

type Target = Pick<FaultRule, "method" | "path">;
const WRITES: Record<"create" | "update" | "delete", Target[]> = {
  create: [
    { method: "POST", path: "^/identity/identityProviders$" },
    { method: "POST", path: "^/identity/b2cUserFlows$" },
    { method: "POST", path: "/userFlowIdentityProviders/$ref$" },
    { method: "POST", path: "^/trustFramework/keySets$" },
    { method: "POST", path: "/uploadSecret$" },
    { method: "PUT", path: "/$value" },
  ],
  update: [
    { method: "PATCH", path: "^/identity/identityProviders/*$" },
    { method: "PATCH", path: "^/identity/b2cUserFlows/*$" },
    { method: "POST", path: "/uploadSecret$" },
    { method: "PUT", path: "/$value" },
  ],
  delete: [
    { method: "DELETE", path: "^/identity/b2cUserFlows/*/userFlowIdentityProviders/*/$ref$" },
    { method: "DELETE", path: "^/identity/identityProviders/*$" },
    { method: "DELETE", path: "^/identity/b2cUserFlows/*$" },
    { method: "DELETE", path: "^/trustFramework/keySets/*$" },
    { method: "DELETE", path: "^/trustFramework/policies/*$" },
  ],
};

const FAULTS: { name: string; rule: Omit<FaultRule, "method" | "path"> }[] = [
  { name: "connection dropped before handling", rule: { dropConnection: true, times: 1 } },
  { name: "committed, then the answer lost", rule: { loseResponse: true, times: 1 } },
];

/** What the tenant must hold after version v (undefined: after destroy). */
function tenantOf(emu: RunningEmulator) {
  const snap = emu.snapshot();
  return {
    identityProviders: snap.identityProviders.map((p) => [p.type, p.displayName]),
    userFlows: snap.userFlows.map((f) => [f.id, f.identityProviderIds.map((id) => id.toLowerCase())]),
    keySets: snap.keySets.map((k) => [k.id, k.keys.length]),
    policies: snap.policies.map((p) => [p.id, /<DisplayName>(v\d)<\/DisplayName>/.exec(p.xml)?.[1]]),
  };
}
const declared = (v: 1 | 2 | undefined) =>
  v
    ? {
        identityProviders: [["QQ", `QQ v${v}`]],
        userFlows: [["B2C_1_susi", ["qq-oauth"]]],
        keySets: [["B2C_1A_MatrixSecret", v]], // a rotation adds a key to the same keyset
        policies: [["B2C_1A_Matrix", `v${v}`]],
      }
    : { identityProviders: [], userFlows: [], keySets: [], policies: [] };

describe.each(FAULTS)("fault matrix through the real engine: $name", ({ rule }) => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack((s) => ({ emu, project } = s), () => ({ project: { program: PROGRAM }, config: { "matrix:version": "1" } }));

  const inject = (targets: Target[]) => emu.setFaults({ rules: targets.map((t) => ({ ...t, ...rule })) });
  const everyFaultFired = () => expect(emu.getFaults().rules.map((r) => `${r.method} ${r.path}: ${r.times} left`)).toEqual(emu.getFaults().rules.map((r) => `${r.method} ${r.path}: 0 left`));
  const noOpAfter = async () => {
    emu.setFaults({ rules: [] });
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  };

  test("create", async () => {
    inject(WRITES.create);
    await project.up();
    everyFaultFired();
    expect(tenantOf(emu)).toEqual(declared(1));
    await noOpAfter();
  });

  test("update", async () => {
    await project.setConfig({ "matrix:version": "2" });
    inject(WRITES.update);
    await project.up();
    everyFaultFired();
    expect(tenantOf(emu)).toEqual(declared(2));
    await noOpAfter();
  });

  test("delete", async () => {
    inject(WRITES.delete);
    await project.destroy();
    everyFaultFired();
    expect(tenantOf(emu)).toEqual(declared(undefined));
  });
});
