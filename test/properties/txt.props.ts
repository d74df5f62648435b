import fc from "fast-check";
import { MAX_STRING_OCTETS, joinTxt, parseTxtRdata, renderTxtRdata, splitTxt } from "../../components/records/txt";
import { NamedProperty, recordishString, wellFormed } from "./property";

/** Arbitrary Unicode text (well-formed: no lone surrogates), long enough to need splitting. */
const unicodeText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 400 }),
  // Lone surrogates are not text (they have no UTF-8 form): replace them as String#toWellFormed would.
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")),
  fc.array(fc.constantFrom("a", "é", "€", "😀", '"', "\\", " ", "\n", "\u0000"), { maxLength: 300 }).map((a) => a.join("")),
);

export const properties: NamedProperty[] = [
  {
    name: "txt: joinTxt(splitTxt(s)) === s, each piece ≤ 255 octets and valid UTF-8",
    property: fc.property(unicodeText, (s) => {
      const parts = splitTxt(s);
      return (
        joinTxt(parts) === s &&
        parts.every((p) => {
          const bytes = Buffer.from(p, "utf8");
          // Decoding gives the piece back only if no character was cut (a cut one decodes as U+FFFD).
          return bytes.length <= MAX_STRING_OCTETS && bytes.toString("utf8") === p;
        })
      );
    }),
  },
  {
    name: "txt: parseTxtRdata(renderTxtRdata(s)) joins back to s with no diagnostic",
    property: fc.property(unicodeText, (s) => {
      const r = parseTxtRdata(renderTxtRdata(s));
      return r.diagnostics.length === 0 && joinTxt(r.model) === s;
    }),
  },
  {
    name: "txt: parseTxtRdata never throws and its diagnostics are well-formed",
    property: fc.property(fc.oneof(recordishString(['"', '\\"', "\\0", "\\255", "\\256", "\\1", '" "']), fc.string()), (s) => wellFormed(parseTxtRdata(s).diagnostics, ["txt"])),
  },
];
