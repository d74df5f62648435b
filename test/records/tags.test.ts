import { Diagnostic } from "../../components/records/diagnostics";
import { duplicateTagNames, leadingVersion, meantAs, parseTagList, renderTagList } from "../../components/records/tags";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const RFC = "RFC 6376 §3.2";
const parse = (text: string) => parseTagList(text, "dkim", RFC);

describe("RFC 6376 §3.2: tag-list grammar", () => {
  test.each([
    ["single tag", "v=DKIM1", [["v", "DKIM1"]]],
    ["trailing semicolon", "v=DKIM1;", [["v", "DKIM1"]]],
    ["spaces around everything", "  v = DKIM1 ;  k = rsa ; ", [["v", "DKIM1"], ["k", "rsa"]]],
    ["no spaces", "v=DKIM1;k=rsa;p=MIIB", [["v", "DKIM1"], ["k", "rsa"], ["p", "MIIB"]]],
    ["empty value", "v=DKIM1; p=", [["v", "DKIM1"], ["p", ""]]],
    ["value with ':' '/' '+' '='", "h=from:to; p=ab+/cd==", [["h", "from:to"], ["p", "ab+/cd=="]]],
    ["value with inner spaces kept as one space", "n=a  b\tc", [["n", "a b c"]]],
    ["tag name with digits and underscore", "x_1=a", [["x_1", "a"]]],
    ["empty text", "", []],
  ])("%s", (_name, text, expected) => {
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.tags.map((t) => [t.name, t.value])).toEqual(expected);
  });
});

describe("RFC 6376 §3.2 / RFC 5322 §3.2.2: folding white space", () => {
  test("CRLF followed by WSP inside a value unfolds to one space; around tags it disappears", () => {
    const r = parse("v=DKIM1;\r\n\tk=rsa;\r\n p=MIIB\r\n  IjAN");
    expect(r.diagnostics).toEqual([]);
    expect(r.tags).toEqual([
      { name: "v", value: "DKIM1" },
      { name: "k", value: "rsa" },
      { name: "p", value: "MIIB IjAN" },
    ]);
  });

  test("a bare line break inside a value (not followed by WSP) is not FWS", () => {
    expect(codes(parse("p=MIIB\nIjAN").diagnostics)).toEqual(["dkim.tag-value-syntax"]);
  });
});

describe("bad tag lists", () => {
  test.each([
    ["tag without '='", "v=DKIM1; rsa", "dkim.tag-syntax", "error"],
    ["tag name starting with a digit", "1v=DKIM1", "dkim.tag-syntax", "error"],
    ["tag name with '-'", "x-y=1", "dkim.tag-syntax", "error"],
    ["tag name with a space", "k k=rsa", "dkim.tag-syntax", "error"],
    ["empty tag name", "=rsa", "dkim.tag-syntax", "error"],
    ["non-ASCII in a value", "n=café", "dkim.tag-value-syntax", "error"],
    ["control character in a value", "n=a\u0000b", "dkim.tag-value-syntax", "error"],
    ["NBSP before a tag name", "v=DKIM1; \u00a0k=rsa", "dkim.tag-syntax", "error"],
    ["BOM before the first tag", "\ufeffv=DKIM1", "dkim.tag-syntax", "error"],
    ["NBSP after a value", "p=quarantine\u00a0", "dkim.tag-value-syntax", "error"],
    ["double semicolon", "v=DKIM1;; k=rsa", "dkim.empty-tag", "warning"],
    ["leading semicolon", "; v=DKIM1", "dkim.empty-tag", "warning"],
  ])("%s: %j → %s", (_name, text, code, severity) => {
    const d = parse(text).diagnostics;
    expect(codes(d)).toEqual([code]);
    expect(d[0].severity).toBe(severity);
    expect(d[0].rfc).toBe(RFC);
  });

  test("a bad tag is left out, the others are kept", () => {
    expect(parse("v=DKIM1; 1x=2; k=rsa").tags.map((t) => t.name)).toEqual(["v", "k"]);
  });

  test("a custom tag-name grammar (RFC 8461 §3.1 / RFC 8460 §3 extension names)", () => {
    const r = parseTagList("v=STSv1; 9a-b.c=1; _x=2", "mta-sts", "RFC 8461 §3.1", { tagName: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, tagNameRule: "custom rule" });
    expect(r.tags.map((t) => t.name)).toEqual(["v", "9a-b.c"]);
    expect(codes(r.diagnostics)).toEqual(["mta-sts.tag-syntax"]);
    expect(r.diagnostics[0].message).toContain("custom rule");
  });

  test("the kind namespaces the codes", () => {
    expect(codes(parseTagList("junk", "dmarc", "RFC 7489 §6.4").diagnostics)).toEqual(["dmarc.tag-syntax"]);
  });
});

describe("duplicates and rendering", () => {
  test("duplicateTagNames, case-sensitive by default (DKIM), optionally case-insensitive", () => {
    const { tags } = parse("p=a; P=b; k=rsa; p=c");
    expect(duplicateTagNames(tags)).toEqual(["p"]);
    expect(duplicateTagNames(tags, true)).toEqual(["p"]);
    expect(duplicateTagNames(parse("p=a; P=b").tags)).toEqual([]);
    expect(duplicateTagNames(parse("p=a; P=b").tags, true)).toEqual(["p"]);
  });

  test("renderTagList joins with '; ' and parses back", () => {
    const tags = [
      { name: "v", value: "DMARC1" },
      { name: "p", value: "reject" },
    ];
    expect(renderTagList(tags)).toBe("v=DMARC1; p=reject");
    expect(parse(renderTagList(tags)).tags).toEqual(tags);
  });
});

describe("what a TXT value is meant to be: a leading v= tag read leniently", () => {
  test.each([
    ["v=DMARC1; p=none", "DMARC1"],
    ["V = dmarc1 ;p=none", "dmarc1"],
    ["  v=STSv1", "STSv1"],
    ["p=none; v=DMARC1", undefined],
    ["google-site-verification=x", undefined],
  ])("%j → %j", (txt, version) => {
    expect(leadingVersion(txt)).toBe(version);
  });
  test("meantAs compares the version without regard to case", () => {
    expect(meantAs("V=tlsrptv1; rua=mailto:a@example.com", "TLSRPTv1")).toBe(true);
    expect(meantAs("v=TLSRPTv10", "TLSRPTv1")).toBe(false);
  });
});
