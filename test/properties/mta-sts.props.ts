import fc from "fast-check";
import { MtaStsMode } from "../../components/records/enums";
import { MtaStsPolicy, MtaStsTxtRecord, parseMtaStsPolicy, parseMtaStsTxt, renderMtaStsPolicy, renderMtaStsTxt } from "../../components/records/mta-sts";
import { hostname } from "./mx.props";
import { NamedProperty, parserProperties, recordishString } from "./property";

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
  ...parserProperties({
    kind: "mta-sts: TXT",
    parse: parseMtaStsTxt,
    render: renderMtaStsTxt,
    texts: fc.oneof(recordishString(txtFragments), fc.string()),
    models: txtRecord,
    namespaces: ["mta-sts", "txt", "name"],
  }),
  ...parserProperties({
    kind: "mta-sts: policy",
    parse: parseMtaStsPolicy,
    render: renderMtaStsPolicy,
    texts: fc.oneof(recordishString(policyFragments), fc.string()),
    models: policy,
    namespaces: ["mta-sts", "txt", "name"],
  }),
];
