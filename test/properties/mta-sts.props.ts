import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { MtaStsMode } from "../../components/records/enums";
import { MtaStsPolicy, MtaStsTxtRecord, parseMtaStsPolicy, parseMtaStsTxt, renderMtaStsPolicy, renderMtaStsTxt } from "../../components/records/mta-sts";
import { hostname, wellFormed } from "./mx.props";
import { NamedProperty, recordishString } from "./property";

const extName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/);
const txtRecord: fc.Arbitrary<MtaStsTxtRecord> = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9]{1,32}$/),
    extensions: fc.uniqueArray(
      fc.record({ name: extName.filter((n) => n !== "v" && n !== "id"), value: fc.stringMatching(/^[\x21-\x3a\x3c\x3e-\x7e]{1,12}$/) }, { noNullPrototype: true }),
      { minLength: 1, maxLength: 3, selector: (t) => t.name },
    ),
  },
  { requiredKeys: ["id"], noNullPrototype: true },
);

const pattern = fc.tuple(fc.boolean(), hostname).map(([wild, h]) => (wild ? `*.${h}` : h));
const extValue = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter((v) => /^[^\u0000-\u001f\u007f ](?:[^\u0000-\u001f\u007f]*[^\u0000-\u001f\u007f ])?$/u.test(v));
const policy: fc.Arbitrary<MtaStsPolicy> = fc
  .record(
    {
      mode: fc.constantFrom(MtaStsMode.Enforce, MtaStsMode.Testing, MtaStsMode.None),
      mx: fc.uniqueArray(pattern, { maxLength: 4 }),
      maxAge: fc.integer({ min: 0, max: 31557600 }),
      extensions: fc.array(
        fc.record({ name: extName.filter((n) => !["version", "mode", "mx", "max_age"].includes(n.toLowerCase())), value: extValue }, { noNullPrototype: true }),
        { minLength: 1, maxLength: 2 },
      ),
    },
    { requiredKeys: ["mode", "mx", "maxAge"], noNullPrototype: true },
  )
  .filter((p) => p.mode === MtaStsMode.None || p.mx.length > 0);

const txtFragments = ["v=STSv1", "id=", "20190429T010101", ";", "v=", "STSv1;", " id=abc", "ext=1", "=="];
const policyFragments = ["version: STSv1", "mode: enforce", "mode: testing", "mx: ", "*.example.com", "max_age: ", "604800", "\r\n", "\n", ":", "31557601"];

export const properties: NamedProperty[] = [
  {
    name: "mta-sts: TXT parse never throws and its diagnostics are well-formed",
    property: fc.property(fc.oneof(recordishString(txtFragments), fc.string()), (s) => wellFormed(parseMtaStsTxt(s).diagnostics, ["mta-sts", "txt", "name"])),
  },
  {
    name: "mta-sts: TXT parse(render(model)) returns the model with no error",
    property: fc.property(txtRecord, (m) => {
      const r = parseMtaStsTxt(renderMtaStsTxt(m));
      return isDeepStrictEqual(r.model, m) && !r.diagnostics.some((d) => d.severity === "error");
    }),
  },
  {
    name: "mta-sts: policy parse never throws and its diagnostics are well-formed",
    property: fc.property(fc.oneof(recordishString(policyFragments), fc.string()), (s) => wellFormed(parseMtaStsPolicy(s).diagnostics, ["mta-sts", "txt", "name"])),
  },
  {
    name: "mta-sts: policy parse(render(model)) returns the model with no error",
    property: fc.property(policy, (m) => {
      const r = parseMtaStsPolicy(renderMtaStsPolicy(m));
      return isDeepStrictEqual(r.model, m) && !r.diagnostics.some((d) => d.severity === "error");
    }),
  },
];
