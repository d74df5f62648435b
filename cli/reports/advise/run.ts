/**
 * The advisor's I/O around the pure core (reports/advisor/): the options, the declaration (read before any
 * report, so a bad plan creates nothing), the store's evidence, reverse DNS and the declared SPF through the
 * check's resolver, then the advice added to part 1's document.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { adviseDomain, adviseTls, DEFAULT_MIN_DAYS, DEFAULT_THRESHOLD, type AdvisorOptions } from "../../../reports/advisor";
import type { AdvisedDocument, AdvisedDomain, AdvisedTls } from "../../../reports/advisor/document";
import type { ReportFilter } from "../../../reports/filter";
import { finding } from "../../../reports/findings";
import type { ReportsDocument, SummaryGroups } from "../../../reports/summary";
import { DnsClient, serverOption } from "../../check/dns/resolver";
import { UsageError } from "../../io";
import type { Query } from "../store/queries";
import { readDeclaredPlan, type DeclaredPlan } from "./declared";
import { domainEvidence, tlsEvidence } from "./evidence";
import { lookupFacts } from "./lookups";

export interface AdviceOptions {
  expect?: string;
  cwd?: string;
  stack?: string;
  /** DNS server for reverse DNS and the declared SPF's lookups, HOST[:PORT]. */
  server?: string;
  /** false: --no-rdns. */
  rdns?: boolean;
  rdnsLimit?: number | string;
  spfLimit?: number | string;
  threshold?: number | string;
  minDays?: number | string;
  html?: string;
  /** false: --no-advice (part 1's summary only, e.g. for an hourly ingestion run). */
  advice?: boolean;
}

export interface Advisor {
  options: AdvisorOptions;
  plan?: DeclaredPlan;
  server?: string;
  rdns: boolean;
  rdnsLimit: number;
  spfLimit: number;
  html?: string;
}

export const DEFAULT_RDNS_LIMIT = 10_000;
export const DEFAULT_SPF_LIMIT = 2_000;

function numberOption(value: number | string | undefined, flag: string, fallback: number, ok: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  const n = typeof value === "number" ? value : Number(String(value).trim().replace(/%$/, ""));
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`${flag} ${JSON.stringify(String(value))} ${rule}.`);
  return n;
}

/**
 * Check the options and read the declaration; every problem is a UsageError (exit 2) before anything is read.
 * Undefined with --no-advice.
 */
export async function prepareAdvisor(opts: AdviceOptions): Promise<Advisor | undefined> {
  if (opts.advice === false) {
    const given = (["expect", "cwd", "stack", "threshold", "minDays", "html", "server", "rdnsLimit", "spfLimit"] as const).filter((k) => opts[k] !== undefined);
    if (given.length || opts.rdns === false) throw new UsageError(`--no-advice prints part 1's summary only, so ${given.length ? given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ") : "--no-rdns"} would do nothing: leave out one or the other.`);
    return undefined;
  }
  const threshold = numberOption(opts.threshold, "--threshold", DEFAULT_THRESHOLD, (n) => n > 0 && n <= 100, "must be a percentage above 0 and at most 100 (98 is the default)");
  const minDays = numberOption(opts.minDays, "--min-days", DEFAULT_MIN_DAYS, (n) => Number.isInteger(n) && n >= 1 && n <= 366, "must be a whole number of days from 1 to 366 (14 is the default)");
  const rdnsLimit = numberOption(opts.rdnsLimit, "--rdns-limit", DEFAULT_RDNS_LIMIT, (n) => Number.isInteger(n) && n >= 0, "must be a whole number of source IPs (0 looks none up)");
  const spfLimit = numberOption(opts.spfLimit, "--spf-limit", DEFAULT_SPF_LIMIT, (n) => Number.isInteger(n) && n >= 0, "must be a whole number of sources per domain (0 evaluates none)");
  if (opts.html !== undefined) {
    const dir = path.dirname(path.resolve(opts.html));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--html ${opts.html}: the folder ${dir} does not exist; nothing was read.`);
    if (fs.existsSync(opts.html) && fs.statSync(opts.html).isDirectory()) throw new UsageError(`--html ${opts.html} is a folder: give the file to write, e.g. ${path.join(opts.html, "dmarc-report.html")}.`);
  }
  const server = await serverOption(opts.server);
  const plan = await readDeclaredPlan(opts);
  return { options: { threshold, minDays }, plan, server, rdns: opts.rdns !== false, rdnsLimit, spfLimit, html: opts.html };
}

/** Part 1's document with the advice added; `groups` are the store's summary groups the document was built from. */
export async function addAdvice(doc: ReportsDocument, groups: SummaryGroups, query: Query, filter: ReportFilter, advisor: Advisor, shared?: DnsClient, progress?: (text: () => string) => void): Promise<AdvisedDocument> {
  const evidence = await domainEvidence(query, filter, doc.domains, groups.sources);
  const tls = await tlsEvidence(query, filter, doc.tls);
  const declarations = advisor.plan?.declarations ?? new Map();
  const needsDns = (advisor.rdns && advisor.rdnsLimit > 0) || doc.domains.some((d) => declarations.get(d.domain)?.spf);
  // The check passes its own client (one cache, one set of statistics for the run); otherwise one of our own.
  const dns = shared ?? (needsDns ? new DnsClient({ server: advisor.server, timeout: 2000, retries: 1, concurrency: 64 }) : undefined);
  const findings = [...doc.findings];
  try {
    const lookups = dns
      ? await lookupFacts([...evidence.values()], declarations, dns, { rdns: advisor.rdns, rdnsLimit: advisor.rdnsLimit, spfLimit: advisor.spfLimit, progress })
      : { facts: new Map(), findings: [], stats: { rdnsAsked: 0, rdnsSkipped: 0, spfEvaluations: 0, spfReused: 0 } };
    findings.push(...lookups.findings);
    if (advisor.plan) {
      for (const d of doc.domains) {
        if (!declarations.has(d.domain)) {
          findings.push(finding("advice.not-declared", "info", d.domain, `${d.domain} has reports but ${advisor.plan.label} does not declare it: its senders are judged by the receivers' results alone, and its current policy is the one the reports saw published.`));
        }
      }
    }
    const domains: AdvisedDomain[] = doc.domains.map((d) => {
      const ev = evidence.get(d.domain)!;
      const advice = adviseDomain(ev, lookups.facts.get(d.domain) ?? new Map(), declarations.get(d.domain), advisor.options);
      return { ...d, senders: advice.senders, verdict: advice.verdict, days: ev.days };
    });
    const withVerdict = new Set<string>();
    const byDomain = (domain: string) => doc.tls.filter((t) => t.domain === domain);
    const tlsOut: AdvisedTls[] = doc.tls.map((t) => {
      const entries = byDomain(t.domain);
      const carrier = entries.find((e) => e.policyType === "sts") ?? entries[0];
      if (carrier !== t || withVerdict.has(t.domain)) return { ...t };
      withVerdict.add(t.domain);
      return { ...t, verdict: adviseTls(tls.get(t.domain)!, declarations.get(t.domain), advisor.options) };
    });
    return {
      ...doc,
      findings,
      domains,
      tls: tlsOut,
      advice: {
        declaration: advisor.plan?.label ?? null,
        threshold: advisor.options.threshold,
        minDays: advisor.options.minDays,
        dns: dns ? { server: dns.server ?? "system resolver", queries: dns.stats.queries, answered: dns.stats.answered, failed: dns.stats.failed } : null,
      },
    };
  } finally {
    if (!shared) dns?.close();
  }
}
