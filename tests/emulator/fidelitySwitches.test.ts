// Issue 20 item 6, the emulator side: statuses no page documents are switches (both values
// answered), the documented upload bodies are followed (no `use` on uploadCertificate /
// uploadPkcs12), and the undocumented JSON read of a policy is off unless switched on.
import * as forge from "node-forge";
import { generateKeyPairSync } from "crypto";
import type { RunningEmulator } from "../../emulator";
import { graphFetch, useTestEmulator } from "../helpers/emulator";

let emu: RunningEmulator;
useTestEmulator((e) => (emu = e));
beforeEach(() => emu.reset());
afterEach(() => emu.setBehaviour({ concurrentWriteStatus: 409, duplicateUserFlowStatus: 409, policyJsonRead: false, policyValidationStatus: 400 }));

const SETS = "/beta/trustFramework/keySets";

function certificate(): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 30);
  cert.setSubject([{ name: "commonName", value: "fidelity" }]);
  cert.setIssuer([{ name: "commonName", value: "fidelity" }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary").toString("base64");
}

test("the new switches are listed with their defaults and refuse other values", () => {
  expect(emu.getBehaviour()).toMatchObject({ concurrentWriteStatus: 409, duplicateUserFlowStatus: 409, policyValidationStatus: 400, policyJsonRead: false });
  expect(() => emu.setBehaviour({ concurrentWriteStatus: 500 as any })).toThrow(/concurrentWriteStatus must be one of 400, 409/);
  expect(() => emu.setBehaviour({ duplicateUserFlowStatus: 404 as any })).toThrow(/duplicateUserFlowStatus/);
  expect(() => emu.setBehaviour({ policyValidationStatus: 409 as any })).toThrow(/policyValidationStatus must be one of 400, 422/);
});

test.each([409, 400] as const)("an injected AADB2C95053 without a status answers concurrentWriteStatus %i", async (status) => {
  emu.setBehaviour({ concurrentWriteStatus: status });
  emu.setFaults({ rules: [{ method: "POST", path: "^/identity/b2cUserFlows$", code: "AADB2C95053", times: 1 }] });
  const res = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", { id: "B2C_1_x", userFlowType: "signIn", userFlowTypeVersion: 3 });
  expect([res.status, res.body.error.code]).toEqual([status, "AADB2C95053"]);
});

test.each([409, 400] as const)("a duplicate user flow answers duplicateUserFlowStatus %i", async (status) => {
  emu.setBehaviour({ duplicateUserFlowStatus: status });
  const body = { id: "B2C_1_dup", userFlowType: "signIn", userFlowTypeVersion: 3 };
  expect((await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", body)).status).toBe(201);
  const again = await graphFetch(emu, "POST", "/beta/identity/b2cUserFlows", body);
  expect([again.status, again.body.error.code]).toEqual([status, "Request_MultipleObjectsWithSameKeyValue"]);
});

test.each([400, 422] as const)("a policy that fails validation answers policyValidationStatus %i", async (status) => {
  emu.setBehaviour({ policyValidationStatus: status });
  const xml = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="someone-else.onmicrosoft.com" PolicyId="B2C_1A_X"/>`;
  const res = await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_X/$value", xml, { "Content-Type": "application/xml" });
  expect(res.status).toBe(status);
  expect(res.body.error.message).toMatch(/^Validation failed: /);
});

test("uploadCertificate and uploadPkcs12 refuse `use`: their documented bodies are { key } and { key, password }", async () => {
  expect((await graphFetch(emu, "POST", SETS, { id: "B2C_1A_Cert" })).status).toBe(201);
  const key = certificate();
  const withUse = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key, use: "enc" });
  expect(withUse.status).toBe(400);
  expect(withUse.text).toContain("use");
  const pfxWithUse = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadPkcs12`, { key, password: "x", use: "sig" });
  expect(pfxWithUse.status).toBe(400);
  expect(pfxWithUse.text).toContain("use");
  expect(emu.snapshot().keySets[0].keys).toHaveLength(0);
  const documented = await graphFetch(emu, "POST", `${SETS}/B2C_1A_Cert/uploadCertificate`, { key });
  expect([documented.status, documented.body.use]).toEqual([200, "sig"]);
});

test("GET /trustFramework/policies/{id} (JSON) is refused unless policyJsonRead; $value is the documented read", async () => {
  const xml = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="${emu.tenantDomain}" PolicyId="B2C_1A_Read"/>`;
  expect((await graphFetch(emu, "PUT", "/beta/trustFramework/policies/B2C_1A_Read/$value", xml, { "Content-Type": "application/xml" })).status).toBe(201);
  const json = await graphFetch(emu, "GET", "/beta/trustFramework/policies/B2C_1A_Read");
  expect([json.status, json.body.error.message]).toEqual([400, "Resource not found for the segment 'B2C_1A_Read'."]);
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/policies/B2C_1A_Read/$value")).status).toBe(200);
  emu.setBehaviour({ policyJsonRead: true });
  expect((await graphFetch(emu, "GET", "/beta/trustFramework/policies/B2C_1A_Read")).body).toMatchObject({ id: "B2C_1A_Read" });
});
