/**
 * What the advisor reads from the store beyond part 1's summary, through `store.query` (one SQL text for SQLite
 * and PostgreSQL, grouped in the database, so what comes back is as large as the answer, not the store):
 * the receivers' evaluated results per source, messages per day, subdomains that send, the policy the reports
 * saw published, the reporters, and the TLS failures with when they were last seen.
 *
 * The raw DKIM and SPF results per source come from the summary document already built (doc.domains[].sources),
 * and the per-source counts from part 1's own scan (queries.ts reads them with the dispositions), not from a
 * second scan.
 */
import type { ReportFilter } from "../../../reports/filter";
import type { DayEvidence, DomainEvidence, SourceEvidence, TlsEvidence } from "../../../reports/advisor";
import { isoSeconds, type DomainSummary, type SourceGroup, type TlsSummary } from "../../../reports/summary";
import { filterSql, type Query } from "../store/queries";

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const DAY = 86_400;
const PASS = "CASE WHEN a.dkim = 'pass' OR a.spf = 'pass' THEN a.count ELSE 0 END";
/** The day a report stands for: the middle of its period (a daily report from 00:00 to 23:59 is that day). */
const DAY_OF = `((r.begin_at + r.end_at) / 2) / ${DAY}`;

/** Evidence per policy domain, for the domains of the summary; `sourceGroups` carry the per-source counts part 1's scan read. */
export async function domainEvidence(query: Query, filter: ReportFilter, domains: readonly DomainSummary[], sourceGroups: readonly SourceGroup[]): Promise<Map<string, DomainEvidence>> {
  const f = filterSql(filter);
  const agg = `FROM reports r JOIN aggregate_records a ON a.report = r.id WHERE r.kind = 'aggregate'${f.sql}`;
  // Per report first (the records table is keyed by report, so this groups without sorting), then per day.
  const days = await query(
    `SELECT r.domain AS domain, ${DAY_OF} AS day, SUM(x.messages) AS messages, SUM(x.dmarc_pass) AS dmarc_pass
     FROM reports r JOIN (SELECT a.report AS report, SUM(a.count) AS messages, SUM(${PASS}) AS dmarc_pass FROM aggregate_records a GROUP BY a.report) x ON x.report = r.id
     WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain, ${DAY_OF}`,
    f.params,
  );
  const subdomains = await query(
    `SELECT r.domain AS domain, LOWER(a.header_from) AS header_from, a.source_ip AS ip, SUM(a.count) AS messages, SUM(${PASS}) AS dmarc_pass
     ${agg} AND LOWER(a.header_from) <> r.domain GROUP BY r.domain, LOWER(a.header_from), a.source_ip`,
    f.params,
  );
  const published = await query(
    `SELECT r.domain AS domain, x.p AS p, x.sp AS sp, x.pct AS pct, MAX(r.end_at) AS last
     FROM reports r JOIN aggregate_reports x ON x.report = r.id WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain, x.p, x.sp, x.pct`,
    f.params,
  );
  const reporters = await query(`SELECT r.domain AS domain, COUNT(DISTINCT r.org_key) AS reporters FROM reports r WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain`, f.params);

  const counts = new Map<string, SourceGroup>();
  for (const g of sourceGroups) counts.set(`${g.domain}\u0000${g.ip}`, g);
  const out = new Map<string, DomainEvidence>();
  for (const d of domains) {
    const list: SourceEvidence[] = d.sources.map((src) => {
      const c = counts.get(`${d.domain}\u0000${src.ip}`);
      return {
        ip: src.ip,
        messages: src.messages,
        dkimPass: c?.dkimPass ?? 0,
        spfPass: src.spf.pass,
        dmarcPass: src.dmarcPass,
        forwarded: c?.forwarded ?? 0,
        subdomain: c?.subdomain ?? 0,
        dkim: src.dkim,
        spf: src.spf.results,
      };
    });
    out.set(d.domain, {
      domain: d.domain,
      reports: d.reports,
      reporters: 0,
      begin: Date.parse(d.from) / 1000,
      end: Date.parse(d.to) / 1000,
      sources: list,
      days: [],
      subdomains: [],
    });
  }
  const dayLists = new Map<string, DayEvidence[]>();
  for (const row of days) {
    const list = dayLists.get(s(row.domain)) ?? [];
    list.push({ day: isoSeconds(n(row.day) * DAY).slice(0, 10), messages: n(row.messages), dmarcPass: n(row.dmarc_pass) });
    dayLists.set(s(row.domain), list);
  }
  for (const [domain, list] of dayLists) {
    const ev = out.get(domain);
    if (ev) ev.days = list.sort((a, b) => a.day.localeCompare(b.day));
  }
  for (const row of subdomains) {
    const ev = out.get(s(row.domain));
    const from = s(row.header_from);
    if (ev && from.endsWith(`.${ev.domain}`)) ev.subdomains.push({ domain: from, ip: s(row.ip), messages: n(row.messages), dmarcPass: n(row.dmarc_pass) });
  }
  const latest = new Map<string, { last: number; p?: string; sp?: string; pct?: number }>();
  for (const row of published) {
    const prior = latest.get(s(row.domain));
    if (prior && prior.last >= n(row.last)) continue;
    latest.set(s(row.domain), { last: n(row.last), ...(row.p ? { p: s(row.p) } : {}), ...(row.sp ? { sp: s(row.sp) } : {}), ...(row.pct !== null && row.pct !== undefined ? { pct: n(row.pct) } : {}) });
  }
  for (const [domain, { last: _last, ...p }] of latest) {
    const ev = out.get(domain);
    if (ev) ev.published = p;
  }
  for (const row of reporters) {
    const ev = out.get(s(row.domain));
    if (ev) ev.reporters = n(row.reporters);
  }
  return out;
}

/** TLS evidence per policy domain, for the TLS summaries. */
export async function tlsEvidence(query: Query, filter: ReportFilter, tls: readonly TlsSummary[]): Promise<Map<string, TlsEvidence>> {
  const ft = filterSql(filter, "p.policy_domain");
  const from = `FROM reports r JOIN tls_policies p ON p.report = r.id WHERE r.kind = 'tlsrpt'${ft.sql}`;
  const failures = await query(
    `SELECT p.policy_domain AS domain, p.policy_type AS policy_type, x.result_type AS result_type, x.receiving_mx_hostname AS receiving_mx,
       SUM(x.failed_sessions) AS count, MAX(r.end_at) AS last
     FROM reports r JOIN tls_policies p ON p.report = r.id JOIN tls_failures x ON x.report = p.report AND x.policy = p.ordinal
     WHERE r.kind = 'tlsrpt'${ft.sql} GROUP BY p.policy_domain, p.policy_type, x.result_type, x.receiving_mx_hostname`,
    ft.params,
  );
  const days = await query(`SELECT p.policy_domain AS domain, COUNT(DISTINCT ${DAY_OF}) AS days, COUNT(DISTINCT r.id) AS reports ${from} GROUP BY p.policy_domain`, ft.params);
  const modes = await query(`SELECT p.policy_domain AS domain, p.policy_strings AS strings, MAX(r.end_at) AS last ${from} AND p.policy_type = 'sts' GROUP BY p.policy_domain, p.policy_strings`, ft.params);

  const out = new Map<string, TlsEvidence>();
  for (const t of tls) {
    const ev = out.get(t.domain) ?? { domain: t.domain, reports: 0, begin: Infinity, end: 0, sessions: [], failures: [], days: 0 };
    ev.sessions.push({ policyType: t.policyType, successful: t.successful, failed: t.failed });
    ev.begin = Math.min(ev.begin, Date.parse(t.from) / 1000);
    ev.end = Math.max(ev.end, Date.parse(t.to) / 1000);
    out.set(t.domain, ev);
  }
  for (const row of failures) {
    const ev = out.get(s(row.domain));
    if (ev) ev.failures.push({ policyType: s(row.policy_type), resultType: s(row.result_type), ...(row.receiving_mx ? { receivingMx: s(row.receiving_mx) } : {}), count: n(row.count), lastSeen: n(row.last) });
  }
  for (const row of days) {
    const ev = out.get(s(row.domain));
    if (ev) {
      ev.days = n(row.days);
      ev.reports = n(row.reports);
    }
  }
  const latest = new Map<string, number>();
  for (const row of modes) {
    const ev = out.get(s(row.domain));
    if (!ev || (latest.get(ev.domain) ?? -1) >= n(row.last)) continue;
    latest.set(ev.domain, n(row.last));
    const mode = policyMode(s(row.strings));
    if (mode) ev.publishedMode = mode;
  }
  return out;
}

/** `mode: testing` from a stored policy-string list (JSON), as RFC 8460 §4.4 carries the fetched policy. */
function policyMode(strings: string): string | undefined {
  let list: unknown;
  try {
    list = JSON.parse(strings);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  for (const line of list) {
    const m = /^\s*mode\s*:\s*([A-Za-z]+)\s*$/.exec(String(line));
    if (m) return m[1].toLowerCase();
  }
  return undefined;
}
