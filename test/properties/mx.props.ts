import fc from "fast-check";
import { MxRecord, NULL_MX, parseMx, renderMx } from "../../components/records/mx";
import { NamedProperty, parserProperties, recordishString } from "./property";

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== "--");
/** A host name in normal form, at least two labels, alphabetic TLD. */
export const hostname = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, tld]) => [...labels, tld].join("."));

const mxRecord: fc.Arbitrary<MxRecord> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ ...NULL_MX }) },
  { weight: 9, arbitrary: fc.record({ priority: fc.integer({ min: 0, max: 65535 }), exchange: hostname }, { noNullPrototype: true }) },
);

const fragments = ["10 ", "0 .", "mx1.example.com.", "65535", "65536", "192.0.2.1", "xn--bcher-kva", "Bücher", "_", "..", "-"];

export const properties: NamedProperty[] = parserProperties({
  kind: "mx",
  parse: parseMx,
  render: renderMx,
  texts: fc.oneof(recordishString(fragments), fc.string()),
  models: mxRecord,
  namespaces: ["mx", "name", "txt"],
});
