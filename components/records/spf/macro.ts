/**
 * SPF macro-strings and domain-specs (RFC 7208 §7.1 grammar, §7.2 letters, §7.3 transformers):
 *
 *   domain-spec    = macro-string domain-end
 *   domain-end     = ( "." toplabel [ "." ] ) / macro-expand
 *   toplabel       = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 *   explain-string = *( macro-string / SP )
 *   macro-string   = *( macro-expand / macro-literal )
 *   macro-expand   = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
 *   macro-literal  = %x21-24 / %x26-7E          ; visible characters except "%"
 *   transformers   = *DIGIT [ "r" ]
 *   delimiter      = "." / "-" / "+" / "," / "/" / "_" / "="
 *
 * Written by hand: no maintained JavaScript library exposes this grammar as a validator (mailauth
 * only expands macros while evaluating), and the checks need our own diagnostic codes.
 */
import { Diagnostic, invalid, risky } from "../diagnostics";
import { show } from "./model";

/**
 * Where a macro-string stands, which decides what it may contain:
 * - `domain`: the domain-spec of a mechanism, `redirect=` or `exp=`; letters `c r t` are not allowed
 *   (§7.2: they are only for explanation text).
 * - `explanation`: the TXT record an `exp=` points at; spaces and `c r t` are allowed (§6.2).
 * - `modifier`: the value of an unknown modifier, which is never expanded: only the grammar applies.
 */
export type MacroContext = "domain" | "explanation" | "modifier";

export type MacroPart =
  | { kind: "literal"; text: string }
  | { kind: "escape"; text: "%%" | "%_" | "%-" }
  | { kind: "expand"; text: string; letter: string; digits?: number; reverse: boolean; delimiters: string };

export interface ParsedMacroString {
  parts: MacroPart[];
  diagnostics: Diagnostic[];
}

const LETTERS = "slodiphcrtv";
const EXPLANATION_ONLY = "crt";
const MACRO_BODY = /^([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)$/;
const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;
const MACRO_RFC = "RFC 7208 §7.1";

/**
 * Characters an SPF term may never contain: control characters, non-ASCII (§3: the record is
 * US-ASCII), and, except in explanation text, spaces, which separate terms (§4.6.1). Returns at most
 * one diagnostic: the first problem is the one to fix.
 */
export function checkCharacters(text: string, field: string, allowSpace = false): Diagnostic[] {
  const control = /[\u0000-\u001f\u007f]/.exec(text);
  if (control) {
    const which = control[0] === "\t" ? "a tab" : control[0] === "\r" || control[0] === "\n" ? "a line break" : "a control character";
    return [invalid("spf.control-character", field, `"${show(text)}" contains ${which}: SPF terms are separated by spaces only and may contain only visible ASCII; remove it.`, "RFC 7208 §4.6.1")];
  }
  const nonAscii = /[^\u0000-\u007f]/u.exec(text);
  if (nonAscii) {
    return [invalid("spf.non-ascii", field, `"${show(text)}" contains the non-ASCII character "${nonAscii[0]}" (U+${(nonAscii[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}): SPF records are US-ASCII; retype it (write internationalized domains as xn-- A-labels).`, "RFC 7208 §3")];
  }
  if (!allowSpace && text.includes(" ")) {
    return [invalid("spf.term-whitespace", field, `"${show(text)}" contains a space, which would split it into several SPF terms: remove the space (one domain or address per term).`, "RFC 7208 §4.6.1")];
  }
  return [];
}

/** Parse a macro-string; every syntax problem is a diagnostic (a bad macro is a permerror, §7.1). */
export function parseMacroString(text: string, field: string, context: MacroContext): ParsedMacroString {
  const diagnostics = checkCharacters(text, field, context === "explanation");
  const parts: MacroPart[] = [];
  if (diagnostics.length > 0) return { parts, diagnostics };
  let literal = "";
  const flush = () => {
    if (literal !== "") parts.push({ kind: "literal", text: literal });
    literal = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== "%") {
      literal += c;
      i++;
      continue;
    }
    flush();
    const next = text[i + 1];
    if (next === "%" || next === "_" || next === "-") {
      parts.push({ kind: "escape", text: `%${next}` as "%%" | "%_" | "%-" });
      i += 2;
      continue;
    }
    if (next !== "{") {
      const hint = next === "(" ? ` (macros are written with braces: "%{…}")` : "";
      diagnostics.push(invalid("spf.macro-syntax", field, `"${show(text)}" has a "%" not followed by "{", "%", "_" or "-"${hint}: write "%%" for a literal percent sign or a macro like "%{d}".`, MACRO_RFC));
      i++;
      continue;
    }
    const close = text.indexOf("}", i + 2);
    if (close < 0) {
      diagnostics.push(invalid("spf.macro-syntax", field, `"${show(text)}" opens a macro with "%{" that is never closed: add the "}".`, MACRO_RFC));
      break;
    }
    const body = text.slice(i + 2, close);
    const m = MACRO_BODY.exec(body);
    i = close + 1;
    if (!m) {
      diagnostics.push(invalid("spf.macro-syntax", field, `macro "%{${show(body, 40)}}" in "${show(text)}" is malformed: write a letter, an optional number and "r", then optional delimiters, like "%{d}", "%{ir}" or "%{l1r-}".`, MACRO_RFC));
      continue;
    }
    const letter = m[1].toLowerCase();
    if (!LETTERS.includes(letter)) {
      diagnostics.push(invalid("spf.macro-letter", field, `macro "%{${body}}" uses the unknown letter "${m[1]}": the macro letters are s l o d i p h v (and c r t in explanation text only).`, "RFC 7208 §7.2"));
      continue;
    }
    if (EXPLANATION_ONLY.includes(letter) && context === "domain") {
      diagnostics.push(invalid("spf.macro-letter", field, `macro "%{${body}}" may appear only in the explanation text an exp= record points at, not in a domain-spec: use one of s l o d i p h v.`, "RFC 7208 §7.2"));
      continue;
    }
    if (m[2] !== "" && Number(m[2]) === 0) {
      diagnostics.push(invalid("spf.macro-syntax", field, `macro "%{${body}}" keeps zero labels: the number after the letter must be 1 or more (or leave it out to keep all).`, "RFC 7208 §7.3"));
      continue;
    }
    if (letter === "p" && context !== "modifier") {
      diagnostics.push(risky("spf.macro-p", "warning", field, `macro "%{${body}}" needs a slow, unreliable reverse lookup and the RFC says not to use it: use %{i} or a mechanism that names the hosts.`, "RFC 7208 §7.2"));
    }
    parts.push({ kind: "expand", text: `%{${body}}`, letter: m[1], ...(m[2] !== "" ? { digits: Number(m[2]) } : {}), reverse: m[3] !== "", delimiters: m[4] });
  }
  flush();
  return { parts, diagnostics };
}

export function hasMacro(text: string): boolean {
  return text.includes("%");
}

export interface DomainSpecOptions {
  /** Mechanism or modifier name, for messages (`include`, `redirect`…). */
  term: string;
  /** RFC section of the term. */
  rfc: string;
}

/**
 * Check a domain-spec: macro syntax, the domain-end rule (§7.1: it ends in "." toplabel, optionally
 * followed by a dot, or in a macro), and the DNS limits any literal part already breaks (an empty
 * label, a label over 63 octets, a name over 253: no query can be made for it, RFC 1035 §2.3.4).
 * The caller reports an empty domain-spec.
 */
export function checkDomainSpec(spec: string, field: string, opts: DomainSpecOptions): Diagnostic[] {
  const { parts, diagnostics } = parseMacroString(spec, field, "domain");
  if (diagnostics.some((d) => d.breaksStandard)) return diagnostics;
  const last = parts[parts.length - 1];
  if (last && last.kind === "literal") {
    const body = last.text.endsWith(".") ? last.text.slice(0, -1) : last.text;
    const dot = body.lastIndexOf(".");
    if (dot < 0 && !(body === "" && parts.length === 1)) {
      // (a bare "." is reported once, as an empty label, below)
      const why =
        parts.length > 1
          ? `ends in "${show(last.text, 40)}" after a macro: end it in the macro itself or in a dot and a top-level label`
          : `"${show(spec)}" is a single label: give a full domain name such as "_spf.example.com"`;
      diagnostics.push(invalid("spf.domain-end", field, `${opts.term} domain ${why}.`, `${opts.rfc}; RFC 7208 §7.1`));
    } else if (dot >= 0) {
      const top = body.slice(dot + 1);
      if (top !== "" && !TOPLABEL.test(top)) diagnostics.push(invalid("spf.domain-end", field, `${opts.term} domain "${show(spec)}" ${toplabelProblem(top, opts.term)}`, `${opts.rfc}; RFC 7208 §7.1`));
    }
  }
  const literals = parts.filter((p) => p.kind === "literal").map((p) => p.text);
  if (spec.startsWith(".") || literals.some((t) => t.includes(".."))) {
    diagnostics.push(invalid("spf.domain-empty-label", field, `${opts.term} domain "${show(spec)}" has an empty label (a leading dot or two dots in a row), so no DNS query can be made for it: remove the extra dot.`, "RFC 7208 §4.3; RFC 1035 §2.3.4"));
  }
  const long = literals.flatMap((t) => t.split(".")).find((l) => l.length > 63);
  if (long !== undefined) {
    diagnostics.push(invalid("spf.domain-label-too-long", field, `${opts.term} domain "${show(spec)}" has a label of ${long.length} characters; a DNS label holds at most 63: check for a missing dot.`, "RFC 7208 §4.3; RFC 1035 §2.3.4"));
  }
  const name = spec.endsWith(".") ? spec.slice(0, -1) : spec;
  if (!hasMacro(spec) && name.length > 253) {
    diagnostics.push(invalid("spf.domain-too-long", field, `${opts.term} domain is ${name.length} characters; a domain name holds at most 253: shorten it.`, "RFC 7208 §4.3; RFC 1035 §2.3.4"));
  }
  return diagnostics;
}

function toplabelProblem(top: string, term: string): string {
  if (/^\d+$/.test(top)) return `ends in the all-numeric label "${top}", which no top-level domain has: for an IP address use ip4: or ip6: instead of ${term}:.`;
  if (/:\d*$/.test(top)) return `ends in "${show(top, 30)}": SPF has no port numbers; remove the ":" and what follows.`;
  if (/\/\d*$/.test(top)) return `ends in "${show(top, 30)}": ${term} takes no CIDR length (only a, mx, ip4 and ip6 do); remove it.`;
  if (/^-|-$/.test(top)) return `ends in "${show(top, 30)}": a top-level label cannot begin or end with a hyphen.`;
  return `ends in "${show(top, 30)}", which is not a valid top-level label: it may contain only letters, digits and inner hyphens.`;
}

/**
 * Check the explanation text an `exp=` domain returns (§6.2): macro-string with spaces allowed.
 * Receivers ignore a bad explanation (the result stands), so problems here are warnings: for the live
 * checker, which fetches the TXT record.
 */
export function checkExplanation(text: string, field = "exp"): Diagnostic[] {
  return parseMacroString(text, field, "explanation").diagnostics.map((d) =>
    d.breaksStandard ? risky(d.code, "warning", d.field, `${d.message} Receivers then ignore the explanation.`, "RFC 7208 §6.2") : d,
  );
}
