// Serves the `b2c-identity` provider over gRPC with @pulumi/pulumi's Node provider server
// (`pulumi.provider.main`), changing the four methods where that server (3.248) does not do what
// this provider needs (node_modules/@pulumi/pulumi/provider/server.js):
// - `configure` ignores the provider's configuration; ours keeps it (tenantId, clientId,
//   clientSecret, …) for the resource methods (provider.ts);
// - `checkConfig` and `diffConfig` are unimplemented; ours accept the configuration as given and
//   never replace the resources of a provider whose configuration changes (a new client secret is
//   an update of the provider, not a new tenant object);
// - `read` reads `req.getProperties().toJavaScript()`, and the read `pulumi import` sends has no
//   properties, so it fails with "Cannot read properties of undefined (reading 'toJavaScript')"; ours
//   gives it empty properties (and inputs). Still so in @pulumi/pulumi 3.276.0.
// - `create` and `update` ignore the request's `preview` flag (it would write during a preview), so
//   `configure` did not answer `supportsPreview`; ours does, and answers a preview's Create with
//   preview's ownership look (ResourceMethods.previewCreate) and its Update with the new inputs,
//   which is what the engine itself answers for a provider without previews (pulumi/pulumi
//   pkg/resource/plugin/provider_plugin.go, Create and Update). The engine sends those calls for many
//   resources at once, while Check comes one resource at a time.
// The server is private to @pulumi/pulumi; the one place to change its methods is the object it
// hands to grpc-js's `addService`, so this wraps that call while `main` starts.
import { createRequire } from "module";
import * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "../../kernel/providerContext";
import type { PluginConfig, ProviderIdentity } from "./provider";

const fromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = fromPulumi("@grpc/grpc-js");
const provproto = fromPulumi("./proto/provider_pb");
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb");

/** A Pulumi Node provider that also takes its configuration. */
export interface ConfiguredProviderServer extends pulumi.provider.Provider {
  /** `provider`: the provider resource's name and URN, from the ConfigureRequest. */
  configure(config: PluginConfig, provider?: ProviderIdentity): void;
  /** A preview's Create: the checks that need the tenant, with no write; failures name the property. */
  previewCreate(urn: string, inputs: any): Promise<CheckFailure[]>;
}

/** The provider configuration from a ConfigureRequest: its args, secrets unwrapped, values as strings. */
export function configurationOf(args: Record<string, unknown>): PluginConfig {
  const config: PluginConfig = {};
  for (const [key, raw] of Object.entries(args)) {
    const value = pulumi.runtime.unwrapRpcSecret(raw);
    if (value === undefined || value === null || key === "version") continue;
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

function methodsFor(server: any, provider: ConfiguredProviderServer): object {
  const overrides = {
    configure(call: any, callback: any) {
      try {
        const req = call.request;
        provider.configure(configurationOf(req.getArgs()?.toJavaScript() ?? {}), { name: req.getName() || undefined, urn: req.getUrn() || undefined });
        const resp = new provproto.ConfigureResponse();
        resp.setAcceptsecrets(true);
        resp.setAcceptresources(true);
        resp.setAcceptoutputs(true);
        resp.setSupportspreview(true);
        callback(undefined, resp);
      } catch (error) {
        callback(error, undefined);
      }
    },
    checkConfig(call: any, callback: any) {
      const resp = new provproto.CheckResponse();
      resp.setInputs(call.request.getNews());
      callback(undefined, resp);
    },
    diffConfig(call: any, callback: any) {
      const olds = JSON.stringify(call.request.getOlds()?.toJavaScript() ?? {});
      const news = JSON.stringify(call.request.getNews()?.toJavaScript() ?? {});
      const resp = new provproto.DiffResponse();
      resp.setChanges(olds === news ? provproto.DiffResponse.DiffChanges.DIFF_NONE : provproto.DiffResponse.DiffChanges.DIFF_SOME);
      callback(undefined, resp);
    },
    create(call: any, callback: any) {
      const req = call.request;
      if (!req.getPreview()) return server.create(call, callback);
      provider.previewCreate(req.getUrn(), req.getProperties()?.toJavaScript() ?? {}).then(
        (failures) => {
          if (failures.length > 0) {
            const message = failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ");
            callback(server.buildInvalidPropertiesError(message, failures.map((f) => ({ propertyPath: f.property, reason: f.reason }))), undefined);
            return;
          }
          const resp = new provproto.CreateResponse();
          resp.setProperties(req.getProperties());
          callback(undefined, resp);
        },
        (error: unknown) => callback(error, undefined),
      );
    },
    update(call: any, callback: any) {
      const req = call.request;
      if (!req.getPreview()) return server.update(call, callback);
      const resp = new provproto.UpdateResponse();
      resp.setProperties(req.getNews());
      callback(undefined, resp);
    },
    read(call: any, callback: any) {
      const req = call.request;
      if (!req.getProperties()) req.setProperties(new structproto.Struct());
      if (!req.getInputs()) req.setInputs(new structproto.Struct());
      return server.read(call, callback);
    },
  };
  return Object.assign(Object.create(server), overrides);
}

/** Starts the gRPC server for `provider` and prints its port (what the engine reads). */
export async function serve(provider: ConfiguredProviderServer, args: string[]): Promise<void> {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: unknown, service: unknown, implementation: unknown) {
    return addService.call(this, service, methodsFor(implementation, provider));
  };
  try {
    await pulumi.provider.main(provider, args);
  } finally {
    grpc.Server.prototype.addService = addService;
  }
}
