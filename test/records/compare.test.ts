/** Records compared by meaning: what a receiver would do differently, not how the text is spelled. */
import { generateKeyPairSync } from "node:crypto";
import { compareMxSets, compareTxtRecords, txtKind } from "../../components/records/compare";

const fields = (expected: string, actual: string, domain?: string) => compareTxtRecords(expected, actual, domain).differences.map((d) => d.field);

describe("SPF (RFC 7208 §4.6)", () => {
  test.each([
    ["default qualifier and case (§4.6.1, §4.6.2)", "v=spf1 a mx -all", "v=spf1 +A +mx -ALL"],
    ["order within a run of one qualifier", "v=spf1 a mx ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.1 mx a -all"],
    ["an address as the network it names (§5.6)", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all", "v=spf1 ip4:192.0.2.77/24 ip6:2001:DB8:0::1/32 -all"],
    ["a full-length prefix", "v=spf1 ip4:192.0.2.1 a mx -all", "v=spf1 ip4:192.0.2.1/32 a/32 mx//128 -all"],
    ["a domain-spec's case and trailing dot", "v=spf1 include:_spf.Example.net. -all", "v=spf1 include:_spf.example.net -all"],
    ["the record's own domain in a and mx (§5.3, §5.4)", "v=spf1 a mx -all", "v=spf1 a:example.com mx:example.com -all"],
    ["terms after all are never evaluated (§5.1)", "v=spf1 mx -all", "v=spf1 mx -all include:other.example"],
    ["unknown modifiers are ignored (§6)", "v=spf1 mx -all", "v=spf1 mx foo=bar -all"],
    ["no all is neutral, as ?all is (§4.7)", "v=spf1 mx", "v=spf1 mx ?all"],
    ["redirect beside all is ignored (§6.1)", "v=spf1 mx -all", "v=spf1 mx -all redirect=other.example"],
    ["a repeated term", "v=spf1 mx -all", "v=spf1 mx mx -all"],
  ])("equivalent: %s", (_what, expected, actual) => {
    const c = compareTxtRecords(expected, actual, "example.com");
    expect(c).toMatchObject({ kind: "spf", equivalent: true, differences: [] });
    expect(c.cosmetic.length).toBeGreaterThan(0);
  });

  test.each([
    ["a softer all", "v=spf1 mx -all", "v=spf1 mx ~all", ["all"]],
    ["a dropped sender", "v=spf1 mx ip4:192.0.2.1 -all", "v=spf1 mx -all", ["ip4:192.0.2.1"]],
    ["an added sender", "v=spf1 mx -all", "v=spf1 mx include:_spf.google.com -all", ["include:_spf.google.com"]],
    ["another qualifier on a term", "v=spf1 ?include:x.example -all", "v=spf1 include:x.example -all", ["include:x.example"]],
    ["an order that changes which qualifier wins (§4.6.2)", "v=spf1 -ip4:192.0.2.1 ip4:192.0.2.0/24 -all", "v=spf1 ip4:192.0.2.0/24 -ip4:192.0.2.1 -all", ["order"]],
    ["a macro's case (§7.3)", "v=spf1 exists:%{i}.x.example -all", "v=spf1 exists:%{I}.x.example -all", ["exists:%{i}.x.example", "exists:%{I}.x.example"]],
    ["a redirect to another domain", "v=spf1 redirect=a.example", "v=spf1 redirect=b.example", ["all"]],
    ["an exp", "v=spf1 -all exp=why.example", "v=spf1 -all", ["exp"]],
    ["a syntax error live (a permanent error for every sender, §4.6)", "v=spf1 mx -all", "v=spf1 mx ip4:300.1.1.1 -all", ["record"]],
  ])("different: %s", (_what, expected, actual, differing) => {
    expect(fields(expected, actual, "example.com")).toEqual(differing);
  });

  test("each difference says what a receiver does differently", () => {
    const [all, dropped] = compareTxtRecords("v=spf1 mx ip4:192.0.2.1 -all", "v=spf1 mx ~all").differences;
    expect(all.message).toBe("mail from a sender no term lists gets softfail instead of fail: the plan ends in -all, live DNS in ~all");
    expect(dropped).toMatchObject({ expected: "+ip4:192.0.2.1", actual: "(absent)", message: 'the plan has "+ip4:192.0.2.1", live DNS does not: the senders it authorizes no longer pass SPF' });
  });
});

describe("DMARC (RFC 7489 §6.3, §6.6.3; RFC 9989)", () => {
  test.each([
    ["defaults written out", "v=DMARC1; p=reject", "v=DMARC1; p=reject; sp=reject; pct=100; adkim=r; aspf=r; fo=0; ri=86400; rf=afrf"],
    ["value case, order, spacing, trailing ;", "v=DMARC1; p=reject; rua=mailto:d@example.com", "v=DMARC1;rua=mailto:d@EXAMPLE.com ; p=Reject;"],
    ["unknown tags", "v=DMARC1; p=none", "v=DMARC1; p=none; foo=bar"],
    ["rua as a set", "v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.com", "v=DMARC1; p=none; rua=mailto:b@example.com, mailto:a@example.com"],
  ])("equivalent: %s", (_what, expected, actual) => {
    expect(compareTxtRecords(expected, actual)).toMatchObject({ kind: "dmarc", equivalent: true });
  });

  test("the seed article's record: pct=50% is pct 100 for receivers, and V= is read only by lenient ones", () => {
    const c = compareTxtRecords("v=DMARC1; p=quarantine; pct=50", "V=DMARC1; p=quarantine; pct=50%");
    expect(c.differences.map((d) => [d.field, d.expected, d.actual])).toEqual([
      ["v", "v=", "V="],
      ["pct", "50", "100 (default)"],
    ]);
    expect(c.differences[1].message).toMatch(/live DNS writes pct=50%, which receivers ignore, so the default applies/);
  });

  test.each([
    ["p", "v=DMARC1; p=reject", "v=DMARC1; p=none", ["p"]],
    ["an explicit sp beside an inherited one (np follows it)", "v=DMARC1; p=reject", "v=DMARC1; p=reject; sp=none", ["sp"]],
    ["a report address", "v=DMARC1; p=none; rua=mailto:a@example.com", "v=DMARC1; p=none; rua=mailto:b@example.com", ["rua"]],
    ["a size limit", "v=DMARC1; p=none; rua=mailto:a@example.com", "v=DMARC1; p=none; rua=mailto:a@example.com!10m", ["rua"]],
    ["strict alignment", "v=DMARC1; p=none", "v=DMARC1; p=none; adkim=s", ["adkim"]],
    ["an upper-case tag name", "v=DMARC1; p=reject", "v=DMARC1; P=reject", ["p"]],
    ["a record receivers ignore (V=DMARC1 not first)", "v=DMARC1; p=reject", "V=DMARC1 ; p=reject", ["v"]],
    ["not a DMARC record at all (v= not first)", "v=DMARC1; p=reject", "p=reject; v=DMARC1", ["value"]],
    ["a repeated tag", "v=DMARC1; p=reject", "v=DMARC1; p=reject; p=none", ["record"]],
  ])("different: %s", (_what, expected, actual, differing) => {
    expect(fields(expected, actual)).toEqual(differing);
  });

  test("p that differs says sp and np follow it when neither record sets them", () => {
    expect(compareTxtRecords("v=DMARC1; p=reject", "v=DMARC1; p=none").differences[0].message).toBe("the policy for mail from the domain is reject in the plan and none in live DNS; sp and np, which neither record sets, follow it");
  });

  test("an invalid p with rua= is p=none (§6.6.3); without rua= the record is ignored", () => {
    expect(compareTxtRecords("v=DMARC1; p=none; rua=mailto:a@example.com", "v=DMARC1; p=bogus; rua=mailto:a@example.com").equivalent).toBe(true);
    expect(fields("v=DMARC1; p=none", "v=DMARC1; p=bogus")).toEqual(["record"]);
  });
});

describe("DKIM keys (RFC 6376 §3.6.1)", () => {
  const p = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64");
  test("v=, n=, order, spacing and defaults written out change nothing", () => {
    expect(compareTxtRecords(`v=DKIM1; k=rsa; p=${p}`, `p=${p.slice(0, 20)} ${p.slice(20)}; n=rotated in May; s=*`)).toMatchObject({ kind: "dkim", equivalent: true });
  });
  test.each([
    ["another key", `v=DKIM1; p=${p}`, `v=DKIM1; p=${generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }).toString("base64")}`, ["p"]],
    ["a revoked key", `v=DKIM1; p=${p}`, "v=DKIM1; p=", ["p"]],
    ["testing mode", `v=DKIM1; p=${p}`, `v=DKIM1; t=y; p=${p}`, ["t"]],
    ["hash algorithms", `v=DKIM1; p=${p}`, `v=DKIM1; h=sha256; p=${p}`, ["h"]],
    ["a discarded record (v= not first)", `v=DKIM1; p=${p}`, `k=rsa; v=DKIM1; p=${p}`, ["record"]],
  ])("different: %s", (_what, expected, actual, differing) => {
    expect(fields(expected, actual)).toEqual(differing);
  });
});

describe("MX sets (RFC 5321 §5.1)", () => {
  const mx = (...rs: Array<[number, string]>) => rs.map(([priority, exchange]) => ({ priority, exchange }));
  test("only the order of preference tiers matters, not the numbers", () => {
    const c = compareMxSets(mx([10, "a.example"], [20, "b.example"]), mx([5, "a.example"], [50, "b.example"]));
    expect(c).toEqual({ equivalent: true, differences: [], cosmetic: ["other preference numbers in the same order"] });
    expect(compareMxSets(mx([10, "a.example"], [10, "b.example"]), mx([10, "b.example"], [10, "a.example"])).cosmetic).toEqual([]);
  });
  test.each([
    ["a host gone", mx([10, "a.example"], [20, "b.example"]), mx([10, "a.example"]), ["b.example"]],
    ["a host added", mx([10, "a.example"]), mx([10, "a.example"], [20, "c.example"]), ["c.example"]],
    ["two tiers merged", mx([10, "a.example"], [20, "b.example"]), mx([10, "a.example"], [10, "b.example"]), ["order"]],
    ["a null MX instead", mx([10, "a.example"]), mx([0, "."]), ["a.example", "."]],
  ])("different: %s", (_what, expected, actual, differing) => {
    expect(compareMxSets(expected, actual).differences.map((d) => d.field)).toEqual(differing);
  });
});

describe("other TXT values", () => {
  test("MTA-STS, TLS-RPT and BIMI tag by tag; anything else as text", () => {
    expect(txtKind("v=STSv1; id=1")).toBe("mta-sts");
    expect(compareTxtRecords("v=STSv1; id=20260101", "v=STSv1;id=20260101").equivalent).toBe(true);
    expect(fields("v=STSv1; id=20260101", "v=STSv1; id=20260202")).toEqual(["id"]);
    expect(fields("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com")).toEqual(["rua"]);
    expect(compareTxtRecords("google-site-verification=abc", "google-site-verification=abd")).toMatchObject({ kind: "other", equivalent: false });
    expect(compareTxtRecords("v=spf1 -all", "v=DMARC1; p=none").equivalent).toBe(false);
  });
});
