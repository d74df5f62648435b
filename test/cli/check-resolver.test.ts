/**
 * The check's DNS client with an injected backend (no server): the cache, CNAME following on an
 * authoritative-only answer, CNAME loops, the timeout and retry budget, the fast failure of a dead server, the
 * concurrency bound, and the mailauth-compatible function form.
 */
import { DnsClient, resolveServerAddress, type DnsBackend, type RRType } from "../../cli/check/dns/resolver";

type Answer = unknown[] | { code: string } | "drop";

function fakeBackend(table: Record<string, Answer>, log: string[] = []): DnsBackend {
  return (name: string, type: RRType) => {
    log.push(`${type} ${name}`);
    const a = table[`${type} ${name}`] ?? { code: "ENOTFOUND" };
    if (a === "drop") return new Promise(() => undefined);
    return new Promise((resolve, reject) =>
      setImmediate(() => (Array.isArray(a) ? resolve(a) : reject(Object.assign(new Error(a.code), { code: a.code })))),
    );
  };
}

const client = (backend: DnsBackend, opts: Partial<{ timeout: number; retries: number; concurrency: number }> = {}) =>
  new DnsClient({ timeout: opts.timeout ?? 1000, retries: opts.retries ?? 1, concurrency: opts.concurrency ?? 8, backend });

test("each name+type is asked once; concurrent and later lookups share the answer; names are normalized", async () => {
  const log: string[] = [];
  const c = client(fakeBackend({ "TXT example.com": [["v=spf1 -all"]] }, log));
  const [a, b] = await Promise.all([c.lookup("example.com", "TXT"), c.lookup("Example.COM.", "TXT")]);
  const again = await c.lookup("example.com", "TXT");
  expect(a).toEqual({ status: "ok", records: [["v=spf1 -all"]], chain: [] });
  expect(b).toBe(a);
  expect(again).toBe(a);
  expect(log).toEqual(["TXT example.com"]);
  expect(c.stats).toMatchObject({ queries: 1, answered: 1, cacheHits: 2 });
  expect(c.questions()).toEqual([{ name: "example.com", type: "TXT" }]);
});

test("NXDOMAIN and NODATA are answers, not failures", async () => {
  const c = client(fakeBackend({ "TXT nodata.example": { code: "ENODATA" } }));
  expect(await c.lookup("gone.example", "TXT")).toMatchObject({ status: "nxdomain" });
  expect(await c.lookup("nodata.example", "TXT")).toMatchObject({ status: "nodata" });
  expect(c.unreachable).toBe(false);
});

test("a CNAME-only answer (an authoritative server aliasing into another zone) is followed to the target", async () => {
  const log: string[] = [];
  const c = client(
    fakeBackend(
      {
        "TXT s1._domainkey.example.com": [],
        "CNAME s1._domainkey.example.com": ["s1.dkim.provider.net"],
        "CNAME s1.dkim.provider.net": { code: "ENODATA" },
        "TXT s1.dkim.provider.net": [["v=DKIM1; p=abc"]],
      },
      log,
    ),
  );
  expect(await c.lookup("s1._domainkey.example.com", "TXT")).toEqual({ status: "ok", records: [["v=DKIM1; p=abc"]], chain: ["s1.dkim.provider.net"] });
  expect(log).toEqual(["TXT s1._domainkey.example.com", "CNAME s1._domainkey.example.com", "CNAME s1.dkim.provider.net", "TXT s1.dkim.provider.net"]);
});

test("a CNAME loop is a failure naming the chain, not a hang", async () => {
  const c = client(fakeBackend({ "TXT a.example": [], "CNAME a.example": ["b.example"], "CNAME b.example": ["a.example"] }));
  const r = await c.lookup("a.example", "TXT");
  expect(r.status).toBe("failed");
  expect(r.status === "failed" && r.failure.message).toMatch(/loops.*b\.example → a\.example/);
});

test("a dropped question times out after (retries + 1) attempts of `timeout` ms; answered names are unaffected", async () => {
  const c = client(fakeBackend({ "TXT slow.example": "drop", "TXT ok.example": [["x"]] }), { timeout: 100, retries: 2 });
  const t = Date.now();
  const [slow, ok] = await Promise.all([c.lookup("slow.example", "TXT"), c.lookup("ok.example", "TXT")]);
  const ms = Date.now() - t;
  expect(ok.status).toBe("ok");
  expect(slow).toMatchObject({ status: "failed", failure: { kind: "timeout", code: "ETIMEOUT" } });
  expect(c.stats.attempts).toBe(4); // 3 for the slow name, 1 for the other
  expect(ms).toBeGreaterThanOrEqual(290);
  expect(ms).toBeLessThan(3 * 100 + 250);
  c.close();
});

test("a retried question does not hold up the timeout of questions sent after it", async () => {
  const c = client(fakeBackend({ "TXT a.example": "drop", "TXT b.example": "drop", "TXT ok.example": [["x"]] }), { timeout: 200, retries: 1 });
  const t = Date.now();
  const a = c.lookup("a.example", "TXT");
  await new Promise((r) => setTimeout(r, 10));
  const ok = c.lookup("ok.example", "TXT"); // an answer in between: the server is alive
  const b = c.lookup("b.example", "TXT").then(() => Date.now() - t);
  await Promise.all([a, ok]);
  // b: sent at ~10 ms, two attempts of 200 ms: done by ~410 ms (+ the watchdog's 50 ms tick), not held behind a's retry
  expect(await b).toBeLessThan(520);
  c.close();
});

test("a server that never answers: after a few timeouts the rest fail at once (never a hang)", async () => {
  const never: DnsBackend = () => new Promise(() => undefined);
  const c = client(never, { timeout: 100, retries: 3, concurrency: 4 });
  const t = Date.now();
  const names = Array.from({ length: 40 }, (_, i) => `n${i}.example`);
  const results = await Promise.all(names.map((n) => c.lookup(n, "TXT")));
  expect(results.every((r) => r.status === "failed" && r.failure.kind === "timeout")).toBe(true);
  expect(Date.now() - t).toBeLessThan(1500); // 40 names × 4 attempts × 100 ms / 4 slots would be 4 s
  expect(c.unreachable).toBe(true);
  expect(results.some((r) => r.status === "failed" && /stopped answering/.test(r.failure.message))).toBe(true);
  c.close();
});

test("REFUSED and SERVFAIL are classified and not retried", async () => {
  const log: string[] = [];
  const c = client(fakeBackend({ "TXT r.example": { code: "EREFUSED" }, "TXT s.example": { code: "ESERVFAIL" } }, log), { retries: 3 });
  expect(await c.lookup("r.example", "TXT")).toMatchObject({ status: "failed", failure: { kind: "refused" } });
  expect(await c.lookup("s.example", "TXT")).toMatchObject({ status: "failed", failure: { kind: "servfail" } });
  expect(log).toHaveLength(2);
});

test("at most `concurrency` questions on the wire", async () => {
  let inFlight = 0;
  let max = 0;
  const backend: DnsBackend = () => {
    max = Math.max(max, ++inFlight);
    return new Promise((resolve) => setTimeout(() => (inFlight--, resolve([])), 2));
  };
  const c = client(backend, { concurrency: 3 });
  await Promise.all(Array.from({ length: 30 }, (_, i) => c.lookup(`n${i}.example`, "A")));
  expect(max).toBe(3);
  expect(c.stats.maxInFlight).toBe(3);
});

test("the mailauth function form returns node:dns shapes (fresh copies) and throws node:dns error codes", async () => {
  const c = client(fakeBackend({ "MX example.com": [{ exchange: "mx.example.com", priority: 10 }], "TXT t.example": { code: "ETIMEOUT" } }), { retries: 0 });
  const resolve = c.resolverFunction();
  const mx = (await resolve("example.com", "MX")) as Array<{ exchange: string }>;
  expect(mx).toEqual([{ exchange: "mx.example.com", priority: 10 }]);
  mx[0].exchange = "changed";
  expect(await resolve("example.com", "mx")).toEqual([{ exchange: "mx.example.com", priority: 10 }]);
  await expect(resolve("gone.example", "TXT")).rejects.toMatchObject({ code: "ENOTFOUND" });
  await expect(resolve("t.example", "TXT")).rejects.toMatchObject({ code: "ETIMEOUT" });
});

test.each([
  ["192.0.2.1", "192.0.2.1"],
  ["192.0.2.1:5300", "192.0.2.1:5300"],
  ["2001:db8::1", "2001:db8::1"],
  ["[2001:db8::1]:5300", "[2001:db8::1]:5300"],
  ["ns1.example.net:53", "198.51.100.53:53"],
])("--server %s → %s", async (given, want) => {
  expect(await resolveServerAddress(given, async () => "198.51.100.53")).toBe(want);
});

test.each([["192.0.2.1:70000", /outside 1–65535/], ["[192.0.2.1]:53", /not an IPv6/], ["bad host!", /neither an IP address nor a host name/]])(
  "--server %s is refused",
  async (given, message) => {
    await expect(resolveServerAddress(given, async () => "198.51.100.53")).rejects.toThrow(message);
  },
);

describe("empty answers and refused connections are looked at on the wire before they are believed", () => {
  const withProbe = (table: Record<string, Answer>, verdict: "plain" | "truncated" | "unknown", seen: Array<[string, number]> = []) =>
    new DnsClient({
      timeout: 1000,
      retries: 1,
      concurrency: 8,
      backend: fakeBackend(table),
      probe: async (name, type, deadline) => {
        seen.push([`${type} ${name}`, deadline]);
        return verdict === "truncated" ? { kind: "truncated", tcp: "the TCP answer is truncated too" } : { kind: verdict };
      },
    });

  test("a NODATA that the wire shows truncated is a truncated failure; the server counts as answering", async () => {
    const c = withProbe({ "TXT example.com": { code: "ENODATA" } }, "truncated");
    const l = await c.lookup("example.com", "TXT");
    expect(l).toMatchObject({ status: "failed", failure: { kind: "truncated", code: "ETRUNCATED" } });
    expect(l.status === "failed" && l.failure.message).toMatch(/answered TXT example\.com truncated \(TC bit.*and the TCP answer is truncated too/);
    expect(c.stats).toMatchObject({ confirmations: 1, failed: 1 });
    await expect(c.resolverFunction()("example.com", "TXT")).rejects.toMatchObject({ code: "ETRUNCATED" });
  });

  test("a NODATA the wire confirms stays NODATA; a failed probe changes nothing; CNAME questions are not probed", async () => {
    const seen: Array<[string, number]> = [];
    const before = Date.now();
    const c = withProbe({ "TXT a.example": { code: "ENODATA" }, "CNAME a.example": { code: "ENODATA" } }, "plain", seen);
    expect(await c.lookup("a.example", "TXT")).toMatchObject({ status: "nodata" });
    expect(await c.lookup("a.example", "CNAME")).toMatchObject({ status: "nodata" });
    expect(seen.map(([q]) => q)).toEqual(["TXT a.example"]);
    // The probe's deadline is the question's own: (retries + 1) × timeout from its first attempt.
    expect(seen[0][1]).toBeGreaterThanOrEqual(before + 2000);
    expect(seen[0][1]).toBeLessThanOrEqual(Date.now() + 2000);
    const u = withProbe({ "TXT b.example": { code: "ENODATA" } }, "unknown");
    expect(await u.lookup("b.example", "TXT")).toMatchObject({ status: "nodata" });
  });

  test("empty TXT and MX answers are always looked at; empty A/AAAA only until 8 in a row were plain", async () => {
    const table: Record<string, Answer> = {};
    for (let i = 0; i < 12; i++) table[`AAAA h${i}.example`] = { code: "ENODATA" };
    table["TXT t.example"] = { code: "ENODATA" };
    table["MX t.example"] = { code: "ENODATA" };
    const seen: Array<[string, number]> = [];
    const c = withProbe(table, "plain", seen);
    for (let i = 0; i < 12; i++) expect(await c.lookup(`h${i}.example`, "AAAA")).toMatchObject({ status: "nodata" });
    await c.lookup("t.example", "TXT");
    await c.lookup("t.example", "MX");
    expect(seen.map(([q]) => q)).toEqual([...Array.from({ length: 8 }, (_, i) => `AAAA h${i}.example`), "TXT t.example", "MX t.example"]);
  });

  test("once one empty answer was truncated, every empty answer is looked at", async () => {
    const table: Record<string, Answer> = {};
    for (let i = 0; i < 12; i++) table[`A h${i}.example`] = { code: "ENODATA" };
    const seen: Array<[string, number]> = [];
    const c = withProbe(table, "truncated", seen);
    for (let i = 0; i < 12; i++) expect(await c.lookup(`h${i}.example`, "A")).toMatchObject({ status: "failed", failure: { kind: "truncated" } });
    expect(seen).toHaveLength(12);
  });

  test("ECONNREFUSED behind a truncated UDP answer is truncation, not an unreachable server", async () => {
    const c = withProbe({ "TXT example.com": { code: "ECONNREFUSED" }, "MX example.com": { code: "ECONNREFUSED" } }, "truncated");
    expect(await c.lookup("example.com", "TXT")).toMatchObject({ status: "failed", failure: { kind: "truncated" } });
    const refused = withProbe({ "TXT example.com": { code: "ECONNREFUSED" } }, "unknown");
    expect(await refused.lookup("example.com", "TXT")).toMatchObject({ status: "failed", failure: { kind: "unreachable" } });
  });
});
