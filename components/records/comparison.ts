/**
 * Comparing two records by meaning: what a receiver (or sender) would do differently with one than with the other,
 * not how they are spelled. The shapes every comparator returns, and the two that need no record knowledge: tag
 * lists (MTA-STS, TLS-RPT, BIMI) tag by tag, anything else as text. Each record kind has its comparator beside its
 * parser (spf/compare.ts, dmarc/compare.ts, dkim/compare.ts, mx.ts's compareMxSets); compare.ts picks one for a
 * TXT value.
 */
import { parseTagList } from "./tags";

export interface RecordDifference {
  /** The term, tag or host that differs: "ip4:192.0.2.0/24", "pct", "mx2.example.com", "all". */
  field: string;
  /** Its meaning in the expected record ("(absent)" when it has none), in full. */
  expected: string;
  /** Its meaning in the actual record, in full. */
  actual: string;
  /** What a receiver does differently, and why, in words. */
  message: string;
}

export interface RecordComparison {
  /** No receiver would act differently. */
  equivalent: boolean;
  differences: RecordDifference[];
  /** How the records are spelled differently without changing what they mean, for a note. */
  cosmetic: string[];
}

export const ABSENT = "(absent)";

export function comparison(differences: RecordDifference[], cosmetic: string[] = []): RecordComparison {
  return { equivalent: differences.length === 0, differences, cosmetic: differences.length === 0 ? cosmetic : [] };
}

/**
 * Compare tag lists tag by tag (names case-insensitive, values as written): for the records whose values are
 * opaque to the check (an MTA-STS id, a TLS-RPT URI list, a BIMI logo URL).
 */
export function compareTagLists(expected: string, actual: string, kind: string): RecordComparison {
  const read = (text: string) => new Map(parseTagList(text, kind, "").tags.map((t) => [t.name.toLowerCase(), t.value] as const));
  const e = read(expected);
  const a = read(actual);
  const differences: RecordDifference[] = [];
  for (const name of new Set([...e.keys(), ...a.keys()])) {
    const ev = e.get(name);
    const av = a.get(name);
    if (ev === av) continue;
    differences.push({
      field: name,
      expected: ev ?? ABSENT,
      actual: av ?? ABSENT,
      message: ev === undefined ? `live DNS has ${name}=${av}, the plan has no ${name}=` : av === undefined ? `the plan has ${name}=${ev}, live DNS has no ${name}=` : `${name}= is ${ev} in the plan and ${av} in live DNS`,
    });
  }
  return comparison(differences, expected === actual ? [] : ["the same tags and values, spelled or ordered differently"]);
}

/** Two values that are neither records nor tag lists (verification tokens): equal or not. */
export function compareText(expected: string, actual: string): RecordComparison {
  if (expected === actual) return comparison([]);
  return comparison([{ field: "value", expected, actual, message: "the values differ" }]);
}
