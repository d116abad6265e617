// Issue 20 item 6: `b2c-identity import` tells a certificate keyset from what the documented
// answers carry. The uploadCertificate / uploadPkcs12 examples answer kty "oct" / "OCT" and no x5c
// (https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadcertificate?view=graph-rest-beta,
// https://learn.microsoft.com/graph/api/trustframeworkkeyset-uploadpkcs12?view=graph-rest-beta); a
// certificate key carries its thumbprint x5t (https://learn.microsoft.com/graph/api/resources/trustframeworkkey?view=graph-rest-beta).
import { keySetSource } from "../../cli/importTenant";

const X5T = "aGVsbG8td29ybGQtdGh1bWJwcmludA";

test.each([
  ["uploadCertificate's answer: kty oct, x5t, no x5c", [{ kid: "k1", use: "sig", kty: "oct", nbf: 1, exp: 2, x5t: X5T }]],
  ["uploadPkcs12's answer: kty OCT, x5t, no x5c", [{ kid: "k1", use: "sig", kty: "OCT", x5t: X5T }]],
  ["a list answer with x5t and an empty x5c", [{ kid: "k1", use: "sig", kty: "RSA", e: "AQAB", n: "xyz", x5c: [], x5t: X5T }]],
  ["x5c alone (as before)", [{ kid: "k1", use: "sig", kty: "RSA", x5c: ["MIIB"] }]],
])("%s: a certificate keyset", (_name, keys) => {
  expect(keySetSource(keys as any).source).toBe("certificate");
});

test.each([
  ["generateKey's answer (RSA, x5c [], no x5t)", [{ kid: "k1", use: "sig", kty: "RSA", e: "AQAB", n: "xyz", x5c: [] }], "generate"],
  ["uploadSecret's answer (OCT, no x5t)", [{ kid: "k1", use: "sig", kty: "OCT" }], "secret"],
  ["an empty x5t is no thumbprint", [{ kid: "k1", use: "sig", kty: "oct", x5t: "" }], "secret"],
])("%s: not a certificate", (_name, keys, source) => {
  expect(keySetSource(keys as any).source).toBe(source);
});
