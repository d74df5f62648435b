/**
 * TXT character-strings (RFC 1035 §3.3.14): one TXT value is a sequence of strings of at most 255
 * octets each. Mail records longer than that (every 2048-bit DKIM key) must be split, and the
 * reader joins the strings without adding anything between them (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
 *
 * Written by hand: the zone-file quoting rules are short and exact (RFC 1035 §5.1), and the one
 * subtle part, splitting by UTF-8 octets without cutting a character, has no well-kept library.
 */
import { Diagnostic, Parsed, invalid } from "./diagnostics";
import { printable } from "./names";

export const MAX_STRING_OCTETS = 255;

/**
 * Split a value into character-strings of at most `max` octets, counted in UTF-8, never inside a
 * multi-byte character. An empty value is one empty string (a TXT record always has one).
 */
export function splitTxt(value: string, max = MAX_STRING_OCTETS): string[] {
  if (max < 4) throw new RangeError("splitTxt: max must be at least 4 octets (one UTF-8 character)");
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, "utf8");
    if (octets + n > max) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out;
}

/** Join character-strings the way SPF and DKIM readers do: concatenated with nothing between. */
export function joinTxt(strings: readonly string[]): string {
  return strings.join("");
}

/**
 * Quote one character-string for a zone file (RFC 1035 §5.1): `"` and `\` are escaped with a
 * backslash, octets outside printable ASCII as `\DDD` decimal escapes of their UTF-8 octets.
 */
export function quoteTxtString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, "utf8")) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString().padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** A whole TXT value as zone-file rdata: split at 255 octets, each string quoted, space-separated. */
export function renderTxtRdata(value: string, max = MAX_STRING_OCTETS): string {
  return splitTxt(value, max).map(quoteTxtString).join(" ");
}

/**
 * Parse TXT rdata in zone-file presentation form (quoted or bare character-strings with `\X` and
 * `\DDD` escapes) into its strings. Never throws: unbalanced quotes or bad escapes are diagnostics.
 */
export function parseTxtRdata(rdata: string, field = "txt"): Parsed<string[]> {
  const strings: string[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  const bytes: number[] = [];
  const flush = () => {
    strings.push(Buffer.from(bytes).toString("utf8"));
    bytes.length = 0;
  };
  const readEscape = (): void => {
    // at a backslash
    const digits = rdata.slice(i + 1, i + 4);
    if (/^\d{3}$/.test(digits)) {
      const v = Number(digits);
      if (v > 255) diagnostics.push(invalid("txt.bad-escape", field, `escape \\${digits} is not an octet (0–255).`, "RFC 1035 §5.1"));
      bytes.push(v & 0xff);
      i += 4;
    } else if (i + 1 < rdata.length) {
      const ch = rdata.codePointAt(i + 1) as number;
      const s = String.fromCodePoint(ch);
      bytes.push(...Buffer.from(s, "utf8"));
      i += 1 + s.length;
    } else {
      diagnostics.push(invalid("txt.bad-escape", field, "a backslash ends the text: escape it as \\\\.", "RFC 1035 §5.1"));
      i += 1;
    }
  };
  /** The octets of the character at `i` (UTF-8); returns how many UTF-16 units it took. ASCII, the usual case, without a Buffer. */
  const pushChar = (): number => {
    const code = rdata.charCodeAt(i);
    if (code < 0x80) {
      bytes.push(code);
      return 1;
    }
    const s = String.fromCodePoint(rdata.codePointAt(i) as number);
    for (const b of Buffer.from(s, "utf8")) bytes.push(b);
    return s.length;
  };
  while (i < rdata.length) {
    const c = rdata[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      i++;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < rdata.length) {
        const d = rdata[i];
        if (d === "\\") readEscape();
        else if (d === '"') {
          closed = true;
          i++;
          break;
        } else {
          i += pushChar();
        }
      }
      if (!closed) diagnostics.push(invalid("txt.unterminated-quote", field, "a quoted string has no closing quote: add the missing \".", "RFC 1035 §5.1"));
      flush();
    } else {
      while (i < rdata.length && rdata[i] !== " " && rdata[i] !== "\t" && rdata[i] !== "\r" && rdata[i] !== "\n") {
        if (rdata[i] === "\\") readEscape();
        else if (rdata[i] === '"') break;
        else {
          i += pushChar();
        }
      }
      flush();
    }
  }
  for (const s of strings) {
    if (Buffer.byteLength(s, "utf8") > MAX_STRING_OCTETS) {
      diagnostics.push(invalid("txt.string-too-long", field, `a character-string is ${Buffer.byteLength(s)} octets; split it into strings of at most 255.`, "RFC 1035 §3.3"));
    }
  }
  return { model: strings, diagnostics };
}

/**
 * Control characters (and DEL) never belong in a mail TXT record: a newline or NUL smuggled into a
 * value would end the record in zone files and in provider APIs.
 */
export function checkNoControlCharacters(value: string, field: string, code = "txt.control-character"): Diagnostic[] {
  const m = /[\u0000-\u001f\u007f]/.exec(value);
  if (!m) return [];
  return [invalid(code, field, `${field} contains a control character (${printable(m[0])}) in "${printable(value).slice(0, 60)}": remove it.`, "RFC 7208 §3; RFC 6376 §3.2")];
}

/** Strings of a Route 53/Cloudflare style value over 255 octets: what the DNS API would reject. */
export function checkStringLengths(strings: readonly string[], field: string): Diagnostic[] {
  return strings
    .map((s, i) => ({ s, i, n: Buffer.byteLength(s, "utf8") }))
    .filter((x) => x.n > MAX_STRING_OCTETS)
    .map((x) => invalid("txt.string-too-long", `${field}[${x.i}]`, `character-string ${x.i + 1} is ${x.n} octets; a TXT string holds at most 255: split the value into several quoted strings.`, "RFC 1035 §3.3"));
}
