// Ids that become one URL path segment (identity provider ids, user flow ids, keyset names, policy
// ids). Graph paths are encoded by graph/, but an id must not be a dot segment or hold a separator:
// `.` and `..` are resolved away by URL parsers (RFC 3986 §5.2.4) even when encoded by some
// clients, and `/ \ ? # %` change what the path means. Refused at preview, naming the argument.

/** Why `value` can't be one path segment, or undefined when it can. */
export function pathSegmentProblem(value: string): string | undefined {
  const id = value.trim();
  if (id === "." || id === "..") return `is the dot segment '${id}', which URL parsers resolve away (it would address another resource)`;
  if (/^(%2e|\.){1,2}$/i.test(id)) return `is an encoded dot segment '${id}'`;
  const separator = /[/\\?#%]/.exec(id);
  if (separator) return `contains '${separator[0]}', which is not allowed in an id (it would change the request's path or query)`;
  if (/[\s\u0000-\u001f\u007f]/.test(id)) return "contains whitespace or a control character";
  return undefined;
}

export const USER_FLOW_PREFIX = "B2C_1_";

/** A user flow's name, with or without its B2C_1_ prefix (Graph's limit is 64 characters). */
export const USER_FLOW_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `signin` and `B2C_1_signin` name the same flow; Graph adds the prefix on create. */
export function normalizeUserFlowId(name: string): string {
  const trimmed = name.trim();
  return trimmed.toUpperCase().startsWith(USER_FLOW_PREFIX) ? USER_FLOW_PREFIX + trimmed.slice(USER_FLOW_PREFIX.length) : USER_FLOW_PREFIX + trimmed;
}
