/**
 * Bytes to text, as reports arrive: UTF-8 mostly, sometimes with a byte order mark, UTF-16 from a few Windows
 * generators, a declared legacy encoding (`<?xml version="1.0" encoding="windows-1252"?>`), and invalid UTF-8
 * from generators that paste raw header bytes into `human_result` or `comment`. Invalid bytes never stop a
 * report: they become U+FFFD and a warning naming the first bad offset.
 */
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
import { finding, ReportFinding } from "./findings";

export interface DecodedText {
  text: string;
  /** The encoding the bytes were read with (WHATWG label). */
  encoding: string;
  findings: ReportFinding[];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** The encoding an XML declaration names in its first bytes, if any (read as ASCII). */
function declaredXmlEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1];
}

/**
 * windows-1252 by hand: Node's TextDecoder reads the label as ISO-8859-1 on some versions (0x80–0x9F become C1
 * controls instead of € – “ ” …), and generators that declare windows-1252 write exactly those bytes.
 */
const CP1252_HIGH = "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178";

function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b))).join("");
  }
  return out;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Fast path: Buffer.isUtf8 (Node ≥ 18.14) validates without allocating.
  if (isUtf8(b)) return -1;
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (need > 0 && !isUtf8(b.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decode a report's bytes. `charset` is what the container said (a MIME `charset=` parameter), used when the
 * bytes themselves (BOM, XML declaration) say nothing.
 */
export function decodeText(bytes: Uint8Array, source: string, charset?: string): DecodedText {
  const findings: ReportFinding[] = [];
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", findings };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", findings };
  let body = bytes;
  if (startsWith(bytes, UTF8_BOM)) body = bytes.subarray(3);

  const declared = (declaredXmlEncoding(body) ?? charset)?.toLowerCase();
  if (declared && !/^(utf-?8|us-ascii|ascii)$/.test(declared)) {
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(declared);
    } catch {
      findings.push(finding("text.unknown-encoding", "warning", source, `the document declares the character encoding ${JSON.stringify(declared)}, which is not known here; it was read as UTF-8.`));
    }
    if (decoder?.encoding === "windows-1252") return { text: decodeWindows1252(body), encoding: "windows-1252", findings };
    if (decoder && decoder.encoding !== "utf-8") return { text: decoder.decode(body), encoding: decoder.encoding, findings };
  }

  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    findings.push(
      finding(
        "text.invalid-utf8",
        "warning",
        source,
        `the document is not valid UTF-8 (first invalid byte at offset ${bad}); each invalid byte was read as U+FFFD and the report was read anyway. The reporter's generator writes raw bytes; the counts are unaffected, only free-text fields may show "\uFFFD".`,
      ),
    );
  }
  return { text: new TextDecoder("utf-8").decode(body), encoding: "utf-8", findings };
}
