import type * as pulumi from "@pulumi/pulumi";

/** The dynamic providers, by the name their thin stub carries into state. */
export type ProviderKind = "identityProvider" | "userFlow" | "userFlowIdentityProvider" | "policyKey" | "trustFrameworkPolicy" | "adoptedKeySet";

/**
 * Where a process that already holds the implementations (the program itself, or a test) registers
 * them, so a stub evaluated in that process uses them instead of loading the package again.
 */
export const IMPLEMENTATIONS_KEY = "pulumi-b2c-identity/provider-implementations";

/**
 * The provider Pulumi serializes into each resource's `__provider`: a stub of about 1 KB instead of
 * the whole implementation and its imports. At deploy time the stub loads the implementation from
 * the installed package by name (`pulumi-b2c-identity/dist/providers/index.js`), resolved from the
 * program's folder, which is the dynamic provider's working directory; inside this repository the
 * package resolves itself through its `exports` map. The implementation then resolves its own
 * dependencies from its own location.
 *
 * Everything the stub needs is inside this one function, because Pulumi's closure serializer copies
 * what the function references: keep it small and free of imports.
 */
export function thinProvider(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  const loadImplementation = (name: string): object => {
    const registryKey = Symbol.for("pulumi-b2c-identity/provider-implementations");
    let registry = (globalThis as any)[registryKey];
    if (!registry?.[name]) {
      const path = require("path");
      const fromProgram = require("module").createRequire(path.join(process.cwd(), "package.json"));
      try {
        registry = fromProgram("pulumi-b2c-identity/dist/providers/index.js").providerImplementations;
      } catch (error: any) {
        throw new Error(
          `pulumi-b2c-identity could not be loaded from ${process.cwd()} (${error?.message}). ` +
            "Install it in the Pulumi program's folder (npm install pulumi-b2c-identity) and run again.",
        );
      }
    }
    // A fresh object per stub: `configure` keeps the stack config on it.
    return Object.create(registry[name]);
  };
  // The implementation is kept on the stub object itself (`this`), the one thing that lives as long
  // as the deserialized provider. Methods an implementation lacks behave as the dynamic-provider host
  // treats a missing method.
  const stub = {
    kind,
    implementation: undefined as any,
    load(): any {
      if (!this.implementation) this.implementation = loadImplementation(this.kind);
      return this.implementation;
    },
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      return this.load().configure?.(req);
    },
    async check(olds: any, news: any) {
      const impl = this.load();
      return impl.check ? impl.check(olds, news) : { inputs: news };
    },
    async diff(id: string, olds: any, news: any) {
      const impl = this.load();
      return impl.diff ? impl.diff(id, olds, news) : {};
    },
    async create(inputs: any) {
      return this.load().create(inputs);
    },
    async read(id: string, props: any) {
      const impl = this.load();
      return impl.read ? impl.read(id, props) : { id, props };
    },
    async update(id: string, olds: any, news: any) {
      return this.load().update(id, olds, news);
    },
    async delete(id: string, props: any) {
      return this.load().delete?.(id, props);
    },
  };
  return stub;
}
