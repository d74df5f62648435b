import { dmarc as mailauthDmarc } from "mailauth";
import {
  buildDmarc, checkDmarcRecordSet, externalReportDestinations, isDmarcRecord, isReportAuthorization, parseDmarc, renderDmarc,
  validateDmarc, validateDmarcArgs, DmarcRecord,
} from "../../components/records/dmarc";
import { Diagnostic } from "../../components/records/diagnostics";
import { Alignment, DmarcPolicy } from "../../components/records/enums";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const find = (ds: Diagnostic[], code: string) => ds.find((d) => d.code === code);
const RUA = "rua=mailto:dmarc@example.com";

describe("real published DMARC records parse with no error", () => {
  test.each([
    // RFC 7489 Appendix B.2.1: entire domain, monitoring only
    ["RFC 7489 B.2.1", "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com"],
    // RFC 7489 Appendix B.2.2: monitoring with per-message failure reports
    ["RFC 7489 B.2.2", "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@example.com"],
    // RFC 7489 Appendix B.2.3: failure reports directed to a third party
    ["RFC 7489 B.2.3", "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net"],
    // RFC 7489 Appendix B.2.4: subdomain, sampling, and multiple aggregate report URIs with !10m
    ["RFC 7489 B.2.4", "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25"],
    // Google Workspace Admin Help, "Add your DMARC record": the space after the comma is allowed by
    // the RFC 7489 §6.4 grammar (dmarc-uri *(*WSP "," *WSP dmarc-uri))
    ["Google's documented example", "v=DMARC1; p=reject; rua=mailto:postmaster@example.com, mailto:dmarc@example.com; pct=100; adkim=s; aspf=s"],
    ["RFC 9989 tags", "v=DMARC1; p=reject; sp=quarantine; np=reject; t=n; psd=n; rua=https://reports.example.com/dmarc"],
    ["spaces around = and ;", "v = DMARC1 ; p = reject ; rua = mailto:dmarc@example.com ;"],
  ])("%s", (_name, text) => {
    expect(errors(parseDmarc(text).diagnostics)).toEqual([]);
  });
  test("Google's example keeps both URIs", () => {
    const r = parseDmarc("v=DMARC1; p=reject; rua=mailto:postmaster@example.com, mailto:dmarc@example.com; pct=100; adkim=s; aspf=s");
    expect(r.model).toEqual({
      p: "reject", pct: 100, adkim: "s", aspf: "s",
      rua: [
        { uri: "mailto:postmaster@example.com", scheme: "mailto", address: "postmaster@example.com", domain: "example.com", maxSize: undefined },
        { uri: "mailto:dmarc@example.com", scheme: "mailto", address: "dmarc@example.com", domain: "example.com", maxSize: undefined },
      ],
    });
    expect(codes(r.diagnostics)).toEqual(["dmarc.pct-removed"]);
  });
  test("B.2.4 keeps the size limit", () => {
    const r = parseDmarc("v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25");
    expect(r.model.rua?.[1]).toMatchObject({ address: "tld-test@thirdparty.example.net", maxSize: "10m" });
    expect(r.model.pct).toBe(25);
  });
});

describe("the seed article's record: V=DMARC1 … and pct=50%", () => {
  test("V=DMARC1 is a warning: the ABNF allows it, the inherited DKIM tag syntax does not", () => {
    const r = parseDmarc("V=DMARC1; rua=mailto:dmarc@example.com; ruf=mailto:dmarc@example.com; p=none; sp=none; fo=0;");
    const d = find(r.diagnostics, "dmarc.version-case");
    expect(d).toMatchObject({ severity: "warning", breaksStandard: false });
    expect(d?.message).toContain("v=DMARC1");
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.model.p).toBe("none");
  });
  test("pct=50% is its own error that says to drop the %", () => {
    const d = find(parseDmarc(`v=DMARC1; p=quarantine; ${RUA}; pct=50%`).diagnostics, "dmarc.pct-percent-sign");
    expect(d?.severity).toBe("error");
    expect(d?.message).toContain("pct=50");
    expect(d?.message).toMatch(/%/);
  });
  test("mailauth 4.13.3 discovers V=DMARC1 (case-insensitive match), which is why it is not an error", async () => {
    const resolver = async (name: string) => {
      if (name === "_dmarc.example.com") return [["V=DMARC1; p=reject; rua=mailto:dmarc@example.com"]];
      throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
    };
    const res = await mailauthDmarc({ headerFrom: "a@example.com", spfDomains: [], dkimDomains: [], resolver } as never);
    expect((res as { policy?: string }).policy).toBe("reject");
  });
});

describe("RFC 7489 §6.3–§6.4, §6.6.3, RFC 9989: bad DMARC records, one code each", () => {
  const table: [string, string, string, ("error" | "warning" | "info")?][] = [
    ["upper-case V", `V=DMARC1; p=reject; ${RUA}`, "dmarc.version-case", "warning"],
    ["lower-case version value", "v=dmarc1; p=reject", "dmarc.invalid-version"],
    ["unknown version", "v=DMARC2; p=reject", "dmarc.invalid-version"],
    ["missing ; after DMARC1", "v=DMARC1 p=reject", "dmarc.invalid-version"],
    ["v= not first", `p=reject; v=DMARC1; ${RUA}`, "dmarc.version-not-first"],
    ["no v= at all", `p=reject; ${RUA}`, "dmarc.missing-version"],
    ["only v=DMARC1", "v=DMARC1", "dmarc.missing-policy"],
    ["rua but no p", `v=DMARC1; ${RUA}`, "dmarc.missing-policy"],
    ["misspelled policy", `v=DMARC1; p=rejected; ${RUA}`, "dmarc.invalid-policy"],
    ["invalid sp", `v=DMARC1; p=reject; sp=block; ${RUA}`, "dmarc.invalid-policy"],
    ["invalid np", `v=DMARC1; p=reject; np=maybe; ${RUA}`, "dmarc.invalid-policy"],
    ["pct with %", `v=DMARC1; p=reject; pct=50%; ${RUA}`, "dmarc.pct-percent-sign"],
    ["pct over 100", `v=DMARC1; p=reject; pct=150; ${RUA}`, "dmarc.invalid-pct"],
    ["negative pct", `v=DMARC1; p=reject; pct=-5; ${RUA}`, "dmarc.invalid-pct"],
    ["fractional pct", `v=DMARC1; p=reject; pct=50.5; ${RUA}`, "dmarc.invalid-pct"],
    ["pct below 100", `v=DMARC1; p=reject; pct=50; ${RUA}`, "dmarc.pct-partial", "warning"],
    ["ri with a unit", `v=DMARC1; p=reject; ri=1d; ${RUA}`, "dmarc.invalid-ri"],
    ["ri beyond 32 bits", `v=DMARC1; p=reject; ri=4294967296; ${RUA}`, "dmarc.invalid-ri"],
    ["rua without mailto:", "v=DMARC1; p=reject; rua=dmarc@example.com", "dmarc.uri-scheme"],
    ["rua with an unsupported scheme", "v=DMARC1; p=reject; rua=ftp://example.com/x", "dmarc.uri-scheme"],
    ["rua=mailto: without address", "v=DMARC1; p=reject; rua=mailto:", "dmarc.invalid-uri"],
    ["two URIs separated by a space, not a comma", "v=DMARC1; p=reject; rua=mailto:a@example.com mailto:b@example.com", "dmarc.invalid-uri"],
    ["empty rua=", "v=DMARC1; p=reject; rua=", "dmarc.invalid-uri"],
    ["bad size suffix", "v=DMARC1; p=reject; rua=mailto:a@example.com!10x", "dmarc.uri-size"],
    ["fo out of range", `v=DMARC1; p=reject; fo=2; ${RUA}`, "dmarc.invalid-fo"],
    ["fo with commas", `v=DMARC1; p=reject; fo=0,1; ${RUA}`, "dmarc.invalid-fo"],
    ["rf=iodef", `v=DMARC1; p=reject; rf=iodef; ${RUA}`, "dmarc.rf-iodef", "warning"],
    ["unknown rf", `v=DMARC1; p=reject; rf=xml; ${RUA}`, "dmarc.invalid-rf"],
    ["adkim spelled out", `v=DMARC1; p=reject; adkim=strict; ${RUA}`, "dmarc.invalid-alignment"],
    ["aspf invalid", `v=DMARC1; p=reject; aspf=x; ${RUA}`, "dmarc.invalid-alignment"],
    ["t=yes", `v=DMARC1; p=reject; t=yes; ${RUA}`, "dmarc.invalid-t"],
    ["psd invalid", `v=DMARC1; p=reject; psd=x; ${RUA}`, "dmarc.invalid-psd"],
    ["duplicate p", `v=DMARC1; p=none; p=reject; ${RUA}`, "dmarc.duplicate-tag"],
    ["duplicate rua in two cases", `v=DMARC1; p=reject; ${RUA}; RUA=mailto:x@example.com`, "dmarc.duplicate-tag"],
    ["misspelled tag", "v=DMARC1; p=reject; ruaa=mailto:dmarc@example.com", "dmarc.unknown-tag", "warning"],
    ["upper-case tag name", `v=DMARC1; P=reject; ${RUA}`, "dmarc.tag-case", "warning"],
    ["p=none", `v=DMARC1; p=none; ${RUA}`, "dmarc.policy-none", "warning"],
    ["sp=none under p=reject", `v=DMARC1; p=reject; sp=none; ${RUA}`, "dmarc.subdomain-policy-none", "warning"],
    ["np=none under p=reject", `v=DMARC1; p=reject; np=none; ${RUA}`, "dmarc.nonexistent-policy-none", "warning"],
    ["no rua with p=none", "v=DMARC1; p=none", "dmarc.no-rua", "warning"],
    ["the same URI twice", "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:a@example.com", "dmarc.duplicate-uri", "warning"],
    ["three URIs", "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@example.com,mailto:c@example.com", "dmarc.too-many-uris", "warning"],
    ["t=y", `v=DMARC1; p=reject; t=y; ${RUA}`, "dmarc.testing", "warning"],
    ["psd=y on an ordinary domain", `v=DMARC1; p=reject; psd=y; ${RUA}`, "dmarc.psd-yes", "warning"],
    ["fo without ruf", `v=DMARC1; p=reject; fo=1; ${RUA}`, "dmarc.fo-without-ruf", "info"],
    ["the record copied with its quotes", `"v=DMARC1; p=reject; ${RUA}"`, "dmarc.quoted-record"],
    ["a control character", `v=DMARC1; p=reject; ${RUA}\u0000`, "dmarc.tag-value-syntax"],
    ["a spec without =", `v=DMARC1; p=reject; reject; ${RUA}`, "dmarc.tag-syntax"],
    ["an empty tag", `v=DMARC1; p=reject;; ${RUA}`, "dmarc.empty-tag", "warning"],
    ["ri (removed by RFC 9989)", `v=DMARC1; p=reject; ri=86400; ${RUA}`, "dmarc.ri-removed", "info"],
    ["rf (removed by RFC 9989)", `v=DMARC1; p=reject; rf=afrf; ${RUA}`, "dmarc.rf-removed", "info"],
  ];
  // A rest parameter: jest would take a 4th declared parameter for a done callback on 3-item rows.
  test.each(table)("%s", (...[, text, code, severity]) => {
    const d = find(parseDmarc(text).diagnostics, code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe(severity ?? "error");
    expect(d?.message.length).toBeGreaterThan(30);
  });
  test("the table has at least 25 distinct bad inputs", () => {
    expect(new Set(table.map((t) => t[1])).size).toBeGreaterThanOrEqual(25);
  });
  test("v, p, sp and duplicates break the record; a bad optional tag does not (RFC 7489 §6.3: discarded for the default)", () => {
    const breaks = (text: string, code: string) => find(parseDmarc(text).diagnostics, code)?.breaksStandard;
    expect(breaks("v=dmarc1; p=reject", "dmarc.invalid-version")).toBe(true);
    expect(breaks(`v=DMARC1; p=rejected; ${RUA}`, "dmarc.invalid-policy")).toBe(true);
    expect(breaks(`v=DMARC1; p=reject; sp=block; ${RUA}`, "dmarc.invalid-policy")).toBe(true);
    expect(breaks(`v=DMARC1; p=reject; p=none; ${RUA}`, "dmarc.duplicate-tag")).toBe(true);
    expect(breaks(`v=DMARC1; p=reject; pct=50%; ${RUA}`, "dmarc.pct-percent-sign")).toBe(false);
    expect(breaks("v=DMARC1; p=reject; rua=dmarc@example.com", "dmarc.uri-scheme")).toBe(false);
  });
  test("messages: rua fix, p fallback to none (§6.6.3), tag suggestion, missing semicolon", () => {
    expect(find(parseDmarc("v=DMARC1; p=reject; rua=dmarc@example.com").diagnostics, "dmarc.uri-scheme")?.message).toContain("mailto:dmarc@example.com");
    expect(find(parseDmarc(`v=DMARC1; ${RUA}`).diagnostics, "dmarc.missing-policy")?.message).toContain("p=none");
    expect(find(parseDmarc(`v=DMARC1; p=rejected; ${RUA}`).diagnostics, "dmarc.invalid-policy")?.message).toContain("p=none");
    expect(find(parseDmarc("v=DMARC1; p=rejected").diagnostics, "dmarc.invalid-policy")?.message).toContain("no DMARC at all");
    expect(find(parseDmarc("v=DMARC1; p=reject; ruaa=mailto:dmarc@example.com").diagnostics, "dmarc.unknown-tag")?.message).toContain("rua=");
    expect(find(parseDmarc("v=DMARC1; p=reject; adkm=s").diagnostics, "dmarc.unknown-tag")?.message).toContain("adkim=");
    expect(find(parseDmarc("v=DMARC1 p=reject").diagnostics, "dmarc.invalid-version")?.message).toContain(";");
  });
  test("one problem, one diagnostic", () => {
    expect(codes(parseDmarc("v=DMARC1; p=rejected; rua=mailto:a@example.com").diagnostics)).toEqual(["dmarc.invalid-policy"]);
    expect(codes(parseDmarc("v=DMARC1; p=reject; rua=dmarc@example.com").diagnostics)).toEqual(["dmarc.uri-scheme"]);
    expect(codes(parseDmarc(`v=DMARC1; p=reject; pct=50%; ${RUA}`).diagnostics)).toEqual(["dmarc.pct-percent-sign"]);
  });
});

describe("RFC 7489 §6.6.3: the set of TXT records at _dmarc", () => {
  test("one DMARC record among other TXT values is the record", () => {
    expect(checkDmarcRecordSet(["v=spf1 -all", `v=DMARC1; p=reject; ${RUA}`, "verification=abc"])).toEqual({ record: `v=DMARC1; p=reject; ${RUA}`, diagnostics: [] });
  });
  test("two DMARC records are no DMARC at all", () => {
    const r = checkDmarcRecordSet(["v=DMARC1; p=none", "v=DMARC1; p=reject"]);
    expect(r.record).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.breaksStandard])).toEqual([["dmarc.multiple-records", "error", true]]);
  });
  test("a V=DMARC1 record counts (receivers like mailauth match case-insensitively)", () => {
    expect(codes(checkDmarcRecordSet(["V=DMARC1; p=none", "v=DMARC1; p=reject"]).diagnostics)).toEqual(["dmarc.multiple-records"]);
  });
  test("none at all is a warning", () => {
    expect(codes(checkDmarcRecordSet(["v=spf1 -all"]).diagnostics)).toEqual(["dmarc.no-record"]);
  });
  test("mailauth agrees: two records give no policy", async () => {
    const resolver = async (name: string) => {
      if (name === "_dmarc.example.com") return [["v=DMARC1; p=none"], ["v=DMARC1; p=reject"]];
      throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
    };
    const res = await mailauthDmarc({ headerFrom: "a@example.com", spfDomains: [], dkimDomains: [], resolver } as never);
    expect((res as { status: { result: string } }).status.result).toBe("none");
  });
  test("isDmarcRecord", () => {
    expect(isDmarcRecord("v=DMARC1; p=none")).toBe(true);
    expect(isDmarcRecord("V=DMARC1; p=none")).toBe(true);
    expect(isDmarcRecord("v=DMARC1")).toBe(true);
    expect(isDmarcRecord("v=DMARC10; p=none")).toBe(false);
    expect(isDmarcRecord("v=spf1 -all")).toBe(false);
  });
});

describe("render and round trip (canonical v=DMARC1; p=… then sp np pct rua ruf adkim aspf fo rf ri t psd)", () => {
  test("every tag, in canonical order", () => {
    const model = parseDmarc("psd=n; v=DMARC1; t=y; ri=3600; rf=afrf; fo=1:d; aspf=r; adkim=s; ruf=mailto:f@example.com; rua=mailto:a@example.com!10m,https://r.example.net/dmarc; pct=100; np=reject; sp=quarantine; p=reject; x=1").model;
    expect(renderDmarc(model)).toBe("v=DMARC1; p=reject; sp=quarantine; np=reject; pct=100; rua=mailto:a@example.com!10m,https://r.example.net/dmarc; ruf=mailto:f@example.com; adkim=s; aspf=r; fo=1:d; rf=afrf; ri=3600; t=y; psd=n; x=1");
    const back = parseDmarc(renderDmarc(model));
    expect(back.model).toEqual(model);
    expect(errors(back.diagnostics)).toEqual([]);
  });
  test("values are read case-insensitively (ABNF literals) and written in lower case", () => {
    expect(renderDmarc(parseDmarc(`v=DMARC1; p=Reject; adkim=S; ${RUA}`).model)).toBe(`v=DMARC1; p=reject; ${RUA}; adkim=s`);
  });
  test("validate checks a model built in code", () => {
    expect(codes(validateDmarc({ p: "block" as DmarcPolicy, rua: [] }))).toEqual(expect.arrayContaining(["dmarc.invalid-policy", "dmarc.empty-uri-list"]));
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, pct: 101 }))).toContain("dmarc.invalid-pct");
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, ri: -1 }))).toContain("dmarc.invalid-ri");
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, fo: ["2"] }))).toContain("dmarc.invalid-fo");
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, adkim: "x" as Alignment }))).toContain("dmarc.invalid-alignment");
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, extraTags: [{ name: "p", value: "none" }] }))).toContain("dmarc.duplicate-tag");
    expect(codes(validateDmarc({ p: DmarcPolicy.Reject, extraTags: [{ name: "x", value: "a; p=none" }] }))).toContain("dmarc.tag-value-syntax");
    const injected: DmarcRecord = { p: DmarcPolicy.Reject, rua: [{ uri: "mailto:a@example.com; p=none", scheme: "mailto", domain: "example.com" }] };
    expect(find(validateDmarc(injected), "dmarc.invalid-uri")?.field).toBe("rua[0]");
  });
});

describe("validateDmarcArgs and buildDmarc: field paths (dmarc.…)", () => {
  test("full args build the expected record", () => {
    const args = {
      policy: DmarcPolicy.Reject, subdomainPolicy: DmarcPolicy.Quarantine, nonexistentSubdomainPolicy: DmarcPolicy.Reject, percent: 100,
      rua: ["mailto:a@example.com", "mailto:b@example.net!10m"], ruf: ["mailto:f@example.com"], dkimAlignment: Alignment.Strict, spfAlignment: Alignment.Relaxed,
      failureOptions: ["1", "d"], reportFormat: "afrf", reportInterval: 86400, testing: true,
    };
    expect(errors(validateDmarcArgs(args))).toEqual([]);
    expect(renderDmarc(buildDmarc(args))).toBe(
      "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=100; rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com; adkim=s; aspf=r; fo=1:d; rf=afrf; ri=86400; t=y",
    );
  });
  test("minimal args", () => {
    expect(validateDmarcArgs({ policy: "reject", rua: ["mailto:dmarc@example.com"] })).toEqual([]);
    expect(renderDmarc(buildDmarc({ policy: DmarcPolicy.Reject, rua: ["mailto:dmarc@example.com"] }))).toBe("v=DMARC1; p=reject; rua=mailto:dmarc@example.com");
  });
  const table: [string, unknown, string, string][] = [
    ["percent 150", { policy: "reject", percent: 150 }, "dmarc.invalid-pct", "dmarc.percent"],
    ["percent 50.5", { policy: "reject", percent: 50.5 }, "dmarc.invalid-pct", "dmarc.percent"],
    ["percent as a string with %", { policy: "reject", percent: "50%" }, "dmarc.pct-percent-sign", "dmarc.percent"],
    ["rua without mailto:", { policy: "reject", rua: ["mailto:a@example.com", "b@example.com"] }, "dmarc.uri-scheme", "dmarc.rua[1]"],
    ["rua injection", { policy: "reject", rua: ["mailto:a@example.com; p=none"] }, "dmarc.invalid-uri", "dmarc.rua[0]"],
    ["ruf injection with a comma", { policy: "reject", ruf: ["mailto:a@example.com,mailto:evil@example.net"] }, "dmarc.invalid-uri", "dmarc.ruf[0]"],
    ["rua injection with a quote", { policy: "reject", rua: ['mailto:a@example.com" "p=none'] }, "dmarc.invalid-uri", "dmarc.rua[0]"],
    ["rua not a list", { policy: "reject", rua: "mailto:a@example.com" }, "dmarc.invalid-arguments", "dmarc.rua"],
    ["rua entry not a string", { policy: "reject", rua: [42] }, "dmarc.invalid-uri", "dmarc.rua[0]"],
    ["policy as the enum key name", { policy: "Reject" }, "dmarc.invalid-policy", "dmarc.policy"],
    ["policy misspelled", { policy: "rejected" }, "dmarc.invalid-policy", "dmarc.policy"],
    ["policy missing", { rua: ["mailto:a@example.com"] }, "dmarc.missing-policy", "dmarc.policy"],
    ["subdomainPolicy invalid", { policy: "reject", subdomainPolicy: "block" }, "dmarc.invalid-policy", "dmarc.subdomainPolicy"],
    ["nonexistentSubdomainPolicy invalid", { policy: "reject", nonexistentSubdomainPolicy: 1 }, "dmarc.invalid-policy", "dmarc.nonexistentSubdomainPolicy"],
    ["dkimAlignment spelled out", { policy: "reject", dkimAlignment: "strict" }, "dmarc.invalid-alignment", "dmarc.dkimAlignment"],
    ["spfAlignment invalid", { policy: "reject", spfAlignment: "x" }, "dmarc.invalid-alignment", "dmarc.spfAlignment"],
    ["failureOptions out of range", { policy: "reject", failureOptions: ["1", "2"] }, "dmarc.invalid-fo", "dmarc.failureOptions[1]"],
    ["failureOptions empty", { policy: "reject", failureOptions: [] }, "dmarc.invalid-fo", "dmarc.failureOptions"],
    ["reportFormat iodef", { policy: "reject", reportFormat: "iodef" }, "dmarc.invalid-rf", "dmarc.reportFormat"],
    ["reportInterval negative", { policy: "reject", reportInterval: -1 }, "dmarc.invalid-ri", "dmarc.reportInterval"],
    ["testing as a string", { policy: "reject", testing: "yes" }, "dmarc.invalid-t", "dmarc.testing"],
    ["a tag name as argument", { policy: "reject", pct: 50 }, "args.unknown", "dmarc.pct"],
    ["not an object", "v=DMARC1; p=reject", "dmarc.invalid-arguments", "dmarc"],
  ];
  test.each(table)("%s", (_name, args, code, field) => {
    const ds = validateDmarcArgs(args);
    expect(ds.map((d) => [d.code, d.field])).toContainEqual([code, field]);
    expect(find(ds, code)?.severity).toBe("error");
  });
  test("hints: enum key names and tag names", () => {
    expect(find(validateDmarcArgs({ policy: "Reject" }), "dmarc.invalid-policy")?.message).toContain('Write "reject"');
    expect(find(validateDmarcArgs({ policy: "reject", dkimAlignment: "strict" }), "dmarc.invalid-alignment")?.message).toContain('Write "s"');
    expect(find(validateDmarcArgs({ policy: "reject", pct: 50 }), "args.unknown")?.message).toContain("`percent`");
  });
  test("with no error, the record's warnings come back with argument paths", () => {
    const ds = validateDmarcArgs({ policy: "none", percent: 50, rua: ["mailto:a@example.com"], subdomainPolicy: "none" });
    expect(ds.map((d) => [d.code, d.field])).toEqual(expect.arrayContaining([
      ["dmarc.policy-none", "dmarc.policy"], ["dmarc.pct-partial", "dmarc.percent"], ["dmarc.pct-removed", "dmarc.percent"],
    ]));
    expect(errors(ds)).toEqual([]);
    expect(find(validateDmarcArgs({ policy: "reject", rua: ["mailto:a@example.com", "mailto:a@example.com"] }), "dmarc.duplicate-uri")?.field).toBe("dmarc.rua[1]");
  });
  test("a custom field prefix", () => {
    expect(validateDmarcArgs({ policy: "x" }, "domains[0].dmarc")[0].field).toBe("domains[0].dmarc.policy");
  });
});

describe("RFC 7489 §7.1: external report destinations", () => {
  test("RFC 7489 B.2.3: example.com sending failure reports to thirdparty.example.net", () => {
    const rec = parseDmarc("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net").model;
    expect(externalReportDestinations("example.com", rec)).toEqual([
      { tag: "ruf", uri: "mailto:auth-reports@thirdparty.example.net", destinationHost: "thirdparty.example.net", authorizationName: "example.com._report._dmarc.thirdparty.example.net" },
    ]);
  });
  test("the full destination host is used, not its organizational domain", () => {
    const rec = buildDmarc({ policy: DmarcPolicy.Reject, rua: ["mailto:r@dmarc.vendor.example", "https://ingest.reports.vendor.example/v1"] });
    expect(externalReportDestinations("example.com", rec).map((d) => d.authorizationName)).toEqual([
      "example.com._report._dmarc.dmarc.vendor.example",
      "example.com._report._dmarc.ingest.reports.vendor.example",
    ]);
  });
  test("same organizational domain needs no authorization (subdomain policy, reports to the parent)", () => {
    const rec = buildDmarc({ policy: DmarcPolicy.Reject, rua: ["mailto:dmarc@example.com", "mailto:x@reports.example.com"] });
    expect(externalReportDestinations("mail.example.com", rec)).toEqual([]);
  });
  test("two registrations under a public suffix (co.uk) are different organizations", () => {
    const rec = buildDmarc({ policy: DmarcPolicy.Reject, rua: ["mailto:dmarc@beta.co.uk"] });
    expect(externalReportDestinations("alpha.co.uk", rec)[0]?.authorizationName).toBe("alpha.co.uk._report._dmarc.beta.co.uk");
  });
  test("A-labels for an internationalized policy domain; a leading _dmarc. is accepted", () => {
    const rec = buildDmarc({ policy: DmarcPolicy.Reject, rua: ["mailto:r@reports.example.net"] });
    expect(externalReportDestinations("_dmarc.Bücher.example", rec)[0]?.authorizationName).toBe("xn--bcher-kva.example._report._dmarc.reports.example.net");
  });
  test.each([
    ["v=DMARC1", true],
    ["v=DMARC1;", true],
    ["v=DMARC1; rua=mailto:other@example.net", true],
    ["v = DMARC1", true],
    ["v=DMARC10", false],
    ["v=dmarc1", false],
    ["p=none; v=DMARC1", false],
    ["v=spf1 -all", false],
  ])("isReportAuthorization(%s) = %s", (txt, expected) => {
    expect(isReportAuthorization(txt)).toBe(expected);
  });
});
