// Redaction of secrets (APP KEYs, policy secrets, PFX passwords and key material, the app's own
// client secret) from anything we print: error messages, request ids, CLI output. A service may
// quote a secret back in many written forms, cut short, in any letter case, wrapped over lines or
// escaped; the matcher below looks for any run of REDACT_RUN_LENGTH or more characters of any form.
//
// How: the text is read as up to four streams of characters, each character remembering the span
// of the original text it came from: (0) the text without whitespace, letters folded one code unit
// at a time (so indices never shift, unlike toLowerCase() on 'İ'), then (1-3) that stream with
// escapes decoded once, twice, three times (%XX, \uXXXX, \xXX, \n, &#NN;, &amp; ...: URL, double URL,
// JSON / .NET `\u002B`, HTML). The written forms of each secret that are not escapes (raw, the UTF-8
// bytes as Latin-1, base64 at each alignment, base32, hex with or without separators, UTF-16 in hex
// or base64) are computed once per secret set and indexed by their REDACT_RUN_LENGTH-character
// substrings. A scan of each stream then finds every run in linear time (each position looks up one
// substring and jumps past what it matched); the original spans of the runs become `***`.
// Pure: no I/O.

/** Shortest run of a secret's written form that counts as the secret (a truncated or partial quote). */
export const REDACT_RUN_LENGTH = 8;
/** The former name of REDACT_RUN_LENGTH (it once counted leading characters only). */
export const REDACT_PREFIX_LENGTH = REDACT_RUN_LENGTH;

/** Secrets longer than this (key material) get the common forms only, to keep the index small. */
const LONG_SECRET = 512;
/** Positions kept per indexed substring: enough for correctness (any candidate covers the run). */
const CANDIDATES_PER_GRAM = 4;

/**
 * One code unit folded for case-insensitive matching: upper then lower case, so 'ß', 'ẞ' and "SS"
 * all read "ss", and 'İ' reads "i" (the dot U+0307 that toLowerCase() adds is dropped). Folding
 * one unit at a time, with each result remembering the unit's span, keeps indices into the text.
 */
function foldUnit(unit: string): string {
  const code = unit.charCodeAt(0);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : unit;
  return unit.toUpperCase().toLowerCase().replace(/\u0307/g, "");
}

/** `text` folded as the matcher reads it (see foldUnit). */
export function foldCase(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i]);
  return out;
}

const WHITESPACE = /\s/;

function stripWhitespace(text: string): string {
  return text.replace(/\s+/g, "");
}

// ---- written forms of a secret ------------------------------------------------------------------

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The characters of a radix encoding (base64: 6 bits a character, base32: 5) that depend on the
 * secret's bytes alone, for each byte alignment the secret can have inside a longer encoded text.
 */
function encodedAtEachAlignment(bytes: Buffer, bitsPerChar: number, alignments: number, encode: (b: Buffer) => string): string[] {
  const forms: string[] = [];
  for (let shift = 0; shift < alignments; shift++) {
    const encoded = encode(Buffer.concat([Buffer.alloc(shift), bytes])).replace(/=+$/, "");
    const first = Math.ceil((8 * shift) / bitsPerChar);
    const last = Math.floor((8 * (shift + bytes.length)) / bitsPerChar); // characters wholly inside the secret's bits
    const core = encoded.slice(first, last);
    if (core.length > 0) forms.push(core);
    // When the secret ends the encoded data, its last character (zero bits filled in) is its own too.
    if (encoded.length > last && last > first) forms.push(encoded.slice(first));
  }
  return forms;
}

/** Hex of each byte, with the separators and prefixes dumps use ("de:ad", "de-ad", "\xde\xad", "%DE%AD", "0xde,0xad"). */
function hexForms(bytes: Buffer): string[] {
  const pairs = [...bytes].map((b) => b.toString(16).padStart(2, "0"));
  const styles: [prefix: string, separator: string][] = [
    ["", ""],
    ["", ":"],
    ["", "-"],
    ["", ","],
    ["", "."],
    ["0x", ","],
    ["0x", ""],
  ];
  return styles.map(([prefix, separator]) => pairs.map((p) => prefix + p).join(separator));
}

/**
 * The written forms of a secret that are matched as text (escapes — %XX, \uXXXX, \xXX, HTML
 * entities — are decoded from the text instead, so partly escaped quotes are found too).
 */
export function secretForms(secret: string): string[] {
  const utf8 = Buffer.from(secret, "utf8");
  const forms = new Set<string>([secret, utf8.toString("latin1")]);
  // Form encoding writes a space as '+' (whitespace itself is skipped when matching).
  if (/\s/.test(secret)) forms.add(secret.replace(/\s+/g, "+"));
  const encodings: Buffer[] = [utf8];
  if (secret.length <= LONG_SECRET) {
    const utf16le = Buffer.from(secret, "utf16le");
    const utf16be = Buffer.from(utf16le).swap16();
    encodings.push(utf16le, utf16be);
    forms.add(utf16le.toString("latin1"));
    forms.add(utf16be.toString("latin1"));
  }
  for (const bytes of encodings) {
    for (const b64 of encodedAtEachAlignment(bytes, 6, 3, (b) => b.toString("base64"))) {
      forms.add(b64);
      forms.add(b64.replace(/\+/g, "-").replace(/\//g, "_"));
    }
    if (secret.length <= LONG_SECRET) {
      for (const hex of hexForms(bytes)) forms.add(hex);
      for (const b32 of encodedAtEachAlignment(bytes, 5, 5, base32)) forms.add(b32);
    } else {
      forms.add(bytes.toString("hex"));
    }
  }
  return [...forms].map(stripWhitespace).filter((f) => f.length > 0);
}

// ---- the text as streams of characters -----------------------------------------------------------

/** Characters (folded) and, for each, the span [start, end) of the original text it stands for. */
interface Stream {
  chars: string;
  starts: number[];
  ends: number[];
}

/** Stream 0: the text without whitespace, folded. */
function baseStream(text: string): Stream {
  const s: Stream = { chars: "", starts: [], ends: [] };
  let chars = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text[i];
    if (WHITESPACE.test(unit)) continue;
    for (const c of foldUnit(unit)) {
      chars += c;
      s.starts.push(i);
      s.ends.push(i + 1);
    }
  }
  s.chars = chars;
  return s;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", plus: "+", sol: "/", bsol: "\\", equals: "=",
  percnt: "%", num: "#", colon: ":", semi: ";", comma: ",", period: ".", excl: "!", quest: "?", lpar: "(", rpar: ")",
  dollar: "$", commat: "@", lsqb: "[", rsqb: "]", lcub: "{", rcub: "}", ast: "*", hyphen: "-", lowbar: "_", grave: "`", tilde: "~",
};
const JSON_SHORT_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const HEX = /^[0-9a-f]+$/;

/** One escape at `i` of a folded stream: the character(s) it stands for and its length, or undefined. */
function escapeAt(chars: string, i: number): { text: string; length: number } | undefined {
  const c = chars[i];
  if (c === "%") {
    const hex = chars.slice(i + 1, i + 3);
    if (hex.length === 2 && HEX.test(hex)) return { text: String.fromCharCode(parseInt(hex, 16)), length: 3 };
    const wide = /^u([0-9a-f]{4})/.exec(chars.slice(i + 1, i + 6)); // %uXXXX (JavaScript's escape())
    if (wide) return { text: String.fromCharCode(parseInt(wide[1], 16)), length: 6 };
    return undefined;
  }
  if (c === "\\") {
    const next = chars[i + 1];
    if (next === "u") {
      const braced = /^\{([0-9a-f]{1,6})\}/.exec(chars.slice(i + 2, i + 10));
      if (braced) {
        const code = parseInt(braced[1], 16);
        return code <= 0x10ffff ? { text: String.fromCodePoint(code), length: 2 + braced[0].length } : undefined;
      }
      const hex = chars.slice(i + 2, i + 6);
      return hex.length === 4 && HEX.test(hex) ? { text: String.fromCharCode(parseInt(hex, 16)), length: 6 } : undefined;
    }
    if (next === "x") {
      const hex = chars.slice(i + 2, i + 4);
      return hex.length === 2 && HEX.test(hex) ? { text: String.fromCharCode(parseInt(hex, 16)), length: 4 } : undefined;
    }
    if (next !== undefined && next in JSON_SHORT_ESCAPES) return { text: JSON_SHORT_ESCAPES[next], length: 2 };
    return undefined;
  }
  if (c === "&") {
    const m = /^&(?:#x([0-9a-f]{1,6})|#([0-9]{1,7})|([a-z]{2,8}));/.exec(chars.slice(i, i + 11));
    if (!m) return undefined;
    const code = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 10) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? { text: String.fromCodePoint(code), length: m[0].length } : undefined;
    const named = NAMED_ENTITIES[m[3]];
    return named !== undefined ? { text: named, length: m[0].length } : undefined;
  }
  return undefined;
}

/** The stream with each escape decoded (its characters keep the span of the whole escape), or undefined when it has none. */
function decodedStream(s: Stream): Stream | undefined {
  const out: Stream = { chars: "", starts: [], ends: [] };
  let chars = "";
  let decodedAny = false;
  for (let i = 0; i < s.chars.length; ) {
    const escape = escapeAt(s.chars, i);
    if (!escape) {
      chars += s.chars[i];
      out.starts.push(s.starts[i]);
      out.ends.push(s.ends[i]);
      i++;
      continue;
    }
    decodedAny = true;
    const start = s.starts[i];
    const end = s.ends[i + escape.length - 1];
    for (const unit of escape.text) {
      for (let k = 0; k < unit.length; k++) {
        if (WHITESPACE.test(unit[k])) continue;
        for (const c of foldUnit(unit[k])) {
          chars += c;
          out.starts.push(start);
          out.ends.push(end);
        }
      }
    }
    i += escape.length;
  }
  out.chars = chars;
  return decodedAny ? out : undefined;
}

// ---- matching ------------------------------------------------------------------------------------

interface Candidate {
  form: string;
  offset: number;
}

/** The precomputed forms of a set of secrets; build once, redact many texts. */
export class SecretRedactor {
  /** Forms of REDACT_RUN_LENGTH or more characters, by each of their substrings of that length. */
  private readonly grams = new Map<string, Candidate[]>();
  /** Forms shorter than that (short secrets): matched whole. */
  private readonly shortForms: string[] = [];
  readonly empty: boolean;

  constructor(secrets: readonly (string | undefined | null)[]) {
    const distinct = [...new Set(secrets.filter((s): s is string => typeof s === "string" && stripWhitespace(s).length > 0))];
    const forms = new Set<string>();
    const shortForms = new Set<string>();
    for (const secret of distinct) {
      for (const form of secretForms(secret)) forms.add(foldCase(form));
      // A form shorter than a run counts whole, so only the plain ones: a shifted base64 or base32
      // form of a short secret is two or three letters that occur anywhere.
      const utf8 = Buffer.from(secret, "utf8");
      for (const form of [secret, utf8.toString("hex"), utf8.toString("base64").replace(/=+$/, ""), utf8.toString("base64url")]) {
        shortForms.add(foldCase(stripWhitespace(form)));
      }
    }
    for (const form of forms) {
      if (form.length < REDACT_RUN_LENGTH) {
        if (shortForms.has(form)) this.shortForms.push(form);
        continue;
      }
      for (let offset = 0; offset + REDACT_RUN_LENGTH <= form.length; offset++) {
        const gram = form.slice(offset, offset + REDACT_RUN_LENGTH);
        const list = this.grams.get(gram);
        if (!list) this.grams.set(gram, [{ form, offset }]);
        else if (list.length < CANDIDATES_PER_GRAM) list.push({ form, offset });
      }
    }
    this.shortForms.sort((a, b) => b.length - a.length);
    this.empty = this.grams.size === 0 && this.shortForms.length === 0;
  }

  /** The spans [start, end) of `text` that hold a secret in any form, merged and sorted. */
  spans(text: string): [number, number][] {
    if (this.empty || text.length === 0) return [];
    const found: [number, number][] = [];
    let stream: Stream | undefined = baseStream(text);
    for (let level = 0; stream && level < 4; level++) {
      this.scan(stream, found);
      stream = decodedStream(stream);
    }
    return mergeSpans(found);
  }

  /** `text` with each secret span replaced by `***`. */
  redact(text: string): string {
    const spans = this.spans(text);
    if (spans.length === 0) return text;
    let out = "";
    let at = 0;
    for (const [start, end] of spans) {
      out += text.slice(at, start) + "***";
      at = end;
    }
    return out + text.slice(at);
  }

  private scan(s: Stream, found: [number, number][]): void {
    const chars = s.chars;
    const add = (from: number, to: number) => found.push([s.starts[from], s.ends[to - 1]]);
    for (let i = 0; i + REDACT_RUN_LENGTH <= chars.length; ) {
      const candidates = this.grams.get(chars.slice(i, i + REDACT_RUN_LENGTH));
      if (!candidates) {
        i++;
        continue;
      }
      let end = i + REDACT_RUN_LENGTH;
      for (const { form, offset } of candidates) {
        let n = REDACT_RUN_LENGTH;
        while (offset + n < form.length && i + n < chars.length && chars[i + n] === form[offset + n]) n++;
        end = Math.max(end, i + n);
      }
      add(i, end);
      // A longer run of another form that starts inside this one also covers the substring that
      // begins REDACT_RUN_LENGTH - 1 characters before this run's end: looking again from there finds it.
      i = Math.max(i + 1, end - REDACT_RUN_LENGTH + 1);
    }
    for (const form of this.shortForms) {
      for (let at = chars.indexOf(form); at !== -1; at = chars.indexOf(form, at + 1)) add(at, at + form.length);
    }
  }
}

function mergeSpans(spans: [number, number][]): [number, number][] {
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Redactors by secret set: an error path redacts several texts with the same secrets. */
const redactors = new Map<string, SecretRedactor>();
const MAX_CACHED_REDACTORS = 32;

/** The redactor of this secret set, built once (and kept for the next few calls with the same set). */
export function redactorFor(secrets: readonly (string | undefined | null)[] | undefined): SecretRedactor {
  const list = (secrets ?? []).filter((s): s is string => typeof s === "string" && s.length > 0);
  const key = JSON.stringify([...new Set(list)].sort());
  let redactor = redactors.get(key);
  if (!redactor) {
    redactor = new SecretRedactor(list);
    if (redactors.size >= MAX_CACHED_REDACTORS) redactors.delete(redactors.keys().next().value!);
    redactors.set(key, redactor);
  }
  return redactor;
}

/**
 * Replaces each secret in `text` with `***`: any run of REDACT_RUN_LENGTH or more characters of any
 * of its forms (see the top of this file), across whitespace and line breaks, in any letter case.
 * A secret shorter than that is replaced wherever it occurs whole.
 */
export function redactSecrets(text: string, secrets?: readonly (string | undefined | null)[]): string {
  return redactorFor(secrets).redact(text);
}
