// The custom-policy part of the tenant benchmark, kept apart so the core bench does not depend on it.
import type { PolicyKey } from "../components";

type Call = (method: string, path: string, body?: unknown, contentType?: string) => Promise<void>;

export const extraBenchResources = {
  description: "",
  /**
   * Longest chain of dependent Graph calls in the large tenant: availableProviderTypes (check) ->
   * identity provider POST -> attachment POST.
   */
  criticalPathCalls: 3,
  kinds: [] as { kind: string; program: (variant: 1 | 2) => () => void; minimum: Record<string, number> }[],
  filterFor: (_kind: string) => (_path: string) => false,
  largeTenant: (_keys: PolicyKey[]) => undefined as void,
};

export async function sequentialExtraCalls(_call: Call): Promise<void> {}
