/**
 * `maildomain reports`' advisor on stored reports, with a declared plan (a real `maildomain plan --json` of
 * test/fixtures/programs/advisor) and reverse DNS served by a real DNS server (Knot): a domain ready for
 * quarantine, one blocked by unsigned marketing senders, one whose failures are all spoofing, one with
 * forwarding, thin data, and the TLS-RPT side (MTA-STS testing → enforce). Every suggested change is applied to
 * the declared arguments and run through the planner. The same store on PostgreSQL gives the same advice.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { planMailDomain } from "../../components/plan/plan";
import { applyChange, type ArgChange } from "../../reports/advisor";
import type { AdvisedDocument, AdvisedDomain } from "../../reports/advisor/document";
import { ADVISOR_DOMAINS, ED25519_KEY } from "../fixtures/programs/advisor/domains";
import { scenarioZones, writeScenarioReports } from "../support/advisor-scenarios";
import { startDnsServer, type DnsServer } from "../support/dns";
import { captureIo, type CapturedIo } from "../support/io";
import { postgresAvailable, startPostgres, type PostgresServer } from "../support/postgres";

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "programs", "advisor");

/** `maildomain …` in a fresh module registry (the plan runs a program: its SDK instance must be new). */
async function cli(args: string[]): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo();
  let code = -1;
  await jest.isolateModulesAsync(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("../../cli/main") as typeof import("../../cli/main");
    code = await m.main(args, io);
  });
  return { code, io };
}

let tmp: string;
let dns: DnsServer;
let planFile: string;
let inbox: string;
let doc: AdvisedDocument;
let human: string;
const domain = (name: string): AdvisedDomain => doc.domains.find((d) => d.domain === name)!;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-advise-"));
  inbox = path.join(tmp, "in");
  writeScenarioReports(inbox);
  const plan = await cli(["plan", "--cwd", FIXTURE, "--json"]);
  expect(plan.code).toBe(0);
  planFile = path.join(tmp, "plan.json");
  fs.writeFileSync(planFile, plan.io.stdoutText);
  dns = await startDnsServer(scenarioZones());
  // Part 1's ingestion stores the reports; the advice is printed from the store.
  const read = await cli(["reports", inbox, "--db", path.join(tmp, "s.sqlite"), "--json", "--expect", planFile, "--server", dns.address]);
  expect(read.code).toBe(0);
  doc = JSON.parse(read.io.stdoutText);
  const table = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--expect", planFile, "--server", dns.address]);
  human = table.io.stdoutText;
});
afterAll(async () => {
  await dns?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("a domain whose own servers pass is ready for quarantine, with the exact change (subdomainPolicy: its subdomain sends and passes)", () => {
  const d = domain("ready.example");
  expect(d.verdict).toMatchObject({ current: "none", currentFrom: "declared", next: "quarantine", ready: true, passRate: 100, days: 15, reporters: 2, blockers: [] });
  expect(d.verdict.change).toBe('dmarc: { policy: DmarcPolicy.Quarantine, rua: ["mailto:dmarc@ready.example"], subdomainPolicy: DmarcPolicy.Quarantine }');
  expect(d.verdict.subdomains).toEqual([{ domain: "app.ready.example", messages: 300, passRate: 100 }]);
  expect(d.verdict.summary).toMatch(/^ready\.example: ready for p=quarantine — 100 % of 4,050 messages from your senders passed DMARC over 15 days; 45 messages from 1 unknown source would be quarantined\. Change: dmarc: /);
  // the declared SPF authorizes 203.0.113.5 (ip4) and 203.0.113.25 (mx: the plan's MX host, its A record from DNS)
  const own = d.senders.find((s) => s.kind === "own")!;
  expect(own).toMatchObject({ id: "own:ready.example", legitimate: true, authorized: { spf: true, dkim: true }, messages: 4050, dmarcFail: 0 });
  expect([...own.ips].sort()).toEqual(["203.0.113.25", "203.0.113.5"]);
  expect(own.fix).toBeUndefined();
  expect(d.days).toHaveLength(15);
  expect(d.days[0]).toEqual({ day: "2024-05-01", messages: expect.any(Number), dmarcPass: expect.any(Number) });
});

test("a domain blocked by unsigned marketing senders: each service named from its reverse DNS, with its fix in MailDomain arguments", () => {
  const d = domain("marketing.example");
  expect(d.verdict).toMatchObject({ ready: false, next: "quarantine", passRate: 61.1 });
  expect(d.verdict.blockers.map((b) => [b.sender, b.messages])).toEqual([
    ["Mailchimp", 600],
    ["SendGrid", 450],
  ]);
  const mailchimp = d.senders.find((s) => s.service === "mailchimp")!;
  expect(mailchimp).toMatchObject({ kind: "service", reverseDns: ["mail10.atl221.mcsv.net"], authorized: { spf: false, dkim: false }, dmarcPass: 0 });
  expect(mailchimp.change).toEqual({ add: { dkim: [{ selector: "k2", cnameTarget: "dkim2.mcsv.net" }, { selector: "k3", cnameTarget: "dkim3.mcsv.net" }] } });
  expect(mailchimp.fix).toMatch(/^Mailchimp \(600 messages, 0 % aligned\): DKIM is signed with d=mcsv\.net, which does not align with marketing\.example; .*add `dkim: \[\{ selector: "k2", cnameTarget: "dkim2\.mcsv\.net" \}, \{ selector: "k3", cnameTarget: "dkim3\.mcsv\.net" \}\]`/);
  const sendgrid = d.senders.find((s) => s.service === "sendgrid")!;
  expect(sendgrid.fix).toContain('`dkim: [{ selector: "s1", cnameTarget: "s1.domainkey.<sendgridId>.sendgrid.net" }, { selector: "s2", cnameTarget: "s2.domainkey.<sendgridId>.sendgrid.net" }]` and `spf.include: ["sendgrid.net"]`');
  // Mailchimp sends as news.marketing.example and fails: the subdomains stay at none while the domain moves.
  expect(d.verdict.change).toBe('dmarc: { policy: DmarcPolicy.Quarantine, rua: ["mailto:dmarc@marketing.example"], subdomainPolicy: DmarcPolicy.None }');
  // A server the live SPF authorizes (the receivers' SPF passes aligned) that the declaration leaves out.
  const undeclared = d.senders.find((s) => s.ips.includes("192.0.2.77"))!;
  expect(undeclared).toMatchObject({ kind: "own", id: "own:undeclared:192.0.2.77", authorized: { spf: false, dkim: false }, dmarcFail: 0 });
  expect(undeclared.fix).toMatch(/the live SPF authorizes 192\.0\.2\.77 but the declared SPF does not: once the plan is applied it fails SPF/);
  expect(undeclared.change?.add?.spfIp4).toEqual(["192.0.2.77"]);
});

test("a domain whose failures are all spoofing is ready for the next step, and says what enforcement will stop", () => {
  const d = domain("spoofed.example");
  expect(d.verdict).toMatchObject({ current: "quarantine", next: "reject", ready: true, passRate: 100, unknownSources: 30, blockers: [] });
  expect(d.verdict.unknownMessages).toBe(480);
  // 30 addresses without reverse DNS in one /24: one sender that lists them all
  const spoofers = d.senders.filter((s) => s.kind === "unknown");
  expect(spoofers).toHaveLength(1);
  expect(spoofers[0]).toMatchObject({ id: "unknown:185.220.101.0/24", name: "185.220.101.0/24 (30 addresses without reverse DNS)", legitimate: false, messages: 480 });
  expect(spoofers[0].ips).toHaveLength(30);
  expect(spoofers[0].summary).toMatch(/^185\.220\.101\.0\/24 \(30 addresses without reverse DNS\) \(480 messages, 0 % aligned\): failing everything; nothing of spoofed\.example's authorizes it: not a sender of yours, enforcement will stop it\.$/);
  // a single address is named by itself, as the example shows
  expect(domain("ready.example").senders.find((s) => s.kind === "unknown")!.summary).toBe("198.51.100.66 (no reverse DNS, 45 messages, 0 % aligned): failing everything; nothing of ready.example's authorizes it: not a sender of yours, enforcement will stop it.");
  expect(d.verdict.change).toBe('dmarc: { policy: DmarcPolicy.Reject, subdomainPolicy: DmarcPolicy.Reject, rua: ["mailto:dmarc@spoofed.example"] }');
});

test("forwarding (SPF fails at the list, the DKIM signature survives) is a legitimate sender that passes", () => {
  const d = domain("forwarded.example");
  const fwd = d.senders.find((s) => s.kind === "forwarder")!;
  expect(fwd).toMatchObject({ id: "forwarder:example.edu", name: "forwarded by example.edu", legitimate: true, dmarcFail: 0, reverseDns: ["mx.lists.example.edu"] });
  expect(fwd.summary).toMatch(/forwarding \(the receivers said so for 300 messages\): SPF fails at the forwarder as expected, and your DKIM signature survives/);
  expect(d.verdict).toMatchObject({ ready: true, passRate: 100 });
});

test("thin data are said plainly: not ready, and when to look again", () => {
  const d = domain("thin.example");
  expect(d.verdict.ready).toBe(false);
  expect(d.verdict.thin).toMatch(/^only 3 days of reports \(2024-05-01 to 2024-05-03\); at least 14 are needed \(--min-days\): look again after 2024-05-14/);
  expect(d.verdict.summary).toMatch(/^thin\.example: not enough data to decide on p=quarantine — only 3 days/);
});

test("TLS-RPT: failures by type and MX; a recent expired certificate blocks enforce, failures fixed two weeks ago do not", () => {
  const tls = doc.tls.find((t) => t.domain === "tls.example")!;
  expect(tls.failures).toEqual([{ resultType: "certificate-expired", count: 60, receivingMx: "mx2.tls.example" }]);
  expect(tls.verdict).toMatchObject({ current: "testing", currentFrom: "reports", next: "enforce", ready: false, successful: 15000, failed: 60, days: 15 });
  expect(tls.verdict!.blockers).toEqual([{ resultType: "certificate-expired", receivingMx: "mx2.tls.example", count: 60, lastSeen: "2024-05-15T23:59:59Z", fix: expect.stringMatching(/^the certificate of mx2\.tls\.example has expired: renew it/) }]);
  expect(tls.verdict!.summary).toMatch(/maildomain check tls\.example/);
  const ok = doc.tls.find((t) => t.domain === "tlsok.example")!;
  expect(ok.verdict).toMatchObject({ next: "enforce", ready: true, blockers: [], change: "mtaSts: { mode: MtaStsMode.Enforce }" });
});

test("the human output leads with the verdicts, then part 1's table", () => {
  const lines = human.split("\n");
  expect(lines[0]).toMatch(/^Verdicts \(at least 98 % of your senders' messages passing DMARC over at least 14 days; declared: .*plan\.json\):$/);
  expect(lines[1]).toMatch(/^ {2}ready\.example: ready for p=quarantine — /);
  expect(human).toMatch(/ {4}1\. Mailchimp \(600 messages, 0 % aligned\): /);
  expect(human).toMatch(/ {4}Then: dmarc: \{ policy: DmarcPolicy\.Quarantine/);
  expect(human).toMatch(/ {4}sender +kind +messages +DMARC pass +SPF declared +DKIM declared\n {4}your servers at ready\.example +yours +4,050 +100\.0 % +yes +yes/);
  expect(human).toMatch(/ {2}tls\.example: MTA-STS not ready for enforce — /);
  expect(human.indexOf("Verdicts")).toBeLessThan(human.indexOf("The store "));
});

describe("every suggested change is a valid MailDomain argument change", () => {
  /** A value of the documented form for each placeholder; a real key where a public key is asked for. */
  const fill = (c: ArgChange) => Object.fromEntries((c.placeholders ?? []).map((p) => [p.name, p.name === "publicKey" ? ED25519_KEY : p.example]));
  const changes = () =>
    doc.domains.flatMap((d) => [
      ...d.senders.filter((s) => s.change).map((s) => ({ domain: d.domain, what: s.name, change: s.change! })),
      ...(d.verdict.changeArgs ? [{ domain: d.domain, what: "verdict", change: d.verdict.changeArgs }] : []),
    ]).concat(doc.tls.filter((t) => t.verdict?.changeArgs).map((t) => ({ domain: t.domain, what: "mta-sts", change: t.verdict!.changeArgs! })));

  test("there are changes of every kind to check", () => {
    const kinds = new Set(changes().flatMap(({ change }) => [...Object.keys(change.add ?? {}), ...Object.keys(change.set ?? {})]));
    expect([...kinds].sort()).toEqual(["dkim", "dmarc", "mtaSts", "spfInclude", "spfIp4"]);
  });

  test("the planner accepts the declared args with each change made, and plans what the change says", () => {
    const list = changes();
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const { domain: name, what, change } of list) {
      const declared = ADVISOR_DOMAINS.find((a) => a.domain === name)!;
      const values = fill(change);
      const plan = planMailDomain(applyChange(declared, change, values));
      expect({ name, what, errors: plan.errors }).toEqual({ name, what, errors: [] });
      for (const d of change.add?.dkim ?? []) {
        const selector = d.selector.replace(/\{(\w+)\}/g, (_m, k: string) => values[k]);
        expect(plan.sets.map((x) => x.name)).toContain(`${selector}._domainkey.${name}`);
      }
      for (const inc of change.add?.spfInclude ?? []) expect(plan.spfRecord).toContain(`include:${inc}`);
      for (const ip of change.add?.spfIp4 ?? []) expect(plan.spfRecord).toContain(`ip4:${ip}`);
      if (change.set?.dmarc) expect(plan.dmarcRecord).toContain(`p=${change.set.dmarc.policy}`);
      if (change.set?.mtaSts) expect(plan.mtaStsPolicy).toContain(`mode: ${change.set.mtaSts.mode}`);
    }
  });
});

test("--cwd DIR --stack NAME plans the program as maildomain plan does: the same advice as --expect", async () => {
  const r = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--json", "--cwd", FIXTURE, "--stack", "dev", "--server", dns.address]);
  expect(r.code).toBe(0);
  const viaProgram = JSON.parse(r.io.stdoutText) as AdvisedDocument;
  expect(viaProgram.advice.declaration).toBe(`the program in ${FIXTURE} (stack dev)`);
  expect(viaProgram.domains.map((d) => d.verdict)).toEqual(doc.domains.map((d) => d.verdict));
  expect(viaProgram.domains.map((d) => d.senders)).toEqual(doc.domains.map((d) => d.senders));
});

test("without a declaration the reports alone decide: current policy as published, senders judged by the receivers' results", async () => {
  const r = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--json", "--server", dns.address]);
  const alone = JSON.parse(r.io.stdoutText) as AdvisedDocument;
  const d = alone.domains.find((x) => x.domain === "marketing.example")!;
  expect(d.verdict).toMatchObject({ current: "none", currentFrom: "reports", ready: false });
  expect(d.verdict.change).toBe("dmarc: { policy: DmarcPolicy.Quarantine, subdomainPolicy: DmarcPolicy.None }");
  expect(d.senders.find((s) => s.ips.includes("192.0.2.77"))).toMatchObject({ kind: "own", authorized: { spf: null, dkim: null } });
  expect(alone.advice.declaration).toBeNull();
});

test("--threshold and --min-days move the verdict; --no-rdns names services by their DKIM and SPF domains only", async () => {
  const r = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--json", "--expect", planFile, "--no-rdns", "--threshold", "60", "--min-days", "3"]);
  const d = JSON.parse(r.io.stdoutText) as AdvisedDocument;
  expect(d.domains.find((x) => x.domain === "marketing.example")!.verdict).toMatchObject({ ready: true, threshold: 60 });
  expect(d.domains.find((x) => x.domain === "thin.example")!.verdict).toMatchObject({ ready: true, minDays: 3 });
  const m = d.domains.find((x) => x.domain === "marketing.example")!;
  expect(m.senders.find((s) => s.service === "mailchimp")?.reverseDns).toEqual([]);
  expect(m.senders.find((s) => s.service === "sendgrid")).toBeDefined();
});

test.each([
  [["--threshold", "120"], /--threshold "120" must be a percentage above 0 and at most 100/],
  [["--min-days", "0"], /--min-days "0" must be a whole number of days from 1 to 366/],
  [["--rdns-limit", "-1"], /--rdns-limit "-1" must be a whole number/],
  [["--expect", "/nonexistent/plan.json"], /--expect \/nonexistent\/plan\.json: cannot read it \(ENOENT\)/],
  [["--expect", "PLAN", "--cwd", "."], /either as --expect PLAN\.json or as --cwd DIR --stack NAME, not both/],
  [["--html", "/nonexistent/dir/r.html"], /--html \/nonexistent\/dir\/r\.html: the folder \/nonexistent\/dir does not exist; nothing was read/],
])("a bad advisor option %j is a usage error that reads and creates nothing", async (args, message) => {
  const db = path.join(tmp, `bad-${Math.random().toString(36).slice(2)}.sqlite`);
  const io = captureIo();
  const code = await main(["reports", inbox, "--db", db, ...(args as string[])], io);
  expect(code).toBe(2);
  expect(io.stderrText).toMatch(message as RegExp);
  expect(fs.existsSync(db)).toBe(false);
});

test("--no-advice prints part 1's document alone (an hourly ingestion run asks no DNS); with an advisor option it is a usage error", async () => {
  const r = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--json", "--no-advice"]);
  expect(r.code).toBe(0);
  const plain = JSON.parse(r.io.stdoutText);
  expect(Object.keys(plain).sort()).toEqual(["domains", "failures", "findings", "reports", "stored", "tls"]);
  expect(plain.domains[0].senders).toBeUndefined();
  const bad = await cli(["reports", "--db", path.join(tmp, "s.sqlite"), "--no-advice", "--expect", planFile, "--min-days", "3"]);
  expect(bad.code).toBe(2);
  expect(bad.io.stderrText).toMatch(/--no-advice prints part 1's summary only, so --expect, --min-days would do nothing/);
});

test("the declared SPF: evaluated once per class of IPs it cannot tell apart, once per IP and record when the domain cannot matter, and for the --spf-limit largest sources", async () => {
  const { lookupFacts } = await import("../../cli/reports/advise/lookups");
  const { DnsClient } = await import("../../cli/check/dns/resolver");
  const { readDeclarations } = await import("../../reports/advisor");
  const sets = ["a.example", "b.example", "c.example"].flatMap((d) => [
    { name: d, type: "TXT", values: [d === "c.example" ? "v=spf1 mx ip4:203.0.113.0/24 -all" : "v=spf1 ip4:203.0.113.0/24 -all"] },
    // c's mx term: its MX (from the plan) is a host Knot serves the address of
    { name: d, type: "MX", values: ["10 mx1.ready.example."] },
  ]);
  const declarations = readDeclarations(sets);
  const ev = (domain: string) => ({ domain, reports: 1, reporters: 1, begin: 0, end: 0, days: [], subdomains: [], sources: ["203.0.113.1", "203.0.113.2", "198.51.100.1"].map((ip, i) => ({ ip, messages: 10 - i, dkimPass: 0, spfPass: 0, dmarcPass: 0, forwarded: 0, subdomain: 0, dkim: [], spf: [] })) });
  const client = new DnsClient({ server: dns.address, timeout: 1000, retries: 0, concurrency: 8 });
  try {
    const r = await lookupFacts([ev("a.example"), ev("b.example"), ev("c.example")], declarations, client, { rdns: false, rdnsLimit: 0, spfLimit: 10 });
    // 203.0.113.1 and .2 are in the same networks of each record: one evaluation for both. a and b share a record
    // that asks nothing of the domain: b reuses a's results; c's mx term asks its own MX.
    expect(r.stats).toMatchObject({ spfEvaluations: 4, spfReused: 5 });
    for (const d of ["a.example", "b.example", "c.example"]) expect([...r.facts.get(d)!.values()].map((f) => f.declaredSpf)).toEqual(["pass", "pass", "fail"]);
    const limited = await lookupFacts([ev("a.example")], declarations, client, { rdns: false, rdnsLimit: 0, spfLimit: 2 });
    expect(limited.facts.get("a.example")!.get("198.51.100.1")!.declaredSpf).toBeUndefined();
    expect(limited.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^the declared SPF of a\.example was evaluated for its 2 largest of 3 sources \(70\.3 % of its messages, --spf-limit\)/)]);
  } finally {
    client.close();
  }
});

test("a plan that is not a plan is a usage error before anything is read", async () => {
  const bad = path.join(tmp, "not-a-plan.json");
  fs.writeFileSync(bad, JSON.stringify({ resources: [] }));
  const db = path.join(tmp, "never.sqlite");
  const io = captureIo();
  expect(await main(["reports", inbox, "--db", db, "--expect", bad], io)).toBe(2);
  expect(io.stderrText).toMatch(/declares no mail domain/);
  expect(fs.existsSync(db)).toBe(false);
});

const pgAvailable = postgresAvailable();
(pgAvailable ? describe : describe.skip)("on PostgreSQL", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  test("the same reports in a PostgreSQL store give the same senders and verdicts", async () => {
    const url = await pg.createDatabase(`advise_${process.pid}`);
    const r = await cli(["reports", inbox, "--db", url, "--json", "--expect", planFile, "--server", dns.address]);
    expect(r.code).toBe(0);
    const onPg = JSON.parse(r.io.stdoutText) as AdvisedDocument;
    expect(onPg.domains.map((d) => [d.domain, d.verdict])).toEqual(doc.domains.map((d) => [d.domain, d.verdict]));
    expect(onPg.domains.map((d) => d.senders)).toEqual(doc.domains.map((d) => d.senders));
    expect(onPg.domains.map((d) => d.days)).toEqual(doc.domains.map((d) => d.days));
    expect(onPg.tls.map((t) => t.verdict)).toEqual(doc.tls.map((t) => t.verdict));
  });
});
