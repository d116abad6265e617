import { GraphApi, GraphResponse } from "../graph/client";
import { PolicyKeyInputs, PolicyKeyState, GraphKey, GraphKeySet, FRESH_KEYSET_WINDOW_MS, nowSeconds, rotationNotBefore, seconds, sourceOf, keyInfo, requestedDates, requestedUse, requestedKty, outputsFrom, materialHash, thumbprintsOf } from "./state";
import { activeKeyOf } from "./active";
import { getKeySet, keyOperation, addKey, explainKeyError, PolicyKeyError } from "./operations";
import { NotOursError } from "../kernel/errors";

// PolicyKey adoption: taking over an existing keyset with adoptExisting (policyKey.ts explains the lifecycle).

/**
 * Adoption (AADB2C95028 with adoptExisting). Existing keys are always kept; one key is added only
 * when the keyset can't already serve the stack's key:
 * - empty keyset (or only expired keys): add the key, as a create would;
 * - generate: add nothing when the keyset already holds unexpired keys of the requested kty/use (a generated
 *   key is as good as any other; adopting the starter pack's token containers must not rotate
 *   them); refuse when they are of another kty/use;
 * - certificate / pkcs12: add only when no key has the certificate's thumbprint (x5t);
 * - secret: Graph never returns a secret, so whether the keyset holds the stack's value can't be
 *   known: add it once (active from now), so that the keyset certainly serves the stack's value.
 * In every case the state then holds the fingerprint, so later runs add nothing (a diff with the same
 * value is no change). Only a repeated adoption of the same keyset (state lost or removed in between)
 * adds another secret key, one per adoption, never one per run.
 */
export async function adopt(graph: GraphApi, current: GraphKeySet, inputs: PolicyKeyInputs): Promise<{ id: string; outs: PolicyKeyState }> {
  const source = sourceOf(inputs);
  const existing = current.keys ?? [];
  const wantedKty = requestedKty(inputs);
  const wantedUse = requestedUse(inputs);
  const clash = existing.find(
    (k) =>
      (wantedKty !== undefined && k.kty !== undefined && k.kty.toLowerCase() !== wantedKty.toLowerCase()) ||
      (wantedUse !== undefined && k.use !== undefined && k.use !== wantedUse),
  );
  if (clash) {
    throw new NotOursError(
      `Cannot adopt policy key container ${current.id}: it holds ${clash.kty}/${clash.use} keys and this PolicyKey asks for ` +
        `${wantedKty}/${wantedUse}; B2C refuses to mix key types or uses in one container (AADB2C95032, AADB2C95042). ` +
        `Make the PolicyKey match the existing keys, or choose another name.`,
    );
  }
  const now = nowSeconds();
  // A key that has expired serves nobody: only keys still (or yet to be) valid count as "already there".
  const usable = existing.filter((k) => seconds(k.exp) === undefined || seconds(k.exp)! > now);
  let needsKey = usable.length === 0;
  if (!needsKey && source === "secret") needsKey = true;
  if (!needsKey && (source === "certificate" || source === "pkcs12")) {
    const thumbprints = thumbprintsOf(inputs);
    needsKey = !usable.some((k) => k.x5t !== undefined && thumbprints.includes(k.x5t));
  }
  let keys = existing.map(keyInfo);
  if (needsKey) {
    const dates = requestedDates(inputs);
    // Into a keyset that already has keys, the new key must be active from now, like a rotation.
    const nbf = dates.notBefore ?? (existing.length > 0 ? rotationNotBefore(inputs, now) : undefined);
    let result: GraphResponse<GraphKey>;
    try {
      result = await addKey(graph, current.id, keyOperation(inputs, nbf, dates.expiresOn), 0, existing.map((k) => k.kid ?? ""));
    } catch (error) {
      throw new PolicyKeyError(`Adopted policy key container ${current.id}, but could not add the key to it: ${explainKeyError(error)}`, error);
    }
    keys = result.retriedAfterNetworkError ? ((await getKeySet(graph, current.id, FRESH_KEYSET_WINDOW_MS))?.keys ?? []).map(keyInfo) : [...keys, keyInfo(result.value)];
  }
  const activeKeyId = await activeKeyOf(graph, current.id, needsKey ? keys : existing);
  return { id: current.id, outs: outputsFrom(inputs, current.id, keys, activeKeyId, true, materialHash(inputs)) };
}
