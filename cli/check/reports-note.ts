/**
 * `maildomain check --db STORE`: the loop closes. For each checked domain with stored aggregate or TLS reports,
 * the report advisor's one-line verdict (can DMARC go one step further; can MTA-STS enforce), from the same
 * store `maildomain reports` fills, judged against the `--expect` plan when one is given, with reverse DNS asked
 * through the check's own resolver.
 */
import * as fs from "node:fs";
import type { MtaStsVerdict, Verdict } from "../../reports/advisor";
import { DEFAULT_MIN_DAYS, DEFAULT_THRESHOLD } from "../../reports/advisor";
import type { ReportFilter } from "../../reports/filter";
import { buildSummary, type ReportsDocument } from "../../reports/summary";
import { UsageError } from "../io";
import { declaredPlanOf } from "../reports/advise/declared";
import { addAdvice, DEFAULT_RDNS_LIMIT, DEFAULT_SPF_LIMIT } from "../reports/advise/run";
import { isPostgresUrl, openStore } from "../reports/store/store";
import type { DnsClient } from "./dns/resolver";

export interface ReportsNote {
  /** Where the reports are, for the output. */
  store: string;
  /** The one-line DMARC verdict, when the store has aggregate reports for the domain. */
  verdict?: Verdict;
  /** The MTA-STS verdict, when it has TLS reports for the domain. */
  mtaSts?: MtaStsVerdict;
}

/** A store that does not exist is a usage error (the check never creates one). */
export function checkStoreExists(db: string): string | undefined {
  if (isPostgresUrl(db) || fs.existsSync(db)) return undefined;
  return `--db ${db}: there is no report store there; fill one with \`maildomain reports SOURCE... --db ${db}\` (or give the store it wrote).`;
}

/** `expected`: the --expect plan's resources, as the check read them. */
export async function reportsNotes(db: string, domains: readonly string[], dns: DnsClient, expected?: { resources: readonly unknown[]; file: string }): Promise<Map<string, ReportsNote>> {
  const plan = expected && declaredPlanOf(expected.resources, expected.file);
  let store;
  try {
    store = await openStore(db, { durable: false });
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(`--db ${db}: ${(e as Error).message}`);
  }
  try {
    const filter: ReportFilter = { domains: [...domains] };
    const groups = await store.summary(filter);
    const summary: ReportsDocument = { reports: { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 }, stored: await store.stored(filter), findings: [], ...buildSummary(groups) };
    // Only the checked domains themselves: the filter also matches their subdomains, which have reports of their own.
    summary.domains = summary.domains.filter((d) => domains.includes(d.domain));
    summary.tls = summary.tls.filter((t) => domains.includes(t.domain));
    const doc = await addAdvice(summary, groups, store.query, filter, { options: { threshold: DEFAULT_THRESHOLD, minDays: DEFAULT_MIN_DAYS }, plan, rdns: true, rdnsLimit: DEFAULT_RDNS_LIMIT, spfLimit: DEFAULT_SPF_LIMIT }, dns);
    const notes = new Map<string, ReportsNote>();
    for (const d of doc.domains) notes.set(d.domain, { store: store.location, verdict: d.verdict });
    for (const t of doc.tls) {
      if (!t.verdict) continue;
      notes.set(t.domain, { ...(notes.get(t.domain) ?? { store: store.location }), mtaSts: t.verdict });
    }
    return notes;
  } finally {
    await store.close();
  }
}
