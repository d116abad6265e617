// State from before the provider plugin: every resource was a dynamic resource, whose state holds
// the provider it was made with in `__provider` (a 1.2 KB stub, or 7–34 KB of 0.1.0's serialized
// code). The resource's alias brings that state to the plugin (kernel/resource.ts). This moves it
// over in the first `up`: an otherwise unchanged resource shows an update, and the update keeps its
// outputs as they are, without `__provider`, and calls nothing in the tenant. Why an update and not
// "no change": on an unchanged resource the engine keeps the old outputs (Pulumi's SameStep), so
// `__provider` would stay in state for as long as the resource did not change.
//
// Until that `up`, `refresh` and `destroy` run the provider found in state, through the dynamic-provider
// host: the stub of the releases before the plugin loads `pulumi-b2c-identity/dist/providers/index.js`,
// 0.1.0's serialized code ten other module paths of the package. package.json `exports` points each at
// unmigratedState.ts, which refuses with UNMIGRATED_STACK_MESSAGE and writes nothing.
import type { TypedProvider } from "./providerContext";

/** The property a dynamic resource keeps its provider in (@pulumi/pulumi dynamic `providerKey`). */
export const DYNAMIC_PROVIDER_KEY = "__provider";

/** What `refresh` or `destroy` answers on a stack not yet moved onto the plugin. */
export const UNMIGRATED_STACK_MESSAGE =
  "This stack was made by the dynamic-provider release of pulumi-b2c-identity; run `pulumi up` once with this version to move it onto the b2c-identity plugin (no Graph writes), then refresh/destroy.";

/** True when a resource's state is still a dynamic resource's. */
export function holdsDynamicProvider(state: Record<string, unknown> | undefined): boolean {
  return typeof state === "object" && state !== null && DYNAMIC_PROVIDER_KEY in state;
}

/** The values without the dynamic provider. */
export function withoutDynamicProvider<T>(values: T): T {
  if (!values || typeof values !== "object" || !(DYNAMIC_PROVIDER_KEY in values)) return values;
  const { [DYNAMIC_PROVIDER_KEY]: _stub, ...rest } = values as Record<string, unknown>;
  return rest as T;
}

/** Wraps a provider so that dynamic-resource state moves over in one update with no Graph call. */
export function movingDynamicState<P extends TypedProvider<any, any>>(provider: P): P {
  const inner = provider as any;
  const wrapped: any = Object.create(provider);
  if (inner.diff) {
    wrapped.diff = async function (this: object, id: string, olds: any, news: any) {
      const result = await inner.diff.call(this, id, olds, news);
      return result?.changes === false && holdsDynamicProvider(olds) ? { ...result, changes: true } : result;
    };
  }
  if (inner.update) {
    wrapped.update = async function (this: object, id: string, olds: any, news: any) {
      if (holdsDynamicProvider(olds) && inner.diff && (await inner.diff.call(this, id, olds, news))?.changes === false) {
        return { outs: withoutDynamicProvider(olds) };
      }
      return inner.update.call(this, id, olds, news);
    };
  }
  return wrapped as P;
}
