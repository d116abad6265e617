// The large tenant of the benchmark (10 identity providers, 40 policy keys, 10 user flows with 30
// attachments, 8 custom policies) as a Pulumi program, and the same Graph work as a plain
// sequential script. bench/engine.ts runs the program through the real Pulumi engine.
import type { RunningEmulator } from "../emulator";
import { B2CUserFlow, PolicyKey, SOCIAL_PROVIDER_TYPES, SocialIdentityProvider, UserFlowIdentityProvider } from "../api";
import { extraBenchResources, sequentialExtraCalls } from "./policySetBench";
import { wechatAppKey } from "../tests/helpers/appKeys";

/** APP IDs of the shapes WeChat and QQ issue (the providers check them). */
const BENCH_CLIENT_IDS: Record<string, string> = { WeChat: "wx0123456789abcdef", QQ: "101000001" };

/** 10 identity providers, 40 policy keys, 10 user flows with attachments, and 8 custom policies. */
export function largeTenant(tenant: string): () => unknown {
  return () => {
  const idps = SOCIAL_PROVIDER_TYPES.map((type) => new SocialIdentityProvider(`idp-${type}`, { type, clientId: BENCH_CLIENT_IDS[type] ?? `${type}-client`, clientSecret: type === "WeChat" ? wechatAppKey(`${type}-secret`) : `${type}-secret` }));
  Array.from({ length: 40 - extraBenchResources.policyKeys }, (_, i) => new PolicyKey(`key-${i}`, { name: `BenchKey${i}`, secret: { value: `secret-${i}` } }));
  for (let f = 0; f < 10; f++) {
    const flow = new B2CUserFlow(`flow-${f}`, { name: `flow${f}`, userFlowType: "signUpOrSignIn" });
    for (let j = 0; j < 3; j++) {
      const idp = idps[(f + j) % idps.length];
      new UserFlowIdentityProvider(`flow-${f}-${j}`, { userFlowId: flow.userFlowId, identityProviderId: idp.identityProviderId });
    }
  }
  // Returned so that the engine waits for the policies (registered after their async validation).
  return { policyIds: extraBenchResources.largeTenant(tenant) };
  };
}

/** The same Graph work as a person's script would do it: one call after the other, bare fetch. */
export async function sequentialScript(emu: RunningEmulator): Promise<number> {
  const res = await fetch(`${emu.authorityHost}/${emu.tenantDomain}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "https://graph.microsoft.com/.default" }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  const call = async (method: string, path: string, body?: unknown, contentType = "application/json"): Promise<void> => {
    for (;;) {
      const r = await fetch(`${emu.graphEndpoint}${path}`, {
        method,
        headers: { authorization: `Bearer ${access_token}`, ...(body !== undefined ? { "content-type": contentType } : {}) },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      await r.text();
      if (r.status !== 429) return;
      await new Promise((resolve) => setTimeout(resolve, Number(r.headers.get("retry-after") ?? "1") * 1000));
    }
  };
  const started = Date.now();
  const ids: string[] = [];
  for (const type of SOCIAL_PROVIDER_TYPES) {
    await call("POST", "/v1.0/identity/identityProviders", { "@odata.type": "microsoft.graph.socialIdentityProvider", displayName: type, identityProviderType: type, clientId: "c", clientSecret: "s" });
    ids.push(type === "Microsoft" ? "MSA-OIDC" : `${type}-OAUTH`);
  }
  for (let i = 0; i < 40 - extraBenchResources.policyKeys; i++) {
    await call("POST", "/beta/trustFramework/keySets", { id: `BenchKey${i}` });
    await call("POST", `/beta/trustFramework/keySets/B2C_1A_BenchKey${i}/uploadSecret`, { use: "sig", k: `secret-${i}` });
  }
  for (let f = 0; f < 10; f++) {
    await call("POST", "/beta/identity/b2cUserFlows", { id: `flow${f}`, userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
    for (let j = 0; j < 3; j++) {
      await call("POST", `/beta/identity/b2cUserFlows/B2C_1_flow${f}/userFlowIdentityProviders/$ref`, {
        "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/${ids[(f + j) % ids.length]}`,
      });
    }
  }
  await sequentialExtraCalls(call, emu.tenantDomain);
  return Date.now() - started;
}

