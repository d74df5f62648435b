/**
 * `maildomain check --db STORE`: a domain with stored reports gets the report advisor's one-line verdict beside
 * the live check's (DMARC's next step, and MTA-STS's from the TLS reports); a domain without gets none; a store
 * that does not exist is a usage error. Live DNS and reverse DNS are served by Knot.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import type { AdvisedDocument } from "../../reports/advisor/document";
import { scenarioZones, writeScenarioReports } from "../support/advisor-scenarios";
import { startDnsServer, type DnsServer, type Zone } from "../support/dns";
import { captureIo } from "../support/io";
import { txt } from "./check-support";

jest.setTimeout(60_000);

const live = (domain: string, spf: string, dmarc: string): Zone => ({
  origin: domain,
  records: [
    { name: domain, type: "MX", value: `10 mx1.${domain}.` },
    { name: `mx1.${domain}`, type: "A", value: "203.0.113.25" },
    { name: domain, type: "TXT", value: txt(spf) },
    { name: `_dmarc.${domain}`, type: "TXT", value: txt(dmarc) },
  ],
});

let tmp: string;
let db: string;
let dns: DnsServer;
let reports: AdvisedDocument;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-check-db-"));
  writeScenarioReports(path.join(tmp, "in"));
  db = path.join(tmp, "reports.sqlite");
  const zones = scenarioZones().filter((z) => z.origin !== "ready.example");
  const ready = live("ready.example", "v=spf1 mx ip4:203.0.113.0/28 -all", "v=DMARC1; p=none; rua=mailto:dmarc@ready.example");
  ready.records.push({ name: "mail.ready.example", type: "A", value: "203.0.113.5" });
  zones.push(
    ready,
    live("tls.example", "v=spf1 mx -all", "v=DMARC1; p=reject; rua=mailto:dmarc@tls.example"),
    live("noreports.example", "v=spf1 mx -all", "v=DMARC1; p=reject"),
  );
  dns = await startDnsServer(zones);
  const io = captureIo();
  expect(await main(["reports", path.join(tmp, "in"), "--db", db, "--json", "--server", dns.address], io)).toBe(0);
  reports = JSON.parse(io.stdoutText);
});
afterAll(async () => {
  await dns?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("the JSON result of a domain with stored reports carries the advisor's verdicts; one without carries none", async () => {
  const io = captureIo();
  await main(["check", "ready.example", "tls.example", "noreports.example", "--server", dns.address, "--no-smtp", "--db", db, "--json"], io);
  const doc = JSON.parse(io.stdoutText) as { results: { domain: string; reports?: { store: string; verdict?: { summary: string; ready: boolean }; mtaSts?: { summary: string } } }[] };
  const ready = doc.results.find((r) => r.domain === "ready.example")!;
  expect(ready.reports?.verdict?.summary).toBe(reports.domains.find((d) => d.domain === "ready.example")!.verdict.summary);
  expect(ready.reports?.verdict?.ready).toBe(true);
  expect(ready.reports?.store).toBe(db);
  const tls = doc.results.find((r) => r.domain === "tls.example")!;
  expect(tls.reports?.verdict).toBeUndefined();
  expect(tls.reports?.mtaSts?.summary).toMatch(/^tls\.example: MTA-STS not ready for enforce — .*certificate of mx2\.tls\.example has expired/);
  expect(doc.results.find((r) => r.domain === "noreports.example")!.reports).toBeUndefined();
});

test("the text output notes the verdict after the live check's", async () => {
  const io = captureIo();
  await main(["check", "ready.example", "--server", dns.address, "--no-smtp", "--db", db], io);
  const lines = io.stdoutText.split("\n");
  const verdictLine = lines.findIndex((l) => l.startsWith("  Verdict (Gmail):"));
  const reportsLine = lines.findIndex((l) => l.startsWith("  Reports: ready.example: ready for p=quarantine — 100 % of 4,050 messages from your senders passed DMARC over 15 days"));
  expect(verdictLine).toBeGreaterThan(0);
  expect(reportsLine).toBeGreaterThan(verdictLine);
});

test("--db naming no store is a usage error; the check creates none", async () => {
  const missing = path.join(tmp, "nothing-here.sqlite");
  const io = captureIo();
  expect(await main(["check", "ready.example", "--server", dns.address, "--db", missing], io)).toBe(2);
  expect(io.stderrText).toMatch(/--db .*nothing-here\.sqlite: there is no report store there; fill one with `maildomain reports SOURCE\.\.\. --db /);
  expect(fs.existsSync(missing)).toBe(false);
});
