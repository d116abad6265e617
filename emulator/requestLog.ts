// Request log with secret-bearing request bodies redacted.
import type { RequestLogEntry } from "./types";

export const REDACTED = "[redacted]";
/** Body fields whose values are never logged (matched case-insensitively, at any depth). */
export const SECRET_FIELDS = ["clientsecret", "k", "password", "key", "client_secret", "client_assertion"];
/** The log keeps the latest entries only, and each body up to a size: it can't grow without bound. */
export const MAX_ENTRIES = 5_000;
export const MAX_LOGGED_BODY_CHARS = 4_096;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    if (full.body !== undefined) {
      const text = JSON.stringify(full.body);
      if (text.length > MAX_LOGGED_BODY_CHARS) full.body = `[truncated: ${text.length} characters]`;
    }
    this.entries.push(full);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return full;
  }

  /** A deep copy, so callers cannot alter the log. */
  list(): RequestLogEntry[] {
    return JSON.parse(JSON.stringify(this.entries)) as RequestLogEntry[];
  }

  clear(): void {
    this.entries = [];
  }
}

/** Replaces secret-bearing fields (at any depth) by "[redacted]". */
export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      out[name] = SECRET_FIELDS.includes(name.toLowerCase()) ? REDACTED : redactValue(inner);
    }
    // A $batch request carries non-JSON bodies (XML policies) as base64 strings.
    if (typeof out.body === "string" && out.body !== REDACTED && "method" in out && "url" in out) out.body = REDACTED;
    return out;
  }
  return value;
}

/**
 * The loggable form of a raw request body: parsed and redacted JSON, parsed and redacted form
 * fields, or "[redacted]" for anything else (XML, unparseable bodies) since it may hold secrets.
 */
export function loggableBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(raw.toString("utf8"));
    const out: Record<string, string> = {};
    for (const [name, value] of form) out[name] = SECRET_FIELDS.includes(name.toLowerCase()) ? REDACTED : value;
    return out;
  }
  if (type.includes("json") || type === "") {
    try {
      return redactValue(JSON.parse(raw.toString("utf8")));
    } catch {
      return REDACTED;
    }
  }
  return REDACTED;
}

/** The values of secret-bearing fields (at any depth) of a JSON or form body: what echoSecretsInErrors quotes back. */
export function secretValuesOf(raw: Buffer | undefined, contentType: string | undefined): string[] {
  if (!raw || raw.length === 0) return [];
  const found: string[] = [];
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(raw.toString("utf8"))) if (SECRET_FIELDS.includes(name.toLowerCase())) found.push(value);
    return found;
  }
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
        if (SECRET_FIELDS.includes(name.toLowerCase()) && typeof inner === "string") found.push(inner);
        else walk(inner);
      }
    }
  };
  try {
    walk(JSON.parse(raw.toString("utf8")));
  } catch {
    return [];
  }
  return found;
}
