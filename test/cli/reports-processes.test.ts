/**
 * `maildomain reports` as real processes against one store, SQLite and PostgreSQL: two processes reading the same
 * reports at once store each once and between them count every report exactly once as new; a process killed
 * with SIGKILL in the middle of a run loses nothing and counts nothing twice when the run is repeated.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import Database from "better-sqlite3";
import { Client } from "pg";
import type { ReportsDocument } from "../../reports/summary";
import { finished, runCli, spawnCli } from "../support/cli-process";
import { postgresAvailable, startPostgres, type PostgresServer } from "../support/postgres";
import { renderAggregateXml, sampleAggregate } from "../support/reports";
import { sleep } from "../support/server-process";

jest.setTimeout(180_000);

let pg: PostgresServer | undefined;
const usePostgres = postgresAvailable();
beforeAll(async () => {
  if (usePostgres) pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

/** `n` distinct reports of 43 messages each (every third gzipped), in a fresh folder. */
function reportsFolder(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-procs-"));
  for (let i = 0; i < n; i++) {
    const xml = renderAggregateXml(sampleAggregate({ reportId: `r-${i}`, orgName: i % 2 ? "google.com" : "Yahoo! Inc." }));
    if (i % 3 === 0) fs.writeFileSync(path.join(dir, `r${String(i).padStart(5, "0")}.xml.gz`), zlib.gzipSync(xml));
    else fs.writeFileSync(path.join(dir, `r${String(i).padStart(5, "0")}.xml`), xml);
  }
  return dir;
}

interface Backend {
  name: string;
  fresh(): Promise<string>;
  /** Reports stored, records stored, and the sum of their counts. */
  totals(db: string): Promise<{ reports: number; records: number; messages: number }>;
}

const TOTALS = "SELECT (SELECT COUNT(*) FROM reports) AS reports, (SELECT COUNT(*) FROM aggregate_records) AS records, (SELECT COALESCE(SUM(count), 0) FROM aggregate_records) AS messages";
const asTotals = (r: Record<string, unknown>) => ({ reports: Number(r.reports), records: Number(r.records), messages: Number(r.messages) });

const sqlite: Backend = {
  name: "SQLite",
  fresh: async () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-procs-db-")), "store.sqlite"),
  totals: async (db) => {
    if (!fs.existsSync(db)) return { reports: 0, records: 0, messages: 0 };
    const d = new Database(db, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      const hasTable = d.prepare("SELECT 1 FROM sqlite_master WHERE name = 'aggregate_records'").get();
      return hasTable ? asTotals(d.prepare(TOTALS).get() as Record<string, unknown>) : { reports: 0, records: 0, messages: 0 };
    } finally {
      d.close();
    }
  },
};

let counter = 0;
const postgres: Backend = {
  name: "PostgreSQL",
  fresh: async () => pg!.createDatabase(`procs_${process.pid}_${++counter}`),
  totals: async (db) => {
    const c = new Client({ connectionString: db });
    await c.connect();
    try {
      const exists = (await c.query("SELECT to_regclass('aggregate_records') AS t")).rows[0].t;
      return exists ? asTotals((await c.query(TOTALS)).rows[0]) : { reports: 0, records: 0, messages: 0 };
    } finally {
      await c.end();
    }
  },
};

const doc = (stdout: string): ReportsDocument => JSON.parse(stdout);

describe.each([sqlite, ...(usePostgres ? [postgres] : [])])("$name", (backend) => {
  test("two processes reading the same 400 reports at once: each stored once, each counted new exactly once", async () => {
    const n = 400;
    const dir = reportsFolder(n);
    const db = await backend.fresh();
    const [a, b] = await Promise.all([runCli(["reports", dir, "--db", db, "--json"]), runCli(["reports", dir, "--db", db, "--json"])]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, "", ""]);
    const da = doc(a.stdout);
    const db2 = doc(b.stdout);
    expect(da.reports.aggregate).toBe(n);
    expect(db2.reports.aggregate).toBe(n);
    expect(da.reports.duplicates + db2.reports.duplicates).toBe(n);
    expect(await backend.totals(db)).toEqual({ reports: n, records: 2 * n, messages: 43 * n });
  });

  test("killed with SIGKILL in the middle of a run, then run again: nothing lost, nothing counted twice", async () => {
    const n = 2500;
    const dir = reportsFolder(n);
    const db = await backend.fresh();
    const child = spawnCli(["reports", dir, "--db", db, "--json"]);
    const done = finished(child);
    let atKill = { reports: 0, records: 0, messages: 0 };
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      await sleep(25);
      atKill = await backend.totals(db).catch(() => atKill);
      if (atKill.reports >= 100) break;
    }
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.signal).toBe("SIGKILL");
    const after = await backend.totals(db);
    // The kill landed in the middle: some reports are stored, not all; each stored one is whole.
    expect(after.reports).toBeGreaterThanOrEqual(100);
    expect(after.reports).toBeLessThan(n);
    expect(after.records).toBe(2 * after.reports);
    expect(after.messages).toBe(43 * after.reports);

    const again = await runCli(["reports", dir, "--db", db, "--json"]);
    expect(again.code).toBe(0);
    const d = doc(again.stdout);
    expect(d.reports).toEqual({ aggregate: n, failure: 0, tlsrpt: 0, duplicates: after.reports, rejected: 0 });
    expect(await backend.totals(db)).toEqual({ reports: n, records: 2 * n, messages: 43 * n });
    expect(d.domains).toEqual([expect.objectContaining({ domain: "example.com", reports: n, messages: 43 * n, dmarcPass: 40 * n })]);
  });
});
