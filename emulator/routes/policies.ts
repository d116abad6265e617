// /trustFramework/policies (beta, B2C only): list, get ($value), PUT $value upsert, POST, delete.
import { aadb2cError, notFoundInDirectory, policyExists, policyInherited, resourceNotFoundForSegment } from "../errorCatalogue";
import { BETA_ONLY, GraphCall, GraphResult, GraphRoute } from "../graphRouter";
import { collectionResult, contextUrl } from "../odataCollections";
import { basePolicyIdOf, validatePolicy, withPublicPolicyUri, withTenantObjectId } from "../policyValidation";
import { readXmlText } from "../requestBody";
import type { EmulatorRuntime } from "../runtime";
import type { PolicyView } from "../store";

function findPolicy(runtime: EmulatorRuntime, id: string, forRead: boolean): PolicyView {
  return runtime.found(runtime.store.policy(id), () => notFoundInDirectory("Policy", "policyId", id, runtime.tenant.tenantDomain), forRead);
}

function readPolicyXml(call: GraphCall): string {
  return readXmlText(call, call.runtime.behaviour.requireXmlContentTypeForPolicies).replace(/^\uFEFF/, "");
}

function validate(call: GraphCall, xml: string, urlId: string | undefined): string {
  const runtime = call.runtime;
  const { policyId } = validatePolicy(xml, urlId, {
    tenantId: runtime.tenant.tenantId,
    tenantDomain: runtime.tenant.tenantDomain,
    semanticChecks: runtime.behaviour.validatePolicies,
    validationStatus: runtime.behaviour.policyValidationStatus,
    policyExists: (id) => runtime.store.policy(id) !== undefined,
    keySetVisible: (id) => {
      const set = runtime.store.keySet(id);
      return set !== undefined && !runtime.isInvisible(set.createdAt);
    },
  });
  return policyId;
}

function xmlResult(call: GraphCall, status: number, policy: PolicyView, headers: Record<string, string> = {}): GraphResult {
  const tenant = call.runtime.tenant;
  const xml = withPublicPolicyUri(policy.xml, policy.id, tenant.tenantDomain);
  return { status, xml: call.runtime.behaviour.downloadAddsTenantObjectId ? withTenantObjectId(xml, tenant.tenantId) : xml, headers };
}

function list(call: GraphCall): GraphResult {
  return collectionResult(call, call.runtime.store.policies().map((p) => ({ id: p.id })), "trustFramework/policies");
}

function getEntity(call: GraphCall): GraphResult {
  // Undocumented: only GET …/{id}/$value is (behaviour.policyJsonRead).
  if (!call.runtime.behaviour.policyJsonRead) throw resourceNotFoundForSegment(call.params.id);
  const policy = findPolicy(call.runtime, call.params.id, true);
  return { status: 200, body: { "@odata.context": contextUrl(call, "trustFramework/policies/$entity"), id: policy.id } };
}

function getValue(call: GraphCall): GraphResult {
  return xmlResult(call, 200, findPolicy(call.runtime, call.params.id, true));
}

/** PUT …/{id}/$value: 201 when created, 200 when replaced. */
function upsert(call: GraphCall): GraphResult {
  const xml = readPolicyXml(call);
  // validate() has checked that the document's PolicyId is the URL's id (case-insensitively).
  const { policy, created } = call.runtime.store.markPolicyUploaded(validate(call, xml, call.params.id), xml);
  return xmlResult(call, created ? 201 : 200, policy);
}

function putWithoutValue(): GraphResult {
  throw aadb2cError(400, "AADB2C99009");
}

function create(call: GraphCall): GraphResult {
  const runtime = call.runtime;
  const xml = readPolicyXml(call);
  const policyId = validate(call, xml, undefined);
  if (runtime.store.policy(policyId)) throw policyExists(policyId);
  const policy = runtime.store.createPolicy(policyId, xml);
  return xmlResult(call, 201, policy, { Location: `/trustFramework/policies/${policyId}/` });
}

/** The stored policies whose BasePolicy is `id`. */
function childrenOf(runtime: EmulatorRuntime, id: string): string[] {
  return runtime.store
    .policies()
    .filter((p) => p.id.toUpperCase() !== id.toUpperCase())
    .filter((p) => (basePolicyIdOf(p.xml) ?? "").toUpperCase() === id.toUpperCase())
    .map((p) => p.id);
}

/** behaviour.deleteInheritedPolicy: whether a policy others inherit from may be deleted (no page says). */
function refuseDeleteOfInherited(runtime: EmulatorRuntime, id: string): void {
  if (runtime.behaviour.deleteInheritedPolicy !== "refuse") return;
  const children = childrenOf(runtime, id);
  if (children.length > 0) throw policyInherited(id, children);
}

function remove(call: GraphCall): GraphResult {
  const policy = findPolicy(call.runtime, call.params.id, false);
  refuseDeleteOfInherited(call.runtime, policy.id);
  call.runtime.store.deletePolicy(policy.id);
  return { status: 204 };
}

function policyWriteTarget(call: GraphCall): string | undefined {
  return call.params.id ? `policy:${call.params.id.toLowerCase()}` : undefined;
}

export function policyRoutes(): GraphRoute[] {
  const common = { versions: BETA_ONLY, family: "policies" as const, b2cOnly: true };
  const base = "/trustFramework/policies";
  const write = { ...common, access: "write" as const, writeTarget: policyWriteTarget };
  return [
    { method: "GET", pattern: base, ...common, access: "read", handler: list },
    { method: "POST", pattern: base, ...write, handler: create },
    { method: "GET", pattern: `${base}/{id}`, ...common, access: "read", handler: getEntity },
    { method: "PUT", pattern: `${base}/{id}`, ...write, handler: putWithoutValue },
    { method: "DELETE", pattern: `${base}/{id}`, ...write, handler: remove },
    { method: "GET", pattern: `${base}/{id}/$value`, ...common, access: "read", handler: getValue },
    { method: "PUT", pattern: `${base}/{id}/$value`, ...write, handler: upsert },
  ];
}
