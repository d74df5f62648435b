/**
 * Reading units (files, messages) into the store, counting as the document defines: the part of the command that
 * is the same for files and IMAP. Each unit is extracted, each of its reports written; the store's batch is
 * committed every couple of hundred reports, and always before a message is archived, so a message never leaves
 * the mailbox before its reports are durable.
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

/** Reads units into the store and counts; the part of the command that is the same for files and IMAP. */
export class Ingest {
  readonly counts: RunCounts = { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 };
  readonly findings: ReportFinding[] = [];
  units = 0;
  /** Identities read in this run, to count distinct reports. */
  private readonly seen = new Set<string>();
  private pending = 0;
  private pendingSince = 0;

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
        if (this.pending++ === 0) this.pendingSince = this.now();
        // A digest, not the key itself: the key's parts are slices of the report's text, and V8 would keep every
        // whole report alive through them (measured: 18 KB per report, memory growing with the run).
        const key = createHash("sha1").update(keyString(reportKey(report))).digest("base64");
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.counts[report.kind]++;
        }
        if (result === "duplicate") this.counts.duplicates++;
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
    if (this.pending >= BATCH_REPORTS || (this.pending > 0 && this.now() - this.pendingSince >= BATCH_MS)) await this.commit();
  }

  async commit(): Promise<void> {
    try {
      await this.store.commit();
    } catch (e) {
      throw new UsageError(`the store ${this.store.location} failed to commit (${(e as Error).message}). The reports committed before are kept; run the command again to continue.`);
    }
    this.pending = 0;
  }

  line(): string {
    const c = this.counts;
    return `reading: ${this.units.toLocaleString("en-US")} inputs, ${(c.aggregate + c.failure + c.tlsrpt).toLocaleString("en-US")} reports (${c.duplicates.toLocaleString("en-US")} already stored, ${c.rejected} rejected)…`;
  }
}
