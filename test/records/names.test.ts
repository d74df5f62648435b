import { Diagnostic } from "../../components/records/diagnostics";
import { fqdn, isWithin, normalizeName, ownerNames, printable, relativeName, validateSelector } from "../../components/records/names";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const label = (n: number) => "a".repeat(n);
/** A name of exactly `octets` octets in text form, made of 63-octet labels. */
const nameOf = (octets: number): string => {
  const labels: string[] = [];
  let left = octets;
  while (left > 0) {
    const n = Math.min(63, left - (labels.length ? 1 : 0));
    labels.push(label(Math.max(1, n)));
    left -= n + (labels.length > 1 ? 1 : 0);
  }
  return labels.join(".");
};

describe("normal form: lower case, no trailing dot, A-labels (RFC 1035 §2.3.3, RFC 5891 §4)", () => {
  test.each([
    ["example.com", "example.com"],
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["  example.com  ", "example.com"],
    ["Bücher.example", "xn--bcher-kva.example"],
    ["BÜCHER.example.", "xn--bcher-kva.example"],
    ["XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"],
    ["mañana.com", "xn--maana-pta.com"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
    ["a\u3002b.example", "a.b.example"],
  ])("%j → %s", (input, name) => {
    expect(normalizeName(input)).toEqual({ name, diagnostics: [] });
  });
});

describe("RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 253 octets in text form", () => {
  test("a 63-octet label is fine, 64 is an error", () => {
    expect(normalizeName(`${label(63)}.example`).diagnostics).toEqual([]);
    expect(codes(normalizeName(`${label(64)}.example`).diagnostics)).toEqual(["name.label-too-long"]);
  });

  test("a 253-octet name is fine, 254 is an error", () => {
    expect(nameOf(253)).toHaveLength(253);
    expect(nameOf(254)).toHaveLength(254);
    expect(normalizeName(nameOf(253)).diagnostics).toEqual([]);
    expect(codes(normalizeName(nameOf(254)).diagnostics)).toEqual(["name.too-long"]);
  });

  test("a 253-octet name with its trailing dot is still fine", () => {
    expect(normalizeName(`${nameOf(253)}.`).diagnostics).toEqual([]);
  });

  test("the limits apply to the A-label form of an IDN", () => {
    // 60 × "ü" is far more than 63 octets once punycoded.
    expect(codes(normalizeName(`${"ü".repeat(60)}.example`).diagnostics)).toEqual(["name.label-too-long"]);
  });
});

describe("RFC 1035 §2.3.1, RFC 1123 §2.1, RFC 2181 §11: characters", () => {
  test.each([
    ["", {}, "name.empty"],
    [".", {}, "name.empty"],
    ["   ", {}, "name.empty"],
    ["a..example", {}, "name.empty-label"],
    [".example.com", {}, "name.empty-label"],
    ["example.com..", {}, "name.empty-label"],
    ["exa mple.com", {}, "name.invalid-character"],
    ["example.com\n", {}, "name.invalid-character"],
    ["exa\tmple.com", {}, "name.invalid-character"],
    ["exa\u0000mple.com", {}, "name.invalid-character"],
    ["_dmarc.example.com", { hostname: true }, "name.invalid-character"],
    ["mx_1.example.com", { hostname: true }, "name.invalid-character"],
    ["-mx.example.com", { hostname: true }, "name.invalid-character"],
    ["mx-.example.com", { hostname: true }, "name.invalid-character"],
    ["mx!.example.com", {}, "name.invalid-character"],
    ["*.example.com", {}, "name.invalid-character"],
    ["a.*.example.com", { wildcard: true }, "name.invalid-character"],
    ["192.0.2.1", {}, "name.ip-literal"],
    ["[192.0.2.1]", {}, "name.ip-literal"],
    ["2001:db8::1", {}, "name.ip-literal"],
    ["example.123", {}, "name.numeric-tld"],
    ["1.2.3.4.5", {}, "name.numeric-tld"],
    ["xn--a.example", {}, "name.idna"],
    ["\u200d.example", {}, "name.idna"],
  ])("%j %j → %s", (input, rules, code) => {
    const d = normalizeName(input, "name", rules);
    expect(codes(d.diagnostics)).toContain(code);
    expect(d.diagnostics.every((x) => x.severity === "error")).toBe(true);
  });

  test("underscore labels are allowed in owner names (RFC 8552) but not in host names (RFC 1123 §2.1)", () => {
    expect(normalizeName("_dmarc.example.com").diagnostics).toEqual([]);
    expect(normalizeName("s1._domainkey.example.com").diagnostics).toEqual([]);
    expect(normalizeName("_smtp._tls.example.com").diagnostics).toEqual([]);
    const d = normalizeName("_smtp._tls.example.com", "mx", { hostname: true }).diagnostics;
    expect(d.map((x) => [x.code, x.rfc])).toEqual([
      ["name.invalid-character", "RFC 1123 §2.1"],
      ["name.invalid-character", "RFC 1123 §2.1"],
    ]);
  });

  test("a leading wildcard label is accepted only when asked for (RFC 4592)", () => {
    expect(normalizeName("*.example.com", "name", { wildcard: true }).diagnostics).toEqual([]);
  });

  test("digits-only labels below the TLD are fine; a digit-led host name is fine (RFC 1123 §2.1)", () => {
    expect(normalizeName("123.example.com", "n", { hostname: true }).diagnostics).toEqual([]);
    expect(normalizeName("3com.com", "n", { hostname: true }).diagnostics).toEqual([]);
  });

  test("the field name and the input appear in the message", () => {
    const d = normalizeName("exa mple.com", "dmarc.rua[0]").diagnostics[0];
    expect(d.field).toBe("dmarc.rua[0]");
    expect(d.message).toContain("exa mple.com");
  });
});

describe("RFC 6376 §3.1: DKIM (and BIMI §4.4) selectors", () => {
  test.each(["s1", "google", "selector1-contoso-com", "2026.q1", "k1.eu", "S2026"])("%j is valid", (s) => {
    expect(validateSelector(s)).toEqual([]);
  });

  test.each([
    ["", "name.selector-empty"],
    ["my selector", "name.selector-syntax"],
    ["s_1", "name.selector-syntax"],
    ["-s1", "name.selector-syntax"],
    ["s1.", "name.selector-syntax"],
    ["s1..k", "name.selector-syntax"],
    ["s1\n", "name.selector-syntax"],
    [label(64), "name.selector-syntax"],
    ["sélecteur", "name.selector-syntax"],
  ])("%j → %s", (s, code) => {
    expect(codes(validateSelector(s, "dkim[0].selector"))).toEqual([code]);
    expect(validateSelector(s, "dkim[0].selector")[0].field).toBe("dkim[0].selector");
  });
});

describe("owner names and helpers", () => {
  test("ownerNames", () => {
    expect(ownerNames.dmarc("example.com")).toBe("_dmarc.example.com");
    expect(ownerNames.dkim("S1", "example.com")).toBe("s1._domainkey.example.com");
    expect(ownerNames.mtaSts("example.com")).toBe("_mta-sts.example.com");
    expect(ownerNames.mtaStsPolicyHost("example.com")).toBe("mta-sts.example.com");
    expect(ownerNames.tlsRpt("example.com")).toBe("_smtp._tls.example.com");
    expect(ownerNames.bimi("example.com")).toBe("default._bimi.example.com");
    expect(ownerNames.bimi("example.com", "Brand")).toBe("brand._bimi.example.com");
    expect(ownerNames.dmarcReportAuthorization("example.com", "reports.example.net")).toBe("example.com._report._dmarc.reports.example.net");
  });

  test("fqdn, isWithin, relativeName", () => {
    expect(fqdn("example.com")).toBe("example.com.");
    expect(fqdn("example.com.")).toBe("example.com.");
    expect(isWithin("mx.example.com", "example.com")).toBe(true);
    expect(isWithin("example.com", "example.com")).toBe(true);
    expect(isWithin("badexample.com", "example.com")).toBe(false);
    expect(relativeName("example.com", "example.com")).toBe("@");
    expect(relativeName("_dmarc.example.com", "example.com")).toBe("_dmarc");
    expect(relativeName("mx.example.net", "example.com")).toBe("mx.example.net.");
  });

  test("printable shows control characters", () => {
    expect(printable("a\nb\u0000")).toBe("a\\x0ab\\x00");
  });
});
