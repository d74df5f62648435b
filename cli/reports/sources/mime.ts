/**
 * A mail message (RFC 5322, MIME) into the parts that may hold reports, through mailparser (postalsys): it
 * decodes base64 and quoted-printable, charsets and RFC 2231 file names as mail clients do. An ARF failure report
 * (RFC 5965 `multipart/report; report-type=feedback-report`) is recognised by its `message/feedback-report` part.
 */
import { simpleParser, type Attachment, type ParsedMail } from "mailparser";

export interface MessagePart {
  /** The attachment's file name, else its content type. */
  name: string;
  contentType: string;
  charset?: string;
  bytes: Buffer;
}

export interface ParsedMessage {
  messageId?: string;
  date?: number;
  from?: string;
  subject?: string;
  /** The machine-readable part of an ARF report, with the original headers if the report carries them. */
  arf?: { feedbackReport: string; originalHeaders?: string };
  /** Attachments, and a body that looks like a report document (XML or JSON sent inline). */
  parts: MessagePart[];
}

function charsetOf(a: Attachment): string | undefined {
  const ct = a.headers.get("content-type") as { params?: Record<string, string> } | string | undefined;
  return typeof ct === "object" ? ct?.params?.charset : undefined;
}

/** The header section of a raw message (up to the first empty line). */
function headerSection(raw: Buffer): string {
  const text = raw.toString("latin1");
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** Parse a message. Throws only when mailparser does (the caller turns that into a finding). */
export async function parseMessage(bytes: Buffer): Promise<ParsedMessage> {
  const m: ParsedMail = await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, keepDeliveryStatus: true });
  const out: ParsedMessage = { parts: [] };
  if (m.messageId) out.messageId = m.messageId;
  if (m.date && Number.isFinite(m.date.getTime())) out.date = Math.floor(m.date.getTime() / 1000);
  if (m.from?.text) out.from = m.from.text;
  if (m.subject) out.subject = m.subject;

  const feedback = m.attachments.find((a) => a.contentType.toLowerCase() === "message/feedback-report");
  if (feedback) {
    const headersPart = m.attachments.find((a) => a.contentType.toLowerCase() === "text/rfc822-headers");
    const original = m.attachments.find((a) => a.contentType.toLowerCase() === "message/rfc822" || a.contentType.toLowerCase() === "message/global");
    const arf: ParsedMessage["arf"] = { feedbackReport: feedback.content.toString("utf8") };
    if (headersPart) arf.originalHeaders = headersPart.content.toString("utf8");
    else if (original) arf.originalHeaders = headerSection(original.content);
    out.arf = arf;
    return out;
  }

  for (const a of m.attachments) {
    const part: MessagePart = { name: a.filename ?? a.contentType, contentType: a.contentType.toLowerCase(), bytes: a.content };
    const charset = charsetOf(a);
    if (charset) part.charset = charset;
    out.parts.push(part);
  }
  // Some reporters put the XML or JSON in the body itself instead of an attachment.
  const body = m.text?.trim();
  if (body && (body.startsWith("<?xml") || body.startsWith("<feedback") || (body.startsWith("{") && body.includes('"policies"')))) {
    out.parts.push({ name: "message body", contentType: "text/plain", bytes: Buffer.from(body, "utf8") });
  }
  return out;
}
