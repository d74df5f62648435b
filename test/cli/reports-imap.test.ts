/**
 * `maildomain reports --imap` against a real IMAP server (Dovecot on loopback, IMAPS with a test CA, a test user):
 * reading, archiving only after the commit, leaving what could not be read, the usage errors of a wrong
 * certificate, password, mailbox or folder, and a run killed in the middle.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import Database from "better-sqlite3";
import { ImapFlow } from "imapflow";
import { main } from "../../cli/main";
import type { ReportsDocument } from "../../reports/summary";
import { finished, runCli, spawnCli } from "../support/cli-process";
import { dovecotAvailable, startDovecot, type ImapServer } from "../support/dovecot";
import { captureIo } from "../support/io";
import { composeMessage, renderAggregateXml, renderArfMessage, renderTlsJson, sampleAggregate, sampleTls } from "../support/reports";
import { sleep } from "../support/server-process";

jest.setTimeout(180_000);

const available = dovecotAvailable();
const d = available ? describe : describe.skip;

let server: ImapServer;
beforeAll(async () => {
  if (available) server = await startDovecot();
});
afterAll(async () => {
  await server?.stop();
});

async function imap<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: server.user, pass: server.password }, tls: { ca: fs.readFileSync(server.caFile) }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

const count = (c: ImapFlow, box: string) => c.status(box, { messages: true }).then((s) => (s ? (s.messages ?? 0) : 0));

async function freshMailboxes(c: ImapFlow, names: string[]): Promise<void> {
  const existing = (await c.list()).map((m) => m.path);
  for (const n of names) {
    if (existing.includes(n)) await c.mailboxDelete(n);
    await c.mailboxCreate(n);
  }
}

async function withEnv<T>(password: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.MAILDOMAIN_IMAP_PASSWORD;
  process.env.MAILDOMAIN_IMAP_PASSWORD = password;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.MAILDOMAIN_IMAP_PASSWORD;
    else process.env.MAILDOMAIN_IMAP_PASSWORD = saved;
  }
}

const tmpDb = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-imap-")), "store.sqlite");

d("an IMAP mailbox", () => {
  test("reports are read, messages moved to the archive after the commit; what could not be read stays", async () => {
    await imap(async (c) => {
      await freshMailboxes(c, ["Reports", "Reports/Done"]);
      const agg = (id: string) => renderAggregateXml(sampleAggregate({ reportId: id }));
      await c.append("Reports", await composeMessage({ messageId: "<gz@google.com>", attachments: [{ filename: "a.xml.gz", content: zlib.gzipSync(agg("a")), contentType: "application/gzip" }] }));
      await c.append("Reports", await composeMessage({ messageId: "<xml@yahoo.com>", attachments: [{ filename: "b.xml", content: agg("b"), contentType: "text/xml" }] }));
      await c.append("Reports", await composeMessage({ messageId: "<tls@google.com>", attachments: [{ filename: "t.json.gz", content: zlib.gzipSync(renderTlsJson(sampleTls())), contentType: "application/tlsrpt+gzip" }] }));
      await c.append("Reports", renderArfMessage({}));
      await c.append("Reports", await composeMessage({ messageId: "<hello@example.com>", subject: "Hello", attachments: [] }));
      await c.append("Reports", await composeMessage({ messageId: "<broken@google.com>", attachments: [{ filename: "c.xml.gz", content: zlib.gzipSync(agg("c").slice(0, 300)), contentType: "application/gzip" }] }));
    });
    const db = tmpDb();
    const io = captureIo();
    const args = ["reports", "--db", db, "--imap", server.url("Reports"), "--ca", server.caFile, "--imap-archive", "Reports/Done", "--json"];
    const code = await withEnv(server.password, () => main(args, io));
    expect(io.stderrText).toBe("");
    expect(code).toBe(1); // the broken report is an error
    const doc: ReportsDocument = JSON.parse(io.stdoutText);
    expect(doc.reports).toEqual({ aggregate: 2, failure: 1, tlsrpt: 1, duplicates: 0, rejected: 1 });
    expect(doc.findings.map((f) => [f.code, f.source.replace(/UID \d+/, "UID n")])).toEqual([
      ["source.no-report", `${server.url("Reports")} › UID n › <hello@example.com>`],
      ["xml.not-well-formed", `${server.url("Reports")} › UID n › <broken@google.com> › c.xml.gz`],
    ]);
    expect(await imap(async (c) => [await count(c, "Reports"), await count(c, "Reports/Done")])).toEqual([2, 4]);

    // Again: nothing new, the two left behind are reported again and stay.
    const again = captureIo();
    await withEnv(server.password, () => main(args, again));
    expect(JSON.parse(again.stdoutText).reports).toEqual({ aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 1 });
    expect(await imap(async (c) => [await count(c, "Reports"), await count(c, "Reports/Done")])).toEqual([2, 4]);
  });

  test("without --imap-archive the messages stay, and a second run finds every report stored", async () => {
    await imap(async (c) => {
      await freshMailboxes(c, ["Keep"]);
      for (const id of ["k1", "k2", "k3"]) await c.append("Keep", await composeMessage({ attachments: [{ filename: `${id}.xml`, content: renderAggregateXml(sampleAggregate({ reportId: id })), contentType: "text/xml" }] }));
    });
    const db = tmpDb();
    const args = ["reports", "--db", db, "--imap", server.url("Keep"), "--ca", server.caFile, "--json"];
    const first = captureIo();
    expect(await withEnv(server.password, () => main(args, first))).toBe(0);
    expect(JSON.parse(first.stdoutText).reports).toMatchObject({ aggregate: 3, duplicates: 0 });
    const second = captureIo();
    await withEnv(server.password, () => main(args, second));
    expect(JSON.parse(second.stdoutText).reports).toMatchObject({ aggregate: 3, duplicates: 3 });
    expect(await imap((c) => count(c, "Keep"))).toBe(3);
  });

  test.each([
    ["a certificate from an unknown CA (no --ca)", (s: ImapServer) => ["--imap", s.url()], "pw", /not trusted; give its CA with --ca FILE/],
    ["a wrong password", (s: ImapServer) => ["--imap", s.url(), "--ca", s.caFile], "wrong", /authentication failed.*check the user and MAILDOMAIN_IMAP_PASSWORD/],
    ["a mailbox that does not exist", (s: ImapServer) => ["--imap", s.url("Nope"), "--ca", s.caFile], "pw", /there is no mailbox "Nope" \(the server has: .*INBOX/],
    ["an archive folder that does not exist", (s: ImapServer) => ["--imap", s.url(), "--ca", s.caFile, "--imap-archive", "archive"], "pw", /--imap-archive "archive" does not exist on 127\.0\.0\.1 .*create it in your mail client first/],
  ])("%s is a usage error, and no store is created", async (_name, extra, password, message) => {
    const db = tmpDb();
    const io = captureIo();
    const code = await withEnv(password === "pw" ? server.password : password, () => main(["reports", "--db", db, ...extra(server)], io));
    expect(code).toBe(2);
    expect(io.stderrText).toMatch(message);
    expect(fs.existsSync(db)).toBe(false);
  });

  test("killed in the middle of archiving, then run again: every message archived, every report stored once", async () => {
    const n = 300;
    await imap(async (c) => {
      await freshMailboxes(c, ["Bulk", "Bulk-Done"]);
      for (let i = 0; i < n; i++) {
        const xml = renderAggregateXml(sampleAggregate({ reportId: `bulk-${i}` }));
        await c.append("Bulk", await composeMessage({ messageId: `<bulk-${i}@google.com>`, attachments: [{ filename: `b${i}.xml.gz`, content: zlib.gzipSync(xml), contentType: "application/gzip" }] }));
      }
    });
    const db = tmpDb();
    const args = ["reports", "--db", db, "--imap", server.url("Bulk"), "--ca", server.caFile, "--imap-archive", "Bulk-Done", "--json"];
    const env = { MAILDOMAIN_IMAP_PASSWORD: server.password };
    const child = spawnCli(args, env);
    const done = finished(child);
    const stored = () => {
      if (!fs.existsSync(db)) return 0;
      const s = new Database(db, { readonly: true, timeout: 10_000 });
      try {
        return s.prepare("SELECT 1 FROM sqlite_master WHERE name = 'reports'").get() ? (s.prepare("SELECT COUNT(*) AS n FROM reports").get() as { n: number }).n : 0;
      } finally {
        s.close();
      }
    };
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && stored() < 40; ) await sleep(20);
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    const [left, archived] = await imap(async (c) => [await count(c, "Bulk"), await count(c, "Bulk-Done")]);
    const storedAtKill = stored();
    expect(storedAtKill).toBeLessThan(n);
    // Archived only after the commit: every archived message's report is stored.
    expect(archived).toBeLessThanOrEqual(storedAtKill);
    expect(left + archived).toBe(n);

    const again = await runCli(args, env);
    expect(again.code).toBe(0);
    const doc: ReportsDocument = JSON.parse(again.stdout);
    expect(doc.reports.aggregate).toBe(left);
    expect(doc.reports.duplicates).toBe(storedAtKill - archived);
    expect(stored()).toBe(n);
    expect(doc.domains[0]).toMatchObject({ reports: n, messages: 43 * n });
    expect(await imap(async (c) => [await count(c, "Bulk"), await count(c, "Bulk-Done")])).toEqual([0, n]);
  });
});
