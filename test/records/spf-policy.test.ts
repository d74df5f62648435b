import { Diagnostic } from "../../components/records/diagnostics";
import { SpfAll } from "../../components/records/enums";
import { SpfArgs, buildSpf, parseSpf, renderSpf, spfToPolicy, validateSpf, validateSpfPolicy } from "../../components/records/spf";

const errs = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const at = (ds: Diagnostic[]) => ds.map((d) => [d.code, d.field]);

describe("buildSpf: structured arguments → canonical record", () => {
  test.each<[SpfArgs, string]>([
    [{}, "v=spf1 ~all"],
    [{ include: ["_spf.google.com"] }, "v=spf1 include:_spf.google.com ~all"],
    [{ include: ["spf.protection.outlook.com"], all: SpfAll.Fail }, "v=spf1 include:spf.protection.outlook.com -all"],
    [
      { all: SpfAll.Fail, exists: ["%{i}._spf.mta.salesforce.com"], include: ["_spf.google.com", "sendgrid.net"], ip6: ["2001:DB8:0::/32"], ip4: ["192.0.2.0/24", "198.51.100.7"], mx: true, a: true },
      "v=spf1 a mx ip4:192.0.2.0/24 ip4:198.51.100.7 ip6:2001:db8::/32 include:_spf.google.com include:sendgrid.net exists:%{i}._spf.mta.salesforce.com -all",
    ],
    [{ redirect: "_spf.example.com" }, "v=spf1 redirect=_spf.example.com"],
    [{ mx: true, redirect: "_spf.example.com" }, "v=spf1 mx redirect=_spf.example.com"],
    [{ a: false, mx: false, all: SpfAll.Neutral }, "v=spf1 ?all"],
    // Domains are normalized: lower case, no trailing dot, A-labels.
    [{ include: ["_SPF.Google.com."], redirect: "Spf.Bücher.example" }, "v=spf1 include:_spf.google.com redirect=spf.xn--bcher-kva.example"],
  ])("%j → %s", (policy, text) => {
    expect(validateSpfPolicy(policy).filter((d) => d.breaksStandard)).toEqual([]);
    const record = buildSpf(policy);
    expect(renderSpf(record)).toBe(text);
    expect(errs(validateSpf(record)).filter((d) => d.breaksStandard)).toEqual([]);
    expect(parseSpf(text).model).toEqual(record);
  });

  test("YAML strings for all are accepted", () => {
    expect(renderSpf(buildSpf({ all: "-all" as SpfAll }))).toBe("v=spf1 -all");
  });
});

describe("validateSpfPolicy: argument errors name their field", () => {
  test.each<[unknown, string, string]>([
    [{ ip4: ["300.1.1.1"] }, "spf.ip4-address", "spf.ip4[0]"],
    [{ ip4: ["192.0.2.0/24", "1.2.3"] }, "spf.ip4-address", "spf.ip4[1]"],
    [{ ip4: ["192.0.2.0/33"] }, "spf.cidr-range", "spf.ip4[0]"],
    [{ ip4: ["192.0.2.0/024"] }, "spf.cidr-syntax", "spf.ip4[0]"],
    [{ ip4: ["2001:db8::1"] }, "spf.ip-family-mismatch", "spf.ip4[0]"],
    [{ ip6: ["2001:db8::zz"] }, "spf.ip6-address", "spf.ip6[0]"],
    [{ ip6: ["192.0.2.1"] }, "spf.ip-family-mismatch", "spf.ip6[0]"],
    [{ ip6: ["2001:db8::/129"] }, "spf.cidr-range", "spf.ip6[0]"],
    [{ ip4: [""] }, "spf.ip-missing", "spf.ip4[0]"],
    [{ include: ["a.example", "b.example", ""] }, "spf.missing-domain", "spf.include[2]"],
    [{ include: ["museum"] }, "spf.domain-end", "spf.include[0]"],
    [{ include: ["mail.example..com"] }, "name.empty-label", "spf.include[0]"],
    [{ include: ["192.0.2.1"] }, "name.ip-literal", "spf.include[0]"],
    [{ include: ["include:_spf.google.com"] }, "spf.arg-mechanism-prefix", "spf.include[0]"],
    [{ ip4: ["ip4:192.0.2.1"] }, "spf.arg-mechanism-prefix", "spf.ip4[0]"],
    [{ redirect: "-all" }, "spf.arg-mechanism-prefix", "spf.redirect"],
    [{ include: ['"_spf.google.com"'] }, "name.invalid-character", "spf.include[0]"],
    [{ exists: ["%{i}.%{x}.example.com"] }, "spf.macro-letter", "spf.exists[0]"],
    [{ exists: ["%{i}.example.com/24"] }, "spf.arg-character", "spf.exists[0]"],
    [{ all: "deny" }, "spf.arg-all", "spf.all"],
    [{ all: "-ALL" }, "spf.arg-all", "spf.all"],
    [{ a: "yes" }, "spf.arg-type", "spf.a"],
    [{ include: "_spf.google.com" }, "spf.arg-type", "spf.include"],
    [{ ip4: [192] }, "spf.arg-type", "spf.ip4[0]"],
    [{ includes: ["_spf.google.com"] }, "args.unknown", "spf.includes"],
    [{ all: SpfAll.Pass }, "spf.pass-all", "spf.all"],
    [{ ip4: ["0.0.0.0/0"] }, "spf.open-network", "spf.ip4[0]"],
  ])("%j → %s at %s", (policy, code, field) => {
    const d = validateSpfPolicy(policy as SpfArgs);
    expect(at(d)).toContainEqual([code, field]);
    expect(d.find((x) => x.code === code)?.severity).toBe("error");
  });

  test("the list of allowed all values is in the message", () => {
    const d = validateSpfPolicy({ all: "deny" as SpfAll });
    expect(d[0].message).toContain('"-all", "~all", "?all", "+all"');
  });

  test("record-level rules come back mapped to the arguments", () => {
    const include = Array.from({ length: 11 }, (_, i) => `s${i}.example.com`);
    expect(at(validateSpfPolicy({ include }))).toEqual([["spf.too-many-lookups", "spf"]]);
    expect(at(validateSpfPolicy({ include: ["a.example", "A.example"] }))).toEqual([["spf.duplicate-term", "spf.include[1]"]]);
    expect(at(validateSpfPolicy({ all: SpfAll.Neutral }))).toEqual([["spf.neutral-all", "spf.all"]]);
    expect(at(validateSpfPolicy({ redirect: "_spf.example.com", all: SpfAll.Fail }))).toEqual([["spf.redirect-ignored", "spf.redirect"]]);
    expect(at(validateSpfPolicy({ ip4: ["192.0.2.1/24"] }, "domains[0].spf"))).toEqual([["spf.cidr-host-bits", "domains[0].spf.ip4[0]"]]);
  });

  test("a valid policy gives no diagnostics at all", () => {
    expect(validateSpfPolicy({ mx: true, include: ["_spf.google.com"], ip4: ["192.0.2.0/24"], all: SpfAll.Fail })).toEqual([]);
  });
});

describe("RFC 7208 §4.6.1 injection: an argument can never add a term", () => {
  test.each<[SpfArgs, string]>([
    [{ include: ["_spf.google.com", "x.example", "_spf.google.com -all"] }, "spf.include[2]"],
    [{ include: ["x ip4:0.0.0.0/0"] }, "spf.include[0]"],
    [{ include: ["x.example\n+all"] }, "spf.include[0]"],
    [{ include: ["x.example\t+all"] }, "spf.include[0]"],
    [{ exists: ["%{i}.x.example +all"] }, "spf.exists[0]"],
    [{ ip4: ["192.0.2.1 +all"] }, "spf.ip4[0]"],
    [{ ip6: ["2001:db8::1 +all"] }, "spf.ip6[0]"],
    [{ redirect: "_spf.example.com +all" }, "spf.redirect"],
    [{ include: ["x.example\u0000"] }, "spf.include[0]"],
  ])("%j is an error at %s and builds no extra term", (policy, field) => {
    const d = validateSpfPolicy(policy);
    expect(d.find((x) => x.field === field)?.code).toBe("spf.arg-injection");
    const text = renderSpf(buildSpf(policy));
    expect(text).not.toContain("+all");
    expect(text).not.toContain("0.0.0.0");
    expect(parseSpf(text).diagnostics.filter((x) => x.breaksStandard)).toEqual([]);
  });

  test("the builder leaves out every invalid entry", () => {
    const text = renderSpf(buildSpf({ include: ["ok.example", '"bad.example"', "also bad.example"], ip4: ["300.0.0.1", "192.0.2.1"], all: "deny" as SpfAll }));
    expect(text).toBe("v=spf1 ip4:192.0.2.1 include:ok.example");
  });
});

describe("spfToPolicy: an existing record for the zone importer", () => {
  test("everything expressible", () => {
    const { model } = parseSpf("v=spf1 a mx ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com exists:%{i}._spf.mta.salesforce.com -all");
    const { policy, leftOut } = spfToPolicy(model);
    expect(leftOut).toEqual([]);
    expect(policy).toEqual({ a: true, mx: true, ip4: ["192.0.2.0/24"], ip6: ["2001:db8::/32"], include: ["_spf.google.com"], exists: ["%{i}._spf.mta.salesforce.com"], all: SpfAll.Fail });
    expect(buildSpf(policy)).toEqual(model);
  });

  test("every term it cannot express is listed with a reason", () => {
    const { model } = parseSpf("v=spf1 -ip4:192.0.2.66 ip4:192.0.2.0/24 ptr a:mail.example.com mx/24 ~include:x.example ip4:192.0.2.0/24 moo=cow -all exp=why.example.com include:late.example redirect=r.example");
    const { policy, leftOut } = spfToPolicy(model);
    expect(policy).toEqual({ ip4: ["192.0.2.0/24"], all: SpfAll.Fail });
    expect(leftOut.map((l) => l.term)).toEqual(["-ip4:192.0.2.66", "ptr", "a:mail.example.com", "mx/24", "~include:x.example", "ip4:192.0.2.0/24", "moo=cow", "exp=why.example.com", "include:late.example", "redirect=r.example"]);
    for (const l of leftOut) expect(l.reason.length).toBeGreaterThan(10);
  });

  test("no all and no redirect maps to ?all, the same neutral result", () => {
    const { policy } = spfToPolicy(parseSpf("v=spf1 mx").model);
    expect(policy).toEqual({ mx: true, all: SpfAll.Neutral });
  });

  test("redirect without all is kept and builds no all", () => {
    const { policy, leftOut } = spfToPolicy(parseSpf("v=spf1 ip4:192.0.2.1 redirect=_spf.example.com").model);
    expect(leftOut).toEqual([]);
    expect(renderSpf(buildSpf(policy))).toBe("v=spf1 ip4:192.0.2.1 redirect=_spf.example.com");
  });
});
