/**
 * The SQLite store (better-sqlite3): one file, WAL journal so readers never block the writer, a busy timeout so
 * a second process waits for the first instead of failing, and `BEGIN IMMEDIATE` so two writers serialize on the
 * write lock and the second sees the first's reports as duplicates.
 *
 * Reports are written in batches: the first insert opens a transaction and `commit()` ends it. One commit per
 * report would cost a WAL write of every b-tree page it touched (about 1 ms per report here); the command
 * commits every couple of hundred reports, before archiving an IMAP message, and at the end. A report is never
 * half-stored: a write that fails rolls the whole open batch back (the command then stops, and the next run
 * reads the batch's inputs again), and a batch is only committed between reports. So a report needs no
 * savepoint of its own, which would cost a fifth of the write (each savepoint journals every page it touches
 * first; measured). A killed run loses at most the open batch, whose inputs are still there to be read again.
 * Commits survive a killed process in both modes; `durable` adds an fsync per commit (power loss).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import type { ReportFilter } from "../../../reports/filter";
import { UsageError } from "../../io";
import { Migration, MIGRATIONS, MIGRATIONS_TABLE } from "./schema";
import { storedCounts, summaryGroups, Query } from "./queries";
import { childRows, INSERT_RESULTS, REPORT_COLUMNS, reportRow, ResultIds, SELECT_RESULTS, Value } from "./rows";
import type { InsertResult, OpenOptions, ReportStore } from "./store";

/**
 * The most rows one multi-row INSERT holds (SQLite allows 32,766 parameters; the widest child table has 11
 * columns). A report's rows go in as few statements as the binary digits of their number: one call per row
 * costs more than the row itself.
 */
const MAX_ROWS_PER_STATEMENT = 32;

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 60_000;

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
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${opts.durable ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
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
  return new SqliteStore(db, file);
}

class SqliteStore implements ReportStore {
  private readonly insertReport: Database.Statement;
  private readonly insertResults: Database.Statement;
  private readonly selectResults: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly resultIds = new ResultIds();
  private readonly resolveResults = (values: Value[]): number => {
    this.insertResults.run(values);
    return (this.selectResults.get(values) as { id: number }).id;
  };

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.insertReport = db.prepare(
      `INSERT INTO reports (${REPORT_COLUMNS.join(", ")}) VALUES (${REPORT_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (kind, org_key, report_id) DO NOTHING RETURNING id`,
    );
    this.insertResults = db.prepare(INSERT_RESULTS);
    this.selectResults = db.prepare(SELECT_RESULTS);
  }

  private write(report: Report, source: string): InsertResult {
    if (!this.db.inTransaction) this.db.exec("BEGIN IMMEDIATE");
    const row = reportRow(report, source, new Date());
    const inserted = this.insertReport.get(REPORT_COLUMNS.map((c) => row[c])) as { id: number } | undefined;
    if (!inserted) return "duplicate";
    const results = report.kind === "aggregate" ? this.resultIds.of(report, this.resolveResults) : [];
    for (const t of childRows(report, inserted.id, results)) {
      const width = t.columns.length;
      let i = 0;
      while (i < t.rows.length) {
        let n = MAX_ROWS_PER_STATEMENT;
        while (n > t.rows.length - i) n >>= 1;
        // The values are copied into one array by hand: rows.slice().flat() and spreading the result into the
        // call cost a tenth of the whole write (V8's generic flattening; measured).
        const values: Value[] = new Array(width * n);
        let k = 0;
        for (const end = i + n; i < end; i++) for (const v of t.rows[i]) values[k++] = v;
        this.statement(t.table, t.columns, n).run(values);
      }
    }
    return "stored";
  }

  private statement(table: string, columns: string[], rows: number): Database.Statement {
    const key = `${table}/${rows}`;
    let s = this.statements.get(key);
    if (!s) {
      const tuple = `(${columns.map(() => "?").join(", ")})`;
      s = this.db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(rows).fill(tuple).join(", ")}`);
      this.statements.set(key, s);
    }
    return s;
  }

  async insert(report: Report, source: string): Promise<InsertResult> {
    try {
      return this.write(report, source);
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      // The results rows the batch added are gone with it.
      this.resultIds.clear();
      throw e;
    }
  }

  async commit(): Promise<void> {
    if (this.db.inTransaction) this.db.exec("COMMIT");
  }

  readonly query: Query = async (sql: string, params: Value[]) => this.db.prepare(sql).all(...params) as Record<string, unknown>[];

  stored(filter: ReportFilter) {
    return storedCounts(this.query, filter);
  }

  summary(filter: ReportFilter) {
    return summaryGroups(this.query, filter);
  }

  async close(): Promise<void> {
    await this.commit();
    this.db.close();
  }
}
