// Checks of a custom policy document that must run before it is parsed: its size and a DOCTYPE.
// Pure: no I/O.

/**
 * Largest policy file B2C takes: "Maximum policy file size 400 KB"
 * (https://learn.microsoft.com/azure/active-directory-b2c/service-limits). Checked before parsing,
 * so an oversized document is refused in words instead of exhausting the parser.
 */
export const MAX_POLICY_BYTES = 400 * 1024;

/**
 * Why B2C would refuse this document (or it must not be parsed here), or undefined. A DOCTYPE is
 * refused: the policy schema has no place for one, and a document type declaration is how entity
 * expansion attacks ("billion laughs") get into an XML parser
 * (https://learn.microsoft.com/azure/active-directory-b2c/trustframeworkpolicy; OWASP XXE prevention).
 */
export function policyDocumentProblem(xml: string): string | undefined {
  const bytes = Buffer.byteLength(xml, "utf8");
  if (bytes > MAX_POLICY_BYTES) {
    return (
      `is ${Math.ceil(bytes / 1024)} KB, over B2C's limit of 400 KB per policy file (https://learn.microsoft.com/azure/active-directory-b2c/service-limits): ` +
      `split it into a base and extension policies (BasePolicy), or remove unused elements`
    );
  }
  const doctype = /<!DOCTYPE\b/i.exec(xml);
  if (doctype) {
    const line = xml.slice(0, doctype.index).split("\n").length;
    return `has a <!DOCTYPE> declaration (line ${line}): custom policies have no document type and B2C does not take one; delete the <!DOCTYPE …> declaration`;
  }
  const entity = /<!ENTITY\b/i.exec(xml);
  if (entity) return "declares an <!ENTITY>: custom policies take no entity declarations; delete it";
  return undefined;
}
