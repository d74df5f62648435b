/**
 * A report model as the rows of the store's tables (schema.ts), for both dialects. The `reports` row is written
 * first (it decides whether the report is new); the child rows get its id.
 */
import type { Report } from "../../../reports/model";
import { reportDomains, reportKey, reportPeriod } from "../../../reports/model";

export type Value = string | number | null;

export interface TableRows {
  table: string;
  columns: string[];
  rows: Value[][];
}

export interface ReportRow {
  kind: string;
  org_key: string;
  org_name: string;
  report_id: string;
  domain: string;
  begin_at: number | null;
  end_at: number | null;
  source: string;
  stored_at: string;
}

export const REPORT_COLUMNS: (keyof ReportRow)[] = ["kind", "org_key", "org_name", "report_id", "domain", "begin_at", "end_at", "source", "stored_at"];

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

export function reportRow(r: Report, source: string, now: Date): ReportRow {
  const key = reportKey(r);
  const period = reportPeriod(r);
  const orgName = r.kind === "aggregate" ? r.metadata.orgName : r.orgName;
  return {
    kind: key.kind,
    org_key: key.org,
    org_name: orgName,
    report_id: key.reportId,
    domain: reportDomains(r)[0] ?? "",
    begin_at: opt(period.begin),
    end_at: opt(period.end),
    source,
    stored_at: now.toISOString(),
  };
}

/** The child rows of a report whose `reports` row got `id`. */
export function childRows(r: Report, id: number): TableRows[] {
  switch (r.kind) {
    case "aggregate": {
      const m = r.metadata;
      const p = r.policy;
      const records: Value[][] = [];
      const dkim: Value[][] = [];
      const spf: Value[][] = [];
      r.records.forEach((rec, i) => {
        records.push([id, i, rec.sourceIp, rec.count, rec.disposition, rec.dkim, rec.spf, JSON.stringify(rec.reasons), rec.headerFrom, opt(rec.envelopeFrom), opt(rec.envelopeTo)]);
        rec.dkimResults.forEach((d, j) => dkim.push([id, i, j, d.domain, opt(d.selector), d.result, opt(d.humanResult)]));
        rec.spfResults.forEach((s, j) => spf.push([id, i, j, s.domain, opt(s.scope), s.result, opt(s.humanResult)]));
      });
      return [
        {
          table: "aggregate_reports",
          columns: ["report", "format", "namespace", "version", "email", "extra_contact_info", "generator", "errors", "adkim", "aspf", "p", "sp", "np", "pct", "fo", "testing", "discovery_method"],
          rows: [[id, r.format, opt(r.namespace), opt(r.version), opt(m.email), opt(m.extraContactInfo), opt(m.generator), JSON.stringify(m.errors), opt(p.adkim), opt(p.aspf), opt(p.p), opt(p.sp), opt(p.np), opt(p.pct), opt(p.fo), opt(p.testing), opt(p.discoveryMethod)]],
        },
        { table: "aggregate_records", columns: ["report", "ordinal", "source_ip", "count", "disposition", "dkim", "spf", "reasons", "header_from", "envelope_from", "envelope_to"], rows: records },
        { table: "aggregate_dkim", columns: ["report", "record", "ordinal", "domain", "selector", "result", "human_result"], rows: dkim },
        { table: "aggregate_spf", columns: ["report", "record", "ordinal", "domain", "scope", "result", "human_result"], rows: spf },
      ];
    }
    case "tlsrpt": {
      const policies: Value[][] = [];
      const failures: Value[][] = [];
      r.policies.forEach((p, i) => {
        policies.push([id, i, p.policyType, p.policyDomain, JSON.stringify(p.policyString), JSON.stringify(p.mxHost), p.successful, p.failed]);
        p.failures.forEach((f, j) =>
          failures.push([id, i, j, f.resultType, f.failedSessions, opt(f.sendingMtaIp), opt(f.receivingMxHostname), opt(f.receivingMxHelo), opt(f.receivingIp), opt(f.additionalInformation), opt(f.failureReasonCode)]),
        );
      });
      return [
        { table: "tls_policies", columns: ["report", "ordinal", "policy_type", "policy_domain", "policy_strings", "mx_hosts", "successful", "failed"], rows: policies },
        {
          table: "tls_failures",
          columns: ["report", "policy", "ordinal", "result_type", "failed_sessions", "sending_mta_ip", "receiving_mx_hostname", "receiving_mx_helo", "receiving_ip", "additional_information", "failure_reason_code"],
          rows: failures,
        },
      ];
    }
    case "failure":
      return [
        {
          table: "failure_reports",
          columns: [
            "report", "feedback_type", "user_agent", "version", "source_ip", "arrival_at", "auth_failure", "authentication_results", "original_mail_from", "original_rcpt_to",
            "reporting_mta", "delivery_result", "identity_alignment", "dkim_domain", "dkim_selector", "dkim_identity", "spf_dns", "original_headers", "original_from",
            "original_subject", "original_message_id", "original_date", "message_id", "message_date", "message_from", "message_subject",
          ],
          rows: [
            [
              id, r.feedbackType, opt(r.userAgent), opt(r.version), opt(r.sourceIp), opt(r.arrivalDate), opt(r.authFailure), opt(r.authenticationResults), opt(r.originalMailFrom),
              JSON.stringify(r.originalRcptTo), opt(r.reportingMta), opt(r.deliveryResult), opt(r.identityAlignment), opt(r.dkimDomain), opt(r.dkimSelector), opt(r.dkimIdentity),
              opt(r.spfDns), opt(r.originalHeaders), opt(r.original.from), opt(r.original.subject), opt(r.original.messageId), opt(r.original.date), opt(r.message.messageId),
              opt(r.message.date), opt(r.message.from), opt(r.message.subject),
            ],
          ],
        },
      ];
  }
}
