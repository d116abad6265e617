// Dates as Graph's keys carry them (nbf/exp, Unix seconds). Pure: shared by the key expiry rules
// (domain/keyExpiry.ts) and PolicyKey's argument rules (policyKeys/rules.ts), which re-exports it.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO 8601 string or a Date as Unix seconds (RFC 7519 NumericDate, what Graph's nbf/exp are);
 * "invalid" for anything else. A date-time must carry `Z` or an offset (a local time would mean
 * different instants on different machines); a bare date means midnight UTC.
 */
export function toUnixSeconds(value: unknown): number | "invalid" {
  let ms: number;
  if (value instanceof Date) {
    ms = value.getTime();
  } else if (typeof value === "string" && (ISO_DATE.test(value.trim()) || ISO_DATE_TIME.test(value.trim()))) {
    ms = Date.parse(value.trim());
  } else {
    return "invalid";
  }
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : "invalid";
}
