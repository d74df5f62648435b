import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { Diagnostic } from "../../components/records/diagnostics";
import { MxRecord, NULL_MX, parseMx, renderMx } from "../../components/records/mx";
import { NamedProperty, recordishString } from "./property";

/** Every diagnostic well-formed, in one of the allowed namespaces. */
export function wellFormed(diagnostics: readonly Diagnostic[], namespaces: readonly string[]): boolean {
  return diagnostics.every(
    (d) =>
      namespaces.some((n) => d.code.startsWith(`${n}.`)) &&
      /^[a-z-]+\.[a-z0-9-]+$/.test(d.code) &&
      ["error", "warning", "info"].includes(d.severity) &&
      typeof d.field === "string" &&
      d.message.length > 0 &&
      d.rfc.length > 0 &&
      (!d.breaksStandard || d.severity === "error"),
  );
}

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

export const properties: NamedProperty[] = [
  {
    name: "mx: parse never throws on arbitrary strings and its diagnostics are well-formed",
    property: fc.property(fc.oneof(recordishString(fragments), fc.string()), (s) => wellFormed(parseMx(s).diagnostics, ["mx", "name", "txt"])),
  },
  {
    name: "mx: parse(render(model)) returns the model with no error",
    property: fc.property(mxRecord, (m) => {
      const r = parseMx(renderMx(m));
      return isDeepStrictEqual(r.model, m) && !r.diagnostics.some((d) => d.severity === "error");
    }),
  },
];
