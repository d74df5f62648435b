/**
 * `maildomain check` when DNS misbehaves or the records break RFC 7208's evaluation limits, against a real
 * authoritative server (Knot, or the in-process fallback) with per-name faults, and against fault servers: a closed
 * port, a server that never answers, REFUSED, SERVFAIL, NXDOMAIN vs NODATA, an answer too large for UDP, void
 * lookups, an include loop, more than 10 lookups through nested includes, and many domains at bounded concurrency
 * with each question asked once.
 */
import { closedPortAddress, rawQuery, startDnsServer, startFaultServer, type DnsServer, type Zone, type ZoneRecord } from "../support/dns";
import { runCheck } from "../../cli/check/command";
import type { DnsClient } from "../../cli/check/dns/resolver";
import { captureIo, checkJson, codes, compliantRecords, countingProxy, rsaKey, txt } from "./check-support";

const key = rsaKey();
const spf = (name: string, value: string): ZoneRecord => ({ name, type: "TXT", value: txt(value) });
// ~1.5 KB of TXT at the apex: over Knot's 1232-octet UDP limit, so the answer comes truncated and node:dns asks over TCP.
const TOKENS = Array.from({ length: 6 }, (_, i) => `verification-token-${i}=${"t".repeat(220)}`);

const zones: Zone[] = [
  { origin: "servfail.example", records: compliantRecords("servfail.example", key) },
  { origin: "slow.example", records: compliantRecords("slow.example", key) },
  { origin: "nx.example", records: [{ name: "nodata.nx.example", type: "A", value: "192.0.2.50" }] },
  { origin: "big.example", records: [...compliantRecords("big.example", key), ...TOKENS.map((t) => spf("big.example", t))] },
  {
    origin: "voids.example",
    records: [
      ...compliantRecords("voids.example", key).filter((r) => !(r.name === "voids.example" && r.type === "TXT")),
      spf("voids.example", "v=spf1 a:gone1.voids.example mx:gone2.voids.example exists:gone3.voids.example ip4:192.0.2.1 -all"),
    ],
  },
  {
    origin: "loop.example",
    records: [
      ...compliantRecords("loop.example", key).filter((r) => !(r.name === "loop.example" && r.type === "TXT")),
      spf("loop.example", "v=spf1 include:_spf.loop.example -all"),
      spf("_spf.loop.example", "v=spf1 ip4:192.0.2.0/24 include:_spf2.loop.example -all"),
      spf("_spf2.loop.example", "v=spf1 include:_spf.loop.example -all"),
    ],
  },
  {
    origin: "many.example",
    records: [
      ...compliantRecords("many.example", key).filter((r) => !(r.name === "many.example" && r.type === "TXT")),
      spf("many.example", "v=spf1 include:a.many.example include:b.many.example include:c.many.example -all"),
      spf("a.many.example", "v=spf1 a:h1.many.example a:h2.many.example include:leaf.many.example -all"),
      spf("b.many.example", "v=spf1 a:h3.many.example a:h4.many.example include:leaf.many.example -all"),
      spf("c.many.example", "v=spf1 a:h1.many.example a:h3.many.example include:leaf.many.example -all"),
      spf("leaf.many.example", "v=spf1 a:h4.many.example ip4:198.51.100.0/24 -all"),
      ...["h1", "h2", "h3", "h4"].map((h, i): ZoneRecord => ({ name: `${h}.many.example`, type: "A", value: `198.51.100.${i + 1}` })),
    ],
  },
];

// Names (and types) whose lookups fail while everything else answers: the check must say it could not look, not that
// nothing is there.
zones.push(
  { origin: "probefail.example", records: compliantRecords("probefail.example", key) },
  { origin: "implicit.example", records: [{ name: "implicit.example", type: "TXT", value: txt("v=spf1 ip4:192.0.2.1 -all") }, { name: "_dmarc.implicit.example", type: "TXT", value: txt("v=DMARC1; p=reject") }] },
  {
    origin: "bimi.example",
    records: [...compliantRecords("bimi.example", key), { name: "default._bimi.bimi.example", type: "TXT", value: txt("v=BIMI1; l=https://bimi.example/logo.svg") }],
  },
  { origin: "trunc.example", records: compliantRecords("trunc.example", key) },
  { origin: "rdns.example", records: [{ name: "mail.rdns.example", type: "TXT", value: txt("no address here") }] },
  { origin: "2.0.192.in-addr.arpa", records: [{ name: "77.2.0.192.in-addr.arpa", type: "PTR", value: "mail.rdns.example." }] },
);

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer(zones, {
    faults: {
      "_dmarc.servfail.example": "servfail",
      "s1._domainkey.slow.example": "drop",
      "*._domainkey.probefail.example": "servfail",
      "A implicit.example": "servfail",
      "AAAA implicit.example": "servfail",
      "_dmarc.bimi.example": "servfail",
      "mail.rdns.example": "refused",
      "TXT trunc.example": "truncate",
    },
  });
});
afterAll(async () => {
  await dns?.stop();
});

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const v = await p;
  return [v, Date.now() - t];
}

describe("DNS failures become dns.… findings within the time budget", () => {
  test("a closed port: dns.unreachable, exit 2, no hang", async () => {
    const address = await closedPortAddress();
    const [{ code, doc, io }, ms] = await timed(checkJson(["example.com", "--server", address, "--timeout", "200", "--retries", "1"]));
    expect(code).toBe(2);
    expect(ms).toBeLessThan(1500);
    expect(codes(doc.results[0], "error").every((c) => c === "dns.unreachable" || c === "dns.timeout")).toBe(true);
    expect(codes(doc.results[0], "error").length).toBeGreaterThan(0);
    expect(doc.dns.answered).toBe(0);
    expect(io.stderrText).toMatch(/DNS could not be asked/);
  });

  test("a server that never answers: dns.timeout within (retries + 1) × timeout, exit 2", async () => {
    const silent = await startFaultServer({ mode: "drop" });
    try {
      const [{ code, doc }, ms] = await timed(checkJson(["example.com", "--server", silent.address, "--timeout", "150", "--retries", "2"]));
      expect(code).toBe(2);
      expect(ms).toBeLessThan(3 * 150 + 700);
      const r = doc.results[0];
      expect(codes(r, "error")).toContain("dns.timeout");
      expect(r.findings.find((f) => f.code === "dns.timeout")?.message).toMatch(/timed out|stopped answering/);
      expect(r.verdict?.outcome).toBe("defer");
    } finally {
      await silent.stop();
    }
  });

  test.each([
    ["refused", "dns.refused", /REFUSED/],
    ["servfail", "dns.servfail", /SERVFAIL/],
  ] as const)("a server that answers %s to everything: %s, exit 2", async (mode, code, text) => {
    const f = await startFaultServer({ mode });
    try {
      const r = await checkJson(["example.com", "--server", f.address, "--timeout", "300"]);
      expect(r.code).toBe(2);
      expect(codes(r.doc.results[0], "error")).toContain(code);
      expect(r.doc.results[0].findings.find((x) => x.code === code)?.message).toMatch(text);
      expect(r.doc.dns.answered).toBe(0);
    } finally {
      await f.stop();
    }
  });

  test("SERVFAIL for one name (_dmarc): dns.servfail on it, the rest checked, verdict defer, exit 1", async () => {
    const { code, doc } = await checkJson(["servfail.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(r.findings.find((f) => f.code === "dns.servfail")).toMatchObject({ severity: "error", name: "_dmarc.servfail.example" });
    expect(codes(r)).toEqual(expect.arrayContaining(["spf.found", "dkim.found", "mx.found"]));
    expect(codes(r)).not.toContain("dmarc.missing");
    expect(r.verdict?.outcome).toBe("defer");
  });

  test("one name never answered (a DKIM selector): dns.timeout on it within the budget, the rest answered", async () => {
    const [{ code, doc }, ms] = await timed(checkJson(["slow.example", "--server", dns.address, "--selector", "s1", "--timeout", "200", "--retries", "1"]));
    expect(code).toBe(1);
    expect(ms).toBeLessThan(2 * 200 + 800);
    const r = doc.results[0];
    expect(r.findings.find((f) => f.code === "dns.timeout")).toMatchObject({ severity: "error", name: "s1._domainkey.slow.example" });
    expect(codes(r)).toEqual(expect.arrayContaining(["spf.found", "dmarc.found", "mx.found"]));
    expect(r.verdict?.outcome).toBe("defer");
  });
});

describe("a lookup that failed is not an absence", () => {
  const ABSENCE = ["dkim.not-found", "dkim.missing", "mx.none", "mx.implicit", "spf.missing", "dmarc.missing", "rdns.mismatch", "rdns.missing"];

  test.each(["refused", "servfail", "drop"] as const)("a server that answers %s to everything: it could not look, nothing is called missing", async (mode) => {
    const f = await startFaultServer({ mode });
    try {
      const { code, doc } = await checkJson(["example.com", "--server", f.address, "--timeout", "150", "--retries", "0", "--ip", "192.0.2.77"]);
      expect(code).toBe(2);
      const r = doc.results[0];
      expect(codes(r).filter((c) => ABSENCE.includes(c))).toEqual([]);
      const dkim = r.findings.find((x) => x.code === "dns.probe-failed");
      // Before the first answer the server is taken as down after a few silent questions, so timeouts are not "drop" each.
      expect(dkim?.message).toMatch(/^could not look for DKIM keys of example\.com: the lookups of all 19 common selectors failed \((refused|servfail|timeout)\), so keys there may exist unseen/);
      expect(r.verdict?.outcome).toBe("defer");
      expect(r.verdict?.bulkSender.checks.find((c) => c.check === "dkim")).toMatchObject({ ok: false, detail: "the DKIM key lookups at the common selectors fail, so whether a key is published is unknown" });
    } finally {
      await f.stop();
    }
  });

  test("every DKIM selector SERVFAILs, the rest answers: no dkim.not-found, the DKIM part of the verdict is a DNS failure", async () => {
    const { doc } = await checkJson(["probefail.example", "--server", dns.address]);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("dkim.not-found");
    expect(r.findings.find((x) => x.code === "dns.probe-failed")?.message).toMatch(/could not look for DKIM keys of probefail\.example: the lookups of all 19 common selectors failed \(servfail\)/);
    expect(codes(r)).toEqual(expect.arrayContaining(["spf.found", "dmarc.found", "mx.found"]));
    expect(r.verdict?.reasons.join(" ")).toMatch(/DKIM key lookups at the common selectors fail/);
  });

  test("some DKIM probes fail: dkim.not-found names only the selectors that answered", async () => {
    const partial = await startDnsServer([{ origin: "half.example", records: compliantRecords("half.example", key).filter((r) => !r.name.includes("._domainkey.")) }], {
      faults: { "default._domainkey.half.example": "servfail", "mail._domainkey.half.example": "refused" },
    });
    try {
      const { doc } = await checkJson(["half.example", "--server", partial.address]);
      const f = doc.results[0].findings.find((x) => x.code === "dkim.not-found");
      expect(f?.message).toMatch(/^no DKIM key found at the 17 common selectors of half\.example that could be asked \(dkim, google, .*; 2 more could not be, see dns\.probe-failed\)/);
      expect(doc.results[0].findings.find((x) => x.code === "dns.probe-failed")?.message).toMatch(/failed for default \(servfail\), mail \(refused\)/);
    } finally {
      await partial.stop();
    }
  });

  test("no MX and the address lookup for the implicit MX fails: a DNS failure, not mx.none", async () => {
    const { doc } = await checkJson(["implicit.example", "--server", dns.address]);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("mx.none");
    expect(r.findings.find((x) => x.code === "dns.servfail" && x.name === "implicit.example")).toMatchObject({
      severity: "error",
      message: expect.stringMatching(/^addresses for the implicit MX \(implicit\.example has no MX record\): .*SERVFAIL for A implicit\.example.*Whether the domain can receive mail is unknown/),
    });
    expect(codes(r)).toEqual(expect.arrayContaining(["spf.found", "dmarc.found"]));
  });

  test("BIMI beside a DMARC lookup that fails: no claim that DMARC is missing for BIMI", async () => {
    const { doc } = await checkJson(["bimi.example", "--server", dns.address, "--selector", "s2026"]);
    const r = doc.results[0];
    expect(r.findings.find((x) => x.code === "dns.servfail")?.name).toBe("_dmarc.bimi.example");
    expect(codes(r).filter((c) => c.startsWith("bimi.dmarc-"))).toEqual([]);
    expect(r.findings.find((x) => x.code === "bimi.found")?.message).toMatch(/DMARC requirement could not be checked/);
  });

  test("reverse DNS whose name cannot be resolved forward: rdns.unknown, not a mismatch", async () => {
    const { doc } = await checkJson(["servfail.example", "--server", dns.address, "--selector", "s2026", "--ip", "192.0.2.77"]);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("rdns.mismatch");
    expect(r.findings.find((x) => x.code === "rdns.unknown")?.message).toMatch(/reverse DNS of 192\.0\.2\.77 is mail\.rdns\.example, but whether it resolves back could not be checked/);
  });
});

describe("a server that truncates every answer is a DNS failure, not an empty zone", () => {
  const ABSENCE = ["spf.missing", "dmarc.missing", "mx.none", "mx.implicit", "dkim.not-found", "mta-sts.none", "tls-rpt.none"];

  test.each([
    [{ mode: "truncate" as const }, /and the TCP answer is truncated too/],
    [{ mode: "truncate" as const, tcp: false }, /and TCP is refused \(ECONNREFUSED\)/],
  ])("%j: dns.truncated findings, no missing records, exit 2", async (opts, why) => {
    const f = await startFaultServer(opts);
    try {
      const { code, doc, io } = await checkJson(["example.com", "--server", f.address, "--timeout", "300", "--retries", "0"]);
      expect(code).toBe(2);
      const r = doc.results[0];
      expect(codes(r).filter((c) => ABSENCE.includes(c))).toEqual([]);
      const spf = r.findings.find((x) => x.code === "dns.truncated" && x.name === "example.com" && /^SPF record/.test(x.message));
      expect(spf?.message).toMatch(/answered TXT example\.com truncated \(TC bit: the answer does not fit in a UDP message\)/);
      expect(spf?.message).toMatch(why);
      expect(codes(r)).toContain("dns.truncated");
      expect(r.verdict?.outcome).toBe("defer");
      expect(io.stderrText).toMatch(/DNS could not be asked/);
    } finally {
      await f.stop();
    }
  });

  test("one name truncated over UDP and TCP (the domain's TXT): dns.truncated on it, not spf.missing; the rest is checked", async () => {
    const { code, doc } = await checkJson(["trunc.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("spf.missing");
    expect(r.findings.find((x) => x.code === "dns.truncated")).toMatchObject({ severity: "error", name: "trunc.example" });
    expect(codes(r)).toEqual(expect.arrayContaining(["mx.found", "dkim.found", "dmarc.found"]));
    // DKIM passes, so Gmail accepts; the SPF part is a DNS failure, not "no SPF record".
    expect(r.verdict?.bulkSender.checks.find((c) => c.check === "spf")).toMatchObject({ ok: false, detail: "the SPF lookups of trunc.example fail (temperror)" });
  });

  test("an ordinary NODATA answer is confirmed and stays NODATA", async () => {
    const { doc } = await checkJson(["nodata.nx.example", "--server", dns.address]);
    expect(doc.results[0].findings.find((f) => f.code === "spf.missing")?.message).toMatch(/NODATA/);
    expect(codes(doc.results[0])).not.toContain("dns.truncated");
  });
});

describe("NXDOMAIN vs NODATA", () => {
  test("a domain that does not exist: one dns.nxdomain error, not a cascade of missing records", async () => {
    const { code, doc } = await checkJson(["gone.nx.example", "--server", dns.address]);
    expect(code).toBe(1);
    expect(codes(doc.results[0])).toEqual(["dns.nxdomain"]);
    expect(doc.results[0].verdict?.outcome).toBe("reject");
  });

  test("a name that exists without mail records (NODATA): implicit MX, no SPF, no DMARC (with the organizational-domain fallback)", async () => {
    const { code, doc } = await checkJson(["nodata.nx.example", "--server", dns.address]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(codes(r)).not.toContain("dns.nxdomain");
    expect(r.findings.find((f) => f.code === "mx.implicit")?.message).toMatch(/192\.0\.2\.50/);
    expect(r.findings.find((f) => f.code === "spf.missing")?.message).toMatch(/NODATA/);
    const dmarc = r.findings.find((f) => f.code === "dmarc.missing")!;
    expect(dmarc.severity).toBe("error");
    expect(dmarc.message).toMatch(/_dmarc\.nodata\.nx\.example \(the name does not exist \(NXDOMAIN\)\) nor at the organizational domain's _dmarc\.nx\.example/);
  });
});

test("a TXT answer too large for UDP arrives over TCP and the SPF record is found among the others", async () => {
  const udp = await rawQuery(dns.address, "big.example", "TXT", { edns: 1232 });
  expect(udp.packet.flag_tc).toBe(true);
  const { code, doc } = await checkJson(["big.example", "--server", dns.address, "--selector", "s2026"]);
  expect(code).toBe(0);
  expect(doc.results[0].findings.find((f) => f.code === "spf.found")?.message).toMatch(/"v=spf1 mx ip4:192\.0\.2\.25 -all"/);
  expect(codes(doc.results[0])).not.toContain("spf.missing");
});

describe("RFC 7208 §4.6.4 limits, counted over the whole tree", () => {
  test("more than 2 void lookups: spf.void-lookups error listing them", async () => {
    const { code, doc } = await checkJson(["voids.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(1);
    const f = doc.results[0].findings.find((x) => x.code === "spf.void-lookups")!;
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(/makes 3 lookups that return no data/);
    expect(f.message).toMatch(/gone1\.voids\.example does not exist.*gone2\.voids\.example does not exist.*gone3\.voids\.example does not exist/);
  });

  test("an include loop: spf.include-loop naming the cycle", async () => {
    const { code, doc } = await checkJson(["loop.example", "--server", dns.address, "--selector", "s2026"]);
    expect(code).toBe(1);
    const f = doc.results[0].findings.find((x) => x.code === "spf.include-loop")!;
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(/loop\.example → _spf\.loop\.example → _spf2\.loop\.example → _spf\.loop\.example/);
  });

  test("15 lookups through nested includes (no record over 10 alone): spf.lookup-limit, and mailauth's evaluation agrees (permerror)", async () => {
    const { code, doc } = await checkJson(["many.example", "--server", dns.address, "--selector", "s2026", "--ip", "203.0.113.1"]);
    expect(code).toBe(1);
    const r = doc.results[0];
    expect(r.findings.find((x) => x.code === "spf.lookup-limit")?.message).toMatch(/takes 15 DNS-querying terms/);
    expect(codes(r)).not.toContain("spf.too-many-lookups"); // no single record is over the limit
    expect(r.findings.find((x) => x.code === "spf.ip-result")?.message).toMatch(/gives permerror/);
  });
});

test("many domains: bounded concurrency, and each name+type asked once (counted on the wire)", async () => {
  const n = 30;
  const domains = Array.from({ length: n }, (_, i) => `d${String(i).padStart(2, "0")}.example`);
  const server = await startDnsServer([
    ...domains.map((d) => ({ origin: d, records: compliantRecords(d, key, { include: "_spf.shared.test" }) })),
    { origin: "shared.test", records: [spf("_spf.shared.test", "v=spf1 ip4:198.51.100.0/24 -all")] },
  ]);
  const proxy = await countingProxy(server.address);
  try {
    const io = captureIo();
    let client: DnsClient | undefined;
    const code = await runCheck(
      { domains, server: proxy.address, selector: ["s2026"], json: true, timeout: 2000, retries: 1, concurrency: 8 },
      io,
      { onClient: (c) => (client = c) },
    );
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdoutText);
    expect(doc.results).toHaveLength(n);
    expect(doc.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    // Each name+type goes through node:dns once; an empty (NODATA) answer is looked at once more on the wire, to
    // tell it from a truncated one. Nothing else is asked twice.
    const repeated = [...proxy.counts].filter(([, c]) => c !== 1);
    expect(repeated.every(([, c]) => c === 2)).toBe(true);
    expect(repeated.length).toBe(client!.stats.confirmations);
    expect(proxy.counts.get("TXT _spf.shared.test")).toBe(1);
    expect(proxy.counts.size).toBe(client!.stats.queries);
    expect(client!.stats.cacheHits).toBeGreaterThan(0);
    expect(client!.stats.maxInFlight).toBeLessThanOrEqual(8);
    expect(client!.stats.maxInFlight).toBeGreaterThan(1);
  } finally {
    await proxy.stop();
    await server.stop();
  }
});
