// Live-tenant safety through the real engine (issue 19 items 3, 4, 5): a replaced flow's
// attachments follow it in the same `up`; no key material in state, and a certificate with its
// private key stopped at preview; key expiry that never blocks preview nor adds keys nobody asked
// for; a disabled uploaded key warns loudly (emulator switch uploadedKeysStartDisabled, both ways).
// One stack, steps in order, the emulator's request log as the witness; the program reads the
// scenario from stack config so each step is a `config set`, not a new program.
import { ensureCertificateAuthority, issueServerCertificate } from "../../emulator/certificateAuthority";
import type { RunningEmulator } from "../../emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";
import { wechatAppKey } from "../helpers/appKeys";

const WECHAT_KEY = wechatAppKey("canary-WeChat-AppKey-5a1e77c0");
const UPLOADED_SECRET = "canary-uploaded-secret-93d1";
const DAY_MS = 24 * 3600 * 1000;

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const b2c = require("pulumi-b2c-identity");
const c = new pulumi.Config("test");
const flow = new b2c.B2CUserFlow("flow", { name: "susi", userFlowType: "signUpOrSignIn", userFlowTypeVersion: c.getNumber("flowVersion") ?? 3 });
const wechat = new b2c.WeChatIdentityProvider("wechat", { appId: "wx0123456789abcdef", appKey: c.requireSecret("wechatAppKey") });
// No userFlowCreationId: the attachment must follow the flow by itself.
new b2c.UserFlowIdentityProvider("attach", { userFlowId: flow.userFlowId, identityProviderId: wechat.identityProviderId });
const out = {};
const certificate = c.get("certificate");
if (certificate) out.certKeySetId = new b2c.PolicyKey("cert", { name: "SamlCert", certificate: { value: certificate } }).keySetId;
const generate = c.getObject("generate");
if (generate) out.signingKeys = new b2c.PolicyKey("signing", { name: "RolledSigning", generate }).keys;
if (c.get("uploaded")) {
  const uploaded = new b2c.PolicyKey("uploaded", { name: "Uploaded", secret: { value: c.requireSecret("uploaded") } });
  out.uploadedActiveKeyId = uploaded.activeKeyId;
}
module.exports = out;
`;

function writesOf(emu: RunningEmulator): string[] {
  return describeCalls(graphWrites(emu.requestLog())).map((c) => c.replace(/ -> \d+$/, ""));
}

describe("live-tenant safety through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  const ca = ensureCertificateAuthority();
  const { certPem, keyPem } = issueServerCertificate(ca, ["saml.example.com"]);
  const certBody = certPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  // The generated key (item 5): a year old, running out 90 s after its test starts; roll-over window 30 days.
  let generate: { keyType: string; use: string; notBefore: string; expiresOn: string; rotateBeforeExpiryDays: number };

  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ project: { program: PROGRAM }, secrets: { "test:wechatAppKey": WECHAT_KEY } }),
  );

  test("item 4: a certificate with its private key (cat key.pem cert.pem) fails preview naming certificate.value and pkcs12, 0 Graph writes", async () => {
    await project.setConfig({}, { "test:certificate": keyPem + certPem });
    emu.clearRequestLog();
    const preview = await project.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    const text = preview.stdout + preview.stderr;
    expect(text).toMatch(/certificate\.value: holds a private key/);
    expect(text).toContain("pkcs12");
    expect(text).not.toContain(keyPem.split("\n")[1]); // never echoed
    expect(graphWrites(emu.requestLog())).toEqual([]);
  }, 300_000);

  test("items 3-4, first up: flow + attachment, a certificate keyset (its value secret in state)", async () => {
    // The certificate comes from secret config (as a key bundle would): state must not hold it plainly either way.
    await project.setConfig({}, { "test:certificate": certPem });
    await project.up();
    const flow = emu.snapshot().userFlows.find((f) => f.id === "B2C_1_susi")!;
    expect(flow.identityProviderIds.map((id: string) => id.toLowerCase())).toEqual(["wechat-oauth"]);
    // Item 4: the certificate reached Graph, but the exported state holds it only encrypted.
    expect(emu.snapshot().keySets.find((k) => k.id === "B2C_1A_SamlCert")!.keys).toHaveLength(1);
    const state = JSON.stringify(await project.exportState());
    expect(state).not.toContain(certBody.slice(0, 64));
    expect(project.backendText()).not.toContain(certBody.slice(0, 64));
    const cert = (await project.resources()).find((r) => r.name === "cert")!;
    expect(JSON.stringify(cert.inputs.certificate)).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret marker
  }, 300_000);

  test("item 3: a flow replaced (version 3 -> 1) gets its attachment again in the same up, without userFlowCreationId", async () => {
    emu.clearRequestLog();
    await project.setConfig({ "test:flowVersion": "1" });
    await project.up();
    const writes = writesOf(emu);
    const recreated = writes.indexOf("POST /beta/identity/b2cUserFlows");
    expect(recreated).toBeGreaterThanOrEqual(0);
    const attach = writes.findIndex((w) => /^POST \/beta\/identity\/b2cUserFlows\/B2C_1_susi\/userFlowIdentityProviders\/\$ref$/.test(w));
    expect(attach).toBeGreaterThan(recreated);
    const flow = emu.snapshot().userFlows.find((f) => f.id === "B2C_1_susi")!;
    expect(flow.userFlowTypeVersion).toBe(1);
    expect(flow.identityProviderIds.map((id: string) => id.toLowerCase())).toEqual(["wechat-oauth"]);
    // And the stack agrees with the tenant: a refresh and an up change nothing.
    emu.clearRequestLog();
    await project.refresh(["--expect-no-changes"]);
    await project.up(["--expect-no-changes"]);
    expect(writesOf(emu)).toEqual([]);
  }, 600_000);

  test("item 5: inside the window one up rolls over; once the declared expiresOn has passed, preview passes and up adds nothing; editing the dates adds no key", async () => {
    const t0 = Date.now();
    generate = { keyType: "RSA", use: "sig", notBefore: new Date(t0 - 365 * DAY_MS).toISOString(), expiresOn: new Date(t0 + 90_000).toISOString(), rotateBeforeExpiryDays: 30 };
    await project.setConfig({ "test:generate": generate });
    // B2C's clock an hour back for this up, so a slow run still uploads a key that is not expired yet.
    emu.setClock(new Date(t0 - 3600_000));
    await project.up();
    emu.setClock(null);
    emu.clearRequestLog();
    await project.up();
    expect(writesOf(emu)).toEqual(["POST /beta/trustFramework/keySets/B2C_1A_RolledSigning/generateKey"]);
    // Wait (by the clock, not by speed) until the declared expiresOn is in the past.
    const wait = Date.parse(generate.expiresOn) + 2000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    emu.clearRequestLog();
    const preview = await project.preview(["--expect-no-changes"], { allowFailure: true });
    expect(preview.stdout + preview.stderr).not.toMatch(/expiresOn.*in the past/);
    expect(preview.code).toBe(0);
    await project.up(["--expect-no-changes"]);
    // Editing the declared date (to get rid of a past one) records it: no key is added.
    await project.setConfig({ "test:generate": { ...generate, expiresOn: new Date(Date.now() + 400 * DAY_MS).toISOString() } });
    await project.up();
    expect(writesOf(emu)).toEqual([]);
    expect(emu.snapshot().keySets.find((k) => k.id === "B2C_1A_RolledSigning")!.keys).toHaveLength(2);
  }, 600_000);

  test("item 5: uploads that start disabled (emulator switch on) warn naming the keyset and what to do; with the switch off they do not", async () => {
    emu.setBehaviour({ uploadedKeysStartDisabled: true });
    await project.setConfig({}, { "test:uploaded": UPLOADED_SECRET });
    const up = await project.up();
    const text = up.stdout + up.stderr;
    expect(text).toMatch(/Policy key B2C_1A_Uploaded: its newest key \S+ is disabled, so B2C does not use it/);
    expect(text).toContain("Enable it in the Azure portal");
    expect((await project.outputs()).uploadedActiveKeyId).toBe(""); // not the disabled key
    expect(text).not.toContain(UPLOADED_SECRET);
    // The switch off: the same kind of upload (a new secret) is enabled, active, and nothing warns.
    emu.setBehaviour({ uploadedKeysStartDisabled: false });
    await project.setConfig({}, { "test:uploaded": UPLOADED_SECRET + "-2" });
    const second = await project.up();
    const keys = emu.snapshot().keySets.find((k) => k.id === "B2C_1A_Uploaded")!.keys;
    expect(keys.map((k) => k.status)).toEqual(["disabled", "enabled"]);
    expect((await project.outputs()).uploadedActiveKeyId).toBe(keys[1].kid);
    expect(second.stdout + second.stderr).not.toMatch(/is disabled, so B2C does not use it/);
  }, 600_000);

});
