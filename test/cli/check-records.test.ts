/**
 * `maildomain check` findings that only live DNS shows, against a real authoritative server (Knot, or the
 * in-process fallback): an MX host that is an alias (RFC 2181 §10.3), parked domains (M3AAWG), and DKIM selectors
 * given per domain.
 */
import { startDnsServer, type DnsServer, type Zone, type ZoneRecord } from "../support/dns";
import { main } from "../../cli/main";
import { captureIo, checkJson, codes, compliantRecords, rsaKey, txt } from "./check-support";

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
  {
    origin: "parked.example",
    records: [
      rec("parked.example", "MX", "0 ."),
      rec("parked.example", "TXT", txt("v=spf1 -all")),
      rec("_dmarc.parked.example", "TXT", txt("v=DMARC1; p=reject")),
      rec("*._domainkey.parked.example", "TXT", txt("v=DKIM1; p=")),
    ],
  },
  { origin: "nowild.example", records: [rec("nowild.example", "MX", "0 ."), rec("nowild.example", "TXT", txt("v=spf1 -all")), rec("_dmarc.nowild.example", "TXT", txt("v=DMARC1; p=reject; sp=reject"))] },
  { origin: "half.example", records: [rec("half.example", "MX", "0 ."), rec("half.example", "TXT", txt("v=spf1 ~all")), rec("_dmarc.half.example", "TXT", txt("v=DMARC1; p=none"))] },
  { origin: "one.example", records: compliantRecords("one.example", key, { selector: "s1" }) },
  { origin: "two.example", records: compliantRecords("two.example", key, { selector: "s2" }) },
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

describe("--selector DOMAIN=SELECTOR", () => {
  const dkim = (r: { findings: Array<{ code: string; name?: string }> }) => r.findings.filter((f) => f.code.startsWith("dkim.") && f.code !== "dkim.not-found").map((f) => `${f.code} ${f.name}`);

  test("each domain is checked with its own selector, and only with it", async () => {
    const { code, doc } = await checkJson(["one.example", "two.example", "--server", dns.address, "--selector", "one.example=s1", "--selector", "TWO.example.=S2"]);
    expect(code).toBe(0);
    expect(dkim(doc.results[0])).toEqual(["dkim.found s1._domainkey.one.example"]);
    expect(dkim(doc.results[1])).toEqual(["dkim.found s2._domainkey.two.example"]);
    expect(doc.results.map((r) => r.verdict?.bulkSender.checks.find((c) => c.check === "dkim")?.ok)).toEqual([true, true]);
  });

  test("the plain form still applies to every domain, beside the per-domain form", async () => {
    const { code, doc } = await checkJson(["one.example", "two.example", "--server", dns.address, "--selector", "s1", "--selector", "two.example=s2"]);
    expect(code).toBe(1);
    expect(dkim(doc.results[0])).toEqual(["dkim.found s1._domainkey.one.example"]);
    expect(dkim(doc.results[1]).sort()).toEqual(["dkim.found s2._domainkey.two.example", "dkim.missing s1._domainkey.two.example"]);
  });

  test.each([
    [["one.example", "--selector", "three.example=s1"], /--selector three\.example=s1: three\.example is not among the domains checked \(one\.example\)/],
    [["one.example", "--selector", "=s1"], /--selector =s1: "" is not a domain name/],
    [["one.example", "--selector", "one.example=bad_selector"], /--selector one\.example=bad_selector: .*not a valid DKIM selector/],
    [["one.example", "--selector", "localhost=s1"], /"localhost" is not a domain name/],
  ])("%j is a usage error", async (args, message) => {
    const io = captureIo();
    expect(await main(["check", ...(args as string[]), "--server", dns.address], io)).toBe(2);
    expect(io.stderrText).toMatch(message as RegExp);
  });
});

describe("parked domains (M3AAWG: null MX, SPF -all, DMARC p=reject, a revoked wildcard DKIM key)", () => {
  test("the whole pattern: recognized, no dkim.not-found, a verdict of its own, the checklist met, exit 0", async () => {
    const { code, doc } = await checkJson(["parked.example", "--server", dns.address]);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("dkim.not-found");
    expect(codes(r, "error")).toEqual([]);
    expect(code).toBe(0);
    expect(r.findings.find((f) => f.code === "parked.recognized")?.message).toMatch(/^parked\.example is parked: it accepts no mail \(null MX\), authorizes no sender \(SPF -all\) and asks receivers to reject/);
    // The wildcard answers every probed selector with the same revoked key: one note, not nineteen.
    expect(r.findings.filter((f) => f.code === "dkim.revoked")).toHaveLength(1);
    expect(r.findings.find((f) => f.code === "dkim.revoked")?.message).toMatch(/as a revoked wildcard \*\._domainkey record gives/);
    expect(r.verdict?.outcome).toBe("parked");
    expect(r.verdict?.summary).toMatch(/^parked\.example is parked: .*Gmail rejects mail that claims to come from it/);
    expect(r.verdict?.bulkSender.checks).toEqual([]);
    expect((r.verdict as unknown as { parked: { ok: boolean; checks: Array<{ check: string; ok: boolean }> } }).parked).toMatchObject({
      ok: true,
      checks: [{ check: "mx", ok: true }, { check: "spf", ok: true }, { check: "dmarc", ok: true }, { check: "dkim", ok: true }, { check: "dkim-wildcard", ok: true }],
    });
  });

  test("human output: PARKED and the parked-domain checklist", async () => {
    const io = captureIo();
    await main(["check", "nowild.example", "--server", dns.address], io);
    expect(io.stdoutText).toMatch(/Verdict \(Gmail\): PARKED — nowild\.example is parked/);
    expect(io.stdoutText).toMatch(/Parked-domain checklist \(M3AAWG\): met\n {4}\[x\] mx +null MX/);
    expect(io.stdoutText).toMatch(/\[ \] dkim-wildcard +\(recommended\) recommended for a parked domain: a revoked wildcard DKIM key, TXT \*\._domainkey\.nowild\.example "v=DKIM1; p="/);
    expect(io.stdoutText).not.toMatch(/Bulk-sender checklist/);
    expect(io.stdoutText).toMatch(/info +parked\.dkim-wildcard:/);
  });

  test("part of the pattern: it looks parked, and one warning says what is missing", async () => {
    const { code, doc } = await checkJson(["half.example", "--server", dns.address]);
    const r = doc.results[0];
    expect(code).toBe(0);
    expect(codes(r)).not.toContain("dkim.not-found");
    const f = r.findings.find((x) => x.code === "parked.incomplete");
    expect(f?.severity).toBe("warning");
    expect(f?.message).toMatch(/half\.example looks parked .* lacks: its SPF record authorizes nobody but ends in "~all", .*; its DMARC policy is p=none/);
    expect(r.verdict?.outcome).toBe("parked");
    expect(r.verdict?.summary).toMatch(/^half\.example is parked \(it accepts no mail and authorizes no sender\), but .*until DMARC says p=reject/);
  });

  test("--parked: each missing part is an error; the same domain without --parked gets only the warning", async () => {
    const { code, doc } = await checkJson(["half.example", "--server", dns.address, "--parked"]);
    expect(code).toBe(1);
    expect(codes(doc.results[0], "error").sort()).toEqual(["parked.dmarc", "parked.spf"]);
    expect(codes(doc.results[0])).not.toContain("parked.incomplete");
  });

  test("--parked on a domain that sends and receives mail: errors for MX, SPF and the DKIM key, the normal verdict beside the checklist", async () => {
    const { code, doc } = await checkJson(["good.example", "--server", dns.address, "--selector", "s2026", "--parked"]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(codes(r, "error").sort()).toEqual(["parked.dkim", "parked.mx", "parked.spf"]);
    expect(r.findings.find((f) => f.code === "parked.mx")?.message).toMatch(/^good\.example is to be parked, but it has MX hosts \(mx1\.good\.example\) and so receives mail: replace them by a null MX/);
    expect(r.verdict?.outcome).toBe("deliver");
    expect((r.verdict as unknown as { parked: { ok: boolean } }).parked.ok).toBe(false);
  });
});
