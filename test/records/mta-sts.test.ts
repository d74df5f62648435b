import { Diagnostic } from "../../components/records/diagnostics";
import { MtaStsMode } from "../../components/records/enums";
import {
  isMtaStsTxtRecord,
  DEFAULT_MAX_AGE,
  MtaStsPolicy,
  MtaStsTxtRecord,
  buildMtaSts,
  certificateNamesHost,
  checkEnforceMaxAge,
  ENFORCE_MIN_MAX_AGE,
  mxPatternMatches,
  uncoveredMxHosts,
  parseMtaStsPolicy,
  parseMtaStsTxt,
  policyId,
  renderMtaStsPolicy,
  renderMtaStsTxt,
  validateMtaStsArgs,
  validateMtaStsPolicy,
  validateMtaStsTxt,
} from "../../components/records/mta-sts";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");

describe("RFC 8461 §3.1: the _mta-sts TXT record", () => {
  test.each([
    ["", "mta-sts.missing-version"],
    ["id=20240101", "mta-sts.missing-version"],
    ["id=20240101; v=STSv1", "mta-sts.version-not-first"],
    [" v=STSv1; id=1", "mta-sts.version-not-first"],
    ["v=STSv2; id=20240101", "mta-sts.version"],
    ["v=stsv1; id=20240101", "mta-sts.version"],
    ["v=STSv1", "mta-sts.missing-id"],
    ["v=STSv1; ID=20240101", "mta-sts.missing-id"],
    ["v=STSv1; id=", "mta-sts.id-syntax"],
    ["v=STSv1; id=2024-01-01", "mta-sts.id-syntax"],
    ["v=STSv1; id=2024 0101", "mta-sts.id-syntax"],
    [`v=STSv1; id=${"a".repeat(33)}`, "mta-sts.id-syntax"],
    ["v=STSv1; id=1; id=2", "mta-sts.duplicate-tag"],
    ["v=STSv1; v=STSv1; id=1", "mta-sts.duplicate-tag"],
    ["v = STSv1; id=1", "mta-sts.tag-syntax"],
    ["v=STSv1; id= 1", "mta-sts.tag-syntax"],
    ["v=STSv1; id=1; -ext=1", "mta-sts.tag-syntax"],
    ["v=STSv1; id=1; junk", "mta-sts.tag-syntax"],
    ["v=STSv1; id=1; ext=a=b", "mta-sts.tag-value-syntax"],
    ["v=STSv1; id=1; ext=", "mta-sts.tag-value-syntax"],
    ["v=STSv1; id=1; ext=é", "mta-sts.tag-value-syntax"],
    ["v=STSv1; id=1\n", "txt.control-character"],
  ])("%j → %s (error)", (text, code) => {
    const { diagnostics } = parseMtaStsTxt(text);
    const d = diagnostics.find((x) => x.code === code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe("error");
    expect(d?.breaksStandard).toBe(true);
  });

  test.each([
    ["v=STSv1 ; id=1", "mta-sts.version-delimiter"],
    ["v=STSv1; id=1; ext=1; ext=2", "mta-sts.duplicate-tag"],
    ["v=STSv1;; id=1", "mta-sts.empty-tag"],
  ])("%j → %s (warning)", (text, code) => {
    const { diagnostics } = parseMtaStsTxt(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(diagnostics.find((x) => x.code === code)?.severity).toBe("warning");
  });

  test("an id of exactly 32 alphanumerics is valid, 1 character too", () => {
    expect(parseMtaStsTxt(`v=STSv1; id=${"A1".repeat(16)}`).diagnostics).toEqual([]);
    expect(parseMtaStsTxt("v=STSv1; id=x").diagnostics).toEqual([]);
  });

  test("extension tags follow RFC 8461's name grammar (digits first, '-' and '.' allowed) and are kept", () => {
    const r = parseMtaStsTxt("v=STSv1; id=1; 9x-y.z=abc");
    expect(r).toEqual({ model: { id: "1", extensions: [{ name: "9x-y.z", value: "abc" }] }, diagnostics: [] });
  });

  test("the id is left out of the model when invalid", () => {
    expect(parseMtaStsTxt("v=STSv1; id=a-b").model).toEqual({});
  });

  test("validateMtaStsTxt checks a model built in code", () => {
    expect(codes(validateMtaStsTxt({ id: "not valid!" }))).toEqual(["mta-sts.id-syntax"]);
    expect(codes(validateMtaStsTxt({ id: "1", extensions: [{ name: "id", value: "2" }] }))).toEqual(["mta-sts.duplicate-tag"]);
    expect(validateMtaStsTxt({ id: "20260101T000000" })).toEqual([]);
  });
});

describe("real published _mta-sts records parse with no error", () => {
  test.each([
    // _mta-sts.gmail.com (dig TXT): the id mixes digits and a "T", all alphanumerics, so it is valid.
    ["v=STSv1; id=20190429T010101;", "20190429T010101"],
    // RFC 8461 §3.1's own example.
    ["v=STSv1; id=20160831085700Z;", "20160831085700Z"],
    // RFC 8461 §3.1 example without the trailing ";", as some providers publish it.
    ["v=STSv1; id=20160831085700Z", "20160831085700Z"],
  ])("%s", (text, id) => {
    const r = parseMtaStsTxt(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.model).toEqual({ id });
  });
});

describe("RFC 8461 §3.2: the policy file", () => {
  const ok = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

  test("a valid CRLF policy parses", () => {
    expect(parseMtaStsPolicy(ok)).toEqual({ model: { mode: "enforce", mx: ["mx1.example.com", "*.example.net"], maxAge: 604800 }, diagnostics: [] });
  });

  test("LF line endings are accepted (ABNF: sts-policy-term = LF / CRLF), with or without a final newline", () => {
    expect(parseMtaStsPolicy(ok.replace(/\r\n/g, "\n")).diagnostics).toEqual([]);
    expect(parseMtaStsPolicy(ok.replace(/\r\n/g, "\n").trimEnd()).diagnostics).toEqual([]);
  });

  test.each([
    ["", "mta-sts.policy-missing-version"],
    ["mode: enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-missing-version"],
    ["version: STSv2\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-version"],
    ["version: STSv1\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-missing-mode"],
    ["version: STSv1\nmode: Enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-mode"],
    ["version: STSv1\nmode: strict\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-mode"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\n", "mta-sts.policy-missing-max-age"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 31557601\n", "mta-sts.policy-max-age"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: -1\n", "mta-sts.policy-max-age"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 1w\n", "mta-sts.policy-max-age"],
    ["version: STSv1\nmode: enforce\nmax_age: 604800\n", "mta-sts.policy-missing-mx"],
    ["version: STSv1\nmode: testing\nmax_age: 604800\n", "mta-sts.policy-missing-mx"],
    ["version: STSv1\nmode: enforce\nmx: *mx.example.com\nmax_age: 604800\n", "mta-sts.policy-mx-pattern"],
    ["version: STSv1\nmode: enforce\nmx: mx.*.example.com\nmax_age: 604800\n", "mta-sts.policy-mx-pattern"],
    ["version: STSv1\nmode: enforce\nmx: 192.0.2.25\nmax_age: 604800\n", "mta-sts.policy-mx-pattern"],
    ["version: STSv1\nmode: enforce\nmx: mx_1.example.com\nmax_age: 604800\n", "mta-sts.policy-mx-pattern"],
    ["version: STSv1\nmode: enforce\nmx: mx.bücher.example\nmax_age: 604800\n", "mta-sts.policy-mx-pattern"],
    ["version: STSv1\nmode: enforce\nmode: testing\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-duplicate-key"],
    ["version: STSv1\nmode enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-syntax"],
    ["version: STSv1\nmode : enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-syntax"],
    ["version: STSv1\n mode: enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-syntax"],
    ["version: STSv1\rmode: enforce\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-syntax"],
  ])("%j → %s (error)", (text, code) => {
    const d = parseMtaStsPolicy(text).diagnostics.find((x) => x.code === code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe("error");
  });

  test.each([
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n", "mta-sts.policy-max-age-short"],
    ["mode: enforce\nversion: STSv1\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-version-not-first"],
    ["version: STSv1\nmode: enforce\n\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-blank-line"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com.\nmax_age: 604800\n", "mta-sts.policy-mx-trailing-dot"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmx: mx.example.com\nmax_age: 604800\n", "mta-sts.policy-duplicate-mx"],
    ["version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\nMode: none\n", "mta-sts.policy-key-case"],
  ])("%j → %s (warning)", (text, code) => {
    const { diagnostics } = parseMtaStsPolicy(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(diagnostics.find((x) => x.code === code)?.severity).toBe("warning");
  });

  test("mode none needs no mx line; max_age 0 is allowed (it withdraws the policy)", () => {
    const r = parseMtaStsPolicy("version: STSv1\nmode: none\nmax_age: 0\n");
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.model).toEqual({ mode: "none", mx: [], maxAge: 0 });
  });

  test("unknown keys are ignored by senders and kept in the model", () => {
    const r = parseMtaStsPolicy(`${ok}x-note: managed by maildomain, see ticket #42\r\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.model.extensions).toEqual([{ name: "x-note", value: "managed by maildomain, see ticket #42" }]);
  });

  test("a policy over 64 KiB is a warning (RFC 8461 §3.3)", () => {
    const big = `version: STSv1\nmode: enforce\n${Array.from({ length: 3000 }, (_, i) => `mx: mx${i}.example-very-long-name.com`).join("\n")}\nmax_age: 604800\n`;
    expect(codes(parseMtaStsPolicy(big).diagnostics)).toEqual(["mta-sts.policy-too-large"]);
  });

  test("validateMtaStsPolicy checks every field of a model built in code", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const bad: any = { mode: "strict", mx: ["MX.example.com", "*"], maxAge: 1.5, extensions: [{ name: "mode", value: "x" }] };
    expect(codes(validateMtaStsPolicy(bad)).sort()).toEqual(["mta-sts.policy-max-age", "mta-sts.policy-mode", "mta-sts.policy-mx-pattern", "mta-sts.policy-mx-pattern", "mta-sts.policy-syntax"].sort());
  });
});

describe("real published policy files parse with no error", () => {
  test.each([
    // https://mta-sts.gmail.com/.well-known/mta-sts.txt (as served since 2019; LF line endings)
    ["gmail.com", "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n"],
    // the same file after Google added smtp.google.com (2023)
    ["gmail.com 2023", "version: STSv1\nmode: enforce\nmx: smtp.google.com\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n"],
    // https://mta-sts.outlook.com/.well-known/mta-sts.txt
    ["outlook.com", "version: STSv1\nmode: testing\nmx: *.olc.protection.outlook.com\nmax_age: 604800\n"],
    // RFC 8461 §3.2 example (CRLF as the prose says).
    ["RFC 8461 example", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n"],
  ])("%s", (_name, text) => {
    expect(errors(parseMtaStsPolicy(text).diagnostics)).toEqual([]);
  });
});

describe("render/parse round trip", () => {
  test("TXT", () => {
    const m: MtaStsTxtRecord = { id: "20260101T000000", extensions: [{ name: "x.y", value: "1" }] };
    expect(renderMtaStsTxt(m)).toBe("v=STSv1; id=20260101T000000; x.y=1");
    expect(parseMtaStsTxt(renderMtaStsTxt(m))).toEqual({ model: m, diagnostics: [] });
  });

  test("policy file renders with CRLF, version first, and parses back", () => {
    const m: MtaStsPolicy = { mode: MtaStsMode.Testing, mx: ["mx1.example.com", "*.example.net"], maxAge: 1209600 };
    const text = renderMtaStsPolicy(m);
    expect(text).toBe("version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 1209600\r\n");
    expect(parseMtaStsPolicy(text)).toEqual({ model: m, diagnostics: [] });
  });
});

describe("RFC 8461 §4.1: MX pattern matching", () => {
  test.each([
    ["mx.example.com", "mx.example.com", true],
    ["mx.example.com", "mx2.example.com", false],
    ["*.example.com", "mx.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["MX.Example.com.", "mx.example.com", true],
    ["*.example.com", "MX.EXAMPLE.COM", true],
  ])("%s matches %s: %s", (pattern, host, expected) => {
    expect(mxPatternMatches(pattern, host)).toBe(expected);
  });

  test("uncoveredMxHosts lists the hosts no pattern covers, in order", () => {
    expect(uncoveredMxHosts(["mx1.example.com", "*.eu.example.com"], ["mx1.example.com", "mx2.example.com", "a.eu.example.com", "b.c.eu.example.com"])).toEqual(["mx2.example.com", "b.c.eu.example.com"]);
  });
});

describe("RFC 8461 §4.2 / RFC 6125 §6.4: does a certificate name the host", () => {
  test.each([
    [["mx.example.com"], "mx.example.com", true],
    [["other.example.com", "MX.example.com"], "mx.example.com", true],
    [["*.example.com"], "mx.example.com", true],
    [["*.example.com"], "example.com", false],
    [["*.example.com"], "a.mx.example.com", false],
    [["m*.example.com"], "mx.example.com", false],
    [["*.*.example.com"], "a.b.example.com", false],
    [["mx.example.net"], "mx.example.com", false],
    [[], "mx.example.com", false],
  ])("%j names %s: %s", (names, host, expected) => {
    expect(certificateNamesHost(names, host)).toBe(expected);
  });
});

describe("component arguments: buildMtaSts and validateMtaStsArgs", () => {
  const domainMx = ["mx1.example.com", "mx2.example.com"];

  test("defaults: max_age one week, mx from the domain's MX hosts, sorted", () => {
    const b = buildMtaSts({ mode: MtaStsMode.Enforce }, ["MX2.example.com.", "mx1.example.com"]);
    expect(b.policy).toEqual({ mode: "enforce", mx: ["mx1.example.com", "mx2.example.com"], maxAge: DEFAULT_MAX_AGE });
    expect(b.policyText).toBe(renderMtaStsPolicy(b.policy));
    expect(b.txt).toEqual({ id: b.id });
    expect(b.id).toMatch(/^[A-Za-z0-9]{1,32}$/);
    expect(validateMtaStsPolicy(b.policy)).toEqual([]);
    expect(parseMtaStsTxt(renderMtaStsTxt(b.txt)).diagnostics).toEqual([]);
  });

  test("the id is derived from the policy: same policy same id, changed policy new id (RFC 8461 §3.1)", () => {
    const a = buildMtaSts({ mode: MtaStsMode.Testing }, domainMx);
    const again = buildMtaSts({ mode: MtaStsMode.Testing }, [...domainMx].reverse());
    const enforce = buildMtaSts({ mode: MtaStsMode.Enforce }, domainMx);
    const longer = buildMtaSts({ mode: MtaStsMode.Testing, maxAge: 1209600 }, domainMx);
    expect(again.id).toBe(a.id);
    expect(again.policyText).toBe(a.policyText);
    expect(new Set([a.id, enforce.id, longer.id]).size).toBe(3);
    expect(a.id).toBe(policyId(a.policyText));
  });

  test("explicit mx patterns replace the domain's hosts", () => {
    expect(buildMtaSts({ mode: MtaStsMode.Enforce, mx: ["*.example.com"] }, domainMx).policy.mx).toEqual(["*.example.com"]);
  });

  test("valid arguments give no diagnostics", () => {
    expect(validateMtaStsArgs({ mode: MtaStsMode.Enforce }, domainMx)).toEqual([]);
    expect(validateMtaStsArgs({ mode: MtaStsMode.Enforce, mx: ["*.example.com"], maxAge: 31557600 }, domainMx)).toEqual([]);
  });

  test("field paths for mode, maxAge and each mx pattern", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const args: any = { mode: "Enforce", maxAge: 40000000, mx: ["mx1.example.com", "mx 2.example.com", "mx1.example.com\nmode: none"] };
    const d = validateMtaStsArgs(args, domainMx);
    expect(errors(d).map((x) => [x.code, x.field])).toEqual([
      ["mta-sts.policy-mode", "mtaSts.mode"],
      ["mta-sts.policy-max-age", "mtaSts.maxAge"],
      ["mta-sts.policy-mx-pattern", "mtaSts.mx[1]"],
      ["mta-sts.policy-mx-pattern", "mtaSts.mx[2]"],
    ]);
    expect(d[0].message).toContain('"enforce"');
  });

  test("a maxAge under one day is a warning", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Testing, maxAge: 3600 }, domainMx);
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["mta-sts.policy-max-age-short", "warning", "mtaSts.maxAge"]]);
  });

  test("enforce mode whose patterns miss one of the domain's MX hosts is an error naming the host", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Enforce, mx: ["mx1.example.com"] }, domainMx);
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["mta-sts.mx-not-covered", "error", "mtaSts.mx"]]);
    expect(d[0].message).toContain("mx2.example.com");
  });

  test("the same mismatch in testing mode is an error too: testing rehearses enforce", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Testing, mx: ["mx1.example.com"] }, domainMx);
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["mta-sts.mx-not-covered", "error", "mtaSts.mx"]]);
    expect(d[0].message).toMatch(/mx2\.example\.com.*once you switch to enforce/);
    expect(validateMtaStsArgs({ mode: MtaStsMode.None, mx: ["mx1.example.com"] }, domainMx)).toEqual([]);
  });

  test("enforce with a max_age under one week is a warning; testing is not held to it", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Enforce, maxAge: 86400 }, domainMx);
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["mta-sts.max-age-short-for-enforce", "warning", "mtaSts.maxAge"]]);
    expect(validateMtaStsArgs({ mode: MtaStsMode.Testing, maxAge: 86400 }, domainMx)).toEqual([]);
    expect(validateMtaStsArgs({ mode: MtaStsMode.Enforce, maxAge: ENFORCE_MIN_MAX_AGE }, domainMx)).toEqual([]);
    expect(checkEnforceMaxAge(MtaStsMode.Enforce, 604799, "max_age").map((x) => x.code)).toEqual(["mta-sts.max-age-short-for-enforce"]);
  });

  test("a wildcard covers one label only", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Enforce, mx: ["*.example.com"] }, ["mx.eu.example.com"]);
    expect(codes(d)).toEqual(["mta-sts.mx-not-covered"]);
  });

  test("with a null MX, MTA-STS is an error", () => {
    const d = validateMtaStsArgs({ mode: MtaStsMode.Enforce }, ["."]);
    expect(d.map((x) => [x.code, x.field])).toEqual([["mta-sts.null-mx", "mtaSts"]]);
  });

  test("enforce without patterns and without MX hosts to default to is an error", () => {
    expect(codes(validateMtaStsArgs({ mode: MtaStsMode.Enforce }, []))).toEqual(["mta-sts.policy-missing-mx"]);
    expect(validateMtaStsArgs({ mode: MtaStsMode.None }, [])).toEqual([]);
  });

  test("Unicode patterns in arguments are converted to A-labels", () => {
    expect(validateMtaStsArgs({ mode: MtaStsMode.Enforce, mx: ["mx.bücher.example"] }, ["mx.xn--bcher-kva.example"])).toEqual([]);
    expect(buildMtaSts({ mode: MtaStsMode.Enforce, mx: ["mx.bücher.example"] }, []).policy.mx).toEqual(["mx.xn--bcher-kva.example"]);
  });
});

describe("RFC 8461 §3.1: which TXT values senders select as the MTA-STS record", () => {
  test.each([
    ["v=STSv1; id=20190429T010101;", true],
    ["v=STSv1", true],
    ["v=STSv1 ; id=1", true],
    ["v=STSv10; id=1", false],
    ["V=STSv1; id=1", false],
    [" v=STSv1; id=1", false],
    ["id=1; v=STSv1", false],
  ])("%j → %s", (text, expected) => {
    expect(isMtaStsTxtRecord(text)).toBe(expected);
  });
});
