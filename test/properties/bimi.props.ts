import fc from "fast-check";
import { BimiRecord, parseBimi, renderBimi } from "../../components/records/bimi";
import { hostname } from "./mx.props";
import { NamedProperty, parserProperties, recordishString } from "./property";

const dir = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { maxLength: 2 }).map((segs) => segs.map((s) => `/${s}`).join(""));
const url = (suffix: string) => fc.tuple(hostname, dir, fc.stringMatching(/^[a-z0-9-]{1,8}$/)).map(([h, d, f]) => `https://${h}${d}/${f}${suffix}`);
const optional = { lps: fc.boolean(), avp: fc.constantFrom("brand" as const, "personal" as const) };
const published: fc.Arbitrary<BimiRecord> = fc
  .record({ location: url(".svg"), authority: url(".pem"), localPartSelectors: optional.lps, avatarPreference: optional.avp }, { requiredKeys: ["location"], noNullPrototype: true });
const declined: fc.Arbitrary<BimiRecord> = fc.record(
  { location: fc.constant(""), authority: fc.constant(""), localPartSelectors: optional.lps },
  { requiredKeys: ["location"], noNullPrototype: true },
);

const fragments = ["v=BIMI1", "l=", "a=", "https://example.com/logo.svg", "https://example.com/vmc.pem", "http://", "lps=true", "avp=brand", ".png"];

export const properties: NamedProperty[] = parserProperties({
  kind: "bimi",
  parse: parseBimi,
  render: renderBimi,
  texts: fc.oneof(recordishString(fragments), fc.string()),
  models: fc.oneof({ weight: 4, arbitrary: published }, { weight: 1, arbitrary: declined }),
  namespaces: ["bimi", "txt", "name"],
});
