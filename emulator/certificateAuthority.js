// Plain JavaScript on purpose: scripts/test.js and the emulator CLI load it before any TypeScript
// is compiled, because NODE_EXTRA_CA_CERTS must name the CA file before Node starts.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const crypto = require("crypto");
const forge = require("node-forge");

/**
 * Folder holding the emulator's local CA, per user: $B2C_EMULATOR_CA_DIR, else
 * $XDG_CACHE_HOME/pulumi-b2c-identity/emulator-ca, else ~/.cache/pulumi-b2c-identity/emulator-ca.
 * Never a shared fixed path in /tmp, where another user could plant a CA.
 */
function defaultCertificateAuthorityDir() {
  if (process.env.B2C_EMULATOR_CA_DIR) return process.env.B2C_EMULATOR_CA_DIR;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "pulumi-b2c-identity", "emulator-ca");
}

/**
 * The CA folder must be this user's alone: owned by the current user, no access for group or
 * others, and so must the files in it. Throws naming the problem and the fix otherwise.
 * (Skipped where POSIX ownership does not exist, i.e. Windows.)
 */
function checkPrivate(target, kind) {
  if (typeof process.getuid !== "function") return;
  const stat = fs.lstatSync(target);
  const uid = process.getuid();
  const fix = `remove it (rm -rf ${kind === "folder" ? target : path.dirname(target)}) and run again, or set B2C_EMULATOR_CA_DIR to a private folder`;
  if (stat.isSymbolicLink()) throw new Error(`The emulator CA ${kind} ${target} is a symbolic link; refusing to use it: ${fix}.`);
  if (stat.uid !== uid) throw new Error(`The emulator CA ${kind} ${target} belongs to user ${stat.uid}, not to you (${uid}); refusing to trust it: ${fix}.`);
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(`The emulator CA ${kind} ${target} is accessible to other users (mode ${(stat.mode & 0o777).toString(8)}); refusing to trust it: ${fix}.`);
  }
}

/** DER of a GeneralSubtree (base only): [2] dNSName or [7] iPAddress (address and mask). */
function generalSubtree(name) {
  const asn1 = forge.asn1;
  let base;
  if (name.ip) {
    const bytes = name.ip.includes(":") ? Buffer.alloc(16) : Buffer.from(name.ip.split(".").map(Number));
    if (name.ip === "::1") bytes[15] = 1;
    const mask = Buffer.alloc(bytes.length, 0xff);
    base = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, Buffer.concat([bytes, mask]).toString("binary"));
  } else {
    base = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, name.dns);
  }
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
}

/** The names the CA may certify: loopback only (RFC 5280 §4.2.1.10 name constraints). */
const PERMITTED_NAMES = [{ dns: "localhost" }, { ip: "127.0.0.1" }, { ip: "::1" }];
const NAME_CONSTRAINTS_OID = "2.5.29.30";

function nameConstraintsExtension() {
  const asn1 = forge.asn1;
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, PERMITTED_NAMES.map(generalSubtree));
  const value = asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted])).getBytes();
  return { id: NAME_CONSTRAINTS_OID, critical: true, value };
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
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkPrivate(dir, "folder");
  if (fs.existsSync(caFile) && fs.existsSync(caKeyFile)) {
    checkPrivate(caFile, "file");
    checkPrivate(caKeyFile, "file");
    const caPem = fs.readFileSync(caFile, "utf8");
    const cert = forge.pki.certificateFromPem(caPem);
    const constrained = cert.extensions.some((e) => e.id === NAME_CONSTRAINTS_OID && e.critical);
    if (constrained && cert.validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000) {
      return { dir, caFile, caKeyFile, caPem, caKeyPem: fs.readFileSync(caKeyFile, "utf8") };
    }
  }
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
    nameConstraintsExtension(),
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(cert);
  const caKeyPem = forge.pki.privateKeyToPem(keys.privateKey);
  // Write to temp files and rename, so parallel first runs never read a half-written CA.
  const suffix = `.${process.pid}.tmp`;
  fs.writeFileSync(caKeyFile + suffix, caKeyPem, { mode: 0o600 });
  fs.writeFileSync(caFile + suffix, caPem, { mode: 0o600 });
  fs.renameSync(caKeyFile + suffix, caKeyFile);
  fs.renameSync(caFile + suffix, caFile);
  return { dir, caFile, caKeyFile, caPem, caKeyPem };
}

/**
 * A server certificate for the given host names and IPs, signed by the CA. Issued once and kept in
 * the CA's folder (private, as the CA's own files) until a day before it runs out: making the RSA
 * key was about 0.3 s of CPU at every emulator start, and the suite starts over a hundred.
 */
function issueServerCertificate(ca, hosts = ["localhost", "127.0.0.1", "::1"]) {
  const id = crypto.createHash("sha256").update(JSON.stringify([ca.caPem, hosts])).digest("hex").slice(0, 24);
  const file = path.join(ca.dir, `server-${id}.pem`);
  if (fs.existsSync(file)) {
    checkPrivate(file, "file");
    const text = fs.readFileSync(file, "utf8");
    const keyAt = text.indexOf("-----BEGIN RSA PRIVATE KEY-----");
    const [certPem, keyPem] = [text.slice(0, keyAt), text.slice(keyAt)];
    try {
      if (keyAt > 0 && forge.pki.certificateFromPem(certPem).validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000) return { certPem, keyPem };
    } catch {
      // unreadable: issue a new one below
    }
  }
  const issued = newServerCertificate(ca, hosts);
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, issued.certPem + issued.keyPem, { mode: 0o600 });
  fs.renameSync(temporary, file);
  return issued;
}

function newServerCertificate(ca, hosts) {
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

module.exports = { defaultCertificateAuthorityDir, ensureCertificateAuthority, issueServerCertificate, PERMITTED_NAMES };
