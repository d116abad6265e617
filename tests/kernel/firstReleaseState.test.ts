// The wrapper that moves state written by the first release (fat serialized providers) onto the
// thin stub; tests/packaging/upgradeFromFirstRelease.test.ts runs it through the real engine.
import * as fs from "fs";
import * as path from "path";
import { FIRST_RELEASE_FROZEN_MODULES, FIRST_RELEASE_SHIM_REMOVED_IN, holdsSerializedImplementation, shimPath, upgradingFirstReleaseState } from "../../kernel/firstRelease";
import { IMPLEMENTATIONS_KEY, thinProvider } from "../../kernel/thinProvider";

const FAT = "exports.handler = __f0; function __f0() { /* the whole 0.1.0 implementation */ }";
const THIN = `exports.handler = () => ({ configure() { globalThis[Symbol.for("${IMPLEMENTATIONS_KEY}")] } })`;

function recordingProvider(changes: boolean) {
  const calls: string[] = [];
  const provider = {
    async diff() {
      calls.push("diff");
      return { changes, replaces: [] as string[] };
    },
    async update(_id: string, _olds: unknown, news: Record<string, unknown>) {
      calls.push("update");
      return { outs: { sent: true, ...news } };
    },
  };
  return { calls, provider: upgradingFirstReleaseState(provider as any) as any };
}

test("only a provider text that does not load through the stub's registry counts as the first release's", () => {
  expect(holdsSerializedImplementation({ __provider: FAT })).toBe(true);
  expect(holdsSerializedImplementation({ __provider: THIN })).toBe(false);
  expect(holdsSerializedImplementation({})).toBe(false);
  expect(holdsSerializedImplementation(undefined)).toBe(false);
  // The real stub names the registry key in its text, so it is never taken for an old provider.
  expect(thinProvider("userFlow").configure!.toString()).toContain(IMPLEMENTATIONS_KEY);
});

test("an unchanged resource with the first release's provider is an update that keeps its outputs and calls nothing", async () => {
  const { calls, provider } = recordingProvider(false);
  const olds = { __provider: FAT, id: "WeChat-OAUTH", fingerprint: "f1" };
  expect(await provider.diff("WeChat-OAUTH", olds, { __provider: THIN })).toMatchObject({ changes: true, replaces: [] });
  expect(await provider.update("WeChat-OAUTH", olds, { __provider: THIN })).toEqual({ outs: { id: "WeChat-OAUTH", fingerprint: "f1" } });
  expect(calls).toEqual(["diff", "diff"]);
});

test("a real change still goes to the provider's update, and state on the stub is left alone", async () => {
  const changed = recordingProvider(true);
  expect(await changed.provider.update("x", { __provider: FAT }, { __provider: THIN, displayName: "new" })).toEqual({ outs: { sent: true, __provider: THIN, displayName: "new" } });
  expect(changed.calls).toEqual(["diff", "update"]);
  const current = recordingProvider(false);
  expect(await current.provider.diff("x", { __provider: THIN }, { __provider: THIN })).toMatchObject({ changes: false });
});

// Until a resource's first update under this version, `refresh` and `destroy` run 0.1.0's serialized
// code, which loads modules of the installed package by path and calls their exports. Those stay.
describe("what the first release's serialized code loads from this package", () => {
  const stack = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/first-release/stack.json"), "utf8"));
  const providerTexts: string[] = stack.deployment.resources.map((r: any) => r.inputs?.__provider).filter((t: unknown) => typeof t === "string");
  const used = new Map<string, Set<string>>();
  for (const text of providerTexts) {
    for (const [, variable, modulePath] of text.matchAll(/(\w+)\s*=\s*require\("pulumi-b2c-identity\/(dist\/[^"]+)"\)/g)) {
      const names = used.get(modulePath) ?? new Set<string>();
      for (const [, name] of text.matchAll(new RegExp(`\\b${variable}\\.(\\w+)`, "g"))) names.add(name);
      used.set(modulePath, names);
    }
  }

  test("the fixture names the modules it loads", () => {
    expect(providerTexts.length).toBeGreaterThanOrEqual(10);
    expect([...used.keys()]).toContain("dist/graph/client.js");
    expect([...used.values()].every((names) => names.size > 0)).toBe(true);
  });

  test("the frozen list written down is what the fixture loads, name for name", () => {
    const sorted = (entries: [string, Iterable<string>][]) => Object.fromEntries(entries.map(([p, names]) => [p, [...names].sort()] as const).sort((a, b) => a[0].localeCompare(b[0])));
    expect(sorted([...used])).toEqual(sorted(Object.entries(FIRST_RELEASE_FROZEN_MODULES)));
    expect(Object.keys(FIRST_RELEASE_FROZEN_MODULES)).toHaveLength(10);
  });

  test("package.json points each frozen path at its shim, which exports exactly the frozen names", () => {
    const exportsMap = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")).exports;
    for (const [modulePath, names] of Object.entries(FIRST_RELEASE_FROZEN_MODULES)) {
      expect(exportsMap[`./${modulePath}`]).toBe(`./${shimPath(modulePath)}`);
      expect(Object.keys(require(`pulumi-b2c-identity/${modulePath}`)).sort()).toEqual([...names].sort());
    }
    // The thin stub's own path (every resource's state since 0.1.0 names it) is not part of the shim: it stays.
    expect(exportsMap["./dist/providers/index.js"]).toBe("./dist/host/index.js");
  });

  test("the upgrade path has a removal version later than this one", () => {
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")).version as string;
    const major = (v: string) => v.split(".").map(Number);
    const [a, b] = [major(FIRST_RELEASE_SHIM_REMOVED_IN), major(version)];
    expect(a[0] * 1e6 + a[1] * 1e3 + a[2]).toBeGreaterThan(b[0] * 1e6 + b[1] * 1e3 + b[2]);
  });

  test.each([...used.keys()])("%s still exports what 0.1.0 calls", (modulePath) => {
    // Resolved as 0.1.0's code resolves it: by the package's name, through its exports map.
    const loaded = require(`pulumi-b2c-identity/${modulePath}`);
    const missing = [...used.get(modulePath)!].filter((name) => loaded[name] === undefined);
    expect(missing).toEqual([]);
  });

  test("the Graph client still has the methods 0.1.0 calls on it", () => {
    const methods = new Set(providerTexts.flatMap((text) => [...text.matchAll(/\bgraph\.(\w+)\(/g)].map((m) => m[1])));
    expect(methods.size).toBeGreaterThan(0);
    const { GraphApi } = require("pulumi-b2c-identity/dist/graph/client.js");
    expect([...methods].filter((name) => typeof GraphApi.prototype[name] !== "function")).toEqual([]);
  });
});
