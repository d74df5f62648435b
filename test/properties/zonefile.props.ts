/**
 * The zone reader of `maildomain import` over arbitrary bytes: it never throws, always ends, and
 * what it returns is bounded by what it was given (records and findings per line, message sizes),
 * with or without `$INCLUDE`s that lead to more arbitrary bytes.
 */
import fc from "fast-check";
import { readZoneFile } from "../../cli/import/zonefile";
import { NamedProperty, wellFormed } from "./property";

/** Fragments a zone file is made of, so that random files get past the first token. */
const FRAGMENTS = ["$ORIGIN ", "$TTL ", "$INCLUDE ", "$GENERATE ", "@", " ", "\t", "\n", "(", ")", ";", '"', "\\", "\\0", "\\255", ".", "IN", "MX", "TXT", "CNAME", "SOA", "60", "1h", "example.com.", "\u00a0", "\f", "\v", "\u2028", "\ufeff", "\r\n"];

/** Arbitrary bytes read as UTF-8 (what the command does), or zone fragments mixed with arbitrary text. */
const zoneText = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString("utf8")),
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 2, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) }), { maxLength: 300 }).map((p) => p.join("")),
);

/** What the reader may return for `text`: per line at most one record and a few findings, messages of bounded size. */
function bounded(text: string, z: ReturnType<typeof readZoneFile>, files = 1): boolean {
  const lines = text.split("\n").length;
  return (
    z.records.length <= lines * files &&
    z.findings.length <= 4 * lines * files + 8 &&
    z.findings.every((f) => f.message.length <= 1200) &&
    z.records.every((r) => typeof r.owner === "string" && r.rdata.length > 0 && Number.isInteger(r.ttl) && r.ttl >= 0 && r.ttl <= 2147483647)
  );
}

export const properties: NamedProperty[] = [
  {
    name: "zone file: arbitrary bytes never throw, and records and findings are bounded by the lines",
    property: fc.property(zoneText, fc.option(fc.constantFrom("example.com", "x", ".", "a\u0000b"), { nil: undefined }), (text, origin) => {
      const z = readZoneFile(text, { file: "fuzz.zone", origin });
      return bounded(text, z) && wellFormed(z.findings, ["zone"]);
    }),
  },
  {
    name: "zone file: $INCLUDE of arbitrary files, nested and looping, never throws and stays within the budget",
    property: fc.property(zoneText, fc.array(zoneText, { minLength: 1, maxLength: 4 }), (text, included) => {
      const main = `$ORIGIN example.com.\n${included.map((_, i) => `$INCLUDE f${i}\n`).join("")}${text}`;
      let reads = 0;
      const include = (name: string, _from: string, maxBytes: number) => {
        reads++;
        const i = Number(name.slice(1));
        // Every included file includes every file again: loops and fan-out at once.
        const body = `${included.map((_, k) => `$INCLUDE f${k}`).join("\n")}\n${included[i] ?? ""}`;
        return Number.isInteger(i) && included[i] !== undefined ? (body.length > maxBytes ? { error: "too large" } : { file: name, text: body }) : { error: "no such file" };
      };
      const z = readZoneFile(main, { file: "fuzz.zone", include, includeLimits: { maxFiles: 40, maxBytes: 200_000 } });
      return reads <= 40 && bounded(main + included.join("\n").repeat(included.length + 1), z, 41) && wellFormed(z.findings, ["zone"]);
    }),
  },
];
