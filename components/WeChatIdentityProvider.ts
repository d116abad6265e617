import * as pulumi from "@pulumi/pulumi";
import { AppIdentityProviderArgs, createAppIdentityProvider, IdentityProviderOutputs } from "./SocialIdentityProvider";

export type WeChatIdentityProviderArgs = AppIdentityProviderArgs;

/**
 * The WeChat identity provider of a B2C tenant, from its APP ID and APP KEY
 * (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat).
 */
export class WeChatIdentityProvider extends pulumi.ComponentResource implements IdentityProviderOutputs {
  readonly identityProviderId: pulumi.Output<string>;
  readonly type: pulumi.Output<string>;
  readonly displayName: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  readonly redirectUri: pulumi.Output<string>;

  constructor(name: string, args: WeChatIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2c-identity:index:WeChatIdentityProvider", name, {}, opts);
    const outputs = createAppIdentityProvider(this, `WeChatIdentityProvider "${name}"`, name, "WeChat", args);
    this.identityProviderId = outputs.identityProviderId;
    this.type = outputs.type;
    this.displayName = outputs.displayName;
    this.clientId = outputs.clientId;
    this.redirectUri = outputs.redirectUri;
    this.registerOutputs({ ...outputs });
  }
}
