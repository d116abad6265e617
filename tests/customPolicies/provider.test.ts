import * as pulumi from "@pulumi/pulumi";
import type { RunningEmulator } from "../../emulator";
import {
  isFreshDependencyFailure,
  parsePolicyValidationFailure,
  policyContentHash,
  TrustFrameworkPolicyResource,
} from "../../customPolicies/provider";
import { GraphRequestError } from "../../graph/errors";
import { packPolicyXml } from "../../customPolicies/document";
import { useSkippedWaits } from "../helpers/clock";
import { graphFetch, useTestEmulator } from "../helpers/emulator";
import { capture, checkAndCreate, emulatorStackConfig, loadProvider, Registration } from "../helpers/pulumiHarness";
import { describeCalls, graphCalls, graphWrites } from "../helpers/requestLog";
import { readStarterPack } from "../policies/starterPack";
import { failureOf } from "../helpers/failures";

const TYPE = "b2c-identity:index:TrustFrameworkPolicy";
const NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";

let emu: RunningEmulator;
// Waits (back-off, Retry-After, 404 windows) are skipped, not slept; the emulator's windows go by the same clock.
const clock = useSkippedWaits();
useTestEmulator((e) => (emu = e), { windowClock: clock.now });

/** A small policy for the emulator's tenant; `keySetId` adds a CryptographicKeys reference, `body` extra content. */
function policy(id: string, opts: { keySetId?: string; body?: string; base?: string; tenant?: string } = {}): string {
  const tenant = opts.tenant ?? emu.tenantDomain;
  return [
    `<?xml version="1.0" encoding="utf-8" ?>`,
    `<TrustFrameworkPolicy xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}"`,
    `  PolicySchemaVersion="0.3.0.0" TenantId="${tenant}" PolicyId="${id}"`,
    `  PublicPolicyUri="http://${tenant}/${id}">`,
    opts.base ? `  <BasePolicy><TenantId>${tenant}</TenantId><PolicyId>${opts.base}</PolicyId></BasePolicy>` : "",
    `  <ClaimsProviders>`,
    `    <ClaimsProvider>`,
    `      <DisplayName>Test</DisplayName>`,
    `      <TechnicalProfiles>`,
    `        <TechnicalProfile Id="tp-1">`,
    `          <DisplayName>Test profile</DisplayName>`,
    opts.keySetId ? `          <CryptographicKeys><Key Id="client_secret" StorageReferenceId="${opts.keySetId}" /></CryptographicKeys>` : "",
    opts.body ?? "",
    `        </TechnicalProfile>`,
    `      </TechnicalProfiles>`,
    `    </ClaimsProvider>`,
    `  </ClaimsProviders>`,
    `</TrustFrameworkPolicy>`,
  ]
    .filter((l) => l !== "")
    .join("\n");
}

type Provider = pulumi.dynamic.ResourceProvider & { create: NonNullable<pulumi.dynamic.ResourceProvider["create"]> };

async function serialized(args: Record<string, any>): Promise<{ reg: Registration; provider: Provider }> {
  const { registrations } = await capture(() => new TrustFrameworkPolicyResource("policy", args as any));
  const reg = registrations.find((r) => r.type === TYPE)!;
  expect(reg).toBeDefined();
  return { reg, provider: (await loadProvider(reg.type, emulatorStackConfig(emu))) as Provider };
}


async function createKeySet(id: string): Promise<void> {
  expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id })).status).toBe(201);
  expect((await graphFetch(emu, "POST", `/beta/trustFramework/keySets/${id}/uploadSecret`, { use: "sig", k: "secret-value-1234" })).status).toBe(200);
}

describe("the plugin's implementation", () => {
  test("checks and diffs a registered policy", async () => {
    const xml = policy("B2C_1A_Test");
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml });
    const checked = await provider.check!({}, reg.inputs);
    expect(checked.failures ?? []).toEqual([]);
    const diff = await provider.diff!("B2C_1A_Test", { policyId: "B2C_1A_Test", contentHash: policyContentHash(xml), dependsOnHash: "" }, checked.inputs);
    expect(diff.changes).toBe(false);
  });
});

describe("check (no Graph call)", () => {
  test.each([
    ["a policyId that is not B2C_1A_", () => ({ policyId: "TrustFrameworkBase", xml: policy("TrustFrameworkBase") }), "policyId"],
    ["XML whose PolicyId differs", () => ({ xml: policy("B2C_1A_Other") }), "xml"],
    ["XML that is not well-formed", () => ({ xml: policy("B2C_1A_Test").replace("</ClaimsProviders>", "</ClaimProviders>") }), "xml"],
  ])("rejects %s", async (_what, change, property) => {
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml: policy("B2C_1A_Test") });
    emu.clearRequestLog();
    const result = await provider.check!({}, { ...reg.inputs, ...change() });
    expect(result.failures?.map((f) => f.property)).toEqual([property]);
    expect(graphCalls(emu.requestLog())).toHaveLength(0);
  });
});

describe("lifecycle against the emulator", () => {
  test("create is one PUT …/$value (application/xml); outputs keep hashes, not the XML", async () => {
    const xml = policy("B2C_1A_Test");
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml, dependsOnHash: "parent-v1" });
    const { id, outs } = await checkAndCreate(provider, reg.inputs);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual(["PUT /beta/trustFramework/policies/B2C_1A_Test/$value -> 201"]);
    expect(id).toBe("B2C_1A_Test");
    expect(emu.snapshot().policies).toEqual([{ id: "B2C_1A_Test", xml }]);
    expect(outs).toMatchObject({ policyId: "B2C_1A_Test", contentHash: policyContentHash(xml), dependsOnHash: "parent-v1" });
    expect(JSON.stringify(outs)).not.toContain("ClaimsProvider");
  });

  test("diff: formatting, attribute order, comments and PublicPolicyUri are no change and cost no Graph call", async () => {
    const xml = policy("B2C_1A_Test");
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml, dependsOnHash: "h1" });
    const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
    const reformatted = xml
      .replace(` PolicySchemaVersion="0.3.0.0" TenantId="${emu.tenantDomain}"`, ` TenantId="${emu.tenantDomain}"\n\n   PolicySchemaVersion="0.3.0.0"`)
      .replace(/\n  PublicPolicyUri="[^"]*">/, ">")
      .replace("<ClaimsProviders>", "<!-- providers -->\n<ClaimsProviders>\n\n");
    expect(reformatted).not.toBe(xml);
    emu.clearRequestLog();
    expect((await provider.diff!(id, outs, { ...inputs, xml: reformatted })).changes).toBe(false);
    expect((await provider.diff!(id, outs, { ...inputs, xml: xml.replace("Test profile", "Test profile 2") })).changes).toBe(true);
    expect((await provider.diff!(id, outs, { ...inputs, dependsOnHash: "h2" })).changes).toBe(true);
    const renamed = await provider.diff!(id, outs, { ...inputs, policyId: "B2C_1A_Test2" });
    expect(renamed.replaces).toEqual(["policyId"]);
    // Policy ids are case-insensitive in B2C: a case-only change is the same policy, not a replacement.
    expect((await provider.diff!(id, outs, { ...inputs, policyId: "B2C_1A_TEST" })).replaces).toEqual([]);
    expect(graphCalls(emu.requestLog())).toHaveLength(0);
  });

  test("update re-uploads with one PUT; delete is one DELETE and a second delete (404) is fine", async () => {
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml: policy("B2C_1A_Test") });
    const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
    const changed = policy("B2C_1A_Test", { body: "<Metadata><Item Key=\"k\">v2</Item></Metadata>" });
    emu.clearRequestLog();
    const updated = await provider.update!(id, outs, { ...inputs, xml: changed });
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual(["PUT /beta/trustFramework/policies/B2C_1A_Test/$value -> 200"]);
    expect(updated.outs.contentHash).toBe(policyContentHash(changed));
    expect(emu.snapshot().policies[0].xml).toBe(changed);
    emu.clearRequestLog();
    await provider.delete!(id, updated.outs);
    await provider.delete!(id, updated.outs);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([
      "DELETE /beta/trustFramework/policies/B2C_1A_Test -> 204",
      "DELETE /beta/trustFramework/policies/B2C_1A_Test -> 404",
    ]);
    expect(emu.snapshot().policies).toEqual([]);
  });

  test("read: unchanged (the service-added PublicPolicyUri ignored), edited out of band (drift), deleted out of band", async () => {
    const xml = policy("B2C_1A_Test").replace(/\n  PublicPolicyUri="[^"]*">/, ">");
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml });
    const { id, outs, inputs } = await checkAndCreate(provider, reg.inputs);
    const same = await provider.read!(id, outs);
    expect(same.id).toBe(id);
    expect(same.props).toEqual(outs);
    expect(emu.requestLog().some((e) => e.method === "GET" && e.path === "/beta/trustFramework/policies/B2C_1A_Test/$value")).toBe(true);

    const edited = policy("B2C_1A_Test", { body: "<Metadata><Item Key=\"edited\">in the portal</Item></Metadata>" });
    expect((await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_Test/$value", edited)).status).toBe(200);
    const drifted = await provider.read!(id, outs);
    expect(drifted.id).toBe(id);
    expect(drifted.props!.contentHash).toBe(policyContentHash(edited));
    // The next up compares the desired XML with what the tenant holds: a change, so it re-uploads.
    expect((await provider.diff!(id, drifted.props, inputs)).changes).toBe(true);

    expect((await graphFetch(emu, "DELETE", "/beta/trustFramework/policies/B2C_1A_Test")).status).toBe(204);
    expect(await provider.read!(id, { ...outs, lastUploadAt: 0 })).toEqual({ id: "", props: {} });
  });
});

describe("a key set that B2C does not see yet", () => {
  // The status of a validation failure is undocumented: the emulator's policyValidationStatus, both ways.
  test.each([400, 422] as const)("the PUT is retried while the missing CryptographicKey is one of keySetIds, then succeeds (validation failures answer %i)", async (status) => {
    emu.setBehaviour({ policyValidationStatus: status });
    try {
      emu.setFaults({ consistencyWindowMs: 1200 });
      await createKeySet("B2C_1A_FreshSecret");
      const xml = policy("B2C_1A_Test", { keySetId: "B2C_1A_FreshSecret" });
      const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml, keySetIds: ["B2C_1A_FreshSecret"] });
      emu.clearRequestLog();
      await checkAndCreate(provider, reg.inputs);
      const puts = graphWrites(emu.requestLog()).map((e) => e.status);
      expect(puts[0]).toBe(status);
      expect(puts[puts.length - 1]).toBe(201);
      expect(puts.slice(1, -1).every((s) => s === status)).toBe(true);
    } finally {
      emu.setBehaviour({ policyValidationStatus: 400 });
    }
  });

  test("a missing key that is not one of keySetIds fails at once, naming the key", async () => {
    const xml = policy("B2C_1A_Test", { keySetId: "B2C_1A_NoSuchKey" });
    const { reg, provider } = await serialized({ policyId: "B2C_1A_Test", xml, keySetIds: ["B2C_1A_Other"] });
    emu.clearRequestLog();
    const error = await failureOf(checkAndCreate(provider, reg.inputs));
    expect(error.message).toContain(`does not have CryptographicKey referenced by storageReferenceId "B2C_1A_NoSuchKey"`);
    expect(error.message).toContain("policy key(s) B2C_1A_NoSuchKey are not in the tenant: create them first");
    expect(graphWrites(emu.requestLog())).toHaveLength(1);
  });

  test("the emulator's validation message is recognised; other validation errors never count as 'not visible yet'", () => {
    const message =
      `Validation failed: 2 validation error(s) found in policy "B2C_1A_X" of tenant "t.onmicrosoft.com".` +
      `Tenant 't.onmicrosoft.com' does not have CryptographicKey referenced by storageReferenceId "B2C_1A_A".` +
      `Policy with 'policyId': B2C_1A_BASE cannot be found in the directory 't.onmicrosoft.com'.`;
    expect(parsePolicyValidationFailure(message)).toEqual({ count: 2, missingKeySetIds: ["B2C_1A_A"], missingPolicyIds: ["B2C_1A_BASE"], recognised: 2 });
    const op = { method: "PUT", version: "beta", path: "/trustFramework/policies/B2C_1A_X/$value" };
    const error = (text: string) => new GraphRequestError({ status: 400, code: "AADB2C", graphMessage: text, operation: op });
    expect(isFreshDependencyFailure(error(message), { keySetIds: ["b2c_1a_a"], basePolicyId: "B2C_1A_Base" })).toBe(true);
    expect(isFreshDependencyFailure(error(message), { keySetIds: ["B2C_1A_A"] })).toBe(false);
    const mixed = message.replace("2 validation error(s)", "3 validation error(s)") + "TenantId in the policy xml 'x' is not same as the one in login tenant 't'.";
    expect(isFreshDependencyFailure(error(mixed), { keySetIds: ["B2C_1A_A"], basePolicyId: "B2C_1A_BASE" })).toBe(false);
  });
});

describe("the document in state", () => {
  test("is kept once, as given, in the inputs: a starter-pack base policy's entry is its document plus under 16 KB", async () => {
    const pack = readStarterPack("SocialAndLocalAccounts").find((f) => f.fileName === "TrustFrameworkBase.xml")!.xml;
    const xml = pack.replace(/yourtenant\.onmicrosoft\.com/g, emu.tenantDomain);
    for (const keySet of ["B2C_1A_FacebookSecret", "B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer"]) await createKeySet(keySet);
    const { reg, provider } = await serialized({ policyId: "B2C_1A_TrustFrameworkBase", xml });
    const { inputs, outs } = await checkAndCreate(provider, reg.inputs);
    expect(inputs.xml).toBe(xml);
    expect(inputs).not.toHaveProperty("xmlPacked");
    expect(JSON.stringify(outs)).not.toContain("<TrustFrameworkPolicy"); // the outputs hold no copy
    expect(emu.snapshot().policies[0].xml).toBe(xml.replace(/^\uFEFF/, "")); // the upload drops the byte-order mark
    const entry = JSON.stringify({ inputs: { ...inputs, xml: undefined }, outputs: outs });
    expect(xml.length).toBeGreaterThan(60_000);
    expect(entry.length).toBeLessThanOrEqual(16 * 1024);
  });

  test("state from the dynamic-provider releases (the document packed, or as `xml` before that) diffs as no change; check keeps it as `xml`", async () => {
    const xml = policy("B2C_1A_Test");
    const { provider } = await serialized({ policyId: "B2C_1A_Test", xml });
    const olds = { policyId: "B2C_1A_Test", contentHash: policyContentHash(xml), dependsOnHash: "" };
    expect((await provider.diff!("B2C_1A_Test", olds, { policyId: "B2C_1A_Test", xml, dependsOnHash: "" })).changes).toBe(false);
    const checked = await provider.check!({}, { policyId: "B2C_1A_Test", xml, dependsOnHash: "" });
    expect(checked.inputs).toEqual({ policyId: "B2C_1A_Test", xml, dependsOnHash: "" });
    const fromPacked = await provider.check!({}, { policyId: "B2C_1A_Test", xmlPacked: packPolicyXml(xml), dependsOnHash: "" });
    expect(fromPacked.inputs).toEqual({ policyId: "B2C_1A_Test", xml, dependsOnHash: "" });
  });
});
