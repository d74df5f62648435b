/**
 * The summary `maildomain reports --json` prints, and the grouped rows it is built from. The store groups its
 * rows in SQL (the same queries for SQLite and PostgreSQL, so memory stays flat however many reports are stored)
 * and this module, pure, turns the groups into the document: domains with their sources, TLS results per policy
 * domain, failure reports per domain.
 *
 * Definitions (the README's):
 * - `messages`: the sum of the record counts;
 * - `dmarcPass`: messages whose evaluated DKIM or SPF result (the receiver's aligned results) is `pass`;
 *   `dmarcFail` the rest;
 * - `from`/`to`: the earliest begin and latest end of the stored reports' date ranges, as ISO 8601 (UTC).
 */
import type { ReportFinding } from "./findings";
import type { ReportKind } from "./model";

/** What a run read: distinct reports per kind, occurrences already stored, documents that could not be read. */
export interface RunCounts {
  aggregate: number;
  failure: number;
  tlsrpt: number;
  duplicates: number;
  rejected: number;
}

export interface ReportsDocument {
  reports: RunCounts;
  /** What the store holds within the filters, after the run. */
  stored: Record<ReportKind, number>;
  findings: ReportFinding[];
  domains: DomainSummary[];
  tls: TlsSummary[];
  failures: FailureSummary[];
}

export interface DomainSummary {
  domain: string;
  reports: number;
  messages: number;
  dmarcPass: number;
  dmarcFail: number;
  from: string;
  to: string;
  sources: SourceSummary[];
}

export interface SourceSummary {
  ip: string;
  messages: number;
  dmarcPass: number;
  dmarcFail: number;
  /** Messages by the evaluated (aligned) SPF result, and the raw SPF results with their message counts. */
  spf: { pass: number; fail: number; results: { domain: string; scope?: string; result: string; messages: number }[] };
  /** The raw DKIM results (one per signing domain, selector and result), with their message counts. */
  dkim: { domain: string; selector?: string; result: string; messages: number }[];
  /** Messages by the disposition the receiver applied. */
  disposition: Record<string, number>;
}

export interface TlsSummary {
  domain: string;
  policyType: string;
  reports: number;
  successful: number;
  failed: number;
  from: string;
  to: string;
  failures: { resultType: string; count: number; receivingMx?: string }[];
}

export interface FailureSummary {
  domain: string;
  reports: number;
  from?: string;
  to?: string;
  sources: { ip: string; reports: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// The grouped rows the store returns.

export interface DomainGroup {
  domain: string;
  reports: number;
  begin: number;
  end: number;
}
export interface SourceGroup {
  domain: string;
  ip: string;
  messages: number;
  dmarcPass: number;
  spfPass: number;
  spfFail: number;
  /** Read in the same scan for the advisor (reports/advisor): evaluated DKIM passes, forwarded messages, From: a subdomain. */
  dkimPass?: number;
  forwarded?: number;
  subdomain?: number;
}
export interface DispositionGroup {
  domain: string;
  ip: string;
  disposition: string;
  messages: number;
}
export interface SpfGroup {
  domain: string;
  ip: string;
  spfDomain: string;
  scope: string | null;
  result: string;
  messages: number;
}
export interface DkimGroup {
  domain: string;
  ip: string;
  dkimDomain: string;
  selector: string | null;
  result: string;
  messages: number;
}
export interface TlsGroup {
  domain: string;
  policyType: string;
  reports: number;
  successful: number;
  failed: number;
  begin: number;
  end: number;
}
export interface TlsFailureGroup {
  domain: string;
  policyType: string;
  resultType: string;
  receivingMx: string | null;
  count: number;
}
export interface FailureGroup {
  domain: string;
  ip: string | null;
  reports: number;
  begin: number | null;
  end: number | null;
}

export interface SummaryGroups {
  domains: DomainGroup[];
  sources: SourceGroup[];
  dispositions: DispositionGroup[];
  spf: SpfGroup[];
  dkim: DkimGroup[];
  tls: TlsGroup[];
  tlsFailures: TlsFailureGroup[];
  failures: FailureGroup[];
}

/** Unix seconds as ISO 8601 UTC without milliseconds: `2024-05-01T00:00:00Z`. */
export function isoSeconds(s: number): string {
  const d = new Date(s * 1000);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const byMessagesThenName = <T extends { messages: number }>(key: (t: T) => string) => (a: T, b: T) => b.messages - a.messages || key(a).localeCompare(key(b));

/** Domains by messages (most first), sources by messages, results by messages. */
export function buildSummary(g: SummaryGroups): Pick<ReportsDocument, "domains" | "tls" | "failures"> {
  const k = (domain: string, ip: string) => `${domain}\u0000${ip}`;
  const sources = new Map<string, SourceSummary>();
  for (const s of g.sources) {
    sources.set(k(s.domain, s.ip), {
      ip: s.ip,
      messages: s.messages,
      dmarcPass: s.dmarcPass,
      dmarcFail: s.messages - s.dmarcPass,
      spf: { pass: s.spfPass, fail: s.spfFail, results: [] },
      dkim: [],
      disposition: {},
    });
  }
  for (const d of g.dispositions) {
    const s = sources.get(k(d.domain, d.ip));
    if (s) s.disposition[d.disposition || "(none given)"] = (s.disposition[d.disposition || "(none given)"] ?? 0) + d.messages;
  }
  for (const r of g.spf) {
    const s = sources.get(k(r.domain, r.ip));
    if (!s) continue;
    const entry: SourceSummary["spf"]["results"][number] = { domain: r.spfDomain, result: r.result, messages: r.messages };
    if (r.scope) entry.scope = r.scope;
    s.spf.results.push(entry);
  }
  for (const r of g.dkim) {
    const s = sources.get(k(r.domain, r.ip));
    if (!s) continue;
    const entry: SourceSummary["dkim"][number] = { domain: r.dkimDomain, result: r.result, messages: r.messages };
    if (r.selector) entry.selector = r.selector;
    s.dkim.push(entry);
  }
  const perDomain = new Map<string, SourceSummary[]>();
  for (const s of g.sources) {
    const list = perDomain.get(s.domain) ?? [];
    list.push(sources.get(k(s.domain, s.ip))!);
    perDomain.set(s.domain, list);
  }
  const domains: DomainSummary[] = g.domains.map((d) => {
    const list = (perDomain.get(d.domain) ?? []).sort(byMessagesThenName((s) => s.ip));
    for (const s of list) {
      s.spf.results.sort(byMessagesThenName((r) => `${r.domain} ${r.scope ?? ""} ${r.result}`));
      s.dkim.sort(byMessagesThenName((r) => `${r.domain} ${r.selector ?? ""} ${r.result}`));
    }
    const messages = list.reduce((n, s) => n + s.messages, 0);
    const dmarcPass = list.reduce((n, s) => n + s.dmarcPass, 0);
    return { domain: d.domain, reports: d.reports, messages, dmarcPass, dmarcFail: messages - dmarcPass, from: isoSeconds(d.begin), to: isoSeconds(d.end), sources: list };
  });
  domains.sort(byMessagesThenName((d) => d.domain));

  const tk = (domain: string, type: string) => `${domain}\u0000${type}`;
  const tlsFailures = new Map<string, TlsSummary["failures"]>();
  for (const f of g.tlsFailures) {
    const list = tlsFailures.get(tk(f.domain, f.policyType)) ?? [];
    const entry: TlsSummary["failures"][number] = { resultType: f.resultType, count: f.count };
    if (f.receivingMx) entry.receivingMx = f.receivingMx;
    list.push(entry);
    tlsFailures.set(tk(f.domain, f.policyType), list);
  }
  const tls: TlsSummary[] = g.tls.map((t) => ({
    domain: t.domain,
    policyType: t.policyType,
    reports: t.reports,
    successful: t.successful,
    failed: t.failed,
    from: isoSeconds(t.begin),
    to: isoSeconds(t.end),
    failures: (tlsFailures.get(tk(t.domain, t.policyType)) ?? []).sort((a, b) => b.count - a.count || `${a.resultType} ${a.receivingMx ?? ""}`.localeCompare(`${b.resultType} ${b.receivingMx ?? ""}`)),
  }));
  tls.sort((a, b) => b.successful + b.failed - (a.successful + a.failed) || a.domain.localeCompare(b.domain) || a.policyType.localeCompare(b.policyType));

  const failures = new Map<string, FailureSummary & { b?: number; e?: number }>();
  for (const f of g.failures) {
    const s = failures.get(f.domain) ?? { domain: f.domain, reports: 0, sources: [] };
    s.reports += f.reports;
    if (f.ip) s.sources.push({ ip: f.ip, reports: f.reports });
    if (f.begin !== null) s.b = Math.min(s.b ?? f.begin, f.begin);
    if (f.end !== null) s.e = Math.max(s.e ?? f.end, f.end);
    failures.set(f.domain, s);
  }
  const failureList: FailureSummary[] = [...failures.values()].map(({ b, e, ...s }) => {
    const out: FailureSummary = { ...s, sources: s.sources.sort((x, y) => y.reports - x.reports || x.ip.localeCompare(y.ip)) };
    if (b !== undefined) out.from = isoSeconds(b);
    if (e !== undefined) out.to = isoSeconds(e);
    return out;
  });
  failureList.sort((a, b) => b.reports - a.reports || a.domain.localeCompare(b.domain));
  return { domains, tls, failures: failureList };
}
