// The plugin defers the modules @pulumi/pulumi loads only for closure serialization
// (host/plugin/deferredModules.ts): in a fresh Node process (jest has its own module loader), with
// the deferral on, loading @pulumi/pulumi and the plugin's resources leaves TypeScript's compiler,
// Arborist and normalize-package-data unloaded, and serializing a function (the one use of them) still works, loading them then.
import { execFileSync } from "child_process";
import * as path from "path";
import { lazyModule } from "../../../host/plugin/deferredModules";

const root = path.resolve(__dirname, "..", "..", "..");

/** Runs a script in a fresh node with ts-node-free requires of the built package (dist/). */
function inFreshNode(script: string): any {
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }));
}

const LOADED = `(name) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + name + "/"))`;

describe("modules deferred in the plugin's process", () => {
  test("a stand-in loads its module at the first use, once, and hands over every property", () => {
    let loads = 0;
    const real = { Arborist: class Arborist {}, answer: 42 };
    const stub: any = lazyModule(() => (loads++, real));
    expect(loads).toBe(0);
    expect(stub.__esModule).toBe(true); // what lets __importStar take it as it is
    expect(loads).toBe(0);
    expect(stub.answer).toBe(42);
    expect(new stub.Arborist()).toBeInstanceOf(real.Arborist);
    expect("answer" in stub).toBe(true);
    expect(Object.keys(stub)).toEqual(["Arborist", "answer"]);
    expect(loads).toBe(1);
    // `default`, as __importDefault gives it: a CommonJS module itself, an ES module's default export.
    const commonJs = Object.assign(() => "normalized", { other: 1 });
    expect((lazyModule(() => commonJs) as any).default).toBe(commonJs);
    const esModule = { __esModule: true, default: () => "the default" };
    expect((lazyModule(() => esModule) as any).default).toBe(esModule.default);
  });

  test("with the deferral, the plugin's modules load without TypeScript or Arborist, and serializeFunction still works", () => {
    const result = inFreshNode(`
      const loaded = ${LOADED};
      require("./dist/host/plugin/deferredModules.js").deferClosureSerializerModules();
      require("./dist/kernel/resource.js").runInsidePlugin();
      require("./dist/host/plugin/plugin.js");
      require("./dist/host/plugin/server.js");
      const before = { typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist"), normalize: loaded("normalize-package-data") };
      require("@pulumi/pulumi").runtime.serializeFunction(() => 40 + 2).then((s) => {
        const after = { typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist") };
        console.log(JSON.stringify({ before, after, text: s.text }));
      });
    `);
    expect(result.before).toEqual({ typescript: false, arborist: false, normalize: false });
    expect(result.after.typescript).toBe(true);
    expect(result.text).toContain("40 + 2");
  });

  test("without it (the control), @pulumi/pulumi loads both at once", () => {
    const result = inFreshNode(`
      const loaded = ${LOADED};
      require("@pulumi/pulumi");
      console.log(JSON.stringify({ typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist"), normalize: loaded("normalize-package-data") }));
    `);
    expect(result).toEqual({ typescript: true, arborist: true, normalize: true });
  });
});
