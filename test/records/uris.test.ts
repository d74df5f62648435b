import { Diagnostic } from "../../components/records/diagnostics";
import { UriRules, parseReportUri, renderReportUri } from "../../components/records/uris";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const DMARC: UriRules = { kind: "dmarc", schemes: ["mailto"], allowSize: true, rfc: "RFC 7489 §6.2" };
const TLSRPT: UriRules = { kind: "tls-rpt", schemes: ["mailto", "https"], rfc: "RFC 8460 §3" };
const BIMI: UriRules = { kind: "bimi", schemes: ["https"], rfc: "draft-brand-indicators-for-message-identification-10 §4.3" };

describe("RFC 7489 §6.2 / RFC 5321 §4.1.2: mailto URIs", () => {
  test.each([
    ["mailto:dmarc@example.com", { uri: "mailto:dmarc@example.com", address: "dmarc@example.com", domain: "example.com" }],
    ["MAILTO:dmarc@Example.COM", { uri: "mailto:dmarc@example.com", address: "dmarc@example.com", domain: "example.com" }],
    ["  mailto:dmarc@example.com  ", { uri: "mailto:dmarc@example.com", domain: "example.com" }],
    ["mailto:first.last+dmarc@reports.example.net", { uri: "mailto:first.last+dmarc@reports.example.net", domain: "reports.example.net" }],
    ["mailto:re%2Bports@example.com", { uri: "mailto:re+ports@example.com", domain: "example.com" }],
    ["mailto:dmarc@bücher.example", { uri: "mailto:dmarc@xn--bcher-kva.example", domain: "xn--bcher-kva.example" }],
  ])("%j", (raw, expected) => {
    const r = parseReportUri(raw, "dmarc.rua[0]", DMARC);
    expect(r.diagnostics).toEqual([]);
    expect(r.uri).toMatchObject({ scheme: "mailto", ...expected });
  });
});

describe("RFC 7489 §6.2: DMARC size limits", () => {
  test.each([
    ["mailto:dmarc@example.com!10m", "10m"],
    ["mailto:dmarc@example.com!100", "100"],
    ["mailto:dmarc@example.com!1g", "1g"],
    // ABNF literals are case-insensitive (RFC 5234 §2.3)
    ["mailto:dmarc@example.com!10M", "10M"],
  ])("%j → !%s", (raw, size) => {
    const r = parseReportUri(raw, "rua", DMARC);
    expect(r.diagnostics).toEqual([]);
    expect(r.uri?.maxSize).toBe(size);
    expect(renderReportUri(r.uri!)).toBe(raw);
  });

  test.each(["mailto:dmarc@example.com!10x", "mailto:dmarc@example.com!", "mailto:dmarc@example.com!-5", "mailto:dmarc@example.com!1.5m"])("%j → dmarc.uri-size", (raw) => {
    expect(codes(parseReportUri(raw, "rua", DMARC).diagnostics)).toEqual(["dmarc.uri-size"]);
  });

  test("without allowSize a size suffix is not understood", () => {
    expect(codes(parseReportUri("mailto:tls@example.com!10m", "rua", TLSRPT).diagnostics)).toEqual(["tls-rpt.invalid-uri"]);
  });
});

describe("RFC 8460 §3 / BIMI §4.3: https URIs", () => {
  test.each([
    ["https://report.example.com/tls", "report.example.com"],
    ["HTTPS://Report.Example.com/tls?x=1&y=2", "report.example.com"],
    ["https://report.example.com:8443/v1/tls", "report.example.com"],
    ["https://xn--bcher-kva.example/logo.svg", "xn--bcher-kva.example"],
  ])("%j", (raw, domain) => {
    const r = parseReportUri(raw, "rua[0]", TLSRPT);
    expect(r.diagnostics).toEqual([]);
    expect(r.uri).toMatchObject({ scheme: "https", uri: raw, domain });
  });

  test.each([
    ["http://example.com/logo.svg", "bimi.uri-scheme"],
    ["ftp://example.com/logo.svg", "bimi.uri-scheme"],
    ["example.com/logo.svg", "bimi.uri-scheme"],
    ["https:example.com/logo.svg", "bimi.invalid-uri"],
    ["https:/example.com/logo.svg", "bimi.invalid-uri"],
    ["https:\\\\example.com\\logo.svg", "bimi.invalid-uri"],
    ["https://", "bimi.invalid-uri"],
    ["https://user:pw@example.com/logo.svg", "bimi.invalid-uri"],
    ["https://exa_mple.com/logo.svg", "bimi.invalid-uri"],
    ["https://192.0.2.1/logo.svg", "bimi.invalid-uri"],
    ["https://[2001:db8::1]/logo.svg", "bimi.invalid-uri"],
    ["https://example.com:99999/logo.svg", "bimi.invalid-uri"],
  ])("%j → %s", (raw, code) => {
    expect(codes(parseReportUri(raw, "l", BIMI).diagnostics)).toEqual([code]);
  });
});

describe("bad mailto URIs", () => {
  test.each([
    ["", "dmarc.invalid-uri"],
    ["mailto:", "dmarc.invalid-uri"],
    ["mailto:@example.com", "dmarc.invalid-uri"],
    ["mailto:dmarc", "dmarc.invalid-uri"],
    ["mailto:dmarc@", "dmarc.invalid-uri"],
    ["mailto:dm..arc@example.com", "dmarc.invalid-uri"],
    ["mailto:dmarc@exa_mple.com", "dmarc.invalid-uri"],
    ["mailto:dmarc@192.0.2.1", "dmarc.invalid-uri"],
    ["mailto:dmarc@example.com?subject=x", "dmarc.invalid-uri"],
    [`mailto:${"a".repeat(65)}@example.com`, "dmarc.invalid-uri"],
    ["https://example.com/dmarc", "dmarc.uri-scheme"],
  ])("%j → %s", (raw, code) => {
    expect(codes(parseReportUri(raw, "dmarc.rua[0]", DMARC).diagnostics)).toEqual([code]);
  });

  test("a bare address gets the hint to add mailto:", () => {
    const d = parseReportUri("dmarc@example.com", "dmarc.rua[0]", DMARC).diagnostics;
    expect(codes(d)).toEqual(["dmarc.uri-scheme"]);
    expect(d[0].message).toContain("mailto:dmarc@example.com");
    expect(d[0].field).toBe("dmarc.rua[0]");
  });
});

describe("injection: user text can never add a tag or a list item", () => {
  test.each([
    ["mailto:a@example.com; p=none", 'a ";"'],
    ["mailto:a@example.com,mailto:b@evil.example", 'a ","'],
    ["mailto:a@example.com mailto:b@evil.example", "a space"],
    ['mailto:a@example.com"', "a quote"],
    ["mailto:a@example.com\nv=DMARC1", "a line break or tab"],
    ["mailto:a@example.com\n", "a line break or tab"],
    ["\tmailto:a@example.com", "a line break or tab"],
    ["mailto:a@example.com\u0000", "a control character"],
    ["mailto:a@example.com\u2028p=none", "a line break or tab"],
  ])("%j is an error describing %s", (raw, what) => {
    const r = parseReportUri(raw, "dmarc.rua[2]", DMARC);
    expect(r.uri).toBeUndefined();
    expect(codes(r.diagnostics)).toEqual(["dmarc.invalid-uri"]);
    expect(r.diagnostics[0]).toMatchObject({ field: "dmarc.rua[2]", severity: "error", breaksStandard: true });
    expect(r.diagnostics[0].message).toContain(what);
  });

  test("percent-encoded separators decode into the local part and are refused there", () => {
    expect(codes(parseReportUri("mailto:a%3Bp%3Dnone@example.com", "rua", DMARC).diagnostics)).toEqual(["dmarc.invalid-uri"]);
  });

  test("https: the same separators are refused", () => {
    for (const raw of ["https://example.com/a;b", "https://example.com/a,b", "https://example.com/a b", 'https://example.com/a"b']) {
      expect(codes(parseReportUri(raw, "l", BIMI).diagnostics)).toEqual(["bimi.invalid-uri"]);
    }
  });
});
