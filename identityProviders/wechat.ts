import * as pulumi from "@pulumi/pulumi";
import { AppIdentityProviderArgs, buildAppIdentityProvider, IdentityProviderComponent } from "./component";

export type WeChatIdentityProviderArgs = AppIdentityProviderArgs;

/**
 * The host WeChat's 授权回调域 ("Authorization callback domain") wants: the domain of the B2C
 * sign-in pages only (`<tenant>.b2clogin.com`, `.b2clogin.cn` in China, or the custom domain), never
 * a URL; WeChat rejects the redirect when a URL is pasted there.
 * https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat
 */
export function callbackDomainOf(redirectUri: string): string {
  // Not `new URL`: under mocks or in a preview the URL may not be a string yet; that gives "".
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(typeof redirectUri === "string" ? redirectUri : "");
  return match ? match[1].toLowerCase() : "";
}

/**
 * The WeChat identity provider of a B2C tenant, from its APP ID and APP KEY
 * (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat). Needs an
 * approved Weixin Open Platform account and website application (https://open.weixin.qq.com).
 */
export class WeChatIdentityProvider extends IdentityProviderComponent {
  /**
   * What to enter as 授权回调域 (Authorization callback domain) in the Weixin Open Platform app:
   * the host only, e.g. "contoso.b2clogin.com". `redirectUri` is the full callback URL, for
   * providers (such as QQ) whose portal asks for one.
   */
  readonly callbackDomain: pulumi.Output<string>;

  constructor(name: string, args: WeChatIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    let callbackDomain: pulumi.Output<string> | undefined;
    super(
      "b2c-identity:index:WeChatIdentityProvider",
      name,
      (parent) => {
        const outputs = buildAppIdentityProvider(parent, `WeChatIdentityProvider "${name}"`, name, "WeChat", args);
        callbackDomain = outputs.redirectUri.apply(callbackDomainOf);
        return { ...outputs, callbackDomain };
      },
      opts,
    );
    this.callbackDomain = callbackDomain!;
  }
}
