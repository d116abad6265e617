import * as pulumi from "@pulumi/pulumi";
import { AppIdentityProviderArgs, createAppIdentityProvider, IdentityProviderComponent } from "./SocialIdentityProvider";

export type WeChatIdentityProviderArgs = AppIdentityProviderArgs;

/**
 * The WeChat identity provider of a B2C tenant, from its APP ID and APP KEY
 * (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat).
 */
export class WeChatIdentityProvider extends IdentityProviderComponent {
  constructor(name: string, args: WeChatIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "b2c-identity:index:WeChatIdentityProvider",
      name,
      (parent) => createAppIdentityProvider(parent, `WeChatIdentityProvider "${name}"`, name, "WeChat", args),
      opts,
    );
  }
}
