/**
 * Property registry: each `*.props.ts` file in this folder exports `properties`, a list of named
 * fast-check properties. Jest runs them with a few hundred cases (test/properties.test.ts);
 * `npm run fuzz` runs the very same properties with 100,000 cases each (scripts/fuzz.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { Diagnostic } from "../../components/records/diagnostics";

export interface NamedProperty {
  /** e.g. "spf: parse(render(model)) returns the model" */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  property: fc.IProperty<any> | fc.IAsyncProperty<any>;
}

/** Every property of every `*.props.ts` module beside this file, in file-name order. */
export function loadAllProperties(): NamedProperty[] {
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".props.ts"))
    .sort();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return files.flatMap((f) => (require(path.join(__dirname, f)) as { properties: NamedProperty[] }).properties);
}

/**
 * Characters that matter to mail-record parsers, so that arbitrary strings reach deep into them:
 * separators, quotes, escapes, macro and CIDR syntax, non-ASCII and control characters.
 */
export const recordishString = (fragments: readonly string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...fragments) },
        { weight: 3, arbitrary: fc.constantFrom(" ", ";", "=", ":", "/", ".", ",", "!", "%", "{", "}", "-", "+", "~", "?", '"', "\\", "\t", "\n", "\u0000", "é", "😀", "xn--") },
        { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
        { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join(""));

/** Every diagnostic well-formed: a code in one of the allowed namespaces, a severity, a message, an RFC. */
export function wellFormed(diagnostics: readonly Diagnostic[], namespaces: readonly string[]): boolean {
  return diagnostics.every(
    (d) =>
      namespaces.some((n) => d.code.startsWith(`${n}.`)) &&
      /^[a-z-]+\.[a-z0-9-]+$/.test(d.code) &&
      ["error", "warning", "info"].includes(d.severity) &&
      typeof d.field === "string" &&
      typeof d.message === "string" &&
      d.message.length > 0 &&
      typeof d.rfc === "string" &&
      d.rfc.length > 0 &&
      typeof d.breaksStandard === "boolean" &&
      (!d.breaksStandard || d.severity === "error"),
  );
}

/** What every record parser promises, as the two properties each record kind runs. */
export interface RecordParser<M> {
  /** Names the properties, e.g. `dkim` or `mta-sts: policy`. */
  kind: string;
  parse(text: string): { model: unknown; diagnostics: Diagnostic[] };
  render(model: M): string;
  /** Arbitrary text, ideally with the record's own fragments mixed in (`recordishString`). */
  texts: fc.Arbitrary<string>;
  /** Valid models. */
  models: fc.Arbitrary<M>;
  /** Diagnostic namespaces the parser may use. */
  namespaces: readonly string[];
}

/** `parse` never throws and its diagnostics are well-formed; `parse(render(model))` gives the model back with no error. */
export function parserProperties<M>(p: RecordParser<M>): NamedProperty[] {
  return [
    {
      name: `${p.kind}: parse never throws and its diagnostics are well-formed`,
      property: fc.property(p.texts, (s) => {
        const r = p.parse(s);
        return typeof r.model === "object" && wellFormed(r.diagnostics, p.namespaces);
      }),
    },
    {
      name: `${p.kind}: parse(render(model)) returns the model with no error`,
      property: fc.property(p.models, (m) => {
        const r = p.parse(p.render(m));
        return isDeepStrictEqual(r.model, m) && !r.diagnostics.some((d) => d.severity === "error");
      }),
    },
  ];
}
