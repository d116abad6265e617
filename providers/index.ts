// The provider implementations, loaded at deploy time by the thin stub each resource carries in
// state (providers/thinProvider.ts). One dynamic provider per Graph object.
import { adoptedKeySetProvider } from "./adoptedKeySet";
import { identityProviderProvider } from "./identityProvider";
import { policyKeyProvider } from "./policyKey";
import { withConfigNamespace } from "./providerContext";
import type { ProviderKind } from "./thinProvider";
import { trustFrameworkPolicyProvider } from "./trustFrameworkPolicy";
import { userFlowProvider } from "./userFlow";
import { userFlowIdentityProviderProvider } from "./userFlowIdentityProvider";

// Each resource names its tenant's config namespace in the `configNamespace` input (providerContext.ts).
export const providerImplementations: Record<ProviderKind, object> = {
  identityProvider: withConfigNamespace(identityProviderProvider),
  userFlow: withConfigNamespace(userFlowProvider),
  userFlowIdentityProvider: withConfigNamespace(userFlowIdentityProviderProvider),
  policyKey: withConfigNamespace(policyKeyProvider),
  trustFrameworkPolicy: withConfigNamespace(trustFrameworkPolicyProvider),
  adoptedKeySet: withConfigNamespace(adoptedKeySetProvider),
};
