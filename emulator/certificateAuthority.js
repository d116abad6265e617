// Plain JavaScript on purpose: scripts/test.js and the emulator CLI load it before any TypeScript
// is compiled, because NODE_EXTRA_CA_CERTS must name the CA file before Node starts.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const crypto = require("crypto");
const forge = require("node-forge");

/** Folder holding the emulator's local CA; B2C_EMULATOR_CA_DIR overrides it. */
function defaultCertificateAuthorityDir() {
  return process.env.B2C_EMULATOR_CA_DIR || path.join(os.tmpdir(), "pulumi-b2c-identity-emulator-ca");
}

// Node's native key generation is an order of magnitude faster than forge's pure-JS one.
function newKeyPair() {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" });
  const forgePrivate = forge.pki.privateKeyFromPem(privateKeyPem);
  return { privateKey: forgePrivate, publicKey: forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e) };
}

function newSerial() {
  return "01" + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

/**
 * Returns the local CA that signs emulator certificates, creating it on first use.
 * Only the CA is kept on disk; each emulator start issues a fresh server certificate from it.
 */
function ensureCertificateAuthority(dir = defaultCertificateAuthorityDir()) {
  const caFile = path.join(dir, "ca.pem");
  const caKeyFile = path.join(dir, "ca-key.pem");
  if (fs.existsSync(caFile) && fs.existsSync(caKeyFile)) {
    const caPem = fs.readFileSync(caFile, "utf8");
    const cert = forge.pki.certificateFromPem(caPem);
    if (cert.validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000) {
      return { dir, caFile, caKeyFile, caPem, caKeyPem: fs.readFileSync(caKeyFile, "utf8") };
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  const attrs = [{ name: "commonName", value: "pulumi-b2c-identity local emulator CA" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(cert);
  const caKeyPem = forge.pki.privateKeyToPem(keys.privateKey);
  // Write to temp files and rename, so parallel first runs never read a half-written CA.
  const suffix = `.${process.pid}.tmp`;
  fs.writeFileSync(caKeyFile + suffix, caKeyPem, { mode: 0o600 });
  fs.writeFileSync(caFile + suffix, caPem);
  fs.renameSync(caKeyFile + suffix, caKeyFile);
  fs.renameSync(caFile + suffix, caFile);
  return { dir, caFile, caKeyFile, caPem, caKeyPem };
}

/** Issues a server certificate for the given host names and IPs, signed by the CA. */
function issueServerCertificate(ca, hosts = ["localhost", "127.0.0.1", "::1"]) {
  const caCert = forge.pki.certificateFromPem(ca.caPem);
  const caKey = forge.pki.privateKeyFromPem(ca.caKeyPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  cert.setSubject([{ name: "commonName", value: hosts[0] }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

module.exports = { defaultCertificateAuthorityDir, ensureCertificateAuthority, issueServerCertificate };
