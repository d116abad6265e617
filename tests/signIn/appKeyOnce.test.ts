// Issue 21 item 4: the WeChat APP KEY's rule (identityProviders/rules.ts IDENTITY_PROVIDER_RULES.clientSecret)
// runs once per value, whichever way the key arrives (a string or an Output given to B2CSocialSignIn,
// or the stack program's secret config key), and a blank key is one problem, never two.
import * as pulumi from "@pulumi/pulumi";
import { B2CSocialSignIn } from "../../api";
import { IDENTITY_PROVIDER_RULES } from "../../identityProviders/rules";
import { KEY_EXPIRY_RULES } from "../../domain/keyExpiry";
import { stackProgram } from "../../program/stackProgram";
import { readStackConfig, pulumiConfigReader } from "../../program/stackConfig";
import { capture, collectUnhandledRejections } from "../helpers/pulumiHarness";

const APP_ID = "wx0123456789abcdef";
const KEY = "5e0c1f7a2b3d4c5e6f708192a3b4c5d6";
const TENANT = { "b2c:tenantId": "contosob2c.onmicrosoft.com", "b2c:clientId": "00000000-0000-0000-0000-0000000000c1" };

/** Times the APP KEY rule judged `value` while `program` ran. */
async function evaluationsOf(value: string, program: () => unknown, config?: Record<string, string>): Promise<number> {
  const rule = jest.spyOn(IDENTITY_PROVIDER_RULES as { clientSecret: (...a: unknown[]) => string[] }, "clientSecret");
  try {
    await capture(program, config ? { config } : {});
    return rule.mock.calls.filter(([v]) => v === value).length;
  } finally {
    rule.mockRestore();
  }
}

const signIn = (clientSecret: pulumi.Input<string>) => () =>
  new B2CSocialSignIn("social", { identityProviders: [{ type: "WeChat", clientId: APP_ID, clientSecret, policyKey: true }], tokenKeys: true });

test("a known APP KEY given to B2CSocialSignIn (provider and its keyset) is judged once", async () => {
  expect(await evaluationsOf(KEY, signIn(KEY))).toBe(1);
});

test("an APP KEY given as an Output is judged once, when it resolves", async () => {
  expect(await evaluationsOf(KEY, signIn(pulumi.secret(KEY)))).toBe(1);
});

test("the stack program's b2c:wechatAppKey is judged once: by readStackConfig, on its plain text", async () => {
  const config = {
    ...TENANT,
    "b2c:wechatAppKey": KEY,
    "b2c:socialSignIn": JSON.stringify({ identityProviders: [{ type: "WeChat", appId: APP_ID, policyKey: true }], tokenKeys: true }),
  };
  expect(await evaluationsOf(KEY, () => stackProgram(), config)).toBe(1);
});

/** How many times `needle` occurs in `text`. */
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

test("a blank APP KEY given to B2CSocialSignIn with policyKey is one problem, named as written", async () => {
  let error: Error | undefined;
  await capture(() => {
    try {
      signIn("")();
    } catch (e) {
      error = e as Error;
    }
  });
  expect(error?.message).toContain('B2CSocialSignIn "social"');
  expect(occurrences(error!.message, "identityProviders[0].clientSecret")).toBe(1);
  expect(occurrences(error!.message, "blank")).toBe(1);
});

test("a blank APP KEY arriving as an Output is one problem too, under B2CSocialSignIn's name for it", async () => {
  const seen = collectUnhandledRejections();
  await capture(signIn(pulumi.secret("")));
  const errors = (await seen()).map((e) => (e as Error).message);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('B2CSocialSignIn "social"');
  expect(occurrences(errors[0], "identityProviders[0].clientSecret")).toBe(1);
  expect(errors[0]).toContain("is blank");
});

test("a blank b2c:wechatAppKey is one problem, named by its config key", () => {
  pulumi.runtime.setAllConfig(
    { ...TENANT, "b2c:wechatAppKey": "", "b2c:socialSignIn": JSON.stringify({ identityProviders: [{ type: "WeChat", appId: APP_ID, policyKey: true }] }) },
    ["b2c:wechatAppKey"],
  );
  expect(() => readStackConfig(pulumiConfigReader())).toThrow(
    /^Invalid arguments for the stack configuration: b2c:wechatAppKey: is blank: it must be the provider's app key\/client secret \(a non-empty string\) \(the WeChat APP KEY of b2c:socialSignIn.identityProviders\[0\]\)$/,
  );
});

test("B2CSocialSignIn names a late problem of a part as it was written there, not as the part calls it", async () => {
  const seen = collectUnhandledRejections();
  await capture(() => new B2CSocialSignIn("social", { identityProviders: [{ type: "WeChat", clientId: pulumi.output("WX0123456789ABCDEF"), clientSecret: KEY }] }));
  const errors = (await seen()).map((e) => (e as Error).message);
  expect(errors).toEqual([expect.stringMatching(/Invalid arguments for B2CSocialSignIn "social": identityProviders\[0\]\.clientId: must be lower-case/)]);
});

test("rotateBeforeExpiryDays is judged once per value under each of its names in stack config (tokenKeysRotateBeforeExpiryDays, keySets[i].rotateBeforeExpiryDays)", async () => {
  const rule = jest.spyOn(KEY_EXPIRY_RULES as { rotateBeforeExpiryDays: (...a: unknown[]) => string[] }, "rotateBeforeExpiryDays");
  try {
    const config = {
      ...TENANT,
      "b2c:wechatAppKey": KEY,
      "b2c:socialSignIn": JSON.stringify({
        identityProviders: [{ type: "WeChat", appId: APP_ID }],
        tokenKeys: true,
        tokenKeysRotateBeforeExpiryDays: 45,
        keySets: [{ name: "FacebookSecret", source: "generate", use: "sig", keyType: "oct", rotateBeforeExpiryDays: 60 }],
      }),
    };
    const { registrations } = await capture(() => stackProgram(), { config });
    // Both token keys and the listed keyset got their value: the check ran once, not once per key.
    expect(registrations.filter((r) => r.inputs.generate?.rotateBeforeExpiryDays === 45)).toHaveLength(2);
    expect(rule.mock.calls.filter(([v]) => v === 45)).toHaveLength(1);
    expect(rule.mock.calls.filter(([v]) => v === 60)).toHaveLength(1);
  } finally {
    rule.mockRestore();
  }
});

test("tokenKeysRotateBeforeExpiryDays without tokenKeys is refused, not ignored", () => {
  expect(() => new B2CSocialSignIn("s", { identityProviders: [{ type: "WeChat", clientId: APP_ID, clientSecret: KEY }], tokenKeysRotateBeforeExpiryDays: 30 })).toThrow(
    /tokenKeysRotateBeforeExpiryDays: rolls over the token keys, so it needs tokenKeys: true/,
  );
  expect(() => new B2CSocialSignIn("t", { identityProviders: [{ type: "WeChat", clientId: APP_ID, clientSecret: KEY }], tokenKeys: true, tokenKeysRotateBeforeExpiryDays: 0 })).toThrow(
    /^Invalid arguments for B2CSocialSignIn "t": tokenKeysRotateBeforeExpiryDays: must be a whole number of days/,
  );
});
