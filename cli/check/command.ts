/**
 * `maildomain check DOMAIN... [options]`: what live DNS serves for each mail domain, checked with the record core's
 * rules, with a verdict of what Gmail will do; `--expect PLAN.json` compares with a plan; `--message FILE.eml`
 * authenticates a real message.
 *
 * Exit codes: 0 no error finding; 1 an error finding; 2 a usage error, or DNS could not be asked at all (no
 * question got any answer).
 */
import * as fs from "node:fs";
import { isIP } from "node:net";
import { normalizeName } from "../../components/records/names";
import { EXIT, Io, UsageError } from "../io";
import { pool } from "../pool";
import { DnsBackend, DnsClient, serverOption } from "./dns/resolver";
import { DomainResult, checkDomain } from "./domain";
import { ExpectedRecordSet, planDomains, readPlanResources, recordSetsOf, recordsByDomain } from "./expect";
import { finding } from "./findings";
import { CHECK_OPTION_RANGES, NumericCheckOption, checkNumericOption } from "./limits";
import { checkMessage, MessageReport } from "./message";
import { CheckDocument, Progress, renderHuman, renderJson } from "./output";
import { MtaStsCheckOptions } from "./mta-sts";
import { readCaFile, trustStore } from "./mta-sts/tls-peer";
import { SelectorOptions, checkSelectorDomains, readSelectorOptions, selectorsFor } from "./selectors";
import { jsonText, terminalText } from "../../components/printable";

export interface CheckOptions {
  domains: string[];
  server?: string;
  selector: string[];
  ip?: string;
  json: boolean;
  timeout: number;
  retries: number;
  concurrency: number;
  expect?: string;
  message?: string;
  helo?: string;
  mailFrom?: string;
  /** PEM file of extra trusted CA certificates (--ca). */
  ca?: string;
  httpsPort?: number;
  smtpPort?: number;
  /** --smtp (true), --no-smtp (false), neither: probe when the domain publishes MTA-STS. */
  smtp?: boolean;
  /** Assert that every domain checked is parked (M3AAWG): each missing part of the pattern is an error. */
  parked?: boolean;
  /** The report store `maildomain reports` fills (--db): each domain's advisor verdict is noted. */
  db?: string;
}

export interface CheckDeps {
  /** Replace the node:dns backend (tests). */
  backend?: DnsBackend;
  /** Receives the run's DNS client (tests and the benchmark read its statistics and questions). */
  onClient?: (dns: DnsClient) => void;
  now?: () => number;
}

export async function runCheck(opts: CheckOptions, io: Io, deps: CheckDeps = {}): Promise<number> {
  const now = deps.now ?? Date.now;
  const started = now();
  const input = await prepare(opts);

  const dns = new DnsClient({ server: input.server, timeout: opts.timeout, retries: opts.retries, concurrency: opts.concurrency, backend: deps.backend });
  deps.onClient?.(dns);
  try {
    const results: DomainResult[] = [];
    let message: MessageReport | undefined;
    if (input.message) {
      try {
        message = await checkMessage(input.message, { ip: opts.ip!, helo: opts.helo, mailFrom: opts.mailFrom }, dns);
        results.push(message.result);
      } catch (e) {
        results.push({ domain: "(message)", ok: false, findings: [finding("message.unreadable", "error", `${opts.message} could not be authenticated: ${(e as Error).message}. Give the raw message as received (headers and body, e.g. "Show original" in Gmail, saved as .eml).`)] });
      }
    }
    const progress = new Progress(io, input.domains.length, now);
    const byDomain = input.expected ? recordsByDomain(input.expected, input.domains) : undefined;
    // Each domain puts ~25 questions in the queue at once, so a quarter of the question slots in domains keeps the
    // wire busy; more domains in flight only cost memory (measured with npm run bench:check).
    const checked = await pool(input.domains, Math.max(2, Math.ceil(opts.concurrency / 4)), async (domain): Promise<DomainResult> => {
      try {
        return await checkDomain(domain, dns, { selectors: selectorsFor(input.selectors, domain), ip: opts.ip, helo: opts.helo, mailFrom: opts.mailFrom, expected: byDomain?.get(domain), mtaSts: input.mtaSts, parked: opts.parked });
      } catch (e) {
        // A bug must not cost the other domains their results, nor show a stack trace.
        return { domain, ok: false, findings: [finding("check.internal-error", "error", `the check of ${domain} failed unexpectedly (${(e as Error).message}); the other domains are unaffected. Please report this with the command line.`)] };
      }
    }, (done) => progress.update(done, dns.stats.queries));
    progress.done();
    results.push(...checked);
    if (opts.db !== undefined) {
      // Loaded only with --db: the store's drivers and the advisor are not the check's.
      const { reportsNotes } = await import("./reports-note");
      const notes = await reportsNotes(opts.db, input.domains, dns, input.planResources && { resources: input.planResources, file: opts.expect! });
      for (const r of checked) {
        const note = notes.get(r.domain);
        if (note) r.reports = note;
      }
    }

    const doc: CheckDocument = {
      results,
      ...(message ? { message: { authenticationResults: message.authenticationResults, from: message.from, envelopeFrom: message.envelopeFrom, spf: message.spf, dkim: message.dkim, dmarc: message.dmarc } } : {}),
      dns: { server: input.server ?? "system resolver", queries: dns.stats.queries, answered: dns.stats.answered, failed: dns.stats.failed, cacheHits: dns.stats.cacheHits, ms: now() - started },
    };
    // The text quotes what DNS served (TXT records, host names): escaped once, here.
    io.stdout(opts.json ? jsonText(renderJson(doc)) : terminalText(renderHuman(doc, io)));
    if (dns.unreachable) {
      io.stderr(`maildomain: DNS could not be asked: none of ${dns.stats.queries} questions to ${dns.serverLabel} got an answer (timeouts, refusals, server failures or truncated answers; see the dns.… findings).\n`);
      return EXIT.usage;
    }
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
  } finally {
    dns.close();
  }
}

interface Prepared {
  domains: string[];
  selectors: SelectorOptions;
  server?: string;
  expected?: ExpectedRecordSet[];
  /** The `resources` of the --expect plan, read once for the check and for --db's advisor. */
  planResources?: unknown[];
  message?: Buffer;
  mtaSts: MtaStsCheckOptions;
}

/** Check the options and read the files; every problem is a UsageError (exit 2). */
async function prepare(opts: CheckOptions): Promise<Prepared> {
  const problems: string[] = [];
  const domains: string[] = [];
  for (const raw of opts.domains ?? []) {
    const given = raw.includes("@") ? raw.slice(raw.lastIndexOf("@") + 1) : raw;
    const n = normalizeName(given, "domain");
    const bad = n.diagnostics.filter((d) => d.severity === "error");
    if (bad.length > 0 || !n.name.includes(".")) problems.push(`"${raw}" is not a domain name${bad.length ? `: ${bad[0].message}` : " (give a full name such as example.com)"}`);
    else if (!domains.includes(n.name)) domains.push(n.name);
  }
  const selectors = readSelectorOptions(opts.selector ?? [], problems);
  if (opts.ip !== undefined && !isIP(opts.ip)) problems.push(`--ip ${opts.ip} is not an IPv4 or IPv6 address`);
  if (opts.message !== undefined && opts.ip === undefined) problems.push("--message needs --ip: the address of the server that sent the message to the receiver (SPF is checked for it)");
  if ((opts.helo !== undefined || opts.mailFrom !== undefined) && opts.ip === undefined) problems.push("--helo and --mail-from describe the sending server: give them with --ip (and --message)");
  if (opts.mailFrom !== undefined && opts.mailFrom !== "" && !/^[^@\s]+@[^@\s]+$/.test(opts.mailFrom)) problems.push(`--mail-from ${opts.mailFrom} is not an address (local@domain)`);
  for (const name of Object.keys(CHECK_OPTION_RANGES) as NumericCheckOption[]) {
    const problem = checkNumericOption(CHECK_OPTION_RANGES[name], opts[name]);
    if (problem) problems.push(problem);
  }

  let expected: ExpectedRecordSet[] | undefined;
  let planResources: unknown[] | undefined;
  if (opts.expect !== undefined) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(opts.expect, "utf8");
    } catch (e) {
      problems.push(`--expect ${opts.expect}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (text !== undefined) {
      try {
        planResources = readPlanResources(text, opts.expect);
        expected = recordSetsOf(planResources);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (expected && domains.length === 0 && (opts.domains ?? []).length === 0) {
      domains.push(...planDomains(expected));
      if (domains.length === 0) problems.push(`--expect ${opts.expect} declares no mail domain (no MX, SPF or _dmarc record): give the domains to check`);
    }
  }
  let extraCa: string[] = [];
  if (opts.ca !== undefined) {
    try {
      extraCa = readCaFile(opts.ca);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(code ? `--ca ${opts.ca}: cannot read it (${code})` : (e as Error).message);
    }
  }
  for (const [flag, v] of [["--https-port", opts.httpsPort], ["--smtp-port", opts.smtpPort]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) problems.push(`${flag} must be a port number from 1 to 65535`);
  }
  const mtaSts: MtaStsCheckOptions = {
    timeout: opts.timeout,
    httpsPort: opts.httpsPort ?? 443,
    smtpPort: opts.smtpPort ?? 25,
    ca: trustStore(extraCa),
    smtp: opts.smtp === true ? "on" : opts.smtp === false ? "off" : "auto",
  };
  let message: Buffer | undefined;
  if (opts.message !== undefined) {
    try {
      message = fs.readFileSync(opts.message);
    } catch (e) {
      problems.push(`--message ${opts.message}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  checkSelectorDomains(selectors, domains, problems);
  if (opts.db !== undefined) {
    const { checkStoreExists } = await import("./reports-note");
    const missing = checkStoreExists(opts.db);
    if (missing) problems.push(missing);
  }
  if (domains.length === 0 && opts.message === undefined && opts.expect === undefined && problems.length === 0) {
    problems.push("give at least one domain to check (or --message FILE.eml, or --expect PLAN.json)");
  }
  if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0] : `\n  ${problems.join("\n  ")}`);

  const server = await serverOption(opts.server);
  return { domains, selectors, server, expected, planResources, message, mtaSts };
}
