/**
 * A report model as the rows of the store's tables (schema.ts), for both dialects. The `reports` row is written
 * first (it decides whether the report is new); the child rows get its id.
 */
import type { AggregateRecord, AggregateReport, Report } from "../../../reports/model";
import { reportDomains, reportKey, reportPeriod } from "../../../reports/model";
import { FORWARDING_REASONS, RESULT_COLUMNS } from "./schema";

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

const FORWARDING: ReadonlySet<string> = new Set(FORWARDING_REASONS);

/** A record's row of aggregate_results (its columns: schema.ts RESULT_COLUMNS), for a report about `domain`. */
export function recordResults(rec: AggregateRecord, domain: string): Value[] {
  const s = rec.spfResults[0];
  const k = rec.dkimResults[0];
  return [
    rec.disposition,
    rec.dkim,
    rec.spf,
    rec.reasons.some((x) => FORWARDING.has(x.type)) ? 1 : 0,
    rec.headerFrom !== domain ? 1 : 0,
    s ? 1 : 0,
    s?.domain ?? "",
    s?.scope ?? "",
    s?.result ?? "",
    k ? 1 : 0,
    k?.domain ?? "",
    k?.selector ?? "",
    k?.result ?? "",
  ];
}

/** The INSERT that adds a results row unless it is there, and the SELECT of its id, with `?` placeholders. */
export const INSERT_RESULTS = `INSERT INTO aggregate_results (${RESULT_COLUMNS.join(", ")}) VALUES (${RESULT_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (${RESULT_COLUMNS.join(", ")}) DO NOTHING`;
export const SELECT_RESULTS = `SELECT id FROM aggregate_results WHERE ${RESULT_COLUMNS.map((c) => `${c} = ?`).join(" AND ")}`;

const resultsKey = (values: Value[]) => values.join("\u0000");

/**
 * The ids of aggregate_results rows a store has seen, by their values: a store resolves each distinct results row
 * once per process, not once per record (a store of 10,000 reports has a few dozen).
 */
export class ResultIds {
  private readonly ids = new Map<string, number>();

  /** The ids of the records of `report`; `resolve` (the store's insert-then-select) is called for values not yet seen. */
  of(report: AggregateReport, resolve: (values: Value[]) => number): number[] {
    const out: number[] = new Array(report.records.length);
    for (let i = 0; i < report.records.length; i++) {
      const values = recordResults(report.records[i], report.policy.domain);
      const key = resultsKey(values);
      let id = this.ids.get(key);
      if (id === undefined) this.ids.set(key, (id = resolve(values)));
      out[i] = id;
    }
    return out;
  }

  /** The results rows of `report` not yet seen, each once: for a store that resolves them asynchronously first. */
  unseen(report: AggregateReport): Value[][] {
    const out = new Map<string, Value[]>();
    for (const rec of report.records) {
      const values = recordResults(rec, report.policy.domain);
      const key = resultsKey(values);
      if (!this.ids.has(key)) out.set(key, values);
    }
    return [...out.values()];
  }

  add(values: Value[], id: number): void {
    this.ids.set(resultsKey(values), id);
  }

  /** Forget every id: after a rolled-back transaction, the rows it added are gone. */
  clear(): void {
    this.ids.clear();
  }
}

/** The child rows of a report whose `reports` row got `id`; `results` are its records' aggregate_results ids. */
export function childRows(r: Report, id: number, results: readonly number[]): TableRows[] {
  switch (r.kind) {
    case "aggregate": {
      const m = r.metadata;
      const p = r.policy;
      const records: Value[][] = [];
      const dkim: Value[][] = [];
      const spf: Value[][] = [];
      r.records.forEach((rec, i) => {
        records.push([id, i, rec.sourceIp, rec.count, rec.disposition, rec.dkim, rec.spf, JSON.stringify(rec.reasons), rec.headerFrom, opt(rec.envelopeFrom), opt(rec.envelopeTo), results[i]]);
        rec.dkimResults.forEach((d, j) => dkim.push([id, i, j, d.domain, opt(d.selector), d.result, opt(d.humanResult)]));
        rec.spfResults.forEach((s, j) => spf.push([id, i, j, s.domain, opt(s.scope), s.result, opt(s.humanResult)]));
      });
      return [
        {
          table: "aggregate_reports",
          columns: ["report", "format", "namespace", "version", "email", "extra_contact_info", "generator", "errors", "adkim", "aspf", "p", "sp", "np", "pct", "fo", "testing", "discovery_method"],
          rows: [[id, r.format, opt(r.namespace), opt(r.version), opt(m.email), opt(m.extraContactInfo), opt(m.generator), JSON.stringify(m.errors), opt(p.adkim), opt(p.aspf), opt(p.p), opt(p.sp), opt(p.np), opt(p.pct), opt(p.fo), opt(p.testing), opt(p.discoveryMethod)]],
        },
        { table: "aggregate_records", columns: ["report", "ordinal", "source_ip", "count", "disposition", "dkim", "spf", "reasons", "header_from", "envelope_from", "envelope_to", "results"], rows: records },
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
