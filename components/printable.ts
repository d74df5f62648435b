/**
 * Text from untrusted input (zone files, DNS answers, programs) made safe to print on a terminal or
 * in a CI log: every character that a terminal interprets or that breaks a line is written as the
 * master-file escape of its UTF-8 octets (RFC 1035 §5.1 `\DDD`), the form `dig` prints and a zone
 * file accepts back. ESC (`\027`) can no longer start a terminal sequence, a newline can no longer
 * start a forged line, and a bidirectional override can no longer reorder what the reader sees.
 */

/**
 * C0 controls and DEL, C1 controls (U+0080–U+009F, which some terminals take as CSI), the line and
 * paragraph separators, zero-width and bidirectional formatting characters, the BOM, and lone
 * surrogates (which have no UTF-8 form).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Printable ASCII only (PLAIN), or with the tabs and line feeds output is laid out with (LAID_OUT): nothing in it
 * to escape. One pass of these simple classes is much cheaper than UNSAFE's alternatives with their look-arounds
 * (a 10 MB report summary: 8 ms against 90 ms; npm run bench:reports), and it is what nearly all output is.
 */
const PLAIN = /^[\x20-\x7e]*$/;
const LAID_OUT = /^[\t\n\x20-\x7e]*$/;

/** `text` with every unsafe character replaced by what `escape` makes of it. */
export function replaceUnsafe(text: string, escape: (c: string) => string): string {
  return PLAIN.test(text) ? text : text.replace(UNSAFE, escape);
}

/** `text` with every unsafe character as `\DDD` escapes of its UTF-8 octets. */
export function printable(text: string): string {
  return replaceUnsafe(text, (c) => {
    const code = c.charCodeAt(0);
    // A lone surrogate cannot be encoded: shown as the replacement character's octets.
    const bytes = code >= 0xd800 && code <= 0xdfff ? Buffer.from("\ufffd", "utf8") : Buffer.from(c, "utf8");
    return [...bytes].map((b) => `\\${String(b).padStart(3, "0")}`).join("");
  });
}

/** True when `text` has an unsafe character. */
export function hasUnsafe(text: string): boolean {
  return text.search(UNSAFE) >= 0;
}

/** `\uXXXX` for one UTF-16 code unit: valid in JSON, JavaScript, TypeScript and YAML double-quoted strings. */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `text` as printed to a terminal by a command whose output quotes untrusted data (DNS answers, receivers'
 * reports): every unsafe character is `\DDD` as in `printable`, except the line breaks and tabs the output is laid
 * out with. One boundary for the whole output, so no table cell or message can be forgotten.
 */
export function terminalText(text: string): string {
  return LAID_OUT.test(text) ? text : replaceUnsafe(text, (c) => (c === "\n" || c === "\t" ? c : printable(c)));
}

/**
 * JSON text with the characters JSON.stringify leaves raw but a terminal acts on (C1 controls such as U+009B, CSI;
 * bidirectional overrides; U+2028/U+2029) as `\uXXXX` escapes: the same JSON value, safe to print. JSON.stringify
 * escapes C0 controls in strings itself, so the only raw line breaks left are the layout's.
 */
export function jsonText(json: string): string {
  // A raw tab cannot be in JSON.stringify's output (it escapes it in strings and indents with spaces), so a tab
  // here comes from elsewhere and is escaped.
  return /^[\n\x20-\x7e]*$/.test(json) ? json : replaceUnsafe(json, (c) => (c === "\n" ? c : unicodeEscape(c)));
}
