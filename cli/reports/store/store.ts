/**
 * The report store: one interface, two databases. SQLite (a file, the default) for one machine; PostgreSQL
 * (`--db postgres://…`) for teams whose ingestion runs on several machines into one database.
 *
 * Guarantees, on both:
 * - each report is committed in one transaction with all its rows, or not at all (SQLite groups several reports
 *   into one transaction until `commit()`, which comes only between reports, and a failed write rolls the
 *   whole open batch back; PostgreSQL commits each report on its own, so concurrent writers never hold locks
 *   on each other's reports);
 * - a report is stored once: UNIQUE (kind, org_key, report_id) decides, inside the database, so two processes
 *   reading the same reports at once store each once and each learns which ones were already there;
 * - the schema is migrated by the command, under a lock, before anything is read or written.
 */
import type { Report, ReportKind } from "../../../reports/model";
import type { ReportFilter } from "../../../reports/filter";
import type { SummaryGroups } from "../../../reports/summary";
import type { Query } from "./queries";
import type { Limits } from "../sources/limits";
import type { ReportFinding } from "../../../reports/findings";
import { UsageError } from "../../io";

export type InsertResult = "stored" | "duplicate";

/** What a store that read a whole input itself (`offerUnit`) found: counted as if the caller had read it. */
export interface UnitOutcome {
  findings: ReportFinding[];
  rejected: number;
  /** Each report's kind, identity (report-digest.ts) and whether it was new. */
  reports: { kind: ReportKind; digest: string; result: InsertResult }[];
}

export interface ReportStore {
  /** Where the store is, for messages (a PostgreSQL URL without its password). */
  readonly location: string;
  /**
   * Write one report with all its rows; "duplicate" when a report with its identity is already stored. The
   * report is durable once `commit()` has returned (PostgreSQL: once `insert` has).
   */
  insert(report: Report, source: string): Promise<InsertResult>;
  /** Make every report written so far durable. */
  commit(): Promise<void>;
  /**
   * Take a whole input (a file's bytes) to extract and write on the store's own thread, when that thread has
   * nothing else to do; undefined when it will not (then the caller reads the input itself). SQLite's writer
   * thread does, so that both cores parse during a large run.
   */
  offerUnit?(bytes: Buffer, source: string, limits: Limits): Promise<UnitOutcome> | undefined;
  /** Stored reports per kind within the filter. */
  stored(filter: ReportFilter): Promise<Record<ReportKind, number>>;
  /** The grouped rows the summary is built from. */
  summary(filter: ReportFilter): Promise<SummaryGroups>;
  /**
   * A read-only SQL statement over the tables of schema.ts, written once for both databases with `?`
   * placeholders (queries.ts shows the style): how analyses on top of the store (per-day pass rates, senders)
   * group what they need without reading reports again.
   */
  query: Query;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Make every commit durable against power loss as well as crashes (SQLite `synchronous=FULL`). Used when the
   * run deletes its input after the commit (IMAP archive): the message must never be gone while its report is
   * not yet on disk.
   */
  durable: boolean;
  /**
   * SQLite: where writes run. "auto" (the default): a run's first batch on the main thread, the rest in a writer
   * thread, overlapping the parsing of the next reports; "always" and "never" for tests and measurements.
   */
  writerThread?: "auto" | "always" | "never";
}

/** The default store: a file in the working directory. */
export const DEFAULT_DB = "maildomain-reports.sqlite";

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** A PostgreSQL URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}

/** Open (and migrate) the store `db` names; a store that cannot be opened is a usage error (exit 2). */
export async function openStore(db: string, opts: OpenOptions): Promise<ReportStore> {
  if (isPostgresUrl(db)) {
    const { openPostgresStore } = await import("./postgres");
    return openPostgresStore(db);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) throw new UsageError(`--db ${JSON.stringify(db)}: only SQLite files and postgres:// (or postgresql://) URLs are supported.`);
  const { openSqliteStore } = await import("./sqlite");
  return openSqliteStore(db, opts);
}
