// Redaction of every form of every secret (graph/redact.ts): a table of the forms a service, proxy
// or authority may quote a secret in, and a property-based test (fast-check) drawing random
// secrets, random forms of random parts of them and random surrounding text.
import fc from "fast-check";
import { redactSecrets, SecretRedactor } from "../../graph/redact";
import { describeValueShape } from "../../domain/problems";

/** The written forms of a quoted value a test can put in a message. */
const hexOf = (b: Buffer) => b.toString("hex");
const pairs = (b: Buffer) => hexOf(b).match(/../g) ?? [];
const base32 = (bytes: Buffer): string => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out + "=".repeat((8 - (out.length % 8)) % 8);
};
/** .NET's System.Text.Json default escaping: HTML-sensitive characters and non-ASCII as \uXXXX. */
const dotnetJson = (s: string) => `"${[...s].map((c) => (/[A-Za-z0-9 \-_.,:;!?@#$%^*()~/=]/.test(c) ? c : [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`).join(""))).join("")}"`;
const htmlNamed = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const mime = (s: string, width: number) => s.replace(new RegExp(`(.{${width}})`, "g"), "$1\r\n");
const randomCase = (s: string, flips: boolean[]) => [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join("");

const FORMS: Record<string, (s: string, salt: Buffer) => string> = {
  raw: (s) => s,
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  "split over two lines": (s) => `${s.slice(0, Math.ceil(s.length / 2))}\n    ${s.slice(Math.ceil(s.length / 2))}`,
  "split over CRLF lines, upper": (s) => `${s.slice(0, 5)}\r\n${s.slice(5)}`.toUpperCase(),
  base64: (s) => Buffer.from(s).toString("base64"),
  "base64 inside a longer text (each alignment)": (s, salt) => Buffer.concat([salt.subarray(0, 1 + (salt[0] % 3)), Buffer.from(s), salt]).toString("base64"),
  base64url: (s, salt) => Buffer.concat([salt.subarray(0, salt[1] % 3), Buffer.from(s)]).toString("base64url"),
  "base64 MIME-wrapped": (s, salt) => mime(Buffer.concat([salt, Buffer.from(s), salt]).toString("base64"), 4 + (salt[2] % 20)),
  "UTF-16LE hex": (s) => hexOf(Buffer.from(s, "utf16le")),
  "UTF-16BE hex": (s) => hexOf(Buffer.from(s, "utf16le").swap16()),
  "UTF-16LE base64": (s, salt) => Buffer.concat([salt.subarray(0, salt[3] % 3), Buffer.from(s, "utf16le")]).toString("base64"),
  "UTF-16BE base64": (s) => Buffer.from(s, "utf16le").swap16().toString("base64"),
  "JSON string": (s) => JSON.stringify(s),
  ".NET JSON (\\u002B)": dotnetJson,
  "every character \\u-escaped": (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  "URL-encoded": (s) => encodeURIComponent(s),
  "form-encoded": (s) => new URLSearchParams({ k: s }).toString().slice(2),
  "double URL-encoded": (s) => encodeURIComponent(encodeURIComponent(s)),
  "%XX for every byte": (s) => pairs(Buffer.from(s)).map((p) => `%${p.toUpperCase()}`).join(""),
  "\\xXX for every byte": (s) => pairs(Buffer.from(s)).map((p) => `\\x${p}`).join(""),
  hex: (s) => hexOf(Buffer.from(s)),
  "hex upper-case": (s) => hexOf(Buffer.from(s)).toUpperCase(),
  "hex with ':'": (s) => pairs(Buffer.from(s)).join(":"),
  "hex with '-'": (s) => pairs(Buffer.from(s)).join("-").toUpperCase(),
  "hex with spaces": (s) => pairs(Buffer.from(s)).join(" "),
  "hex as 0x.., ": (s) => pairs(Buffer.from(s)).map((p) => `0x${p}`).join(", "),
  base32: (s) => base32(Buffer.from(s)),
  "base32 inside a longer text (each alignment)": (s, salt) => base32(Buffer.concat([salt.subarray(0, salt[4] % 5), Buffer.from(s)])),
  "HTML entities (named)": htmlNamed,
  "HTML entities (decimal)": (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(""),
  "HTML entities (hex)": (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`).join(""),
};

/** Every REDACT_RUN_LENGTH-character run of `quoted` (whitespace dropped, lower case) that is still in `out`. */
function survivingRuns(out: string, quoted: string): string[] {
  const flat = (t: string) => t.replace(/\s+/g, "").toLowerCase();
  const o = flat(out);
  const q = flat(quoted);
  const left: string[] = [];
  for (let i = 0; i + 8 <= q.length; i++) if (o.includes(q.slice(i, i + 8))) left.push(q.slice(i, i + 8));
  return left;
}

/** Forms that put other bytes (the salt) around the secret before encoding: base64 / base32 at each alignment. */
const SALTED = new Set(["base64 inside a longer text (each alignment)", "base64url", "base64 MIME-wrapped", "UTF-16LE base64", "base32 inside a longer text (each alignment)"]);

/** Each character changed, keeping its UTF-8 length: the same form of another value of the same size. */
const otherValue = (s: string) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) ^ 0x7f : c.charCodeAt(0) ^ 0x3f)).join("");

/**
 * The part of a quote that depends on the secret: all of it, or for a salted form, from the first
 * to the last character that differs from the same form of another value (the salt's own
 * characters are not the secret's).
 */
function secretPartOf(formName: string, value: string, salt: Buffer): string {
  const quoted = FORMS[formName](value, salt).replace(/\s+/g, "");
  if (!SALTED.has(formName)) return quoted;
  const other = FORMS[formName](otherValue(value), salt).replace(/\s+/g, "");
  let first = 0;
  while (first < quoted.length && quoted[first] === other[first]) first++;
  let last = quoted.length - 1;
  while (last > first && quoted[last] === other[last]) last--;
  return quoted.slice(first, last + 1);
}

describe("every form of a secret is redacted (table)", () => {
  const secret = "Wx-AppKey+Secret/2024=ok&<'é>";
  const salt = Buffer.from([7, 200, 13, 2, 3, 99, 150]);
  test.each(Object.entries(FORMS))("%s", (_name, form) => {
    const quoted = form(secret, salt);
    const out = redactSecrets(`The value '${quoted}' is not valid.`, [secret]);
    expect(out).toContain("***");
    expect(survivingRuns(out, secretPartOf(_name, secret, salt))).toEqual([]);
    expect(out.startsWith("The value '")).toBe(true);
    expect(out.endsWith("' is not valid.")).toBe(true);
  });

  test.each([
    ["a suffix", secret.slice(-12)],
    ["a middle part", secret.slice(4, 14)],
    ["a middle part, upper-cased and URL-encoded", encodeURIComponent(secret.slice(6, 17).toUpperCase())],
    ["a middle part in base64", Buffer.from(secret.slice(5, 16)).toString("base64")],
  ])("%s of the secret", (_name, quoted) => {
    const out = redactSecrets(`got ${quoted} instead`, [secret]);
    expect(out).toMatch(/^got \*\*\*=* instead$/); // base64 padding may stay
  });

  test("case-insensitive matching keeps indices after characters whose lower case is longer ('İ')", () => {
    const text = `İİİİ İstanbul: ${secret.toUpperCase()} — the rest stays`;
    expect(redactSecrets(text, [secret])).toBe("İİİİ İstanbul: *** — the rest stays");
    // ... and a secret holding such characters is found in either case.
    const turkish = "İçİndekİler-2024";
    expect(redactSecrets(`x ${turkish.toLowerCase()} y ${turkish.toUpperCase()} z`, [turkish])).toBe("x *** y *** z");
    expect(redactSecrets("key STRASSE-geheim-99 ok", ["straße-geheim-99"])).toBe("key *** ok");
  });

  test("a request-id header or other field holding a secret in several forms at once", () => {
    const text = `req ${secret.slice(0, 9)}|${Buffer.from(secret).toString("base64").slice(3, 20)}|${encodeURIComponent(secret.slice(-12))}`;
    expect(redactSecrets(text, [secret])).toBe("req ***|***|***");
  });

  test("each of several secrets (APP KEY, PFX password and key material, client secret) is redacted", () => {
    const pfx = Buffer.from("0\x82\x05binary-pkcs12-bytes-here-and-more").toString("base64");
    const secrets = ["wechat-app-key-0123456789abcdef", "Pa55word!", pfx, "client~secret.Value_123"];
    const text = `k=${secrets[0].toUpperCase()} p=${secrets[1]} key=${pfx.slice(8, 30)} cs=${encodeURIComponent(secrets[3])}`;
    expect(redactSecrets(text, secrets)).toBe("k=*** p=*** key=*** cs=***");
  });

  test("text without the secret is left unchanged, including escapes and encodings of other values", () => {
    const text = `Graph said: "The client secret is wrong" (%41%42, \\u002B, &amp;, ${Buffer.from("other value here").toString("base64")}).\nİ ß ﬁ`;
    expect(redactSecrets(text, [secret])).toBe(text);
    expect(redactSecrets(text, [])).toBe(text);
    expect(redactSecrets(text, [undefined, ""])).toBe(text);
  });

  test("a short secret counts whole, as sent, in hex or base64; its shifted encodings (2-3 letters) do not count", () => {
    expect(redactSecrets("key 'aB3' rejected; AB3 again; hex 614233; b64 YUIz", ["aB3"])).toBe("key '***' rejected; *** again; hex ***; b64 ***");
    // Shifted base64 of "Q!" is "Eh", "RI" or "RIQ": ordinary text keeps them.
    expect(redactSecrets("RIGHTS, Ehm, RIQUET, 'QI' and Q; x=Q!", ["Q!"])).toBe("RIGHTS, Ehm, RIQUET, 'QI' and Q; x=***");
  });

  test("a 7-character run of a long secret is not enough to count (no false alarms on common words)", () => {
    expect(redactSecrets("Wx-AppK is fine", [secret])).toBe("Wx-AppK is fine");
  });

  test("the forms are computed once per secret set, so a long secret costs little per text", () => {
    const key = Buffer.from(Array.from({ length: 3000 }, (_, i) => (0x5a + i * 31) & 0xff)).toString("base64");
    const redactor = new SecretRedactor([key, "app-key-0123456789"]);
    const text = `${"lorem ipsum ".repeat(2000)} ${key.slice(100, 400)} done`;
    // Linear-ish: the redactor reads the text a bounded number of times; asserted on the result, not on time.
    expect(redactor.redact(text)).toBe(`${"lorem ipsum ".repeat(2000)} *** done`);
  });
});

describe("shape errors show a value's length and first two characters only", () => {
  test.each([
    ["0123456789abcdef0123456789abcdef", "a 32-character value starting '01'"],
    ["中文密钥", "a 4-character value starting '中文'"],
    ["", "an empty value"],
  ])("%j", (value, shown) => {
    expect(describeValueShape(value)).toBe(shown);
  });
});

// ---- property-based ---------------------------------------------------------------------------------

/** Secrets: printable ASCII (no whitespace, no '*'), some Latin and other letters that change with case. */
const SECRET_UNITS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.!~@#$%^&:;,?'\"\\`", ..."éñİßüΩжı"];
/** Surrounding text drawn apart from every form's alphabet, so any surviving run is the secret's. */
const TEXT_UNITS = [..."文字测试错误消息请稍后再试，。：！？（）【】 \n\t\r\u00a0()[]<>{}|"];

const secretArb = fc.string({ unit: fc.constantFrom(...SECRET_UNITS), minLength: 8, maxLength: 48 });
const textArb = fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: 60 });
const formArb = fc.constantFrom(...Object.keys(FORMS));

test("property: no run of 8 characters of any form of any part of a secret survives, whatever surrounds it", () => {
  fc.assert(
    fc.property(
      secretArb,
      fc.array(secretArb, { maxLength: 2 }),
      formArb,
      fc.nat(),
      fc.integer({ min: 8, max: 48 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      textArb,
      textArb,
      (secret, others, formName, start, length, saltBytes, flips, before, after) => {
        // A run of the secret (at least 8 characters, or all of it), in a random case, then written in a random form.
        const from = start % Math.max(1, secret.length - 7);
        const part = secret.slice(from, from + Math.max(8, length));
        const cased = /raw|split/.test(formName) ? randomCase(part, flips) : part;
        const quoted = FORMS[formName](cased, Buffer.from(saltBytes));
        const out = redactSecrets(`${before}${quoted}${after}`, [...others, secret]);
        expect(survivingRuns(out, secretPartOf(formName, cased, Buffer.from(saltBytes)))).toEqual([]);
        expect(survivingRuns(out, part)).toEqual([]);
        // What surrounds the quote is kept as it was.
        expect(out.startsWith(before)).toBe(true);
        expect(out.endsWith(after)).toBe(true);
      },
    ),
    { numRuns: 400 },
  );
});

test("property: text holding no secret is returned unchanged", () => {
  const anyText = fc.string({ unit: fc.oneof(fc.constantFrom(...TEXT_UNITS), fc.constantFrom(...SECRET_UNITS)), maxLength: 200 });
  fc.assert(
    fc.property(fc.array(secretArb, { minLength: 1, maxLength: 3 }), anyText, (secrets, text) => {
      // Random text holds one of a random secret's 8-character runs with odds far below one in a million.
      fc.pre(secrets.every((s) => !text.toLowerCase().includes(s.slice(0, 8).toLowerCase())));
      expect(redactSecrets(text, secrets)).toBe(text);
    }),
    { numRuns: 400 },
  );
});
