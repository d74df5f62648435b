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
  const tls = `FROM reports r JOIN tls_policies p ON p.report = r.id WHERE r.kind = 'tlsrpt'${ft.sql}`;
  // One after another: a PostgreSQL connection runs one query at a time anyway.
  const run = async (queries: [string, Value[]][]) => {
    const out: Record<string, unknown>[][] = [];
    for (const [sql, params] of queries) out.push(await query(sql, params));
    return out;
  };
  const [domains, records, results, moreSpf, moreDkim, tlsRows, tlsFailures, failures] = await run([
    [`SELECT r.domain AS domain, COUNT(*) AS reports, MIN(r.begin_at) AS begin_at, MAX(r.end_at) AS end_at FROM reports r WHERE r.kind = 'aggregate'${f.sql} GROUP BY r.domain`, f.params],
    // One scan of the records, grouped by source and results row (schema.ts, aggregate_results), gives the
    // sources' totals, their dispositions, the advisor's counts per source (evaluated DKIM passes, messages a
    // receiver said were forwarded, messages whose From: is another name than the policy domain: its subdomains),
    // and each record's first raw SPF and DKIM result; the few further results come from the two queries below.
    // Grouping sorts every record: by two text columns and an integer it takes a third of the time it took by nine
    // text columns of three tables (npm run bench:reports).
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, a.results AS results, SUM(a.count) AS messages
       FROM reports r JOIN aggregate_records a ON a.report = r.id
       WHERE r.kind = 'aggregate'${f.sql}
       GROUP BY r.domain, a.source_ip, a.results`,
      f.params,
    ],
    ["SELECT * FROM aggregate_results", []],
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, x.domain AS spf_domain, x.scope AS spf_scope, x.result AS spf_result, SUM(a.count) AS messages
       FROM reports r JOIN aggregate_records a ON a.report = r.id JOIN aggregate_spf x ON x.report = a.report AND x.record = a.ordinal
       WHERE x.ordinal > 0 AND r.kind = 'aggregate'${f.sql} GROUP BY r.domain, a.source_ip, x.domain, x.scope, x.result`,
      f.params,
    ],
    [
      `SELECT r.domain AS domain, a.source_ip AS ip, x.domain AS dkim_domain, x.selector AS dkim_selector, x.result AS dkim_result, SUM(a.count) AS messages
       FROM reports r JOIN aggregate_records a ON a.report = r.id JOIN aggregate_dkim x ON x.report = a.report AND x.record = a.ordinal
       WHERE x.ordinal > 0 AND r.kind = 'aggregate'${f.sql} GROUP BY r.domain, a.source_ip, x.domain, x.selector, x.result`,
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
  const perRecord = recordGroups(records, results, moreSpf, moreDkim);
  return {
    domains: domains.map((r) => ({ domain: s(r.domain), reports: n(r.reports), begin: n(r.begin_at), end: n(r.end_at) })),
    ...perRecord,
    tls: tlsRows.map((r) => ({ domain: s(r.domain), policyType: s(r.policy_type), reports: n(r.reports), successful: n(r.successful), failed: n(r.failed), begin: n(r.begin_at), end: n(r.end_at) })),
    tlsFailures: tlsFailures.map((r) => ({ domain: s(r.domain), policyType: s(r.policy_type), resultType: s(r.result_type), receivingMx: sOrNull(r.receiving_mx), count: n(r.count) })),
    failures: failures.map((r) => ({ domain: s(r.domain), ip: sOrNull(r.ip), reports: n(r.reports), begin: nOrNull(r.begin_at), end: nOrNull(r.end_at) })),
  };
}

/** Tuple keys for the maps below: NUL-separated, a null field distinct from every string. */
const key = (...parts: (string | null)[]) => parts.map((p) => (p === null ? "\u0001" : `=${p}`)).join("\u0000");

/** Add `messages` to the group under `k`, made by `make` (with 0 messages) the first time. */
function addMessages<G extends { messages: number }>(groups: Map<string, G>, k: string, make: () => G, messages: number): void {
  let g = groups.get(k);
  if (!g) groups.set(k, (g = make()));
  g.messages += messages;
}

/** Strings in the byte order of SQLite's BINARY collation (UTF-8 bytes; UTF-16 units agree except above U+D7FF), null first. */
const order = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
const byFields =
  <T>(...fields: ((t: T) => string | null)[]) =>
  (x: T, y: T) => {
    for (const f of fields) {
      const c = order(f(x), f(y));
      if (c !== 0) return c;
    }
    return 0;
  };

/**
 * The per-source totals, the dispositions and the raw SPF and DKIM groups from the one scan's rows (grouped by
 * source and results row), the results rows themselves and the further results' rows; each list in the order a
 * GROUP BY on its own fields gives, as when each was its own query.
 */
function recordGroups(rows: Record<string, unknown>[], resultRows: Record<string, unknown>[], moreSpf: Record<string, unknown>[], moreDkim: Record<string, unknown>[]): Pick<SummaryGroups, "sources" | "dispositions" | "spf" | "dkim"> {
  const sources = new Map<string, SummaryGroups["sources"][number]>();
  const dispositions = new Map<string, SummaryGroups["dispositions"][number]>();
  const spf = new Map<string, SummaryGroups["spf"][number]>();
  const dkim = new Map<string, SummaryGroups["dkim"][number]>();
  const results = new Map<number, Record<string, unknown>>();
  for (const r of resultRows) results.set(n(r.id), r);
  const addSpf = (domain: string, ip: string, spfDomain: string, scope: string | null, result: string, messages: number) =>
    addMessages(spf, key(domain, ip, spfDomain, scope, result), () => ({ domain, ip, spfDomain, scope, result, messages: 0 }), messages);
  const addDkim = (domain: string, ip: string, dkimDomain: string, selector: string | null, result: string, messages: number) =>
    addMessages(dkim, key(domain, ip, dkimDomain, selector, result), () => ({ domain, ip, dkimDomain, selector, result, messages: 0 }), messages);
  for (const r of rows) {
    const domain = s(r.domain);
    const ip = s(r.ip);
    const messages = n(r.messages);
    const x = results.get(n(r.results));
    // Every record points at its results row (the migration to version 2 filled them in for older stores).
    if (!x) throw new Error(`the store has records of ${domain} from ${ip} without their results row (aggregate_records.results ${String(r.results)})`);
    const sk = key(domain, ip);
    let g = sources.get(sk);
    if (!g) sources.set(sk, (g = { domain, ip, messages: 0, dmarcPass: 0, spfPass: 0, spfFail: 0, dkimPass: 0, forwarded: 0, subdomain: 0 }));
    const dkimPass = x.dkim === "pass";
    const spfPass = x.spf === "pass";
    g.messages += messages;
    if (dkimPass || spfPass) g.dmarcPass += messages;
    if (spfPass) g.spfPass += messages;
    g.spfFail = g.messages - g.spfPass;
    if (dkimPass) g.dkimPass! += messages;
    if (n(x.forwarded)) g.forwarded! += messages;
    if (n(x.other_from)) g.subdomain! += messages;
    addMessages(dispositions, key(domain, ip, s(x.disposition)), () => ({ domain, ip, disposition: s(x.disposition), messages: 0 }), messages);
    // '' in a results row is an absent scope or selector (schema.ts, RESULT_COLUMNS).
    if (n(x.has_spf)) addSpf(domain, ip, s(x.spf_domain), s(x.spf_scope) || null, s(x.spf_result), messages);
    if (n(x.has_dkim)) addDkim(domain, ip, s(x.dkim_domain), s(x.dkim_selector) || null, s(x.dkim_result), messages);
  }
  for (const r of moreSpf) addSpf(s(r.domain), s(r.ip), s(r.spf_domain), sOrNull(r.spf_scope), s(r.spf_result), n(r.messages));
  for (const r of moreDkim) addDkim(s(r.domain), s(r.ip), s(r.dkim_domain), sOrNull(r.dkim_selector), s(r.dkim_result), n(r.messages));
  type G = SummaryGroups;
  return {
    sources: [...sources.values()].sort(byFields<G["sources"][number]>((g) => g.domain, (g) => g.ip)),
    dispositions: [...dispositions.values()].sort(byFields<G["dispositions"][number]>((g) => g.domain, (g) => g.ip, (g) => g.disposition)),
    spf: [...spf.values()].sort(byFields<G["spf"][number]>((g) => g.domain, (g) => g.ip, (g) => g.spfDomain, (g) => g.scope, (g) => g.result)),
    dkim: [...dkim.values()].sort(byFields<G["dkim"][number]>((g) => g.domain, (g) => g.ip, (g) => g.dkimDomain, (g) => g.selector, (g) => g.result)),
  };
}
