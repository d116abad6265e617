export interface CertificateAuthority { dir: string; caFile: string; caKeyFile: string; caPem: string; caKeyPem: string }
export function defaultCertificateAuthorityDir(): string;
export function ensureCertificateAuthority(dir?: string): CertificateAuthority;
export function issueServerCertificate(ca: CertificateAuthority, hosts?: string[]): { certPem: string; keyPem: string };
