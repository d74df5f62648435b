import { Diagnostic } from "../../components/records/diagnostics";
import { TlsRptRecord, buildTlsRpt, isTlsRptRecord, parseTlsRpt, renderTlsRpt, validateTlsRpt, validateTlsRptArgs } from "../../components/records/tls-rpt";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");

describe("RFC 8460 §3: the _smtp._tls TXT record", () => {
  test.each([
    ["", "tls-rpt.missing-version"],
    ["rua=mailto:tls@example.com", "tls-rpt.missing-version"],
    ["V=TLSRPTv1; rua=mailto:tls@example.com", "tls-rpt.missing-version"],
    ["rua=mailto:tls@example.com; v=TLSRPTv1", "tls-rpt.version-not-first"],
    ["v=TLSRPTv2; rua=mailto:tls@example.com", "tls-rpt.version"],
    ["v=tlsrptv1; rua=mailto:tls@example.com", "tls-rpt.version"],
    ["v=TLSRPTv1", "tls-rpt.missing-rua"],
    ["v=TLSRPTv1; RUA=mailto:tls@example.com", "tls-rpt.missing-rua"],
    ["v=TLSRPTv1; rua=", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=tls@example.com", "tls-rpt.uri-scheme"],
    ["v=TLSRPTv1; rua=http://report.example.com/tls", "tls-rpt.uri-scheme"],
    ["v=TLSRPTv1; rua=ftp://report.example.com/tls", "tls-rpt.uri-scheme"],
    ["v=TLSRPTv1; rua=mailto:tls@example.com!10m", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=https://report.example.com/a!b", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=mailto:tls@example.com,", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=mailto:tls@exa_mple.com", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=https:report.example.com/tls", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=mailto:a@example.com mailto:b@example.com", "tls-rpt.invalid-uri"],
    ["v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", "tls-rpt.duplicate-tag"],
    ["v=TLSRPTv1; rua = mailto:a@example.com", "tls-rpt.tag-syntax"],
    ["v=TLSRPTv1; rua=mailto:a@example.com; _x=1", "tls-rpt.tag-syntax"],
    ["v=TLSRPTv1; rua=mailto:a@example.com; x=a=b", "tls-rpt.tag-value-syntax"],
    ["v=TLSRPTv1; rua=mailto:a@example.com\u0000", "txt.control-character"],
  ])("%j → %s (error)", (text, code) => {
    const d = parseTlsRpt(text).diagnostics.find((x) => x.code === code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe("error");
  });

  test("a bare address gets a hint to add mailto:", () => {
    const d = parseTlsRpt("v=TLSRPTv1; rua=tls@example.com").diagnostics;
    expect(d[0].message).toContain("mailto:tls@example.com");
  });

  test("a DMARC-style size suffix is explained", () => {
    expect(parseTlsRpt("v=TLSRPTv1; rua=mailto:tls@example.com!10m").diagnostics[0].message).toMatch(/size/);
  });

  test("several URIs, separated by commas with optional spaces", () => {
    const r = parseTlsRpt("v=TLSRPTv1; rua=mailto:tls@example.com , https://report.example.net/v1/tls");
    expect(r).toEqual({ model: { rua: ["mailto:tls@example.com", "https://report.example.net/v1/tls"] }, diagnostics: [] });
  });

  test("a repeated URI is a warning", () => {
    const d = parseTlsRpt("v=TLSRPTv1; rua=mailto:tls@example.com,mailto:tls@example.com").diagnostics;
    expect(d.map((x) => [x.code, x.severity])).toEqual([["tls-rpt.duplicate-uri", "warning"]]);
  });

  test("extension tags are ignored by senders and kept in the model", () => {
    const r = parseTlsRpt("v=TLSRPTv1; rua=mailto:tls@example.com; x-vendor.opt=on");
    expect(r).toEqual({ model: { rua: ["mailto:tls@example.com"], extensions: [{ name: "x-vendor.opt", value: "on" }] }, diagnostics: [] });
  });

  test("validateTlsRpt checks a model built in code", () => {
    expect(codes(validateTlsRpt({ rua: [] }))).toEqual(["tls-rpt.missing-rua"]);
    expect(codes(validateTlsRpt({ rua: ["mailto:a@example.com; p=none"] }))).toEqual(["tls-rpt.invalid-uri"]);
    expect(codes(validateTlsRpt({ rua: ["mailto:a@EXAMPLE.com"] }))).toEqual(["tls-rpt.invalid-uri"]);
    expect(validateTlsRpt({ rua: ["mailto:a@example.com"] })).toEqual([]);
  });
});

describe("real published TLS-RPT records parse with no error", () => {
  test.each([
    // _smtp._tls.google.com (dig TXT)
    ["v=TLSRPTv1;rua=mailto:sts-reports@google.com"],
    // Google Workspace documentation example (support.google.com/a/answer/9276511)
    ["v=TLSRPTv1; rua=mailto:tls-reports@example.com"],
    // RFC 8460 §3 examples
    ["v=TLSRPTv1; rua=mailto:reports@example.com"],
    ["v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"],
    ["v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt"],
  ])("%s", (text) => {
    expect(parseTlsRpt(text).diagnostics).toEqual([]);
  });
});

describe("render/parse round trip", () => {
  test.each<TlsRptRecord>([
    { rua: ["mailto:tls-reports@example.com"] },
    { rua: ["mailto:a@example.com", "https://report.example.net/tls?x=1"], extensions: [{ name: "9z", value: "x" }] },
  ])("%j", (m) => {
    expect(parseTlsRpt(renderTlsRpt(m))).toEqual({ model: m, diagnostics: [] });
  });

  test("render form", () => {
    expect(renderTlsRpt({ rua: ["mailto:a@example.com", "https://r.example.com/x"] })).toBe("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x");
  });
});

describe("component arguments: validateTlsRptArgs and buildTlsRpt", () => {
  test("valid", () => {
    expect(validateTlsRptArgs({ rua: ["mailto:tls@example.com", "https://r.example.com/tls"] })).toEqual([]);
  });

  test("field paths name each URI", () => {
    const d = validateTlsRptArgs({ rua: ["mailto:tls@example.com", "tls@example.com", "http://r.example.com/"] });
    expect(d.map((x) => [x.code, x.field])).toEqual([
      ["tls-rpt.uri-scheme", "tlsRpt.rua[1]"],
      ["tls-rpt.uri-scheme", "tlsRpt.rua[2]"],
    ]);
  });

  test("an empty list is an error", () => {
    expect(validateTlsRptArgs({ rua: [] }).map((x) => [x.code, x.field])).toEqual([["tls-rpt.missing-rua", "tlsRpt.rua"]]);
  });

  test.each([
    "mailto:tls@example.com; rua=mailto:evil@example.net",
    "mailto:tls@example.com,mailto:evil@example.net",
    "mailto:tls@example.com mailto:evil@example.net",
    'mailto:tls@example.com"',
    "mailto:tls@example.com\nv=TLSRPTv1",
  ])("injection %j is an error on that field, never a second URI or tag", (uri) => {
    const d = validateTlsRptArgs({ rua: [uri] });
    expect(errors(d).map((x) => [x.code, x.field])).toEqual([["tls-rpt.invalid-uri", "tlsRpt.rua[0]"]]);
  });

  test("duplicates are a warning; the builder keeps one, normalized", () => {
    const args = { rua: ["mailto:tls@EXAMPLE.com", "mailto:tls@example.com"] };
    expect(validateTlsRptArgs(args).map((x) => [x.code, x.severity, x.field])).toEqual([["tls-rpt.duplicate-uri", "warning", "tlsRpt.rua[1]"]]);
    expect(buildTlsRpt(args)).toEqual({ rua: ["mailto:tls@example.com"] });
    expect(validateTlsRpt(buildTlsRpt(args))).toEqual([]);
  });

  test("wrongly typed arguments are diagnostics", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(codes(validateTlsRptArgs({ rua: "mailto:a@example.com" } as any))).toEqual(["tls-rpt.args"]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(validateTlsRptArgs({ rua: [42] } as any).map((x) => x.field)).toEqual(["tlsRpt.rua[0]"]);
  });
});

describe("RFC 8460 §3: which TXT values senders select as the TLS-RPT record", () => {
  test.each([
    ["v=TLSRPTv1; rua=mailto:tls@example.com", true],
    ["v=TLSRPTv1;rua=mailto:tls@example.com", true],
    ["v=TLSRPTv1", true],
    ["V=TLSRPTv1; rua=mailto:tls@example.com", false],
    ["v=TLSRPTv10; rua=mailto:tls@example.com", false],
    ["rua=mailto:tls@example.com; v=TLSRPTv1", false],
  ])("%j → %s", (txt, expected) => {
    expect(isTlsRptRecord(txt)).toBe(expected);
  });
});
