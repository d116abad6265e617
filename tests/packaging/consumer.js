// Runs inside a temporary consumer project where pulumi-b2c-identity was installed from its npm
// tarball: imports the package the way a user does, constructs components under mocks, then loads
// a serialized dynamic provider with require-from-string (as Pulumi's provider host does) and runs
// create, read and delete against the package's own emulator. Prints one JSON line.
"use strict";
const pulumi = require("@pulumi/pulumi");
const requireFromString = require("require-from-string");
const lib = require("pulumi-b2c-identity");
const { startEmulator } = require("pulumi-b2c-identity/emulator");

async function main() {
  const registrations = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        // As the provider's create would: an identity provider's outputs carry its callback URL.
        const outs = args.type.endsWith(":IdentityProvider") ? { redirectUri: "https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/oauth2/authresp" } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...outs } };
      },
      call: (args) => args.inputs,
    },
    "consumer",
    "test",
    false,
  );
  new lib.WeChatIdentityProvider("wechat", { appId: "wx0000000000c0a5e1", appKey: pulumi.secret("consumer-app-key") });
  new lib.PolicyKey("wechat-key", { name: "WeChatSecret", secret: { value: pulumi.secret("consumer-app-key") } });
  // Serialized but not run here (their inputs would come from real outputs): every other kind.
  const flow = new lib.B2CUserFlow("flow", { name: "susi", userFlowType: "signUpOrSignIn" });
  new lib.UserFlowIdentityProvider("attach", { userFlowId: flow.userFlowId, identityProviderId: "WeChat-OAUTH" });
  new lib.TrustFrameworkPolicyResource("policy", { policyId: "B2C_1A_X", xml: "<TrustFrameworkPolicy xmlns=\"http://schemas.microsoft.com/online/cpim/schemas/2013/06\" PolicySchemaVersion=\"0.3.0.0\" TenantId=\"contosob2c.onmicrosoft.com\" PolicyId=\"B2C_1A_X\"/>", dependsOnHash: "", keySetIds: [] });
  const runHere = ["pulumi-nodejs:dynamic/b2c-identity:IdentityProvider", "pulumi-nodejs:dynamic/b2c-identity:PolicyKey"];
  for (let i = 0; i < 200 && registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).length < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const emu = await startEmulator({ port: 0 });
  const config = {
    "b2c:tenantId": emu.tenantDomain,
    "b2c:tenantName": emu.tenantName,
    "b2c:clientId": emu.clientId,
    "b2c:clientSecret": emu.clientSecret,
    "b2c:graphEndpoint": emu.graphEndpoint,
    "b2c:authorityHost": emu.authorityHost,
  };
  const unwrap = (v) => (v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? v.value : v);
  const results = [];
  const loaded = [];
  try {
    for (const reg of registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/") && !runHere.includes(r.type))) {
      const provider = requireFromString(reg.inputs.__provider).handler();
      await provider.configure({ config: { get: (k) => config[k] } });
      if (typeof provider.create === "function" && typeof provider.delete === "function") loaded.push(reg.type);
    }
    for (const reg of registrations.filter((r) => runHere.includes(r.type))) {
      const { __provider, ...raw } = reg.inputs;
      const inputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, unwrap(v)]));
      const provider = requireFromString(__provider).handler();
      await provider.configure({ config: { get: (k) => config[k] } });
      const checked = provider.check ? (await provider.check({}, inputs)).inputs : inputs;
      const created = await provider.create(checked);
      const read = await provider.read(created.id, created.outs);
      await provider.delete(created.id, created.outs);
      results.push({
        type: reg.type,
        createdId: created.id,
        readId: read.id,
        // The serialized provider loads the installed package by name (require or the thin stub's createRequire).
        requiresPackage: /\("pulumi-b2c-identity\/dist\//.test(__provider),
        providerMentionsSecret: __provider.includes("consumer-app-key"),
      });
    }
    const snapshot = emu.snapshot();
    console.log(JSON.stringify({ components: Object.keys(lib).sort(), results, loaded: loaded.sort(), leftInTenant: snapshot.identityProviders.length + snapshot.keySets.length }));
  } finally {
    await emu.stop();
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
