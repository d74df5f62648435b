/**
 * Property registry: each `*.props.ts` file in this folder exports `properties`, a list of named
 * fast-check properties. Jest runs them with a few hundred cases (test/properties.test.ts);
 * `npm run fuzz` runs the very same properties with 100,000 cases each (scripts/fuzz.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";

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
