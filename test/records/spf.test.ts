import { spf as mailauthSpf } from "mailauth/lib/spf";
import { Diagnostic, Severity } from "../../components/records/diagnostics";
import {
  authorizesSomeSender,
  SpfRecord,
  checkExplanation,
  checkSpfRecordSet,
  countDnsLookups,
  dnsLookupTerms,
  isSpfRecord,
  parseMacroString,
  parseSpf,
  referencedRecords,
  renderSpf,
  renderTerm,
  selectSpfRecords,
  validateSpf,
} from "../../components/records/spf";

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

/** [record, code, severity, breaksStandard] */
type Row = [string, string, Severity, boolean];

function expectDiagnostic([text, code, severity, breaks]: Row): void {
  const { diagnostics } = parseSpf(text);
  const hit = diagnostics.find((d) => d.code === code);
  if (!hit) throw new Error(`${JSON.stringify(text)}: expected ${code}, got ${codes(diagnostics).join(", ") || "nothing"}`);
  expect(hit.severity).toBe(severity);
  expect(hit.breaksStandard).toBe(breaks);
  expect(hit.rfc).toMatch(/^RFC \d+ §/);
  expect(hit.message.length).toBeGreaterThan(20);
}

// Every row is a distinct bad input; the Row tables below hold 121 of them.
describe("RFC 7208 §3, §4.5 version and characters", () => {
  test.each<Row>([
    ["", "spf.not-spf", "error", true],
    ["spf1 -all", "spf.not-spf", "error", true],
    ["v=spf2.0/pra include:x.example ~all", "spf.not-spf", "error", true],
    ['"v=spf1 -all"', "spf.not-spf", "error", true],
    [" v=spf1 -all", "spf.not-spf", "error", true],
    ["v=spf1include:_spf.google.com ~all", "spf.version-separator", "error", true],
    ["v=spf1\tmx -all", "spf.version-separator", "error", true],
    ["v=spf10 -all", "spf.version-separator", "error", true],
    ["v=spf1 mx\t-all", "spf.control-character", "error", true],
    ["v=spf1 a:ctrl.example.com\rptr -all", "spf.control-character", "error", true],
    ["v=spf1 a:foo.example.com\u0000", "spf.control-character", "error", true],
    ["v=spf1 mx -all\n", "spf.control-character", "error", true],
    ["v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net -all", "spf.non-ascii", "error", true],
    ["v=spf1 include:bücher.example -all", "spf.non-ascii", "error", true],
    ["v=spf1 a:example.net \u2013all", "spf.non-ascii", "error", true],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("several spaces between terms are valid (1*SP), noted as info", () => {
    const { model, diagnostics } = parseSpf("v=spf1 a  -all ");
    expect(errors(diagnostics)).toEqual([]);
    expect(codes(diagnostics)).toEqual(["spf.extra-spaces"]);
    expect(renderSpf(model)).toBe("v=spf1 a -all");
  });

  test("the version is case-insensitive; mechanism names too", () => {
    const { model, diagnostics } = parseSpf("V=SpF1 IP4:192.0.2.1 Include:_spf.example.com -ALL");
    expect(diagnostics).toEqual([]);
    expect(renderSpf(model)).toBe("v=spf1 ip4:192.0.2.1 include:_spf.example.com -all");
  });
});

describe("RFC 7208 §4.6.1, §5 mechanism and modifier names", () => {
  test.each<Row>([
    ["v=spf1 ipv4:192.0.2.1 -all", "spf.unknown-mechanism", "error", true],
    ["v=spf1 inlude:_spf.google.com ~all", "spf.unknown-mechanism", "error", true],
    ["v=spf1 ip4:1.2.3.4 -all moo", "spf.unknown-mechanism", "error", true],
    ["v=spf1 moo.cow/far_out=man:dog/cat -all", "spf.unknown-mechanism", "error", true],
    ["v=spf1 moo.cow:far_out=man:dog/cat -all", "spf.unknown-mechanism", "error", true],
    ["v=spf1 ip4:1.2.3.4 redirect:_spf.example.com", "spf.unknown-mechanism", "error", true],
    ["v=spf1 spf:example.com -all", "spf.unknown-mechanism", "error", true],
    ["v=spf1 1up=foo -all", "spf.modifier-name-syntax", "error", true],
    ["v=spf1 =all", "spf.modifier-name-syntax", "error", true],
    ["v=spf1 -redirect=_spf.example.com", "spf.term-syntax", "error", true],
    ["v=spf1 --all", "spf.term-syntax", "error", true],
    ["v=spf1 + -all", "spf.term-syntax", "error", true],
    ["v=spf1 include=_spf.google.com ~all", "spf.mechanism-as-modifier", "error", false],
    ["v=spf1 include:a.example ~all v=spf1 include:b.example ~all", "spf.repeated-version", "warning", false],
    ["v=spf1 default=pass", "spf.unknown-modifier", "info", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("typos get a suggestion", () => {
    const msg = (t: string) => parseSpf(t).diagnostics.find((d) => d.code === "spf.unknown-mechanism")?.message;
    expect(msg("v=spf1 inlude:x.example -all")).toContain('"include"');
    expect(msg("v=spf1 ipv6:2001:db8::1 -all")).toContain('"ip6"');
    expect(msg("v=spf1 redirect:x.example")).toContain("redirect=x.example");
  });

  test("a valid unknown modifier is ignored by receivers: info only (§6)", () => {
    const { model, diagnostics } = parseSpf("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all");
    expect(errors(diagnostics)).toEqual([]);
    expect(model.terms[0]).toEqual({ kind: "modifier", name: "moo.cow-far_out", value: "man:dog/cat" });
  });
});

describe("RFC 7208 §5.1 all", () => {
  test.each<Row>([
    ["v=spf1 -all.", "spf.unexpected-argument", "error", true],
    ["v=spf1 -all:foobar", "spf.unexpected-argument", "error", true],
    ["v=spf1 -all/8", "spf.unexpected-argument", "error", true],
    ["v=spf1 +all", "spf.pass-all", "error", false],
    ["v=spf1 all", "spf.pass-all", "error", false],
    ["v=spf1 include:servers.mcsv.net ?all", "spf.neutral-all", "warning", false],
    ["v=spf1 -all include:_spf.example.com", "spf.after-all", "warning", false],
    ["v=spf1 ip4:192.0.2.1", "spf.no-all", "warning", false],
    ["v=spf1 redirect=_spf.example.com ~all", "spf.redirect-ignored", "warning", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("+all is rendered explicitly; other + qualifiers are omitted", () => {
    expect(renderSpf(parseSpf("v=spf1 all").model)).toBe("v=spf1 +all");
    expect(renderSpf(parseSpf("v=spf1 +mx +ip4:192.0.2.1 ~all").model)).toBe("v=spf1 mx ip4:192.0.2.1 ~all");
  });

  test("syntax errors after all are still errors (§4.6)", () => {
    const { diagnostics } = parseSpf("v=spf1 -all ip4:300.1.1.1");
    expect(diagnostics.find((d) => d.code === "spf.ip4-address")?.breaksStandard).toBe(true);
  });

  test("only the first all counts for +all", () => {
    expect(codes(parseSpf("v=spf1 -all +all").diagnostics)).toEqual(["spf.after-all"]);
  });
});

describe("RFC 7208 §5.2, §5.7 include and exists need a domain", () => {
  test.each<Row>([
    ["v=spf1 include -all", "spf.missing-domain", "error", true],
    ["v=spf1 include: -all", "spf.missing-domain", "error", true],
    ["v=spf1 exists", "spf.missing-domain", "error", true],
    ["v=spf1 exists:", "spf.missing-domain", "error", true],
    ["v=spf1 include/24 -all", "spf.unexpected-argument", "error", true],
    ["v=spf1 include:_spf.example.com/24 -all", "spf.domain-end", "error", true],
    ["v=spf1 exists:mail.example.com/24", "spf.domain-end", "error", true],
    ["v=spf1 include_spf.google.com ~all", "spf.unexpected-argument", "error", true],
  ])("%j → %s", (...row) => expectDiagnostic(row));
});

describe("RFC 7208 §5.3, §5.4 a and mx with dual-cidr-length", () => {
  test.each<Row>([
    ["v=spf1 a/33 -all", "spf.cidr-range", "error", true],
    ["v=spf1 a//129 -all", "spf.cidr-range", "error", true],
    ["v=spf1 mx/33 -all", "spf.cidr-range", "error", true],
    ["v=spf1 a/24/64 -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 a/ -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 mx// -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 a/024 -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 mx:mail.example.com/2x -all", "spf.domain-end", "error", true],
    ["v=spf1 a: -all", "spf.missing-domain", "error", true],
    ["v=spf1 mx:/24 -all", "spf.missing-domain", "error", true],
    ["v=spf1 a/0 -all", "spf.open-network", "error", false],
    ["v=spf1 mx//0 -all", "spf.open-network", "error", false],
    ["v=spf1 a/4 -all", "spf.wide-network", "warning", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test.each([
    ["v=spf1 a/24//64 -all", { kind: "mechanism", qualifier: "+", name: "a", cidr4: 24, cidr6: 64 }],
    ["v=spf1 mx//64 -all", { kind: "mechanism", qualifier: "+", name: "mx", cidr6: 64 }],
    ["v=spf1 a:foo.example.com/24 -all", { kind: "mechanism", qualifier: "+", name: "a", domainSpec: "foo.example.com", cidr4: 24 }],
    // ":" and "/" are macro-literals: this domain-spec is valid and has no CIDR (openspf a-colon-domain).
    ["v=spf1 a:foo:bar/baz.example.com -all", { kind: "mechanism", qualifier: "+", name: "a", domainSpec: "foo:bar/baz.example.com" }],
  ])("%j parses", (text, term) => {
    const { model, diagnostics } = parseSpf(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(model.terms[0]).toEqual(term);
    expect(renderSpf(model)).toBe(text);
  });
});

describe("RFC 7208 §5.5 ptr", () => {
  test.each<Row>([
    ["v=spf1 ptr -all", "spf.ptr", "warning", false],
    ["v=spf1 ptr/0 -all", "spf.unexpected-argument", "error", true],
    ["v=spf1 ptr:", "spf.missing-domain", "error", true],
  ])("%j → %s", (...row) => expectDiagnostic(row));
});

describe("RFC 7208 §5.6 ip4 and ip6", () => {
  test.each<Row>([
    ["v=spf1 ip4:300.1.1.1 -all", "spf.ip4-address", "error", true],
    ["v=spf1 ip4:1.2.3 -all", "spf.ip4-address", "error", true],
    ["v=spf1 ip4:1.2.3.4:8080", "spf.ip4-address", "error", true],
    ["v=spf1 ip4:010.1.1.1 -all", "spf.ip4-address", "error", true],
    ["v=spf1 ip4:example.com -all", "spf.ip4-address", "error", true],
    ["v=spf1 ip6:2001:db8::zz -all", "spf.ip6-address", "error", true],
    ["v=spf1 ip6::CAFE::BABE", "spf.ip6-address", "error", true],
    ["v=spf1 ip6:[2001:db8::1] -all", "spf.ip6-address", "error", true],
    ["v=spf1 ip4:2001:db8::1 -all", "spf.ip-family-mismatch", "error", true],
    ["v=spf1 ip6:192.0.2.1 -all", "spf.ip-family-mismatch", "error", true],
    ["v=spf1 ip4", "spf.ip-missing", "error", true],
    ["v=spf1 -all ip6", "spf.ip-missing", "error", true],
    ["v=spf1 ip4:/24 -all", "spf.ip-missing", "error", true],
    ["v=spf1 ip4:1.2.3.4/33 -all", "spf.cidr-range", "error", true],
    ["v=spf1 ip6:::1.1.1.1/129", "spf.cidr-range", "error", true],
    ["v=spf1 ip4:1.2.3.4/032 -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 ip4:1.2.3.4/ -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 ip4:1.2.3.4//32", "spf.cidr-syntax", "error", true],
    ["v=spf1 ip6:::1.1.1.1//33", "spf.cidr-syntax", "error", true],
    ["v=spf1 ip4:1.2.3.4/24x -all", "spf.cidr-syntax", "error", true],
    ["v=spf1 ip4:0.0.0.0/0 -all", "spf.open-network", "error", false],
    ["v=spf1 ip6:::/0 -all", "spf.open-network", "error", false],
    ["v=spf1 ip4:10.0.0.0/6 -all", "spf.wide-network", "warning", false],
    ["v=spf1 ip4:192.0.2.1/24 -all", "spf.cidr-host-bits", "info", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("a /0 that does not authorize is fine", () => {
    expect(errors(parseSpf("v=spf1 ip4:192.0.2.0/24 -ip4:0.0.0.0/0").diagnostics)).toEqual([]);
  });

  test("addresses are kept as written (the builder canonicalizes)", () => {
    expect(parseSpf("v=spf1 ip6:Cafe:Babe:8000::/33 -all").model.terms[0]).toEqual({ kind: "mechanism", qualifier: "+", name: "ip6", ip: "Cafe:Babe:8000::", cidr6: 33 });
  });
});

describe("RFC 7208 §7.1 domain-spec and macros", () => {
  test.each<Row>([
    ["v=spf1 a:foo-bar -all", "spf.domain-end", "error", true],
    ["v=spf1 a:museum -all", "spf.domain-end", "error", true],
    ["v=spf1 a:museum. -all", "spf.domain-end", "error", true],
    ["v=spf1 a:111.222.33.44", "spf.domain-end", "error", true],
    ["v=spf1 mx:abc.123", "spf.domain-end", "error", true],
    ["v=spf1 a:example.-com", "spf.domain-end", "error", true],
    ["v=spf1 mx:example.com:8080", "spf.domain-end", "error", true],
    ["v=spf1 redirect=-all ?all", "spf.domain-end", "error", true],
    ["v=spf1 exp=-all", "spf.domain-end", "error", true],
    ["v=spf1 include:%{d}. -all", "spf.domain-end", "error", true],
    ["v=spf1 a:mail.example...com -all", "spf.domain-empty-label", "error", true],
    ["v=spf1 include:.example.com -all", "spf.domain-empty-label", "error", true],
    [`v=spf1 a:${"a".repeat(64)}.example.com -all`, "spf.domain-label-too-long", "error", true],
    [`v=spf1 include:${Array(50).fill("abcde").join(".")}.com -all`, "spf.domain-too-long", "error", true],
    ["v=spf1 -exists:%(ir).sbl.example.com ?all", "spf.macro-syntax", "error", true],
    ["v=spf1 exists:foo%.sbl.example.com ?all", "spf.macro-syntax", "error", true],
    ["v=spf1 exists:%{ir.sbl.example.com -all", "spf.macro-syntax", "error", true],
    ["v=spf1 exists:%{}.example.com -all", "spf.macro-syntax", "error", true],
    ["v=spf1 exists:%{d0}.example.com -all", "spf.macro-syntax", "error", true],
    ["v=spf1 exists:%{i!}.example.com -all", "spf.macro-syntax", "error", true],
    ["v=spf1 -all foo=%abc", "spf.macro-syntax", "error", true],
    ["v=spf1 a:%{a}.example.com -all", "spf.macro-letter", "error", true],
    ["v=spf1 -all exp=%{r}.example.com", "spf.macro-letter", "error", true],
    ["v=spf1 exists:%{c}.example.com -all", "spf.macro-letter", "error", true],
    ["v=spf1 exists:%{p}.should.example.com -all", "spf.macro-p", "warning", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test.each([
    "v=spf1 a:%{H} -all",
    "v=spf1 exists:%{i}.%{l2r-}.user.%{d2} -all",
    "v=spf1 exists:%{l2r+-}.user.%{d2} -all",
    "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
    "v=spf1 redirect=%{d}.d.spf.example.com.",
    "v=spf1 include:o.spf.example.com. ~all",
    "v=spf1 a:foo.example.xn--zckzah -all",
    "v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all",
    "v=spf1 -all exp=msg8.%{D2}",
    "v=spf1 -all exp=foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com",
  ])("%j is valid", (text) => {
    expect(errors(parseSpf(text).diagnostics)).toEqual([]);
  });

  test("macro parts", () => {
    expect(parseMacroString("%{l1r+-}.%{D}.x", "f", "domain").parts).toEqual([
      { kind: "expand", text: "%{l1r+-}", letter: "l", digits: 1, reverse: true, delimiters: "+-" },
      { kind: "literal", text: "." },
      { kind: "expand", text: "%{D}", letter: "D", reverse: false, delimiters: "" },
      { kind: "literal", text: ".x" },
    ]);
  });

  test("explanation text allows spaces and c r t; its problems are warnings (§6.2)", () => {
    expect(checkExplanation("Connections from %{c} not authorized at %{t}.")).toEqual([]);
    const bad = checkExplanation("The %{x}-files.");
    expect(bad.map((d) => [d.code, d.severity, d.breaksStandard])).toEqual([["spf.macro-letter", "warning", false]]);
  });
});

describe("RFC 7208 §6 modifiers", () => {
  test.each<Row>([
    ["v=spf1 exp= -all", "spf.missing-domain", "error", true],
    ["v=spf1 ?all redirect=", "spf.missing-domain", "error", true],
    ["v=spf1 exp=a.example.com -all exp=b.example.com", "spf.duplicate-modifier", "error", true],
    ["v=spf1 redirect=a.example.com redirect=b.example.com", "spf.duplicate-modifier", "error", true],
    ["v=spf1 -all redirect=_spf.example.com", "spf.redirect-ignored", "warning", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("modifier names are case-insensitive and stored in lower case", () => {
    expect(parseSpf("v=spf1 REDIRECT=_spf.example.com").model.terms).toEqual([{ kind: "modifier", name: "redirect", value: "_spf.example.com" }]);
  });
});

describe("RFC 7208 §4.6.4 DNS lookup limit", () => {
  const rec = (t: string): SpfRecord => parseSpf(t).model;

  test.each([
    ["v=spf1 -all", 0],
    ["v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all exp=explain.example.com", 0],
    ["v=spf1 a mx ptr include:a.example exists:%{i}.b.example -all", 5],
    ["v=spf1 a redirect=_spf.example.com", 2],
    ["v=spf1 a -all redirect=_spf.example.com", 1], // redirect is ignored when all is present (§6.1)
    ["v=spf1 a -all mx include:x.example", 1], // never evaluated after all (§5.1)
  ])("%j costs %i lookups", (text, n) => {
    expect(countDnsLookups(rec(text))).toBe(n);
    expect(dnsLookupTerms(rec(text))).toHaveLength(n);
  });

  test.each<Row>([
    ["v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all", "spf.too-many-lookups", "error", true],
    [`v=spf1 ${Array.from({ length: 10 }, (_, i) => `include:s${i}.example.com`).join(" ")} redirect=r.example.com`, "spf.too-many-lookups", "error", true],
  ])("%j → %s", (...row) => expectDiagnostic(row));

  test("exactly 10 is allowed", () => {
    expect(errors(parseSpf("v=spf1 a mx a mx a mx a mx a mx ip4:1.2.3.4 -all").diagnostics)).toEqual([]);
  });

  test("referenced records: includes and the effective redirect", () => {
    expect(referencedRecords(rec("v=spf1 include:a.example ip4:192.0.2.1 redirect=b.example"))).toEqual([
      { via: "include", domainSpec: "a.example" },
      { via: "redirect", domainSpec: "b.example" },
    ]);
  });
});

describe("RFC 7208 §3.4 record size and duplicate terms", () => {
  const ips = (n: number) => Array.from({ length: n }, (_, i) => `ip4:198.51.${Math.floor(i / 250)}.${i % 250}`).join(" ");
  test.each<Row>([
    [`v=spf1 ${ips(32)} -all`, "spf.record-too-long", "warning", false], // 513 octets
    [`v=spf1 ${ips(29)} -all`, "spf.record-long", "info", false], // 465 octets
    ["v=spf1 include:_spf.google.com include:_SPF.google.com ~all", "spf.duplicate-term", "warning", false],
  ])("%j → %s", (...row) => expectDiagnostic(row));
});

describe("RFC 7208 §4.5 record selection over the TXT values of a name", () => {
  test.each([
    ["v=spf1", true],
    ["v=spf1 -all", true],
    ["V=SPF1 ~all", true],
    ["v=spf10", false],
    ["v=spf1\t-all", false],
    ["v=spf1-all", false],
    [" v=spf1 -all", false],
    ["spf2.0/pra include:x ~all", false],
    ["google-site-verification=abc", false],
  ])("isSpfRecord(%j) = %s", (text, yes) => {
    expect(isSpfRecord(text)).toBe(yes);
  });

  test("two SPF records are a permanent error", () => {
    const d = checkSpfRecordSet(["v=spf1 include:_spf.google.com ~all", "google-site-verification=x", "v=spf1 include:mailgun.org ~all"], "example.com");
    expect(d.map((x) => [x.code, x.severity, x.breaksStandard, x.field])).toEqual([["spf.multiple-records", "error", true, "example.com"]]);
    expect(selectSpfRecords(["v=spf1 -all", "x", "V=SPF1 ~all"])).toEqual(["v=spf1 -all", "V=SPF1 ~all"]);
  });

  test.each([
    [["v=spf1include:_spf.google.com ~all"], "spf.lookalike-record", "error"],
    [['"v=spf1 include:_spf.google.com ~all"'], "spf.lookalike-record", "error"],
    [["v=spf10", "v=spf1 mx"], "spf.lookalike-record", "warning"],
    [["v=spf1 -all", "spf2.0/pra include:x.example ~all"], "spf.sender-id", "info"],
    [["v=spf2.0/mfrom,pra -all"], "spf.sender-id", "info"],
  ])("%j → %s", (values, code, severity) => {
    const d = checkSpfRecordSet(values);
    expect(d.map((x) => [x.code, x.severity, x.breaksStandard])).toEqual([[code, severity, false]]);
  });

  test("unrelated TXT values and one SPF record: nothing to say", () => {
    expect(checkSpfRecordSet(["v=spf1 -all", "\u0096", "MS=ms12345678", "v=DMARC1; p=none"])).toEqual([]);
  });
});

describe("render and parse round trip", () => {
  test.each([
    "v=spf1 -all",
    "v=spf1 a mx ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com ~all",
    "v=spf1 ?a:mail.example.com/28//64 -mx:%{d} ~ptr:example.org exists:%{i}._spf.%{d} -all exp=explain.%{d2}",
    "v=spf1 ip4:192.0.2.1 redirect=_spf.example.com",
    "v=spf1 +all",
  ])("%j", (text) => {
    const first = parseSpf(text);
    expect(renderSpf(first.model)).toBe(text);
    expect(parseSpf(renderSpf(first.model)).model).toEqual(first.model);
  });

  test("a term renders as one token", () => {
    expect(renderTerm({ kind: "mechanism", qualifier: "-", name: "ip6", ip: "2001:db8::", cidr6: 32 })).toBe("-ip6:2001:db8::/32");
    expect(renderTerm({ kind: "mechanism", qualifier: "+", name: "mx", cidr4: 24, cidr6: 64 })).toBe("mx/24//64");
  });
});

describe("validateSpf on models built in code", () => {
  test.each<[SpfRecord, string]>([
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "include", domainSpec: "_spf.google.com -all" }] }, "spf.term-whitespace"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "include", domainSpec: "x.example\nv=spf1" }] }, "spf.control-character"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "include" }] }, "spf.missing-domain"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "ip4", ip: "192.0.2.1", cidr4: 40 }] }, "spf.cidr-range"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "ip4", ip: "192.0.2.1", cidr6: 64 }] }, "spf.unexpected-argument"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "ip6", ip: "192.0.2.1" }] }, "spf.ip-family-mismatch"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "a", cidr4: 1.5 }] }, "spf.cidr-syntax"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "all", domainSpec: "x.example" }] }, "spf.unexpected-argument"],
    [{ terms: [{ kind: "mechanism", qualifier: "!" as "+", name: "all" }] }, "spf.term-syntax"],
    [{ terms: [{ kind: "mechanism", qualifier: "+", name: "ipv4" as "ip4", ip: "192.0.2.1" }] }, "spf.unknown-mechanism"],
    [{ terms: [{ kind: "modifier", name: "1x", value: "y" }] }, "spf.modifier-name-syntax"],
    [{ terms: [{ kind: "modifier", name: "redirect", value: "a.example b.example" }] }, "spf.term-whitespace"],
    [{ terms: [{ kind: "modifier", name: "note", value: "%x" }] }, "spf.macro-syntax"],
  ])("%j → %s", (record, code) => {
    const hit = validateSpf(record).find((d) => d.code === code);
    expect(hit?.breaksStandard).toBe(true);
  });

  test("one problem, one diagnostic", () => {
    const { diagnostics } = parseSpf("v=spf1 ip4:300.1.1.1 ip4:300.1.1.1 -all");
    expect(codes(diagnostics)).toEqual(["spf.ip4-address"]);
  });
});

// Records the providers tell their customers to publish, and records they publish themselves.
describe("real published records parse with no error", () => {
  test.each([
    "v=spf1 include:_spf.google.com ~all", // Google Workspace, support.google.com/a/answer/10685031
    "v=spf1 include:spf.protection.outlook.com -all", // Microsoft 365, learn.microsoft.com "Set up SPF"
    "v=spf1 include:amazonses.com ~all", // Amazon SES, docs.aws.amazon.com/ses "Authenticating Email with SPF"
    "v=spf1 include:mailgun.org ~all", // Mailgun, documentation.mailgun.com domain verification
    "v=spf1 include:sendgrid.net ~all", // Twilio SendGrid, docs.sendgrid.com SPF records explained
    "v=spf1 include:servers.mcsv.net ?all", // Mailchimp, mailchimp.com/help/set-up-email-domain-authentication
    "v=spf1 include:zoho.com ~all", // Zoho Mail, zoho.com/mail/help/adminconsole/spf-configuration.html
    "v=spf1 a mx include:spf.mtasv.net ~all", // Postmark, postmarkapp.com/support SPF
    "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all", // TXT at _spf.google.com
    "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip4:74.125.0.0/16 ip4:108.177.8.0/21 ip4:173.194.0.0/16 ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip4:216.239.32.0/19 ~all", // TXT at _netblocks.google.com
    "v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 ip6:2800:3f0:4000::/36 ip6:2a00:1450:4000::/36 ip6:2c0f:fb50:4000::/36 ~all", // TXT at _netblocks2.google.com
    "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 -all", // shape of spf.protection.outlook.com
    "v=spf1 exists:%{i}._spf.mta.salesforce.com -all", // Salesforce, TXT at _spf.salesforce.com
    "v=spf1 mx/30 mx:example.org/30 -all", // RFC 7208 Appendix A.1 examples
    "v=spf1 ip4:192.0.2.128/28 -all", // RFC 7208 Appendix A.1
    "v=spf1 include:example.com include:example.net -all", // RFC 7208 Appendix A.1
    "v=spf1 redirect=example.org", // RFC 7208 Appendix A.1
  ])("%s", (text) => {
    const { diagnostics } = parseSpf(text);
    expect(errors(diagnostics)).toEqual([]);
  });

  test("Mailchimp's ?all warns but breaks nothing", () => {
    const { diagnostics } = parseSpf("v=spf1 include:servers.mcsv.net ?all");
    expect(diagnostics.map((d) => [d.code, d.severity, d.breaksStandard])).toEqual([["spf.neutral-all", "warning", false]]);
  });
});

// mailauth (an independent SPF implementation) as a cross-check: where it evaluates the bad term,
// it returns permerror too; for the valid records it does not.
describe("cross-check with mailauth", () => {
  async function evaluate(record: string): Promise<string> {
    const resolver = async (name: string, type: string) => {
      if (type === "TXT" && name === "example.com") return [[record]];
      throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    };
    const r = await mailauthSpf({ sender: "a@example.com", ip: "192.0.2.1", helo: "mail.example.net", mta: "mx.test", resolver });
    return r.status.result;
  }
  test.each([
    "v=spf1 -all moo",
    "v=spf1 ip4:1.2.3.4/033 -all",
    "v=spf1 a:museum -all",
    "v=spf1 include:x ~all",
    "v=spf1 ipv4:192.0.2.1 -all",
    "v=spf1 ip4:300.1.1.1 -all",
    "v=spf1 redirect=a.example.com redirect=b.example.com",
    "v=spf1 a/33 -all",
    "v=spf1 ip6:2001:db8::zz -all",
    "v=spf1 exists:%{a}.x.com -all",
    "v=spf1 1up=foo -all",
  ])("%j: both say permerror", async (text) => {
    expect(parseSpf(text).diagnostics.some((d) => d.breaksStandard)).toBe(true);
    expect(await evaluate(text)).toBe("permerror");
  });
  test.each(["v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 a:foo:bar/baz.example.com -all", "v=spf1 -all exp=%{d}.explain.example.com"])("%j: neither says permerror", async (text) => {
    expect(parseSpf(text).diagnostics.some((d) => d.breaksStandard)).toBe(false);
    expect(await evaluate(text)).not.toBe("permerror");
  });
});

describe("RFC 7208 §5, RFC 7505 §4.2: whether a record authorizes any sender (a domain that sends no mail)", () => {
  test.each([
    ["v=spf1 -all", false],
    ["v=spf1 ~all", false],
    ["v=spf1 -mx -a -all", false],
    ["v=spf1 mx -all", true],
    ["v=spf1 ip4:192.0.2.1 -all", true],
    ["v=spf1 redirect=_spf.example.com", true],
    ["v=spf1 +all", true],
  ])("%s → %s", (text, expected) => {
    expect(authorizesSomeSender(parseSpf(text).model)).toBe(expected);
  });
});
