/**
 * Every input kind, by content: gzip, zip, report e-mails (attachments, inline bodies, ARF, TLS-RPT), mbox,
 * Maildir, and what must be refused without costing the rest: gzip and zip bombs, damaged archives, nesting.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { extract, type Extraction } from "../../cli/reports/sources/extract";
import { fileUnits } from "../../cli/reports/sources/files";
import { DEFAULT_LIMITS, parseSize, type Limits } from "../../cli/reports/sources/limits";
import type { AggregateReport, FailureReport, TlsReport } from "../../reports/model";
import { generateWithMailDmarc, mailDmarcAvailable } from "../support/mail-dmarc";
import { composeMessage, renderAggregateXml, renderArfMessage, renderTlsJson, sampleAggregate, sampleTls, zipArchive } from "../support/reports";

const xml = (id: string) => renderAggregateXml(sampleAggregate({ reportId: id }));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-sources-"));
const ids = (x: Extraction) => x.reports.map((r) => (r.report.kind === "aggregate" ? r.report.metadata.reportId : r.report.reportId));
const codes = (x: Extraction) => x.findings.map((f) => f.code);

const zip = zipArchive;

describe("archives", () => {
  test("plain XML, .xml.gz, and a .zip with two reports and a folder entry", async () => {
    expect(ids(await extract(Buffer.from(xml("a")), "a.xml", DEFAULT_LIMITS))).toEqual(["a"]);
    expect(ids(await extract(zlib.gzipSync(xml("b")), "b.xml.gz", DEFAULT_LIMITS))).toEqual(["b"]);
    const z = await extract(await zip([["c.xml", xml("c")], ["d/", ""], ["d/e.xml", xml("e")]]), "c.zip", DEFAULT_LIMITS);
    expect(ids(z)).toEqual(["c", "e"]);
    expect(z.reports[1].source).toBe("c.zip › d/e.xml");
  });

  test("a TLS report as .json and .json.gz", async () => {
    const json = renderTlsJson(sampleTls());
    for (const bytes of [Buffer.from(json), zlib.gzipSync(json)]) {
      const x = await extract(bytes, "t", DEFAULT_LIMITS);
      expect(x.reports.map((r) => r.report.kind)).toEqual(["tlsrpt"]);
    }
  });

  test("a gzip bomb is refused at the limit, and says how to raise it", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const limits: Limits = { ...DEFAULT_LIMITS, maxBytes: 1024 * 1024 };
    const x = await extract(bomb, "bomb.xml.gz", limits);
    expect(x.reports).toEqual([]);
    expect(x.rejected).toBe(1);
    expect(x.findings).toEqual([expect.objectContaining({ code: "source.too-large", severity: "error", source: "bomb.xml.gz" })]);
    expect(x.findings[0].message).toMatch(/--max-size/);
  });

  test("a zip bomb is refused by its declared size, and by its real size when the header lies", async () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxBytes: 1024 * 1024 };
    const big = Buffer.alloc(8 * 1024 * 1024, 0x20);
    const honest = await extract(await zip([["big.xml", big], ["ok.xml", xml("ok")]]), "honest.zip", limits);
    expect(codes(honest)).toEqual(["source.too-large"]);
    expect(ids(honest)).toEqual(["ok"]); // the other entry is still read

    const lying = await zip([["big.xml", big]]);
    const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(100, cd + 24); // the central directory claims 100 bytes
    const x = await extract(lying, "lying.zip", limits);
    expect(x.reports).toEqual([]);
    expect(x.rejected).toBeGreaterThan(0);
    expect(x.findings.every((f) => f.severity === "error")).toBe(true);
  });

  test("damaged archives: a truncated gzip, a zip cut in half; the others in a folder are unaffected", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "1-cut.xml.gz"), zlib.gzipSync(xml("cut")).subarray(0, 60));
    fs.writeFileSync(path.join(dir, "2-cut.zip"), (await zip([["x.xml", xml("x")]])).subarray(0, 80));
    fs.writeFileSync(path.join(dir, "3-good.xml.gz"), zlib.gzipSync(xml("good")));
    const all: Extraction = { reports: [], findings: [], rejected: 0, others: 0 };
    for await (const u of fileUnits([dir], DEFAULT_LIMITS)) {
      const x = await extract(u.bytes!, u.source, DEFAULT_LIMITS);
      all.reports.push(...x.reports);
      all.findings.push(...x.findings);
      all.rejected += x.rejected;
    }
    expect(ids(all)).toEqual(["good"]);
    expect(all.rejected).toBe(2);
    expect(codes(all)).toEqual(["source.bad-gzip", "source.bad-zip"]);
  });

  test("nesting deeper than the limit is refused", async () => {
    let bytes: Buffer = Buffer.from(xml("deep"));
    for (let i = 0; i < 8; i++) bytes = zlib.gzipSync(bytes);
    const x = await extract(bytes, "deep.gz", DEFAULT_LIMITS);
    expect(x.reports).toEqual([]);
    expect(codes(x)).toEqual(["source.too-deep"]);
  });

  test("sizes as the user writes them", () => {
    expect(parseSize("64M")).toBe(64 * 1024 * 1024);
    expect(parseSize("1G")).toBe(1024 ** 3);
    expect(parseSize("512k")).toBe(512 * 1024);
    expect(parseSize("1000")).toBe(1000);
    expect(parseSize("lots")).toBeUndefined();
    expect(parseSize("0")).toBeUndefined();
  });
});

describe("messages", () => {
  test("report e-mails: gzip, zip and plain XML attachments, an XML body, a TLS-RPT attachment", async () => {
    const gz = await composeMessage({ attachments: [{ filename: "google.com!example.com!1714521600!1714607999.xml.gz", content: zlib.gzipSync(xml("gz")), contentType: "application/gzip" }] });
    const zipped = await composeMessage({ attachments: [{ filename: "r.zip", content: await zip([["r.xml", xml("zip")]]), contentType: "application/zip" }, { filename: "logo.png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: "image/png" }] });
    const plain = await composeMessage({ attachments: [{ filename: "r.xml", content: xml("plain"), contentType: "text/xml" }] });
    const body = await composeMessage({ text: xml("body"), attachments: [] });
    const tls = await composeMessage({ subject: "Report Domain: example.com Submitter: google.com Report-ID: <x>", attachments: [{ filename: "google.com!example.com!1714521600!1714607999!001.json.gz", content: zlib.gzipSync(renderTlsJson(sampleTls())), contentType: "application/tlsrpt+gzip" }] });
    for (const [m, id] of [[gz, "gz"], [zipped, "zip"], [plain, "plain"], [body, "body"]] as const) {
      const x = await extract(m, "m.eml", DEFAULT_LIMITS);
      expect(ids(x)).toEqual([id]);
      expect(x.findings).toEqual([]); // the logo is skipped quietly
    }
    const t = await extract(tls, "t.eml", DEFAULT_LIMITS);
    expect((t.reports[0].report as TlsReport).policies[0].failed).toBe(303);
  });

  (mailDmarcAvailable() ? test : test.skip)("the report e-mail Mail::DMARC sends (human summary and gzip attachment)", async () => {
    const dir = tmp();
    const model = sampleAggregate({ reportId: "mail-dmarc-eml" });
    const { eml } = generateWithMailDmarc([{ orgName: "reporter.example", email: "dmarc-reports@reporter.example", reportId: "mail-dmarc-eml", begin: model.metadata.begin, end: model.metadata.end, policy: { domain: "example.com", p: "none" }, records: model.records }], dir, { eml: true });
    const x = await extract(fs.readFileSync(eml[0]), eml[0], DEFAULT_LIMITS);
    expect(x.findings).toEqual([]);
    expect(ids(x)).toEqual(["mail-dmarc-eml"]);
    expect(x.reports[0].source).toMatch(/reporter\.example!example\.com!1714521600!1714607999!mail-dmarc-eml\.xml\.gz$/);
    expect((x.reports[0].report as AggregateReport).records.reduce((n, r) => n + r.count, 0)).toBe(43);
  });

  test.each([
    ["text/rfc822-headers", false],
    ["message/rfc822", true],
  ])("an ARF failure report with the original as %s", async (_type, asRfc822) => {
    const x = await extract(Buffer.from(renderArfMessage({ asRfc822 })), "arf.eml", DEFAULT_LIMITS);
    expect(x.findings).toEqual([]);
    const f = x.reports[0].report as FailureReport;
    expect(f).toMatchObject({ kind: "failure", domain: "example.com", sourceIp: "192.0.2.1", orgName: "mx.receiver.example", deliveryResult: "reject", original: { subject: "Urgent wire transfer", from: "CEO <ceo@example.com>" } });
    expect(f.message.messageId).toBe("<arf-1@receiver.example>");
    expect(x.reports[0].source).toBe("arf.eml › <arf-1@receiver.example>");
  });

  test("a message without a report is skipped with a warning naming it", async () => {
    const m = await composeMessage({ subject: "Lunch?", messageId: "<lunch@example.com>", attachments: [{ filename: "menu.pdf", content: "%PDF-1.4", contentType: "application/pdf" }] });
    const x = await extract(m, "inbox.mbox › message 4", DEFAULT_LIMITS);
    expect(x.reports).toEqual([]);
    expect(x.rejected).toBe(0);
    expect(x.findings).toEqual([expect.objectContaining({ code: "source.no-report", severity: "warning", source: "inbox.mbox › message 4 › <lunch@example.com>" })]);
    expect(x.findings[0].message).toContain("menu.pdf");
  });

  test("a broken report inside a message is rejected with the message and attachment named", async () => {
    const m = await composeMessage({ messageId: "<broken@google.com>", attachments: [{ filename: "r.xml.gz", content: zlib.gzipSync(xml("x").slice(0, 300)), contentType: "application/gzip" }] });
    const x = await extract(m, "r.eml", DEFAULT_LIMITS);
    expect(x.rejected).toBe(1);
    expect(x.findings[0]).toMatchObject({ code: "xml.not-well-formed", source: "r.eml › <broken@google.com> › r.xml.gz" });
  });
});

describe("mailboxes", () => {
  test("an mbox file, one message at a time, with mboxrd >From quoting undone", async () => {
    const dir = tmp();
    const messages = await Promise.all(["m1", "m2", "m3"].map((id) => composeMessage({ messageId: `<${id}@google.com>`, text: "From the reporter: see attached.\n", attachments: [{ filename: `${id}.xml`, content: xml(id), contentType: "text/xml" }] })));
    const mbox = messages.map((m) => `From noreply-dmarc-support@google.com Thu May  2 00:00:00 2024\n${m.toString("latin1").replace(/\r\n/g, "\n").replace(/^From /gm, ">From ")}\n`).join("");
    fs.writeFileSync(path.join(dir, "reports.mbox"), mbox, "latin1");
    const units = [];
    for await (const u of fileUnits([path.join(dir, "reports.mbox")], DEFAULT_LIMITS)) units.push(u);
    expect(units.map((u) => u.source)).toEqual([1, 2, 3].map((i) => `${path.join(dir, "reports.mbox")} › message ${i}`));
    expect(units[0].bytes!.toString()).toContain("\nFrom the reporter");
    const found = [];
    for (const u of units) found.push(...ids(await extract(u.bytes!, u.source, DEFAULT_LIMITS)));
    expect(found).toEqual(["m1", "m2", "m3"]);
  });

  test("a Maildir: cur/ and new/ and Maildir++ subfolders, never tmp/ or the server's index files", async () => {
    const dir = tmp();
    for (const d of ["cur", "new", "tmp", ".Archive/cur", ".Archive/new", ".Archive/tmp"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const msg = async (id: string) => composeMessage({ attachments: [{ filename: `${id}.xml`, content: xml(id), contentType: "text/xml" }] });
    fs.writeFileSync(path.join(dir, "cur", "1714600000.M1P1.host:2,S"), await msg("cur"));
    fs.writeFileSync(path.join(dir, "new", "1714600001.M2P1.host"), await msg("new"));
    fs.writeFileSync(path.join(dir, "tmp", "1714600002.M3P1.host"), await msg("tmp"));
    fs.writeFileSync(path.join(dir, ".Archive", "cur", "1714600003.M4P1.host:2,S"), await msg("archived"));
    fs.writeFileSync(path.join(dir, "dovecot-uidlist"), "3 V1 N4\n");
    fs.writeFileSync(path.join(dir, "dovecot.index.log"), Buffer.from([1, 2, 3]));
    const found = [];
    const findings = [];
    for await (const u of fileUnits([dir], DEFAULT_LIMITS)) {
      const x = await extract(u.bytes!, u.source, DEFAULT_LIMITS);
      found.push(...ids(x));
      findings.push(...x.findings);
    }
    expect(found).toEqual(["cur", "new", "archived"]);
    expect(findings).toEqual([]);
  });

  test("an mbox inside a zip inside a message is read to the bottom", async () => {
    const inner = await composeMessage({ attachments: [{ filename: "r.xml", content: xml("bottom"), contentType: "text/xml" }] });
    const mbox = `From a@b Thu May  2 00:00:00 2024\n${inner.toString("latin1").replace(/\r\n/g, "\n")}\n`;
    const outer = await composeMessage({ attachments: [{ filename: "archive.zip", content: await zip([["inbox.mbox", mbox]]), contentType: "application/zip" }] });
    const x = await extract(outer, "fwd.eml", DEFAULT_LIMITS);
    expect(ids(x)).toEqual(["bottom"]);
    expect(x.reports[0].source).toMatch(/^fwd\.eml › <.*> › archive\.zip › inbox\.mbox › message 1 › <.*> › r\.xml$/);
  });

  test("folders are read in name order, hidden files skipped, files given by name always read", async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, "b"));
    fs.writeFileSync(path.join(dir, "b", "2.xml"), xml("2"));
    fs.writeFileSync(path.join(dir, "a.xml"), xml("1"));
    fs.writeFileSync(path.join(dir, ".hidden.xml"), xml("hidden"));
    fs.symlinkSync(dir, path.join(dir, "b", "loop"));
    const sources = [];
    for await (const u of fileUnits([dir, path.join(dir, ".hidden.xml")], DEFAULT_LIMITS)) sources.push(path.relative(dir, u.source));
    expect(sources).toEqual(["a.xml", path.join("b", "2.xml"), ".hidden.xml"]);
  });
});
