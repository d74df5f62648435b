/**
 * The header block of a message (RFC 5322 §2.2, §3.6), read in one linear pass, and Gmail's header limits
 * (https://support.google.com/a/answer/14016360: all fields 500 KB, 5,000 fields, one field's value 32 KB except
 * To/Cc/References, Message-ID 500 and Subject 998 characters, a field name 1 KB), which Gmail applies to incoming
 * mail before anything else: a message over them is refused whatever its authentication.
 *
 * Written by hand on purpose: the parsers of the mail libraries (mailauth's `parseHeaders`, mailsplit's `Headers`,
 * so mailparser's too) join folded lines with `Array.splice` per continuation line, which makes them quadratic in the
 * number of fields (100,000 folded Received: fields take minutes). This one walks the text once with `indexOf` and
 * keeps every field's position, so nothing is copied twice.
 */

export interface HeaderField {
  /** The field name as written, without surrounding whitespace. */
  name: string;
  /** Lower-case name, for lookups. */
  key: string;
  /** The unfolded value (CRLF before whitespace removed), trimmed. */
  value: string;
  /** Octets of the value after the colon, folding included (what Gmail's per-field limit counts). */
  valueOctets: number;
}

export interface MessageHeader {
  fields: HeaderField[];
  /** Octets of the header block, up to the empty line. */
  octets: number;
  /** Physical lines of the header block. */
  lines: number;
  /** Lines that are neither a field (no colon) nor a continuation; RFC 5322 §2.2 has no place for them. */
  malformed: number;
  /** The body starts after an empty line (false: the whole message is header, or it has no header at all). */
  hasBody: boolean;
}

/** Read the header block of a raw message (CRLF or bare LF line ends). */
export function readMessageHeader(message: Buffer): MessageHeader {
  // latin1 keeps one character per octet, so sizes are octets and nothing is lost on 8-bit headers.
  const text = message.toString("latin1");
  const end = headerEnd(text);
  const head = text.slice(0, end.header);
  const fields: HeaderField[] = [];
  let lines = 0;
  let malformed = 0;
  // The field being read: where its name ends and its value starts, and the continuation lines so far.
  let current: { name: string; parts: string[]; octets: number } | undefined;
  const flush = () => {
    if (!current) return;
    const value = current.parts.length === 1 ? current.parts[0] : current.parts.join("");
    fields.push({ name: current.name, key: current.name.toLowerCase(), value: value.trim(), valueOctets: current.octets });
    current = undefined;
  };
  let pos = 0;
  while (pos < head.length) {
    const nl = head.indexOf("\n", pos);
    const stop = nl < 0 ? head.length : nl;
    const line = head.slice(pos, stop > pos && head[stop - 1] === "\r" ? stop - 1 : stop);
    const lineOctets = (nl < 0 ? head.length : nl + 1) - pos;
    pos = nl < 0 ? head.length : nl + 1;
    lines++;
    if ((line[0] === " " || line[0] === "\t") && current) {
      // RFC 5322 §2.2.3: unfolding removes the CRLF before the whitespace, not the whitespace.
      current.parts.push(line);
      current.octets += lineOctets;
      continue;
    }
    flush();
    const colon = line.indexOf(":");
    if (colon <= 0) {
      malformed++;
      continue;
    }
    current = { name: line.slice(0, colon).trim(), parts: [line.slice(colon + 1)], octets: lineOctets - colon - 1 };
  }
  flush();
  return { fields, octets: head.length, lines, malformed, hasBody: end.body };
}

/** Where the header ends: at the first empty line (CRLF CRLF or LF LF, either mixed). */
function headerEnd(text: string): { header: number; body: boolean } {
  const m = /\r?\n\r?\n/.exec(text);
  if (m) return { header: m.index + m[0].indexOf("\n") + 1, body: true };
  return { header: text.length, body: false };
}

/** The values of one field name, in message order. */
export function fieldValues(header: MessageHeader, name: string): string[] {
  const key = name.toLowerCase();
  const out: string[] = [];
  for (const f of header.fields) if (f.key === key) out.push(f.value);
  return out;
}

/** One of Gmail's header limits that the message exceeds. */
export interface HeaderLimitExceeded {
  limit: "total-size" | "field-count" | "field-size" | "message-id" | "subject" | "field-name";
  /** What was measured and the maximum, for the message. */
  actual: number;
  max: number;
  /** The field concerned, for per-field limits. */
  field?: string;
  /** One sentence for a person. */
  message: string;
}

/** Where the limits are published, for findings. */
export const GMAIL_HEADER_LIMITS_SOURCE = "Gmail message header limits (support.google.com/a/answer/14016360)";

/** Gmail's published limits, also applied to incoming mail. */
export const GMAIL_HEADER_LIMITS = {
  totalOctets: 500 * 1024,
  fields: 5000,
  fieldValueOctets: 32 * 1024,
  messageIdChars: 500,
  subjectChars: 998,
  fieldNameOctets: 1024,
} as const;

/** Fields Gmail does not hold to the per-field size limit (they still count toward the total). */
const NO_FIELD_LIMIT = new Set(["to", "cc", "references"]);

/** The limits the header exceeds, each once (the largest offender for the per-field ones). */
export function gmailHeaderLimits(header: MessageHeader): HeaderLimitExceeded[] {
  const L = GMAIL_HEADER_LIMITS;
  const out: HeaderLimitExceeded[] = [];
  if (header.octets > L.totalOctets) {
    out.push({ limit: "total-size", actual: header.octets, max: L.totalOctets, message: `the header is ${kb(header.octets)} and Gmail accepts at most ${kb(L.totalOctets)} for all header fields together` });
  }
  if (header.fields.length > L.fields) {
    const counts = new Map<string, number>();
    for (const f of header.fields) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
    const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    out.push({ limit: "field-count", actual: header.fields.length, max: L.fields, message: `the header has ${header.fields.length.toLocaleString("en-US")} fields (${n.toLocaleString("en-US")} of them ${displayName(header, top)}:) and Gmail accepts at most ${L.fields.toLocaleString("en-US")}` });
  }
  let bigField: HeaderField | undefined;
  let longName: HeaderField | undefined;
  for (const f of header.fields) {
    if (!NO_FIELD_LIMIT.has(f.key) && f.valueOctets > L.fieldValueOctets && (!bigField || f.valueOctets > bigField.valueOctets)) bigField = f;
    if (f.name.length > L.fieldNameOctets && (!longName || f.name.length > longName.name.length)) longName = f;
  }
  if (bigField) out.push({ limit: "field-size", actual: bigField.valueOctets, max: L.fieldValueOctets, field: bigField.name, message: `the ${bigField.name}: field is ${kb(bigField.valueOctets)} and Gmail accepts at most ${kb(L.fieldValueOctets)} in one field` });
  if (longName) out.push({ limit: "field-name", actual: longName.name.length, max: L.fieldNameOctets, field: longName.name.slice(0, 40), message: `a field name is ${kb(longName.name.length)} long and Gmail accepts at most ${kb(L.fieldNameOctets)}` });
  const messageId = header.fields.find((f) => f.key === "message-id");
  if (messageId && messageId.value.length > L.messageIdChars) {
    out.push({ limit: "message-id", actual: messageId.value.length, max: L.messageIdChars, field: messageId.name, message: `the Message-ID: is ${messageId.value.length} characters and Gmail accepts at most ${L.messageIdChars}` });
  }
  const subject = header.fields.find((f) => f.key === "subject");
  if (subject && subject.value.length > L.subjectChars) {
    out.push({ limit: "subject", actual: subject.value.length, max: L.subjectChars, field: subject.name, message: `the Subject: is ${subject.value.length} characters and Gmail accepts at most ${L.subjectChars}` });
  }
  return out;
}

function kb(octets: number): string {
  return octets >= 1024 * 1024 ? `${(octets / 1024 / 1024).toFixed(1)} MB` : octets >= 1024 ? `${Math.round(octets / 1024)} KB` : `${octets} octets`;
}

function displayName(header: MessageHeader, key: string): string {
  return header.fields.find((f) => f.key === key)?.name ?? key;
}
