/**
 * Findings: what reading reports produces besides reports. Every parser and every source returns findings
 * instead of throwing, each naming the input it concerns (`source`: the file, the message inside it, the
 * attachment inside that) and saying what is wrong and what to do about it.
 *
 * Codes are namespaced by the layer that found the problem: `xml.…` (the document is not safe or not well-formed
 * XML), `text.…` (character encoding), `aggregate.…`, `failure.…`, `tlsrpt.…` (the report's content), `source.…`
 * (files, archives and messages), `imap.…` and `store.…` (the I/O layers).
 */

export type Severity = "error" | "warning" | "info";

export interface ReportFinding {
  /** Stable code, e.g. `aggregate.missing-report-id`. */
  code: string;
  severity: Severity;
  /** What is wrong and how to fix it. */
  message: string;
  /** The input: `reports/2024-05.mbox › message 3 <id@example> › google.com!example.com!1!2.xml.gz`. */
  source: string;
  /** The rule's source when a standard sets it, e.g. `RFC 7489 Appendix C`. */
  rfc?: string;
}

export function finding(code: string, severity: Severity, source: string, message: string, rfc?: string): ReportFinding {
  const f: ReportFinding = { code, severity, message, source };
  if (rfc !== undefined) f.rfc = rfc;
  return f;
}

/** The separator between the layers of a source name: a file, then a message in it, then an attachment. */
export const SOURCE_SEPARATOR = " › ";

export function childSource(parent: string, child: string): string {
  return parent === "" ? child : `${parent}${SOURCE_SEPARATOR}${child}`;
}

export const hasError = (findings: readonly ReportFinding[]): boolean => findings.some((f) => f.severity === "error");

/** A value quoted for a message, shortened so a hostile input cannot flood the output. */
export function quoted(value: string, max = 80): string {
  const s = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(s);
}
