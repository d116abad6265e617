// How an object folder declares its resource: "this resource kind, these arguments, these outputs
// of this provider" (defineResource below). Only the kernel knows how the resource reaches the
// engine, two ways:
// - in a TypeScript program, a Pulumi dynamic resource whose provider is the thin stub
//   (thinProvider.ts), type token `pulumi-nodejs:dynamic/b2c-identity:<type>`;
// - inside the provider plugin (host/plugin/), where components are constructed for other languages,
//   a custom resource of type `b2c-identity:index:<type>`, served by the plugin itself.
import * as pulumi from "@pulumi/pulumi";
import { attemptOwnerOf } from "./ownership/gate";
import { type ProviderKind, thinProvider } from "./thinProvider";

/** The package part of every resource's type token (state keeps it: never change it). */
export const PACKAGE = "b2c-identity";

/** The plugin's type token of a resource type, e.g. `b2c-identity:index:IdentityProvider`. */
export const pluginTypeToken = (type: string): string => `${PACKAGE}:index:${type}`;

let registersPluginResources = false;

/**
 * Called by the provider plugin (host/plugin/main.ts) before it loads the object folders: the
 * resource classes defined after it (at module load) are the plugin's own
 * `b2c-identity:index:<type>` resources, which the components `construct` builds register.
 */
export function registerPluginResources(): void {
  registersPluginResources = true;
}

/** What an object folder says about its resource. */
export interface ResourceDefinition<Args, Outputs, Shown extends keyof Outputs & string> {
  /** The provider that serves it, by the name its stub carries into state (host/index.ts). */
  provider: ProviderKind;
  /** The last part of its type token, e.g. "IdentityProvider" (state keeps it: never change it). */
  type: string;
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
  /** Its provider's name (thinProvider.ts). */
  readonly providerKind: ProviderKind;
  /** The last part of its type token (`definition.type`). */
  readonly typeName: string;
}

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
    const Defined = registersPluginResources
      ? class extends pulumi.CustomResource {
          constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
            super(pluginTypeToken(definition.type), name, inputsOf(name, args), opts);
          }
        }
      : class extends pulumi.dynamic.Resource {
          constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
            super(thinProvider(definition.provider), name, inputsOf(name, args), opts, PACKAGE, definition.type);
          }
        };
    Object.assign(Defined, { outputNames: definition.outputs, providerKind: definition.provider, typeName: definition.type });
    return Defined as unknown as ResourceClass<Args, Outputs, Shown>;
  };
}
