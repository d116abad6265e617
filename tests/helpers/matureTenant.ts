// A "mature tenant", as teams built them by hand in the portal before B2C stopped taking new
// customers: 4 identity providers, 3 user flows with their providers and language settings, 6
// keysets of every kind (one with an expired older key), and the starter pack's
// SocialAndLocalAccounts policies with a hand-edited extensions file. Seeded through the emulator's
// Graph API (the same calls the portal makes), with the emulator's clock set back for the key that
// has expired since. Reused by the import lifecycle test and, later, the real-engine run.
import { createHash } from "crypto";
import * as forge from "node-forge";
import * as fs from "fs";
import * as path from "path";
import type { RunningEmulator } from "../../emulator";
import { mergeSocialProviders, weChatProviderPolicy } from "../../policies";
import { graphFetch } from "./emulator";

const DAY_MS = 24 * 3600 * 1000;
const STARTER_PACK = path.join(__dirname, "..", "fixtures", "b2c-starterpack", "SocialAndLocalAccounts");

export const IEF_APP_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
export const PROXY_IEF_APP_ID = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";

/** The identity providers, with the secrets the portal was given (the stack must be told them again). */
export const MATURE_IDPS = [
  { type: "WeChat", clientId: "wx1a2b3c4d5e6f7a8b", displayName: "微信 WeChat", secret: "724a289b4c342d38261583049e85d9b7" },
  { type: "QQ", clientId: "101234567", displayName: "QQ", secret: "qq-app-key-0123456789abcdef" },
  { type: "Google", clientId: "1234567890-abc.apps.googleusercontent.com", displayName: "Google", secret: "google-client-secret-xyz" },
  { type: "Facebook", clientId: "123456789012345", displayName: "Facebook", secret: "facebook-app-secret-xyz" },
] as const;

export const MATURE_FLOWS = [
  { id: "B2C_1_signupsignin", userFlowType: "signUpOrSignIn", isLanguageCustomizationEnabled: true, defaultLanguageTag: "zh-Hans", idps: ["WeChat", "QQ", "Google"] },
  { id: "B2C_1_signin", userFlowType: "signIn", isLanguageCustomizationEnabled: false, defaultLanguageTag: "en", idps: ["WeChat", "Facebook"] },
  { id: "B2C_1_profileedit", userFlowType: "profileUpdate", isLanguageCustomizationEnabled: true, defaultLanguageTag: "en", idps: ["QQ"] },
] as const;

export interface MatureTenant {
  /** Secret config keys and values as the import summary asks for them. */
  secrets: Record<string, string>;
  /** Seeded expiry facts, for assertions. */
  qqSecretExpiresAt: number;
  certificateExpiresAt: number;
  expiredFacebookKeyExp: number;
}

async function ok(emu: RunningEmulator, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
  const r = await graphFetch(emu, method, p, body, headers);
  if (r.status >= 300) throw new Error(`seeding ${method} ${p} failed: ${r.status} ${r.text}`);
  return r.body;
}

/** A self-signed certificate (base64 DER) valid from `from` until `until`. */
export function certificate(from: Date, until: Date, cn = "saml.contoso.example"): string {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01" + createHash("sha1").update(cn + from.toISOString()).digest("hex").slice(0, 16);
  cert.validity.notBefore = from;
  cert.validity.notAfter = until;
  const attrs = [{ name: "commonName", value: cn }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

/** The starter pack files as the tenant holds them: placeholders replaced, the extensions file edited by hand. */
export function maturePolicies(tenantDomain: string): { fileName: string; xml: string }[] {
  const names = ["TrustFrameworkBase.xml", "TrustFrameworkLocalization.xml", "TrustFrameworkExtensions.xml", "SignUpOrSignin.xml", "ProfileEdit.xml", "PasswordReset.xml"];
  const read = (fileName: string) =>
    fs
      .readFileSync(path.join(STARTER_PACK, fileName), "utf8")
      .split("yourtenant.onmicrosoft.com")
      .join(tenantDomain)
      .split("ProxyIdentityExperienceFrameworkAppId")
      .join(PROXY_IEF_APP_ID)
      .split("IdentityExperienceFrameworkAppId")
      .join(IEF_APP_ID);
  return names.map((fileName) => {
    let xml = read(fileName);
    if (fileName === "TrustFrameworkExtensions.xml") {
      // Hand edits: WeChat added the way the how-to describes, and a note for the next admin.
      xml = mergeSocialProviders(xml, [weChatProviderPolicy({ appId: MATURE_IDPS[0].clientId })], {
        basePolicies: [read("TrustFrameworkBase.xml"), read("TrustFrameworkLocalization.xml")],
      });
      xml = xml.split("facebook_clientid").join(MATURE_IDPS[3].clientId);
      xml = xml.replace("<ClaimsProviders>", "<!-- 2024-03: WeChat added by hand (ticket OPS-1234) -->\n  <ClaimsProviders>");
    }
    return { fileName, xml };
  });
}

/** Seeds the mature tenant into an empty emulator. Leaves the emulator clock at the real time. */
export async function seedMatureTenant(emu: RunningEmulator): Promise<MatureTenant> {
  const now = Date.now();
  const nowS = Math.floor(now / 1000);
  const secrets: Record<string, string> = {};
  const idpIds: Record<string, string> = {};
  for (const idp of MATURE_IDPS) {
    const created = await ok(emu, "POST", "/v1.0/identity/identityProviders", {
      "@odata.type": "microsoft.graph.socialIdentityProvider",
      displayName: idp.displayName,
      identityProviderType: idp.type,
      clientId: idp.clientId,
      clientSecret: idp.secret,
    });
    idpIds[idp.type] = created.id;
    secrets[`b2c:${idp.type.toLowerCase()}AppKey`] = idp.secret;
  }
  for (const flow of MATURE_FLOWS) {
    await ok(emu, "POST", "/beta/identity/b2cUserFlows", {
      id: flow.id,
      userFlowType: flow.userFlowType,
      userFlowTypeVersion: 3,
      isLanguageCustomizationEnabled: flow.isLanguageCustomizationEnabled,
      defaultLanguageTag: flow.defaultLanguageTag,
    });
    for (const type of flow.idps) {
      await ok(emu, "POST", `/beta/identity/b2cUserFlows/${flow.id}/userFlowIdentityProviders/$ref`, {
        "@odata.id": `${emu.graphEndpoint}/beta/identity/identityProviders/${idpIds[type]}`,
      });
    }
  }

  const keySet = (id: string) => ok(emu, "POST", "/beta/trustFramework/keySets", { id });
  // 1, 2: uploaded secrets (QQ's expires in 60 days).
  await keySet("B2C_1A_WeChatSecret");
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_WeChatSecret/uploadSecret", { use: "sig", k: "724a289b4c342d38261583049e85d9b7" });
  const qqSecretExpiresAt = nowS + 60 * 86400;
  await keySet("B2C_1A_QQSecret");
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_QQSecret/uploadSecret", { use: "sig", k: "qq-app-key-0123456789abcdef", nbf: nowS - 300 * 86400, exp: qqSecretExpiresAt });
  // 3, 4: generated RSA (the starter pack's token keys).
  await keySet("B2C_1A_TokenSigningKeyContainer");
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_TokenSigningKeyContainer/generateKey", { use: "sig", kty: "RSA" });
  await keySet("B2C_1A_TokenEncryptionKeyContainer");
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_TokenEncryptionKeyContainer/generateKey", { use: "enc", kty: "RSA" });
  // 5: a SAML signing certificate that runs out in 20 days.
  const certificateExpiresAt = Math.floor((now + 20 * DAY_MS) / 1000);
  await keySet("B2C_1A_SamlSigningCert");
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_SamlSigningCert/uploadCertificate", {
    key: certificate(new Date(now - 345 * DAY_MS), new Date(certificateExpiresAt * 1000)),
  });
  // 6: Facebook's secret, rotated once by hand: the older key has expired since. B2C refuses a key
  // that is already expired, so it is added with the clock set back to when it was still valid.
  const expiredFacebookKeyExp = nowS - 30 * 86400;
  await keySet("B2C_1A_FacebookSecret");
  emu.setClock(new Date(now - 400 * DAY_MS));
  try {
    await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_FacebookSecret/uploadSecret", {
      use: "sig",
      k: "facebook-app-secret-old",
      nbf: nowS - 400 * 86400,
      exp: expiredFacebookKeyExp,
    });
  } finally {
    emu.setClock(null);
  }
  await ok(emu, "POST", "/beta/trustFramework/keySets/B2C_1A_FacebookSecret/uploadSecret", { use: "sig", k: "facebook-app-secret-xyz", nbf: nowS - 40 * 86400 });

  // The starter pack, parents first.
  for (const p of maturePolicies(emu.tenantDomain)) {
    const id = /PolicyId="([^"]+)"/.exec(p.xml)![1];
    await ok(emu, "PUT", `/beta/trustFramework/policies/${id}/$value`, p.xml, { "content-type": "application/xml" });
  }
  return { secrets, qqSecretExpiresAt, certificateExpiresAt, expiredFacebookKeyExp };
}

/** The secret config keys the import summary asks for (`pulumi config set --secret <key> ...`), in order. */
export function secretKeysFromSummary(summary: string): string[] {
  return [...summary.matchAll(/pulumi config set --secret (b2c:\w+) /g)].map((m) => m[1]);
}

/** The Graph writes a first `up` of the imported stack may make: one PATCH per identity provider (its secret). */
export function expectedFirstUpWrites(before: { identityProviders: { id: string }[] }): string[] {
  return before.identityProviders.map((p) => `PATCH /v1.0/identity/identityProviders/${p.id}`).sort();
}
