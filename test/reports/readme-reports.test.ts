/**
 * docs/reports.md stays true: every finding code the reader and the advisor can produce is in its tables, every
 * sending service in its services table, and the reader's JSON example has the shape of a real document.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runReports } from "../../cli/reports/command";
import { captureIo } from "../support/io";
import { section } from "../support/markdown";
import { renderAggregateXml, renderArfMessage, renderTlsJson, sampleAggregate, sampleTls } from "../support/reports";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const DOCS = fs.readFileSync(path.join(ROOT, "docs", "reports.md"), "utf8");
const READER = section(DOCS, "## Reading reports into the store");
const ADVISOR = section(DOCS, "## The advisor");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

test("every finding code the reader can produce is in docs/reports.md's findings table", () => {
  const text = [...sourceFiles(path.join(ROOT, "reports")), ...sourceFiles(path.join(ROOT, "cli", "reports"))].map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const codes = new Set([...text.matchAll(/"((?:xml|text|aggregate|failure|tlsrpt|source|imap)\.[a-z0-9-]+)"/g)].map((m) => m[1]));
  for (const ns of text.matchAll(/leaf\([^)]*"(aggregate)"/g)) for (const c of ["repeated-element", "not-text"]) codes.add(`${ns[1]}.${c}`);
  expect(codes.size).toBeGreaterThan(50);
  const table = section(READER, "### Findings");
  for (const c of codes) expect(table).toContain(`\`${c}\``);
});

test("docs/reports.md's JSON example has the shape of a real document", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-readme-"));
  fs.writeFileSync(path.join(dir, "a.xml"), renderAggregateXml(sampleAggregate()));
  fs.writeFileSync(path.join(dir, "broken.xml"), "<feedback>");
  fs.writeFileSync(path.join(dir, "t.json"), renderTlsJson(sampleTls()));
  fs.writeFileSync(path.join(dir, "f.eml"), renderArfMessage({}));
  const io = captureIo();
  await runReports({ sources: [dir], db: path.join(dir, "s.sqlite"), json: true, domain: [] }, io);
  const real = JSON.parse(io.stdoutText);
  const block = /```json\n(\{\n {2}"reports"[\s\S]*?)```/.exec(section(READER, "### The JSON document"));
  expect(block).not.toBeNull();
  const doc = JSON.parse(block![1]);
  const keys = (o: object) => Object.keys(o).sort();
  expect(keys(doc)).toEqual(keys(real));
  expect(keys(doc.reports)).toEqual(keys(real.reports));
  expect(keys(doc.domains[0])).toEqual(keys(real.domains[0]));
  expect(keys(doc.domains[0].sources[0])).toEqual(keys(real.domains[0].sources[0]));
  expect(keys(doc.tls[0])).toEqual(keys(real.tls[0]));
  expect(keys(doc.failures[0])).toEqual(keys(real.failures[0]));
  expect(keys(doc.findings[0])).toEqual(keys(real.findings[0]));
});

test("every advice finding code is in docs/reports.md's table, and every sending service in its services table", async () => {
  const text = sourceFiles(path.join(ROOT, "cli", "reports", "advise")).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const codes = new Set([...text.matchAll(/"(advice\.[a-z0-9-]+)"/g)].map((m) => m[1]));
  expect(codes.size).toBeGreaterThanOrEqual(4);
  const findings = section(ADVISOR, "### Finding codes");
  for (const c of codes) expect(findings).toContain(`\`${c}\``);
  const { SENDING_SERVICES } = await import("../../reports/advisor/services");
  const table = section(ADVISOR, "### The sending services");
  for (const service of SENDING_SERVICES) {
    const row = table.split("\n").find((l) => l.startsWith(`| ${service.name} |`));
    expect(row).toBeDefined();
    for (const include of service.spfInclude) expect(row).toContain(`\`${include}\``);
    expect(row).toContain(`\`${service.rdns[0]}\``);
  }
  expect(README).toContain("(docs/reports.md)");
  expect(README).toContain("(docs/reports.md#reading-reports-into-the-store)");
  expect(fs.existsSync(path.join(ROOT, "docs", "reports-html.png"))).toBe(true);
});
