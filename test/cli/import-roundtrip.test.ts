/**
 * Round trip at the core level, against a real DNS server (Knot when installed; see
 * test/support/dns): zone file → import → MailDomain args → the component's planner → the planned
 * record sets rendered as a zone. The original zone and the new one are served side by side, and
 * every mail record of the original (MX, SPF and other TXT of each mail domain, DKIM, DMARC,
 * MTA-STS, TLS-RPT, BIMI) is asked of both servers: the answers must mean the same.
 *
 * "Mean the same": each answer is read back with the core's parsers and compared as a model (SPF
 * terms, DKIM p= and flags, DMARC tags, TLS-RPT and BIMI URIs), because the component writes
 * canonical text (`a` for `+a`, `v=DMARC1` for the seed article's `V=DMARC1`, a DKIM record's `v=`
 * first). Two differences are by design and asserted as such: the MTA-STS id (the component derives
 * it from the policy it renders), and the TTL (one per domain).
 *
 * The original zone is served from its own rdata text (quotes and escapes as written, decoded by
 * the DNS server, not by the importer); owner names are the importer's, checked by the reader's
 * own tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Resolver } from "node:dns/promises";
import { mapZone } from "../../cli/import/map";
import { readZoneFile } from "../../cli/import/zonefile";
import { fqdn } from "../../components/records/names";
import { renderTxtRdata } from "../../components/records/txt";
import { startDnsServer, type DnsServer, type Zone, type ZoneRecord as HarnessRecord } from "../support/dns";
import { ask, mailQuestions, meaning, originalZone } from "../support/mail-answers";

const FIXTURES = path.join(__dirname, "..", "fixtures", "zones");

/** The planned record sets of every imported domain as one zone, TXT split at 255 octets by the core. */
function plannedZone(apex: string, plans: ReturnType<typeof mapZone>["domains"]): Zone {
  const records: HarnessRecord[] = [];
  for (const d of plans) {
    for (const set of d.plan.sets) {
      for (const v of set.values) {
        const value = set.type === "TXT" ? renderTxtRdata(v.content) : set.type === "MX" ? `${v.priority} ${v.content === "." ? "." : fqdn(v.content)}` : fqdn(v.content);
        records.push({ name: set.name, type: set.type, ttl: set.ttl, value });
      }
    }
  }
  return { origin: apex, records };
}

const FILES = ["cpanel/example.com.db", "vestacp/example.net.db", "bind/example.org.zone", "seed-article/abcdqwerty.example.zone"];

describe.each(FILES)("round trip of %s through import and the planner, served by a real DNS server", (name) => {
  const file = path.join(FIXTURES, name);
  const zone = readZoneFile(fs.readFileSync(file, "utf8"), { file });
  const apex = zone.apex as string;
  const imported = mapZone(apex, zone.records);
  const questions = mailQuestions(zone.records, new Set(imported.domains.map((d) => d.args.domain)));
  let original: DnsServer;
  let planned: DnsServer;
  let ro: Resolver;
  let rp: Resolver;

  beforeAll(async () => {
    [original, planned] = await Promise.all([startDnsServer([originalZone(apex, zone.records)]), startDnsServer([plannedZone(apex, imported.domains)])]);
    ro = new Resolver({ timeout: 2000, tries: 2 });
    ro.setServers([original.address]);
    rp = new Resolver({ timeout: 2000, tries: 2 });
    rp.setServers([planned.address]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([original?.stop(), planned?.stop()]);
  });

  test("the import plans without errors", () => {
    for (const d of imported.domains) expect(d.plan.errors).toEqual([]);
    expect(questions.length).toBeGreaterThan(2);
  });

  test("every mail record of the original zone means the same in the new zone", async () => {
    for (const q of questions) {
      const [before, after] = await Promise.all([ask(ro, q.name, q.kind), ask(rp, q.name, q.kind)]);
      expect({ name: q.name, kind: q.kind, answer: before.length > 0 }).toEqual({ name: q.name, kind: q.kind, answer: true });
      expect({ name: q.name, kind: q.kind, meaning: meaning(q.kind, after) }).toEqual({ name: q.name, kind: q.kind, meaning: meaning(q.kind, before) });
    }
  });

  test("by design: the MTA-STS id is the component's own, DKIM keys and MX hosts are byte-identical", async () => {
    for (const q of questions) {
      const [before, after] = await Promise.all([ask(ro, q.name, q.kind), ask(rp, q.name, q.kind)]);
      if (q.kind === "mta-sts") expect(after).not.toEqual(before);
      if (q.kind === "mx" || q.kind === "dkim-cname") expect(after).toEqual(before);
      if (q.kind === "dkim") expect(after.map((v) => /p=([^;]*)/.exec(v)?.[1])).toEqual(before.map((v) => /p=([^;]*)/.exec(v)?.[1]));
    }
  });
});

describe("the comparison is not vacuous", () => {
  test("the BIND fixture asks every kind of mail record", () => {
    const file = path.join(FIXTURES, "bind/example.org.zone");
    const zone = readZoneFile(fs.readFileSync(file, "utf8"), { file });
    const imported = mapZone(zone.apex as string, zone.records);
    const kinds = new Set(mailQuestions(zone.records, new Set(imported.domains.map((d) => d.args.domain))).map((q) => q.kind));
    expect([...kinds].sort()).toEqual(["bimi", "dkim", "dkim-cname", "dmarc", "domain-txt", "mta-sts", "mx", "tls-rpt"]);
  });

  test.each([
    ["domain-txt", ["v=spf1 mx -all"], ["v=spf1 mx ~all"]],
    ["domain-txt", ["v=spf1 mx -all", "token=a"], ["v=spf1 mx -all", "token=b"]],
    ["dkim", ["v=DKIM1; p=AAAA"], ["v=DKIM1; p=AAAB"]],
    ["dkim", ["v=DKIM1; p=AAAA"], ["v=DKIM1; t=y; p=AAAA"]],
    ["dmarc", ["v=DMARC1; p=reject"], ["v=DMARC1; p=reject; pct=50"]],
    ["tls-rpt", ["v=TLSRPTv1; rua=mailto:a@example.com"], ["v=TLSRPTv1; rua=mailto:b@example.com"]],
    ["bimi", ["v=BIMI1; l=https://example.com/a.svg"], ["v=BIMI1; l=https://example.com/b.svg"]],
  ] as const)("%s: %j differs from %j", (kind, a, b) => {
    expect(meaning(kind, [...a])).not.toEqual(meaning(kind, [...b]));
  });
});
