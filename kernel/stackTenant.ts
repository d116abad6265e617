import * as pulumi from "@pulumi/pulumi";
import { CLOUDS, CLOUD_NAMES } from "../graph/clouds";
import { DEFAULT_CONFIG_NAMESPACE, readSetting, SettingName } from "../graph/settings";

/**
 * The tenant a config namespace names in the stack's config (`<namespace>:tenantId`,
 * `<namespace>:tenantName`, `<namespace>:cloud`, with the B2C_* environment fallbacks for `b2c`):
 * its domain when known, and the tenant id as given. Read while the program runs, before any
 * provider exists.
 */
export function stackTenant(namespace: string = DEFAULT_CONFIG_NAMESPACE): { domain?: string; tenantId?: string } {
  const config = new pulumi.Config(namespace);
  const source = { get: (key: string) => config.get(key.slice(namespace.length + 1)) };
  const read = (name: SettingName) => readSetting(name, source, process.env, namespace);
  const tenantId = read("tenantId");
  if (tenantId && /\.(onmicrosoft\.com|partner\.onmschina\.cn)$/i.test(tenantId)) return { domain: tenantId.toLowerCase(), tenantId };
  const tenantName = read("tenantName");
  if (!tenantName) return { tenantId };
  const cloudName = read("cloud") ?? "AzurePublic";
  const cloud = CLOUD_NAMES.find((c) => c.toLowerCase() === cloudName.toLowerCase()) ?? "AzurePublic";
  return { domain: `${tenantName}.${CLOUDS[cloud].tenantDomainSuffix}`.toLowerCase(), tenantId };
}

/** The stack's tenant domain from `b2c:tenantId` / `b2c:tenantName` (or under another config namespace), if set. */
export function stackTenantDomain(namespace: string = DEFAULT_CONFIG_NAMESPACE): string | undefined {
  return stackTenant(namespace).domain;
}
