/**
 * The classes of IPs a declared SPF record cannot tell apart (cli/reports/advise/spf-classes.ts), held to
 * mailauth: for every record below and several hundred IPs around and outside its networks, all IPs of a class
 * get the same result from mailauth's own evaluation, and the classes are few. Records whose result can depend on
 * more than the networks (ptr, exists, macros) have no classes.
 */
import { spfClasses } from "../../cli/reports/advise/spf-classes";
import type { MailauthResolver } from "../../cli/check/dns/resolver";
import { evaluateSpf } from "../../cli/check/spf";

const ZONE: Record<string, Record<string, unknown[]>> = {
  "plain.example": { TXT: [["v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 -all"]] },
  "mixed.example": {
    TXT: [["v=spf1 mx a:mail.mixed.example/28 include:_spf.esp.example ", "~all"], ["google-site-verification=x"]],
    MX: [{ exchange: "mx1.mixed.example", priority: 10 }, { exchange: "mx2.mixed.example", priority: 20 }],
  },
  "mx1.mixed.example": { A: ["203.0.113.10"], AAAA: ["2001:db8::10"] },
  "mx2.mixed.example": { A: ["203.0.113.77"] },
  "mail.mixed.example": { A: ["203.0.113.200"] },
  "_spf.esp.example": { TXT: [["v=spf1 ip4:198.51.0.0/16 ip6:2001:db8:beef::/48 -all"]] },
  "redirected.example": { TXT: [["v=spf1 redirect=_spf.other.example"]] },
  "_spf.other.example": { TXT: [["v=spf1 -ip4:192.0.2.128/25 ip4:192.0.2.0/24 ?all"]] },
  "broken-include.example": { TXT: [["v=spf1 ip4:10.0.0.0/8 include:missing.example -all"]] },
  // Eleven includes deep: an IP matched before the limit passes, the others hit it (RFC 7208 §4.6.4).
  "deep.example": { TXT: [["v=spf1 ip4:192.0.2.0/26 include:l1.deep.example -all"]] },
  ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`l${i + 1}.deep.example`, { TXT: [[`v=spf1 ip4:10.${i}.0.0/16 include:l${i + 2}.deep.example -all`]] }])),
  "l12.deep.example": { TXT: [["v=spf1 -all"]] },
  "dual.example": { TXT: [["v=spf1 a//64 mx/24 -all"]], A: ["192.0.2.1"], AAAA: ["2001:db8:1::1"], MX: [{ exchange: "mx1.mixed.example", priority: 5 }] },
  "ptr.example": { TXT: [["v=spf1 ptr -all"]] },
  "exists.example": { TXT: [["v=spf1 exists:%{i}._spf.exists.example -all"]] },
  "macro.example": { TXT: [["v=spf1 include:%{d}.spf.example -all"]] },
};

const resolver: MailauthResolver = async (name, type) => {
  const records = ZONE[name.toLowerCase().replace(/\.$/, "")];
  const answer = records?.[String(type).toUpperCase()];
  if (!records || !answer) throw Object.assign(new Error(`${records ? "ENODATA" : "ENOTFOUND"} ${name}`), { code: records ? "ENODATA" : "ENOTFOUND" });
  return structuredClone(answer);
};

/** IPs in, at the edges of, and outside the records' networks, both families. */
function ips(): string[] {
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const out = new Set<string>(["192.0.2.0", "192.0.2.63", "192.0.2.64", "192.0.2.127", "192.0.2.128", "192.0.2.255", "198.51.100.7", "198.51.100.8", "203.0.113.10", "203.0.113.77", "203.0.113.192", "203.0.113.207", "203.0.113.208", "2001:db8::10", "2001:db8::11", "2001:db8:beef::1", "2001:db8:1::ffff", "2001:db8:2::1", "10.0.0.1", "10.5.3.3", "10.10.1.1", "::ffff:192.0.2.1"]);
  for (let i = 0; i < 400; i++) {
    const pick = rand(7);
    if (pick === 0) out.add(`192.0.2.${rand(256)}`);
    else if (pick === 1) out.add(`198.51.${rand(256)}.${rand(256)}`);
    else if (pick === 2) out.add(`203.0.113.${rand(256)}`);
    else if (pick === 3) out.add(`10.${rand(14)}.${rand(256)}.${rand(256)}`);
    else if (pick === 4) out.add(`2001:db8:${["0", "1", "beef", "2"][rand(4)]}::${rand(65536).toString(16)}`);
    else out.add(`${1 + rand(223)}.${rand(256)}.${rand(256)}.${rand(256)}`);
  }
  return [...out];
}

test.each(["plain.example", "mixed.example", "redirected.example", "broken-include.example", "deep.example", "dual.example"])("%s: every IP of a class gets the same result from mailauth, and the classes are few", async (domain) => {
  const classOf = await spfClasses(domain, resolver);
  expect(classOf).toBeDefined();
  const results = new Map<string, Set<string>>();
  let alone = 0;
  for (const ip of ips()) {
    const cls = classOf!(ip);
    if (cls === undefined) {
      alone++;
      continue;
    }
    const { result } = await evaluateSpf(domain, ip, resolver);
    results.set(cls, (results.get(cls) ?? new Set()).add(result));
  }
  for (const [cls, seen] of results) expect({ cls, results: [...seen] }).toEqual({ cls, results: [expect.any(String)] });
  // Few classes for hundreds of IPs, and more than one: the key tells the networks apart.
  expect(results.size).toBeGreaterThan(1);
  expect(results.size).toBeLessThan(40);
  // Only the IPv4-mapped address is left to be evaluated on its own.
  expect(alone).toBe(1);
});

test("records whose result can depend on more than the networks an IP is in have no classes", async () => {
  for (const domain of ["ptr.example", "exists.example", "macro.example"]) expect(await spfClasses(domain, resolver)).toBeUndefined();
});

test("a domain without SPF is one class per family: mailauth says none for every IP", async () => {
  const classOf = (await spfClasses("nonexistent.example", resolver))!;
  expect(new Set(ips().filter((ip) => !ip.includes(":")).map((ip) => classOf(ip)))).toEqual(new Set(["ipv4"]));
  expect((await evaluateSpf("nonexistent.example", "192.0.2.1", resolver)).result).toBe("none");
});
