/**
 * Two SPF records compared by what a receiver's evaluation does with them (RFC 7208 §4.6), not by their text:
 *
 * - a term's meaning: qualifier made explicit ("a" is "+a", §4.6.2), names in lower case (§4.6.1), a domain-spec
 *   without macros in lower case without its trailing dot (a macro's case matters, §7.3), an address as the network
 *   it names ("ip4:192.0.2.1/32" is "ip4:192.0.2.1", "ip4:192.0.2.77/24" is "ip4:192.0.2.0/24"), and "a"/"mx" with
 *   the record's own domain as the plain "a"/"mx" when that domain is known;
 * - what is never evaluated is left out: terms after the first "all" (§5.1), "redirect" beside an "all" (§6.1),
 *   unknown modifiers (§6);
 * - order: the first term that matches decides (§4.6.2), so order matters only between terms whose qualifiers
 *   differ; the record is a sequence of runs of one qualifier, each run a set;
 * - no "all" and no "redirect" ends in neutral, as "?all" does (§4.7).
 *
 * A record with a syntax error is a permanent error for every sender (§4.6): its meaning is "permerror".
 */
import { ABSENT, RecordComparison, RecordDifference, comparison } from "../comparison";
import type { Parsed } from "../diagnostics";
import { canonicalNetwork } from "../ip";
import { hasMacro } from "./macro";
import { SpfMechanism, SpfQualifier, SpfRecord } from "./model";
import { parseSpf } from "./parse";

const RESULT: Record<SpfQualifier, string> = { "+": "pass", "-": "fail", "~": "softfail", "?": "neutral" };

interface Meaning {
  /** The first syntax error, when the record is a permanent error. */
  permerror?: string;
  /** Runs of one qualifier before the first "all", each a set of canonical terms (without the qualifier). */
  runs: Array<{ qualifier: SpfQualifier; terms: string[] }>;
  /** Each evaluated mechanism's qualifier (the first occurrence decides). */
  qualifierOf: Map<string, SpfQualifier>;
  /** The qualifier of the first "all" ("?" when there is neither "all" nor "redirect"); undefined with a redirect. */
  all?: SpfQualifier;
  redirect?: string;
  exp?: string;
  /** Spelling that does not change the meaning. */
  cosmetic: string[];
}

/** Compare an expected SPF record with an actual one; `domain` is where they are published, when known. */
export function compareSpf(expected: string, actual: string, domain?: string): RecordComparison {
  const e = meaning(parseSpf(expected), domain);
  const a = meaning(parseSpf(actual), domain);
  if (e.permerror || a.permerror) {
    if (e.permerror && a.permerror) return comparison(expected === actual ? [] : [{ field: "record", expected: `permerror (${e.permerror})`, actual: `permerror (${a.permerror})`, message: "both records are permanent errors for every sender; they differ in text" }]);
    return comparison([
      a.permerror
        ? { field: "record", expected: "a valid record", actual: `permerror (${a.permerror})`, message: `live DNS serves a record with a syntax error, which receivers treat as a permanent error for every sender (RFC 7208 §4.6): ${a.permerror}` }
        : { field: "record", expected: `permerror (${e.permerror})`, actual: "a valid record", message: `the plan's record has a syntax error (${e.permerror}); live DNS serves a valid one` },
    ]);
  }
  const differences: RecordDifference[] = [];
  const ending = (m: Meaning) => (m.all ? `${m.all}all` : `redirect=${m.redirect}`);
  if (e.all !== a.all || (!e.all && e.redirect !== a.redirect)) {
    const eResult = e.all ? RESULT[e.all] : `the result of ${e.redirect}'s SPF`;
    const aResult = a.all ? RESULT[a.all] : `the result of ${a.redirect}'s SPF`;
    differences.push({ field: "all", expected: ending(e), actual: ending(a), message: `mail from a sender no term lists gets ${aResult} instead of ${eResult}: the plan ends in ${ending(e)}, live DNS in ${ending(a)}` });
  }
  for (const [term, q] of e.qualifierOf) {
    const aq = a.qualifierOf.get(term);
    if (aq === undefined) differences.push({ field: term, expected: `${q}${term}`, actual: ABSENT, message: `the plan has "${q}${term}", live DNS does not: ${q === "+" ? "the senders it authorizes no longer pass SPF" : `senders it matches no longer get ${RESULT[q]}`}` });
    else if (aq !== q) differences.push({ field: term, expected: `${q}${term}`, actual: `${aq}${term}`, message: `senders that "${term}" matches get ${RESULT[aq]} instead of ${RESULT[q]}: the plan writes "${q}${term}", live DNS "${aq}${term}"` });
  }
  for (const [term, q] of a.qualifierOf) {
    if (!e.qualifierOf.has(term)) differences.push({ field: term, expected: ABSENT, actual: `${q}${term}`, message: `live DNS has "${q}${term}", the plan does not: ${q === "+" ? "it authorizes senders the plan does not" : `senders it matches get ${RESULT[q]}`}` });
  }
  if (e.exp !== a.exp) differences.push({ field: "exp", expected: e.exp ?? ABSENT, actual: a.exp ?? ABSENT, message: "the explanation receivers give when they reject mail differs (exp=)" });
  if (differences.length === 0 && runsText(e) !== runsText(a)) {
    differences.push({ field: "order", expected: runsText(e), actual: runsText(a), message: "the same terms in an order that changes which one decides: the first term that matches gives the result (RFC 7208 §4.6.2), and here terms with different qualifiers swap places" });
  }
  const notes = [...new Set([...e.cosmetic, ...a.cosmetic])];
  if (notes.length === 0 && expected !== actual) notes.push("spelled differently (default qualifiers, case, term order, address forms) with the same terms");
  return comparison(differences, notes);
}

function meaning({ model: record, diagnostics }: Parsed<SpfRecord>, domain?: string): Meaning {
  const broken = diagnostics.find((d) => d.breaksStandard);
  const m: Meaning = { runs: [], qualifierOf: new Map(), cosmetic: [], ...(broken ? { permerror: broken.message } : {}) };
  let sawAll = false;
  for (const t of record.terms) {
    if (t.kind === "modifier") {
      if (t.name === "redirect") m.redirect = domainText(t.value);
      else if (t.name === "exp") m.exp = domainText(t.value);
      else m.cosmetic.push(`unknown modifiers are ignored by receivers (${t.name}=)`);
      continue;
    }
    if (sawAll) {
      m.cosmetic.push("terms after all are never evaluated");
      continue;
    }
    if (t.name === "all") {
      sawAll = true;
      m.all = t.qualifier;
      continue;
    }
    const term = termText(t, domain);
    if (m.qualifierOf.has(term)) {
      m.cosmetic.push(`a repeated term changes nothing (${term})`);
      continue;
    }
    m.qualifierOf.set(term, t.qualifier);
    const last = m.runs[m.runs.length - 1];
    if (last && last.qualifier === t.qualifier) last.terms.push(term);
    else m.runs.push({ qualifier: t.qualifier, terms: [term] });
  }
  if (m.all && m.redirect) {
    m.cosmetic.push("redirect= beside all is ignored (RFC 7208 §6.1)");
    m.redirect = undefined;
  }
  if (!m.all && !m.redirect) {
    // §4.7: no match and no redirect is neutral, exactly what "?all" says.
    m.all = "?";
    m.cosmetic.push('no "all" ends in neutral, as "?all" does');
  }
  return m;
}

/** The runs in canonical order: each run's terms sorted (their order within a run does not matter). */
function runsText(m: Meaning): string {
  return m.runs.map((r) => [...r.terms].sort().map((t) => `${r.qualifier}${t}`).join(" ")).join(" | ");
}

function termText(t: SpfMechanism, domain?: string): string {
  if (t.name === "ip4" || t.name === "ip6") {
    const cidr = t.name === "ip4" ? t.cidr4 : t.cidr6;
    return `${t.name}:${canonicalNetwork(t.ip!, cidr)}`;
  }
  let s = t.name as string;
  if (t.domainSpec !== undefined) {
    const d = domainText(t.domainSpec);
    // "a:example.com" in the record of example.com is "a" (§5.3: the domain defaults to the current one).
    if (!(domain && (t.name === "a" || t.name === "mx" || t.name === "ptr") && d === domainText(domain))) s += `:${d}`;
  }
  if (t.name === "a" || t.name === "mx") {
    if (t.cidr4 !== undefined && t.cidr4 !== 32) s += `/${t.cidr4}`;
    if (t.cidr6 !== undefined && t.cidr6 !== 128) s += `//${t.cidr6}`;
  }
  return s;
}

/** A domain-spec's meaning: case and a trailing dot do not matter, except inside macros (§7.3). */
function domainText(spec: string): string {
  if (hasMacro(spec)) return spec;
  const lower = spec.toLowerCase();
  return lower.endsWith(".") && lower.length > 1 ? lower.slice(0, -1) : lower;
}
