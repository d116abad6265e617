// Parsing uploaded certificates (uploadCertificate) and PKCS#12 files (uploadPkcs12).
import { createHash, X509Certificate } from "crypto";
import * as forge from "node-forge";

export interface CertificateKeyInfo {
  kty: string;
  n?: string;
  e?: string;
  x5c: string[];
  x5t?: string;
  nbf?: number;
  exp?: number;
}

export type KeyMaterialProblem = "badFormat" | "invalidCertificate" | "wrongPassword";

export class KeyMaterialError extends Error {
  constructor(readonly problem: KeyMaterialProblem, message: string) {
    super(message);
    this.name = "KeyMaterialError";
  }
}

/** Strict base64 (standard or URL alphabet, whitespace allowed) to bytes; undefined if not base64. */
export function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length > 0 ? bytes : undefined;
}

export function isBase64Url(value: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(value);
}

function describe(cert: X509Certificate): CertificateKeyInfo {
  const jwk = cert.publicKey.export({ format: "jwk" }) as { kty?: string; n?: string; e?: string };
  const nbf = Math.floor(Date.parse(cert.validFrom) / 1000);
  const exp = Math.floor(Date.parse(cert.validTo) / 1000);
  return {
    kty: jwk.kty ?? "RSA",
    ...(jwk.n ? { n: jwk.n } : {}),
    ...(jwk.e ? { e: jwk.e } : {}),
    x5c: [cert.raw.toString("base64")],
    x5t: createHash("sha1").update(cert.raw).digest("base64url"),
    ...(Number.isFinite(nbf) ? { nbf } : {}),
    ...(Number.isFinite(exp) ? { exp } : {}),
  };
}

/** A certificate given as base64 DER (what Graph documents) or as PEM text. */
export function parseCertificate(key: string): CertificateKeyInfo {
  let input: Buffer | string;
  if (key.includes("-----BEGIN")) {
    input = key;
  } else {
    const der = decodeBase64(key);
    if (!der) throw new KeyMaterialError("badFormat", "The key is not valid base64.");
    // Base64 of a PEM file is accepted too.
    const text = der.toString("latin1");
    input = text.includes("-----BEGIN CERTIFICATE-----") ? text : der;
  }
  try {
    return describe(new X509Certificate(input));
  } catch {
    throw new KeyMaterialError("invalidCertificate", "The presented X.509 certificate is invalid.");
  }
}

/** A base64 PFX. The password is checked through the PKCS#12 MAC when `checkPassword` is set. */
export function parsePkcs12(key: string, password: string, checkPassword: boolean): CertificateKeyInfo {
  const bytes = decodeBase64(key);
  if (!bytes) throw new KeyMaterialError("badFormat", "The key is not valid base64.");
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(bytes.toString("binary"));
  } catch {
    throw new KeyMaterialError("badFormat", "The key is not a PKCS#12 (PFX) file.");
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if (/mac could not be verified|invalid password|decrypt/i.test(message)) {
      if (checkPassword) throw new KeyMaterialError("wrongPassword", "The certificate password is not correct.");
      return { kty: "RSA", x5c: [] };
    }
    throw new KeyMaterialError("badFormat", "The key is not a valid PKCS#12 (PFX) file.");
  }
  const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const certificate = bags.find((bag) => bag.cert)?.cert;
  if (!certificate) return { kty: "RSA", x5c: [] };
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), "binary");
  return describe(new X509Certificate(der));
}
