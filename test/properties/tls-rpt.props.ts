import fc from "fast-check";
import { TlsRptRecord, parseTlsRpt, renderTlsRpt } from "../../components/records/tls-rpt";
import { hostname } from "./mx.props";
import { NamedProperty, parserProperties, recordishString } from "./property";

const localPart = fc.array(fc.stringMatching(/^[a-z0-9+_-]{1,6}$/), { minLength: 1, maxLength: 2 }).map((atoms) => atoms.join("."));
const path = fc.array(fc.stringMatching(/^[a-z0-9._~-]{0,8}$/), { maxLength: 3 }).map((segs) => segs.map((s) => `/${s}`).join(""));
const uri = fc.oneof(
  fc.tuple(localPart, hostname).map(([l, h]) => `mailto:${l}@${h}`),
  fc.tuple(hostname, path).map(([h, p]) => `https://${h}${p}`),
);
const record: fc.Arbitrary<TlsRptRecord> = fc.record(
  {
    rua: fc.uniqueArray(uri, { minLength: 1, maxLength: 3 }),
    extensions: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/).filter((n) => n !== "v" && n !== "rua"),
        value: fc.stringMatching(/^[\x21-\x3a\x3c\x3e-\x7e]{1,12}$/),
      }, { noNullPrototype: true }),
      { minLength: 1, maxLength: 2, selector: (t) => t.name },
    ),
  },
  { requiredKeys: ["rua"], noNullPrototype: true },
);

const fragments = ["v=TLSRPTv1", "rua=", "mailto:", "tls@example.com", "https://r.example.com/x", ",", "!10m", "%21"];

export const properties: NamedProperty[] = parserProperties({
  kind: "tls-rpt",
  parse: parseTlsRpt,
  render: renderTlsRpt,
  texts: fc.oneof(recordishString(fragments), fc.string()),
  models: record,
  namespaces: ["tls-rpt", "txt", "name"],
});
