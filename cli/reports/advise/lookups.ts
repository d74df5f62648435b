/**
 * What DNS and the declaration say about each source IP, through the check's one resolver (`DnsClient`: cached,
 * bounded concurrency, bounded time, `--server`):
 *
 * - reverse DNS: the PTR names of at most `rdnsLimit` source IPs, the largest senders first; names that match a
 *   sending service or lie in a reported domain's organization are forward-confirmed (their A/AAAA must hold the
 *   IP), since anyone can write any PTR name for their own addresses;
 * - the declared SPF evaluated for the `spfLimit` largest sources of each declared domain (all, normally), by the
 *   project's one SPF evaluation
 *   (mailauth, `evaluateSpf` of cli/check/spf.ts) through a resolver that answers what the plan declares from
 *   the plan (the SPF record itself, the domain's MX for an `mx` term, includes the plan publishes) and
 *   everything else from DNS; once per class of IPs the record cannot tell apart (spf-classes.ts), when it has
 *   such classes.
 */
import * as ipaddr from "ipaddr.js";
import type { Declaration, DomainEvidence, IpFacts } from "../../../reports/advisor";
import { organizationalDomain } from "../../../components/records/orgdomain";
import { serviceByRdns } from "../../../reports/advisor/services";
import { finding, type ReportFinding } from "../../../reports/findings";
import type { DnsClient, MailauthResolver } from "../../check/dns/resolver";
import { reverseName } from "../../check/rdns";
import { evaluateSpf } from "../../check/spf";
import { pool } from "../../pool";
import { spfClasses } from "./spf-classes";

export interface LookupOptions {
  rdns: boolean;
  rdnsLimit: number;
  /** Evaluate the declared SPF for at most this many sources per domain, the largest first. */
  spfLimit: number;
  /** Told how far the lookups are (a progress line on a terminal). */
  progress?: (text: () => string) => void;
}

export interface LookupResult {
  /** Per domain, per IP. */
  facts: Map<string, Map<string, IpFacts>>;
  findings: ReportFinding[];
  stats: { rdnsAsked: number; rdnsSkipped: number; spfEvaluations: number; spfReused: number };
}

/** At most this many evaluations (or PTR questions) are started at once; the DnsClient bounds the wire. */
const PARALLEL = 64;

export async function lookupFacts(evidence: readonly DomainEvidence[], declarations: ReadonlyMap<string, Declaration>, dns: DnsClient, opts: LookupOptions): Promise<LookupResult> {
  const findings: ReportFinding[] = [];
  const rdns = new Map<string, { rdns: string[]; confirmed: string[] }>();
  const declaredSpf = new Map<string, Map<string, string>>();
  const stats = { rdnsAsked: 0, rdnsSkipped: 0, spfEvaluations: 0, spfReused: 0 };
  // Both at once: reverse DNS mostly waits for answers (longer when other jobs share the cores with the DNS
  // server), while the declared SPF's evaluations are mostly answered from the cache and keep the thread busy, so
  // each fills the other's waits (npm run bench:reports at load 6: 1.6 s against 2.2 s one after the other, the
  // same CPU time and document). The questions are the same either way (one cache); findings keep their order.
  const rdnsFindings: ReportFinding[] = [];
  const spfFindings: ReportFinding[] = [];
  // One line for both (each part's text computed only when the line is drawn).
  const progress: Record<"rdns" | "spf", () => string> = { rdns: () => "", spf: () => "" };
  const tell = (part: "rdns" | "spf", text: () => string) => {
    progress[part] = text;
    opts.progress?.(() => [progress.rdns(), progress.spf()].filter(Boolean).join("; "));
  };
  await withoutStackTraces(() =>
    Promise.all([
      opts.rdns ? reverseDnsOf(evidence, dns, opts, rdns, rdnsFindings, stats, (t) => tell("rdns", t)) : undefined,
      declaredSpfOf(evidence, declarations, dns, opts, declaredSpf, spfFindings, stats, (t) => tell("spf", t)),
    ]),
  );
  findings.push(...rdnsFindings, ...spfFindings);
  const facts = new Map<string, Map<string, IpFacts>>();
  for (const ev of evidence) {
    const perIp = new Map<string, IpFacts>();
    const spf = declaredSpf.get(ev.domain);
    for (const s of ev.sources) {
      const r = rdns.get(s.ip);
      const f: IpFacts = r ? { rdns: r.rdns, confirmed: r.confirmed } : {};
      const result = spf?.get(s.ip);
      if (result !== undefined) f.declaredSpf = result;
      perIp.set(s.ip, f);
    }
    facts.set(ev.domain, perIp);
  }
  return { facts, findings, stats };
}

async function reverseDnsOf(
  evidence: readonly DomainEvidence[],
  dns: DnsClient,
  opts: LookupOptions,
  rdns: Map<string, { rdns: string[]; confirmed: string[] }>,
  findings: ReportFinding[],
  stats: LookupResult["stats"],
  tell: (text: () => string) => void,
): Promise<void> {
  const volume = new Map<string, number>();
  for (const ev of evidence) for (const s of ev.sources) volume.set(s.ip, (volume.get(s.ip) ?? 0) + s.messages);
  const ranked = [...volume].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([ip]) => ip);
  const asked = ranked.slice(0, opts.rdnsLimit);
  const skipped = ranked.length - asked.length;
  let failed = 0;
  let done = 0;
  const orgs = new Set(evidence.map((ev) => organizationalDomain(ev.domain)));
  await pool(asked, PARALLEL, async (ip) => {
    const r = await reverseDns(ip, dns, orgs);
    if (r === undefined) failed++;
    else rdns.set(ip, r);
    const n = ++done;
    tell(() => `reverse DNS of the source IPs: ${n}/${asked.length}`);
  });
  stats.rdnsAsked = rdns.size;
  stats.rdnsSkipped = skipped;
  if (skipped > 0) {
    findings.push(finding("advice.rdns-limit", "info", "advisor", `reverse DNS was looked up for the ${opts.rdnsLimit.toLocaleString("en-US")} largest of ${ranked.length.toLocaleString("en-US")} source IPs (--rdns-limit); the other ${skipped.toLocaleString("en-US")} (the smallest) are grouped by address only.`));
  }
  if (failed > 0) {
    findings.push(finding("advice.rdns-failed", "warning", "advisor", `reverse DNS of ${failed.toLocaleString("en-US")} of ${asked.length.toLocaleString("en-US")} source IPs could not be asked (${dns.serverLabel} did not answer): they are grouped by address only. Give a resolver that answers with --server, or --no-rdns to skip reverse DNS.`));
  }
}

async function declaredSpfOf(
  evidence: readonly DomainEvidence[],
  declarations: ReadonlyMap<string, Declaration>,
  dns: DnsClient,
  opts: LookupOptions,
  out: Map<string, Map<string, string>>,
  findings: ReportFinding[],
  stats: LookupResult["stats"],
  tell: (text: () => string) => void,
): Promise<void> {
  // Across domains: the same declared record evaluated for the same IP, when the evaluation never looked at the
  // domain itself (see domainIndependent), has the same result.
  const memo = new Map<string, string>();
  for (const ev of evidence) {
    const declaration = declarations.get(ev.domain);
    if (!declaration?.spf) continue;
    const spf = declaration.spf;
    const results = new Map<string, string>();
    out.set(ev.domain, results);
    const resolver = declaredResolver(declaration, dns.resolverFunction());
    // The IPs the record cannot tell apart share one evaluation (the first of its class; the others wait for it).
    const classOf = await spfClasses(ev.domain, resolver);
    const byClass = new Map<string, Promise<string>>();
    const errors = new Map<string, number>();
    const bySize = [...ev.sources].sort((a, b) => b.messages - a.messages || a.ip.localeCompare(b.ip));
    const evaluated = bySize.slice(0, opts.spfLimit);
    await pool(evaluated, PARALLEL, async (s) => {
      if (!ipaddr.isValid(s.ip)) return;
      const key = `${spf}\u0000${s.ip}`;
      const cls = classOf?.(s.ip);
      const known = memo.get(key);
      let result: string;
      if (known !== undefined || (cls !== undefined && byClass.has(cls))) {
        result = known ?? (await byClass.get(cls!)!);
        stats.spfReused++;
        if (cls !== undefined && !byClass.has(cls)) byClass.set(cls, Promise.resolve(result));
      } else {
        // The first IP of its class: the others of the class wait for this evaluation.
        let settle: (r: string) => void = () => undefined;
        if (cls !== undefined) byClass.set(cls, new Promise<string>((resolve) => (settle = resolve)));
        const asked: { name: string; type: string; answer?: unknown }[] = [];
        const recording: MailauthResolver = async (name, type) => {
          const q: { name: string; type: string; answer?: unknown } = { name, type };
          asked.push(q);
          q.answer = await resolver(name, type);
          return q.answer;
        };
        result = (await evaluateSpf(ev.domain, s.ip, recording)).result;
        settle(result);
        stats.spfEvaluations++;
        if (domainIndependent(ev.domain, asked)) memo.set(key, result);
      }
      tell(() => `the declared SPF of ${ev.domain} for its source IPs: ${stats.spfEvaluations + stats.spfReused}`);
      results.set(s.ip, result);
      if (result === "permerror" || result === "temperror") errors.set(result, (errors.get(result) ?? 0) + 1);
    });
    if (bySize.length > evaluated.length) {
      const total = bySize.reduce((n, x) => n + x.messages, 0);
      const covered = evaluated.reduce((n, x) => n + x.messages, 0);
      findings.push(finding("advice.spf-limit", "info", ev.domain, `the declared SPF of ${ev.domain} was evaluated for its ${opts.spfLimit.toLocaleString("en-US")} largest of ${bySize.length.toLocaleString("en-US")} sources (${(Math.floor((1000 * covered) / total) / 10).toFixed(1)} % of its messages, --spf-limit); the others are judged by the receivers' results.`));
    }
    for (const [result, count] of errors) {
      findings.push(finding("advice.declared-spf-error", "warning", ev.domain, `the declared SPF of ${ev.domain} ("${spf}") evaluates to ${result} for ${count.toLocaleString("en-US")} source IPs: ${result === "permerror" ? "receivers would fail SPF for every sender (a missing include target, or over 10 DNS lookups): run `maildomain check " + ev.domain + "` on the live record to see why" : "a DNS lookup it needs did not answer; those IPs are judged by the receivers' results only"}.`, result === "permerror" ? "RFC 7208 §2.6.7" : "RFC 7208 §2.6.6"));
    }
  }
}

/**
 * True when an evaluation's result cannot depend on which domain it was for: after the first question (the
 * domain's own TXT, the declared record), nothing asked was the domain or a name below it (no `a`, `mx`, `ptr`
 * of the domain itself), and no TXT answer holds a macro (`%{d}`, `%{o}`, `%{s}`, `%{h}` expand to the domain or
 * the sender). The same record text and IP then give the same result for every domain (RFC 7208 §4.6, §7).
 */
function domainIndependent(domain: string, asked: readonly { name: string; type: string; answer?: unknown }[]): boolean {
  const d = domain.toLowerCase();
  return asked.every((q, i) => {
    const n = q.name.toLowerCase().replace(/\.$/, "");
    if (i > 0 && (n === d || n.endsWith(`.${d}`))) return false;
    return !(q.type.toUpperCase() === "TXT" && JSON.stringify(q.answer ?? null).includes("%"));
  });
}

/**
 * Run `work` with V8's stack-trace capture off. mailauth's SPF evaluation matches every `ip4:` range through
 * ipaddr.js's parseCIDR, which tries IPv6 first and throws and catches an exception per IPv4 range; with tens of
 * thousands of evaluations (a store of 10,000 reports), capturing stack traces nobody reads is a quarter of the
 * evaluation's time (measured with npm run bench:reports). Errors that reach us keep their messages.
 */
async function withoutStackTraces<T>(work: () => Promise<T>): Promise<T> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * PTR names of the IP, and those that resolve back to it among the ones that name a service or lie in one of the
 * reported domains' organizations (`orgs`); undefined: DNS failed.
 */
async function reverseDns(ip: string, dns: DnsClient, orgs: ReadonlySet<string>): Promise<{ rdns: string[]; confirmed: string[] } | undefined> {
  if (!ipaddr.isValid(ip)) return { rdns: [], confirmed: [] };
  const l = await dns.lookup(reverseName(ip), "PTR");
  // SERVFAIL is what a broken or lame reverse zone gives every resolver: no usable name. A timeout or a refusal
  // (a server that does not answer for that zone) says nothing about the IP: not looked up.
  if (l.status === "failed") return l.failure.kind === "servfail" ? { rdns: [], confirmed: [] } : undefined;
  if (l.status !== "ok") return { rdns: [], confirmed: [] };
  const names = [...new Set(l.records.map((n) => n.replace(/\.$/, "").toLowerCase()))].slice(0, 5);
  const family = ipaddr.process(ip).kind() === "ipv4" ? "A" : "AAAA";
  const want = ipaddr.process(ip).toNormalizedString();
  const confirmed: string[] = [];
  for (const name of names) {
    if (!serviceByRdns(name) && !orgs.has(organizationalDomain(name))) continue;
    const f = await dns.lookup(name, family);
    if (f.status === "ok" && f.records.some((a) => ipaddr.isValid(a) && ipaddr.process(a).toNormalizedString() === want)) confirmed.push(name);
  }
  return { rdns: names, confirmed };
}

/**
 * A mailauth resolver that answers the plan's record sets from the plan (TXT as one string each, MX as node:dns
 * returns them) and every other question from DNS: the SPF a receiver would evaluate once the plan is applied.
 */
export function declaredResolver(declaration: Declaration, live: MailauthResolver): MailauthResolver {
  const declared = new Map<string, unknown>();
  for (const s of declaration.records) {
    const key = `${s.type} ${s.name}`;
    if (s.type === "TXT") declared.set(key, s.values.map((v) => [v]));
    else if (s.type === "MX") {
      declared.set(
        key,
        s.values.map((v) => {
          const [priority, host = ""] = v.trim().split(/\s+/);
          return { priority: Number(priority), exchange: host.replace(/\.$/, "") };
        }),
      );
    } else if (s.type === "A" || s.type === "AAAA") declared.set(key, [...s.values]);
  }
  // A name without data (the AAAA of an IPv4-only MX host, asked on every evaluation of an `mx` term) is thrown as
  // the same error each time: mailauth only reads its code for NXDOMAIN and NODATA.
  const absent = new Map<string, unknown>();
  return async (name: string, rrtype: string) => {
    const key = `${String(rrtype).toUpperCase()} ${name.toLowerCase().replace(/\.$/, "")}`;
    const hit = declared.get(key);
    if (hit === undefined) {
      const known = absent.get(key);
      if (known) throw known;
      try {
        return await live(name, rrtype);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOTFOUND" || code === "ENODATA") absent.set(key, e);
        throw e;
      }
    }
    // A fresh copy: mailauth sorts and mutates what it gets.
    return (hit as unknown[]).map((r) => (Array.isArray(r) ? [...r] : typeof r === "object" && r !== null ? { ...r } : r));
  };
}
