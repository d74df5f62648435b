/**
 * The PostgreSQL store (node-postgres): for ingestion on several machines into one database. Each report is one
 * transaction: `INSERT … ON CONFLICT ON CONSTRAINT reports_identity DO NOTHING RETURNING id` decides whether it
 * is new (a concurrent writer of the same report waits on the unique index and then finds it there), and the
 * child rows go in as multi-row inserts. Migrations run under a transaction-scoped advisory lock, so two
 * machines starting at once migrate once.
 */
import { Client } from "pg";
import type { Report } from "../../../reports/model";
import type { ReportFilter } from "../../../reports/filter";
import { UsageError } from "../../io";
import { MIGRATIONS, MIGRATIONS_TABLE } from "./schema";
import { storedCounts, summaryGroups, Query } from "./queries";
import { childRows, INSERT_RESULTS, REPORT_COLUMNS, reportRow, ResultIds, SELECT_RESULTS, Value } from "./rows";
import { redactUrl, type InsertResult, type ReportStore } from "./store";

/** pg_advisory_xact_lock key for migrations: "mdrp" (maildomain reports) as a number. */
const MIGRATION_LOCK = 0x6d647270;
/** PostgreSQL allows 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

/** `?` placeholders to `$1, $2, …` (the queries contain no literal question marks). */
export function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export async function openPostgresStore(url: string): Promise<ReportStore> {
  const where = redactUrl(url);
  const client = new Client({ connectionString: url, application_name: "maildomain reports", connectionTimeoutMillis: 15_000 });
  client.on("error", () => undefined); // a dropped connection surfaces as the next query's error
  try {
    await client.connect();
  } catch (e) {
    throw new UsageError(`--db ${where}: cannot connect to PostgreSQL (${(e as Error).message}). Check the host, port, database name, user, and the password (in the URL or PGPASSWORD).`);
  }
  try {
    await migrate(client, where);
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--db ${where}: the store's schema cannot be created or migrated (${(e as Error).message}). The user needs CREATE on the database (or its schema) the first time.`);
  }
  return new PostgresStore(client, where);
}

async function migrate(client: Client, where: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(MIGRATIONS_TABLE);
    const current = Number((await client.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")).rows[0].v);
    const known = MIGRATIONS[MIGRATIONS.length - 1].version;
    if (current > known) {
      throw new UsageError(`the store ${where} has schema version ${current}, newer than this maildomain knows (${known}): it was written by a newer version. Upgrade maildomain, or use another --db.`);
    }
    for (const m of MIGRATIONS.filter((m) => m.version > current)) {
      for (const sql of m.statements("postgres")) await client.query(sql);
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, new Date().toISOString()]);
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

class PostgresStore implements ReportStore {
  private readonly resultIds = new ResultIds();
  /** The last insert: one connection runs one report's transaction at a time, so each waits for the one before. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: Client,
    readonly location: string,
  ) {}

  insert(report: Report, source: string): Promise<InsertResult> {
    const run = this.last.then(() => this.write(report, source));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async write(report: Report, source: string): Promise<InsertResult> {
    const c = this.client;
    const row = reportRow(report, source, new Date());
    // The records' results rows first, each in its own statement outside the report's transaction: committed at
    // once, so their ids can be kept, and no lock on them is held while another writer waits (an unused row, from a
    // report that then turns out a duplicate or fails, is harmless: the table lists results that can occur).
    if (report.kind === "aggregate") {
      for (const values of this.resultIds.unseen(report)) {
        await c.query(numbered(INSERT_RESULTS), values);
        this.resultIds.add(values, Number((await c.query(numbered(SELECT_RESULTS), values)).rows[0].id));
      }
    }
    await c.query("BEGIN");
    try {
      const res = await c.query(
        `INSERT INTO reports (${REPORT_COLUMNS.join(", ")}) VALUES (${REPORT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT ON CONSTRAINT reports_identity DO NOTHING RETURNING id`,
        REPORT_COLUMNS.map((k) => row[k]),
      );
      if (res.rowCount === 0) {
        await c.query("ROLLBACK");
        return "duplicate";
      }
      const id = Number(res.rows[0].id);
      const results = report.kind === "aggregate" ? this.resultIds.of(report, () => {
        throw new Error("a results row was not resolved before its report");
      }) : [];
      for (const t of childRows(report, id, results)) {
        const perStatement = Math.max(1, Math.floor(MAX_PARAMS / t.columns.length));
        for (let i = 0; i < t.rows.length; i += perStatement) {
          const chunk = t.rows.slice(i, i + perStatement);
          const params: Value[] = [];
          const tuples = chunk.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(", ")})`);
          await c.query(`INSERT INTO ${t.table} (${t.columns.join(", ")}) VALUES ${tuples.join(", ")}`, params);
        }
      }
      await c.query("COMMIT");
      return "stored";
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** Each insert commits itself (a batch would hold row locks that a concurrent writer may be waiting on): wait for the last. */
  async commit(): Promise<void> {
    await this.last;
  }

  readonly query: Query = async (sql: string, params: Value[]) => (await this.client.query(numbered(sql), params)).rows as Record<string, unknown>[];

  stored(filter: ReportFilter) {
    return storedCounts(this.query, filter);
  }

  summary(filter: ReportFilter) {
    return summaryGroups(this.query, filter);
  }

  async close(): Promise<void> {
    await this.last;
    await this.client.end().catch(() => undefined);
  }
}
