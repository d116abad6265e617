// `npm run bench`, part 1: Graph calls per operation against the minimum for each resource kind,
// from the emulator's request log, with the providers driven in process (tests/helpers/
// lifecycleEngine.ts): these are provider call counts. Part 2 (bench/engine.ts) is the large tenant
// through the real Pulumi engine. Prints a table and one JSON line.
import { startEmulator } from "../emulator";
import type { RunningEmulator } from "../emulator";
import { B2CUserFlow, PolicyKey, SocialIdentityProvider, UserFlowIdentityProvider } from "../api";
import { LifecycleEngine } from "../tests/helpers/lifecycleEngine";
import { emulatorStackConfig } from "../tests/helpers/pulumiHarness";
import { extraBenchResources } from "./policySetBench";
import { wechatAppKey } from "../tests/helpers/appKeys";


type Phase = "create" | "update" | "no-op" | "refresh" | "destroy";
interface KindCase {
  kind: string;
  program: (variant: 1 | 2) => () => void;
  minimum: Partial<Record<Phase, number>>;
}

const graphCalls = (emu: RunningEmulator) => emu.requestLog().filter((e) => e.kind === "graph");

/** One resource of each kind; variant 2 is the in-place update. */
const KINDS: KindCase[] = [
  {
    kind: "identity provider",
    program: (v) => () => void new SocialIdentityProvider("idp", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: wechatAppKey(`key-${v}`), displayName: `WeChat ${v}` }),
    minimum: { create: 1, update: 1, "no-op": 0, refresh: 1, destroy: 1 },
  },
  {
    kind: "policy key (secret)",
    program: (v) => () => new PolicyKey("key", { name: "WeChatSecret", secret: { value: `policy-key-${v}` } }),
    minimum: { create: 2, update: 1, "no-op": 0, refresh: 1, destroy: 1 },
  },
  {
    kind: "user flow",
    program: (v) => () => new B2CUserFlow("flow", { name: "susi", userFlowType: "signUpOrSignIn", testApplicationId: v === 1 ? undefined : "11111111-2222-3333-4444-555555555555" }),
    // An update here changes only the test URL output: no Graph call is needed.
    minimum: { create: 1, update: 0, "no-op": 0, refresh: 1, destroy: 1 },
  },
  {
    kind: "user flow attachment",
    program: () => () => {
      const flow = new B2CUserFlow("flow", { name: "susi", userFlowType: "signUpOrSignIn" });
      const idp = new SocialIdentityProvider("idp", { type: "QQ", clientId: "101", clientSecret: "k" });
      new UserFlowIdentityProvider("attach", { userFlowId: flow.userFlowId, identityProviderId: idp.identityProviderId });
    },
    minimum: { create: 1, "no-op": 0, refresh: 1, destroy: 1 },
  },
  ...extraBenchResources.kinds,
];

async function measureKinds(emu: RunningEmulator): Promise<{ kind: string; phase: Phase; calls: number; minimum: number }[]> {
  const rows: { kind: string; phase: Phase; calls: number; minimum: number }[] = [];
  for (const k of KINDS) {
    emu.reset();
    const engine = new LifecycleEngine(emulatorStackConfig(emu));
    // Dependencies of the measured resource (e.g. the flow and provider of an attachment) are
    // created in a first run and not counted: only the measured kind's own calls are.
    const ownCalls = (typeFilter: (path: string) => boolean) => graphCalls(emu).filter((e) => typeFilter(e.path)).length;
    const filter = kindFilter(k.kind);
    const phase = async (name: Phase, action: () => Promise<unknown>) => {
      emu.clearRequestLog();
      await action();
      const calls = ownCalls(filter);
      if (k.minimum[name] !== undefined) rows.push({ kind: k.kind, phase: name, calls, minimum: k.minimum[name]! });
    };
    await phase("create", () => engine.up(k.program(1)));
    await phase("no-op", () => engine.up(k.program(1)));
    await phase("update", () => engine.up(k.program(2)));
    await phase("refresh", () => engine.refresh());
    await phase("destroy", () => engine.destroy());
  }
  return rows;
}

function kindFilter(kind: string): (path: string) => boolean {
  if (kind === "identity provider") return (p) => /\/identity\/identityProviders/i.test(p) && !/availableProviderTypes/i.test(p);
  if (kind.startsWith("policy key")) return (p) => /\/trustFramework\/keySets/i.test(p);
  if (kind === "user flow") return (p) => /\/identity\/b2cUserFlows/i.test(p) && !/userFlowIdentityProviders/i.test(p);
  if (kind === "user flow attachment") return (p) => /userFlowIdentityProviders/i.test(p);
  return extraBenchResources.filterFor(kind);
}

async function main(): Promise<void> {
  const emu = await startEmulator({ port: 0 });
  try {
    // 1. Calls per operation, no latency, no limit.
    const rows = await measureKinds(emu);
    console.log("\nGraph calls per operation (made / minimum)");
    console.log(`${"resource".padEnd(24)}${"operation".padEnd(10)}${"calls".padStart(6)}${"min".padStart(5)}  ratio`);
    for (const r of rows) {
      const ratio = r.minimum === 0 ? (r.calls === 0 ? "1.00" : "inf") : (r.calls / r.minimum).toFixed(2);
      console.log(`${r.kind.padEnd(24)}${r.phase.padEnd(10)}${String(r.calls).padStart(6)}${String(r.minimum).padStart(5)}  ${ratio}`);
    }

    console.log(JSON.stringify({ perOperation: rows }));
  } finally {
    await emu.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

