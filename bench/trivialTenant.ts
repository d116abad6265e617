// The floor the large tenant is measured against: a program of the same shape made of trivial
// dynamic resources. Its shape is taken from the large tenant's own state after `up` (shapeOf):
// every component and custom resource by name and type, its parent, its dependencies (each input
// that depended on another resource, and the rest of its `dependencies`), the components' and the
// stack's outputs. trivialTenant(shape) declares the same tree: each component a plain
// ComponentResource of the same type, each custom resource a `pulumi.dynamic.Resource` whose
// provider's `create` returns the recorded id at once (no read, diff, update or delete: the
// dynamic-provider host's defaults, Pulumi sdk/nodejs/cmd/dynamic-provider), each dependency an
// input holding the other resource's id (or a dependsOn), and the same stack outputs. Provider
// resources are left out of the shape: the plugin program has its explicit `b2c-identity` provider,
// the trivial one the engine's default `pulumi-nodejs` provider.
import * as pulumi from "@pulumi/pulumi";

/** A value of the outputs: as recorded, with each string that is a custom resource's id pointing at it. */
type ShapeValue = string | number | boolean | null | { $id: number } | { $secret: true } | ShapeValue[] | { [key: string]: ShapeValue };

export interface ShapeNode {
  name: string;
  /** The full type token of the large tenant's resource. */
  type: string;
  custom: boolean;
  /** Index of the parent node (absent: the stack). */
  parent?: number;
  /** Custom resources: the id it had. */
  id?: string;
  /** Each input that depended on other resources: the indexes of those. */
  propertyDependencies: Record<string, number[]>;
  /** Dependencies not already named by an input. */
  dependsOn: number[];
  /** Components: the outputs they registered. */
  outputs?: ShapeValue;
}

export interface Shape {
  nodes: ShapeNode[];
  stackOutputs: ShapeValue;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const isShapeResource = (r: any) => r.type !== "pulumi:pulumi:Stack" && !String(r.type).startsWith("pulumi:providers:");

/** The shape of a stack, from its `pulumi stack export` (resources in the order state keeps: parents and dependencies first). */
export function shapeOf(state: any): Shape {
  const all: any[] = state.deployment.resources ?? [];
  const resources = all.filter(isShapeResource);
  const index = new Map<string, number>(resources.map((r, i) => [r.urn, i]));
  const byId = new Map<string, number>();
  resources.forEach((r, i) => {
    if (r.custom && typeof r.id === "string" && !byId.has(r.id)) byId.set(r.id, i);
  });
  const value = (v: any): ShapeValue => {
    if (typeof v === "string") return byId.has(v) ? { $id: byId.get(v)! } : v;
    if (Array.isArray(v)) return v.map(value);
    if (v && typeof v === "object") {
      if (SECRET_SIG in v) return { $secret: true };
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, value(item)]));
    }
    return v ?? null;
  };
  const indexes = (urns: string[] | undefined) => (urns ?? []).filter((u) => index.has(u)).map((u) => index.get(u)!);
  const nodes = resources.map((r): ShapeNode => {
    const propertyDependencies: Record<string, number[]> = {};
    for (const [key, urns] of Object.entries((r.propertyDependencies ?? {}) as Record<string, string[]>)) {
      const deps = indexes(urns);
      if (deps.length > 0) propertyDependencies[key] = deps;
    }
    const named = new Set(Object.values(propertyDependencies).flat());
    return {
      name: r.urn.split("::").pop(),
      type: r.type,
      custom: Boolean(r.custom),
      ...(index.has(r.parent) ? { parent: index.get(r.parent)! } : {}),
      ...(r.custom ? { id: r.id } : {}),
      propertyDependencies,
      dependsOn: indexes(r.dependencies).filter((i) => !named.has(i)),
      ...(!r.custom && r.outputs ? { outputs: value(r.outputs) } : {}),
    };
  });
  const stack = all.find((r) => r.type === "pulumi:pulumi:Stack");
  return { nodes, stackOutputs: value(stack?.outputs ?? {}) };
}

/**
 * What two shapes have in common, to check that the trivial program made the tree it was given:
 * each node as "name < parent name | dependency names", custom or not (types differ by design).
 */
export function shapeSignature(shape: Shape): string[] {
  return shape.nodes
    .map((n) => {
      const names = (is: number[]) => is.map((i) => shape.nodes[i].name).sort().join(",");
      const deps = Object.entries(n.propertyDependencies).map(([k, is]) => `${k}=${names(is)}`).sort().join(";");
      return `${n.custom ? "custom" : "component"} ${n.name} < ${n.parent === undefined ? "" : shape.nodes[n.parent].name} | ${deps} | ${names(n.dependsOn)}`;
    })
    .sort();
}

/** The trivial provider: the id it is given, at once. Serialized into each resource's state by the SDK. */
const trivialProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) {
    return { id: inputs.rid, outs: {} };
  },
};

/** A trivial dynamic resource (pulumi.dynamic.Resource is abstract). */
class TrivialResource extends pulumi.dynamic.Resource {
  constructor(type: string, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(trivialProvider, name, inputs, opts, "b2c-identity-trivial", type);
  }
}

/** A component of the shape's type; the large tenant's components register their outputs when their children are made. */
class TrivialComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }
  finish(outputs: unknown): void {
    this.registerOutputs(outputs as pulumi.Inputs);
  }
}

/** The trivial program of a shape; returns the stack outputs, as the large tenant's program does. */
export function trivialTenant(shape: Shape): () => unknown {
  return () => {
    const made: pulumi.Resource[] = [];
    const idOf = (i: number): pulumi.Output<string> => {
      const r = made[i];
      return pulumi.CustomResource.isInstance(r) ? r.id : r.urn;
    };
    const materialize = (v: ShapeValue): unknown => {
      if (Array.isArray(v)) return v.map(materialize);
      if (v && typeof v === "object") {
        if ("$id" in v && typeof v.$id === "number") return idOf(v.$id);
        if ("$secret" in v) return pulumi.secret("trivial");
        return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, materialize(item as ShapeValue)]));
      }
      return v;
    };
    for (const n of shape.nodes) {
      const opts = { parent: n.parent === undefined ? undefined : made[n.parent], dependsOn: n.dependsOn.map((i) => made[i]) };
      if (n.custom) {
        const inputs: Record<string, unknown> = { rid: n.id };
        for (const [key, deps] of Object.entries(n.propertyDependencies)) inputs[key] = deps.length === 1 ? idOf(deps[0]) : pulumi.all(deps.map(idOf));
        made.push(new TrivialResource(n.type.split(":").pop()!, n.name, inputs, opts));
      } else {
        made.push(new TrivialComponent(n.type, n.name, opts));
      }
    }
    shape.nodes.forEach((n, i) => {
      if (!n.custom) (made[i] as TrivialComponent).finish(materialize(n.outputs ?? {}));
    });
    return materialize(shape.stackOutputs);
  };
}
