/**
 * Realistic aggregate reports in bulk, deterministic from a seed, for the benchmark and the large-input tests:
 * reporters as the big receivers name themselves, 1–50 records each, a mix of the domain's own senders (pass),
 * an ESP signing with its own domain, forwarders (SPF fails, DKIM passes) and spoofers (everything fails).
 * Source addresses come from pools the size real reports show: a few dozen servers of the domain and its ESP,
 * a few hundred forwarders, thousands of spoofing hosts.
 */
import type { AggregateRecord, AggregateReport } from "../../reports/model";

/** A small, fast, seeded PRNG (mulberry32): the same corpus on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPORTERS = [
  { org: "google.com", email: "noreply-dmarc-support@google.com" },
  { org: "Yahoo", email: "dmarchelp@yahooinc.com" },
  { org: "Outlook.com", email: "dmarcreport@microsoft.com" },
  { org: "Mail.Ru", email: "dmarc_support@corp.mail.ru" },
  { org: "comcast.net", email: "dmarc-reports@comcast.net" },
];
const DOMAINS = ["example.com", "example.net", "shop.example", "news.example.org"];

export function realisticReport(i: number, rand: () => number): AggregateReport {
  const reporter = REPORTERS[i % REPORTERS.length];
  const domain = DOMAINS[Math.floor(rand() * DOMAINS.length)];
  const day = 1714521600 + 86400 * Math.floor(rand() * 120);
  const n = 1 + Math.floor(rand() * 50);
  const records: AggregateRecord[] = [];
  for (let r = 0; r < n; r++) {
    const kind = rand();
    // [first two octets, pool size]: addresses a.b.(k / 254).(1 + k % 254)
    const [prefix, size] = kind < 0.5 ? ["203.0", 40] : kind < 0.7 ? ["198.51", 60] : kind < 0.85 ? ["192.0", 300] : ["185.220", 5000];
    const k = Math.floor(rand() * (size as number));
    const ip = `${prefix}.${Math.floor(k / 254)}.${1 + (k % 254)}`;
    const count = 1 + Math.floor(rand() * (kind < 0.5 ? 5000 : 20));
    if (kind < 0.5) {
      records.push({ sourceIp: ip, count, disposition: "none", dkim: "pass", spf: "pass", reasons: [], headerFrom: domain, envelopeFrom: domain, dkimResults: [{ domain, selector: "s2026", result: "pass" }], spfResults: [{ domain, scope: "mfrom", result: "pass" }] });
    } else if (kind < 0.7) {
      records.push({ sourceIp: ip, count, disposition: "none", dkim: "fail", spf: "fail", reasons: [], headerFrom: domain, envelopeFrom: "bounces.esp.example", dkimResults: [{ domain: "esp.example", selector: "k1", result: "pass" }], spfResults: [{ domain: "bounces.esp.example", scope: "mfrom", result: "pass" }] });
    } else if (kind < 0.85) {
      records.push({ sourceIp: ip, count, disposition: "none", dkim: "pass", spf: "fail", reasons: [{ type: "forwarded" }], headerFrom: domain, envelopeFrom: "lists.example.edu", dkimResults: [{ domain, selector: "s2026", result: "pass" }], spfResults: [{ domain: "lists.example.edu", scope: "mfrom", result: "softfail" }] });
    } else {
      records.push({ sourceIp: ip, count, disposition: rand() < 0.5 ? "none" : "quarantine", dkim: "fail", spf: "fail", reasons: [], headerFrom: domain, envelopeFrom: domain, dkimResults: [], spfResults: [{ domain, scope: "mfrom", result: "fail" }] });
    }
  }
  return {
    kind: "aggregate",
    format: "rfc7489",
    version: "1.0",
    metadata: { orgName: reporter.org, email: reporter.email, extraContactInfo: "https://support.example/dmarc", reportId: `${day}.${i}.${Math.floor(rand() * 1e9)}`, begin: day, end: day + 86399, errors: [] },
    policy: { domain, adkim: "r", aspf: "r", p: "none", sp: "none", pct: 100 },
    records,
  };
}
