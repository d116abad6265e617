// Values other languages send to `construct`, made the types the schema gives. Pulumi YAML turns a
// digits-only stack config value into a number, even where the schema says string
// (pulumi/pulumi-yaml#577): a QQ APP ID such as 101000001 would reach the component as a number and
// fail its check. Where the schema says string, a number becomes its decimal text.
import * as pulumi from "@pulumi/pulumi";

/** The parts of a Pulumi package schema this reads (https://www.pulumi.com/docs/iac/extending-pulumi/schema/). */
export interface TypeSpec {
  type?: string;
  $ref?: string;
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
}
export interface PackageSchema {
  resources?: Record<string, { inputProperties?: Record<string, TypeSpec> }>;
  types?: Record<string, { properties?: Record<string, TypeSpec> }>;
}

const TYPE_REF = "#/types/";

/** `value` with every number standing where `spec` says string turned into its text. */
export function asSchemaSays(value: unknown, spec: TypeSpec | undefined, schema: PackageSchema): unknown {
  if (spec === undefined || value === undefined || value === null) return value;
  if (pulumi.Output.isInstance(value)) return value.apply((resolved) => asSchemaSays(resolved, spec, schema));
  if (spec.type === "string") return typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (spec.type === "array" && Array.isArray(value)) return value.map((item) => asSchemaSays(item, spec.items, schema));
  if (spec.type === "object" && spec.additionalProperties && isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asSchemaSays(item, spec.additionalProperties, schema)]));
  }
  if (spec.$ref?.startsWith(TYPE_REF) && isRecord(value)) {
    return propertiesAsSchemaSays(value, schema.types?.[spec.$ref.slice(TYPE_REF.length)]?.properties, schema);
  }
  return value;
}

/** Each property of `values` as its spec in `properties` says. */
export function propertiesAsSchemaSays(values: Record<string, unknown>, properties: Record<string, TypeSpec> | undefined, schema: PackageSchema): Record<string, unknown> {
  if (!properties) return values;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, asSchemaSays(value, properties[key], schema)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
