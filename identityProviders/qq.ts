import * as pulumi from "@pulumi/pulumi";
import { AppIdentityProviderArgs, buildAppIdentityProvider, IdentityProviderComponent } from "./component";

export type QQIdentityProviderArgs = AppIdentityProviderArgs;

/**
 * The QQ identity provider of a B2C tenant, from its APP ID and APP KEY
 * (https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-qq).
 */
export class QQIdentityProvider extends IdentityProviderComponent {
  constructor(name: string, args: QQIdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "b2c-identity:index:QQIdentityProvider",
      name,
      (parent) => buildAppIdentityProvider(parent, `QQIdentityProvider "${name}"`, name, "QQ", args),
      opts,
    );
  }
}
