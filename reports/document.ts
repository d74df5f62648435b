/**
 * One report document (the decompressed bytes of an attachment or a file) to a report: XML with a `<feedback>`
 * root is a DMARC aggregate report, JSON with TLS-RPT fields an SMTP TLS report. Never throws.
 *
 * `kind: "other"` is a document that is not a report at all (a different XML or JSON file, a text file): the
 * sources say so as a warning and do not count it as rejected; a report that cannot be read is `rejected`.
 */
import { parseAggregateReport } from "./aggregate/parse";
import { finding, ReportFinding } from "./findings";
import type { AggregateReport, TlsReport } from "./model";
import { sniff } from "./sniff";
import { decodeText } from "./text";
import { looksLikeTlsReport, readTlsReport } from "./tlsrpt/parse";
import { parseXml } from "./xml";

export type DocumentResult =
  | { kind: "report"; report: AggregateReport | TlsReport; findings: ReportFinding[] }
  | { kind: "rejected"; reportKind: "aggregate" | "tlsrpt"; findings: ReportFinding[] }
  | { kind: "other"; findings: ReportFinding[] };

export function parseReportDocument(bytes: Uint8Array, source: string, charset?: string): DocumentResult {
  const kind = sniff(bytes);
  if (kind !== "xml" && kind !== "json") {
    return { kind: "other", findings: [finding("source.not-a-report", "warning", source, `this is not a DMARC or TLS report (its content is ${describe(kind)}); it was skipped.`)] };
  }
  const decoded = decodeText(bytes, source, charset);
  if (kind === "xml") {
    const xml = parseXml(decoded.text, source);
    if (!xml.doc) return { kind: "rejected", reportKind: "aggregate", findings: [...decoded.findings, ...xml.findings] };
    if (xml.doc.root !== "feedback") {
      return { kind: "other", findings: [finding("source.not-a-report", "warning", source, `this XML document's root element is <${xml.doc.root}>, not <feedback>: it is not a DMARC aggregate report and was skipped.`)] };
    }
    const r = parseAggregateReport(xml.doc, source);
    const findings = [...decoded.findings, ...r.findings];
    return r.report ? { kind: "report", report: r.report, findings } : { kind: "rejected", reportKind: "aggregate", findings };
  }
  let json: unknown;
  try {
    json = JSON.parse(decoded.text);
  } catch (e) {
    return {
      kind: "rejected",
      reportKind: "tlsrpt",
      findings: [...decoded.findings, finding("tlsrpt.bad-json", "error", source, `the document starts like JSON but is not valid JSON (${(e as Error).message}); a truncated or damaged TLS report looks like this. It was not read.`, "RFC 8460 §4.4; RFC 8259")],
    };
  }
  if (!looksLikeTlsReport(json)) {
    return { kind: "other", findings: [finding("source.not-a-report", "warning", source, `this JSON document has no TLS-RPT fields ("organization-name", "report-id", "policies"): it is not an SMTP TLS report and was skipped.`, "RFC 8460 §4.4")] };
  }
  const r = readTlsReport(json, source);
  const findings = [...decoded.findings, ...r.findings];
  return r.report ? { kind: "report", report: r.report, findings } : { kind: "rejected", reportKind: "tlsrpt", findings };
}

function describe(kind: string): string {
  switch (kind) {
    case "empty":
      return "empty";
    case "unknown":
      return "neither XML, JSON, a mail message, nor a gzip or zip archive";
    default:
      return kind;
  }
}
