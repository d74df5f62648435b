/**
 * The typed models of the three report kinds, as the parsers produce them and the store keeps them:
 *
 * - DMARC aggregate reports: RFC 7489 Appendix C (no namespace, and the older dmarc.org draft schemas) and the
 *   RFC 9990 format of DMARCbis (namespace `urn:ietf:params:xml:ns:dmarc-2.0`), in one model: fields that only
 *   one format has are optional.
 * - DMARC failure reports: RFC 6591 authentication failure reports in the ARF format of RFC 5965.
 * - SMTP TLS reports: RFC 8460 §4 JSON.
 *
 * Values the standards enumerate keep the reporter's spelling when it is unknown (lower-cased), so a report in a
 * dialect is read rather than refused; the parser says so in a finding. Times are Unix seconds (UTC).
 */

export type ReportKind = "aggregate" | "failure" | "tlsrpt";
export const REPORT_KINDS: readonly ReportKind[] = ["aggregate", "failure", "tlsrpt"];

/** Which aggregate report schema a document follows. */
export type AggregateFormat = "rfc7489" | "rfc9990" | "draft";

export interface AggregateReport {
  kind: "aggregate";
  format: AggregateFormat;
  /** The XML namespace of `<feedback>`, when it has one. */
  namespace?: string;
  /** `<version>`, e.g. "1.0". */
  version?: string;
  metadata: AggregateMetadata;
  policy: PolicyPublished;
  records: AggregateRecord[];
}

export interface AggregateMetadata {
  /** The reporting organization (`org_name`), as written. */
  orgName: string;
  email?: string;
  extraContactInfo?: string;
  reportId: string;
  /** `date_range` in Unix seconds. */
  begin: number;
  end: number;
  /** `error` elements: problems the receiver had with the domain's DMARC record. */
  errors: string[];
  /** RFC 9990 `generator`: the software that wrote the report. */
  generator?: string;
}

export interface PolicyPublished {
  /** The domain the DMARC record was found at: the domain the report is about (lower case). */
  domain: string;
  adkim?: string;
  aspf?: string;
  p?: string;
  sp?: string;
  /** RFC 9990: the policy for non-existent subdomains. */
  np?: string;
  /** RFC 7489 only (removed by DMARCbis). */
  pct?: number;
  fo?: string;
  /** RFC 9990: `t=y` testing mode, as "y" or "n". */
  testing?: string;
  /** RFC 9990: how the policy was found, "psl" or "treewalk". */
  discoveryMethod?: string;
}

export interface AggregateRecord {
  /** The connecting IP address, in canonical form (RFC 5952 for IPv6). */
  sourceIp: string;
  /** Messages this record stands for. */
  count: number;
  /** The receiver's evaluation: `disposition` applied, and the DMARC-aligned DKIM and SPF results. */
  disposition: string;
  dkim: string;
  spf: string;
  reasons: PolicyOverrideReason[];
  headerFrom: string;
  envelopeFrom?: string;
  envelopeTo?: string;
  /** The raw DKIM results, one per signature, uninterpreted with respect to DMARC. */
  dkimResults: DkimAuthResult[];
  spfResults: SpfAuthResult[];
}

export interface PolicyOverrideReason {
  type: string;
  comment?: string;
}

export interface DkimAuthResult {
  domain: string;
  selector?: string;
  result: string;
  humanResult?: string;
}

export interface SpfAuthResult {
  domain: string;
  /** "mfrom" or "helo"; absent in RFC 7489 reports that omit it (mfrom is meant). */
  scope?: string;
  result: string;
  humanResult?: string;
}

/** An RFC 6591 authentication failure report (and RFC 5965 abuse reports that carry the same fields). */
export interface FailureReport {
  kind: "failure";
  /** Who reported: the Reporting-MTA, else the domain of the report message's From:, else "unknown". */
  orgName: string;
  /** The dedup identity: a hash of the machine-readable part and the original headers. */
  reportId: string;
  feedbackType: string;
  userAgent?: string;
  version?: string;
  /** The domain the report is about (`Reported-Domain`, else the original From: domain), lower case. */
  domain: string;
  sourceIp?: string;
  /** `Arrival-Date` (or `Received-Date`) in Unix seconds, when it could be read. */
  arrivalDate?: number;
  authFailure?: string;
  authenticationResults?: string;
  originalMailFrom?: string;
  originalRcptTo: string[];
  reportingMta?: string;
  deliveryResult?: string;
  identityAlignment?: string;
  dkimDomain?: string;
  dkimSelector?: string;
  dkimIdentity?: string;
  spfDns?: string;
  /** The original message's header section (RFC 6591 §3.1: the report carries at least the headers). */
  originalHeaders?: string;
  /** Fields read from the original headers. */
  original: { from?: string; subject?: string; messageId?: string; date?: string };
  /** The report message's own headers. */
  message: { messageId?: string; date?: number; from?: string; subject?: string };
}

/** An RFC 8460 §4 SMTP TLS report. */
export interface TlsReport {
  kind: "tlsrpt";
  orgName: string;
  reportId: string;
  contactInfo?: string;
  /** `date-range` in Unix seconds. */
  begin: number;
  end: number;
  policies: TlsPolicyResult[];
}

export interface TlsPolicyResult {
  /** "sts", "tlsa" or "no-policy-found". */
  policyType: string;
  policyString: string[];
  /** The domain the policy is for (lower case). */
  policyDomain: string;
  mxHost: string[];
  successful: number;
  failed: number;
  failures: TlsFailureDetail[];
}

export interface TlsFailureDetail {
  resultType: string;
  failedSessions: number;
  sendingMtaIp?: string;
  receivingMxHostname?: string;
  receivingMxHelo?: string;
  receivingIp?: string;
  additionalInformation?: string;
  failureReasonCode?: string;
}

export type Report = AggregateReport | FailureReport | TlsReport;

/** The dedup identity of a report: its kind, its reporting organisation (case-folded) and its report id. */
export interface ReportKey {
  kind: ReportKind;
  org: string;
  reportId: string;
}

export function reportKey(r: Report): ReportKey {
  switch (r.kind) {
    case "aggregate":
      return { kind: r.kind, org: orgKey(r.metadata.orgName), reportId: r.metadata.reportId.trim() };
    case "failure":
    case "tlsrpt":
      return { kind: r.kind, org: orgKey(r.orgName), reportId: r.reportId.trim() };
  }
}

/** Organisation names compared without case and runs of white space ("Google.com" and "google.com " are one). */
export function orgKey(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

export const keyString = (k: ReportKey): string => `${k.kind}\u0000${k.org}\u0000${k.reportId}`;

/** The period a report covers and the domains it is about, for filters and summaries. */
export function reportPeriod(r: Report): { begin?: number; end?: number } {
  switch (r.kind) {
    case "aggregate":
      return { begin: r.metadata.begin, end: r.metadata.end };
    case "tlsrpt":
      return { begin: r.begin, end: r.end };
    case "failure":
      return { begin: r.arrivalDate ?? r.message.date, end: r.arrivalDate ?? r.message.date };
  }
}

export function reportDomains(r: Report): string[] {
  switch (r.kind) {
    case "aggregate":
      return [r.policy.domain];
    case "failure":
      return [r.domain];
    case "tlsrpt":
      return [...new Set(r.policies.map((p) => p.policyDomain))];
  }
}
