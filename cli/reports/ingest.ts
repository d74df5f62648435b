/**
 * Reading units (files, messages) into the store, counting as the document defines: the part of the command that
 * is the same for files and IMAP. Each unit is extracted, each of its reports written; the store's batch is
 * committed every couple of hundred reports, and always before a message is archived, so a message never leaves
 * the mailbox before its reports are durable.
 *
 * Up to `WINDOW` writes are in flight at once: the next reports are read and parsed while the store writes the
 * last ones (SQLite in its writer thread, PostgreSQL on its server); a write's outcome (stored or duplicate) is
 * counted when it arrives, and a failed write stops the run at the next report or commit. When the store's
 * thread has nothing to do, it takes a whole file to read and write itself (`offerUnit`): both cores parse.
 */
import { finding, hasError, ReportFinding } from "../../reports/findings";
import type { ReportKind } from "../../reports/model";
import type { RunCounts } from "../../reports/summary";
import { UsageError } from "../io";
import { reportDigest } from "./report-digest";
import { extract } from "./sources/extract";
import type { Limits } from "./sources/limits";
import type { InputUnit } from "./sources/unit";
import type { InsertResult, ReportStore, UnitOutcome } from "./store/store";

/** Commit the store's open batch after this many reports, or this long after its first. */
const BATCH_REPORTS = 200;
const BATCH_MS = 250;
/** Writes in flight at most; each holds one report's model (or one input's bytes) until the store has written it. */
const WINDOW = 64;

/** Reads units into the store and counts; the part of the command that is the same for files and IMAP. */
export class Ingest {
  readonly counts: RunCounts = { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 };
  units = 0;
  /** Identities read in this run, to count distinct reports. */
  private readonly seen = new Set<string>();
  /**
   * Findings by the number of the unit they belong to (units in progress and units with findings): a unit the
   * store reads on its own thread reports its findings after later units read here, and the list stays in
   * reading order all the same.
   */
  private readonly unitFindings = new Map<number, ReportFinding[]>();
  private pending = 0;
  private pendingSince = 0;
  /** Writes (and batch commits) sent to the store and not yet answered; none of them rejects. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The first write or commit that failed, as the error the command stops with. */
  private failure?: UsageError;

  constructor(
    private readonly store: ReportStore,
    private readonly limits: Limits,
    private readonly now: () => number,
  ) {}

  /** Every finding so far, in the order the units were read. */
  get findings(): ReportFinding[] {
    return [...this.unitFindings.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, f]) => f);
  }

  async read(unit: InputUnit): Promise<void> {
    const n = ++this.units;
    const findings: ReportFinding[] = [...(unit.findings ?? [])];
    this.unitFindings.set(n, findings);
    let rejected = unit.rejected ?? 0;
    this.counts.rejected += rejected;
    // A message to archive is read here: its reports must be committed before it moves, one message at a time.
    const offered = unit.bytes && !unit.archive ? this.store.offerUnit?.(unit.bytes, unit.source, this.limits) : undefined;
    if (offered) {
      this.trackWrite(offered, unit.source, (outcome) => this.counted(n, outcome));
      await this.afterWrite();
      return this.endOfUnit();
    }
    let reports = 0;
    if (unit.bytes) {
      const x = await extract(unit.bytes, unit.source, this.limits);
      findings.push(...x.findings);
      rejected += x.rejected;
      this.counts.rejected += x.rejected;
      for (const { report, source } of x.reports) {
        const kind = report.kind;
        const digest = reportDigest(report);
        this.trackWrite(this.store.insert(report, source), source, (result) => this.count(kind, digest, result));
        reports++;
        await this.afterWrite();
      }
    }
    if (unit.archive && reports > 0 && rejected === 0 && !hasError(findings)) {
      // Never move a message before its reports are durable.
      await this.commit();
      try {
        await unit.archive();
      } catch (e) {
        findings.push(finding("imap.archive-failed", "warning", unit.source, `the reports were stored, but the message could not be moved to the archive folder (${(e as Error).message}); it stays in the mailbox, and the next run finds its reports already stored.`));
      }
    }
    if (findings.length === 0) this.unitFindings.delete(n);
    this.endOfUnit();
  }

  /** Wait for every write in flight and commit: everything read so far is durable once this returns. */
  async commit(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    try {
      await this.store.commit();
    } catch (e) {
      throw this.commitFailure(e as Error);
    }
    this.pending = 0;
  }

  line(): string {
    const c = this.counts;
    return `reading: ${this.units.toLocaleString("en-US")} inputs, ${(c.aggregate + c.failure + c.tlsrpt).toLocaleString("en-US")} reports (${c.duplicates.toLocaleString("en-US")} already stored, ${c.rejected} rejected)…`;
  }

  /** A report written: distinct in this run or not, new in the store or not. */
  private count(kind: ReportKind, digest: string, result: InsertResult): void {
    if (!this.seen.has(digest)) {
      this.seen.add(digest);
      this.counts[kind]++;
    }
    if (result === "duplicate") this.counts.duplicates++;
  }

  /** A unit the store read on its own thread, counted as if read here. */
  private counted(n: number, outcome: UnitOutcome): void {
    const findings = this.unitFindings.get(n)!;
    findings.push(...outcome.findings);
    if (findings.length === 0) this.unitFindings.delete(n);
    this.counts.rejected += outcome.rejected;
    for (const r of outcome.reports) this.count(r.kind, r.digest, r.result);
  }

  /** After sending a write (one report, or one input the store reads): batch bookkeeping, a full window waits, a failure stops the run. */
  private async afterWrite(): Promise<void> {
    if (this.pending++ === 0) this.pendingSince = this.now();
    if (this.inFlight.size >= WINDOW) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private endOfUnit(): void {
    if (this.pending >= BATCH_REPORTS || (this.pending > 0 && this.now() - this.pendingSince >= BATCH_MS)) {
      // Not awaited: the store commits after the writes sent before, while the next reports are read.
      this.track(this.store.commit().catch((e: Error) => void (this.failure ??= this.commitFailure(e))));
      this.pending = 0;
    }
  }

  /** A write in flight: its outcome counted when it arrives, a failure kept as the error the run stops with. */
  private trackWrite<T>(write: Promise<T>, source: string, done: (outcome: T) => void): void {
    this.track(write.then(done, (e: Error) => void (this.failure ??= this.writeFailure(source, e))));
  }

  private writeFailure(source: string, e: Error): UsageError {
    return new UsageError(`the store ${this.store.location} failed while writing a report from ${source} (${e.message}). The reports committed before it are kept; run the command again to continue.`);
  }

  private commitFailure(e: Error): UsageError {
    return new UsageError(`the store ${this.store.location} failed to commit (${e.message}). The reports committed before are kept; run the command again to continue.`);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.then(() => this.inFlight.delete(p));
  }
}
