import * as fs from "fs";
import * as path from "path";
import {
  loadPolicySchema,
  stripPatternAnchors,
  validatePoliciesAgainstSchema,
  validatePolicyAgainstSchema,
} from "../../policies/xsdValidation";
import { readStarterPack, readStarterPackFile, VARIANTS } from "./starterPack";

describe("policy schema loading", () => {
  it("strips the leading ^ and trailing $ of xs:pattern values only", () => {
    const xsd = [
      '<xs:pattern value="^(https://)([\\w]+/?)$" />',
      '<xs:pattern value="[0-9][.][0-9]" />',
      '<xs:pattern value="^urn:[a-z]+$"/>',
      '<xs:pattern value="costs \\$" />',
      "<xs:documentation>^keep$</xs:documentation>",
    ].join("\n");
    expect(stripPatternAnchors(xsd)).toBe(
      [
        '<xs:pattern value="(https://)([\\w]+/?)" />',
        '<xs:pattern value="[0-9][.][0-9]" />',
        '<xs:pattern value="urn:[a-z]+"/>',
        '<xs:pattern value="costs \\$" />',
        "<xs:documentation>^keep$</xs:documentation>",
      ].join("\n"),
    );
  });

  it("reads the bundled schema once per process and caches the prepared text", () => {
    // A fresh copy of the module (empty cache); the spy sits on Node's own fs object, which the module reads through.
    const nodeFs = jest.requireActual<typeof fs>("fs");
    const readSpy = jest.spyOn(nodeFs, "readFileSync");
    let first = "";
    let second = "";
    jest.isolateModules(() => {
      const fresh = jest.requireActual<typeof import("../../policies/xsdValidation")>("../../policies/xsdValidation");
      first = fresh.loadPolicySchema();
      second = fresh.loadPolicySchema();
    });
    const schemaReads = readSpy.mock.calls.filter((c) => String(c[0]).endsWith("TrustFrameworkPolicy_0.3.0.0.xsd"));
    readSpy.mockRestore();
    expect(schemaReads).toHaveLength(1);
    expect(second).toBe(first);
    expect(first).toBe(loadPolicySchema());
    expect(first).toContain('name="TrustFrameworkPolicy"');
    expect(first).not.toMatch(/<xs:pattern value="\^/);
    const raw = fs.readFileSync(path.join(__dirname, "..", "..", "policies", "schema", "TrustFrameworkPolicy_0.3.0.0.xsd"), "utf8");
    expect(raw).toMatch(/<xs:pattern value="\^/); // the bundled file itself is Microsoft's, unchanged
  });

  it("bundles the starter pack's MIT license next to the schema", () => {
    const license = fs.readFileSync(path.join(__dirname, "..", "..", "policies", "schema", "LICENSE"), "utf8");
    expect(license).toContain("MIT License");
    expect(license).toContain("Copyright (c) Microsoft Corporation");
  });
});

describe("validating policies against the schema", () => {
  it("accepts every starter pack policy of both variants (one xmllint run)", async () => {
    const docs = VARIANTS.flatMap((variant) => readStarterPack(variant).map((f) => ({ fileName: `${variant}/${f.fileName}`, xml: f.xml })));
    expect(docs).toHaveLength(11);
    const results = await validatePoliciesAgainstSchema(docs);
    expect(results.map((r) => [r.fileName, r.valid, r.errors])).toEqual(docs.map((d) => [d.fileName, true, []]));
  });

  it("reports a misspelled element with its line and a readable message", async () => {
    const xml = readStarterPackFile("SocialAccounts", "TrustFrameworkExtensions.xml").replace(
      "<DisplayName>Facebook</DisplayName>",
      "<DisplayNam>Facebook</DisplayNam>",
    );
    expect(await validatePolicyAgainstSchema(xml)).toEqual([
      {
        line: 22,
        message:
          "Element 'DisplayNam': This element is not expected. Expected is one of ( Domains, Domain, DisplayName, TechnicalProfiles ).",
      },
    ]);
  });

  it("reports a bad attribute value against a schema pattern (anchors stripped, pattern still enforced)", async () => {
    const xml = readStarterPackFile("SocialAccounts", "SignUpOrSignin.xml").replace(
      'PolicySchemaVersion="0.3.0.0"',
      'PolicySchemaVersion="0.3.0"',
    );
    // libxml2 reports attribute errors at the line where the (multi-line) start tag ends.
    expect(await validatePolicyAgainstSchema(xml)).toEqual([
      {
        line: 9,
      message:
        "Element 'TrustFrameworkPolicy', attribute 'PolicySchemaVersion': [facet 'pattern'] The value '0.3.0' is not accepted by the pattern '[0-9][.][0-9][.][0-9][.][0-9]'.",
      },
    ]);
  });

  it("keeps results apart when one document of several is invalid", async () => {
    const good = readStarterPackFile("SocialAccounts", "ProfileEdit.xml");
    const bad = good.replace("<RelyingParty>", "<RelyingParty><Bogus/>");
    const results = await validatePoliciesAgainstSchema([
      { fileName: "good.xml", xml: good },
      { fileName: "bad.xml", xml: bad },
    ]);
    expect(results[0]).toEqual({ fileName: "good.xml", valid: true, errors: [] });
    expect(results[1].valid).toBe(false);
    expect(results[1].errors).toEqual([{ line: 16, message: expect.stringContaining("Element 'Bogus': This element is not expected.") }]);
  });

  it("reports a document that is not well-formed with the parser's line", async () => {
    const errors = await validatePolicyAgainstSchema('<TrustFrameworkPolicy>\n<BasePolicy>\n</TrustFrameworkPolicy>');
    expect(errors[0].line).toBe(3);
    expect(errors[0].message).toContain("Opening and ending tag mismatch");
  });
});
