/**
 * Record selection (RFC 7208 §4.5): of all TXT values at a name, the SPF record is the one that
 * begins with "v=spf1" followed by a space or the end; more than one is a permanent error, none
 * means the domain has no SPF. Values that were meant as SPF but are not selected (a missing space,
 * stray quotes, Sender ID's "spf2.0/") are worth telling the administrator about.
 */
import { Diagnostic, invalid, note, risky } from "../diagnostics";
import { show } from "./model";

const SELECT = /^v=spf1(?: |$)/i;

/** §4.5: the value begins with "v=spf1" (any case) followed by a space or the end of the record. */
export function isSpfRecord(txt: string): boolean {
  return typeof txt === "string" && SELECT.test(txt);
}

/** The values at a name that receivers take as SPF records (§4.5). */
export function selectSpfRecords(txtValues: readonly string[]): string[] {
  return txtValues.filter(isSpfRecord);
}

export type LookalikeKind = "separator" | "quoted" | "leading-space" | "other-version" | "sender-id";

/**
 * Why a TXT value that looks like SPF is not an SPF record, with the fix; undefined when it is an SPF
 * record or does not look like one at all.
 */
export function describeLookalike(txt: string): { kind: LookalikeKind; message: string } | undefined {
  if (typeof txt !== "string" || isSpfRecord(txt)) return undefined;
  const start = show(txt, 40);
  if (/^v=spf1/i.test(txt)) {
    const next = txt[6];
    const what = next === "\t" ? "a tab" : /[\u0000-\u001f\u007f]/.test(next) ? "a control character" : `"${show(next)}"`;
    return { kind: "separator", message: `"${start}" has ${what} right after "v=spf1", so receivers do not take it as an SPF record (strings of a TXT record are joined without spaces): put a single space after v=spf1.` };
  }
  if (/^["'\s]+v=spf1(?:[ "']|$)/i.test(txt)) {
    const quoted = /^["']/.test(txt.trimStart());
    return quoted
      ? { kind: "quoted", message: `"${start}" has quote characters as part of its text (the zone file's or DNS provider's quoting was doubled), so it does not begin with "v=spf1" and receivers ignore it: remove the literal quotes.` }
      : { kind: "leading-space", message: `"${start}" begins with a space, so receivers do not take it as an SPF record: remove the leading whitespace.` };
  }
  if (/^(?:v=)?spf2\.0/i.test(txt)) {
    return { kind: "sender-id", message: `"${start}" is a Sender ID record (RFC 4406, experimental and abandoned), not SPF: receivers do not read it for SPF; remove it or keep it beside a v=spf1 record.` };
  }
  if (/^\s*v\s*=\s*spf/i.test(txt)) {
    return { kind: "other-version", message: `"${start}" is not a v=spf1 record (the only SPF version is "v=spf1", followed by a space), so receivers ignore it: write it as "v=spf1 …".` };
  }
  return undefined;
}

/**
 * Problems of the set of TXT values at one name: several SPF records (a permanent error, §4.5), and
 * values meant as SPF that receivers will not select. The caller parses the selected record itself.
 */
export function checkSpfRecordSet(txtValues: readonly string[], field = ""): Diagnostic[] {
  const values = Array.isArray(txtValues) ? txtValues.filter((v) => typeof v === "string") : [];
  const spf = values.filter(isSpfRecord);
  const out: Diagnostic[] = [];
  if (spf.length > 1) {
    const list = spf.map((v) => `"${show(v, 50)}"`).join(", ");
    out.push(invalid("spf.multiple-records", field, `${spf.length} SPF records at one name (${list}): receivers return a permanent error and apply none of them. Merge them into a single "v=spf1 …" record.`, "RFC 7208 §4.5"));
  }
  for (const v of values) {
    const l = describeLookalike(v);
    if (!l) continue;
    if (l.kind === "sender-id") out.push(note("spf.sender-id", field, l.message, "RFC 7208 §4.5; RFC 4406"));
    else if (spf.length === 0) out.push(risky("spf.lookalike-record", "error", field, `${l.message} The name has no SPF record until then.`, "RFC 7208 §4.5"));
    else out.push(risky("spf.lookalike-record", "warning", field, l.message, "RFC 7208 §4.5"));
  }
  return out;
}
