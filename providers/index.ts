// The provider implementations, loaded at deploy time by the thin stub each resource carries in
// state (providers/thinProvider.ts). One dynamic provider per Graph object.
import type * as pulumi from "@pulumi/pulumi";
import { adoptedKeySetProvider } from "./adoptedKeySet";
import { upgradingFirstReleaseState } from "./firstReleaseState";
import { identityProviderProvider } from "./identityProvider";
import { policyKeyProvider } from "./policyKey";
import { policyReleaseHistoryProvider, policyReleaseRecordProvider } from "./policyReleases";
import { type ConfiguredProvider, withConfigNamespace } from "./providerContext";
import type { ProviderKind } from "./thinProvider";
import { trustFrameworkPolicyProvider } from "./trustFrameworkPolicy";
import { userFlowProvider } from "./userFlow";
import { userFlowIdentityProviderProvider } from "./userFlowIdentityProvider";

// Each resource names its tenant's config namespace in the `configNamespace` input (providerContext.ts);
// state written by the first release moves onto the thin stub in one update (firstReleaseState.ts).
const serving = <P extends pulumi.dynamic.ResourceProvider & ConfiguredProvider>(provider: P): P =>
  upgradingFirstReleaseState(withConfigNamespace(provider));

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
