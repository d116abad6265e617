// The resource implementations the provider plugin serves (host/plugin/provider.ts), one per Graph
// object, by the name each resource class gives (kernel/resource.ts ProviderKind).
import { adoptedKeySetProvider } from "../policyKeys/adopted/provider";
import { movingDynamicState } from "../kernel/dynamicState";
import { identityProviderProvider } from "../identityProviders/provider";
import { policyKeyProvider } from "../policyKeys/provider";
import { policyReleaseHistoryProvider, policyReleaseRecordProvider } from "../customPolicies/releases";
import { type ResourceImplementation, withConfigNamespace } from "../kernel/providerContext";
import type { ProviderKind } from "../kernel/resource";
import { trustFrameworkPolicyProvider } from "../customPolicies/provider";
import { userFlowProvider } from "../userFlows/provider";
import { userFlowIdentityProviderProvider } from "../attachments/provider";

// Each resource names its tenant's config namespace in the `configNamespace` input (providerContext.ts);
// state written as a dynamic resource (before the plugin) moves over in one update (kernel/dynamicState.ts).
const serving = <P extends ResourceImplementation>(provider: P): P =>
  movingDynamicState(withConfigNamespace(provider));

export const providerImplementations: Record<ProviderKind, object> = {
  identityProvider: serving(identityProviderProvider),
  userFlow: serving(userFlowProvider),
  userFlowIdentityProvider: serving(userFlowIdentityProviderProvider),
  policyKey: serving(policyKeyProvider),
  trustFrameworkPolicy: serving(trustFrameworkPolicyProvider),
  adoptedKeySet: serving(adoptedKeySetProvider),
  policyReleaseRecord: serving(policyReleaseRecordProvider),
  policyReleaseHistory: serving(policyReleaseHistoryProvider),
};
