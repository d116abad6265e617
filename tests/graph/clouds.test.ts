// One table decides which Graph version the identity-provider operations use in each cloud, tested
// against the emulator standing for each cloud. The v1.0 identity-provider pages mark US Government
// L4/L5 unavailable; beta is available everywhere:
// https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-1.0
// https://learn.microsoft.com/graph/api/identitycontainer-post-identityproviders?view=graph-rest-beta
import type { RunningEmulator } from "../../emulator";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { CLOUD_NAMES, CloudName, IDENTITY_PROVIDER_API_VERSION, identityProviderApiVersion } from "../../graph/clouds";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { LifecycleEngine } from "../helpers/lifecycleEngine";
import { emulatorStackConfig } from "../helpers/pulumiHarness";
import { graphCalls } from "../helpers/requestLog";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
afterEach(() => emu.setBehaviour({ cloud: "AzurePublic" }));

test("the table: v1.0 in the global and China clouds, beta in US Government", () => {
  expect(IDENTITY_PROVIDER_API_VERSION).toEqual({ AzurePublic: "v1.0", AzureChina: "v1.0", AzureUSGovernment: "beta" });
  expect(Object.keys(IDENTITY_PROVIDER_API_VERSION).sort()).toEqual([...CLOUD_NAMES].sort());
});

test("the emulator as US Government refuses v1.0 identity-provider operations and serves beta", async () => {
  emu.setBehaviour({ cloud: "AzureUSGovernment" });
  const v1 = await graphFetch(emu, "GET", "/v1.0/identity/identityProviders");
  expect([v1.status, v1.body.error.message]).toEqual([400, "Resource not found for the segment 'identityProviders'."]);
  expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders/availableProviderTypes")).status).toBe(400);
  expect((await graphFetch(emu, "GET", "/beta/identity/identityProviders")).status).toBe(200);
  expect((await graphFetch(emu, "GET", "/beta/identity/identityProviders/availableProviderTypes")).status).toBe(200);
  emu.setBehaviour({ cloud: "AzureChina" });
  expect((await graphFetch(emu, "GET", "/v1.0/identity/identityProviders")).status).toBe(200);
});

describe.each(CLOUD_NAMES)("an identity provider's whole life with b2c:cloud %s", (cloud: CloudName) => {
  test("create, update, refresh and delete all succeed, on the table's version", async () => {
    emu.setBehaviour({ cloud });
    const engine = new LifecycleEngine(emulatorStackConfig(emu, { "b2c:cloud": cloud }));
    const program = (displayName: string) => () => {
      new SocialIdentityProvider("wechat", { type: "WeChat", clientId: "wx0123456789abcdef", clientSecret: "edf2945273c2877c6059de6c84f34335", displayName });
    };
    await engine.up(program("WeChat"));
    await engine.up(program("微信"));
    expect(await engine.refresh()).toEqual({ removed: [], changed: [] });
    await engine.destroy();
    const calls = graphCalls(emu.requestLog()).filter((e) => e.path.includes("/identity/identityProviders"));
    expect(calls.map((e) => e.method).sort()).toEqual(expect.arrayContaining(["DELETE", "GET", "PATCH", "POST"]));
    expect(calls.filter((e) => e.status >= 400)).toEqual([]);
    const version = identityProviderApiVersion(cloud);
    expect([...new Set(calls.map((e) => e.path.split("/")[1]))]).toEqual([version]);
    expect(emu.snapshot().identityProviders).toEqual([]);
  });
});
