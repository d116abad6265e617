// Issue 7 item 2: the bad-input matrix. Every invalid configuration must fail "at preview": while
// the program is constructed, or in a provider's `check` (see `preview` in tenantFixture: the
// program runs under mocks, each of the plugin's resources goes to the check of the implementation
// the plugin serves for its type, nothing is ever created). The message must name the argument or config key to fix, and the failing run
// must make no Graph write (reads, e.g. the available provider types or the flow lookup of an
// attachment-only flow, are allowed).
// Where a check can only be made against the tenant, it is a read in `check`: the tenant mode
// (availableProviderTypes) and a user flow that is only attached to (`create: false`): a plain
// flow name makes the attachment look the flow up in preview (one GET), so a missing one fails
// before its identity provider is created.
import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import { PolicyKey, PolicyKeyArgs } from "../../policyKeys/component";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";
import { B2CUserFlow } from "../../userFlows/component";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { UserFlowIdentityProvider } from "../../attachments/component";
import { WeChatSecretKey } from "../../api";
import { TrustFrameworkPolicySet } from "../../customPolicies/component";
import { readStarterPack } from "../policies/starterPack";
import { graphFetch, startTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { graphCalls } from "../helpers/requestLog";
import { AdoptedKeySet } from "../../policyKeys/adopted/component";
import { wechatAppKey } from "../helpers/appKeys";
import { makeCertificate, makePfx, nodeGlobal, preview, QQ_APP_ID, stackProgram, TEST_APP_ID, tenantStackConfig, WECHAT_APP_ID, writeLines } from "./tenantFixture";

const SIGN_IN = "b2c:socialSignIn";
/** Words of a fix: every refusal says what to give instead (or what to do). */
const FIX = /\b(must|give|use|set|remove|delete|choose|copy|export|upload|leave|split|quote|describe|create|did you mean|expected|declared|is required|is not set|is not one of|exactly one|listed twice|already declared|does not exist|was not found|not available|https)\b/i;
const P = `${SIGN_IN}.identityProviders`;
const F = `${SIGN_IN}.userFlows`;

interface SignIn {
  identityProviders?: any;
  userFlows?: any;
  tokenKeys?: any;
}

/** The valid tenant (the one the fault matrix deploys), to be spoiled by one change per case. */
function validSignIn(): SignIn {
  return {
    identityProviders: [
      { type: "WeChat", appId: WECHAT_APP_ID, displayName: "WeChat", policyKey: true },
      { type: "QQ", clientId: QQ_APP_ID, policyKey: true },
    ],
    userFlows: [
      { name: "signupsignin", identityProviders: ["WeChat", "QQ"], testApplicationId: TEST_APP_ID },
      { name: "signin", userFlowType: "signIn", identityProviders: ["WeChat"] },
    ],
  };
}

interface BadInput {
  /** What is wrong, for the test title. */
  name: string;
  /** Spoils `b2c:socialSignIn` (index.ts program). */
  signIn?: (s: SignIn) => void;
  /** Other stack config changes (undefined removes the key). */
  config?: Record<string, string | undefined>;
  /** A program of its own instead of index.ts (components used directly). */
  program?: () => unknown;
  /** Texts the error message must contain: the argument or config key, and what else identifies the problem. */
  names: string[];
  /** Run against a workforce (non-B2C) tenant. */
  workforce?: boolean;
  /** A secret the case gives: the message must not contain it (shape errors show length and first two characters). */
  secret?: string;
}

const longName = "x".repeat(65);
const PFX = makePfx("pfx-pass");
const PFX_NO_KEY = makePfx("pfx-pass", false);
const CER = makeCertificate();
const PAST = "2020-01-01T00:00:00Z";
const YEAR_2100 = new Date("2100-01-01T00:00:00Z");
const WECHAT_KEY = wechatAppKey("bad-input wechat");
const QQ_KEY = "qq-app-key-0123";
const FAR_CER = makeCertificate(YEAR_2100);
const FAR_PFX = makePfx("pfx-pass", true, YEAR_2100);
const POLICY_SECRET = "policy-secret-value";

function attach(identityProviderId: string, userFlowId = "susi"): () => unknown {
  return () => new UserFlowIdentityProvider("attach", { userFlowId, identityProviderId });
}

/** The starter pack with one file's XML changed. */
function spoiled(fileName: string, change: (xml: string) => string): () => unknown {
  return policySet(starterPack().map((f) => (f.fileName === fileName ? { ...f, xml: change(f.xml) } : f)));
}
/** A policy padded with a comment to `bytes` in all. */
const padded = (bytes: number) => (xml: string) => xml.replace("</TrustFrameworkPolicy>", `<!--${"x".repeat(Math.max(0, bytes - xml.length))}--></TrustFrameworkPolicy>`);

function policyKey(args: Partial<PolicyKeyArgs>): () => unknown {
  return () => new PolicyKey("bad-key", { name: "WeChatSecret", ...args } as PolicyKeyArgs);
}

function policySet(files: { fileName: string; xml: string }[]): () => unknown {
  return () =>
    new TrustFrameworkPolicySet("policies", {
      policies: files,
      identityExperienceFrameworkAppId: "22222222-2222-2222-2222-222222222222",
      proxyIdentityExperienceFrameworkAppId: "33333333-3333-3333-3333-333333333333",
      existingKeySetIds: ["B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer", "B2C_1A_FacebookSecret"],
    });
}

const starterPack = () => readStarterPack("SocialAccounts");

const CASES: BadInput[] = [
  // identity providers
  { name: "unknown provider type", signIn: (s) => (s.identityProviders[1].type = "QQQ"), names: [`${P}[1].type`, "unknown identity provider type 'QQQ'"] },
  { name: "provider type missing", signIn: (s) => delete s.identityProviders[1].type, names: [`${P}[1].type`, "is required"] },
  { name: "provider type not a string", signIn: (s) => (s.identityProviders[0].type = 42), names: [`${P}[0].type`] },
  { name: "empty appId", signIn: (s) => (s.identityProviders[0].appId = ""), names: [`${P}[0].appId`, "non-empty"] },
  { name: "whitespace appId", signIn: (s) => (s.identityProviders[0].appId = "   "), names: [`${P}[0].appId`, "non-empty"] },
  { name: "no appId / clientId", signIn: (s) => delete s.identityProviders[0].appId, names: [`${P}[0].clientId`, "is required"] },
  { name: "clientId with a space inside", signIn: (s) => (s.identityProviders[1].clientId = "101 000"), names: [`${P}[1].clientId`, "whitespace"] },
  { name: "empty APP KEY", config: { "b2c:wechatAppKey": "" }, names: ["b2c:wechatAppKey", "blank"] },
  { name: "whitespace APP KEY", config: { "b2c:qqAppKey": " \t " }, names: ["b2c:qqAppKey", "blank"] },
  { name: "missing APP KEY secret key", config: { "b2c:qqAppKey": undefined }, names: ["b2c:qqAppKey", "is not set", `${P}[1]`] },
  { name: "secretKey naming a config key that is not set", signIn: (s) => (s.identityProviders[0].secretKey = "weixinAppKey"), names: ["b2c:weixinAppKey", "is not set"] },
  { name: "empty display name", signIn: (s) => (s.identityProviders[0].displayName = ""), names: [`${P}[0].displayName`] },
  { name: "whitespace display name", signIn: (s) => (s.identityProviders[0].displayName = "  "), names: [`${P}[0].displayName`] },
  { name: "display name of 257 characters", signIn: (s) => (s.identityProviders[0].displayName = "微".repeat(257)), names: [`${P}[0].displayName`, "256"] },
  { name: "duplicate provider type", signIn: (s) => s.identityProviders.push({ type: "wechat", appId: "wx-other" }), names: [`${P}[2].type`, "listed twice"] },
  { name: "no identity providers", signIn: (s) => (s.identityProviders = []), names: [`${P}:`, "at least one"] },
  { name: "identityProviders not a list", signIn: (s) => (s.identityProviders = { type: "WeChat" }), names: [`${P}:`] },
  { name: "policyKey not a boolean", signIn: (s) => (s.identityProviders[0].policyKey = "yes"), names: [`${P}[0].policyKey`] },
  { name: "adoptExisting not a boolean", signIn: (s) => (s.identityProviders[1].adoptExisting = "true"), names: [`${P}[1].adoptExisting`] },
  // user flows
  { name: "user flow referencing an undeclared provider", signIn: (s) => s.userFlows[0].identityProviders.push("Google"), names: [`${F}[0].identityProviders[2]`, "'Google'"] },
  { name: "user flow with no providers", signIn: (s) => (s.userFlows[1].identityProviders = []), names: [`${F}[1].identityProviders`] },
  { name: "bad user flow type", signIn: (s) => (s.userFlows[1].userFlowType = "signUpAndSignIn"), names: [`${F}[1].userFlowType`, "signUpAndSignIn"] },
  { name: "bad user flow name", signIn: (s) => (s.userFlows[0].name = "sign up!"), names: [`${F}[0].name`] },
  { name: "user flow name of 65 characters", signIn: (s) => (s.userFlows[0].name = longName), names: [`${F}[0].name`] },
  { name: "user flow name missing", signIn: (s) => delete s.userFlows[1].name, names: [`${F}[1].name`] },
  { name: "the same user flow twice (with and without B2C_1_)", signIn: (s) => (s.userFlows[1].name = "B2C_1_signupsignin"), names: [`${F}[1].name`, "twice"] },
  { name: "user flow version 0", signIn: (s) => (s.userFlows[0].userFlowTypeVersion = 0), names: [`${F}[0].userFlowTypeVersion`] },
  { name: "user flow version as text", signIn: (s) => (s.userFlows[0].userFlowTypeVersion = "3"), names: [`${F}[0].userFlowTypeVersion`] },
  { name: "bad language tag", signIn: (s) => (s.userFlows[0].defaultLanguageTag = "english!"), names: [`${F}[0].defaultLanguageTag`] },
  { name: "test application id not a GUID", signIn: (s) => (s.userFlows[0].testApplicationId = "jwt.ms"), names: [`${F}[0].testApplicationId`] },
  { name: "isLanguageCustomizationEnabled not a boolean", signIn: (s) => (s.userFlows[0].isLanguageCustomizationEnabled = "yes"), names: [`${F}[0].isLanguageCustomizationEnabled`] },
  { name: "create not a boolean", signIn: (s) => (s.userFlows[1].create = "no"), names: [`${F}[1].create`] },
  { name: "userFlows not a list", signIn: (s) => (s.userFlows = { name: "signin" }), names: [`${F}:`, "must be a list"] },
  { name: "tokenKeys not a boolean", signIn: (s) => (s.tokenKeys = "yes"), names: [`${SIGN_IN}.tokenKeys`] },
  {
    name: "attachment-only flow (create: false) that does not exist",
    signIn: (s) => s.userFlows.push({ name: "legacy", create: false, identityProviders: ["QQ"] }),
    names: ["userFlowId", "user flow B2C_1_legacy does not exist"],
  },
  // stack configuration
  { name: "b2c:socialSignIn missing", config: { [SIGN_IN]: undefined }, names: [`${SIGN_IN}:`, "is not set"] },
  { name: "b2c:socialSignIn not JSON", config: { [SIGN_IN]: "WeChat" }, names: [`'${SIGN_IN}'`, "JSON"] },
  { name: "missing credentials (no b2c:clientSecret)", config: { "b2c:clientSecret": undefined }, names: ["b2c:clientSecret"] },
  { name: "client secret without client id", config: { "b2c:clientId": undefined }, names: ["b2c:clientId"] },
  { name: "missing tenant", config: { "b2c:tenantId": undefined }, names: ["b2c:tenantId", "No B2C tenant"] },
  { name: "tenant neither GUID nor domain", config: { "b2c:tenantId": "contoso" }, names: ["b2c:tenantId", "'contoso'"] },
  { name: "unknown cloud", config: { "b2c:cloud": "AzureMars" }, names: ["b2c:cloud", "AzureMars"] },
  { name: "graphEndpoint not a URL", config: { "b2c:graphEndpoint": "graph.local" }, names: ["b2c:graphEndpoint", "not a URL"] },
  { name: "graphEndpoint over http", config: { "b2c:graphEndpoint": "http://127.0.0.1:1" }, names: ["b2c:graphEndpoint", "https"] },
  { name: "workforce tenant instead of B2C", workforce: true, names: ["type", "WeChat identity providers are not available", "b2c:tenantId"] },
  // components used directly
  { name: "PolicyKey: conflicting key sources", program: policyKey({ secret: { value: POLICY_SECRET }, generate: { keyType: "RSA", use: "sig" } }), names: ["secret|generate", "exactly one"] },
  { name: "PolicyKey: no key source", program: policyKey({}), names: ["secret|generate|certificate|pkcs12"] },
  { name: "PolicyKey: secret expiry in the past", program: policyKey({ secret: { value: POLICY_SECRET, expiresOn: PAST } }), names: ["secret.expiresOn", "in the past"] },
  { name: "PolicyKey: generated key expiry in the past (Date)", program: policyKey({ generate: { keyType: "RSA", use: "sig", expiresOn: new Date(PAST) } }), names: ["generate.expiresOn"] },
  {
    name: "PolicyKey: activation after expiry",
    program: policyKey({ secret: { value: POLICY_SECRET, notBefore: "2031-01-01", expiresOn: "2030-01-01" } }),
    names: ["secret.notBefore", "before secret.expiresOn"],
  },
  { name: "PolicyKey: keyset name with a space", program: () => new PolicyKey("bad-key", { name: "WeChat Secret", secret: { value: POLICY_SECRET } }), names: ["name:"] },
  { name: "PolicyKey: generated key type EC", program: policyKey({ generate: { keyType: "EC" as any, use: "sig" } }), names: ["generate.keyType"] },
  { name: "PolicyKey: secret as an RSA key", program: policyKey({ secret: { value: POLICY_SECRET, keyType: "RSA" as any } }), names: ["secret.keyType"] },
  { name: "PolicyKey: empty pfx password", program: policyKey({ pkcs12: { value: Buffer.alloc(96, 0x30).toString("base64"), password: "" } }), names: ["pkcs12.password"] },
  { name: "PolicyKey: secret from an Output that resolves blank", program: policyKey({ secret: { value: pulumi.output("   ") } }), names: ["secret.value", "non-empty"] },
  { name: "WeChatIdentityProvider: empty APP KEY", program: () => new WeChatIdentityProvider("wechat", { appId: "wx1", appKey: "" }), names: ["appKey"] },
  { name: "QQIdentityProvider: whitespace APP ID", program: () => new QQIdentityProvider("qq", { appId: "  ", appKey: QQ_KEY }), names: ["appId"] },
  // issue 12: bad input that used to reach Graph
  { name: "PolicyKey: PFX with the wrong password", program: policyKey({ pkcs12: { value: PFX, password: "not-the-password" } }), names: ["pkcs12.password", "does not open the .pfx"] },
  { name: "PolicyKey: a .cer given as PKCS#12", program: policyKey({ pkcs12: { value: CER, password: "pw" } }), names: ["pkcs12.value", "X.509 certificate (.cer/.crt)", "certificate: { value }"] },
  { name: "PolicyKey: PFX without its private key", program: policyKey({ pkcs12: { value: PFX_NO_KEY, password: "pfx-pass" } }), names: ["pkcs12.value", "no private key"] },
  { name: "PolicyKey: PFX password from an Output that resolves wrong", program: policyKey({ pkcs12: { value: PFX, password: pulumi.output("wrong") } }), names: ["pkcs12.password", "does not open"] },
  { name: "WeChat APP ID too short", signIn: (s) => (s.identityProviders[0].appId = "wx123"), names: [`${P}[0].appId`, "'wx' followed by 16 hex digits"] },
  { name: "WeChat APP ID with 17 hex digits", signIn: (s) => (s.identityProviders[0].appId = "wx0123456789abcdef0"), names: [`${P}[0].appId`, "16 hex digits"] },
  { name: "WeChat APP ID without wx", signIn: (s) => (s.identityProviders[0].appId = "0123456789abcdef01"), names: [`${P}[0].appId`, "not a WeChat APP ID"] },
  { name: "WeChat APP ID given a QQ APP ID", signIn: (s) => (s.identityProviders[0].appId = QQ_APP_ID), names: [`${P}[0].appId`, "not a WeChat APP ID"] },
  { name: "QQ APP ID with letters", signIn: (s) => (s.identityProviders[1].clientId = "qq-app"), names: [`${P}[1].clientId`, "digits only"] },
  { name: "QQ APP ID given the WeChat APP ID", signIn: (s) => (s.identityProviders[1].clientId = WECHAT_APP_ID), names: [`${P}[1].clientId`, "not a QQ APP ID"] },
  { name: "WeChatIdentityProvider: APP ID of the wrong shape", program: () => new WeChatIdentityProvider("wechat", { appId: "wx1", appKey: WECHAT_KEY }), names: ["appId", "16 hex digits"] },
  { name: "QQIdentityProvider: APP ID of the wrong shape", program: () => new QQIdentityProvider("qq", { appId: "abc", appKey: QQ_KEY }), names: ["appId", "digits only"] },
  { name: "user flow version 99", signIn: (s) => (s.userFlows[0].userFlowTypeVersion = 99), names: [`${F}[0].userFlowTypeVersion`, "one of 1, 2, 3"] },
  { name: "user flow version 4", signIn: (s) => (s.userFlows[1].userFlowTypeVersion = 4), names: [`${F}[1].userFlowTypeVersion`] },
  { name: "B2CUserFlow: version 99", program: () => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 99 }), names: ["userFlowTypeVersion", "99"] },
  {
    name: "the same keyset declared twice (with and without B2C_1A_)",
    program: () => [new PolicyKey("a", { name: "WeChatSecret", secret: { value: POLICY_SECRET } }), new PolicyKey("b", { name: "B2C_1A_wechatsecret", secret: { value: POLICY_SECRET } })],
    names: ['PolicyKey "b"', 'policy key container B2C_1A_wechatsecret is already declared by PolicyKey "a"'],
  },
  {
    name: "the same keyset twice: a preset and b2c:socialSignIn's policyKey",
    program: () => [stackProgram(), new WeChatSecretKey("extra", { appKey: WECHAT_KEY })],
    names: ["B2C_1A_WeChatSecret is already declared by"],
  },
  {
    name: "the same identity provider type declared twice (components)",
    program: () => [new WeChatIdentityProvider("a", { appId: WECHAT_APP_ID, appKey: WECHAT_KEY }), new SocialIdentityProvider("b", { type: "wechat", clientId: WECHAT_APP_ID, clientSecret: WECHAT_KEY })],
    names: ['SocialIdentityProvider "b"', "identity provider type WeChat is already declared by", '"a"'],
  },
  {
    name: "the same user flow declared twice (components)",
    program: () => [new B2CUserFlow("one", { name: "susi", userFlowType: "signUpOrSignIn" }), new B2CUserFlow("two", { name: "B2C_1_SUSI", userFlowType: "signIn" })],
    names: ['B2CUserFlow "two"', 'user flow B2C_1_SUSI is already declared by B2CUserFlow "one"'],
  },
  {
    name: "attaching an identity provider that does not exist",
    program: () => {
      const flow = new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn" });
      return new UserFlowIdentityProvider("susi-nope", { userFlowId: flow.userFlowId, identityProviderId: "Nope-OAUTH" });
    },
    names: ["identityProviderId", "identity provider Nope-OAUTH does not exist"],
  },
  { name: "a tenant GUID that is not this tenant", config: { "b2c:tenantId": "0f0f0f0f-1111-2222-3333-444444444444" }, names: ["b2c:tenantId", "was not found"] },
  { name: "retry budget over an hour", config: { "b2c:retryBudgetSeconds": "7200" }, names: ["b2c:retryBudgetSeconds", "3600"] },
  { name: "PolicyKey: PFX that is a base64 text file", program: policyKey({ pkcs12: { value: Buffer.from("0".repeat(40) + " not DER at all").toString("base64"), password: "pw" } }), names: ["pkcs12.value"] },
  { name: "retry budget not a number", config: { "b2c:retryBudgetSeconds": "soon" }, names: ["b2c:retryBudgetSeconds", "'soon'"] },
  { name: "retry budget of 0", config: { "b2c:retryBudgetSeconds": "0" }, names: ["b2c:retryBudgetSeconds"] },
  // issue 20: bad inputs that reached the tenant, and ids that would change a URL's path.
  // APP KEYs (stack config): whitespace around them, the WeChat AppSecret shape.
  { name: "WeChat APP KEY with a trailing newline", config: { "b2c:wechatAppKey": `${WECHAT_KEY}\n` }, names: ["b2c:wechatAppKey", "trailing whitespace or line break", "Remove it"], secret: WECHAT_KEY },
  { name: "WeChat APP KEY with a trailing CRLF", config: { "b2c:wechatAppKey": `${WECHAT_KEY}\r\n` }, names: ["b2c:wechatAppKey", "line break"], secret: WECHAT_KEY },
  { name: "WeChat APP KEY with a leading space", config: { "b2c:wechatAppKey": ` ${WECHAT_KEY}` }, names: ["b2c:wechatAppKey", "a leading whitespace", "Remove it"], secret: WECHAT_KEY },
  { name: "WeChat APP KEY with a trailing tab", config: { "b2c:wechatAppKey": `${WECHAT_KEY}\t` }, names: ["b2c:wechatAppKey", "trailing"], secret: WECHAT_KEY },
  { name: "QQ APP KEY with a trailing newline", config: { "b2c:qqAppKey": `${QQ_KEY}\n` }, names: ["b2c:qqAppKey", "trailing", "Remove it"], secret: QQ_KEY },
  { name: "QQ APP KEY with a leading space", config: { "b2c:qqAppKey": ` ${QQ_KEY}` }, names: ["b2c:qqAppKey", "leading"], secret: QQ_KEY },
  { name: "WeChat APP KEY of 31 hex digits", config: { "b2c:wechatAppKey": WECHAT_KEY.slice(1) }, names: ["b2c:wechatAppKey", "32 hex digits", "31 characters"], secret: WECHAT_KEY.slice(1) },
  { name: "WeChat APP KEY of 33 hex digits", config: { "b2c:wechatAppKey": `${WECHAT_KEY}0` }, names: ["b2c:wechatAppKey", "32 hex digits"], secret: `${WECHAT_KEY}0` },
  { name: "WeChat APP KEY with a non-hex letter", config: { "b2c:wechatAppKey": `g${WECHAT_KEY.slice(1)}` }, names: ["b2c:wechatAppKey", "not a WeChat APP KEY"], secret: `g${WECHAT_KEY.slice(1)}` },
  { name: "WeChat APP KEY given the APP ID", config: { "b2c:wechatAppKey": WECHAT_APP_ID }, names: ["b2c:wechatAppKey", "not the APP ID"] },
  { name: "WeChat APP KEY in base64", config: { "b2c:wechatAppKey": Buffer.from(WECHAT_KEY, "hex").toString("base64") }, names: ["b2c:wechatAppKey", "32 hex digits"] },
  // APP IDs: WeChat's are lower-case.
  { name: "upper-case WeChat APP ID", signIn: (s) => (s.identityProviders[0].appId = WECHAT_APP_ID.toUpperCase()), names: [`${P}[0].appId`, "lower-case", `'${WECHAT_APP_ID}'`] },
  { name: "mixed-case WeChat APP ID", signIn: (s) => (s.identityProviders[0].appId = "wx5E1AB1e0000c0de1"), names: [`${P}[0].appId`, "lower-case"] },
  { name: "WeChatIdentityProvider: upper-case APP ID", program: () => new WeChatIdentityProvider("wechat", { appId: "WX0123456789ABCDEF", appKey: WECHAT_KEY }), names: ["appId", "lower-case"] },
  // display names: one line of printable text
  { name: "display name with a line break", signIn: (s) => (s.identityProviders[0].displayName = "WeChat\nLogin"), names: [`${P}[0].displayName`, "U+000A", "remove the line break"] },
  { name: "display name with CRLF", signIn: (s) => (s.identityProviders[0].displayName = "WeChat\r\n"), names: [`${P}[0].displayName`, "U+000D"] },
  { name: "display name with a tab", signIn: (s) => (s.identityProviders[0].displayName = "We\tChat"), names: [`${P}[0].displayName`, "U+0009"] },
  { name: "display name with a NUL", signIn: (s) => (s.identityProviders[0].displayName = "WeChat\u0000"), names: [`${P}[0].displayName`, "U+0000"] },
  { name: "display name with DEL", signIn: (s) => (s.identityProviders[0].displayName = "We\u007fChat"), names: [`${P}[0].displayName`, "U+007F"] },
  { name: "display name with a line separator (U+2028)", signIn: (s) => (s.identityProviders[0].displayName = "微信\u2028WeChat"), names: [`${P}[0].displayName`, "U+2028"] },
  { name: "display name with an escape character", signIn: (s) => (s.identityProviders[1].displayName = "QQ\u001b[31m"), names: [`${P}[1].displayName`, "U+001B"] },
  { name: "display name with a leading space", signIn: (s) => (s.identityProviders[0].displayName = " WeChat"), names: [`${P}[0].displayName`, "remove the spaces"] },
  { name: "WeChatIdentityProvider: display name with a line break", program: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: WECHAT_KEY, displayName: "a\nb" }), names: ["displayName", "U+000A"] },
  // APP KEYs given to components
  { name: "WeChatIdentityProvider: APP KEY with a trailing newline", program: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: `${WECHAT_KEY}\n` }), names: ["appKey", "trailing"], secret: WECHAT_KEY },
  { name: "WeChatIdentityProvider: APP KEY of 16 hex digits", program: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: WECHAT_KEY.slice(0, 16) }), names: ["appKey", "32 hex digits", "16 characters"], secret: WECHAT_KEY.slice(0, 16) },
  { name: "WeChatIdentityProvider: APP KEY from an Output with a trailing newline", program: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: pulumi.secret(`${WECHAT_KEY}\n`) }), names: ["appKey", "trailing"], secret: WECHAT_KEY },
  { name: "WeChatIdentityProvider: APP KEY from an Output of the wrong shape", program: () => new WeChatIdentityProvider("wechat", { appId: WECHAT_APP_ID, appKey: pulumi.secret("not-a-wechat-key") }), names: ["appKey", "32 hex digits"], secret: "not-a-wechat-key" },
  { name: "QQIdentityProvider: APP KEY with a leading space", program: () => new QQIdentityProvider("qq", { appId: QQ_APP_ID, appKey: ` ${QQ_KEY}` }), names: ["appKey", "leading"], secret: QQ_KEY },
  { name: "SocialIdentityProvider: client secret with a trailing newline", program: () => new SocialIdentityProvider("google", { type: "Google", clientId: "google-client", clientSecret: "google-secret-value\n" }), names: ["clientSecret", "trailing"], secret: "google-secret-value" },
  // policy secrets
  { name: "PolicyKey: secret with a trailing newline", program: policyKey({ secret: { value: `${POLICY_SECRET}\n` } }), names: ["secret.value", "trailing", "Remove it"], secret: POLICY_SECRET },
  { name: "PolicyKey: secret with a leading space", program: policyKey({ secret: { value: ` ${POLICY_SECRET}` } }), names: ["secret.value", "leading"], secret: POLICY_SECRET },
  { name: "PolicyKey: 1-character secret (AADB2C90138)", program: policyKey({ secret: { value: "x" } }), names: ["secret.value", "1 character long", "AADB2C90138", "at least 8 characters"] },
  { name: "PolicyKey: 7-character secret", program: policyKey({ secret: { value: "1234567" } }), names: ["secret.value", "7 characters long"] },
  { name: "PolicyKey: secret from an Output that resolves to 2 characters", program: policyKey({ secret: { value: pulumi.secret("ab") } }), names: ["secret.value", "AADB2C90138"] },
  { name: "WeChatSecretKey: APP KEY with a trailing newline", program: () => new WeChatSecretKey("wechat", { appKey: `${WECHAT_KEY}\n` }), names: ["appKey", "trailing"], secret: WECHAT_KEY },
  { name: "PolicyKey: secret valid only from 2100", program: policyKey({ secret: { value: POLICY_SECRET, notBefore: "2100-01-01" } }), names: ["secret.notBefore", "2100-01-01", "no active key", "Leave notBefore out"] },
  { name: "PolicyKey: secret active in 400 days", program: policyKey({ secret: { value: POLICY_SECRET, notBefore: new Date(Date.now() + 400 * 86_400_000) } }), names: ["secret.notBefore", "more than a year"] },
  { name: "PolicyKey: generated key valid only from 2100", program: policyKey({ generate: { keyType: "RSA", use: "sig", notBefore: YEAR_2100 } }), names: ["generate.notBefore", "no active key"] },
  { name: "PolicyKey: certificate valid only from 2100", program: policyKey({ certificate: { value: FAR_CER } }), names: ["certificate.value", "valid only from 2100", "valid now"] },
  { name: "PolicyKey: PFX whose certificate is valid only from 2100", program: policyKey({ pkcs12: { value: FAR_PFX, password: "pfx-pass" } }), names: ["pkcs12.value", "valid only from 2100"] },
  // language tags B2C offers
  { name: "language tag B2C does not offer (en-GB)", signIn: (s) => (s.userFlows[0].defaultLanguageTag = "en-GB"), names: [`${F}[0].defaultLanguageTag`, "not a language B2C offers", "'en'"] },
  { name: "language tag zh-CN (B2C says zh-hans)", signIn: (s) => (s.userFlows[0].defaultLanguageTag = "zh-CN"), names: [`${F}[0].defaultLanguageTag`, "'zh-hans' or 'zh-hant'"] },
  { name: "language tag Welsh (cy)", signIn: (s) => (s.userFlows[0].defaultLanguageTag = "cy"), names: [`${F}[0].defaultLanguageTag`, "language-customization#supported-languages"] },
  { name: "language tag pt without region", signIn: (s) => (s.userFlows[1].defaultLanguageTag = "pt"), names: [`${F}[1].defaultLanguageTag`, "'pt-br' or 'pt-pt'"] },
  { name: "B2CUserFlow: language tag xx", program: () => new B2CUserFlow("susi", { name: "susi", userFlowType: "signUpOrSignIn", defaultLanguageTag: "xx" }), names: ["defaultLanguageTag", "'xx'"] },
  // ids that are dot segments or hold separators
  ...[".", "..", "WeChat-OAUTH/..", "WeChat-OAUTH\\x", "WeChat-OAUTH?$select=id", "WeChat-OAUTH#x", "%2e%2e", "WeChat%2FOAUTH"].map(
    (id): BadInput => ({ name: `attachment: identity provider id ${JSON.stringify(id)}`, program: attach(id), names: ["identityProviderId", "must be an identity provider id"] }),
  ),
  { name: "attachment: user flow id '..'", program: attach("WeChat-OAUTH", ".."), names: ["userFlowId", "must name a user flow"] },
  { name: "attachment: user flow id 'a/b'", program: attach("WeChat-OAUTH", "a/b"), names: ["userFlowId"] },
  { name: "user flow name '.'", signIn: (s) => (s.userFlows[0].name = "."), names: [`${F}[0].name`, "letters, digits"] },
  { name: "user flow name '..'", signIn: (s) => (s.userFlows[0].name = ".."), names: [`${F}[0].name`] },
  { name: "user flow name with a slash", signIn: (s) => (s.userFlows[1].name = "sign/in"), names: [`${F}[1].name`] },
  { name: "B2CUserFlow: name with a backslash", program: () => new B2CUserFlow("susi", { name: "sign\\in", userFlowType: "signUpOrSignIn" }), names: ["name:"] },
  ...["..", ".", "B2C_1A_..", "a/../b", "Key?x=1", "Key#x", "a\\b", "%2e%2e"].map(
    (name): BadInput => ({ name: `PolicyKey: keyset name ${JSON.stringify(name)}`, program: () => new PolicyKey("bad-key", { name, secret: { value: POLICY_SECRET } }), names: ["name:", "letters, digits"] }),
  ),
  { name: "AdoptedKeySet: name '..'", program: () => new AdoptedKeySet("adopted", { name: ".." }), names: ["name:", "keyset name"] },
  { name: "AdoptedKeySet: name with a slash", program: () => new AdoptedKeySet("adopted", { name: "B2C_1A_a/b" }), names: ["name:"] },
  // custom policy documents
  { name: "TrustFrameworkPolicySet: policy with a DOCTYPE", program: spoiled("TrustFrameworkExtensions.xml", (x) => x.replace("<TrustFrameworkPolicy", "<!DOCTYPE TrustFrameworkPolicy>\n<TrustFrameworkPolicy")), names: ["TrustFrameworkExtensions.xml", "<!DOCTYPE>", "delete the"] },
  { name: "TrustFrameworkPolicySet: DOCTYPE with an entity (billion laughs)", program: spoiled("TrustFrameworkBase.xml", (x) => x.replace("<TrustFrameworkPolicy", '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<TrustFrameworkPolicy')), names: ["TrustFrameworkBase.xml", "<!DOCTYPE>"] },
  { name: "TrustFrameworkPolicySet: 8 MB policy", program: spoiled("TrustFrameworkBase.xml", padded(8 * 1024 * 1024)), names: ["TrustFrameworkBase.xml", "KB, over B2C's limit of 400 KB", "split it"] },
  { name: "TrustFrameworkPolicySet: policy of 401 KB", program: spoiled("TrustFrameworkExtensions.xml", padded(401 * 1024)), names: ["TrustFrameworkExtensions.xml", "over B2C's limit of 400 KB"] },
  // custom policies
  {
    name: "TrustFrameworkPolicySet: malformed XML",
    program: policySet(starterPack().map((f) => (f.fileName === "TrustFrameworkExtensions.xml" ? { ...f, xml: f.xml.replace("</BasePolicy>", "</BasePolcy>") } : f))),
    names: ["TrustFrameworkExtensions.xml:", "not well-formed"],
  },
  {
    name: "TrustFrameworkPolicySet: missing base policy",
    program: policySet(starterPack().filter((f) => f.fileName !== "TrustFrameworkBase.xml")),
    names: ["TrustFrameworkLocalization.xml:", "BasePolicy B2C_1A_TrustFrameworkBase is neither in this policy set nor in the tenant"],
  },
];

// Settings read from the environment when stack config lacks them: none may mask a missing key.
const ENV_FALLBACKS = ["B2C_TENANT_ID", "B2C_TENANT_NAME", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "B2C_CLOUD", "B2C_GRAPH_ENDPOINT", "B2C_AUTHORITY_HOST"];
const savedEnv: Record<string, string | undefined>[] = [];

let emu: RunningEmulator;
let workforce: RunningEmulator;
beforeAll(async () => {
  for (const env of [process.env, nodeGlobal.process.env]) {
    savedEnv.push(Object.fromEntries(ENV_FALLBACKS.map((k) => [k, env[k]])));
    for (const k of ENV_FALLBACKS) delete env[k];
  }
  [emu, workforce] = await Promise.all([startTestEmulator(), startTestEmulator({ tenantMode: "workforce", tenantName: "contosoworkforce" })]);
});
afterAll(async () => {
  [process.env, nodeGlobal.process.env].forEach((env, i) => {
    for (const [k, v] of Object.entries(savedEnv[i])) if (v !== undefined) env[k] = v;
  });
  await Promise.all([emu.stop(), workforce.stop()]);
});

function configFor(c: BadInput, target: RunningEmulator): Record<string, string> {
  const signIn = validSignIn();
  c.signIn?.(signIn);
  const config: Record<string, string> = { ...tenantStackConfig(target, { wechatKey: WECHAT_KEY, qqKey: QQ_KEY }), [SIGN_IN]: JSON.stringify(signIn) };
  for (const [key, value] of Object.entries(c.config ?? {})) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  return config;
}

test("the valid tenant passes preview (so each case below fails because of its one change)", async () => {
  emu.clearRequestLog();
  expect(await preview(stackProgram, configFor({ name: "valid", names: [] }, emu))).toHaveLength(9);
  expect(writeLines(emu.requestLog())).toEqual([]);
});

test("an attachment-only flow that exists passes preview (one GET), and is attached to and detached from, never created or deleted", async () => {
  emu.reset();
  const created = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "B2C_1_legacy", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3 });
  expect(created.status).toBe(201);
  const config = configFor({ name: "existing", signIn: (s) => s.userFlows.push({ name: "legacy", create: false, identityProviders: ["QQ"] }), names: [] }, emu);
  emu.clearRequestLog();
  expect(await preview(stackProgram, config)).toContain("UserFlowIdentityProviderLink::social-sign-in-legacy-qq");
  expect(graphCalls(emu.requestLog()).map((e) => `${e.method} ${e.path} -> ${e.status}`)).toContain("GET /beta/identity/b2cUserFlows/B2C_1_legacy -> 200");
  expect(writeLines(emu.requestLog())).toEqual([]);

  const engine = new LifecycleEngine(config);
  await engine.up(stackProgram);
  const legacy = () => emu.snapshot().userFlows.find((f) => f.id === "B2C_1_legacy");
  expect(legacy()?.identityProviderIds).toEqual(["QQ-OAUTH"]);
  await engine.destroy();
  expect(emu.snapshot().userFlows).toEqual([{ id: "B2C_1_legacy", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 3, identityProviderIds: [] }]);
  expect(emu.snapshot().identityProviders).toEqual([]);
  emu.reset();
});

// The figure in README.md's reliability table.
test(`at least 120 cases (${CASES.length})`, () => {
  console.log(`bad inputs tried: ${CASES.length}`);
  expect(CASES.length).toBeGreaterThanOrEqual(120);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

test.each(CASES.map((c) => [c.name, c] as const))("%s: fails at preview, naming the key, with no Graph write", async (_name, c) => {
  const target = c.workforce ? workforce : emu;
  target.clearRequestLog();
  const error = await preview(c.program ?? stackProgram, configFor(c, target)).then(
    (checked) => new Error(`preview passed (${checked.length} resources checked)`),
    (e: unknown) => e,
  );
  const message = String((error as Error)?.message ?? error);
  for (const text of c.names) expect(message).toContain(text);
  expect(message).not.toMatch(/^preview passed/);
  // Says how to fix it, not only what is wrong.
  expect(message).toMatch(FIX);
  if (c.secret) expect(message).not.toContain(c.secret);
  expect(writeLines(target.requestLog())).toEqual([]);
  // Reads only where the check needs the tenant; everything else fails before any call at all.
  const reads = graphCalls(target.requestLog()).map((e) => `${e.method} ${e.path.split("?")[0]}`);
  expect(reads.every((r) => r.startsWith("GET "))).toBe(true);
});
