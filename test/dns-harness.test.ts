/**
 * Self-tests of the loopback DNS harness (test/support/dns). They run against the server startDnsServer picks
 * (Knot when installed, else the in-process fallback) and, when that is Knot, against the in-process server too,
 * so both backends are held to the same answers. MAILDOMAIN_DNS_SERVER=in-process forces the fallback.
 */
import { Resolver } from "node:dns/promises";
import {
  closedPortAddress,
  rawQuery,
  renderZoneFile,
  selectDnsServerKind,
  startDnsServer,
  startFaultServer,
  startInProcessServer,
  FALLBACK_NOTICE,
  type DnsServer,
  type Zone,
  type ZoneRecord,
} from "./support/dns";

// A 2048-bit RSA DKIM record: p= is 392 base64 characters, so the record needs two strings.
const DKIM_P = ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "x".repeat(400)).slice(0, 388) + "IDAQAB";
const DKIM = `v=DKIM1; k=rsa; p=${DKIM_P}`;
const DKIM_PARTS = [DKIM.slice(0, 255), DKIM.slice(255)];
// A TXT set of ~650 octets: over 512 (TC without EDNS) but under Knot's 1232 EDNS limit.
const MEDIUM = Array.from({ length: 3 }, (_, i) => `medium-${i}-` + "m".repeat(200));
// A TXT set of ~2 KB: over any UDP limit the servers use, so it always comes over TCP.
const HUGE = Array.from({ length: 8 }, (_, i) => `huge-${i}-` + "h".repeat(240));

const q = (s: string) => `"${s}"`;
function zone(spf = "v=spf1 include:_spf.example.net -all"): Zone {
  const records: ZoneRecord[] = [
    { name: "example.com", type: "MX", value: "10 mx1.example.com." },
    { name: "example.com", type: "MX", value: "20 mx2" }, // relative to the origin, as in a master file
    { name: "example.com", type: "TXT", value: q(spf) },
    { name: "example.com", type: "TXT", value: '"google-site-verification=abc"' },
    { name: "sel._domainkey.example.com", type: "TXT", value: DKIM_PARTS.map(q).join(" ") },
    { name: "_dmarc.example.com", type: "TXT", ttl: 3600, value: '"v=DMARC1; p=reject; rua=mailto:d@example.com"' },
    { name: "quoted.example.com", type: "TXT", value: '"a\\"b" "semi;colon" "back\\\\slash" ""' },
    { name: "www.example.com", type: "CNAME", value: "example.com." },
    { name: "dkim-alias.example.com", type: "CNAME", value: "sel._domainkey.example.com." },
    { name: "mx1.example.com", type: "A", value: "192.0.2.10" },
    { name: "mx1.example.com", type: "AAAA", value: "2001:db8::10" },
    { name: "mx2.example.com", type: "A", value: "192.0.2.20" },
    ...MEDIUM.map((s) => ({ name: "medium.example.com", type: "TXT" as const, value: q(s) })),
    ...HUGE.map((s) => ({ name: "huge.example.com", type: "TXT" as const, value: q(s) })),
  ];
  return { origin: "example.com", records };
}

function resolver(address: string, opts: { timeout?: number; tries?: number } = {}): Resolver {
  const r = new Resolver({ timeout: opts.timeout ?? 1000, tries: opts.tries ?? 2 });
  r.setServers([address]);
  return r;
}

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return "no error";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
}

const sortTxt = (rows: string[][]) => rows.map((r) => r.join("")).sort();

const selection = selectDnsServerKind();
const selected = selection.kind;
const backends: Array<["knot" | "in-process", (zones: Zone[], opts?: Parameters<typeof startDnsServer>[1]) => Promise<DnsServer>]> = [
  [selected, startDnsServer],
];
if (selected !== "in-process") backends.push(["in-process", startInProcessServer]);

describe.each(backends)("DNS harness: %s server", (kind, start) => {
  let dns: DnsServer;
  let r: Resolver;

  beforeAll(async () => {
    dns = await start([zone()]);
    r = resolver(dns.address);
  });
  afterAll(async () => {
    await dns?.stop();
  });

  test("is the expected kind on 127.0.0.1", () => {
    expect(dns.kind).toBe(kind);
    expect(dns.host).toBe("127.0.0.1");
    expect(dns.address).toBe(`127.0.0.1:${dns.port}`);
  });

  test("MX and A/AAAA", async () => {
    // Node 24 adds `type: "MX"` to each answer: compare what every version returns.
    const mx = (await r.resolveMx("example.com")).map(({ exchange, priority }) => ({ exchange, priority }));
    expect(mx.sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: "mx1.example.com", priority: 10 },
      { exchange: "mx2.example.com", priority: 20 },
    ]);
    expect(await r.resolve4("mx1.example.com")).toEqual(["192.0.2.10"]);
    expect(await r.resolve6("mx1.example.com")).toEqual(["2001:db8::10"]);
  });

  test("TXT comes back as the character-strings given", async () => {
    expect((await r.resolveTxt("example.com")).sort()).toEqual([["google-site-verification=abc"], ["v=spf1 include:_spf.example.net -all"]]);
    const dkim = await r.resolveTxt("sel._domainkey.example.com");
    expect(dkim).toEqual([DKIM_PARTS]);
    expect(dkim[0].join("")).toBe(DKIM);
    expect(await r.resolveTxt("quoted.example.com")).toEqual([['a"b', "semi;colon", "back\\slash", ""]]);
    expect(await r.resolveTxt("_dmarc.example.com")).toEqual([["v=DMARC1; p=reject; rua=mailto:d@example.com"]]);
  });

  test("CNAME answers", async () => {
    expect(await r.resolveCname("www.example.com")).toEqual(["example.com"]);
    expect(await r.resolveTxt("dkim-alias.example.com")).toEqual([DKIM_PARTS]);
    const raw = await rawQuery(dns.address, "dkim-alias.example.com", "TXT", { edns: 1232 });
    expect(raw.packet.answers?.map((a) => a.type)).toEqual(["CNAME", "TXT"]);
  });

  test("NXDOMAIN is ENOTFOUND, NODATA is ENODATA, outside the zones is EREFUSED", async () => {
    expect(await errorCode(r.resolveTxt("nope.example.com"))).toBe("ENOTFOUND");
    expect(await errorCode(r.resolveTxt("mx1.example.com"))).toBe("ENODATA");
    expect(await errorCode(r.resolveTxt("_domainkey.example.com"))).toBe("ENODATA"); // empty non-terminal
    expect(await errorCode(r.resolveTxt("example.org"))).toBe("EREFUSED");
  });

  test("negative answers are authoritative with the SOA in the authority section", async () => {
    for (const [name, rcode] of [["nope.example.com", "NXDOMAIN"], ["mx1.example.com", "NOERROR"]] as const) {
      const { packet } = await rawQuery(dns.address, name, "TXT");
      expect(packet.rcode).toBe(rcode);
      expect(packet.flag_aa).toBe(true);
      expect(packet.answers).toEqual([]);
      expect(packet.authorities?.map((a) => a.type)).toEqual(["SOA"]);
    }
  });

  test("large TXT sets arrive complete (TC over UDP, then TCP)", async () => {
    expect(sortTxt(await r.resolveTxt("medium.example.com"))).toEqual([...MEDIUM].sort());
    expect(sortTxt(await r.resolveTxt("huge.example.com"))).toEqual([...HUGE].sort());

    const noEdns = await rawQuery(dns.address, "medium.example.com", "TXT");
    expect(noEdns.packet.flag_tc).toBe(true);
    expect(noEdns.size).toBeLessThanOrEqual(512);
    const edns = await rawQuery(dns.address, "huge.example.com", "TXT", { edns: 4096 });
    expect(edns.packet.flag_tc).toBe(true);
    const tcp = await rawQuery(dns.address, "huge.example.com", "TXT", { tcp: true });
    expect(tcp.packet.flag_tc).toBe(false);
    expect(tcp.packet.answers).toHaveLength(HUGE.length);
  });

  test("setZones replaces the served data", async () => {
    await dns.setZones([zone("v=spf1 mx -all")]);
    expect((await r.resolveTxt("example.com")).sort()).toEqual([["google-site-verification=abc"], ["v=spf1 mx -all"]]);

    // A different set of zones (Knot: a config reload).
    await dns.setZones([
      { origin: "example.org", records: [{ name: "_dmarc.example.org", type: "TXT", value: '"v=DMARC1; p=none"' }] },
      zone(),
    ]);
    expect(await r.resolveTxt("_dmarc.example.org")).toEqual([["v=DMARC1; p=none"]]);
    expect((await r.resolveTxt("example.com")).sort()).toEqual([["google-site-verification=abc"], ["v=spf1 include:_spf.example.net -all"]]);

    await dns.setZones([zone()]);
    expect(await errorCode(r.resolveTxt("_dmarc.example.org"))).toBe("EREFUSED");

    await expect(dns.setZones([{ origin: "example.com", records: [{ name: "x.example.com", type: "TXT", value: q("y".repeat(256)) }] }])).rejects.toThrow(/255/);
    expect(await r.resolveTxt("_dmarc.example.com")).toEqual([["v=DMARC1; p=reject; rua=mailto:d@example.com"]]);
  });

  test("per-name faults answer REFUSED, SERVFAIL or nothing; other names are served", async () => {
    const faulty = await start([zone()], {
      faults: { "refused.example.com": "refused", "_dmarc.example.com": "servfail", "*.drop.example.com": "drop" },
    });
    try {
      const fr = resolver(faulty.address, { timeout: 150, tries: 1 });
      expect(await errorCode(fr.resolveTxt("refused.example.com"))).toBe("EREFUSED");
      expect(await errorCode(fr.resolveTxt("_dmarc.example.com"))).toBe("ESERVFAIL");
      expect(await errorCode(fr.resolveTxt("a.drop.example.com"))).toBe("ETIMEOUT");
      expect(await fr.resolveTxt("sel._domainkey.example.com")).toEqual([DKIM_PARTS]);
      expect(sortTxt(await fr.resolveTxt("huge.example.com"))).toHaveLength(HUGE.length);
    } finally {
      await faulty.stop();
    }
  });

  test("a fault key with a type faults only that type; truncation sets TC with no records", async () => {
    const faulty = await start([zone()], { faults: { "TXT example.com": "servfail", "A *.example.com": "truncate" } });
    try {
      const fr = resolver(faulty.address, { timeout: 150, tries: 1 });
      expect(await errorCode(fr.resolveTxt("example.com"))).toBe("ESERVFAIL");
      expect(await fr.resolveTxt("_dmarc.example.com")).toEqual([["v=DMARC1; p=reject; rua=mailto:d@example.com"]]);
      const udp = await rawQuery(faulty.address, "mx1.example.com", "A");
      expect(udp.packet.flag_tc).toBe(true);
      expect(udp.packet.answers).toEqual([]);
      expect((await rawQuery(faulty.address, "mx1.example.com", "A", { tcp: true })).packet.flag_tc).toBe(true);
      // node:dns retries over TCP, gets the truncated answer again and reports it as "no data": the trap the checker must see through.
      expect(await errorCode(fr.resolve4("mx1.example.com"))).toBe("ENODATA");
    } finally {
      await faulty.stop();
    }
  });

  test("stop() releases the port", async () => {
    const s = await start([{ origin: "example.net", records: [] }]);
    expect((await rawQuery(s.address, "example.net", "SOA")).packet.rcode).toBe("NOERROR");
    await s.stop();
    await s.stop(); // idempotent
    await expect(rawQuery(s.address, "example.net", "SOA", { timeoutMs: 200 })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ETIMEOUT/) });
  });
});

describe("fault servers", () => {
  test.each([
    ["refused", "EREFUSED"],
    ["servfail", "ESERVFAIL"],
    ["drop", "ETIMEOUT"],
  ] as const)("%s → %s", async (mode, code) => {
    const f = await startFaultServer({ mode });
    try {
      expect(await errorCode(resolver(f.address, { timeout: 150, tries: 1 }).resolveTxt("example.com"))).toBe(code);
    } finally {
      await f.stop();
    }
  });

  test.each([
    [{ mode: "truncate" as const }, "ENODATA"],
    [{ mode: "truncate-udp" as const }, "ETIMEOUT"],
    [{ mode: "truncate" as const, tcp: false }, "ECONNREFUSED"],
  ])("%j: TC over UDP, then node:dns's TCP retry gives %s", async (opts, code) => {
    const f = await startFaultServer(opts);
    try {
      expect((await rawQuery(f.address, "example.com", "TXT")).packet.flag_tc).toBe(true);
      expect(await errorCode(resolver(f.address, { timeout: 150, tries: 1 }).resolveTxt("example.com"))).toBe(code);
    } finally {
      await f.stop();
    }
  });

  test("a closed port gives ECONNREFUSED or ETIMEOUT", async () => {
    const address = await closedPortAddress();
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await errorCode(resolver(address, { timeout: 150, tries: 1 }).resolveTxt("example.com"))).toMatch(/^(ECONNREFUSED|ETIMEOUT)$/);
  });
});

describe("renderZoneFile", () => {
  test("writes $ORIGIN, $TTL, SOA and NS, then the records with absolute names", () => {
    const text = renderZoneFile({ origin: "example.com.", records: [{ name: "_dmarc.example.com", type: "TXT", value: '"v=DMARC1; p=none"' }] }, { serial: 7 });
    expect(text.split("\n")).toEqual([
      "$ORIGIN example.com.",
      "$TTL 300",
      "example.com. 300 IN SOA ns.maildomain.test. hostmaster.example.com. 7 3600 600 86400 60",
      "example.com. 300 IN NS ns.maildomain.test.",
      '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=none"',
      "",
    ]);
  });

  test("keeps a given SOA and NS", () => {
    const text = renderZoneFile({
      origin: "example.com",
      records: [
        { name: "example.com", type: "NS", value: "ns1.example.net." },
        { name: "example.com", type: "SOA", ttl: 60, value: "ns1.example.net. admin.example.com. 42 1h 10m 1w 5m" },
      ],
    });
    expect(text).toContain("example.com. 60 IN SOA ns1.example.net. admin.example.com. 42 1h 10m 1w 5m\n");
    expect(text).toContain("example.com. 300 IN NS ns1.example.net.\n");
    expect(text).not.toContain("maildomain.test");
  });

  test.each([
    ["a TXT string over 255 octets", { name: "x.example.com", type: "TXT", value: q("a".repeat(256)) }, /256 octets.*at most 255.*split/],
    ["an unquoted TXT value", { name: "x.example.com", type: "TXT", value: "v=spf1 -all" }, /quoted strings/],
    ["a name outside the zone", { name: "x.example.org", type: "TXT", value: '"x"' }, /not inside zone/],
    ["a bad IPv4 address", { name: "x.example.com", type: "A", value: "300.1.1.1" }, /IPv4/],
    ["a CNAME beside other data", { name: "mx1.example.com", type: "CNAME", value: "example.com." }, /only record/],
  ] as const)("rejects %s", (_what, record, message) => {
    const records: ZoneRecord[] = [{ name: "mx1.example.com", type: "A", value: "192.0.2.1" }, record as ZoneRecord];
    expect(() => renderZoneFile({ origin: "example.com", records })).toThrow(message);
  });

  test("accepts 255-octet strings", () => {
    expect(renderZoneFile({ origin: "example.com", records: [{ name: "x.example.com", type: "TXT", value: `${q("a".repeat(255))} ${q("b")}` }] })).toContain("IN TXT");
  });
});

describe("server selection", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ["CI", "MAILDOMAIN_KNOTD", "MAILDOMAIN_DNS_SERVER"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    jest.restoreAllMocks();
  });

  test("without knotd: the in-process fallback, announced once on stderr", async () => {
    process.env.MAILDOMAIN_KNOTD = "/nonexistent/knotd";
    delete process.env.CI;
    delete process.env.MAILDOMAIN_DNS_SERVER;
    const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const a = await startDnsServer([{ origin: "example.com", records: [] }]);
    const b = await startDnsServer([{ origin: "example.com", records: [] }]);
    await Promise.all([a.stop(), b.stop()]);
    expect([a.kind, b.kind]).toEqual(["in-process", "in-process"]);
    const notices = write.mock.calls.filter(([s]) => String(s).includes(FALLBACK_NOTICE));
    // Once per process: the servers above already printed it if they were a fallback.
    expect(notices).toHaveLength(selection.kind === "in-process" && selection.fallback ? 0 : 1);
  });

  test("in CI a missing knotd is an error pointing at .ci/install-system-deps", async () => {
    process.env.MAILDOMAIN_KNOTD = "/nonexistent/knotd";
    process.env.CI = "true";
    delete process.env.MAILDOMAIN_DNS_SERVER;
    await expect(startDnsServer([])).rejects.toThrow(/knotd.*not found.*\.ci\/install-system-deps/);
  });

  test("MAILDOMAIN_DNS_SERVER=in-process forces the fallback; a bad value is an error", () => {
    process.env.MAILDOMAIN_DNS_SERVER = "in-process";
    expect(selectDnsServerKind()).toEqual({ kind: "in-process", fallback: false });
    process.env.MAILDOMAIN_DNS_SERVER = "bind";
    expect(() => selectDnsServerKind()).toThrow(/MAILDOMAIN_DNS_SERVER/);
  });
});
