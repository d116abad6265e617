import { GraphApi } from "../graph/client";
import { isGraphRequestError } from "../graph/errors";
import { activeKey, enabledKeys, isEnabledKey } from "../domain/keyExpiry";
import { PolicyKeyInfo, GraphKey, KeyForSelection, NO_ACTIVE_KEY_CODES, itemPath, nowSeconds, seconds, selectionKey } from "./state";

// PolicyKey: which key of a keyset B2C uses now (policyKey.ts explains the lifecycle). The rule
// itself lives in keyExpiry.ts (activeKey); this module adds when to ask Graph instead.

/**
 * The active key by the documented rules (keyExpiry.ts activeKey, docs/graph-b2c-api.md §4.1).
 * `certain` is false where the documentation leaves the answer open: a tie on nbf, several
 * undated keys, an undated key with an expiry, or a key that is not `enabled`. Callers then ask
 * Graph's getActiveKey. This keeps a refresh at one GET in the common cases.
 */
export function localActiveKey(keys: readonly KeyForSelection[], now: number = nowSeconds()): { activeKeyId: string; certain: boolean } {
  if (keys.length === 0) return { activeKeyId: "", certain: true };
  const allEnabled = keys.every(isEnabledKey);
  const active = activeKey(keys, now);
  if (!active) return { activeKeyId: "", certain: allEnabled };
  const usable = enabledKeys(keys).filter((k) => k.exp === undefined || k.exp > now);
  const rivals = active.nbf !== undefined ? usable.filter((k) => k.nbf === active.nbf) : usable.filter((k) => k.nbf === undefined);
  return { activeKeyId: active.kid, certain: allEnabled && rivals.length === 1 && (active.nbf !== undefined || active.exp === undefined) };
}

/**
 * The kid of the key a getActiveKey answer describes. The documented answer is a trustFrameworkKey
 * without `kid` (https://learn.microsoft.com/graph/api/trustframeworkkeyset-getactivekey?view=graph-rest-beta
 * shows k, x5c, x5t, kty, use, exp), so the key is found in the keyset's list: by kid when the
 * answer has one, else by x5t, else by its dates (nbf, exp) and use, when exactly one key matches.
 * undefined when the answer matches no single key.
 */
export function kidOfActiveKeyAnswer(keys: readonly (GraphKey | PolicyKeyInfo)[], answer: GraphKey | undefined): string | undefined {
  if (!answer || typeof answer !== "object") return undefined;
  if (answer.kid && keys.some((k) => k.kid === answer.kid)) return answer.kid;
  const single = (matches: readonly (GraphKey | PolicyKeyInfo)[]) => (matches.length === 1 ? matches[0].kid : undefined);
  if (answer.x5t) {
    const byThumbprint = single(keys.filter((k) => (k as GraphKey).x5t === answer.x5t));
    if (byThumbprint) return byThumbprint;
  }
  const nbf = seconds(answer.nbf);
  const exp = seconds(answer.exp);
  return single(
    keys.filter((k) => seconds(k.nbf) === nbf && seconds(k.exp) === exp && (answer.use === undefined || k.use === undefined || k.use === answer.use) && isEnabledKey(k as GraphKey)),
  );
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
    return kidOfActiveKeyAnswer(keys, active) ?? local.activeKeyId;
  } catch (error) {
    if (isGraphRequestError(error) && NO_ACTIVE_KEY_CODES.includes(error.code)) return "";
    return local.activeKeyId;
  }
}
