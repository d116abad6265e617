// The provider implementations, loaded at deploy time by the thin stub each resource carries in
// state (providers/thinProvider.ts). One dynamic provider per Graph object.
import { adoptedKeySetProvider } from "./adoptedKeySet";
import { identityProviderProvider } from "./identityProvider";
import { policyKeyProvider } from "./policyKey";
import type { ProviderKind } from "./thinProvider";
import { trustFrameworkPolicyProvider } from "./trustFrameworkPolicy";
import { userFlowProvider } from "./userFlow";
import { userFlowIdentityProviderProvider } from "./userFlowIdentityProvider";

export const providerImplementations: Record<ProviderKind, object> = {
  identityProvider: identityProviderProvider,
  userFlow: userFlowProvider,
  userFlowIdentityProvider: userFlowIdentityProviderProvider,
  policyKey: policyKeyProvider,
  trustFrameworkPolicy: trustFrameworkPolicyProvider,
  adoptedKeySet: adoptedKeySetProvider,
};
