/**
 * Findings: what `maildomain check` reports per domain. The record rules' codes come from the core's
 * diagnostics unchanged (`spf.…`, `dkim.…`, `dmarc.…`, `mx.…`, `mta-sts.…`, `tls-rpt.…`, `bimi.…`); DNS problems are
 * `dns.…`; the check adds its own codes for what only live DNS shows (`spf.void-lookups`, `dkim.missing`,
 * `dmarc.missing`, `expect.missing`…).
 */
import type { RecordDifference } from "../../components/records/comparison";
import type { Diagnostic, Severity } from "../../components/records/diagnostics";
import type { DnsFailure, Lookup } from "./dns/resolver";

export type { Severity };

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** The DNS name the finding concerns, when there is one. */
  name?: string;
  /** The rule's source, e.g. `RFC 7208 §4.6.4`. */
  rfc?: string;
  /** `--expect`: the planned and the served value, whole, and what differs by meaning (the core's comparison). */
  comparison?: { expected: string; actual: string; differences: RecordDifference[] };
}

export function finding(code: string, severity: Severity, message: string, name?: string, rfc?: string): Finding {
  const f: Finding = { code, severity, message };
  if (name !== undefined) f.name = name;
  if (rfc !== undefined) f.rfc = rfc;
  return f;
}

/** A core diagnostic as a finding; `context` says which record it is about ("SPF record at example.com"). */
export function fromDiagnostic(d: Diagnostic, name: string, context: string): Finding {
  const where = d.field ? ` (${d.field})` : "";
  return finding(d.code, d.severity, `${context}${where}: ${d.message}`, name, d.rfc || undefined);
}

/**
 * A failed lookup as a `dns.…` finding. `what` says what the answer was needed for ("the SPF record"), and
 * `consequence` what a receiver does without it.
 */
export function dnsFailureFinding(failure: DnsFailure, name: string, what: string, consequence: string, severity: Severity = "error"): Finding {
  return finding(`dns.${failure.kind}`, severity, `${what}: ${failure.message}. ${consequence}`, name);
}

/** "the name does not exist (NXDOMAIN)" / "the name exists but has no TXT record (NODATA)". */
export function describeAbsence(l: Lookup<unknown>, type: string): string {
  if (l.status === "nxdomain") return "the name does not exist (NXDOMAIN)";
  if (l.status === "nodata") return `the name exists but has no ${type} record (NODATA)`;
  if (l.status === "ok") return `no ${type} record of the kind needed`;
  return l.failure.message;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** Drop repeated findings (same code, name and message). */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding[]>();
  return findings.filter((f) => {
    const key = f.name === undefined ? f.code : `${f.code} ${f.name}`;
    const same = seen.get(key);
    if (!same) {
      seen.set(key, [f]);
      return true;
    }
    if (same.some((x) => x.message === f.message)) return false;
    same.push(f);
    return true;
  });
}

/** TXT chunks joined into the values receivers read. */
export function joinedTxt(records: readonly string[][]): string[] {
  return records.map((chunks) => chunks.join(""));
}
