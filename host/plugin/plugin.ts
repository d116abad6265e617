// The `b2c-identity` provider: the resource methods (provider.ts) and components (construct.ts).
import type * as pulumi from "@pulumi/pulumi";
import { construct } from "./construct";
import { type PluginConfig, type ProviderIdentity, ResourceMethods } from "./provider";
import type { ConfiguredProviderServer } from "./server";

export function b2cIdentityProvider(version: string, schema: string | undefined): ConfiguredProviderServer {
  const methods = new ResourceMethods();
  const parsedSchema = schema ? JSON.parse(schema) : {};
  return {
    version,
    schema,
    configure: (config: PluginConfig, provider?: ProviderIdentity) => methods.configure(config, provider),
    check: (urn, olds, news) => methods.check(urn, olds, news),
    diff: (id, urn, olds, news) => methods.diff(id, urn, olds, news),
    create: (urn, inputs) => methods.create(urn, inputs),
    previewCreate: (urn, inputs) => methods.previewCreate(urn, inputs),
    read: (id, urn, props) => methods.read(id, urn, props),
    update: (id, urn, olds, news) => methods.update(id, urn, olds, news),
    delete: (id, urn, props) => methods.delete(id, urn, props),
    construct: (name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions) => construct(name, type, inputs, options, parsedSchema),
  };
}
