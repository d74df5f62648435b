/**
 * The lexical layer of a master file (RFC 1035 §5.1): logical lines of tokens, with quotes and
 * their `\X`/`\DDD` escapes kept as written, parentheses joining physical lines, `;` comments
 * removed, and the line number where each logical line starts.
 *
 * Every character belongs to exactly one class below and every step of the scan consumes at least
 * one character, so the scan is linear in the text and always ends, whatever bytes the file holds
 * (binary garbage, a non-breaking space pasted from a web panel, a BOM in the middle). Lines are
 * handed to a callback one at a time and not kept, so memory does not grow with the number of
 * lines (five million one-letter lines would otherwise be a gigabyte of line objects).
 */
import { ImportFinding, finding } from "./findings";

/** One token as written: a quoted token keeps its quotes, escapes are kept. */
export interface Token {
  text: string;
  quoted: boolean;
}

export interface LogicalLine {
  line: number;
  /** The physical line starts with a blank: the owner is omitted (the previous one repeats). */
  blankOwner: boolean;
  tokens: Token[];
  /** A lexical error on the line (reported): the line is skipped. */
  broken: boolean;
}

const RFC_MASTER = "RFC 1035 §5.1";

/** The blanks of RFC 1035 §5.1 (space and tab), and the CR of CRLF line ends. */
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d;

/**
 * Characters that look like blanks but are not RFC 1035 blanks: vertical tab, form feed, the
 * Unicode spaces (no-break space, en/em/thin spaces, ideographic space…), the line and paragraph
 * separators, zero-width spaces and the byte order mark. Outside quotes they separate tokens, as
 * the person who pasted them meant, and the line gets a warning.
 */
function unusualBlank(c: number): string | undefined {
  switch (c) {
    case 0x0b:
      return "a vertical tab";
    case 0x0c:
      return "a form feed";
    case 0xa0:
      return "a no-break space (U+00A0)";
    case 0x1680:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return `a Unicode space (U+${c.toString(16).toUpperCase().padStart(4, "0")})`;
    case 0x2028:
      return "a line separator (U+2028)";
    case 0x2029:
      return "a paragraph separator (U+2029)";
    case 0x200b:
    case 0x2060:
      return `a zero-width space (U+${c.toString(16).toUpperCase().padStart(4, "0")})`;
    case 0xfeff:
      return "a byte order mark (U+FEFF) in the middle of the file";
  }
  return c >= 0x2000 && c <= 0x200a ? `a Unicode space (U+${c.toString(16).toUpperCase()})` : undefined;
}

/** A character that ends an unquoted token. */
const endsToken = (c: number): boolean => c === 0x0a || isBlank(c) || c === 0x3b /* ; */ || c === 0x28 /* ( */ || c === 0x29 /* ) */ || c === 0x22 /* " */ || unusualBlank(c) !== undefined;

/** Where lexical problems go; `NO_FINDINGS` for a pass that only looks. */
export interface FindingSink {
  push(f: ImportFinding): void;
}
export const NO_FINDINGS: FindingSink = { push: () => undefined };

/** Each logical line of the text, in order, to `visit`; lexical problems become findings in `findings`. */
export function forEachLogicalLine(text: string, file: string, findings: FindingSink, visit: (l: LogicalLine) => void): void {
  // A BOM at the very start is the UTF-8 signature some editors write: not content.
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let depth = 0;
  let parenLine = 0;
  let atLineStart = true;
  /** The physical line already warned about unusual blanks (one warning per line). */
  let warnedLine = 0;
  let cur: LogicalLine = { line: 1, blankOwner: false, tokens: [], broken: false };
  const flush = () => {
    if (cur.tokens.length > 0 || cur.broken) visit(cur);
    cur = { line, blankOwner: false, tokens: [], broken: false };
  };
  const warnUnusual = (what: string) => {
    if (warnedLine === line) return;
    warnedLine = line;
    findings.push(
      finding("zone.unusual-blank", "warning", `the line has ${what} outside quotes, which is not a blank in a zone file (only spaces and tabs are): it was read as a space. Replace it with a plain space.`, { file, line }, RFC_MASTER),
    );
  };
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (atLineStart && depth === 0) cur = { line, blankOwner: isBlank(c) || unusualBlank(c) !== undefined, tokens: [], broken: false };
    atLineStart = false;
    if (c === 0x0a) {
      if (depth === 0) flush();
      line++;
      atLineStart = true;
      i++;
      continue;
    }
    if (isBlank(c)) {
      i++;
      continue;
    }
    const unusual = unusualBlank(c);
    if (unusual !== undefined) {
      warnUnusual(unusual);
      i++;
      continue;
    }
    if (c === 0x3b) {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
      continue;
    }
    if (c === 0x28) {
      if (depth === 0) parenLine = line;
      depth++;
      i++;
      continue;
    }
    if (c === 0x29) {
      if (depth === 0) {
        findings.push(finding("zone.unbalanced-parenthesis", "error", `a ")" without a matching "(": the line is skipped; remove it or add the "(" it closes.`, { file, line }, RFC_MASTER));
        cur.broken = true;
      } else depth--;
      i++;
      continue;
    }
    const start = i;
    if (c === 0x22) {
      i++;
      let closed = false;
      while (i < src.length) {
        const q = src.charCodeAt(i);
        if (q === 0x0a) break;
        // An escaped line break does not continue the string: it is reported as unterminated.
        if (q === 0x5c) i += src.charCodeAt(i + 1) === 0x0a ? 1 : 2;
        else {
          i++;
          if (q === 0x22) {
            closed = true;
            break;
          }
        }
      }
      i = Math.min(i, src.length);
      if (!closed) {
        findings.push(finding("zone.unterminated-quote", "error", `a quoted string is not closed before the end of the line: the record is skipped; add the missing ".`, { file, line }, RFC_MASTER));
        cur.broken = true;
        continue;
      }
      cur.tokens.push({ text: src.slice(start, i), quoted: true });
      continue;
    }
    // A token character (none of the classes above), so the loop consumes at least this one. A
    // backslash escapes the next character, a blank or a quote too, but never a line break.
    while (i < src.length) {
      const t = src.charCodeAt(i);
      if (t === 0x5c) i += i + 1 < src.length && src.charCodeAt(i + 1) !== 0x0a ? 2 : 1;
      else if (endsToken(t)) break;
      else i++;
    }
    cur.tokens.push({ text: src.slice(start, i), quoted: false });
  }
  if (depth > 0) {
    findings.push(finding("zone.unbalanced-parenthesis", "error", `the "(" opened here is never closed: everything after it up to the end of the file was read as one record, which is skipped; add the missing ")".`, { file, line: parenLine }, RFC_MASTER));
    cur.broken = true;
  }
  flush();
}
