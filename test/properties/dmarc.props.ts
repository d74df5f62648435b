/** Properties of the DMARC core: parser robustness, round trip, argument validation, injection. */
import fc from "fast-check";
import { NamedProperty, parserProperties, recordishString, wellFormed } from "./property";
import { DMARC_URI_RULES, DmarcRecord, buildDmarc, externalReportDestinations, parseDmarc, renderDmarc, validateDmarcArgs } from "../../components/records/dmarc";
import { Diagnostic } from "../../components/records/diagnostics";
import { Alignment, DmarcPolicy } from "../../components/records/enums";
import { ReportUri, parseReportUri } from "../../components/records/uris";

const FRAGMENTS = [
  "v=DMARC1", "V=DMARC1", "v=dmarc1", "p=none", "p=quarantine", "p=reject", "sp=", "np=", "pct=", "pct=50%", "rua=", "ruf=",
  "mailto:", "mailto:dmarc@example.com", "https://r.example.net/x", "!10m", "adkim=s", "aspf=r", "fo=1:d", "rf=afrf", "ri=86400",
  "t=y", "psd=u", "@", ",", "bücher.example", "xn--bcher-kva.example",
];

const wellFormedAll = (ds: readonly Diagnostic[]): boolean => wellFormed(ds, ["dmarc", "txt", "name", "args"]);

const arbitraryText = fc.oneof(recordishString(FRAGMENTS), fc.string(), fc.string({ unit: "binary" }));

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 2 }), fc.constantFrom("com", "net", "example", "co.uk", "org")).map(([ls, tld]) => [...ls, tld].join("."));
const local = fc.array(fc.stringMatching(/^[A-Za-z0-9_+-]{1,6}$/), { minLength: 1, maxLength: 2 }).map((ps) => ps.join("."));
const uriText = fc.oneof(
  fc.tuple(local, domain, fc.option(fc.constantFrom("10m", "1g", "500k", "25"), { nil: undefined })).map(([l, d, size]) => `mailto:${l}@${d}${size ? `!${size}` : ""}`),
  fc.tuple(domain, fc.stringMatching(/^[a-z0-9/_.-]{0,10}$/)).map(([d, path]) => `https://${d}/${path}`),
);
/** URIs as the parser produces them, so a model is in normal form. */
const reportUri: fc.Arbitrary<ReportUri> = uriText
  .map((t) => parseReportUri(t, "rua", DMARC_URI_RULES).uri)
  .filter((u): u is ReportUri => u !== undefined); // shrinking can step outside the generators' patterns
const policy = fc.constantFrom(DmarcPolicy.None, DmarcPolicy.Quarantine, DmarcPolicy.Reject);
const alignment = fc.constantFrom(Alignment.Relaxed, Alignment.Strict);
const word = fc.stringMatching(/^[\x21-\x2b\x2d-\x3a\x3c-\x7e]{1,8}$/);
const KNOWN = ["v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "rf", "ri", "t", "psd"];
const extraName = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/).filter((n) => !KNOWN.includes(n));

const validModel: fc.Arbitrary<DmarcRecord> = fc.record(
  {
    p: policy,
    sp: policy,
    np: policy,
    adkim: alignment,
    aspf: alignment,
    pct: fc.integer({ min: 0, max: 100 }),
    rua: fc.array(reportUri, { minLength: 1, maxLength: 3 }),
    ruf: fc.array(reportUri, { minLength: 1, maxLength: 2 }),
    fo: fc.subarray(["0", "1", "d", "s"], { minLength: 1 }),
    rf: fc.constant(["afrf"]),
    ri: fc.integer({ min: 0, max: 4294967295 }),
    t: fc.constantFrom("y" as const, "n" as const),
    psd: fc.constantFrom("y" as const, "n" as const, "u" as const),
    extraTags: fc.uniqueArray(fc.record({ name: extraName, value: fc.array(word, { minLength: 1, maxLength: 2 }).map((ws) => ws.join(" ")) }, { noNullPrototype: true }), { minLength: 1, maxLength: 2, selector: (t) => t.name }),
  },
  { requiredKeys: ["p"], noNullPrototype: true },
);

export const properties: NamedProperty[] = [
  ...parserProperties({ kind: "dmarc", parse: parseDmarc, render: renderDmarc, texts: arbitraryText, models: validModel, namespaces: ["dmarc", "txt", "name"] }),
  {
    name: "dmarc: validateDmarcArgs never throws on arbitrary values",
    property: fc.property(
      fc.oneof(fc.anything({ maxDepth: 2, maxKeys: 4 }), fc.dictionary(fc.constantFrom("policy", "percent", "rua", "ruf", "dkimAlignment", "failureOptions", "reportInterval", "testing", "pct"), fc.oneof(arbitraryText, fc.anything({ maxDepth: 1, maxKeys: 3 }), fc.array(arbitraryText, { maxLength: 3 })))),
      (args) => wellFormedAll(validateDmarcArgs(args)),
    ),
  },
  {
    name: "dmarc: a rua argument either is refused or becomes exactly one URI (injection)",
    property: fc.property(fc.oneof(arbitraryText, uriText, fc.tuple(uriText, fc.constantFrom("; p=none", ",mailto:x@evil.example", " ", '"', "\n", "!", "; rua=")).map(([u, s]) => u + s)), (rua) => {
      const args = { policy: DmarcPolicy.Reject, rua: [rua] };
      if (validateDmarcArgs(args).some((d) => d.severity === "error")) return true;
      const record = renderDmarc(buildDmarc(args));
      const back = parseDmarc(record);
      return back.model.p === DmarcPolicy.Reject && back.model.rua?.length === 1 && back.model.extraTags === undefined && back.diagnostics.every((d) => d.severity !== "error");
    }),
  },
  {
    name: "dmarc: externalReportDestinations names <policy>._report._dmarc.<destination host> for other organizations only",
    property: fc.property(domain, validModel, (policyDomain, model) => {
      const all = [...(model.rua ?? []), ...(model.ruf ?? [])];
      const ext = externalReportDestinations(policyDomain, model);
      return ext.length <= all.length && ext.every((e) => e.authorizationName === `${policyDomain}._report._dmarc.${e.destinationHost}` && e.destinationHost !== policyDomain);
    }),
  },
];
