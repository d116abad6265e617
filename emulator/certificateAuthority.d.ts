export interface CertificateAuthority { dir: string; caFile: string; caKeyFile: string; caPem: string; caKeyPem: string }
export function defaultCertificateAuthorityDir(): string;
export function ensureCertificateAuthority(dir?: string): CertificateAuthority;
export function issueServerCertificate(ca: CertificateAuthority, hosts?: string[]): { certPem: string; keyPem: string };
/** The names the CA may certify (its name constraints): localhost, 127.0.0.1 and ::1. */
export const PERMITTED_NAMES: ({ dns: string } | { ip: string })[];
