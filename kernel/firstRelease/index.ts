// Stacks created by the first release (0.1.0) carry that release's whole provider implementation,
// serialized, in every resource's `__provider` (7–34 KB each in tests/fixtures/first-release). This
// moves them onto the thin stub (thinProvider.ts) in the first `up` under this version, without a
// Graph write.
//
// Until then, `refresh` and `destroy` run 0.1.0's code, which loads ten modules of this package by
// path and calls their exports: frozenModules.ts lists them, frozen/ holds one shim per path, and
// package.json `exports` points each old path at its shim. The whole upgrade path is removed in
// FIRST_RELEASE_SHIM_REMOVED_IN (frozenModules.ts).
import type * as pulumi from "@pulumi/pulumi";
import { IMPLEMENTATIONS_KEY } from "../thinProvider";

export { FIRST_RELEASE_FROZEN_MODULES, FIRST_RELEASE_SHIM_REMOVED_IN, shimPath } from "./frozenModules";

/**
 * True when a resource's state holds a provider other than our thin stub: every stub loads the
 * implementations through IMPLEMENTATIONS_KEY, and the first release's serialized code never
 * mentions it.
 */
export function holdsSerializedImplementation(state: Record<string, unknown> | undefined): boolean {
  const text = state?.__provider;
  return typeof text === "string" && !text.includes(IMPLEMENTATIONS_KEY);
}

/**
 * Wraps a provider so that a resource whose state holds the first release's provider, and which
 * otherwise has no change, is shown as an update and "updated" by keeping its outputs as they are.
 *
 * Why an update and not "no change": on an unchanged resource the engine keeps the old outputs,
 * `__provider` included (Pulumi's SameStep retains them), and `refresh` and `destroy` run the
 * provider found in those outputs (@pulumi/pulumi cmd/dynamic-provider `read`, `delete`). Without
 * this, the first release's code would serve every refresh and destroy for as long as the resource
 * did not change. The dynamic-provider host writes the new program's `__provider` into the outputs
 * of an update, so one update moves the resource onto the stub; the update itself sends nothing.
 */
export function upgradingFirstReleaseState<P extends pulumi.dynamic.ResourceProvider>(provider: P): P {
  const inner = provider as any;
  const wrapped: any = Object.create(provider);
  if (inner.diff) {
    wrapped.diff = async function (this: object, id: string, olds: any, news: any) {
      const result = await inner.diff.call(this, id, olds, news);
      return result?.changes === false && holdsSerializedImplementation(olds) ? { ...result, changes: true } : result;
    };
  }
  if (inner.update) {
    wrapped.update = async function (this: object, id: string, olds: any, news: any) {
      if (holdsSerializedImplementation(olds) && inner.diff && (await inner.diff.call(this, id, olds, news))?.changes === false) {
        const { __provider: _old, ...outs } = olds;
        return { outs };
      }
      return inner.update.call(this, id, olds, news);
    };
  }
  return wrapped as P;
}
