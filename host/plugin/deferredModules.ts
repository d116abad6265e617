// @pulumi/pulumi's index loads its closure serializer (runtime/closure/), which requires TypeScript's
// compiler (typescript-shim.js, for parseFunction.js), npm's Arborist (codePaths.js, which brings
// pacote, tar, sigstore, …) and normalize-package-data (codePaths.js; with the SPDX licence list and
// semver, about 30 files and 50 ms) as it loads. It uses them only to serialize a function: a dynamic
// provider, `pulumi.runtime.serializeFunction`, a callback sent to a cloud; a provider plugin does
// none of these. Loading them is about half of the plugin's start (about 1,140 files and 0.74 s
// before, 705 files and 0.37 s after, median of 7 loads on the 2-core machine: bench/README.md), and
// the engine starts the plugin afresh for every `up`, `preview`, `refresh` and `destroy`.
//
// So in the plugin's process (and only there: main.ts calls this first), those two requires made
// from inside @pulumi/pulumi return a stand-in that loads the real module at its first use, so
// nothing changes if the SDK ever does use them. A module that cannot be resolved is required as
// before (typescript-shim.js falls back to its vendored copy when `typescript` is not installed).
import Module = require("module");

/** The modules deferred, each only when @pulumi/pulumi itself requires it. */
export const DEFERRED_MODULES: readonly string[] = ["typescript", "@npmcli/arborist", "normalize-package-data"];

const PULUMI_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

interface ModuleInternals {
  _load(request: string, parent: NodeModule | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean): string;
}

let installed = false;

/** A stand-in for a module: every use loads it and goes to it. */
export function lazyModule(load: () => any): object {
  let real: any;
  const target = () => (real ??= load());
  return new Proxy(
    {},
    {
      // `__esModule` lets TypeScript's __importStar and __importDefault hand the stand-in over as it
      // is, instead of copying its properties (which would load the module at once). So `default`
      // answers what they would have given: a CommonJS module itself, an ES module's default.
      get: (_, key) => {
        if (key === "__esModule") return true;
        const real = target();
        return key === "default" && !real.__esModule ? real : real[key];
      },
      has: (_, key) => key in target(),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property its (empty) target lacks as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/** Defers DEFERRED_MODULES in this process (once). */
export function deferClosureSerializerModules(): void {
  if (installed) return;
  installed = true;
  const internals = Module as unknown as ModuleInternals;
  const load = internals._load;
  internals._load = function (request, parent, isMain) {
    if (!DEFERRED_MODULES.includes(request) || !parent?.filename || !PULUMI_SDK.test(parent.filename)) return load.call(this, request, parent, isMain);
    try {
      internals._resolveFilename(request, parent, isMain);
    } catch {
      return load.call(this, request, parent, isMain);
    }
    return lazyModule(() => load.call(this, request, parent, isMain));
  };
}
