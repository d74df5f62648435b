/**
 * Reading units (files, messages) into the store, counting as the document defines: the part of the command that
 * is the same for files and IMAP. Each unit is extracted, each of its reports written; the store's batch is
 * committed every couple of hundred reports, and always before a message is archived, so a message never leaves
 * the mailbox before its reports are durable.
 *
 * Up to `WINDOW` writes are in flight at once: the next reports are read and parsed while the store writes the
 * last ones (SQLite in its writer thread, PostgreSQL on its server); a write's outcome (stored or duplicate) is
 * counted when it arrives, and a failed write stops the run at the next report or commit.
 */
import { createHash } from "node:crypto";
import { finding, hasError, ReportFinding } from "../../reports/findings";
import { keyString, reportKey } from "../../reports/model";
import type { RunCounts } from "../../reports/summary";
import { UsageError } from "../io";
import { extract } from "./sources/extract";
import type { Limits } from "./sources/limits";
import type { InputUnit } from "./sources/unit";
import type { ReportStore } from "./store/store";

/** Commit the store's open batch after this many reports, or this long after its first. */
const BATCH_REPORTS = 200;
const BATCH_MS = 250;
/** Writes in flight at most; each holds one report's model until the store has written it. */
const WINDOW = 64;

/** Reads units into the store and counts; the part of the command that is the same for files and IMAP. */
export class Ingest {
  readonly counts: RunCounts = { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 };
  readonly findings: ReportFinding[] = [];
  units = 0;
  /** Identities read in this run, to count distinct reports. */
  private readonly seen = new Set<string>();
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
        this.track(
          this.store.insert(report, source).then(
            (result) => {
              if (result === "duplicate") this.counts.duplicates++;
            },
            (e: Error) => {
              this.failure ??= new UsageError(
                `the store ${this.store.location} failed while writing a report from ${source} (${e.message}). The reports committed before it are kept; run the command again to continue.`,
              );
            },
          ),
        );
        reports++;
        if (this.pending++ === 0) this.pendingSince = this.now();
        // A digest, not the key itself: the key's parts are slices of the report's text, and V8 would keep every
        // whole report alive through them (measured: 18 KB per report, memory growing with the run).
        const key = createHash("sha1").update(keyString(reportKey(report))).digest("base64");
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.counts[report.kind]++;
        }
        if (this.inFlight.size >= WINDOW) await Promise.race(this.inFlight);
        if (this.failure) {
          this.findings.push(...findings);
          throw this.failure;
        }
      }
    }
    this.counts.rejected += rejected;
    if (unit.archive && reports > 0 && rejected === 0 && !hasError(findings)) {
      // Never move a message before its reports are durable.
      await this.commit();
      try {
        await unit.archive();
      } catch (e) {
        findings.push(finding("imap.archive-failed", "warning", unit.source, `the reports were stored, but the message could not be moved to the archive folder (${(e as Error).message}); it stays in the mailbox, and the next run finds its reports already stored.`));
      }
    }
    this.findings.push(...findings);
    if (this.pending >= BATCH_REPORTS || (this.pending > 0 && this.now() - this.pendingSince >= BATCH_MS)) {
      // Not awaited: the store commits after the writes sent before, while the next reports are read.
      this.track(this.store.commit().catch((e: Error) => void (this.failure ??= this.commitFailure(e))));
      this.pending = 0;
    }
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

  private commitFailure(e: Error): UsageError {
    return new UsageError(`the store ${this.store.location} failed to commit (${e.message}). The reports committed before are kept; run the command again to continue.`);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.then(() => this.inFlight.delete(p));
  }

  line(): string {
    const c = this.counts;
    return `reading: ${this.units.toLocaleString("en-US")} inputs, ${(c.aggregate + c.failure + c.tlsrpt).toLocaleString("en-US")} reports (${c.duplicates.toLocaleString("en-US")} already stored, ${c.rejected} rejected)…`;
  }
}
