import fc from "fast-check";
import { normalizeName } from "../../components/records/names";
import { NamedProperty, recordishString, wellFormed } from "./property";

const fragments = ["example", "com", ".", "..", "xn--", "xn--bcher-kva", "Bücher", "ß", "_dmarc", "-", "*", "192.0.2.1", "::1", "[", "]", "a".repeat(63), "\u3002", "\u200d", "Ⅸ"];
const rules = fc.record({ hostname: fc.boolean(), wildcard: fc.boolean() });

export const properties: NamedProperty[] = [
  {
    name: "names: normalizeName never throws and its diagnostics are well-formed",
    property: fc.property(fc.oneof(recordishString(fragments), fc.string(), fc.string({ unit: "grapheme" })), rules, (s, r) => wellFormed(normalizeName(s, "name", r).diagnostics, ["name"])),
  },
  {
    name: "names: normalizeName is idempotent on its output when it has no errors",
    property: fc.property(fc.oneof(recordishString(fragments), fc.domain(), fc.string({ unit: "grapheme" })), rules, (s, r) => {
      const once = normalizeName(s, "name", r);
      if (once.diagnostics.length) return true;
      const twice = normalizeName(once.name, "name", r);
      return twice.name === once.name && twice.diagnostics.length === 0;
    }),
  },
];
