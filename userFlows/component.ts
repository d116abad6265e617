import * as pulumi from "@pulumi/pulumi";
import { UserFlowResource } from "./provider";
import { throwIfProblems } from "../kernel/errors";
import { normalizeUserFlowId, USER_FLOW_RULES, UserFlowType, validateUserFlow } from "./rules";
import { callerOf, checkedByCaller, declareOnce, namesFor, tenantInput, TenantArgs, withUnknowns } from "../kernel/inputs";
import { declareOutput } from "../kernel/declarations";

export interface B2CUserFlowArgs extends TenantArgs {
  /** Flow name, with or without the `B2C_1_` prefix Graph adds (e.g. "signupsignin"). 1-64 of [A-Za-z0-9_-]. Ids are case-insensitive: a change of case only is no change; another name replaces the flow. */
  name: string;
  /** signUpOrSignIn, signUp, signIn, passwordReset, profileUpdate or resourceOwner. Changing it replaces the flow. https://learn.microsoft.com/graph/api/resources/b2cidentityuserflow */
  userFlowType: UserFlowType;
  /** User flow version. Left out: 3 (the recommended version) when the stack creates the flow, and never compared, so an adopted v1/v2 flow keeps its version. Changing a declared version replaces a flow the stack created (Graph has no update for it); the flow's identity providers (UserFlowIdentityProvider given this flow's `userFlowId`) are attached again in the same `up`. On an adopted flow it fails with guidance instead. */
  userFlowTypeVersion?: number;
  /** Whether the flow's pages can be translated. Optional: when left out the service default (off) applies and a portal change is not undone. Changes in place (PATCH, https://learn.microsoft.com/graph/api/b2cidentityuserflow-update?view=graph-rest-beta). */
  isLanguageCustomizationEnabled?: boolean;
  /** Default page language, an RFC 5646 tag such as "en" or "zh-Hans". Optional: when left out, whatever the service fills in (e.g. "en") or the portal sets is kept. Changes in place (PATCH). */
  defaultLanguageTag?: string;
  /** Application (client) id of a web app whose reply URL is https://jwt.ms; enables `runUserFlowUrl`. Optional. https://learn.microsoft.com/azure/active-directory-b2c/tutorial-register-applications */
  testApplicationId?: pulumi.Input<string>;
  /** Take over a flow of this name that already exists in the tenant instead of failing. Default false. */
  adoptExisting?: boolean;
}

/** A B2C user flow (Graph beta `/identity/b2cUserFlows`), so that a stack can own its flows. */
export class B2CUserFlow extends pulumi.ComponentResource {
  /** The flow id, `B2C_1_<name>`. */
  readonly userFlowId: pulumi.Output<string>;
  /** With `testApplicationId`: the authorize URL that, like the portal's "Run user flow", returns a token to https://jwt.ms. */
  readonly runUserFlowUrl: pulumi.Output<string | undefined>;
  /** New whenever the flow is created again (a replacement). A UserFlowIdentityProvider given this flow's `userFlowId` uses it by itself, so attachments follow; pass it as `userFlowCreationId` only when the id reaches the attachment through an `apply`. */
  readonly creationId: pulumi.Output<string>;

  constructor(name: string, args: B2CUserFlowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:B2CUserFlow", name, {}, opts);
    // Built by B2CSocialSignIn: named as it wrote them, and what it checked is not checked again.
    const caller = callerOf(args);
    const label = caller?.label ?? `B2CUserFlow "${name}"`;
    const named = namesFor(caller, {}, [...Object.keys(USER_FLOW_RULES), "tenant"]);
    if (caller?.checked !== "all") throwIfProblems(label, validateUserFlow(withUnknowns(args), named));
    const tenant = tenantInput(label, args.tenant, named.tenant ?? "tenant", checkedByCaller(caller, "tenant"));
    declareOnce("user flow", typeof args.name === "string" ? normalizeUserFlowId(args.name) : undefined, named.name ?? "name", label, args.tenant);
    const flow = new UserFlowResource(
      name,
      {
        name: args.name,
        userFlowType: args.userFlowType,
        userFlowTypeVersion: args.userFlowTypeVersion,
        isLanguageCustomizationEnabled: args.isLanguageCustomizationEnabled,
        defaultLanguageTag: args.defaultLanguageTag,
        testApplicationId: args.testApplicationId,
        adoptExisting: args.adoptExisting ?? false,
        ...tenant,
      },
      { parent: this },
    );
    // Attachments given this userFlowId find the flow (and its creationId) through the registry.
    if (typeof args.name === "string") declareOutput(flow.userFlowId, "user flow", normalizeUserFlowId(args.name), args.tenant, flow.creationId);
    this.userFlowId = flow.userFlowId;
    this.runUserFlowUrl = flow.runUserFlowUrl;
    this.creationId = flow.creationId;
    this.registerOutputs({ userFlowId: this.userFlowId, runUserFlowUrl: this.runUserFlowUrl, creationId: this.creationId });
  }
}
