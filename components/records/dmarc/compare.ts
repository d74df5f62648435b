/**
 * Two DMARC records compared by what receivers apply (RFC 7489 §6.3, §6.6.3; RFC 9989), not by their text:
 *
 * - every tag's effective value, defaults filled in: sp is p, np is sp, pct 100, adkim and aspf r, fo 0, rf afrf,
 *   ri 86400, t n, psd u; rua/ruf as sets of destinations (scheme and domain case do not matter, the size limit
 *   does);
 * - a value receivers reject is the default they use instead, so "pct=50%" means pct 100 (and the message says
 *   what was written);
 * - case: policy and flag values are case-insensitive; an upper-case tag name ("V=DMARC1", "P=reject") is read by
 *   lenient receivers and ignored by strict ones, so it is a difference that names them;
 * - a record receivers ignore altogether (no or misplaced v=DMARC1, a repeated tag, an invalid p without rua) means
 *   "no DMARC"; an invalid p with rua means p=none (§6.6.3).
 * Tags DMARC does not define, tag order, spacing and a trailing ";" change nothing.
 */
import { RecordComparison, RecordDifference, comparison } from "../comparison";
import { parseTagList } from "../tags";
import type { ReportUri } from "../uris";
import { DMARC_TAGS, RFC_GRAMMAR } from "./model";
import { parseDmarc } from "./parse";

const DEFAULTS: Record<string, string> = { pct: "100", adkim: "r", aspf: "r", fo: "0", rf: "afrf", ri: "86400", t: "n", psd: "u", rua: "none", ruf: "none" };

/** Tags whose default is another tag's value. */
const DERIVED: Record<string, string> = { sp: "p", np: "sp" };

const childOf = (tag: string): string | undefined => Object.keys(DERIVED).find((c) => DERIVED[c] === tag);

const MEANING: Record<string, string> = {
  p: "the policy for mail from the domain",
  sp: "the policy for its subdomains",
  np: "the policy for its non-existent subdomains (RFC 9989)",
  pct: "the share of failing mail the policy applies to",
  adkim: "DKIM alignment (r relaxed, s strict)",
  aspf: "SPF alignment (r relaxed, s strict)",
  fo: "when failure reports are sent",
  rf: "the failure report format",
  ri: "the aggregate report interval",
  rua: "where aggregate reports go",
  ruf: "where failure reports go",
  t: "testing mode (RFC 9989)",
  psd: "the public suffix domain flag (RFC 9989)",
};

/** Breaking problems after which receivers ignore the whole record; an invalid p (or no p) is handled apart. */
const RECORD_IGNORED = new Set(["dmarc.missing-version", "dmarc.version-not-first", "dmarc.invalid-version", "dmarc.duplicate-tag", "dmarc.quoted-record", "dmarc.tag-syntax", "dmarc.tag-value-syntax"]);

interface Meaning {
  /** Why receivers ignore the record, when they do. */
  ignored?: string;
  values: Map<string, string>;
  /** Tags written with a value receivers accept. */
  explicit: Set<string>;
  /** Tags present in the record (by lower-case name) with the value as written. */
  written: Map<string, string>;
  /** Tags written with an upper-case name (strict receivers ignore them). */
  upperCase: Map<string, string>;
  cosmetic: string[];
}

export function compareDmarc(expected: string, actual: string): RecordComparison {
  const e = meaning(expected);
  const a = meaning(actual);
  if (e.ignored || a.ignored) {
    if (e.ignored && a.ignored) return comparison([]);
    return comparison([
      a.ignored
        ? { field: "record", expected: "a DMARC record receivers apply", actual: `ignored: ${a.ignored}`, message: `receivers ignore the live record (${a.ignored}), so the domain has no DMARC policy at all` }
        : { field: "record", expected: `ignored: ${e.ignored}`, actual: "a DMARC record receivers apply", message: `the plan's record would be ignored (${e.ignored}); live DNS serves one receivers apply` },
    ]);
  }
  const differences: RecordDifference[] = [];
  for (const [tag, name] of [...a.upperCase].filter(([t]) => !e.upperCase.has(t))) {
    differences.push({
      field: tag,
      expected: `${tag}=`,
      actual: `${name}=`,
      message: tag === "v" ? `live DNS writes ${name}=DMARC1 with an upper-case "${name}": lenient receivers apply the record, strict ones ignore it (RFC 7489 §6.3 takes DKIM's case-sensitive tag syntax)` : `live DNS writes ${name}= with an upper-case name: lenient receivers read it, strict ones ignore it and use the default`,
    });
  }
  for (const tag of DMARC_TAGS) {
    if (tag === "v") continue;
    const ev = e.values.get(tag)!;
    const av = a.values.get(tag)!;
    if (ev === av) continue;
    // sp defaults to p and np to sp: when neither record writes it, its difference is its parent's, said there.
    if (DERIVED[tag] && !e.explicit.has(tag) && !a.explicit.has(tag)) continue;
    const shown = (m: Meaning, v: string) => (m.explicit.has(tag) ? v : `${v} (default)`);
    const invalid = (m: Meaning) => m.written.has(tag) && !m.explicit.has(tag);
    const why = invalid(a)
      ? tag === "p"
        ? ` (live DNS writes p=${a.written.get(tag)}, which is invalid: with rua= present receivers treat the record as p=none)`
        : ` (live DNS writes ${tag}=${a.written.get(tag)}, which receivers ignore, so the default applies)`
      : "";
    const inherit: string[] = [];
    for (let parent: string = tag, child = childOf(parent); child && !e.explicit.has(child) && !a.explicit.has(child); parent = child, child = childOf(parent)) inherit.push(child);
    const whyPlan = invalid(e) ? ` (the plan writes ${tag}=${e.written.get(tag)}, which receivers would ignore)` : "";
    differences.push({
      field: tag,
      expected: shown(e, ev),
      actual: shown(a, av),
      message: `${MEANING[tag]} is ${ev} in the plan and ${av} in live DNS${why}${whyPlan}${inherit.length ? `; ${inherit.join(" and ")}, which neither record sets, follow${inherit.length === 1 ? "s" : ""} it` : ""}`,
    });
  }
  const notes = [...new Set([...e.cosmetic, ...a.cosmetic])];
  if (differences.length === 0 && notes.length === 0 && expected !== actual) notes.push("spelled differently (tag order, spacing, value case or defaults written out) with the same effect");
  return comparison(differences, notes);
}

function meaning(text: string): Meaning {
  const parsed = parseDmarc(text);
  const m: Meaning = { values: new Map(), explicit: new Set(), written: new Map(), upperCase: new Map(), cosmetic: [] };
  for (const t of parseTagList(text, "dmarc", RFC_GRAMMAR).tags) {
    const lower = t.name.toLowerCase();
    if (!m.written.has(lower)) m.written.set(lower, t.value);
    if (t.name !== lower && (DMARC_TAGS as readonly string[]).includes(lower)) m.upperCase.set(lower, t.name);
  }
  const ignored = parsed.diagnostics.find((d) => d.breaksStandard && RECORD_IGNORED.has(d.code));
  if (ignored) return { ...m, ignored: ignored.message };
  const model = parsed.model;
  const hasRua = Boolean(model.rua?.length);
  // RFC 7489 §6.6.3: a missing or invalid p (or sp) with rua= present is p=none; without rua= no DMARC at all.
  const badPolicy = parsed.diagnostics.some((d) => d.code === "dmarc.invalid-policy" && (d.field === "p" || d.field === "sp")) || model.p === undefined;
  if (badPolicy && !hasRua) return { ...m, ignored: parsed.diagnostics.find((d) => d.code === "dmarc.invalid-policy" || d.code === "dmarc.missing-policy")?.message ?? "it has no valid p=" };
  const p = badPolicy ? "none" : model.p!;
  const sp = badPolicy ? "none" : (model.sp ?? p);
  const set = (tag: string, value: string | undefined, fallback: string) => {
    if (value !== undefined) m.explicit.add(tag);
    m.values.set(tag, value ?? fallback);
  };
  set("p", model.p, p);
  set("sp", model.sp, sp);
  set("np", model.np, sp);
  set("pct", model.pct?.toString(), DEFAULTS.pct);
  set("adkim", model.adkim, DEFAULTS.adkim);
  set("aspf", model.aspf, DEFAULTS.aspf);
  set("fo", model.fo ? [...new Set(model.fo)].sort().join(":") : undefined, DEFAULTS.fo);
  set("rf", model.rf?.join(":"), DEFAULTS.rf);
  set("ri", model.ri?.toString(), DEFAULTS.ri);
  set("rua", model.rua ? destinations(model.rua) : undefined, DEFAULTS.rua);
  set("ruf", model.ruf ? destinations(model.ruf) : undefined, DEFAULTS.ruf);
  set("t", model.t, DEFAULTS.t);
  set("psd", model.psd, DEFAULTS.psd);
  if (badPolicy) m.explicit.delete("p");
  if (model.extraTags?.length) m.cosmetic.push(`tags DMARC does not define are ignored (${model.extraTags.map((t) => `${t.name}=`).join(", ")})`);
  return m;
}

/** Report destinations as a set: "mailto:a@example.com!10m,mailto:b@example.org". */
function destinations(uris: readonly ReportUri[]): string {
  const text = uris.map((u) => `${u.scheme === "mailto" ? `mailto:${u.address}` : u.uri.replace(/^https:\/\/[^/]+/i, (h) => h.toLowerCase())}${u.maxSize ? `!${u.maxSize.toLowerCase()}` : ""}`);
  return [...new Set(text)].sort().join(",");
}
