import * as pulumi from "@pulumi/pulumi";
import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { GraphSettings, requireTenantName } from "../graph/settings";
import { normalizeUserFlowId, runUserFlowUrl } from "../validation/userFlows";
import { changedKeys, ConfiguredProvider, graphOf, readGraceMs, rememberConfig, settingsOf } from "./providerContext";

export interface UserFlowInputs {
  name: string;
  userFlowType: string;
  userFlowTypeVersion: number;
  isLanguageCustomizationEnabled: boolean;
  defaultLanguageTag?: string;
  testApplicationId?: string;
  adoptExisting: boolean;
}

export interface UserFlowOutputs extends UserFlowInputs {
  userFlowId: string;
  runUserFlowUrl?: string;
  adopted: boolean;
  /** Epoch ms of our last write: a refresh soon after it waits out eventual consistency. */
  lastWriteAt: number;
}

interface GraphUserFlow {
  id: string;
  userFlowType?: string;
  userFlowTypeVersion?: number;
  isLanguageCustomizationEnabled?: boolean;
  defaultLanguageTag?: string | null;
}

const COLLECTION = "/identity/b2cUserFlows";

function outputsFrom(inputs: UserFlowInputs, flowId: string, settings: GraphSettings, adopted: boolean): UserFlowOutputs {
  return {
    ...inputs,
    userFlowId: flowId,
    ...(inputs.testApplicationId
      ? {
          runUserFlowUrl: runUserFlowUrl({
            tenantName: requireTenantName(settings),
            tenantDomain: settings.tenantDomain!,
            b2cLoginDomain: settings.b2cLoginDomain,
            userFlowId: flowId,
            applicationId: inputs.testApplicationId,
          }),
        }
      : {}),
    adopted,
    lastWriteAt: Date.now(),
  };
}

async function getFlow(graph: GraphApi, flowId: string, retryNotFoundForMs = 0): Promise<GraphUserFlow | undefined> {
  return graph.requestOrUndefined<GraphUserFlow>({
    method: "GET",
    version: "beta",
    path: `${COLLECTION}/${encodeURIComponent(flowId)}`,
    description: `read user flow ${flowId}`,
    retryNotFoundForMs,
  });
}

export interface UserFlowProvider extends pulumi.dynamic.ResourceProvider, ConfiguredProvider {}

/** Dynamic provider for one B2C user flow: Graph beta /identity/b2cUserFlows. */
export const userFlowProvider: UserFlowProvider = {
  configure: rememberConfig,

  async diff(_id, olds: UserFlowOutputs, news: UserFlowInputs) {
    // A flow's id, type and version are fixed at creation, and Graph documents no update for the
    // language settings: all of these need a new flow. The id is reused, so delete first.
    const replaces = changedKeys(
      { ...olds, name: normalizeUserFlowId(olds.name) },
      { ...news, name: normalizeUserFlowId(news.name) },
      ["name", "userFlowType", "userFlowTypeVersion", "isLanguageCustomizationEnabled", "defaultLanguageTag"],
    );
    const changes = changedKeys(olds as any, news as any, ["testApplicationId"]);
    return {
      changes: replaces.length + changes.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0,
    };
  },

  async create(inputs: UserFlowInputs) {
    const settings = settingsOf(this);
    const graph = new GraphApi(settings);
    const flowId = normalizeUserFlowId(inputs.name);
    if (inputs.adoptExisting) {
      const existing = await getFlow(graph, flowId);
      if (existing) return { id: existing.id, outs: outputsFrom(inputs, existing.id, settings, true) };
    }
    try {
      const result = await graph.call<GraphUserFlow>({
        method: "POST",
        version: "beta",
        path: COLLECTION,
        body: {
          id: flowId,
          userFlowType: inputs.userFlowType,
          userFlowTypeVersion: inputs.userFlowTypeVersion,
          isLanguageCustomizationEnabled: inputs.isLanguageCustomizationEnabled,
          ...(inputs.defaultLanguageTag ? { defaultLanguageTag: inputs.defaultLanguageTag } : {}),
        },
        description: `create user flow ${flowId}`,
      });
      const id = result.value?.id ?? flowId;
      return { id, outs: outputsFrom(inputs, id, settings, false) };
    } catch (error) {
      if (!isGraphRequestError(error) || (error.status !== 400 && error.status !== 409)) throw error;
      // After a dropped connection the duplicate is most likely our own first attempt, which reads
      // may not see yet (eventual consistency): wait for it as for any object just created.
      const existing = await getFlow(graph, flowId, error.afterNetworkRetry ? 30_000 : 0);
      if (!existing) throw error;
      if (error.afterNetworkRetry) return { id: existing.id, outs: outputsFrom(inputs, existing.id, settings, false) };
      throw new Error(
        `User flow ${existing.id} already exists in tenant ${settings.tenantId}. To manage it from this stack set ` +
          `adoptExisting: true on the B2CUserFlow; otherwise choose another name or delete the flow in the portal.`,
      );
    }
  },

  async read(id, props: UserFlowOutputs) {
    const current = await getFlow(graphOf(this), id, readGraceMs(props.lastWriteAt));
    if (!current) return { id: "", props: {} };
    return {
      id: current.id,
      props: {
        ...props,
        userFlowId: current.id,
        userFlowType: current.userFlowType ?? props.userFlowType,
        userFlowTypeVersion: current.userFlowTypeVersion ?? props.userFlowTypeVersion,
        isLanguageCustomizationEnabled: current.isLanguageCustomizationEnabled ?? props.isLanguageCustomizationEnabled,
        ...(current.defaultLanguageTag ? { defaultLanguageTag: current.defaultLanguageTag } : {}),
      },
    };
  },

  async update(id, olds: UserFlowOutputs, news: UserFlowInputs) {
    // Only testApplicationId reaches here (see diff): it changes the test URL, not the tenant.
    return { outs: { ...outputsFrom(news, id, settingsOf(this), olds.adopted ?? false), lastWriteAt: olds.lastWriteAt ?? 0 } };
  },

  async delete(id) {
    await graphOf(this).requestOrUndefined({
      method: "DELETE",
      version: "beta",
      path: `${COLLECTION}/${encodeURIComponent(id)}`,
      description: `delete user flow ${id}`,
    });
  },
};

/** The dynamic resource behind B2CUserFlow (`pulumi-nodejs:dynamic/b2c-identity:UserFlow`). */
export class UserFlowResource extends pulumi.dynamic.Resource {
  declare readonly userFlowId: pulumi.Output<string>;
  declare readonly runUserFlowUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(userFlowProvider, name, { userFlowId: undefined, runUserFlowUrl: undefined, adopted: undefined, ...args }, opts, "b2c-identity", "UserFlow");
  }
}
