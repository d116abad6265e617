// Graph paths built from ids. Every id goes into a URL through `graphPath` (one whole, encoded
// segment) and every `@odata.id` through `graphUrl`, so no provider concatenates a raw id.
// A dot segment is refused rather than encoded: the URL parser treats `.`, `..` and their
// percent-encoded spellings (`%2e%2E`) as dot segments and rewrites the path, so an id `..` would
// turn `GET /identity/identityProviders/..` into `GET /identity`
// (https://url.spec.whatwg.org/#single-dot-path-segment). Validation refuses such ids at preview
// naming the argument; this is the last line, in the only layer that sends requests.

/** A Graph path that must not be sent: a dot segment, a separator inside an id, an empty id. */
export class UnsafeGraphPathError extends Error {
  override name = "UnsafeGraphPathError" as const;
}

/** Why `id` can't be one path segment, or undefined when it can. */
export function unsafeSegmentReason(id: string): string | undefined {
  if (id === "") return "it is empty";
  if (id === "." || id === "..") return `'${id}' is a dot segment, which the URL parser would resolve away`;
  if (/[/\\]/.test(id)) return `'${id}' contains a path separator ('/' or '\\')`;
  return undefined;
}

/**
 * A path below the version root with each interpolated value as one encoded segment:
 * graphPath`/trustFramework/keySets/${id}/uploadSecret`. Throws UnsafeGraphPathError for an id
 * that can't be a segment.
 */
export function graphPath(literals: TemplateStringsArray, ...ids: readonly string[]): string {
  let path = literals[0];
  ids.forEach((id, i) => {
    path += pathSegment(id) + literals[i + 1];
  });
  return path;
}

/** One id as one encoded path segment; throws UnsafeGraphPathError for an id that can't be one. */
export function pathSegment(id: string): string {
  const reason = unsafeSegmentReason(String(id));
  if (reason) throw new UnsafeGraphPathError(`refusing to build a Graph path from the id ${JSON.stringify(String(id))}: ${reason}.`);
  return encodeURIComponent(String(id));
}

/** The absolute URL of a Graph path (for `@odata.id` references): `${graphEndpoint}/${version}${path}`. */
export function graphUrl(graphEndpoint: string, version: string, path: string): string {
  assertSafeGraphPath(path);
  return `${graphEndpoint.replace(/\/+$/, "")}/${version}${path}`;
}

/**
 * Throws UnsafeGraphPathError when a path (below the version root, query allowed) has a segment
 * that decodes to `.` or `..` or holds a separator: such a path is never sent, however it was built.
 */
export function assertSafeGraphPath(path: string): void {
  const pathname = path.split("?")[0];
  for (const segment of pathname.split("/").slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new UnsafeGraphPathError(`refusing to send the Graph path ${JSON.stringify(pathname)}: the segment ${JSON.stringify(segment)} is not valid percent-encoding.`);
    }
    const reason = decoded === "" ? "an empty segment" : /[\\]/.test(segment) ? "a '\\' (read as '/')" : unsafeSegmentReason(decoded);
    if (reason) {
      throw new UnsafeGraphPathError(
        `refusing to send the Graph path ${JSON.stringify(pathname)}: the segment ${JSON.stringify(segment)} is unsafe (${reason}); ` +
          `ids go into paths through graphPath (graph/paths.ts).`,
      );
    }
  }
}
