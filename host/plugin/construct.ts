// `construct`: a component declared from another language (YAML, Python, Go, .NET) is built here by
// the same TypeScript class a TypeScript program uses; its resources register from this process
// as the plugin's own `b2c-identity:index:*` resources (kernel/resource.ts).
import * as pulumi from "@pulumi/pulumi";
import { pluginTypeToken } from "../../kernel/resource";
import { COMPONENT_CLASSES } from "./resources";
import { type PackageSchema, propertiesAsSchemaSays } from "./schemaValues";

type ComponentName = keyof typeof COMPONENT_CLASSES;

/** The component type tokens `construct` builds. */
export const COMPONENT_TYPES: readonly string[] = Object.keys(COMPONENT_CLASSES).map(pluginTypeToken);

/** What a component shows other languages: its own Output fields (the schema's `properties`). */
export function componentState(component: pulumi.ComponentResource): pulumi.Inputs {
  return Object.fromEntries(
    Object.entries(component).filter(([key, value]) => key !== "urn" && !key.startsWith("__") && pulumi.Output.isInstance(value)),
  );
}

/** Builds the component of type `type` from its inputs, typed as `schema` says, and answers its URN and outputs. */
export async function construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions, schema: PackageSchema = {}): Promise<pulumi.provider.ConstructResult> {
  const className = Object.keys(COMPONENT_CLASSES).find((name) => pluginTypeToken(name) === type);
  if (!className) {
    throw new Error(`The b2c-identity provider builds no component '${type}'. Its components: ${COMPONENT_TYPES.join(", ")}.`);
  }
  const Component = COMPONENT_CLASSES[className as ComponentName] as unknown as new (name: string, args: object, opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;
  const component = new Component(name, propertiesAsSchemaSays(inputs, schema.resources?.[type]?.inputProperties, schema), options);
  return { urn: component.urn, state: componentState(component) };
}
