/**
 * SPF record text → model (RFC 7208 §4.5, §4.6.1). Never throws. Every syntax error anywhere in the
 * record is reported, after "all" too (§4.6: "any syntax errors anywhere in the record MUST be
 * detected"); invalid terms are left out of the model.
 */
import { Diagnostic, Parsed, invalid, note } from "../diagnostics";
import { SpfRecord, SpfTerm, show } from "./model";
import { describeLookalike, isSpfRecord } from "./recordset";
import { parseTerm } from "./term";
import { dedupeDiagnostics, validateSpfTerms } from "./validate";

export function parseSpf(text: string): Parsed<SpfRecord> {
  if (typeof text !== "string" || !isSpfRecord(text)) return { model: { terms: [] }, diagnostics: [notSpf(text)] };
  const diagnostics: Diagnostic[] = [];
  const rest = text.slice(6);
  // record = version terms *SP; terms = *( 1*SP ( directive / modifier ) ): several spaces are valid.
  if (/ {2}/.test(rest) || / $/.test(rest)) {
    diagnostics.push(note("spf.extra-spaces", "", "the record has runs of spaces or trailing spaces; receivers accept them, the canonical form has single spaces between terms.", "RFC 7208 §4.6.1"));
  }
  const terms: SpfTerm[] = [];
  for (const token of rest.split(" ")) {
    if (token === "") continue;
    const r = parseTerm(token);
    if (r.term) terms.push(r.term);
    diagnostics.push(...r.diagnostics);
  }
  const model: SpfRecord = { terms };
  diagnostics.push(...validateSpfTerms(model, { text }).map((d) => d.diagnostic));
  return { model, diagnostics: dedupeDiagnostics(diagnostics) };
}

function notSpf(text: unknown): Diagnostic {
  if (typeof text !== "string") return invalid("spf.not-spf", "", "the SPF record is not text.", "RFC 7208 §4.5");
  const l = describeLookalike(text);
  if (l?.kind === "separator") return invalid("spf.version-separator", "v=spf1", l.message, "RFC 7208 §4.5");
  if (l) return invalid("spf.not-spf", "", l.message, "RFC 7208 §4.5");
  if (text.trim() === "") return invalid("spf.not-spf", "", `the SPF record is empty: write "v=spf1" followed by its terms, e.g. "v=spf1 mx -all".`, "RFC 7208 §4.5");
  return invalid("spf.not-spf", "", `"${show(text, 40)}" does not begin with "v=spf1", so it is not an SPF record: start it with "v=spf1 " followed by the terms.`, "RFC 7208 §4.5");
}
