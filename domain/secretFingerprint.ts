import { createHmac, randomBytes, timingSafeEqual } from "crypto";

/**
 * A salted HMAC-SHA256 of a secret, kept in state instead of the secret itself: Graph never returns
 * secrets, so this is how a changed APP KEY is noticed without storing it in plain text.
 * Format: `hmac-sha256:<salt base64url>:<digest base64url>`.
 */
export function fingerprintSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  const digest = createHmac("sha256", salt).update(secret, "utf8").digest();
  return `hmac-sha256:${salt.toString("base64url")}:${digest.toString("base64url")}`;
}

/** True when `secret` is the one the fingerprint was made from. */
export function secretMatchesFingerprint(secret: string, fingerprint: unknown): boolean {
  if (typeof fingerprint !== "string") return false;
  const [scheme, salt, digest] = fingerprint.split(":");
  if (scheme !== "hmac-sha256" || !salt || !digest) return false;
  const expected = Buffer.from(digest, "base64url");
  const actual = createHmac("sha256", Buffer.from(salt, "base64url")).update(secret, "utf8").digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
