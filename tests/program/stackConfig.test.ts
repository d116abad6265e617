// program/stackConfig.ts: mistakes in the stack's config stop the preview, naming the key and the fix.
// Config goes through Pulumi's real runtime (setAllConfig with the secret-key list, as the engine
// hands it to a program), read back with the program's own reader.
import * as pulumi from "@pulumi/pulumi";
import { pulumiConfigReader, readStackConfig, StackConfigReader, stringFromYaml } from "../../program/stackConfig";
import type { InputProblem } from "../../domain/problems";

const WECHAT_APP_ID = "wx0123456789abcdef";

function signIn(qqAppId: unknown = "101000001") {
  return JSON.stringify({
    identityProviders: [
      { type: "WeChat", appId: WECHAT_APP_ID },
      { type: "QQ", appId: qqAppId },
    ],
  });
}

const REAL_TENANT = {
  "b2c:tenantId": "contosob2c.onmicrosoft.com",
  "b2c:clientId": "00000000-0000-0000-0000-0000000000c1",
};
const EMULATOR = { ...REAL_TENANT, "b2c:graphEndpoint": "https://127.0.0.1:48443", "b2c:authorityHost": "https://127.0.0.1:48443" };

/** Sets the stack config as the engine would, then reads it with the program's reader; returns warnings too. */
function read(config: Record<string, string>, secretKeys: string[]) {
  pulumi.runtime.setAllConfig(config, secretKeys);
  const warnings: string[] = [];
  const reader: StackConfigReader = { ...pulumiConfigReader(), warn: (m) => warnings.push(m) };
  try {
    return { result: readStackConfig(reader), warnings, error: undefined as Error | undefined };
  } catch (error) {
    return { result: undefined, warnings, error: error as Error };
  }
}

const keys = { "b2c:wechatAppKey": "7db95259fd1508226f403616ada333b5", "b2c:qqAppKey": "qq-app-key" };

test("APP KEYs stored as secrets: accepted, no warning", () => {
  const { error, warnings, result } = read({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": signIn() }, ["b2c:wechatAppKey", "b2c:qqAppKey"]);
  expect(error).toBeUndefined();
  expect(warnings).toEqual([]);
  expect(result!.args.identityProviders!.map((p) => p.clientId)).toEqual([WECHAT_APP_ID, "101000001"]);
});

test("an APP KEY stored as plain config stops the preview with the pulumi config set --secret command", () => {
  const { error } = read({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": signIn() }, ["b2c:wechatAppKey"]);
  expect(error?.message).toContain("b2c:qqAppKey: is stored as plain text in the stack config");
  expect(error?.message).toContain("`pulumi config set --secret b2c:qqAppKey <QQ APP KEY>`");
  expect(error?.message).not.toContain("b2c:wechatAppKey");
  // The message names the key, never its value.
  expect(error?.message).not.toContain("qq-app-key");
});

test("a plain b2c:clientSecret is refused the same way", () => {
  const { error } = read({ ...REAL_TENANT, ...keys, "b2c:clientSecret": "deploy-secret", "b2c:socialSignIn": signIn() }, Object.keys(keys));
  expect(error?.message).toContain("b2c:clientSecret: is stored as plain text");
  expect(error?.message).toContain("`pulumi config set --secret b2c:clientSecret <client secret>`");
  expect(error?.message).not.toContain("deploy-secret");
});

test("against the local emulator (custom endpoints) plain development values only warn", () => {
  const { error, warnings } = read({ ...EMULATOR, ...keys, "b2c:clientSecret": "emulator-secret", "b2c:socialSignIn": signIn() }, []);
  expect(error).toBeUndefined();
  expect(warnings).toHaveLength(3);
  expect(warnings.join("\n")).toContain("pulumi config set --secret b2c:wechatAppKey <WeChat APP KEY>");
  expect(warnings.join("\n")).toContain("pulumi config set --secret b2c:clientSecret <client secret>");
});

test("when the engine does not list the secret keys, nothing is assumed", () => {
  pulumi.runtime.setAllConfig({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": signIn() }, []);
  const store = require("@pulumi/pulumi/runtime/state").getStore();
  const listed = store.config[(pulumi.runtime as any).configSecretKeysEnvKey];
  expect(listed).toBe("[]");
  store.config[(pulumi.runtime as any).configSecretKeysEnvKey] = "";
  try {
    expect(pulumiConfigReader().isSecret!("b2c:wechatAppKey")).toBeUndefined();
    expect(() => readStackConfig(pulumiConfigReader())).not.toThrow();
  } finally {
    store.config[(pulumi.runtime as any).configSecretKeysEnvKey] = listed;
  }
});

test("an unquoted QQ APP ID (a YAML number) is taken as its digits", () => {
  const { error, result } = read({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": signIn(101000001) }, Object.keys(keys));
  expect(error).toBeUndefined();
  expect(result!.args.identityProviders![1].clientId).toBe("101000001");
});

test("a number that cannot be the APP ID's digits is refused with quote it", () => {
  const { error } = read({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": signIn(1.5e20) }, Object.keys(keys));
  expect(error?.message).toContain("b2c:socialSignIn.identityProviders[1].appId: is the YAML number 150000000000000000000, not text: quote it");
});

test("stringFromYaml", () => {
  const problems: InputProblem[] = [];
  expect(stringFromYaml(42, "x.clientId", problems)).toBe("42");
  expect(stringFromYaml("07", "x.clientId", problems)).toBe("07");
  expect(stringFromYaml(undefined, "x.clientId", problems)).toBeUndefined();
  expect(problems).toEqual([]);
  expect(stringFromYaml(-3, "x.clientId", problems)).toBeUndefined();
  expect(stringFromYaml(2.5, "x.displayName", problems)).toBeUndefined();
  expect(problems.map((p) => p.argument)).toEqual(["x.clientId", "x.displayName"]);
  expect(problems[1].reason).toContain('quote it in the stack file (e.g. displayName: "…")');
});

test("a validation problem names the APP ID as the config wrote it: appId for appId, clientId for clientId", () => {
  const config = JSON.stringify({
    identityProviders: [
      { type: "WeChat", appId: "wx-not-an-app-id" },
      { type: "QQ", clientId: "not-digits" },
    ],
  });
  const { error } = read({ ...REAL_TENANT, ...keys, "b2c:socialSignIn": config }, Object.keys(keys));
  expect(error?.message).toContain("b2c:socialSignIn.identityProviders[0].appId: is not a WeChat APP ID");
  expect(error?.message).toContain("b2c:socialSignIn.identityProviders[1].clientId: is not a QQ APP ID");
  expect(error?.message).not.toContain("identityProviders[0].clientId");
  expect(error?.message).not.toContain("identityProviders[1].appId");
});
