/**
 * The SQLite store's write path on one connection: a report's `reports` row (which decides whether it is new),
 * its results rows (resolved once per process, rows.ts ResultIds) and its child rows as multi-row inserts, in a
 * batch transaction that `commit()` ends. The store runs it on the main thread for a run's first batch and in a
 * writer thread after that (sqlite-thread.ts), so that the writes of a large run overlap the reading and parsing
 * of the next reports.
 *
 * A report is never half-stored: a write that fails rolls the whole open batch back (the command then stops, and
 * the next run reads the batch's inputs again), and a batch is only committed between reports. So a report needs
 * no savepoint of its own, which would cost a fifth of the write (each savepoint journals every page it touches
 * first; measured).
 */
import Database from "better-sqlite3";
import type { Report } from "../../../reports/model";
import { childRows, INSERT_RESULTS, REPORT_COLUMNS, reportRow, ResultIds, SELECT_RESULTS, Value } from "./rows";
import type { InsertResult } from "./store";

/**
 * The most rows one multi-row INSERT holds (SQLite allows 32,766 parameters; the widest child table has 12
 * columns). A report's rows go in as few statements as the binary digits of their number: one call per row
 * costs more than the row itself.
 */
const MAX_ROWS_PER_STATEMENT = 32;

/** How long a writer waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 60_000;

/** The connection settings every connection of the store uses (WAL, busy timeout, foreign keys, durability). */
export function configureConnection(db: Database.Database, durable: boolean): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${durable ? "FULL" : "NORMAL"}`);
  db.pragma("foreign_keys = ON");
}

export class SqliteWriter {
  private readonly insertReport: Database.Statement;
  private readonly insertResults: Database.Statement;
  private readonly selectResults: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly resultIds = new ResultIds();
  private readonly resolveResults = (values: Value[]): number => {
    this.insertResults.run(values);
    return (this.selectResults.get(values) as { id: number }).id;
  };

  constructor(private readonly db: Database.Database) {
    this.insertReport = db.prepare(
      `INSERT INTO reports (${REPORT_COLUMNS.join(", ")}) VALUES (${REPORT_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (kind, org_key, report_id) DO NOTHING RETURNING id`,
    );
    this.insertResults = db.prepare(INSERT_RESULTS);
    this.selectResults = db.prepare(SELECT_RESULTS);
  }

  /** Write one report into the open batch (opening one); a failure rolls the whole batch back and is thrown. */
  insert(report: Report, source: string): InsertResult {
    try {
      return this.write(report, source);
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      // The results rows the batch added are gone with it.
      this.resultIds.clear();
      throw e;
    }
  }

  commit(): void {
    if (this.db.inTransaction) this.db.exec("COMMIT");
  }

  get inBatch(): boolean {
    return this.db.inTransaction;
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
}
