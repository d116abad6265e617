import type { RequestLogEntry } from "../../emulator";

/** Graph calls only (no token or control requests). */
export function graphCalls(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.kind === "graph");
}

/** Graph writes: every Graph call that is not a GET. */
export function graphWrites(log: RequestLogEntry[]): RequestLogEntry[] {
  return graphCalls(log).filter((e) => e.method !== "GET");
}

/** Token grants (POST .../oauth2/v2.0/token), not the openid-configuration discovery reads. */
export function tokenRequests(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.kind === "token" && e.method === "POST" && /\/token$/.test(e.path.split("?")[0]));
}

/** "METHOD path" lines, for readable assertion failures. */
export function describeCalls(log: RequestLogEntry[]): string[] {
  return log.map((e) => `${e.method} ${e.path} -> ${e.status}`);
}
