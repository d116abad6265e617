import { createHash } from "crypto";

/**
 * A WeChat-shaped APP KEY (32 hex digits, what the WeChat Open Platform shows) that differs per
 * label: WeChat APP KEYs of another shape are refused at preview (identityProviders/rules.ts).
 */
export function wechatAppKey(label: string): string {
  return createHash("sha256").update(label, "utf8").digest("hex").slice(0, 32);
}
