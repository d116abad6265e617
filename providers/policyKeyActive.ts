import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { PolicyKeyInfo, GraphKey, KeyForSelection, NO_ACTIVE_KEY_CODES, itemPath, nowSeconds, selectionKey } from "./policyKeyState";

// PolicyKey: which key of a keyset B2C uses now (policyKey.ts explains the lifecycle).

/**
 * The active key by the documented rules (docs/graph-b2c-api.md §4.1): among keys whose nbf has passed
 * and whose exp has not, the one with the latest nbf; failing that, a key without nbf (the
 * "safety net" key without dates); failing that, none (B2C then fails at run time).
 * `certain` is false where the documentation leaves the answer open: a tie on nbf, several
 * undated keys, an undated key with an expiry, or a key that is not `enabled`. Callers then ask
 * Graph's getActiveKey. This keeps a refresh at one GET in the common cases.
 */
export function localActiveKey(keys: readonly KeyForSelection[], now: number = nowSeconds()): { activeKeyId: string; certain: boolean } {
  if (keys.length === 0) return { activeKeyId: "", certain: true };
  const allEnabled = keys.every((k) => k.status === undefined || k.status === "enabled");
  const live = (k: KeyForSelection) => k.exp === undefined || k.exp > now;
  const dated = keys.filter((k) => k.nbf !== undefined && k.nbf <= now && live(k));
  if (dated.length > 0) {
    const latest = Math.max(...dated.map((k) => k.nbf!));
    const tied = dated.filter((k) => k.nbf === latest);
    return { activeKeyId: tied[tied.length - 1].kid, certain: allEnabled && tied.length === 1 };
  }
  const undated = keys.filter((k) => k.nbf === undefined && live(k));
  if (undated.length === 0) return { activeKeyId: "", certain: allEnabled };
  return {
    activeKeyId: undated[undated.length - 1].kid,
    certain: allEnabled && undated.length === 1 && undated[0].exp === undefined,
  };
}

/** activeKeyId: computed locally when the rules decide, else GET getActiveKey. Never throws: it is informational. */
export async function activeKeyOf(graph: GraphApi, keySetId: string, keys: readonly (GraphKey | PolicyKeyInfo)[]): Promise<string> {
  const local = localActiveKey(keys.map(selectionKey));
  if (local.certain) return local.activeKeyId;
  try {
    const active = await graph.request<GraphKey>({
      method: "GET",
      version: "beta",
      path: `${itemPath(keySetId)}/getActiveKey`,
      description: `read the active key of policy key container ${keySetId}`,
    });
    return active?.kid ?? local.activeKeyId;
  } catch (error) {
    if (isGraphRequestError(error) && NO_ACTIVE_KEY_CODES.includes(error.code)) return "";
    return local.activeKeyId;
  }
}
