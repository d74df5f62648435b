/**
 * `maildomain check` findings that only live DNS shows, against a real authoritative server (Knot, or the
 * in-process fallback): an MX host that is an alias (RFC 2181 §10.3), parked domains (M3AAWG), and DKIM selectors
 * given per domain.
 */
import { startDnsServer, type DnsServer, type Zone, type ZoneRecord } from "../support/dns";
import { checkJson, codes, compliantRecords, rsaKey } from "./check-support";

const key = rsaKey();
const rec = (name: string, type: ZoneRecord["type"], value: string): ZoneRecord => ({ name, type, value });

const zones: Zone[] = [
  {
    origin: "alias.example",
    records: [
      ...compliantRecords("alias.example", key).filter((r) => r.type !== "MX"),
      rec("alias.example", "MX", "10 mail.alias.example."),
      rec("alias.example", "MX", "20 backup.alias.example."),
      rec("mail.alias.example", "CNAME", "mx1.alias.example."), // in-zone alias: the server answers CNAME + A
      rec("backup.alias.example", "CNAME", "relay.hosting.test."), // alias into another zone: CNAME alone
    ],
  },
  { origin: "hosting.test", records: [rec("relay.hosting.test", "A", "198.51.100.9")] },
  { origin: "good.example", records: compliantRecords("good.example", key) },
];

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer(zones);
});
afterAll(async () => {
  await dns?.stop();
});

describe("an MX host that is a CNAME (RFC 2181 §10.3, RFC 5321 §5.1)", () => {
  test("each alias is flagged with its target, whether the server follows it in-zone or not", async () => {
    const { code, doc } = await checkJson(["alias.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(1);
    const r = doc.results[0];
    const aliases = r.findings.filter((f) => f.code === "mx.host-cname");
    expect(aliases.map((f) => f.severity)).toEqual(["error", "error"]);
    expect(aliases[0].message).toMatch(/^MX of alias\.example \(mx\): MX host mail\.alias\.example is an alias \(CNAME → mx1\.alias\.example\): .* Point the MX at mx1\.alias\.example/);
    expect(aliases[1].message).toMatch(/MX host backup\.alias\.example is an alias \(CNAME → relay\.hosting\.test\)/);
    expect(r.findings.find((f) => f.code === "mx.host-cname")?.rfc).toBe("RFC 2181 §10.3; RFC 5321 §5.1");
    // The aliases still resolve, so they are not also called unresolvable.
    expect(codes(r)).not.toContain("mx.host-unresolvable");
  });

  test("a host with its own address records is not flagged", async () => {
    const { code, doc } = await checkJson(["good.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(0);
    expect(codes(doc.results[0])).not.toContain("mx.host-cname");
  });
});
