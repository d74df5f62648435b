/**
 * `maildomain reports` in process: the JSON document, duplicates on a second read, filters, the human table,
 * the progress line, exit codes, and usage errors that create nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { main } from "../../cli/main";
import { runReports, type ReportsOptions } from "../../cli/reports/command";
import type { ReportsDocument } from "../../reports/summary";
import { captureIo } from "../support/io";
import { composeMessage, renderAggregateXml, renderArfMessage, renderTlsJson, sampleAggregate, sampleTls } from "../support/reports";

const opts = (over: Partial<ReportsOptions>): ReportsOptions => ({ sources: [], json: true, domain: [], ...over });

async function inbox(): Promise<{ dir: string; db: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-cmd-"));
  const dir = path.join(root, "in");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "a.xml"), renderAggregateXml(sampleAggregate({ reportId: "a" })));
  fs.writeFileSync(path.join(dir, "b.xml.gz"), zlib.gzipSync(renderAggregateXml(sampleAggregate({ reportId: "b", domain: "shop.example" }))));
  fs.writeFileSync(path.join(dir, "copy-of-a.xml"), renderAggregateXml(sampleAggregate({ reportId: "a" })));
  fs.writeFileSync(path.join(dir, "tls.json"), renderTlsJson(sampleTls()));
  fs.writeFileSync(path.join(dir, "arf.eml"), renderArfMessage({}));
  fs.writeFileSync(path.join(dir, "c.eml"), await composeMessage({ attachments: [{ filename: "c.xml.gz", content: zlib.gzipSync(renderAggregateXml(sampleAggregate({ reportId: "c", begin: 1717200000, end: 1717286399 }))), contentType: "application/gzip" }] }));
  return { dir, db: path.join(root, "store.sqlite") };
}

async function run(o: ReportsOptions, io = captureIo()): Promise<{ code: number; doc: ReportsDocument; io: ReturnType<typeof captureIo> }> {
  const code = await runReports(o, io);
  return { code, doc: o.json ? JSON.parse(io.stdoutText) : (undefined as never), io };
}

test("the JSON document: run counts, stored counts, domains with sources, TLS, failure reports", async () => {
  const { dir, db } = await inbox();
  const { code, doc } = await run(opts({ sources: [dir], db }));
  expect(code).toBe(0);
  expect(doc.reports).toEqual({ aggregate: 3, failure: 1, tlsrpt: 1, duplicates: 1, rejected: 0 });
  expect(doc.stored).toEqual({ aggregate: 3, failure: 1, tlsrpt: 1 });
  expect(doc.findings).toEqual([]);
  expect(doc.domains.map((d) => [d.domain, d.reports, d.messages, d.dmarcPass, d.dmarcFail, d.from, d.to])).toEqual([
    ["example.com", 2, 86, 80, 6, "2024-05-01T00:00:00Z", "2024-06-01T23:59:59Z"],
    ["shop.example", 1, 43, 40, 3, "2024-05-01T00:00:00Z", "2024-05-01T23:59:59Z"],
  ]);
  const src = doc.domains[0].sources[0];
  expect(src).toEqual({ ip: "203.0.113.5", messages: 80, dmarcPass: 80, dmarcFail: 0, spf: { pass: 80, fail: 0, results: [{ domain: "example.com", scope: "mfrom", result: "pass", messages: 80 }] }, dkim: [{ domain: "example.com", selector: "s2026", result: "pass", messages: 80 }], disposition: { none: 80 } });
  expect(doc.tls[0]).toMatchObject({ domain: "example.com", policyType: "sts", successful: 5326, failed: 303 });
  expect(doc.failures).toEqual([expect.objectContaining({ domain: "example.com", reports: 1, sources: [{ ip: "192.0.2.1", reports: 1 }] })]);
});

test("reading the same reports again stores nothing and counts each as a duplicate; no source reads what is stored", async () => {
  const { dir, db } = await inbox();
  const first = await run(opts({ sources: [dir], db }));
  const again = await run(opts({ sources: [dir], db }));
  expect(again.doc.reports).toEqual({ aggregate: 3, failure: 1, tlsrpt: 1, duplicates: 6, rejected: 0 });
  expect(again.doc.domains).toEqual(first.doc.domains);
  const stored = await run(opts({ db }));
  expect(stored.doc.reports).toEqual({ aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 });
  expect(stored.doc.stored).toEqual({ aggregate: 3, failure: 1, tlsrpt: 1 });
  expect(stored.doc.domains).toEqual(first.doc.domains);
});

test("--domain, --since and --until filter what is summarized, not what is read", async () => {
  const { dir, db } = await inbox();
  const { doc } = await run(opts({ sources: [dir], db, domain: ["Example.com."], since: "2024-06-01" }));
  expect(doc.reports.aggregate).toBe(3);
  expect(doc.stored).toEqual({ aggregate: 1, failure: 0, tlsrpt: 0 });
  expect(doc.domains.map((d) => [d.domain, d.reports, d.messages])).toEqual([["example.com", 1, 43]]);
  const may = await run(opts({ db, until: "2024-05-31" }));
  expect(may.doc.domains.map((d) => d.domain).sort()).toEqual(["example.com", "shop.example"]);
  expect(may.doc.domains.find((d) => d.domain === "example.com")!.reports).toBe(1);
  expect(may.doc.tls).toHaveLength(1);
});

test("a report that cannot be read is a finding naming it, the others are stored, and the exit code is 1", async () => {
  const { dir, db } = await inbox();
  fs.writeFileSync(path.join(dir, "broken.xml"), renderAggregateXml(sampleAggregate({ reportId: "x" })).slice(0, 400));
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a report");
  const { code, doc } = await run(opts({ sources: [dir], db }));
  expect(code).toBe(1);
  expect(doc.reports.rejected).toBe(1);
  expect(doc.stored.aggregate).toBe(3);
  expect(doc.findings.map((f) => [f.code, f.severity, path.basename(f.source)])).toEqual([
    ["xml.not-well-formed", "error", "broken.xml"],
    ["source.not-a-report", "warning", "notes.txt"],
  ]);
});

test("the human output: what was read, what is stored, the domains with their sources, TLS, failures, findings", async () => {
  const { dir, db } = await inbox();
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a report");
  const { code, io } = await run(opts({ sources: [dir], db, json: false }));
  expect(code).toBe(0);
  const out = io.stdoutText;
  expect(out).toContain("Read 3 aggregate reports, 1 failure report, 1 TLS report; 1 was already stored, 0 could not be read.");
  expect(out).toContain(`The store ${db} holds 3 aggregate reports, 1 failure report and 1 TLS report.`);
  expect(out).toMatch(/^example\.com: 2 aggregate reports, 2024-05-01 to 2024-06-01, 86 messages, 80 pass DMARC \(93\.0 %\), 6 fail$/m);
  expect(out).toMatch(/^ {2}203\.0\.113\.5 +80 +100\.0 % +100\.0 % +example\.com\/s2026 pass +none 80$/m);
  expect(out).toMatch(/^ {2}198\.51\.100\.7 +6 +0\.0 % +0\.0 % +unsigned +none 6$/m);
  expect(out).toContain("example.com (sts): 1 report, 2024-05-01 to 2024-05-01, 5,326 sessions succeeded, 303 failed (5.4 %)");
  expect(out).toMatch(/certificate-expired +200 {2}mx1\.example\.com/);
  expect(out).toContain("example.com: 1 report, 2024-05-02 to 2024-05-02, from 192.0.2.1 (1)");
  expect(out).toContain("warning source.not-a-report");
  expect(io.stderrText).toBe("");
});

test("an empty store says how to fill it", async () => {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-cmd-")), "s.sqlite");
  const { io } = await run(opts({ db, json: false }));
  expect(io.stdoutText).toBe(`The store ${db} holds no reports yet: give files, folders, mbox files, Maildirs or --imap to read some.\n`);
});

test("a progress line on a terminal once the input takes a while, erased at the end", async () => {
  const { dir, db } = await inbox();
  let t = 0;
  const io = captureIo({ tty: true, columns: 120 });
  await runReports(opts({ sources: [dir], db, json: true }), io, { now: () => (t += 700) });
  expect(io.stderrText).toMatch(/\r\x1b\[Kreading: \d+ inputs, \d+ reports \(\d+ already stored, 0 rejected\)…/);
  expect(io.stderrText.endsWith("\r\x1b[K")).toBe(true);
  const quiet = captureIo({ tty: false });
  await runReports(opts({ sources: [dir], db }), quiet, { now: () => (t += 700) });
  expect(quiet.stderrText).toBe("");
});

describe("usage errors: exit 2, a message without a stack trace, and no store created", () => {
  test.each([
    [["reports", "/nonexistent/reports"], /this source does not exist: \/nonexistent\/reports\. Nothing was read\./],
    [["reports", "--since", "last week"], /--since "last week" is not a date: write 2024-05-01/],
    [["reports", "--since", "2024-06-01", "--until", "2024-05-01"], /is not before --until/],
    [["reports", "--domain", "exa mple.com"], /--domain "exa mple.com" is not a domain name/],
    [["reports", "--max-size", "huge"], /--max-size "huge" is not a size/],
    [["reports", "--imap-archive", "Archive"], /--imap-archive needs --imap/],
    [["reports", "--imap", "imaps://dmarc:hunter2@imap.example.com/INBOX"], /put the password in the environment variable MAILDOMAIN_IMAP_PASSWORD/],
    [["reports", "--imap", "pop3://x@y/"], /the scheme must be imaps:\/\//],
    [["reports", "--db", "mysql://x@y/z"], /only SQLite files and postgres:\/\//],
  ])("%j", async (args, message) => {
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-usage-"));
    process.chdir(dir);
    try {
      const io = captureIo();
      expect(await main(args as string[], io)).toBe(2);
      expect(io.stderrText).toMatch(message);
      expect(io.stderrText).not.toMatch(/\n\s+at /);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  test("an unreachable IMAP server is a usage error, before any store is created", async () => {
    const io = captureIo();
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-usage-")), "s.sqlite");
    const saved = process.env.MAILDOMAIN_IMAP_PASSWORD;
    process.env.MAILDOMAIN_IMAP_PASSWORD = "x";
    try {
      expect(await main(["reports", "--db", db, "--imap", "imaps://dmarc@127.0.0.1:1/INBOX"], io)).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.MAILDOMAIN_IMAP_PASSWORD;
      else process.env.MAILDOMAIN_IMAP_PASSWORD = saved;
    }
    expect(io.stderrText).toMatch(/cannot connect to 127\.0\.0\.1:1: connect ECONNREFUSED/);
    expect(fs.existsSync(db)).toBe(false);
  });

  test("IMAP without a password is a usage error", async () => {
    const saved = process.env.MAILDOMAIN_IMAP_PASSWORD;
    delete process.env.MAILDOMAIN_IMAP_PASSWORD;
    try {
      const io = captureIo();
      expect(await main(["reports", "--imap", "imaps://dmarc@127.0.0.1:1/INBOX"], io)).toBe(2);
      expect(io.stderrText).toMatch(/needs the password of dmarc in the environment variable MAILDOMAIN_IMAP_PASSWORD/);
    } finally {
      if (saved !== undefined) process.env.MAILDOMAIN_IMAP_PASSWORD = saved;
    }
  });

  test("a database that is not a store is a usage error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-usage-"));
    fs.writeFileSync(path.join(dir, "store.sqlite"), "x".repeat(4096));
    const io = captureIo();
    expect(await main(["reports", "--db", path.join(dir, "store.sqlite")], io)).toBe(2);
    expect(io.stderrText).toMatch(/the store cannot be opened/);
  });
});

test("the default store is maildomain-reports.sqlite in the working directory", async () => {
  const cwd = process.cwd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-default-"));
  fs.writeFileSync(path.join(dir, "r.xml"), renderAggregateXml(sampleAggregate()));
  process.chdir(dir);
  try {
    const io = captureIo();
    expect(await main(["reports", "r.xml", "--json"], io)).toBe(0);
    expect(fs.existsSync(path.join(dir, "maildomain-reports.sqlite"))).toBe(true);
    // Reading the folder the store is in skips the store's own files.
    const again = captureIo();
    expect(await main(["reports", ".", "--json"], again)).toBe(0);
    expect(JSON.parse(again.stdoutText).findings).toEqual([]);
  } finally {
    process.chdir(cwd);
  }
});

test("what receivers wrote cannot drive the terminal: escapes in a report are printed as \\DDD in the table and as \\uXXXX in JSON", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-cmd-"));
  const tls = sampleTls({ orgName: "Evil\u001b]0;owned\u0007 Inc." });
  tls.policies[0].failures[0].receivingMxHostname = "mx1\u001b[2J.example.com";
  tls.policies[0].failures[0].resultType = "certificate-expired\u009b31m\u202e" as never;
  fs.writeFileSync(path.join(root, "t.json"), renderTlsJson(tls));
  const db = path.join(root, "store.sqlite");
  const human = await run(opts({ sources: [root], db, json: false }));
  expect(human.code).toBe(0);
  // No character a terminal acts on, only the layout's line breaks; the values are there, escaped.
  expect(human.io.stdoutText).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  expect(human.io.stdoutText).toContain("\\027[2");
  expect(human.io.stdoutText).toContain("certificate-expired\\194\\15531m\\226\\128\\174");
  const json = await run(opts({ db }));
  expect(json.io.stdoutText).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  // The same value as stored: JSON's escapes decode back to it.
  expect(json.doc.tls[0].failures.map((f) => f.resultType)).toContain("certificate-expired\u009b31m\u202e");
});
