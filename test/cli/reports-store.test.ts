/**
 * The report store, the same suite on SQLite and on a real PostgreSQL server: migrations, one transaction per
 * report, dedup by (kind, organisation, report id), every field in its column, the summary's grouping and filters.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { Client } from "pg";
import { openStore, type OpenOptions, type ReportStore } from "../../cli/reports/store/store";
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION, type Dialect } from "../../cli/reports/store/schema";
import { childRows, REPORT_COLUMNS, reportRow, type Value } from "../../cli/reports/store/rows";
import { numbered } from "../../cli/reports/store/postgres";
import { parseFailureReport } from "../../reports/failure/parse";
import type { AggregateReport, FailureReport, Report } from "../../reports/model";
import { buildSummary } from "../../reports/summary";
import { postgresAvailable, startPostgres, type PostgresServer } from "../support/postgres";
import { sampleAggregate, sampleTls } from "../support/reports";

jest.setTimeout(60_000);

let pg: PostgresServer | undefined;
let dbCounter = 0;
const usePostgres = postgresAvailable();

beforeAll(async () => {
  if (usePostgres) pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

interface Backend {
  name: string;
  dialect: Dialect;
  /** How the store is opened (SQLite: where its writes run). */
  open?: Pick<OpenOptions, "writerThread">;
  /** A fresh, empty store location. */
  fresh(): Promise<string>;
  /** Raw SQL on the store, for assertions. */
  sql(db: string, query: string): Promise<Record<string, unknown>[]>;
  /** Statements with `?` placeholders in one transaction, writing; the rows of each. */
  write(db: string, statements: [string, Value[]][]): Promise<Record<string, unknown>[][]>;
}

const sqlite: Backend = {
  name: "SQLite",
  dialect: "sqlite",
  fresh: async () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-store-")), "reports.sqlite"),
  sql: async (db, query) => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare(query).all() as Record<string, unknown>[];
    } finally {
      d.close();
    }
  },
  write: async (db, statements) => {
    const d = new Database(db);
    try {
      return d.transaction(() => statements.map(([sql, params]) => (d.prepare(sql).reader ? (d.prepare(sql).all(...params) as Record<string, unknown>[]) : (d.prepare(sql).run(...params), []))))();
    } finally {
      d.close();
    }
  },
};

const postgres: Backend = {
  name: "PostgreSQL",
  dialect: "postgres",
  fresh: async () => pg!.createDatabase(`store_${process.pid}_${++dbCounter}`),
  sql: async (db, query) => {
    const c = new Client({ connectionString: db });
    await c.connect();
    try {
      return (await c.query(query)).rows;
    } finally {
      await c.end();
    }
  },
  write: async (db, statements) => {
    const c = new Client({ connectionString: db });
    await c.connect();
    try {
      await c.query("BEGIN");
      const out: Record<string, unknown>[][] = [];
      for (const [sql, params] of statements) out.push((await c.query(numbered(sql), params)).rows);
      await c.query("COMMIT");
      return out;
    } finally {
      await c.end();
    }
  },
};

/**
 * A store as version 1 of the schema wrote it: its tables and rows (the records without `results`), written
 * statement by statement as that version did, for the migration test.
 */
async function writeVersion1Store(backend: Backend, db: string, reports: Report[]): Promise<void> {
  const v1 = MIGRATIONS.find((m) => m.version === 1)!;
  await backend.write(db, [[MIGRATIONS_TABLE, []], ...v1.statements(backend.dialect).map((sql): [string, Value[]] => [sql, []]), ["INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, ?, ?)", [v1.name, "2026-11-01T00:00:00Z"]]]);
  for (const [i, report] of reports.entries()) {
    const row = reportRow(report, `v1-${i}.xml`, new Date(0));
    const [[{ id }]] = await backend.write(db, [[`INSERT INTO reports (${REPORT_COLUMNS.join(", ")}) VALUES (${REPORT_COLUMNS.map(() => "?").join(", ")}) RETURNING id`, REPORT_COLUMNS.map((c) => row[c])]]);
    const statements: [string, Value[]][] = [];
    for (const t of childRows(report, Number(id), [])) {
      const width = t.table === "aggregate_records" ? t.columns.indexOf("results") : t.columns.length;
      for (const r of t.rows) statements.push([`INSERT INTO ${t.table} (${t.columns.slice(0, width).join(", ")}) VALUES (${t.columns.slice(0, width).map(() => "?").join(", ")})`, r.slice(0, width)]);
    }
    await backend.write(db, statements);
  }
}

const failure = (): FailureReport =>
  parseFailureReport(
    {
      feedbackReport: "Feedback-Type: auth-failure\r\nUser-Agent: x/1\r\nVersion: 1\r\nAuth-Failure: dmarc\r\nSource-IP: 192.0.2.9\r\nReported-Domain: example.com\r\nArrival-Date: Thu, 02 May 2024 10:00:00 +0000\r\nReporting-MTA: dns; mx.receiver.example\r\n",
      originalHeaders: "From: ceo@example.com\r\nSubject: pay\r\n",
      message: {},
    },
    "f",
  ).report!;

/** The SQLite store with every write in its writer thread (by default only a run's writes after its first batch). */
const sqliteThread: Backend = { ...sqlite, name: "SQLite (writer thread)", open: { writerThread: "always" } };

describe.each([sqlite, sqliteThread, ...(usePostgres ? [postgres] : [])])("$name store", (backend) => {
  let db: string;
  let store: ReportStore;
  beforeEach(async () => {
    db = await backend.fresh();
    store = await openStore(db, { durable: false, ...backend.open });
  });
  afterEach(async () => {
    await store.close();
  });

  test("the schema is created by the first open and recorded; a second open migrates nothing", async () => {
    const versions = await backend.sql(db, "SELECT version, name FROM schema_migrations ORDER BY version");
    expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(Number(versions[versions.length - 1].version)).toBe(SCHEMA_VERSION);
    const again = await openStore(db, { durable: false, ...backend.open });
    await again.close();
    expect(Number((await backend.sql(db, "SELECT COUNT(*) AS n FROM schema_migrations"))[0].n)).toBe(MIGRATIONS.length);
  });

  test("a store version 1 wrote is migrated: every record gets its results row, and the summary is the one this version builds", async () => {
    const records = (domain: string): AggregateReport["records"] => [
      ...sampleAggregate({ domain }).records,
      // Forwarded (an override reason), From: a subdomain, several raw results, none at all.
      { sourceIp: "192.0.2.20", count: 7, disposition: "none", dkim: "pass", spf: "fail", reasons: [{ type: "forwarded" }, { type: "local_policy", comment: "forwarded" }], headerFrom: domain, dkimResults: [{ domain, selector: "s1", result: "pass" }, { domain: "list.example", result: "pass" }], spfResults: [{ domain: "list.example", result: "softfail" }, { domain: "list.example", scope: "helo", result: "pass" }] },
      { sourceIp: "192.0.2.21", count: 2, disposition: "quarantine", dkim: "fail", spf: "fail", reasons: [{ type: "mailing_list" }], headerFrom: `news.${domain}`, dkimResults: [], spfResults: [] },
      { sourceIp: "192.0.2.21", count: 1, disposition: "reject", dkim: "fail", spf: "fail", reasons: [{ type: "local_policy", comment: "\"type\":\"forwarded\"" }], headerFrom: `news.${domain}`, dkimResults: [{ domain: "evil.example", selector: "x", result: "fail" }], spfResults: [] },
    ];
    const reports: Report[] = [
      sampleAggregate({ reportId: "1", records: records("example.com") }),
      sampleAggregate({ reportId: "2", begin: 1714608000, end: 1714694399, records: records("example.com") }),
      sampleAggregate({ reportId: "3", domain: "other.example", records: records("other.example") }),
      sampleTls(),
      failure(),
    ];
    for (const r of reports) await store.insert(r, "current.xml");
    await store.commit();
    const expected = buildSummary(await store.summary({ domains: [] }));
    const expectedAdvisorCounts = (await store.summary({ domains: [] })).sources;

    const old = await backend.fresh();
    await writeVersion1Store(backend, old, reports);
    const migrated = await openStore(old, { durable: false, ...backend.open });
    try {
      expect((await backend.sql(old, "SELECT version FROM schema_migrations ORDER BY version")).map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
      expect(Number((await backend.sql(old, "SELECT COUNT(*) AS n FROM aggregate_records WHERE results IS NULL"))[0].n)).toBe(0);
      expect(Number((await backend.sql(old, "SELECT COUNT(*) AS n FROM aggregate_results"))[0].n)).toBe(Number((await backend.sql(db, "SELECT COUNT(*) AS n FROM aggregate_results"))[0].n));
      expect(buildSummary(await migrated.summary({ domains: [] }))).toEqual(expected);
      expect((await migrated.summary({ domains: [] })).sources).toEqual(expectedAdvisorCounts);
      // New reports in the migrated store share its results rows.
      expect(await migrated.insert(sampleAggregate({ reportId: "4", records: records("example.com") }), "later.xml")).toBe("stored");
      await migrated.commit();
      expect(Number((await backend.sql(old, "SELECT COUNT(*) AS n FROM aggregate_results"))[0].n)).toBe(Number((await backend.sql(db, "SELECT COUNT(*) AS n FROM aggregate_results"))[0].n));
    } finally {
      await migrated.close();
    }
  });

  test("nothing is visible to other connections before commit(), everything after", async () => {
    await store.insert(sampleAggregate(), "a.xml");
    const before = Number((await backend.sql(db, "SELECT COUNT(*) AS n FROM reports"))[0].n);
    await store.commit();
    const after = Number((await backend.sql(db, "SELECT COUNT(*) AS n FROM reports"))[0].n);
    // SQLite batches until commit(); PostgreSQL commits each report as it is inserted.
    expect([before, after]).toEqual([backend.dialect === "sqlite" ? 0 : 1, 1]);
  });

  test("a report is stored once: the same identity again, in any case or spacing of the organisation, is a duplicate", async () => {
    expect(await store.insert(sampleAggregate(), "a.xml")).toBe("stored");
    expect(await store.insert(sampleAggregate({ orgName: " Google.COM " }), "b.xml")).toBe("duplicate");
    expect(await store.insert(sampleAggregate({ reportId: "other" }), "c.xml")).toBe("stored");
    expect(await store.insert(sampleTls(), "t.json")).toBe("stored");
    expect(await store.insert(sampleTls(), "t2.json")).toBe("duplicate");
    expect(await store.insert(failure(), "f.eml")).toBe("stored");
    expect(await store.insert(failure(), "f2.eml")).toBe("duplicate");
    expect(await store.stored({ domains: [] })).toEqual({ aggregate: 2, failure: 1, tlsrpt: 1 });
    await store.commit();
    const rows = await backend.sql(db, "SELECT kind, org_key, report_id, source FROM reports ORDER BY id");
    expect(rows.map((r) => [r.kind, r.org_key, r.report_id, r.source])).toEqual([
      ["aggregate", "google.com", "1234567890", "a.xml"],
      ["aggregate", "google.com", "other", "c.xml"],
      ["tlsrpt", "google inc.", "2024-05-01T00:00:00Z_example.com", "t.json"],
      ["failure", "mx.receiver.example", failure().reportId, "f.eml"],
    ]);
  });

  test("every field is a column: records with their DKIM and SPF results, TLS policies and failures, failure reports", async () => {
    const model = sampleAggregate({ format: "rfc9990", generator: "gen 1" });
    model.policy = { domain: "example.com", p: "quarantine", sp: "reject", np: "reject", testing: "y", discoveryMethod: "treewalk", adkim: "s" };
    model.records[0].reasons = [{ type: "local_policy", comment: "known forwarder" }];
    await store.insert(model, "a.xml");
    await store.insert(sampleTls(), "t.json");
    await store.insert(failure(), "f.eml");
    await store.commit();
    const agg = await backend.sql(db, "SELECT format, generator, p, sp, np, testing, discovery_method, adkim FROM aggregate_reports");
    expect(agg).toEqual([{ format: "rfc9990", generator: "gen 1", p: "quarantine", sp: "reject", np: "reject", testing: "y", discovery_method: "treewalk", adkim: "s" }]);
    const recs = await backend.sql(db, "SELECT ordinal, source_ip, count, disposition, dkim, spf, reasons, header_from, envelope_from FROM aggregate_records ORDER BY ordinal");
    expect(recs.map((r) => [Number(r.ordinal), r.source_ip, Number(r.count), r.dkim, r.spf, JSON.parse(String(r.reasons)), r.envelope_from])).toEqual([
      [0, "203.0.113.5", 40, "pass", "pass", [{ type: "local_policy", comment: "known forwarder" }], "example.com"],
      [1, "198.51.100.7", 3, "fail", "fail", [], "spoof.example"],
    ]);
    expect(await backend.sql(db, "SELECT record, domain, selector, result FROM aggregate_dkim")).toEqual([{ record: 0, domain: "example.com", selector: "s2026", result: "pass" }]);
    expect((await backend.sql(db, "SELECT record, domain, scope, result FROM aggregate_spf ORDER BY record")).map((r) => [r.record, r.domain, r.scope, r.result])).toEqual([
      [0, "example.com", "mfrom", "pass"],
      [1, "spoof.example", "mfrom", "softfail"],
    ]);
    const tls = await backend.sql(db, "SELECT policy_type, policy_domain, successful, failed, mx_hosts FROM tls_policies");
    expect(tls.map((t) => [t.policy_type, t.policy_domain, Number(t.successful), Number(t.failed), JSON.parse(String(t.mx_hosts))])).toEqual([["sts", "example.com", 5326, 303, ["mx1.example.com"]]]);
    const tf = await backend.sql(db, "SELECT result_type, failed_sessions, receiving_mx_hostname, sending_mta_ip FROM tls_failures ORDER BY ordinal");
    expect(tf.map((t) => [t.result_type, Number(t.failed_sessions), t.receiving_mx_hostname, t.sending_mta_ip])).toEqual([
      ["certificate-expired", 200, "mx1.example.com", "2001:db8:abcd:12::1"],
      ["starttls-not-supported", 103, "mx2.example.com", "2001:db8:abcd:13::1"],
    ]);
    const fr = await backend.sql(db, "SELECT feedback_type, source_ip, auth_failure, original_subject, original_headers FROM failure_reports");
    expect(fr).toEqual([{ feedback_type: "auth-failure", source_ip: "192.0.2.9", auth_failure: "dmarc", original_subject: "pay", original_headers: "From: ceo@example.com\nSubject: pay" }]);
  });

  test("the summary groups by domain and source, with dispositions, raw results, TLS failures and failure reports", async () => {
    await store.insert(sampleAggregate({ reportId: "1" }), "a");
    await store.insert(sampleAggregate({ reportId: "2", begin: 1714608000, end: 1714694399 }), "b");
    await store.insert(sampleAggregate({ reportId: "3", domain: "other.example" }), "c");
    await store.insert(sampleTls(), "t");
    await store.insert(failure(), "f");
    const doc = buildSummary(await store.summary({ domains: [] }));
    expect(doc.domains.map((d) => [d.domain, d.reports, d.messages, d.dmarcPass, d.dmarcFail, d.from, d.to])).toEqual([
      ["example.com", 2, 86, 80, 6, "2024-05-01T00:00:00Z", "2024-05-02T23:59:59Z"],
      ["other.example", 1, 43, 40, 3, "2024-05-01T00:00:00Z", "2024-05-01T23:59:59Z"],
    ]);
    expect(doc.domains[0].sources).toEqual([
      { ip: "203.0.113.5", messages: 80, dmarcPass: 80, dmarcFail: 0, spf: { pass: 80, fail: 0, results: [{ domain: "example.com", scope: "mfrom", result: "pass", messages: 80 }] }, dkim: [{ domain: "example.com", selector: "s2026", result: "pass", messages: 80 }], disposition: { none: 80 } },
      { ip: "198.51.100.7", messages: 6, dmarcPass: 0, dmarcFail: 6, spf: { pass: 0, fail: 6, results: [{ domain: "spoof.example", scope: "mfrom", result: "softfail", messages: 6 }] }, dkim: [], disposition: { none: 6 } },
    ]);
    expect(doc.tls).toEqual([
      {
        domain: "example.com",
        policyType: "sts",
        reports: 1,
        successful: 5326,
        failed: 303,
        from: "2024-05-01T00:00:00Z",
        to: "2024-05-01T23:59:59Z",
        failures: [
          { resultType: "certificate-expired", count: 200, receivingMx: "mx1.example.com" },
          { resultType: "starttls-not-supported", count: 103, receivingMx: "mx2.example.com" },
        ],
      },
    ]);
    expect(doc.failures).toEqual([{ domain: "example.com", reports: 1, from: "2024-05-02T10:00:00Z", to: "2024-05-02T10:00:00Z", sources: [{ ip: "192.0.2.9", reports: 1 }] }]);
  });

  test("the summary counts every raw result of a record: several DKIM signatures and SPF scopes, with and without selector or scope", async () => {
    const rec = (over: Partial<AggregateReport["records"][number]>): AggregateReport["records"][number] => ({
      sourceIp: "192.0.2.10",
      count: 10,
      disposition: "none",
      dkim: "pass",
      spf: "pass",
      reasons: [],
      headerFrom: "example.com",
      envelopeFrom: "example.com",
      dkimResults: [
        { domain: "example.com", selector: "s1", result: "pass" },
        { domain: "esp.example", selector: "esp", result: "pass" },
        { domain: "esp.example", result: "fail" },
      ],
      spfResults: [
        { domain: "mx.example.com", scope: "helo", result: "pass" },
        { domain: "example.com", scope: "mfrom", result: "pass" },
      ],
      ...over,
    });
    await store.insert(sampleAggregate({ reportId: "1", records: [rec({}), rec({ count: 5, disposition: "quarantine", spfResults: [{ domain: "example.com", result: "pass" }] })] }), "a");
    await store.insert(sampleAggregate({ reportId: "2", records: [rec({ count: 2, dkimResults: [{ domain: "esp.example", selector: "esp", result: "pass" }] })] }), "b");
    const [source] = buildSummary(await store.summary({ domains: [] })).domains[0].sources;
    expect(source).toEqual({
      ip: "192.0.2.10",
      messages: 17,
      dmarcPass: 17,
      dmarcFail: 0,
      spf: {
        pass: 17,
        fail: 0,
        results: [
          { domain: "example.com", scope: "mfrom", result: "pass", messages: 12 },
          { domain: "mx.example.com", scope: "helo", result: "pass", messages: 12 },
          { domain: "example.com", result: "pass", messages: 5 },
        ],
      },
      dkim: [
        { domain: "esp.example", selector: "esp", result: "pass", messages: 17 },
        { domain: "esp.example", result: "fail", messages: 15 },
        { domain: "example.com", selector: "s1", result: "pass", messages: 15 },
      ],
      disposition: { none: 12, quarantine: 5 },
    });
  });

  test("query(): the same SQL with ? placeholders on both databases, e.g. messages per day", async () => {
    await store.insert(sampleAggregate({ reportId: "1" }), "a");
    await store.insert(sampleAggregate({ reportId: "2", begin: 1714608000, end: 1714694399 }), "b");
    await store.commit();
    const rows = await store.query(
      "SELECT r.begin_at / 86400 AS day, SUM(a.count) AS messages, SUM(CASE WHEN a.dkim = 'pass' OR a.spf = 'pass' THEN a.count ELSE 0 END) AS pass FROM reports r JOIN aggregate_records a ON a.report = r.id WHERE r.domain = ? GROUP BY r.begin_at / 86400 ORDER BY day",
      ["example.com"],
    );
    expect(rows.map((r) => [Number(r.day), Number(r.messages), Number(r.pass)])).toEqual([
      [19844, 43, 40],
      [19845, 43, 40],
    ]);
  });

  test("filters: a domain and its subdomains (not look-alikes), and periods that overlap the window", async () => {
    await store.insert(sampleAggregate({ reportId: "1" }), "a");
    await store.insert(sampleAggregate({ reportId: "2", domain: "mail.example.com" }), "b");
    await store.insert(sampleAggregate({ reportId: "3", domain: "badexample.com" }), "c");
    await store.insert(sampleAggregate({ reportId: "4", begin: 1717200000, end: 1717286399 }), "d"); // June 1
    const domains = async (f: Parameters<ReportStore["summary"]>[0]) => buildSummary(await store.summary(f)).domains.map((d) => `${d.domain}:${d.reports}`).sort();
    expect(await domains({ domains: ["example.com"] })).toEqual(["example.com:2", "mail.example.com:1"]);
    expect(await domains({ domains: ["example.com"], since: 1717200000 })).toEqual(["example.com:1"]);
    expect(await domains({ domains: [], until: 1714608000 })).toEqual(["badexample.com:1", "example.com:1", "mail.example.com:1"]);
    expect(await store.stored({ domains: ["mail.example.com"] })).toEqual({ aggregate: 1, failure: 0, tlsrpt: 0 });
  });
});

test("a store of a newer schema is refused with a usage error, and an unreadable file too", async () => {
  const db = await sqlite.fresh();
  await (await openStore(db, { durable: false })).close();
  const d = new Database(db);
  d.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'now')").run();
  d.close();
  await expect(openStore(db, { durable: false })).rejects.toThrow(/schema version 99, newer than this maildomain knows/);
  const notDb = path.join(path.dirname(db), "notes.txt");
  fs.writeFileSync(notDb, "this is not a database, it is a text file that is long enough to have a header page".repeat(20));
  await expect(openStore(notDb, { durable: false })).rejects.toMatchObject({ name: "UsageError" });
  await expect(openStore("/nonexistent-folder/x.sqlite", { durable: false })).rejects.toThrow(/does not exist/);
});

test("the SQLite store keeps a WAL journal (readers never block the writer), durable or not", async () => {
  const db = await sqlite.fresh();
  const durable = await openStore(db, { durable: true });
  await durable.insert(sampleAggregate(), "a");
  await durable.close();
  const d = new Database(db, { readonly: true });
  expect(d.pragma("journal_mode", { simple: true })).toBe("wal");
  d.close();
});

test.each(["never", "always"] as const)("a SQLite write that fails in the middle of a report rolls the open batch back: no report is half-stored (writer thread: %s)", async (writerThread) => {
  const db = await sqlite.fresh();
  const store = await openStore(db, { durable: false, writerThread });
  expect(await store.insert(sampleAggregate({ reportId: "first" }), "first.xml")).toBe("stored");
  const broken = sampleAggregate({ reportId: "broken" });
  // The database refuses the report's last row (its SPF result is NOT NULL), after its reports and records rows
  // were written.
  broken.records[broken.records.length - 1].spfResults = [{ domain: "boom.example", scope: "mfrom", result: null as unknown as "pass" }];
  // The message is compared, not the error as thrown: better-sqlite3's SqliteError made jest's rejects.toThrow say
  // "did not throw" when the file ran in a jest worker (it did throw: caught by hand, there, the message is this).
  const failed = store.insert(broken, "broken.xml").catch((e: Error) => e.message);
  // Sent before the failure is known: on the main thread the failure is known at once and this is a batch of its
  // own; in the writer thread it is part of the failed batch and refused with the same error, not written.
  const sentBefore = store.insert(sampleAggregate({ reportId: "sent-before" }), "sent-before.xml").catch((e: Error) => e.message);
  await expect(failed).resolves.toMatch(/NOT NULL constraint failed: aggregate_spf\.result/);
  if (writerThread === "always") await expect(sentBefore).resolves.toMatch(/NOT NULL constraint failed: aggregate_spf\.result/);
  else await expect(sentBefore).resolves.toBe("stored");
  // The batch is gone with it (the command stops here, and the next run reads both again); the store goes on.
  expect(await store.insert(sampleAggregate({ reportId: "after" }), "after.xml")).toBe("stored");
  await store.close();
  const rows = (query: string) => sqlite.sql(db, query);
  const stored = await rows("SELECT id, report_id FROM reports ORDER BY id");
  expect(stored.map((r) => r.report_id)).toEqual(writerThread === "always" ? ["after"] : ["sent-before", "after"]);
  const ids = stored.map((r) => r.id).join(", ");
  for (const table of ["aggregate_reports", "aggregate_records", "aggregate_dkim", "aggregate_spf"]) {
    expect(await rows(`SELECT COUNT(*) AS n FROM ${table} WHERE report NOT IN (${ids})`)).toEqual([{ n: 0 }]);
  }
});

test("a writer thread that cannot open the store fails the writes sent to it, and closing the store still succeeds", async () => {
  const db = await sqlite.fresh();
  const store = await openStore(db, { durable: false, writerThread: "always" });
  // The thread opens the file by its path: with its folder gone, it cannot (the main connection's is still open).
  fs.rmSync(path.dirname(db), { recursive: true, force: true });
  const refused = /^the store's writer thread cannot open .*reports\.sqlite: Cannot open database because the directory does not exist$/;
  await expect(store.insert(sampleAggregate(), "a.xml").catch((e: Error) => e.message)).resolves.toMatch(refused);
  await expect(store.insert(sampleAggregate({ reportId: "2" }), "b.xml").catch((e: Error) => e.message)).resolves.toMatch(refused);
  await expect(store.close()).resolves.toBeUndefined();
});
