/**
 * The SQLite store (better-sqlite3): one file, WAL journal so readers never block the writer, a busy timeout so
 * a second process waits for the first instead of failing, and `BEGIN IMMEDIATE` so two writers serialize on the
 * write lock and the second sees the first's reports as duplicates.
 *
 * Reports are written in batches (sqlite-writer.ts): the first insert opens a transaction and `commit()` ends
 * it. One commit per report would cost a WAL write of every b-tree page it touched (about 1 ms per report here);
 * the command commits every couple of hundred reports, before archiving an IMAP message, and at the end. A
 * killed run loses at most the open batch, whose inputs are still there to be read again. Commits survive a
 * killed process in both modes; `durable` adds an fsync per commit (power loss).
 *
 * A run's first batch is written on the main thread's connection; once a run has written more than that, the
 * writes move to a writer thread (sqlite-thread.ts) with its own connection, so that they overlap the reading and
 * parsing of the next reports. Reads (the summary, the advisor's queries) stay on the main connection and first
 * commit what the thread holds, so they see every report inserted before them, as on one connection.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import type { ReportFilter } from "../../../reports/filter";
import { UsageError } from "../../io";
import { Migration, MIGRATIONS, MIGRATIONS_TABLE } from "./schema";
import { storedCounts, summaryGroups, Query } from "./queries";
import type { Value } from "./rows";
import { BUSY_TIMEOUT_MS, configureConnection, SqliteWriter } from "./sqlite-writer";
import { WriterThread } from "./sqlite-thread";
import type { Limits } from "../sources/limits";
import type { InsertResult, OpenOptions, ReportStore, UnitOutcome } from "./store";

/** Reports a run writes on the main thread before its writes move to the writer thread: one batch. */
const THREAD_AFTER_REPORTS = 200;

export function migrateSqlite(db: Database.Database, migrations: Migration[] = MIGRATIONS): number {
  let applied = 0;
  db.transaction(() => {
    db.exec(MIGRATIONS_TABLE);
    const current = (db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0;
    const known = migrations[migrations.length - 1]?.version ?? 0;
    if (current > known) {
      throw new UsageError(`the store ${db.name} has schema version ${current}, newer than this maildomain knows (${known}): it was written by a newer version. Upgrade maildomain, or use another --db.`);
    }
    for (const m of migrations.filter((m) => m.version > current)) {
      for (const sql of m.statements("sqlite")) db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
      applied++;
    }
  }).immediate();
  return applied;
}

export function openSqliteStore(file: string, opts: OpenOptions): ReportStore {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`--db ${file}: the folder ${dir} does not exist; create it first.`);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    configureConnection(db, opts.durable);
    migrateSqlite(db);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const message = (e as Error).message;
    if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(message)) {
      // npm 11 skips dependencies' install scripts unless allowed, and better-sqlite3 builds its addon in one.
      throw new UsageError(
        `the SQLite library's native addon is not built for this Node.js (${message.split("\n")[0]}). Allow and run its build: npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3 (or use --db postgres://…).`,
      );
    }
    throw new UsageError(`--db ${file}: the store cannot be opened (${message}). Is it a maildomain SQLite store, and can this user write to it and its folder?`);
  }
  return new SqliteStore(db, file, opts);
}

class SqliteStore implements ReportStore {
  private readonly writer: SqliteWriter;
  private thread?: Promise<WriterThread>;
  /** The thread once it has started. */
  private started?: WriterThread;
  private written = 0;
  /** Reports written on the main connection before the writes move to the thread. */
  private readonly threadAfter: number;
  /** Moves on when a write fails, so that the thread refuses the rest of the failed batch (sqlite-thread.ts). */
  private epoch = 0;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
    private readonly opts: OpenOptions,
  ) {
    this.writer = new SqliteWriter(db);
    this.threadAfter = opts.writerThread === "always" ? 0 : opts.writerThread === "never" ? Infinity : THREAD_AFTER_REPORTS;
  }

  async insert(report: Report, source: string): Promise<InsertResult> {
    // The switch happens between batches: what the main connection wrote is committed by then.
    if (!this.thread && this.written >= this.threadAfter && !this.writer.inBatch) {
      this.thread = WriterThread.start(path.resolve(this.location), this.opts.durable);
      this.thread.then((t) => (this.started = t), () => undefined);
    }
    this.written++;
    if (!this.thread) return this.writer.insert(report, source);
    const epoch = this.epoch;
    const thread = await this.thread;
    return this.inFlight(thread.insert(report, source, epoch), epoch);
  }

  /** A whole input for the writer thread to read and write, when it has nothing queued (sqlite-thread.ts). */
  offerUnit(bytes: Buffer, source: string, limits: Limits): Promise<UnitOutcome> | undefined {
    if (!this.started?.idle) return undefined;
    this.written++;
    return this.inFlight(this.started.read(bytes, source, limits, this.epoch), this.epoch);
  }

  private async inFlight<T>(request: Promise<T>, epoch: number): Promise<T> {
    try {
      return await request;
    } catch (e) {
      if (this.epoch === epoch) this.epoch++;
      throw e;
    }
  }

  /** On the thread, a commit covers every write sent before it: the thread handles requests in the order sent. */
  async commit(): Promise<void> {
    if (!this.thread) return this.writer.commit();
    await (await this.thread).commit();
  }

  /** Reads on the main connection see what the thread wrote once it is committed. */
  private async readable(): Promise<void> {
    if (this.thread) await this.commit();
  }

  readonly query: Query = async (sql: string, params: Value[]) => {
    await this.readable();
    return this.db.prepare(sql).all(...params) as Record<string, unknown>[];
  };

  async stored(filter: ReportFilter) {
    return storedCounts(this.query, filter);
  }

  async summary(filter: ReportFilter) {
    return summaryGroups(this.query, filter);
  }

  async close(): Promise<void> {
    try {
      if (this.thread) {
        // A thread that failed to start has already failed every write sent to it (and the run with them): there
        // is nothing of it to close, and its error is not this call's to report again.
        const thread = await this.thread.catch(() => undefined);
        await thread?.close();
      } else this.writer.commit();
    } finally {
      this.db.close();
    }
  }
}
