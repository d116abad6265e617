// How an object folder declares its resource: "this resource kind, these arguments, these outputs
// of this provider" (defineResource below). Only the kernel knows how the resource reaches the
// engine: a custom resource of type `b2c-identity:index:<type>`, served by the `b2c-identity`
// provider plugin (host/plugin/). In a TypeScript program its provider is the tenant's
// (tenantProvider.ts); inside the plugin, where `construct` builds components for other languages,
// it is the one the component was given (or the default provider).
//
// Stacks made before the plugin hold the same resources as dynamic resources
// (`pulumi-nodejs:dynamic/b2c-identity:<dynamicType>`): each resource names that type as an alias,
// so the engine takes the old state for the new resource, asks the plugin's DiffConfig whether the
// change of provider replaces anything (it never does: host/plugin/server.ts) and diffs with the
// plugin, which moves it over in one update with no Graph call (host/plugin/provider.ts).
import * as pulumi from "@pulumi/pulumi";
import { attemptOwnerOf } from "./ownership/gate";
import { tenantProvider } from "./tenantProvider";
import { DEFAULT_CONFIG_NAMESPACE } from "../graph/settings";

/** The implementations serving the custom resources, by name (host/index.ts). */
export type ProviderKind = "identityProvider" | "userFlow" | "userFlowIdentityProvider" | "policyKey" | "trustFrameworkPolicy" | "adoptedKeySet" | "policyReleaseRecord" | "policyReleaseHistory";

import { PACKAGE, pluginTypeToken } from "./pluginPackage";

export { PACKAGE, pluginTypeToken };

/** The type token the same resource had as a dynamic resource (state from before the plugin). */
export const dynamicTypeToken = (dynamicType: string): string => `pulumi-nodejs:dynamic/${PACKAGE}:${dynamicType}`;

let insidePlugin = false;

/**
 * Called by the provider plugin (host/plugin/main.ts) when it starts: the resources it registers
 * (from the components `construct` builds) take the provider their component was given, not one
 * made from stack config.
 */
export function runInsidePlugin(): void {
  insidePlugin = true;
}

/** The provider a resource gets when its options name none: its tenant's, unless a parent passes one down. */
function providerFor(type: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined): pulumi.ProviderResource | undefined {
  if (opts?.provider || insidePlugin || opts?.parent?.getProvider(type)) return opts?.provider;
  const ns = inputs.configNamespace;
  return tenantProvider(typeof ns === "string" && ns !== "" ? ns : DEFAULT_CONFIG_NAMESPACE);
}

/** What an object folder says about its resource. */
export interface ResourceDefinition<Args, Outputs, Shown extends keyof Outputs & string> {
  /** The implementation that serves it (host/index.ts). */
  provider: ProviderKind;
  /** The last part of its type token, e.g. "IdentityProvider" (state keeps it: never change it). */
  type: string;
  /**
   * The last part of its type token as a dynamic resource, when it differs from `type` (state from
   * before the plugin keeps it; the alias moves it). Three differ: a TypeScript component took the
   * name, and one package's resources and components share one namespace of names (the schema's).
   */
  dynamicType?: string;
  /** The provider's outputs the resource shows; each is typed from the provider's state type, declared there once. */
  outputs: readonly Shown[];
  /** Registers `attemptOwner` (which stack and resource attempts a create) for the attempt journal (kernel/ownership/). */
  attemptJournal?: boolean;
  /** Checks the arguments at construction, before anything is registered (throws InputError). */
  check?: (name: string, args: Args) => void;
  /** The inputs registered for these arguments; default the arguments as they are. */
  inputs?: (args: Args) => object;
}

/** The outputs a resource shows: each a Pulumi Output of the provider's state field of that name. */
export type ResourceOutputs<Outputs, Shown extends keyof Outputs> = { readonly [K in Shown]-?: pulumi.Output<Outputs[K]> };

/** The class defineResource makes: `new X(name, args, opts)`, typed by its arguments and outputs. */
export interface ResourceClass<Args, Outputs, Shown extends keyof Outputs> {
  new (name: string, args: Args, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource & ResourceOutputs<Outputs, Shown>;
  /** The outputs the resource shows (what `definition.outputs` listed). */
  readonly outputNames: readonly Shown[];
  /** The implementation that serves it (host/index.ts). */
  readonly providerKind: ProviderKind;
  /** The last part of its type token (`definition.type`). */
  readonly typeName: string;
}

/**
 * Whether the SDK's promise stacks are wanted. The Node SDK formats a stack trace (`new
 * Error().stack`, through source-map-support) for each of the four promises of every property a
 * resource registers (@pulumi/pulumi runtime/rpc.js transferProperties, runtime/debuggable.js
 * debuggablePromise), synchronously in the resource's constructor, and shows them only in its
 * promise-leak report, which PULUMI_DEBUG_PROMISE_LEAKS turns on. For a large tenant's program that
 * was the largest single cost of a no-op preview (about 0.4 s of 4 s: README, Performance). So the
 * constructor registers with no frames to format unless that report is asked for. The resource's
 * source position is unaffected: the SDK captures it itself with an unlimited stack
 * (resource.js Resource.callsites).
 */
const KEEP_PROMISE_STACKS = Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS);

/**
 * A resource class for an object folder, typed from its arguments and its provider's state type, so
 * a field is declared once (in the provider's state type) and shown by name:
 *
 *     export class UserFlowResource extends defineResource<UserFlowResourceArgs, UserFlowState>()({
 *       provider: "userFlow", type: "UserFlow", outputs: ["userFlowId", "runUserFlowUrl", "creationId"], attemptJournal: true,
 *     }) {}
 *
 * (Two calls, so the arguments and outputs are given and the shown names inferred.) The inputs it
 * registers are the arguments (or `inputs(args)`), `attemptOwner` when asked, and each shown
 * output as undefined: an undefined input is not sent (so state holds exactly what it held before),
 * and it is what makes Pulumi expose the output as a property.
 */
export function defineResource<Args extends object, Outputs>() {
  return <Shown extends keyof Outputs & string>(definition: ResourceDefinition<Args, Outputs, Shown>): ResourceClass<Args, Outputs, Shown> => {
    const inputsOf = (name: string, args: Args): pulumi.Inputs => {
      definition.check?.(name, args);
      return {
        ...Object.fromEntries(definition.outputs.map((output) => [output, undefined])),
        ...(definition.attemptJournal ? { attemptOwner: attemptOwnerOf(name) } : {}),
        ...(definition.inputs ? definition.inputs(args) : args),
      };
    };
    const token = pluginTypeToken(definition.type);
    const alias = dynamicTypeToken(definition.dynamicType ?? definition.type);
    class Defined extends pulumi.CustomResource {
      constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
        const inputs = inputsOf(name, args);
        const options = { ...opts, provider: providerFor(token, inputs, opts), aliases: [...(opts?.aliases ?? []), { type: alias }] };
        const limit = Error.stackTraceLimit;
        if (!KEEP_PROMISE_STACKS) Error.stackTraceLimit = 0;
        try {
          super(token, name, inputs, options);
        } finally {
          Error.stackTraceLimit = limit;
        }
      }
    }
    Object.assign(Defined, { outputNames: definition.outputs, providerKind: definition.provider, typeName: definition.type });
    return Defined as unknown as ResourceClass<Args, Outputs, Shown>;
  };
}
