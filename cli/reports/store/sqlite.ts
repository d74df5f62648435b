/**
 * The SQLite store (better-sqlite3): one file, WAL journal so readers never block the writer, a busy timeout so
 * a second process waits for the first instead of failing, and `BEGIN IMMEDIATE` so two writers serialize on the
 * write lock and the second sees the first's reports as duplicates.
 *
 * Reports are written in batches: the first insert opens a transaction, each report is a savepoint in it (all
 * of its rows or none), and `commit()` ends it. One commit per report would cost a WAL write of every b-tree
 * page it touched (about 1 ms per report here); the command commits every couple of hundred reports, before
 * archiving an IMAP message, and at the end. A killed run loses at most the open batch, whose inputs are still
 * there to be read again. Commits survive a killed process in both modes; `durable` adds an fsync per commit
 * (power loss).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import type { ReportFilter } from "../../../reports/filter";
import { UsageError } from "../../io";
import { Migration, MIGRATIONS, MIGRATIONS_TABLE } from "./schema";
import { storedCounts, summaryGroups, Query } from "./queries";
import { childRows, REPORT_COLUMNS, reportRow, Value } from "./rows";
import type { InsertResult, OpenOptions, ReportStore } from "./store";

/** Rows per multi-row INSERT (SQLite allows 32,766 parameters; the widest child table has 11 columns). */
const ROWS_PER_STATEMENT = 16;

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
  private readonly statements = new Map<string, Database.Statement>();
  private readonly write: (report: Report, source: string) => InsertResult;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.insertReport = db.prepare(
      `INSERT INTO reports (${REPORT_COLUMNS.join(", ")}) VALUES (${REPORT_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (kind, org_key, report_id) DO NOTHING RETURNING id`,
    );
    const tx = db.transaction((report: Report, source: string): InsertResult => {
      const row = reportRow(report, source, new Date());
      const inserted = this.insertReport.get(...REPORT_COLUMNS.map((c) => row[c])) as { id: number } | undefined;
      if (!inserted) return "duplicate";
      for (const t of childRows(report, inserted.id)) {
        // Rows go in groups of ROWS_PER_STATEMENT per INSERT: one call per row costs more than the row itself.
        let i = 0;
        for (; i + ROWS_PER_STATEMENT <= t.rows.length; i += ROWS_PER_STATEMENT) this.statement(t.table, t.columns, ROWS_PER_STATEMENT).run(...t.rows.slice(i, i + ROWS_PER_STATEMENT).flat());
        for (; i < t.rows.length; i++) this.statement(t.table, t.columns, 1).run(...t.rows[i]);
      }
      return "stored";
    });
    this.write = (report, source) => {
      if (!db.inTransaction) db.exec("BEGIN IMMEDIATE");
      // Inside the open transaction better-sqlite3 runs the report as a savepoint.
      return tx(report, source);
    };
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
