// The module that state from before the provider plugin loads by path (package.json `exports` points
// `dist/providers/index.js`, the stub's, and 0.1.0's ten module paths here). The engine runs that state's
// dynamic provider for `refresh` and `destroy` until the first `up` under this version has moved the
// stack onto the plugin (dynamicState.ts): this refuses every use with UNMIGRATED_STACK_MESSAGE, so
// neither reaches the tenant.
//
// Loading it succeeds, because the dynamic-provider host loads the provider's code (and 0.1.0's
// requires of these paths) before any call (@pulumi/pulumi cmd/dynamic-provider/index.js getProvider:
// requireFromString, then `configure`); the first name read from it throws. The stub reads `providerImplementations`
// and calls the provider's `configure`, which throws; 0.1.0's code reads a function or class of one of
// its modules in its first step, which throws.
import { UNMIGRATED_STACK_MESSAGE } from "./dynamicState";

function refuse(): never {
  throw new Error(UNMIGRATED_STACK_MESSAGE);
}

const refusingProvider = { configure: refuse, check: refuse, diff: refuse, create: refuse, read: refuse, update: refuse, delete: refuse };
// Symbols (inspection, Node's own checks) answer undefined; every named export refuses.
const providerImplementations = new Proxy({}, { get: (_target, name) => (typeof name === "symbol" ? undefined : refusingProvider) });

export = new Proxy({}, { get: (_target, name) => (typeof name === "symbol" ? undefined : name === "providerImplementations" ? providerImplementations : refuse()) });
