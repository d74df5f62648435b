/**
 * Two DKIM key records compared by what a verifier does with them (RFC 6376 §3.6.1, RFC 8463): the key type (k,
 * rsa by default), the key itself (p, whitespace removed; empty is revoked), the hash algorithms it accepts (h, any
 * by default), its service types (s, * by default) and flags (t: y testing, s no subdomains). v= (optional), n=
 * (notes for people), tag order and spacing change nothing; a record verifiers discard (a repeated tag, a bad v=)
 * means "no key".
 */
import { RecordComparison, RecordDifference, comparison } from "../comparison";
import { parseDkim } from "./parse";

interface Meaning {
  /** Why verifiers discard the record, when they do. */
  discarded?: string;
  values: Map<string, string>;
  cosmetic: string[];
}

const MEANING: Record<string, string> = {
  k: "the key type",
  p: "the public key",
  h: "the hash algorithms it accepts",
  s: "the services it is for",
  t: "its flags",
};

export function compareDkim(expected: string, actual: string): RecordComparison {
  const e = meaning(expected);
  const a = meaning(actual);
  if (e.discarded || a.discarded) {
    if (e.discarded && a.discarded) return comparison([]);
    return comparison([
      a.discarded
        ? { field: "record", expected: "a key verifiers use", actual: `discarded: ${a.discarded}`, message: `verifiers discard the live record (${a.discarded}), so every signature with this selector fails` }
        : { field: "record", expected: `discarded: ${e.discarded}`, actual: "a key verifiers use", message: `the plan's record would be discarded (${e.discarded}); live DNS serves a usable key` },
    ]);
  }
  const differences: RecordDifference[] = [];
  for (const tag of ["k", "p", "h", "s", "t"]) {
    const ev = e.values.get(tag)!;
    const av = a.values.get(tag)!;
    if (ev === av) continue;
    let message = `${MEANING[tag]} is ${tag === "p" ? "different" : `${ev} in the plan and ${av} in live DNS`}`;
    if (tag === "p") {
      message = av === "" ? "the live key is revoked (empty p=): every signature with this selector fails" : ev === "" ? "the plan revokes the key (empty p=), live DNS still publishes one" : "the public keys differ: mail signed with the key the plan publishes fails DKIM against the live one (the key was rotated on one side only, or copied wrong)";
    }
    differences.push({ field: tag, expected: ev === "" ? "(empty: revoked)" : ev, actual: av === "" ? "(empty: revoked)" : av, message });
  }
  const notes = [...new Set([...e.cosmetic, ...a.cosmetic])];
  if (differences.length === 0 && notes.length === 0 && expected !== actual) notes.push("spelled differently (tag order, spacing, v= or defaults written out) with the same key");
  return comparison(differences, notes);
}

function meaning(text: string): Meaning {
  const parsed = parseDkim(text);
  const discarded = parsed.diagnostics.find((d) => d.breaksStandard && d.code !== "dkim.revoked");
  const m: Meaning = { values: new Map(), cosmetic: [] };
  if (discarded) return { ...m, discarded: discarded.message };
  const model = parsed.model;
  const list = (items: string[] | undefined, fallback: string) => (items?.length ? [...new Set(items.map((x) => x.toLowerCase()))].sort().join(":") : fallback);
  m.values.set("k", (model.keyType ?? "rsa").toLowerCase());
  m.values.set("p", model.publicKey ?? "");
  m.values.set("h", list(model.hashAlgorithms, "any"));
  m.values.set("s", list(model.serviceTypes, "*"));
  m.values.set("t", list(model.flags, "none"));
  if (model.notes !== undefined) m.cosmetic.push("n= holds notes for people; verifiers ignore it");
  if (model.extraTags?.length) m.cosmetic.push(`tags DKIM does not define are ignored (${model.extraTags.map((t) => `${t.name}=`).join(", ")})`);
  return m;
}
