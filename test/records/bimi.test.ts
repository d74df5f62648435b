import {
  BimiRecord,
  bimiSelector,
  buildBimi,
  checkBimiDmarcRequirement,
  parseBimi,
  renderBimi,
  validateBimi,
  validateBimiArgs,
} from "../../components/records/bimi";
import { Diagnostic } from "../../components/records/diagnostics";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const LOGO = "https://example.com/bimi/logo.svg";
const VMC = "https://example.com/bimi/vmc.pem";

describe("draft-brand-indicators-for-message-identification-10 §4.3: assertion record syntax", () => {
  test.each([
    ["", "bimi.missing-version"],
    [`l=${LOGO}`, "bimi.missing-version"],
    [`V=BIMI1; l=${LOGO}`, "bimi.missing-version"],
    [`l=${LOGO}; v=BIMI1`, "bimi.version-not-first"],
    [`v=bimi1; l=${LOGO}`, "bimi.version"],
    [`v=BIMI2; l=${LOGO}`, "bimi.version"],
    ["v=BIMI1", "bimi.missing-location"],
    [`v=BIMI1; a=${VMC}`, "bimi.missing-location"],
    [`v=BIMI1; l=${LOGO}; l=${LOGO}`, "bimi.duplicate-tag"],
    ["v=BIMI1; l=http://example.com/logo.svg", "bimi.uri-scheme"],
    ["v=BIMI1; l=example.com/logo.svg", "bimi.uri-scheme"],
    [`v=BIMI1; l=${LOGO},https://example.com/other.svg`, "bimi.invalid-uri"],
    ["v=BIMI1; l=https://exa_mple.com/logo.svg", "bimi.invalid-uri"],
    ["v=BIMI1; l=https://192.0.2.1/logo.svg", "bimi.invalid-uri"],
    ["v=BIMI1; l=https:example.com/logo.svg", "bimi.invalid-uri"],
    ["v=BIMI1; l=https://user:secret@example.com/logo.svg", "bimi.invalid-uri"],
    [`v=BIMI1; l=${LOGO}; a=http://example.com/vmc.pem`, "bimi.uri-scheme"],
    ["v=BIMI1; l=https://example.com/logo.png", "bimi.logo-format"],
    ["v=BIMI1; l=https://example.com/logo.JPG", "bimi.logo-format"],
    [`v=BIMI1; l=; a=${VMC}`, "bimi.empty-location"],
    [`v=BIMI1; l=${LOGO}; 1x=2`, "bimi.tag-syntax"],
    [`v=BIMI1; l=${LOGO}\r\n`, "txt.control-character"],
  ])("%j → %s (error)", (text, code) => {
    const d = parseBimi(text).diagnostics.find((x) => x.code === code);
    expect(d).toBeDefined();
    expect(d?.severity).toBe("error");
    expect(d?.rfc).toMatch(code.startsWith("txt.") ? /RFC/ : /draft-brand-indicators-for-message-identification-10 §/);
  });

  test.each([
    [`v=BIMI1; l=${LOGO}`, "bimi.no-authority"],
    [`v=BIMI1; l=https://example.com/logo; a=${VMC}`, "bimi.logo-extension"],
    [`v=BIMI1; l=${LOGO}; a=https://example.com/vmc.crt`, "bimi.authority-extension"],
    [`v=BIMI1; l=${LOGO}; a=${VMC}; avp=avatar`, "bimi.avp"],
    [`v=BIMI1; l=${LOGO}; a=${VMC}; lps=yes`, "bimi.lps"],
  ])("%j → %s (warning)", (text, code) => {
    const { diagnostics } = parseBimi(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(diagnostics.find((x) => x.code === code)?.severity).toBe("warning");
  });

  test("the missing VMC warning says which receivers need it", () => {
    const d = parseBimi(`v=BIMI1; l=${LOGO}`).diagnostics.find((x) => x.code === "bimi.no-authority");
    expect(d?.message).toMatch(/Gmail/);
    expect(d?.message).toMatch(/Yahoo/);
  });

  test("spaces around '=' are allowed (bimi-version = \"v\" *WSP \"=\" *WSP \"BIMI1\")", () => {
    expect(parseBimi(`v = BIMI1; l = ${LOGO}; a = ${VMC}`)).toEqual({ model: { location: LOGO, authority: VMC }, diagnostics: [] });
  });

  test("unknown tags are ignored", () => {
    expect(parseBimi(`v=BIMI1; l=${LOGO}; a=${VMC}; s=x; future=1`)).toEqual({ model: { location: LOGO, authority: VMC }, diagnostics: [] });
  });

  test(".svgz is an accepted logo format (§4.3.2)", () => {
    expect(parseBimi(`v=BIMI1; l=https://example.com/logo.svgz; a=${VMC}`).diagnostics).toEqual([]);
  });

  test("an invalid logo URL is left out of the model", () => {
    expect(parseBimi("v=BIMI1; l=http://example.com/logo.svg").model).toEqual({});
  });
});

describe("draft-brand-indicators-for-message-identification-10 §4.3.1: declination to publish", () => {
  test.each(["v=BIMI1; l=; a=;", "v=BIMI1; l=; a=", "v=BIMI1; l=;", "v=BIMI1; l=", "v=BIMI1; l=; a=; lps=true;"])("%j is a declination (info, no error)", (text) => {
    const { diagnostics } = parseBimi(text);
    expect(errors(diagnostics)).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["bimi.declined", "info"]]);
  });
});

describe("real and documented BIMI records parse with no error", () => {
  test.each([
    // The draft's own example (Appendix C.3): a directory URL, so only a .svg-suffix warning.
    ["v=BIMI1; l=https://image.example.com/bimi/logo/"],
    // The draft's declination example (§4.3.1).
    ["v=BIMI1; l=; a=;"],
    // default._bimi.cnn.com as published with its VMC (seen in public BIMI checkers).
    ["v=BIMI1; l=https://amplify.valimail.com/bimi/time-warner/LysAFUdG-Hw-cnn_vmc.svg; a=https://amplify.valimail.com/bimi/time-warner/LysAFUdG-Hw-cnn_vmc.pem"],
    // The BIMI Group's generator form.
    [`v=BIMI1; l=${LOGO}; a=${VMC};`],
  ])("%s", (text) => {
    expect(errors(parseBimi(text).diagnostics)).toEqual([]);
  });
});

describe("render/parse round trip", () => {
  test.each<BimiRecord>([
    { location: LOGO, authority: VMC },
    { location: LOGO },
    { location: "", authority: "" },
    { location: LOGO, authority: VMC, localPartSelectors: true, avatarPreference: "personal" },
  ])("%j", (m) => {
    const r = parseBimi(renderBimi(m));
    expect(r.model).toEqual(m);
    expect(errors(r.diagnostics)).toEqual([]);
  });

  test("render form", () => {
    expect(renderBimi({ location: LOGO, authority: VMC })).toBe(`v=BIMI1; l=${LOGO}; a=${VMC}`);
    expect(renderBimi({ location: "", authority: "" })).toBe("v=BIMI1; l=; a=");
  });

  test("validateBimi checks a model built in code", () => {
    expect(codes(validateBimi({ location: "http://example.com/logo.svg", authority: VMC }))).toEqual(["bimi.uri-scheme"]);
    expect(validateBimi({ location: LOGO, authority: VMC })).toEqual([]);
  });
});

describe("component arguments: validateBimiArgs, buildBimi, bimiSelector", () => {
  test("valid", () => {
    expect(validateBimiArgs({ logoUrl: LOGO, authorityUrl: VMC, selector: "brand" })).toEqual([]);
    expect(buildBimi({ logoUrl: LOGO, authorityUrl: VMC })).toEqual({ location: LOGO, authority: VMC });
    expect(bimiSelector({})).toBe("default");
    expect(bimiSelector({ selector: "Brand" })).toBe("brand");
  });

  test("field paths name each argument", () => {
    const d = validateBimiArgs({ logoUrl: "http://example.com/logo.svg", authorityUrl: "ftp://example.com/vmc.pem", selector: "my selector" });
    expect(errors(d).map((x) => [x.code, x.field])).toEqual([
      ["bimi.uri-scheme", "bimi.logoUrl"],
      ["bimi.uri-scheme", "bimi.authorityUrl"],
      ["name.selector-syntax", "bimi.selector"],
    ]);
  });

  test("a missing logo is an error; a missing VMC a warning", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(validateBimiArgs({} as any).map((x) => [x.code, x.severity, x.field])).toEqual([
      ["bimi.missing-location", "error", "bimi.logoUrl"],
      ["bimi.no-authority", "warning", "bimi.authorityUrl"],
    ]);
  });

  test("a PNG logo is an error on the argument", () => {
    expect(codes(validateBimiArgs({ logoUrl: "https://example.com/logo.png", authorityUrl: VMC }))).toEqual(["bimi.logo-format"]);
  });

  test.each([`${LOGO}; a=https://evil.example/x.pem`, `${LOGO} a=x`, `${LOGO}"`, `${LOGO}\nv=BIMI1`, `${LOGO},https://evil.example/x.svg`])(
    "injection %j is an error on logoUrl, never a second tag",
    (logoUrl) => {
      expect(errors(validateBimiArgs({ logoUrl, authorityUrl: VMC })).map((x) => [x.code, x.field])).toEqual([["bimi.invalid-uri", "bimi.logoUrl"]]);
    },
  );
});

describe("draft-brand-indicators-for-message-identification-10 §7.1: DMARC at enforcement", () => {
  test.each([
    [{ p: "quarantine" }],
    [{ p: "reject" }],
    [{ p: "quarantine", pct: 100 }],
    [{ p: "reject", sp: "quarantine" }],
    [{ p: "Reject" }],
  ])("%j is enough", (dmarc) => {
    expect(checkBimiDmarcRequirement(dmarc)).toEqual([]);
  });

  test.each([
    [undefined, "bimi.dmarc-missing"],
    [{}, "bimi.dmarc-policy"],
    [{ p: "none" }, "bimi.dmarc-policy"],
    [{ p: "quarantine", pct: 50 }, "bimi.dmarc-pct"],
    [{ p: "reject", sp: "none" }, "bimi.dmarc-subdomain-policy"],
  ])("%j → %s (error, receivers ignore BIMI)", (dmarc, code) => {
    const d = checkBimiDmarcRequirement(dmarc);
    expect(codes(d)).toEqual([code]);
    expect(d[0]).toMatchObject({ severity: "error", breaksStandard: true, field: "bimi" });
    expect(d[0].message).toMatch(/quarantine|reject|pct=100|sp=/);
  });

  test("p=reject with pct under 100 is a warning (the draft only restricts quarantine)", () => {
    const d = checkBimiDmarcRequirement({ p: "reject", pct: 25 }, "mail.bimi");
    expect(d.map((x) => [x.code, x.severity, x.field])).toEqual([["bimi.dmarc-pct", "warning", "mail.bimi"]]);
  });
});
