/**
 * What a sequence of bytes is, by content and never by file name: reporters name attachments
 * `google.com!example.com!1712016000!1712102399.zip`, `report.xml.gz`, `noname`, or nothing at all, and a file
 * saved from a mail client may be a whole message. Only the first bytes are looked at.
 */
import { TextDecoder } from "node:util";

export type ContentKind = "gzip" | "zip" | "xml" | "json" | "mbox" | "message" | "empty" | "unknown";

const HEADER_NAMES = /^(received|return-path|from|to|subject|date|message-id|mime-version|content-type|delivered-to|dkim-signature|authentication-results|x-[a-z0-9-]+|reply-to|sender|arc-[a-z-]+|list-[a-z-]+|feedback-type|user-agent|cc|envelope-to|content-transfer-encoding)$/i;

/** The first characters of the bytes as text, BOMs and UTF-16 handled, for sniffing only. */
function head(bytes: Uint8Array, n: number): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2, 2 + n * 2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2, 2 + n * 2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(n, Math.max(0, bytes.byteLength - start))).toString("latin1");
}

/** True when the text starts with an RFC 5322 header section (several fields, at least one a known mail header). */
export function looksLikeMessage(text: string): boolean {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let fields = 0;
  let known = 0;
  for (const [i, line] of lines.entries()) {
    if (line === "") return fields >= 2 && known >= 1;
    if (i === lines.length - 1 && i > 0) break; // a line cut by the sniffing window
    if (/^[ \t]/.test(line)) {
      if (fields === 0) return false;
      continue;
    }
    const m = /^([!-9;-~]+)[ \t]*:/.exec(line);
    if (!m) return false;
    fields++;
    if (HEADER_NAMES.test(m[1])) known++;
  }
  return fields >= 3 && known >= 2;
}

/** Bytes that `[\s\u0000]` matches when read as Latin-1: NUL, TAB, LF, VT, FF, CR, space, no-break space. */
const isBlankByte = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x00 || b === 0xa0;

/**
 * The first non-blank byte within the sniffing window of single-byte text (after a UTF-8 BOM), or -1 when the
 * window is blank: what `head()` and trimming would find, without making the 4 KB string (this runs two or three
 * times for every report read).
 */
function firstByte(bytes: Uint8Array, n: number): number {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const end = Math.min(bytes.byteLength, start + n);
  for (let i = start; i < end; i++) if (!isBlankByte(bytes[i])) return bytes[i];
  return -1;
}

export function sniff(bytes: Uint8Array): ContentKind {
  if (bytes.byteLength === 0) return "empty";
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))) return "zip";
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!utf16) {
    // (An mbox starts with "From ", so its first byte is never one of these.)
    const b = firstByte(bytes, 4096);
    if (b === 0x3c) return "xml";
    if (b === 0x7b) return "json";
  }
  const text = head(bytes, 4096);
  if (text.startsWith("From ")) return "mbox";
  const trimmed = text.replace(/^[\s\u0000]+/, "");
  if (trimmed === "") return "empty";
  if (trimmed.startsWith("<")) return "xml";
  if (trimmed.startsWith("{")) return "json";
  if (looksLikeMessage(text)) return "message";
  return "unknown";
}
