import { Diagnostic } from "../../components/records/diagnostics";
import { MxRecord, NULL_MX, buildMx, isNullMx, mxHostIsAlias, parseMx, renderMx, validateMx, validateMxArgs, validateMxSet } from "../../components/records/mx";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");

describe("RFC 1035 §3.3.9: MX rdata is <16-bit preference> <host name>", () => {
  test.each([
    ["", "mx.syntax"],
    ["10", "mx.syntax"],
    ["mx1.example.com.", "mx.syntax"],
    ["10 mx1.example.com. extra", "mx.syntax"],
    ["ten mx1.example.com.", "mx.priority-syntax"],
    ["-1 mx1.example.com.", "mx.priority-syntax"],
    ["1.5 mx1.example.com.", "mx.priority-syntax"],
    ["65536 mx1.example.com.", "mx.priority-range"],
    ["99999999999999999999 mx1.example.com.", "mx.priority-range"],
    ["10 mx_1.example.com.", "name.invalid-character"],
    ["10 -mx.example.com.", "name.invalid-character"],
    ["10 mx..example.com.", "name.empty-label"],
    [`10 ${"a".repeat(64)}.example.com.`, "name.label-too-long"],
    ["10 mx.example.123.", "name.numeric-tld"],
  ])("%j → %s", (text, code) => {
    const { diagnostics } = parseMx(text);
    expect(codes(diagnostics)).toContain(code);
    expect(diagnostics.find((d) => d.code === code)?.severity).toBe("error");
  });

  test("an invalid preference is left out of the model, the valid exchange kept", () => {
    expect(parseMx("70000 mx.example.com.").model).toEqual({ exchange: "mx.example.com" });
  });

  test("the exchange without a trailing dot is taken as fully qualified", () => {
    expect(parseMx("10 mx1.example.com")).toEqual({ model: { priority: 10, exchange: "mx1.example.com" }, diagnostics: [] });
  });

  test("exchange names are normalized: upper case, IDNA", () => {
    expect(parseMx("5 MX.Bücher.example.").model).toEqual({ priority: 5, exchange: "mx.xn--bcher-kva.example" });
  });

  test("a single-label exchange is a warning (relative in a zone file)", () => {
    const d = parseMx("10 mail").diagnostics;
    expect(codes(d)).toEqual(["mx.single-label"]);
    expect(d[0].severity).toBe("warning");
  });
});

describe("RFC 5321 §5.1: the exchange must be a host name, never an IP address", () => {
  test.each(["10 192.0.2.1", "10 192.0.2.1.", "10 2001:db8::25", "10 [192.0.2.1]"])("%j → mx.ip-literal", (text) => {
    const { model, diagnostics } = parseMx(text);
    expect(codes(diagnostics)).toEqual(["mx.ip-literal"]);
    expect(diagnostics[0].breaksStandard).toBe(true);
    expect(diagnostics[0].rfc).toMatch(/RFC 5321 §5\.1/);
    expect(model.exchange).toBeUndefined();
  });
});

describe("RFC 7505 §3: null MX", () => {
  test("0 . parses as the null MX with no diagnostic", () => {
    const { model, diagnostics } = parseMx("0 .");
    expect(model).toEqual(NULL_MX);
    expect(diagnostics).toEqual([]);
    expect(isNullMx(model as MxRecord)).toBe(true);
  });

  test("a null MX with a preference other than 0 is an error", () => {
    expect(codes(parseMx("10 .").diagnostics)).toEqual(["mx.null-mx-priority"]);
  });

  test("a null MX beside other MX records is an error", () => {
    const d = validateMxSet([NULL_MX, { priority: 10, exchange: "mx.example.com" }]);
    expect(codes(d)).toEqual(["mx.null-mx-mixed"]);
    expect(d[0]).toMatchObject({ severity: "error", breaksStandard: true, rfc: "RFC 7505 §3", field: "mx" });
  });

  test("a lone null MX is fine", () => {
    expect(validateMxSet([NULL_MX])).toEqual([]);
  });

  test("renders as 0 .", () => {
    expect(renderMx(NULL_MX)).toBe("0 .");
  });
});

describe("RFC 5321 §5.1: the MX set", () => {
  test("no MX at all is not an error here (implicit MX)", () => {
    expect(validateMxSet([])).toEqual([]);
  });

  test("duplicate exchanges are a warning naming both positions", () => {
    const d = validateMxSet([
      { priority: 10, exchange: "mx.example.com" },
      { priority: 20, exchange: "mx.example.com" },
    ]);
    expect(codes(d)).toEqual(["mx.duplicate-exchange"]);
    expect(d[0]).toMatchObject({ severity: "warning", field: "mx[1]" });
    expect(d[0].message).toContain("mx[0]");
  });

  test("each record is validated with its index in the field path", () => {
    const d = validateMxSet([
      { priority: 10, exchange: "mx.example.com" },
      { priority: 70000, exchange: "192.0.2.1" },
    ]);
    expect(d.map((x) => [x.code, x.field])).toEqual([
      ["mx.priority-range", "mx[1].priority"],
      ["mx.ip-literal", "mx[1].exchange"],
    ]);
  });

  test("validateMx checks a non-integer priority", () => {
    expect(codes(validateMx({ priority: 1.5, exchange: "mx.example.com" }))).toEqual(["mx.priority-range"]);
  });
});

describe("real published MX records parse with no error", () => {
  test.each([
    // Google Workspace (support.google.com/a/answer/174125, the single-record setup since 2023).
    ["1 smtp.google.com.", { priority: 1, exchange: "smtp.google.com" }],
    // Google Workspace legacy five-record setup.
    ["1 aspmx.l.google.com.", { priority: 1, exchange: "aspmx.l.google.com" }],
    ["5 alt1.aspmx.l.google.com.", { priority: 5, exchange: "alt1.aspmx.l.google.com" }],
    // Microsoft 365 (learn.microsoft.com, "Add DNS records to connect your domain").
    ["0 contoso-com.mail.protection.outlook.com.", { priority: 0, exchange: "contoso-com.mail.protection.outlook.com" }],
    // Amazon SES inbound (docs.aws.amazon.com/ses, receiving email MX).
    ["10 inbound-smtp.us-east-1.amazonaws.com.", { priority: 10, exchange: "inbound-smtp.us-east-1.amazonaws.com" }],
    // Null MX as published by e.g. example.com (RFC 7505 §3; `dig MX example.com`).
    ["0 .", { priority: 0, exchange: "." }],
  ])("%s", (text, model) => {
    const r = parseMx(text);
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.model).toEqual(model);
  });
});

describe("render/parse round trip", () => {
  test.each<MxRecord>([
    { priority: 10, exchange: "mx1.example.com" },
    { priority: 0, exchange: "." },
    { priority: 65535, exchange: "xn--bcher-kva.example" },
  ])("%j", (m) => {
    const text = renderMx(m);
    expect(text.endsWith(".")).toBe(true);
    expect(parseMx(text)).toEqual({ model: m, diagnostics: [] });
  });
});

describe("component arguments: validateMxArgs and buildMx", () => {
  test("valid arguments give no diagnostics", () => {
    expect(validateMxArgs({ mx: [{ host: "mx1.example.com", priority: 10 }, { host: "mx2.example.com.", priority: 20 }] })).toEqual([]);
    expect(validateMxArgs({ nullMx: true })).toEqual([]);
    expect(validateMxArgs({})).toEqual([]);
  });

  test("field paths name the entry and the property", () => {
    const d = validateMxArgs({
      mx: [
        { host: "192.0.2.1", priority: 10 },
        { host: "mx.example.com", priority: 70000 },
        { host: "mx two.example.com", priority: 2.5 },
      ],
    });
    expect(d.map((x) => [x.code, x.field])).toEqual([
      ["mx.ip-literal", "mx[0].host"],
      ["mx.priority-range", "mx[1].priority"],
      ["mx.priority-syntax", "mx[2].priority"],
      ["name.invalid-character", "mx[2].host"],
    ]);
  });

  test("nullMx together with mx is one error naming both", () => {
    const d = validateMxArgs({ nullMx: true, mx: [{ host: "mx.example.com", priority: 10 }] });
    expect(codes(d)).toEqual(["mx.null-mx-mixed"]);
    expect(d[0].field).toBe("nullMx");
    expect(d[0].message).toMatch(/nullMx/);
    expect(d[0].message).toMatch(/\bmx\b/);
  });

  test("a nested field prefix is kept for the sibling nullMx", () => {
    const d = validateMxArgs({ nullMx: true, mx: [{ host: "mx.example.com", priority: 10 }] }, "mail.mx");
    expect(d[0].field).toBe("mail.nullMx");
  });

  test('"." as a host in the list points to nullMx', () => {
    expect(validateMxArgs({ mx: [{ host: ".", priority: 0 }] }).map((x) => [x.code, x.field])).toEqual([["mx.null-mx-in-list", "mx[0].host"]]);
  });

  test("duplicate hosts are a warning", () => {
    const d = validateMxArgs({ mx: [{ host: "mx.example.com", priority: 10 }, { host: "MX.example.com.", priority: 20 }] });
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["mx.duplicate-exchange", "warning", "mx[1].host"]]);
  });

  test("wrongly typed arguments (from YAML or another language) are diagnostics, not exceptions", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const bad: any = { mx: [{ host: 42, priority: "10" }, null], nullMx: "yes" };
    const d = validateMxArgs(bad);
    expect(d.map((x) => x.field)).toEqual(["nullMx", "mx[0].priority", "mx[0].host", "mx[1]"]);
  });

  test("injection: a host with a newline and a second record is an error on that field", () => {
    const d = validateMxArgs({ mx: [{ host: "mx.example.com.\n10 evil.example.net", priority: 10 }] });
    expect(errors(d).map((x) => x.field)).toEqual(["mx[0].host"]);
  });

  test("buildMx sorts by priority then host, normalizes and drops exact duplicates", () => {
    expect(
      buildMx({
        mx: [
          { host: "MX2.Example.com.", priority: 20 },
          { host: "mx-b.example.com", priority: 10 },
          { host: "mx-a.example.com", priority: 10 },
          { host: "mx-a.example.com.", priority: 10 },
        ],
      }),
    ).toEqual([
      { priority: 10, exchange: "mx-a.example.com" },
      { priority: 10, exchange: "mx-b.example.com" },
      { priority: 20, exchange: "mx2.example.com" },
    ]);
  });

  test("buildMx with nullMx gives the single null MX", () => {
    expect(buildMx({ nullMx: true })).toEqual([{ priority: 0, exchange: "." }]);
    expect(buildMx({})).toEqual([]);
  });
});

describe("an exchange that is an alias (RFC 2181 §10.3, RFC 5321 §5.1)", () => {
  test("breaks the standard, names the final target and how to fix it", () => {
    const d = mxHostIsAlias("mail.example.com", ["a.example.net", "b.example.net"], "mx[0]");
    expect(d).toMatchObject({ code: "mx.host-cname", severity: "error", field: "mx[0]", breaksStandard: true, rfc: "RFC 2181 §10.3; RFC 5321 §5.1" });
    expect(d.message).toMatch(/MX host mail\.example\.com is an alias \(CNAME → b\.example\.net \(through a\.example\.net\)\)/);
    expect(d.message).toMatch(/Point the MX at b\.example\.net/);
    expect(mxHostIsAlias("mail.example.com", ["mx.example.net"]).message).toMatch(/\(CNAME → mx\.example\.net\): /);
  });
});
