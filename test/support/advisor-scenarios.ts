/**
 * The advisor's scenarios as report files and DNS data: daily aggregate reports from two receivers for the domains
 * of test/fixtures/programs/advisor/domains.ts (ready, blocked by unsigned marketing senders, spoofed only,
 * forwarded, thin), TLS reports for two MTA-STS domains, and the zones Knot serves for the reverse DNS of every
 * source IP and the forward confirmation of the services' names.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AggregateRecord, AggregateReport, TlsReport } from "../../reports/model";
import type { Zone } from "./dns";
import { renderAggregateXml, renderTlsJson } from "./reports";

/** 2024-05-01T00:00:00Z */
export const FIRST_DAY = 1714521600;
const DAY = 86_400;
export const DAYS = 15;

type Rec = Omit<AggregateRecord, "reasons" | "disposition" | "envelopeTo"> & { reasons?: AggregateRecord["reasons"] };

const own = (domain: string, ip: string, count: number, headerFrom = domain): Rec => ({
  sourceIp: ip,
  count,
  dkim: "pass",
  spf: "pass",
  headerFrom,
  envelopeFrom: domain,
  dkimResults: [{ domain, selector: "s2026", result: "pass" }],
  spfResults: [{ domain, scope: "mfrom", result: "pass" }],
});
const spoof = (domain: string, ip: string, count: number): Rec => ({ sourceIp: ip, count, dkim: "fail", spf: "fail", headerFrom: domain, envelopeFrom: domain, dkimResults: [], spfResults: [{ domain, scope: "mfrom", result: "fail" }] });

/** The records of one domain on one day (`d` from 0). */
const SCENARIOS: Record<string, { days: number; records: (d: number) => Rec[] }> = {
  "ready.example": {
    days: DAYS,
    records: (d) => [
      own("ready.example", "203.0.113.5", 200),
      own("ready.example", "203.0.113.5", 20, "app.ready.example"),
      own("ready.example", "203.0.113.25", 50),
      spoof("ready.example", "198.51.100.66", 2 + (d % 3)),
    ],
  },
  "marketing.example": {
    days: DAYS,
    records: () => [
      own("marketing.example", "203.0.113.7", 100),
      {
        sourceIp: "205.201.128.10",
        count: 40,
        dkim: "fail",
        spf: "fail",
        headerFrom: "news.marketing.example",
        envelopeFrom: "bounce.mcsv.net",
        dkimResults: [{ domain: "mcsv.net", selector: "k1", result: "pass" }],
        spfResults: [{ domain: "bounce.mcsv.net", scope: "mfrom", result: "pass" }],
      },
      {
        sourceIp: "167.89.0.10",
        count: 30,
        dkim: "fail",
        spf: "fail",
        headerFrom: "marketing.example",
        envelopeFrom: "sendgrid.net",
        dkimResults: [{ domain: "sendgrid.net", selector: "smtpapi", result: "pass" }],
        spfResults: [{ domain: "sendgrid.net", scope: "mfrom", result: "pass" }],
      },
      // Authorized by the live SPF (the receivers' SPF passes aligned), but not by the declared one.
      { sourceIp: "192.0.2.77", count: 10, dkim: "fail", spf: "pass", headerFrom: "marketing.example", envelopeFrom: "marketing.example", dkimResults: [], spfResults: [{ domain: "marketing.example", scope: "mfrom", result: "pass" }] },
    ],
  },
  "spoofed.example": {
    days: DAYS,
    records: (d) => [own("spoofed.example", "203.0.113.8", 100), ...Array.from({ length: 10 }, (_, i) => spoof("spoofed.example", `185.220.101.${1 + ((d * 7 + i) % 30)}`, 1 + ((d + i) % 5)))],
  },
  "forwarded.example": {
    days: DAYS,
    records: () => [
      own("forwarded.example", "203.0.113.9", 100),
      {
        sourceIp: "198.51.100.20",
        count: 20,
        dkim: "pass",
        spf: "fail",
        reasons: [{ type: "forwarded" }],
        headerFrom: "forwarded.example",
        envelopeFrom: "lists.example.edu",
        dkimResults: [{ domain: "forwarded.example", selector: "s2026", result: "pass" }],
        spfResults: [{ domain: "lists.example.edu", scope: "mfrom", result: "softfail" }],
      },
    ],
  },
  "thin.example": { days: 3, records: () => [own("thin.example", "203.0.113.10", 100)] },
};

const REPORTERS = [
  { orgName: "google.com", email: "noreply-dmarc-support@google.com", share: 0.6 },
  { orgName: "Yahoo", email: "dmarchelp@yahooinc.com", share: 0.4 },
];

export function scenarioReports(): AggregateReport[] {
  const out: AggregateReport[] = [];
  for (const [domain, s] of Object.entries(SCENARIOS)) {
    for (let d = 0; d < s.days; d++) {
      const begin = FIRST_DAY + d * DAY;
      for (const r of REPORTERS) {
        const records = s.records(d)
          .map((x): AggregateRecord => ({ disposition: "none", reasons: [], ...x, count: Math.max(1, Math.round(x.count * r.share)) }))
          .filter((x) => x.count > 0);
        out.push({
          kind: "aggregate",
          format: "rfc7489",
          version: "1.0",
          metadata: { orgName: r.orgName, email: r.email, reportId: `${domain}-${d}-${r.orgName}`, begin, end: begin + DAY - 1, errors: [] },
          policy: { domain, adkim: "r", aspf: "r", p: domain === "spoofed.example" ? "quarantine" : "none", pct: 100 },
          records,
        });
      }
    }
  }
  return out;
}

export function scenarioTlsReports(): TlsReport[] {
  const out: TlsReport[] = [];
  for (const [domain, failingDays] of [
    ["tls.example", (d: number) => d >= DAYS - 3],
    ["tlsok.example", (d: number) => d < 3],
  ] as const) {
    for (let d = 0; d < DAYS; d++) {
      const begin = FIRST_DAY + d * DAY;
      const failing = failingDays(d);
      out.push({
        kind: "tlsrpt",
        orgName: "Google Inc.",
        reportId: `${domain}-tls-${d}`,
        contactInfo: "smtp-tls-reporting@google.com",
        begin,
        end: begin + DAY - 1,
        policies: [
          {
            policyType: "sts",
            policyString: ["version: STSv1", "mode: testing", `mx: mx1.${domain}`, ...(domain === "tls.example" ? [`mx: mx2.${domain}`] : []), "max_age: 604800"],
            policyDomain: domain,
            mxHost: [`mx1.${domain}`],
            successful: 1000,
            failed: failing ? 20 : 0,
            failures: failing ? [{ resultType: "certificate-expired", failedSessions: 20, receivingMxHostname: domain === "tls.example" ? `mx2.${domain}` : `mx1.${domain}`, receivingIp: "203.0.113.57" }] : [],
          },
        ],
      });
    }
  }
  return out;
}

/** Every scenario report as a file in `dir` (XML and TLS-RPT JSON), for `maildomain reports DIR`. */
export function writeScenarioReports(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const r of scenarioReports()) fs.writeFileSync(path.join(dir, `${r.metadata.reportId}.xml`), renderAggregateXml(r));
  for (const r of scenarioTlsReports()) fs.writeFileSync(path.join(dir, `${r.reportId}.json`), renderTlsJson(r));
}

/** Reverse DNS for the scenarios' source IPs, and the forward names that confirm the services' PTR names. */
export function scenarioZones(): Zone[] {
  return [
    {
      origin: "113.0.203.in-addr.arpa",
      records: [
        { name: "5.113.0.203.in-addr.arpa", type: "PTR", value: "mail.ready.example." },
        { name: "25.113.0.203.in-addr.arpa", type: "PTR", value: "mx1.ready.example." },
        { name: "7.113.0.203.in-addr.arpa", type: "PTR", value: "mail.marketing.example." },
        { name: "8.113.0.203.in-addr.arpa", type: "PTR", value: "mail.spoofed.example." },
        { name: "9.113.0.203.in-addr.arpa", type: "PTR", value: "mail.forwarded.example." },
        { name: "10.113.0.203.in-addr.arpa", type: "PTR", value: "mail.thin.example." },
      ],
    },
    { origin: "128.201.205.in-addr.arpa", records: [{ name: "10.128.201.205.in-addr.arpa", type: "PTR", value: "mail10.atl221.mcsv.net." }] },
    { origin: "0.89.167.in-addr.arpa", records: [{ name: "10.0.89.167.in-addr.arpa", type: "PTR", value: "o10.outbound-mail.sendgrid.net." }] },
    { origin: "100.51.198.in-addr.arpa", records: [{ name: "20.100.51.198.in-addr.arpa", type: "PTR", value: "mx.lists.example.edu." }] },
    { origin: "101.220.185.in-addr.arpa", records: [] },
    { origin: "2.0.192.in-addr.arpa", records: [] },
    { origin: "mcsv.net", records: [{ name: "mail10.atl221.mcsv.net", type: "A", value: "205.201.128.10" }] },
    { origin: "sendgrid.net", records: [{ name: "o10.outbound-mail.sendgrid.net", type: "A", value: "167.89.0.10" }] },
    { origin: "example.edu", records: [{ name: "mx.lists.example.edu", type: "A", value: "198.51.100.20" }] },
    { origin: "ready.example", records: [{ name: "mx1.ready.example", type: "A", value: "203.0.113.25" }, { name: "mail.ready.example", type: "A", value: "203.0.113.5" }] },
  ];
}
