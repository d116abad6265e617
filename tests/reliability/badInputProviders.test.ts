// Issue 20 item 7, one level down: the same bad inputs given to each dynamic provider directly
// (as a program that builds the resource from values unknown at construction would reach it),
// through the serialized provider the engine runs, configured for the emulator. `check` must
// refuse each, naming the property and a fix, so the engine never calls `create`: the emulator's
// request log shows no Graph write, and no request at all.
import { PolicyKey } from "../../policyKeys/component";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";
import { B2CUserFlow } from "../../userFlows/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { AdoptedKeySet } from "../../policyKeys/adopted/component";
import { TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, startTestEmulator } from "../helpers/emulator";
import { wechatAppKey } from "../helpers/appKeys";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider, Registration } from "../helpers/pulumiHarness";
import { graphCalls } from "../helpers/requestLog";
import { makeCertificate, makePfx, WECHAT_APP_ID } from "./tenantFixture";

const WECHAT_KEY = wechatAppKey("provider bad input");
const SECRET = "policy-secret-value";
const POLICY = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contosob2c.onmicrosoft.com" PolicyId="B2C_1A_Bad" PublicPolicyUri="http://contosob2c.onmicrosoft.com/B2C_1A_Bad"><BuildingBlocks/></TrustFrameworkPolicy>`;

type Kind = "IdentityProvider" | "UserFlow" | "UserFlowIdentityProviderLink" | "TrustFrameworkKeySet" | "AdoptedTrustFrameworkKeySet" | "TrustFrameworkPolicy";

/** A valid resource of each kind (the plugin type it registers), registered by its component. */
const VALID: Record<Kind, () => unknown> = {
  // Adopting: the WeChat provider and the flow made below for the attachment's lookups exist
  // already, and an object that is not adopted is refused at check for that alone (README "Who owns what").
  IdentityProvider: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: WECHAT_KEY, displayName: "WeChat", adoptExisting: true }),
  UserFlow: () => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", defaultLanguageTag: "zh-Hans", adoptExisting: true }),
  UserFlowIdentityProviderLink: () => new UserFlowIdentityProvider("attach", { userFlowId: "B2C_1_susi", identityProviderId: "WeChat-OAUTH" }),
  TrustFrameworkKeySet: () => new PolicyKey("key", { name: "WeChatSecret", secret: { value: SECRET } }),
  AdoptedTrustFrameworkKeySet: () => new AdoptedKeySet("adopted", { name: "B2C_1A_Existing" }),
  TrustFrameworkPolicy: () => new TrustFrameworkPolicyResource("policy", { policyId: "B2C_1A_Bad", xml: POLICY }),
};

interface ProviderCase {
  name: string;
  kind: Kind;
  inputs: Record<string, unknown>;
  /** Texts the failure must contain: the property, and what identifies the problem or its fix. */
  names: string[];
  secret?: string;
}

const far = new Date("2100-01-01T00:00:00Z");
const CASES: ProviderCase[] = [
  { name: "client secret with a trailing newline", kind: "IdentityProvider", inputs: { clientSecret: `${WECHAT_KEY}\n` }, names: ["clientSecret", "trailing", "Remove it"], secret: WECHAT_KEY },
  { name: "client secret with a leading space", kind: "IdentityProvider", inputs: { clientSecret: ` ${WECHAT_KEY}` }, names: ["clientSecret", "leading"], secret: WECHAT_KEY },
  { name: "WeChat APP KEY that is not 32 hex digits", kind: "IdentityProvider", inputs: { clientSecret: "wechat-app-key-from-the-docs" }, names: ["clientSecret", "32 hex digits"], secret: "wechat-app-key-from-the-docs" },
  { name: "upper-case WeChat APP ID", kind: "IdentityProvider", inputs: { clientId: WECHAT_APP_ID.toUpperCase() }, names: ["clientId", "lower-case"] },
  { name: "display name with a line break", kind: "IdentityProvider", inputs: { displayName: "WeChat\nLogin" }, names: ["displayName", "U+000A"] },
  { name: "display name with a control character", kind: "IdentityProvider", inputs: { displayName: "WeChat\u0007" }, names: ["displayName", "U+0007"] },
  { name: "language tag B2C does not offer", kind: "UserFlow", inputs: { defaultLanguageTag: "en-GB" }, names: ["defaultLanguageTag", "not a language B2C offers"] },
  { name: "user flow name '..'", kind: "UserFlow", inputs: { name: ".." }, names: ["name", "letters, digits"] },
  { name: "identity provider id '.'", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "." }, names: ["identityProviderId", "dot segment"] },
  { name: "identity provider id '..'", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: ".." }, names: ["identityProviderId", "dot segment"] },
  { name: "identity provider id with a slash", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "WeChat-OAUTH/../x" }, names: ["identityProviderId", "contains '/'"] },
  { name: "identity provider id with a backslash", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "WeChat\\OAUTH" }, names: ["identityProviderId", "contains '\\'"] },
  { name: "identity provider id with a query", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "WeChat-OAUTH?x=1" }, names: ["identityProviderId", "contains '?'"] },
  { name: "identity provider id with a fragment", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "WeChat-OAUTH#x" }, names: ["identityProviderId", "contains '#'"] },
  { name: "identity provider id percent-encoded", kind: "UserFlowIdentityProviderLink", inputs: { identityProviderId: "%2e%2e" }, names: ["identityProviderId", "encoded dot segment"] },
  { name: "user flow id '..'", kind: "UserFlowIdentityProviderLink", inputs: { userFlowId: ".." }, names: ["userFlowId"] },
  { name: "keyset name '..'", kind: "TrustFrameworkKeySet", inputs: { name: ".." }, names: ["name", "letters, digits"] },
  { name: "keyset name with a slash", kind: "TrustFrameworkKeySet", inputs: { name: "B2C_1A_a/b" }, names: ["name"] },
  { name: "policy secret with a trailing newline", kind: "TrustFrameworkKeySet", inputs: { secret: { value: `${SECRET}\n` } }, names: ["secret.value", "trailing"], secret: SECRET },
  { name: "1-character policy secret", kind: "TrustFrameworkKeySet", inputs: { secret: { value: "x" } }, names: ["secret.value", "AADB2C90138"] },
  { name: "secret valid only from 2100", kind: "TrustFrameworkKeySet", inputs: { secret: { value: SECRET, notBefore: "2100-01-01" } }, names: ["secret.notBefore", "no active key"] },
  { name: "certificate valid only from 2100", kind: "TrustFrameworkKeySet", inputs: { secret: undefined, certificate: { value: makeCertificate(far) } }, names: ["certificate.value", "valid only from 2100"] },
  { name: "PFX valid only from 2100", kind: "TrustFrameworkKeySet", inputs: { secret: undefined, pkcs12: { value: makePfx("pw", true, far), password: "pw" } }, names: ["pkcs12.value", "valid only from 2100"] },
  { name: "adopted keyset name '..'", kind: "AdoptedTrustFrameworkKeySet", inputs: { name: ".." }, names: ["name"] },
  { name: "policy with a DOCTYPE", kind: "TrustFrameworkPolicy", inputs: { xmlPacked: undefined, xml: `<!DOCTYPE x>\n${POLICY}` }, names: ["xml", "<!DOCTYPE>"] },
  { name: "8 MB policy", kind: "TrustFrameworkPolicy", inputs: { xmlPacked: undefined, xml: POLICY.replace("<BuildingBlocks/>", `<!--${"x".repeat(8 * 1024 * 1024)}--><BuildingBlocks/>`) }, names: ["xml", "400 KB"] },
  { name: "policy id '..'", kind: "TrustFrameworkPolicy", inputs: { policyId: ".." }, names: ["policyId"] },
];

let emu: RunningEmulator;
const valid: Partial<Record<Kind, Registration>> = {};
beforeAll(async () => {
  emu = await startTestEmulator();
  // What the valid attachment's check looks up (plain ids name objects that exist).
  const idp = await graphFetch(emu, "POST", "/v1.0/identity/identityProviders", {
    "@odata.type": "microsoft.graph.socialIdentityProvider",
    displayName: "WeChat",
    identityProviderType: "WeChat",
    clientId: WECHAT_APP_ID,
    clientSecret: WECHAT_KEY,
  });
  const flow = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "B2C_1_susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  expect([idp.status, flow.status]).toEqual([201, 201]);
  for (const kind of Object.keys(VALID) as Kind[]) {
    const { registrations } = await capture(VALID[kind]);
    valid[kind] = registrations.find((r) => r.custom && r.type.endsWith(`:${kind}`));
    if (!valid[kind]) throw new Error(`no ${kind} registered`);
  }
});
afterAll(() => emu.stop());

test("each valid resource passes check (so each case below fails because of its one change)", async () => {
  for (const kind of Object.keys(VALID) as Kind[]) {
    const provider = await loadProvider(valid[kind]!.type, emulatorStackConfig(emu));
    const checked = await provider.check!({}, valid[kind]!.inputs);
    expect([kind, checked.failures ?? []]).toEqual([kind, []]);
  }
});

test.each(CASES.map((c) => [c.name, c] as const))("%s: the provider's check refuses it, before any Graph call", async (_name, c) => {
  const provider = await loadProvider(valid[c.kind]!.type, emulatorStackConfig(emu));
  emu.clearRequestLog();
  const error = await checkAndCreate(provider, { ...valid[c.kind]!.inputs, ...c.inputs }).then(
    () => new Error("created"),
    (e: unknown) => e as Error,
  );
  expect(error.message).toMatch(/^check failed: /);
  for (const text of c.names) expect(error.message).toContain(text);
  if (c.secret) expect(error.message).not.toContain(c.secret);
  expect(graphCalls(emu.requestLog())).toEqual([]);
});
