// Issue 21 item 4: every key of `b2c:socialSignIn` the README lists is settable from stack config
// and reaches the component it names (tokenKeysRotateBeforeExpiryDays was not read before). The
// README's table is the list: a key added there without a probe here, or a probe for a key the
// README does not list, fails the first test; each probe sets its key and finds its value in what
// the stack program builds (under mocks: no Graph, no engine).
import * as fs from "fs";
import * as path from "path";
import * as expiryWarnings from "../../policyKeys/expiryWarnings";
import { stackProgram } from "../../program/stackProgram";
import { capture, Registration } from "../helpers/pulumiHarness";
import { writeFilledStarterPack } from "../policies/starterPack";

const README = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");

/** The keys of README's `b2c:socialSignIn` table, as written there (`identityProviders[i].type`, …). */
function readmeKeys(): string[] {
  const start = README.indexOf("| Key | Meaning | Reaches |");
  expect(start).toBeGreaterThan(0);
  const rows = README.slice(start).split("\n").slice(2);
  return rows.slice(0, rows.findIndex((r) => !r.startsWith("|"))).map((r) => /^\| `([^`]+)`/.exec(r)![1]);
}

const APP_ID = "wx0123456789abcdef";
const KEY = "5e0c1f7a2b3d4c5e6f708192a3b4c5d6";
const TENANT = { "b2c:tenantId": "contosob2c.onmicrosoft.com", "b2c:clientId": "00000000-0000-0000-0000-0000000000c1" };
const APP_GUID = "00000000-0000-4000-8000-00000000a991";

type SignIn = Record<string, any> & { identityProviders: Record<string, any>[] };
interface Probe {
  /** Sets the key on a minimal sign-in (one WeChat provider) and returns any other config it needs. */
  set(signIn: SignIn): unknown;
  /** What proves the value arrived, in the resources registered. */
  reached(regs: Registration[], warningDays: unknown[]): void;
  /** For resources registered only after an asynchronous step (the policy set's offline validation): what to wait for. */
  registered?(regs: Registration[]): boolean;
}

// The custom resources of a type (a component may hold a custom resource's old name: PolicyKey, UserFlowIdentityProvider).
const of = (regs: Registration[], type: string) => regs.filter((r) => r.custom && r.type === `b2c-identity:index:${type}`);
const provider = (regs: Registration[]) => of(regs, "IdentityProvider")[0].inputs;
const flow = (regs: Registration[]) => of(regs, "UserFlow")[0].inputs;
const keyNamed = (regs: Registration[], name: string) => of(regs, "TrustFrameworkKeySet").find((r) => r.inputs.name === name)?.inputs;
const withFlow = (s: SignIn, patch: Record<string, unknown>) => (s.userFlows = [{ name: "susi", identityProviders: ["WeChat"], ...patch }]);

const PROBES: Record<string, Probe> = {
  "identityProviders[i].type": { set: (s) => (s.identityProviders[0].type = "wechat"), reached: (r) => expect(provider(r).type).toBe("WeChat") },
  "identityProviders[i].clientId": {
    set: (s) => (delete s.identityProviders[0].appId, (s.identityProviders[0].clientId = "wx00000000000000c1")),
    reached: (r) => expect(provider(r).clientId).toBe("wx00000000000000c1"),
  },
  "identityProviders[i].appId": { set: (s) => (s.identityProviders[0].appId = "wx00000000000000a1"), reached: (r) => expect(provider(r).clientId).toBe("wx00000000000000a1") },
  "identityProviders[i].secretKey": {
    set: (s) => ((s.identityProviders[0].secretKey = "weixinKey"), { "b2c:weixinKey": "0000000000000000000000000000beef" }),
    reached: (r) => expect(provider(r).clientSecret).toBe("0000000000000000000000000000beef"),
  },
  "identityProviders[i].displayName": { set: (s) => (s.identityProviders[0].displayName = "微信"), reached: (r) => expect(provider(r).displayName).toBe("微信") },
  "identityProviders[i].adoptExisting": { set: (s) => (s.identityProviders[0].adoptExisting = true), reached: (r) => expect(provider(r).adoptExisting).toBe(true) },
  "identityProviders[i].policyKey": { set: (s) => (s.identityProviders[0].policyKey = true), reached: (r) => expect(keyNamed(r, "WeChatSecret")?.secret.value).toBe(KEY) },
  "userFlows[i].name": { set: (s) => withFlow(s, { name: "B2C_1_signin7" }), reached: (r) => expect(flow(r).name).toBe("B2C_1_signin7") },
  "userFlows[i].create": {
    set: (s) => withFlow(s, { create: false }),
    reached: (r) => {
      expect(of(r, "UserFlow")).toHaveLength(0);
      expect(of(r, "UserFlowIdentityProviderLink")[0].inputs.userFlowId).toBe("B2C_1_susi");
    },
  },
  "userFlows[i].userFlowType": { set: (s) => withFlow(s, { userFlowType: "passwordReset" }), reached: (r) => expect(flow(r).userFlowType).toBe("passwordReset") },
  "userFlows[i].userFlowTypeVersion": { set: (s) => withFlow(s, { userFlowTypeVersion: 1 }), reached: (r) => expect(flow(r).userFlowTypeVersion).toBe(1) },
  "userFlows[i].isLanguageCustomizationEnabled": {
    set: (s) => withFlow(s, { isLanguageCustomizationEnabled: true }),
    reached: (r) => expect(flow(r).isLanguageCustomizationEnabled).toBe(true),
  },
  "userFlows[i].defaultLanguageTag": { set: (s) => withFlow(s, { defaultLanguageTag: "zh-Hans" }), reached: (r) => expect(flow(r).defaultLanguageTag).toBe("zh-Hans") },
  "userFlows[i].testApplicationId": { set: (s) => withFlow(s, { testApplicationId: APP_GUID }), reached: (r) => expect(flow(r).testApplicationId).toBe(APP_GUID) },
  "userFlows[i].adoptExisting": { set: (s) => withFlow(s, { adoptExisting: true }), reached: (r) => expect(flow(r).adoptExisting).toBe(true) },
  "userFlows[i].identityProviders": {
    set: (s) => withFlow(s, { identityProviders: ["wechat"] }),
    reached: (r) => expect(of(r, "UserFlowIdentityProviderLink").map((a) => a.inputs.identityProviderId)).toEqual(["WeChat-OAUTH"]),
  },
  tokenKeys: { set: (s) => (s.tokenKeys = true), reached: (r) => expect(keyNamed(r, "TokenSigningKeyContainer")?.generate).toMatchObject({ keyType: "RSA", use: "sig" }) },
  tokenKeysRotateBeforeExpiryDays: {
    set: (s) => ((s.tokenKeys = true), (s.tokenKeysRotateBeforeExpiryDays = 45)),
    reached: (r) => {
      expect(keyNamed(r, "TokenSigningKeyContainer")?.generate.rotateBeforeExpiryDays).toBe(45);
      expect(keyNamed(r, "TokenEncryptionKeyContainer")?.generate.rotateBeforeExpiryDays).toBe(45);
    },
  },
  customDomain: { set: (s) => (s.customDomain = "login.contoso.com"), reached: (r) => expect(provider(r).customDomain).toBe("login.contoso.com") },
  expiryWarningDays: {
    set: (s) => ((s.expiryWarningDays = 12), (s.tokenKeys = true)),
    reached: (_r, warningDays) => expect(warningDays).toEqual([12, 12]),
  },
  "keySets[i]": {
    set: (s) => (s.keySets = [{ name: "B2C_1A_FacebookSecret", source: "generate", use: "sig", keyType: "oct" }]),
    reached: (r) => expect(keyNamed(r, "B2C_1A_FacebookSecret")?.generate).toMatchObject({ keyType: "oct", use: "sig" }),
  },
  customPolicies: {
    set: (s) => {
      s.keySets = ["TokenSigningKeyContainer", "TokenEncryptionKeyContainer", "FacebookSecret"].map((name, i) => ({ name, source: "generate", use: i === 1 ? "enc" : "sig", keyType: i === 2 ? "oct" : "RSA" }));
      s.customPolicies = { folder: policyFolder() };
    },
    registered: (r) => of(r, "TrustFrameworkPolicy").length > 0,
    reached: (r) => expect(of(r, "TrustFrameworkPolicy").map((p) => p.name)).toContain("custom-policies-B2C_1A_TrustFrameworkBase"),
  },
};

/** The ids Graph would give (mocks echo inputs): a provider's type id, a keyset's B2C_1A_ id. */
function graphIds(reg: Registration): Record<string, unknown> | undefined {
  if (reg.type.endsWith(":IdentityProvider")) return { identityProviderId: `${reg.inputs.type}-OAUTH` };
  if (reg.custom && reg.type.endsWith(":TrustFrameworkKeySet")) return { keySetId: String(reg.inputs.name).startsWith("B2C_1A_") ? reg.inputs.name : `B2C_1A_${reg.inputs.name}` };
  return undefined;
}

let folder: string | undefined;
/** The starter pack's SocialAccounts files with the IEF app ids filled in, as a folder (made once). */
function policyFolder(): string {
  return (folder ??= writeFilledStarterPack("b2c-readme-keys-"));
}
afterAll(() => folder && fs.rmSync(folder, { recursive: true, force: true }));

test("the README's b2c:socialSignIn keys are exactly the keys proven here", () => {
  expect(readmeKeys().sort()).toEqual(Object.keys(PROBES).sort());
});

test.each(Object.keys(PROBES))("b2c:socialSignIn %s reaches its component", async (key) => {
  const signIn: SignIn = { identityProviders: [{ type: "WeChat", appId: APP_ID }] };
  const returned = PROBES[key].set(signIn);
  // A probe needing more config (a secret key) returns it as an object.
  const extra = returned && typeof returned === "object" && !Array.isArray(returned) ? (returned as Record<string, string>) : {};
  const watch = jest.spyOn(expiryWarnings, "watchKeyExpiry");
  try {
    const { registrations } = await capture(() => stackProgram(), {
      config: { ...TENANT, "b2c:wechatAppKey": KEY, ...extra, "b2c:socialSignIn": JSON.stringify(signIn) },
      outputs: graphIds,
    });
    // Registrations keep arriving after capture settles; wait (bounded) for the late ones.
    for (let turns = 0; PROBES[key].registered && !PROBES[key].registered!(registrations) && turns < 600; turns++) await new Promise((r) => setTimeout(r, 50));
    PROBES[key].reached(registrations, watch.mock.calls.map((c) => c[2]));
  } finally {
    watch.mockRestore();
  }
});
