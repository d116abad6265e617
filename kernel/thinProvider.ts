import type * as pulumi from "@pulumi/pulumi";

/** The dynamic providers, by the name their thin stub carries into state. */
export type ProviderKind = "identityProvider" | "userFlow" | "userFlowIdentityProvider" | "policyKey" | "trustFrameworkPolicy" | "adoptedKeySet" | "policyReleaseRecord" | "policyReleaseHistory";

/**
 * Where a process that already holds the implementations (the program itself, or a test) registers
 * them, so a stub evaluated in that process uses them instead of loading the package again.
 */
export const IMPLEMENTATIONS_KEY = "pulumi-b2c-identity/provider-implementations";

/**
 * The provider Pulumi serializes into each resource's `__provider`: a stub of about 1.2 KB instead of
 * the whole implementation and its imports. At deploy time the stub loads the implementation from
 * the installed package by name (`pulumi-b2c-identity/dist/providers/index.js`), resolved from the
 * program's folder, which is the dynamic provider's working directory; inside this repository the
 * package resolves itself through its `exports` map. The implementation then resolves its own
 * dependencies from its own location.
 *
 * The engine's dynamic-provider host calls `configure` first, once per deserialized provider
 * (@pulumi/pulumi cmd/dynamic-provider `getProvider`), and looks methods up on each call after
 * that. So the stub carries only `configure`: it loads the implementation and takes it as its
 * prototype. A method the implementation lacks stays missing, which the host treats as it always
 * does. Everything sits inside one function, because Pulumi's closure serializer copies whatever
 * the function references: keep it small and free of imports.
 */
export function thinProvider(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  return { kind, configure: loadImplementation } as unknown as pulumi.dynamic.ResourceProvider;
}

/**
 * The stub's one method. Module-level, so its serialized text is not indented under thinProvider
 * (state size), and free of comments inside (they would be serialized too). The stub takes the
 * implementation as its prototype, so the host finds check, diff, … on it and calls them with the
 * stub as `this`, where `configure` keeps the stack config: one stub, one config.
 */
async function loadImplementation(this: any, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  let registry = (globalThis as any)[Symbol.for("pulumi-b2c-identity/provider-implementations")];
  if (!registry?.[this.kind]) {
    try {
      registry = require("module").createRequire(require("path").join(process.cwd(), "package.json"))("pulumi-b2c-identity/dist/providers/index.js").providerImplementations;
    } catch (error: any) {
      throw new Error(`pulumi-b2c-identity could not be loaded from ${process.cwd()}: ${error?.message}. Run npm install in the program's folder.`);
    }
  }
  Object.setPrototypeOf(this, registry[this.kind]);
  await registry[this.kind].configure?.call(this, req);
}
