/**
 * `maildomain reports [SOURCE...]`: read DMARC aggregate, DMARC failure and SMTP TLS reports from files, folders,
 * mbox files, Maildirs and an IMAP mailbox into the store, then print what the store holds (within --domain,
 * --since, --until). Without a source it only prints.
 *
 * One unit (a file or a message) at a time, each report committed on its own, so memory stays flat and an
 * interrupted run loses nothing: run it again and what was committed is found as duplicates.
 *
 * Exit codes: 0 read; 1 a finding is an error (a report could not be read, a bomb was refused); 2 a usage error
 * (bad option, missing source, unreachable IMAP server, a store that cannot be opened or written).
 */
import * as fs from "node:fs";
import { normalizeFilterDomain, parseDateBound, ReportFilter } from "../../reports/filter";
import { finding, hasError, ReportFinding } from "../../reports/findings";
import { keyString, reportKey } from "../../reports/model";
import { buildSummary, ReportsDocument, RunCounts } from "../../reports/summary";
import { EXIT, Io, UsageError } from "../io";
import { ProgressLine } from "../progress";
import { renderHuman } from "./output";
import { extract } from "./sources/extract";
import { fileUnits } from "./sources/files";
import { openImap, parseImapUrl, type ImapSession } from "./sources/imap";
import { DEFAULT_LIMITS, Limits, parseSize } from "./sources/limits";
import type { InputUnit } from "./sources/unit";
import { DEFAULT_DB, isPostgresUrl, openStore, type ReportStore } from "./store/store";

export interface ReportsOptions {
  sources: string[];
  db?: string;
  imap?: string;
  ca?: string;
  imapArchive?: string;
  json: boolean;
  domain: string[];
  since?: string;
  until?: string;
  maxSize?: string;
}

export interface ReportsDeps {
  now?: () => number;
  /** The IMAP password (tests); default: MAILDOMAIN_IMAP_PASSWORD. */
  imapPassword?: string;
}

interface Prepared {
  filter: ReportFilter;
  limits: Limits;
  db: string;
}

function prepare(opts: ReportsOptions, now: number): Prepared {
  const filter: ReportFilter = { domains: [] };
  for (const d of opts.domain) {
    const n = normalizeFilterDomain(d);
    if (!n) throw new UsageError(`--domain ${JSON.stringify(d)} is not a domain name.`);
    filter.domains.push(n);
  }
  for (const [option, text] of [["--since", opts.since], ["--until", opts.until]] as const) {
    if (text === undefined) continue;
    const r = parseDateBound(text, option, now);
    if ("error" in r) throw new UsageError(r.error);
    if (option === "--since") filter.since = r.seconds;
    else filter.until = r.seconds;
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) throw new UsageError(`--since ${opts.since} is not before --until ${opts.until}: nothing can match.`);
  const limits: Limits = { ...DEFAULT_LIMITS };
  if (opts.maxSize !== undefined) {
    const n = parseSize(opts.maxSize);
    if (n === undefined) throw new UsageError(`--max-size ${JSON.stringify(opts.maxSize)} is not a size: write 64M, 512k, 1G or a number of bytes.`);
    limits.maxBytes = n;
  }
  if (opts.imapArchive !== undefined && opts.imap === undefined) throw new UsageError("--imap-archive needs --imap: it names the IMAP folder read messages are moved to.");
  if (opts.ca !== undefined && opts.imap === undefined) throw new UsageError("--ca needs --imap: it is the CA of the IMAP server's certificate.");
  const missing = opts.sources.filter((s) => !fs.existsSync(s));
  if (missing.length > 0) throw new UsageError(`${missing.length === 1 ? "this source does" : "these sources do"} not exist: ${missing.join(", ")}. Nothing was read.`);
  return { filter, limits, db: opts.db ?? DEFAULT_DB };
}

/** Reads units into the store and counts; the part of the command that is the same for files and IMAP. */
class Ingest {
  readonly counts: RunCounts = { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 };
  readonly findings: ReportFinding[] = [];
  units = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly store: ReportStore,
    private readonly limits: Limits,
  ) {}

  async read(unit: InputUnit): Promise<void> {
    this.units++;
    const findings: ReportFinding[] = [...(unit.findings ?? [])];
    let rejected = unit.rejected ?? 0;
    let reports = 0;
    if (unit.bytes) {
      const x = await extract(unit.bytes, unit.source, this.limits);
      findings.push(...x.findings);
      rejected += x.rejected;
      for (const { report, source } of x.reports) {
        let result;
        try {
          result = await this.store.insert(report, source);
        } catch (e) {
          this.findings.push(...findings);
          throw new UsageError(
            `the store ${this.store.location} failed while writing a report from ${source} (${(e as Error).message}). The reports committed before it are kept; run the command again to continue.`,
          );
        }
        reports++;
        const key = keyString(reportKey(report));
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.counts[report.kind]++;
        }
        if (result === "duplicate") this.counts.duplicates++;
      }
    }
    this.counts.rejected += rejected;
    if (unit.archive && reports > 0 && rejected === 0 && !hasError(findings)) {
      try {
        await unit.archive();
      } catch (e) {
        findings.push(finding("imap.archive-failed", "warning", unit.source, `the reports were stored, but the message could not be moved to the archive folder (${(e as Error).message}); it stays in the mailbox, and the next run finds its reports already stored.`));
      }
    }
    this.findings.push(...findings);
  }

  line(): string {
    const c = this.counts;
    return `reading: ${this.units.toLocaleString("en-US")} inputs, ${(c.aggregate + c.failure + c.tlsrpt).toLocaleString("en-US")} reports (${c.duplicates.toLocaleString("en-US")} already stored, ${c.rejected} rejected)…`;
  }
}

export async function runReports(opts: ReportsOptions, io: Io, deps: ReportsDeps = {}): Promise<number> {
  const now = deps.now ?? Date.now;
  const input = prepare(opts, Math.floor(now() / 1000));
  const imapTarget = opts.imap !== undefined ? parseImapUrl(opts.imap) : undefined;
  // The mailbox first: an unreachable server or a wrong folder stops the run before a store is created.
  const imap: ImapSession | undefined = imapTarget ? await openImap(imapTarget, { caFile: opts.ca, archive: opts.imapArchive, limits: input.limits, password: deps.imapPassword }) : undefined;
  let store: ReportStore;
  try {
    store = await openStore(input.db, { durable: opts.imapArchive !== undefined });
  } catch (e) {
    await imap?.close();
    throw e;
  }
  try {
    const ingest = new Ingest(store, input.limits);
    const progress = new ProgressLine(io, now);
    try {
      const storeFiles = isPostgresUrl(input.db) ? [] : ["", "-wal", "-shm", "-journal"].map((x) => `${input.db}${x}`);
      for await (const unit of fileUnits(opts.sources, input.limits, storeFiles)) {
        await ingest.read(unit);
        progress.update(() => ingest.line());
      }
      if (imap) {
        for await (const unit of imap.units) {
          await ingest.read(unit);
          progress.update(() => `${ingest.line()} ${imapTarget!.display}`);
        }
      }
    } finally {
      progress.done();
    }
    const doc: ReportsDocument = {
      reports: ingest.counts,
      stored: await store.stored(input.filter),
      findings: ingest.findings,
      ...buildSummary(await store.summary(input.filter)),
    };
    if (opts.json) io.stdout(JSON.stringify(doc, null, 2) + "\n");
    else io.stdout(renderHuman(doc, { store: store.location, read: opts.sources.length > 0 || imap !== undefined, filter: input.filter, columns: io.stdoutIsTTY ? io.columns : undefined }));
    return hasError(doc.findings) ? EXIT.failed : EXIT.ok;
  } finally {
    await imap?.close();
    await store.close();
  }
}
