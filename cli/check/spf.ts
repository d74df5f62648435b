/**
 * SPF of one domain against live DNS (RFC 7208):
 *
 * - exactly one record at the domain (the core's record-set check and parser);
 * - the whole tree a receiver may walk: every record reached through `include` and `redirect` is fetched and
 *   checked by the same parser ("any syntax errors anywhere in the record MUST be detected", §4.6), loops are
 *   found, an include or redirect target without an SPF record is a permerror (§5.2, §6.1);
 * - the limits of §4.6.4, counted statically over every path (a static check must not depend on which path an
 *   evaluation happens to take): at most 10 DNS-querying terms in all, at most 2 void lookups, at most 10 names
 *   per `mx`;
 * - with `--ip`, the evaluation itself, by mailauth's SPF implementation through the same resolver.
 *
 * Terms with macros depend on the sender and cannot be followed statically; they still count as lookups.
 */
import {
  MAX_DNS_LOOKUPS,
  MAX_NAMES_PER_LOOKUP,
  MAX_VOID_LOOKUPS,
  SpfRecord,
  checkSpfRecordSet,
  dnsLookupTerms,
  hasMacro,
  parseSpf,
  renderTerm,
  selectSpfRecords,
} from "../../components/records/spf";
import type { Diagnostic } from "../../components/records/diagnostics";
import { DnsClient, Lookup, MailauthResolver, RecordData, normalize } from "./dns/resolver";
import { Finding, describeAbsence, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "./findings";

/** Stop following includes once this many DNS-querying terms have been counted: evaluation failed long before. */
const FOLLOW_BUDGET = 40;

export interface SpfOutcome {
  findings: Finding[];
  /** The one SPF record at the domain, when there is exactly one, and its model. */
  record?: string;
  model?: SpfRecord;
  /** Receivers return permerror for this domain's SPF whatever the sending IP (syntax, limits, loops, several records). */
  permerror: boolean;
  /** A DNS failure on the way: receivers would return temperror (or permerror later). */
  temperror: boolean;
  /** No SPF record at all. */
  missing: boolean;
  /** DNS-querying terms over the whole tree, and void lookups. */
  lookups: number;
  voidLookups: number;
  /** With --ip: mailauth's result (pass, fail, softfail, neutral, none, permerror, temperror) and its comment. */
  evaluation?: { ip: string; result: string; comment?: string };
  /** The record ends in "+all" (or authorizes everyone another way the core reports as spf.pass-all). */
  passAll: boolean;
  /**
   * A syntax error in the record or a record it reaches (or several SPF records): RFC 7208 §4.6 makes that a
   * permerror for every sender, whichever path an evaluation takes. (Limits and loops are permerrors on the paths
   * that reach them: an evaluation that matches earlier can still pass.)
   */
  syntaxError: boolean;
}

interface WalkState {
  dns: DnsClient;
  domain: string;
  lookups: number;
  voids: string[];
  findings: Finding[];
  reported: Set<string>;
  permerror: boolean;
  temperror: boolean;
  truncated: boolean;
  syntaxError: boolean;
}

const parseCache = new Map<string, ReturnType<typeof parseSpf>>();
function parseCached(text: string): ReturnType<typeof parseSpf> {
  let p = parseCache.get(text);
  if (!p) {
    if (parseCache.size > 5000) parseCache.clear();
    p = parseSpf(text);
    parseCache.set(text, p);
  }
  return p;
}

const PERMERROR = "receivers return a permanent error (permerror) for the domain's SPF, which DMARC treats as a fail";

export async function checkSpf(domain: string, dns: DnsClient, opts: { ip?: string; helo?: string; mailFrom?: string } = {}): Promise<SpfOutcome> {
  const out: SpfOutcome = { findings: [], permerror: false, temperror: false, missing: false, lookups: 0, voidLookups: 0, passAll: false, syntaxError: false };
  const done = async (): Promise<SpfOutcome> => {
    if (opts.ip) out.evaluation = await evaluate(domain, dns, opts.ip, opts, out);
    return out;
  };
  const txt = await dns.lookup(domain, "TXT");
  if (txt.status === "failed") {
    out.temperror = true;
    out.findings.push(dnsFailureFinding(txt.failure, domain, "SPF record", "Receivers get a temporary error (temperror) and may defer the mail."));
    return done();
  }
  const values = txt.status === "ok" ? joinedTxt(txt.records) : [];
  const setDiagnostics = checkSpfRecordSet(values, domain);
  out.findings.push(...setDiagnostics.map((d) => fromDiagnostic(d, domain, `TXT at ${domain}`)));
  const spf = selectSpfRecords(values);
  if (spf.length === 0) {
    out.missing = true;
    if (!setDiagnostics.some((d) => d.code === "spf.lookalike-record" && d.severity === "error")) {
      const why = txt.status === "ok" ? "none of its TXT records starts with \"v=spf1\"" : describeAbsence(txt, "TXT");
      out.findings.push(
        finding("spf.missing", "error", `no SPF record at ${domain} (${why}): receivers get SPF "none", and Gmail and Yahoo require SPF from bulk senders. Publish one TXT record such as "v=spf1 mx -all" that lists every server sending as ${domain}.`, domain, "RFC 7208 §4.5"),
      );
    }
    return done();
  }
  if (spf.length > 1) {
    out.permerror = true;
    out.syntaxError = true;
    return done();
  }
  out.record = spf[0];
  const parsed = parseCached(spf[0]);
  out.model = parsed.model;
  out.findings.push(...parsed.diagnostics.map((d) => fromDiagnostic(d, domain, `SPF at ${domain}`)));
  if (parsed.diagnostics.some((d) => d.breaksStandard)) out.permerror = out.syntaxError = true;
  out.passAll = parsed.diagnostics.some((d) => d.code === "spf.pass-all" || d.code === "spf.open-network");

  const st: WalkState = { dns, domain, lookups: 0, voids: [], findings: [], reported: new Set([domain]), permerror: false, temperror: false, truncated: false, syntaxError: false };
  await walk(st, domain, parsed.model, [domain]);
  out.findings.push(...st.findings);
  out.permerror ||= st.permerror;
  out.temperror ||= st.temperror;
  out.syntaxError ||= st.syntaxError;
  out.lookups = st.lookups;
  out.voidLookups = st.voids.length;

  const ownTooMany = parsed.diagnostics.some((d) => d.code === "spf.too-many-lookups");
  if (st.lookups > MAX_DNS_LOOKUPS && !ownTooMany) {
    out.permerror = true;
    const count = st.truncated ? `more than ${FOLLOW_BUDGET}` : String(st.lookups);
    out.findings.push(
      finding("spf.lookup-limit", "error", `evaluating the SPF of ${domain} takes ${count} DNS-querying terms (include, a, mx, ptr, exists, redirect), counting those inside included records; above ${MAX_DNS_LOOKUPS} ${PERMERROR}. Replace a and mx by ip4/ip6 ranges, drop includes of services you no longer use, or flatten nested includes.`, domain, "RFC 7208 §4.6.4"),
    );
  } else if (st.lookups > MAX_DNS_LOOKUPS) {
    out.permerror = true;
  } else if (st.lookups >= MAX_DNS_LOOKUPS - 1) {
    out.findings.push(finding("spf.lookup-limit-near", "warning", `the SPF of ${domain} takes ${st.lookups} of the ${MAX_DNS_LOOKUPS} DNS lookups allowed, nested includes counted: one more include (or a provider adding one to its record) breaks it.`, domain, "RFC 7208 §4.6.4"));
  }
  if (st.voids.length > MAX_VOID_LOOKUPS) {
    out.permerror = true;
    out.findings.push(
      finding("spf.void-lookups", "error", `evaluating the SPF of ${domain} makes ${st.voids.length} lookups that return no data (${st.voids.join("; ")}); above ${MAX_VOID_LOOKUPS} ${PERMERROR}. Remove the terms that name hosts or domains that no longer exist.`, domain, "RFC 7208 §4.6.4"),
    );
  } else if (st.voids.length > 0) {
    out.findings.push(finding("spf.void-lookup", "warning", `the SPF of ${domain} names what does not exist: ${st.voids.join("; ")}. It costs a lookup and authorizes nothing; at more than ${MAX_VOID_LOOKUPS} such lookups receivers return permerror. Remove it.`, domain, "RFC 7208 §4.6.4"));
  }
  out.findings.push(finding("spf.found", "info", `SPF at ${domain}: "${spf[0]}" (${st.lookups}${st.truncated ? "+" : ""} of ${MAX_DNS_LOOKUPS} DNS lookups, ${st.voids.length} void)`, domain));
  return done();
}

/** Follow every DNS-querying term of `record` (published at `name`), depth first, in term order. */
async function walk(st: WalkState, name: string, record: SpfRecord, path: string[]): Promise<void> {
  const terms = dnsLookupTerms(record);
  st.lookups += terms.length;
  if (st.lookups > FOLLOW_BUDGET) {
    st.truncated = true;
    return;
  }
  // Ask every question of this record at once (the answers land in the cache), then walk in order.
  for (const t of terms) {
    const target = targetOf(t, name);
    if (target === undefined) continue;
    if (t.kind === "modifier" || t.name === "include") void st.dns.lookup(target, "TXT");
    else if (t.name === "mx") void st.dns.lookup(target, "MX");
    else if (t.name === "a") {
      void st.dns.lookup(target, "A");
      void st.dns.lookup(target, "AAAA");
    } else if (t.name === "exists") void st.dns.lookup(target, "A");
  }
  for (const t of terms) {
    const text = renderTerm(t);
    if (t.kind === "mechanism" && t.name === "ptr") continue;
    const target = targetOf(t, name);
    if (target === undefined) {
      if (!st.reported.has(`macro ${text}`)) {
        st.reported.add(`macro ${text}`);
        st.findings.push(finding("spf.macro-not-followed", "info", `"${text}" in the SPF at ${name} uses macros, which depend on each message's sender and IP: it is counted as a lookup but not followed.`, name, "RFC 7208 §7"));
      }
      continue;
    }
    const where = `"${text}" in the SPF at ${name}`;
    if (t.kind === "modifier" || t.name === "include") {
      const via = t.kind === "modifier" ? "redirect" : "include";
      if (path.includes(target)) {
        st.permerror = true;
        reportOnce(st, `loop ${[...path, target].join(" ")}`, finding("spf.include-loop", "error", `the SPF records include each other in a loop: ${[...path, target].join(" → ")}. Evaluation never ends, so ${PERMERROR}. Remove the ${via} that points back.`, name, "RFC 7208 §4.6.4; RFC 7208 §5.2"));
        continue;
      }
      const l = await st.dns.lookup(target, "TXT");
      if (l.status === "failed") {
        st.temperror = true;
        reportOnce(st, `dns ${target}`, dnsFailureFinding(l.failure, target, `SPF record of ${target} (${via} from ${name})`, "Receivers get a temporary error (temperror) for the whole SPF evaluation."));
        continue;
      }
      if (l.status !== "ok") st.voids.push(`${where}: ${target} ${l.status === "nxdomain" ? "does not exist" : "has no TXT record"}`);
      const values = l.status === "ok" ? joinedTxt(l.records) : [];
      const selected = selectSpfRecords(values);
      if (selected.length !== 1) {
        st.permerror = true;
        const why = selected.length > 1 ? `has ${selected.length} SPF records` : l.status === "ok" ? "has no SPF record" : l.status === "nxdomain" ? "does not exist (NXDOMAIN)" : "has no TXT record (NODATA)";
        reportOnce(st, `target ${target}`, finding(via === "include" ? "spf.include-missing" : "spf.redirect-missing", "error", `${where}: ${target} ${why}, so ${PERMERROR}. Fix the domain name, or remove the ${via} if the service is no longer used.`, target, via === "include" ? "RFC 7208 §5.2" : "RFC 7208 §6.1"));
        continue;
      }
      const parsed = parseCached(selected[0]);
      if (!st.reported.has(target)) {
        st.reported.add(target);
        const context = `SPF at ${target} (${via} from ${name})`;
        st.findings.push(...reachedDiagnostics(parsed.diagnostics).map((d) => fromDiagnostic(d, target, context)));
      }
      if (parsed.diagnostics.some((d) => d.breaksStandard)) st.permerror = st.syntaxError = true;
      await walk(st, target, parsed.model, [...path, target]);
      if (st.truncated) return;
      continue;
    }
    if (t.name === "a") {
      const [a, aaaa] = await Promise.all([st.dns.lookup(target, "A"), st.dns.lookup(target, "AAAA")]);
      const failed = [a, aaaa].find((x) => x.status === "failed");
      if (failed && failed.status === "failed") {
        st.temperror = true;
        reportOnce(st, `dns a ${target}`, dnsFailureFinding(failed.failure, target, `addresses for ${where}`, "Receivers get a temporary error (temperror) when they reach this term."));
      } else if (isVoid(a) && isVoid(aaaa)) st.voids.push(`${where}: ${target} ${a.status === "nxdomain" ? "does not exist" : "has no A or AAAA record"}`);
      continue;
    }
    if (t.name === "mx") {
      const mx = await st.dns.lookup(target, "MX");
      if (mx.status === "failed") {
        st.temperror = true;
        reportOnce(st, `dns mx ${target}`, dnsFailureFinding(mx.failure, target, `MX hosts for ${where}`, "Receivers get a temporary error (temperror) when they reach this term."));
      } else if (mx.status !== "ok" || mx.records.length === 0) {
        st.voids.push(`${where}: ${target} ${mx.status === "nxdomain" ? "does not exist" : "has no MX record"}`);
      } else if (mx.records.length > MAX_NAMES_PER_LOOKUP) {
        st.permerror = true;
        reportOnce(st, `mx10 ${target}`, finding("spf.mx-too-many-names", "error", `${where}: ${target} has ${mx.records.length} MX records; an "mx" term may look up at most ${MAX_NAMES_PER_LOOKUP} hosts, so ${PERMERROR}. List the senders with ip4/ip6 instead.`, target, "RFC 7208 §4.6.4"));
      }
      continue;
    }
    if (t.name === "exists") {
      const a = await st.dns.lookup(target, "A");
      if (a.status === "failed") {
        st.temperror = true;
        reportOnce(st, `dns exists ${target}`, dnsFailureFinding(a.failure, target, where, "Receivers get a temporary error (temperror) when they reach this term."));
      } else if (isVoid(a)) st.voids.push(`${where}: ${target} ${a.status === "nxdomain" ? "does not exist" : "has no A record"}`);
    }
  }
}

/** The record-level lookup count of a reached record is part of the tree's count: report the tree's, not its own. */
function reachedDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.filter((d) => d.severity !== "info");
}

function reportOnce(st: WalkState, key: string, f: Finding): void {
  if (st.reported.has(key)) return;
  st.reported.add(key);
  st.findings.push(f);
}

function isVoid(l: Lookup<unknown>): boolean {
  return l.status === "nxdomain" || l.status === "nodata" || (l.status === "ok" && Array.isArray(l.records) && l.records.length === 0);
}

/** The name a term makes a receiver query, or undefined when it has macros (or is ptr). */
function targetOf(t: ReturnType<typeof dnsLookupTerms>[number], current: string): string | undefined {
  const spec = t.kind === "modifier" ? t.value : t.domainSpec;
  if (t.kind === "mechanism" && t.name === "ptr") return undefined;
  if (spec === undefined || spec === "") return current;
  if (hasMacro(spec)) return undefined;
  return normalize(spec);
}

type SpfFn = (opts: { sender: string; ip: string; helo?: string; mta?: string; resolver: unknown }) => Promise<{ status: { result: string; comment?: string } }>;

/**
 * The one SPF evaluation (RFC 7208 §4) of the project: mailauth's, for `domain`'s policy and the sending `ip`, with
 * every question asked through `resolver` (the run's DnsClient, or the report advisor's resolver that answers
 * the declared records from the plan and the rest from DNS). Never throws: an exception is a temperror.
 */
export async function evaluateSpf(domain: string, ip: string, resolver: MailauthResolver, opts: { helo?: string; mailFrom?: string } = {}): Promise<{ result: string; comment?: string }> {
  // Loaded on demand: mailauth pulls in a lot, and only --ip needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spf } = require("mailauth/lib/spf") as { spf: SpfFn };
  const sender = opts.mailFrom && opts.mailFrom.toLowerCase().endsWith(`@${domain}`) ? opts.mailFrom : `postmaster@${domain}`;
  try {
    const r = await spf({ sender, ip, helo: opts.helo ?? domain, mta: "maildomain", resolver });
    return { result: r.status.result, comment: r.status.comment || undefined };
  } catch (e) {
    return { result: "temperror", comment: (e as Error).message };
  }
}

/** mailauth's SPF evaluation for the sending IP, through the run's resolver, as findings. */
async function evaluate(domain: string, dns: DnsClient, ip: string, opts: { helo?: string; mailFrom?: string }, out: SpfOutcome): Promise<SpfOutcome["evaluation"]> {
  const { result, comment } = await evaluateSpf(domain, ip, dns.resolverFunction(), opts);
  const shown = comment ? ` (${comment.replace(/^maildomain: /, "")})` : "";
  if (result === "pass" && out.syntaxError) {
    out.findings.push(finding("spf.evaluation-error", "error", `mailauth passes ${ip} for ${domain}${shown}, but the SPF record${out.lookups ? "s it reaches have" : " has"} syntax errors (above), which RFC 7208 §4.6 makes a permanent error for every sender: receivers that follow the RFC return permerror, which DMARC treats as a fail. Fix the errors.`, domain, "RFC 7208 §4.6"));
    return { ip, result: "permerror", comment: `mailauth: pass; RFC 7208 §4.6: permerror (syntax errors)` };
  }
  // Already reported by the static check: no second finding for the same cause.
  const explained = (result === "none" && out.missing) || (result === "temperror" && out.temperror) || (result === "permerror" && out.permerror);
  if (explained) {
    out.findings.push(finding("spf.ip-result", "info", `evaluating the SPF of ${domain} for ${ip} gives ${result}${shown}.`, domain, "RFC 7208 §2.6"));
    return { ip, result, comment };
  }
  if (result === "pass") {
    out.findings.push(finding("spf.ip-authorized", "info", `SPF of ${domain} authorizes ${ip}: result pass.`, domain, "RFC 7208 §2.6.3"));
  } else if (result === "permerror" || result === "temperror") {
    out.findings.push(finding("spf.evaluation-error", "error", `evaluating the SPF of ${domain} for ${ip} gives ${result}${shown}: DMARC treats it as a fail, so only DKIM can authenticate this mail.`, domain, "RFC 7208 §2.6.6; RFC 7208 §2.6.7"));
  } else {
    const meaning: Record<string, string> = {
      fail: "the domain says this IP is not allowed to send its mail",
      softfail: "the domain says this IP is probably not allowed (~all)",
      neutral: "the domain makes no assertion about this IP",
      none: "the domain has no SPF record",
    };
    out.findings.push(
      finding("spf.ip-not-authorized", "error", `SPF of ${domain} does not authorize ${ip}: result ${result} (${meaning[result] ?? result}). Add this sender to the record (ip4:/ip6:, or the include: your mail provider documents), or send through a server that is listed.`, domain, "RFC 7208 §2.6"),
    );
  }
  return { ip, result, comment };
}

export type { RecordData };
