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
import { hasError } from "../../reports/findings";
import { buildSummary, ReportsDocument } from "../../reports/summary";
import type { AdvisedDocument } from "../../reports/advisor/document";
import { renderHtmlReport } from "../../reports/html/report";
import { EXIT, Io, UsageError } from "../io";
import { ProgressLine } from "../progress";
import { renderHuman } from "./output";
import { renderAdvice } from "./advise/output";
import { addAdvice, prepareAdvisor, type AdviceOptions } from "./advise/run";
import type { Ingest } from "./ingest";
import { fileUnits } from "./sources/files";
import type { ImapSession } from "./sources/imap";
import { DEFAULT_LIMITS, Limits, parseSize } from "./sources/limits";
import { DEFAULT_DB, isPostgresUrl, openStore, type ReportStore } from "./store/store";
import { jsonText, terminalText } from "../../components/printable";

export interface ReportsOptions extends AdviceOptions {
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

export async function runReports(opts: ReportsOptions, io: Io, deps: ReportsDeps = {}): Promise<number> {
  const now = deps.now ?? Date.now;
  const input = prepare(opts, Math.floor(now() / 1000));
  // The declaration (a plan file or a program) before any mailbox or store: a bad one creates nothing.
  const advisor = await prepareAdvisor(opts);
  // The reading side (MIME, zip, IMAP libraries) is loaded only when there is something to read: a run that
  // only prints the stored reports' summary and advice starts a quarter of a second sooner (npm run bench:reports).
  const imapModule = opts.imap !== undefined ? await import("./sources/imap") : undefined;
  const imapTarget = imapModule ? imapModule.parseImapUrl(opts.imap!) : undefined;
  // The mailbox first: an unreachable server or a wrong folder stops the run before a store is created.
  const imap: ImapSession | undefined = imapModule && imapTarget ? await imapModule.openImap(imapTarget, { caFile: opts.ca, archive: opts.imapArchive, limits: input.limits, password: deps.imapPassword }) : undefined;
  const reading = opts.sources.length > 0 || imap !== undefined;
  let store: ReportStore;
  try {
    store = await openStore(input.db, { durable: opts.imapArchive !== undefined });
  } catch (e) {
    await imap?.close();
    throw e;
  }
  try {
    const ingest: Ingest | undefined = reading ? new (await import("./ingest")).Ingest(store, input.limits, now) : undefined;
    const progress = new ProgressLine(io, now);
    try {
      const storeFiles = isPostgresUrl(input.db) ? [] : ["", "-wal", "-shm", "-journal"].map((x) => `${input.db}${x}`);
      if (ingest) {
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
        await ingest.commit();
      }
    } finally {
      progress.done();
    }
    const groups = await store.summary(input.filter);
    const summary: ReportsDocument = {
      reports: ingest?.counts ?? { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 },
      stored: await store.stored(input.filter),
      findings: ingest?.findings ?? [],
      ...buildSummary(groups),
    };
    const advising = new ProgressLine(io, now);
    const doc = advisor ? await addAdvice(summary, groups, store.query, input.filter, advisor, undefined, (text) => advising.update(text)).finally(() => advising.done()) : summary;
    if (advisor?.html) writeHtml(advisor.html, doc as AdvisedDocument, store.location, now());
    if (opts.json) io.stdout(jsonText(JSON.stringify(doc, null, 2)) + "\n");
    // The table quotes what receivers wrote (organization names, host names, result types): escaped once, here.
    else io.stdout(terminalText((advisor ? renderAdvice(doc as AdvisedDocument) : "") + renderHuman(doc, { store: store.location, read: opts.sources.length > 0 || imap !== undefined, filter: input.filter, columns: io.stdoutIsTTY ? io.columns : undefined })));
    return hasError(doc.findings) ? EXIT.failed : EXIT.ok;
  } finally {
    await imap?.close();
    await store.close();
  }
}

/** The one-file HTML report; a file that cannot be written is a usage error (the reports are stored). */
function writeHtml(file: string, doc: AdvisedDocument, store: string, now: number): void {
  try {
    fs.writeFileSync(file, renderHtmlReport(doc, { store, generated: new Date(now) }));
  } catch (e) {
    throw new UsageError(`--html ${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the reports read are stored.`);
  }
}
