// What the plugin serves: its custom resources (one class per Graph object, declared in each object
// folder with defineResource) and the components other languages build through `construct`.
import { AdoptedKeySetResource } from "../../policyKeys/adopted/provider";
import { B2CSocialSignIn } from "../../signIn/component";
import { B2CUserFlow } from "../../userFlows/component";
import { IdentityProviderResource } from "../../identityProviders/provider";
import { PolicyKeyResource } from "../../policyKeys/provider";
import { PolicyReleaseHistoryResource, PolicyReleaseRecordResource } from "../../customPolicies/releases";
import { QQIdentityProvider } from "../../identityProviders/qq";
import { QQSecretKey, TokenEncryptionKey, TokenSigningKey, WeChatSecretKey } from "../../policyKeys/presets";
import { SocialIdentityProvider } from "../../identityProviders/component";
import { TrustFrameworkPolicyResource } from "../../customPolicies/provider";
import { TrustFrameworkPolicySet } from "../../customPolicies/component";
import { UserFlowIdentityProviderResource } from "../../attachments/provider";
import { UserFlowResource } from "../../userFlows/provider";
import { WeChatIdentityProvider } from "../../identityProviders/wechat";

/** The custom resources, `b2c-identity:index:<typeName>`. */
export const RESOURCE_CLASSES = [
  IdentityProviderResource,
  UserFlowResource,
  UserFlowIdentityProviderResource,
  PolicyKeyResource,
  AdoptedKeySetResource,
  TrustFrameworkPolicyResource,
  PolicyReleaseRecordResource,
  PolicyReleaseHistoryResource,
] as const;

/**
 * The components, by their type token's last part (each registers `b2c-identity:index:<name>`).
 * PolicyKey, UserFlowIdentityProvider and AdoptedKeySet stay TypeScript-only components: in the
 * schema those names are the custom resources, which other languages declare directly.
 */
export const COMPONENT_CLASSES = {
  B2CSocialSignIn,
  WeChatIdentityProvider,
  QQIdentityProvider,
  SocialIdentityProvider,
  WeChatSecretKey,
  QQSecretKey,
  TokenSigningKey,
  TokenEncryptionKey,
  B2CUserFlow,
  TrustFrameworkPolicySet,
} as const;
