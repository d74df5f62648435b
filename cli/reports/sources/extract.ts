/**
 * Bytes to reports, whatever the container: gzip, zip, a mail message (attachments, an inline body, an ARF
 * failure report), an mbox inside an archive, and at the bottom an XML or JSON report document. Kinds are
 * sniffed from content at every level. Never throws: a container that cannot be opened, a bomb, a report that
 * cannot be read are findings, and the rest of the input is still read.
 */
import { Readable } from "node:stream";
import { parseReportDocument } from "../../../reports/document";
import { parseFailureReport } from "../../../reports/failure/parse";
import { childSource, finding, ReportFinding } from "../../../reports/findings";
import type { Report } from "../../../reports/model";
import { sniff } from "../../../reports/sniff";
import { gunzip } from "./gzip";
import { Limits } from "./limits";
import { mboxMessages } from "./mbox";
import { parseMessage } from "./mime";
import { unzip } from "./zip";

export interface ExtractedReport {
  report: Report;
  source: string;
}

export interface Extraction {
  reports: ExtractedReport[];
  findings: ReportFinding[];
  /** Documents recognised as reports, or containers, that could not be read. */
  rejected: number;
  /** Documents that are not reports at all (skipped). */
  others: number;
}

const empty = (): Extraction => ({ reports: [], findings: [], rejected: 0, others: 0 });

function merge(into: Extraction, from: Extraction): void {
  into.reports.push(...from.reports);
  into.findings.push(...from.findings);
  into.rejected += from.rejected;
  into.others += from.others;
}

/**
 * Everything in `bytes`. `inMessage` is true for a message's parts: a part that is not a report (a logo, a
 * greeting) is skipped quietly there, while a file that is not a report gets a warning.
 */
export async function extract(bytes: Buffer, source: string, limits: Limits, depth = 0, opts: { charset?: string; inMessage?: boolean } = {}): Promise<Extraction> {
  const out = empty();
  if (depth > limits.maxDepth) {
    out.rejected++;
    out.findings.push(finding("source.too-deep", "error", source, `containers nest more than ${limits.maxDepth} deep here (archives in messages in archives…); the innermost was not read. Unpack it by hand and read the result.`));
    return out;
  }
  if (bytes.length > limits.maxBytes) {
    out.rejected++;
    out.findings.push(finding("source.too-large", "error", source, `this input holds ${bytes.length.toLocaleString("en-US")} bytes, over the limit of ${limits.maxBytes.toLocaleString("en-US")} for one report; it was not read. If it is a real report, read it again with a larger --max-size.`));
    return out;
  }
  const kind = sniff(bytes);
  switch (kind) {
    case "gzip": {
      const g = gunzip(bytes, source, limits);
      out.findings.push(...g.findings);
      if (!g.bytes) {
        out.rejected++;
        return out;
      }
      merge(out, await extract(g.bytes, source, limits, depth + 1, { ...opts, inMessage: false }));
      return out;
    }
    case "zip": {
      const z = await unzip(bytes, source, limits);
      out.findings.push(...z.findings);
      out.rejected += z.findings.filter((f) => f.severity === "error").length;
      for (const e of z.entries) merge(out, await extract(e.bytes, e.source, limits, depth + 1));
      return out;
    }
    case "mbox": {
      for await (const m of mboxMessages(Readable.from([bytes]))) merge(out, await extract(m.bytes, childSource(source, `message ${m.index}`), limits, depth + 1));
      return out;
    }
    case "message":
      merge(out, await extractMessage(bytes, source, limits, depth));
      return out;
    case "xml":
    case "json": {
      const r = parseReportDocument(bytes, source, opts.charset);
      if (r.kind === "report") out.reports.push({ report: r.report, source });
      else if (r.kind === "rejected") out.rejected++;
      else out.others++;
      // Inside a message, a part that is not a report is not worth a warning of its own.
      out.findings.push(...(r.kind === "other" && opts.inMessage ? [] : r.findings));
      return out;
    }
    default:
      out.others++;
      if (!opts.inMessage) {
        out.findings.push(finding("source.not-a-report", "warning", source, `this is not a DMARC or TLS report (${kind === "empty" ? "it is empty" : "neither XML, JSON, a mail message, an mbox, nor a gzip or zip archive"}); it was skipped.`));
      }
      return out;
  }
}

async function extractMessage(bytes: Buffer, source: string, limits: Limits, depth: number): Promise<Extraction> {
  const out = empty();
  let m;
  try {
    m = await parseMessage(bytes);
  } catch (e) {
    out.rejected++;
    out.findings.push(finding("source.bad-message", "error", source, `the mail message cannot be parsed (${(e as Error).message}); nothing in it was read.`, "RFC 5322; RFC 2045"));
    return out;
  }
  const where = m.messageId ? childSource(source, m.messageId) : source;
  if (m.arf) {
    const r = parseFailureReport({ ...m.arf, message: { messageId: m.messageId, date: m.date, from: m.from, subject: m.subject } }, where);
    out.findings.push(...r.findings);
    if (r.report) out.reports.push({ report: r.report, source: where });
    else out.rejected++;
    return out;
  }
  for (const p of m.parts) merge(out, await extract(p.bytes, childSource(where, p.name), limits, depth + 1, { charset: p.charset, inMessage: true }));
  if (out.reports.length === 0 && out.rejected === 0) {
    const names = m.parts.map((p) => p.name);
    out.findings.push(
      finding(
        "source.no-report",
        "warning",
        where,
        `the message${m.subject ? ` "${m.subject.slice(0, 80)}"` : ""} carries no DMARC or TLS report (${names.length ? `its attachments: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}` : "no attachments"}); it was skipped${m.from ? ` (from ${m.from.slice(0, 80)})` : ""}.`,
      ),
    );
  }
  return out;
}
