// State from before the provider plugin: every resource was a dynamic resource, whose state holds
// the provider it was made with in `__provider` (a 1.2 KB stub, or 7–34 KB of 0.1.0's serialized
// code). The resource's alias brings that state to the plugin (kernel/resource.ts). This moves it
// over in the first `up`: an otherwise unchanged resource shows an update, and the update keeps its
// outputs as they are, without `__provider`, and calls nothing in the tenant. Why an update and not
// "no change": on an unchanged resource the engine keeps the old outputs (Pulumi's SameStep), so
// `__provider` would stay in state for as long as the resource did not change.
import type { TypedProvider } from "./providerContext";

/** The property a dynamic resource keeps its provider in (@pulumi/pulumi dynamic `providerKey`). */
export const DYNAMIC_PROVIDER_KEY = "__provider";

/** True when a resource's state is still a dynamic resource's. */
export function holdsDynamicProvider(state: Record<string, unknown> | undefined): boolean {
  return state !== undefined && state !== null && typeof state === "object" && DYNAMIC_PROVIDER_KEY in state;
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
