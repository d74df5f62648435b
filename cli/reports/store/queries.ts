/**
 * The summary's queries, one text for both databases (written with `?` placeholders; the PostgreSQL adapter
 * numbers them). Each groups in the database, so what comes back is as large as the summary, not the store.
 */
import type { ReportFilter } from "../../../reports/filter";
import type { ReportKind } from "../../../reports/model";
import type { SummaryGroups } from "../../../reports/summary";
import type { Value } from "./rows";

export type Query = (sql: string, params: Value[]) => Promise<Record<string, unknown>[]>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The filter as SQL conditions on the report alias `r` and the domain expression `domain`. */
export function filterSql(filter: ReportFilter, domain = "r.domain"): { sql: string; params: Value[] } {
  const parts: string[] = [];
  const params: Value[] = [];
  if (filter.domains.length > 0) {
    parts.push(`(${filter.domains.map(() => `${domain} = ? OR ${domain} LIKE ? ESCAPE '\\'`).join(" OR ")})`);
    for (const d of filter.domains) params.push(d, `%.${escapeLike(d)}`);
  }
  if (filter.since !== undefined) {
    parts.push("r.end_at >= ?");
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    parts.push("r.begin_at < ?");
    params.push(filter.until);
  }
  return { sql: parts.length ? ` AND ${parts.join(" AND ")}` : "", params };
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const sOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function storedCounts(query: Query, filter: ReportFilter): Promise<Record<ReportKind, number>> {
  const f = filterSql(filter);
  const ft = filterSql(filter, "p.policy_domain");
  const agg = await query(`SELECT COUNT(*) AS n FROM reports r WHERE r.kind = 'aggregate'${f.sql}`, f.params);
  const fail = await query(`SELECT COUNT(*) AS n FROM reports r WHERE r.kind = 'failure'${f.sql}`, f.params);
  const tls = await query(`SELECT COUNT(*) AS n FROM reports r WHERE r.kind = 'tlsrpt' AND EXISTS (SELECT 1 FROM tls_policies p WHERE p.report = r.id${ft.sql})`, ft.params);
  return { aggregate: n(agg[0]?.n), failure: n(fail[0]?.n), tlsrpt: n(tls[0]?.n) };
}

export async function summaryGroups(query: Query, filter: ReportFilter): Promise<SummaryGroups> {
  const f = filterSql(filter);
  const ft = filterSql(filter, "p.policy_domain");
  const agg = `FROM reports r JOIN aggregate_records a ON a.report = r.id WHERE r.kind = 'aggregate'${f.sql}`;
  const tls = `FROM reports r JOIN tls_policies p ON p.report = r.id WHERE r.kind = 'tlsrpt'${ft.sql}`;
  // One after another: a PostgreSQL connection runs one query at a time anyway.
  const run = async (queries: [string, Value[]][]) => {
    const out: Record<string, unknown>[][] = [];
    for (const [sql, params] of queries) out.push(await query(sql, params));
    return out;
  };
  const [domains, dispositions, spf, dkim, tlsRows, tlsFailures, failures] = await run([
    [`SELECT r.domain AS domain, COUNT(*) AS reports, MIN(r.begin_at) AS begin_at, MAX(r.end_at) AS end_at FROM reports r WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain`, f.params],
    // One scan gives both the sources' totals and their dispositions (summed per source below), and the advisor's
    // counts per source: evaluated DKIM passes, messages a receiver said were forwarded (RFC 7489 §6.7 override
    // reasons), messages whose From: is another name than the policy domain (its subdomains).
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, a.disposition AS disposition, SUM(a.count) AS messages,
         SUM(CASE WHEN a.dkim = 'pass' OR a.spf = 'pass' THEN a.count ELSE 0 END) AS dmarc_pass,
         SUM(CASE WHEN a.spf = 'pass' THEN a.count ELSE 0 END) AS spf_pass,
         SUM(CASE WHEN a.dkim = 'pass' THEN a.count ELSE 0 END) AS dkim_pass,
         SUM(CASE WHEN a.reasons LIKE '%"forwarded"%' OR a.reasons LIKE '%"mailing_list"%' OR a.reasons LIKE '%"trusted_forwarder"%' THEN a.count ELSE 0 END) AS forwarded,
         SUM(CASE WHEN LOWER(a.header_from) <> r.domain THEN a.count ELSE 0 END) AS other_from
       ${agg} GROUP BY r.domain, a.source_ip, a.disposition`,
      f.params,
    ],
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, x.domain AS spf_domain, x.scope AS scope, x.result AS result, SUM(a.count) AS messages
       FROM reports r JOIN aggregate_records a ON a.report = r.id JOIN aggregate_spf x ON x.report = a.report AND x.record = a.ordinal
       WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain, a.source_ip, x.domain, x.scope, x.result`,
      f.params,
    ],
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, x.domain AS dkim_domain, x.selector AS selector, x.result AS result, SUM(a.count) AS messages
       FROM reports r JOIN aggregate_records a ON a.report = r.id JOIN aggregate_dkim x ON x.report = a.report AND x.record = a.ordinal
       WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain, a.source_ip, x.domain, x.selector, x.result`,
      f.params,
    ],
    [
      `SELECT p.policy_domain AS domain, p.policy_type AS policy_type, COUNT(DISTINCT r.id) AS reports, SUM(p.successful) AS successful, SUM(p.failed) AS failed,
         MIN(r.begin_at) AS begin_at, MAX(r.end_at) AS end_at
       ${tls} GROUP BY p.policy_domain, p.policy_type`,
      ft.params,
    ],
    [
      `SELECT p.policy_domain AS domain, p.policy_type AS policy_type, x.result_type AS result_type, x.receiving_mx_hostname AS receiving_mx, SUM(x.failed_sessions) AS count
       FROM reports r JOIN tls_policies p ON p.report = r.id JOIN tls_failures x ON x.report = p.report AND x.policy = p.ordinal
       WHERE r.kind = 'tlsrpt'${ft.sql} GROUP BY p.policy_domain, p.policy_type, x.result_type, x.receiving_mx_hostname`,
      ft.params,
    ],
    [
      `SELECT r.domain AS domain, x.source_ip AS ip, COUNT(*) AS reports, MIN(r.begin_at) AS begin_at, MAX(r.end_at) AS end_at
       FROM reports r JOIN failure_reports x ON x.report = r.id WHERE r.kind = 'failure'${f.sql} GROUP BY r.domain, x.source_ip`,
      f.params,
    ],
  ]);
  return {
    domains: domains.map((r) => ({ domain: s(r.domain), reports: n(r.reports), begin: n(r.begin_at), end: n(r.end_at) })),
    sources: sumSources(dispositions),
    dispositions: dispositions.map((r) => ({ domain: s(r.domain), ip: s(r.ip), disposition: s(r.disposition), messages: n(r.messages) })),
    spf: spf.map((r) => ({ domain: s(r.domain), ip: s(r.ip), spfDomain: s(r.spf_domain), scope: sOrNull(r.scope), result: s(r.result), messages: n(r.messages) })),
    dkim: dkim.map((r) => ({ domain: s(r.domain), ip: s(r.ip), dkimDomain: s(r.dkim_domain), selector: sOrNull(r.selector), result: s(r.result), messages: n(r.messages) })),
    tls: tlsRows.map((r) => ({ domain: s(r.domain), policyType: s(r.policy_type), reports: n(r.reports), successful: n(r.successful), failed: n(r.failed), begin: n(r.begin_at), end: n(r.end_at) })),
    tlsFailures: tlsFailures.map((r) => ({ domain: s(r.domain), policyType: s(r.policy_type), resultType: s(r.result_type), receivingMx: sOrNull(r.receiving_mx), count: n(r.count) })),
    failures: failures.map((r) => ({ domain: s(r.domain), ip: sOrNull(r.ip), reports: n(r.reports), begin: nOrNull(r.begin_at), end: nOrNull(r.end_at) })),
  };
}

/** The per-source totals from the rows grouped by source and disposition. */
function sumSources(rows: Record<string, unknown>[]): SummaryGroups["sources"] {
  const bySource = new Map<string, SummaryGroups["sources"][number]>();
  for (const r of rows) {
    const key = `${s(r.domain)}\u0000${s(r.ip)}`;
    let g = bySource.get(key);
    if (!g) bySource.set(key, (g = { domain: s(r.domain), ip: s(r.ip), messages: 0, dmarcPass: 0, spfPass: 0, spfFail: 0, dkimPass: 0, forwarded: 0, subdomain: 0 }));
    g.messages += n(r.messages);
    g.dmarcPass += n(r.dmarc_pass);
    g.spfPass += n(r.spf_pass);
    g.spfFail = g.messages - g.spfPass;
    g.dkimPass! += n(r.dkim_pass);
    g.forwarded! += n(r.forwarded);
    g.subdomain! += n(r.other_from);
  }
  return [...bySource.values()];
}
