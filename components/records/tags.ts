/**
 * The tag=value list syntax shared by DKIM key records (RFC 6376 §3.2), DMARC (RFC 7489 §6.4),
 * MTA-STS and TLS-RPT TXT records (RFC 8461 §3.1, RFC 8460 §3) and BIMI.
 *
 *   tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  = ALPHA *ALNUMPUNC
 *   tag-value = [ tval *( 1*(WSP / FWS) tval ) ]   ; tval = 1*VALCHAR, VALCHAR = %x21-3A / %x3C-7E
 *
 * Written by hand: it is a dozen lines of grammar, and every record kind needs its own diagnostic
 * codes on top of it.
 */
import { Diagnostic, invalid, risky } from "./diagnostics";
import { printable } from "./names";

export interface Tag {
  /** Tag name as written (DKIM tag names are case-sensitive, RFC 6376 §3.2). */
  name: string;
  /** Value with surrounding whitespace removed and folding whitespace unfolded. */
  value: string;
}

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const WSP_RUN = /[ \t]*\r?\n[ \t]+|[ \t]+/g;
// Only WSP and line breaks (FWS) surround tags and values: String.prototype.trim() would also strip
// NBSP, BOM and other Unicode spaces, accepting "\u00a0p=none" that a receiver reads as another tag.
const FWS_EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const trimFws = (s: string): string => s.replace(FWS_EDGES, "");

export interface TagListOptions {
  /**
   * Tag-name grammar when the record's own differs from RFC 6376's `ALPHA *ALNUMPUNC`: MTA-STS and
   * TLS-RPT extension names are `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`
   * (RFC 8461 §3.1, RFC 8460 §3).
   */
  tagName?: RegExp;
  /** The rule `tagName` enforces, in words, for the diagnostic message. */
  tagNameRule?: string;
}

/**
 * Parse a tag list. `kind` namespaces the diagnostic codes (`dkim`, `dmarc`, …); `rfc` names the
 * section that defines this record's tag list. Never throws.
 */
export function parseTagList(text: string, kind: string, rfc: string, options: TagListOptions = {}): { tags: Tag[]; diagnostics: Diagnostic[] } {
  const tagName = options.tagName ?? TAG_NAME;
  const tags: Tag[] = [];
  const diagnostics: Diagnostic[] = [];
  const specs = text.split(";");
  specs.forEach((spec, i) => {
    if (trimFws(spec) === "") {
      // A trailing ";" is allowed by the grammar; an empty spec in the middle is tolerated by
      // receivers but is not in the grammar.
      if (i < specs.length - 1 && i > 0) {
        diagnostics.push(risky(`${kind}.empty-tag`, "warning", "", `an empty tag (";;") appears in the record: remove the extra semicolon.`, rfc));
      } else if (i === 0 && specs.length > 1) {
        diagnostics.push(risky(`${kind}.empty-tag`, "warning", "", `the record starts with ";": remove it.`, rfc));
      }
      return;
    }
    const eq = spec.indexOf("=");
    if (eq < 0) {
      diagnostics.push(invalid(`${kind}.tag-syntax`, trimFws(spec), `"${printable(trimFws(spec))}" is not a tag=value pair: add "=" and a value, or remove it.`, rfc));
      return;
    }
    const name = trimFws(spec.slice(0, eq));
    const value = trimFws(spec.slice(eq + 1).replace(WSP_RUN, " "));
    if (!tagName.test(name)) {
      diagnostics.push(invalid(`${kind}.tag-syntax`, name, `"${printable(name)}" is not a valid tag name: ${options.tagNameRule ?? 'tag names start with a letter and hold letters, digits and "_"'}.`, rfc));
      return;
    }
    const bad = /[^\x21-\x3a\x3c-\x7e ]/.exec(value);
    if (bad) {
      diagnostics.push(invalid(`${kind}.tag-value-syntax`, name, `the value of ${name}= contains "${printable(bad[0])}", which a tag value may not contain: use printable ASCII only.`, rfc));
      return;
    }
    tags.push({ name, value });
  });
  return { tags, diagnostics };
}

/** Every tag name that appears more than once. */
export function duplicateTagNames(tags: readonly Tag[], caseInsensitive = false): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const t of tags) {
    const key = caseInsensitive ? t.name.toLowerCase() : t.name;
    if (seen.has(key)) dups.add(key);
    seen.add(key);
  }
  return [...dups];
}

/**
 * The value of a leading `v=` tag, read leniently (any case, spaces around `=`): what a record
 * is meant to be, so that a malformed one can be reported rather than silently skipped.
 * `leadingVersion("V = DMARC1; p=none")` is `"DMARC1"`.
 */
export function leadingVersion(txt: string): string | undefined {
  return /^\s*v\s*=\s*([^;\s]*)/i.exec(txt)?.[1];
}

/** True when the TXT value is meant as the record whose version is `version` (case-insensitive). */
export function meantAs(txt: string, version: string): boolean {
  return leadingVersion(txt)?.toLowerCase() === version.toLowerCase();
}

/** How a record kind's version tag must look (MTA-STS, TLS-RPT, BIMI). */
export interface VersionTagRule {
  /** Diagnostic namespace: codes `<kind>.missing-version`, `<kind>.version-not-first`, `<kind>.version`. */
  kind: string;
  /** The exact value, e.g. `STSv1`. */
  version: string;
  rfc: string;
  /** Who reads the record, for the messages: "senders" or "receivers". */
  readers: string;
  /** What follows the version in a correct record, e.g. `id=…`. */
  next: string;
  /** Whether the grammar allows whitespace between `v` and `=`. */
  spaceBeforeEquals: boolean;
}

/** The version tag: present, a lower-case `v`, the first tag, exactly the version (case-sensitive). */
export function checkVersionTag(text: string, tags: readonly Tag[], rule: VersionTagRule): Diagnostic[] {
  const { kind, version, rfc, readers } = rule;
  const index = tags.findIndex((t) => t.name === "v");
  if (index < 0) {
    const otherCase = tags.find((t) => t.name.toLowerCase() === "v");
    const message = otherCase
      ? `the version tag must be a lower-case "v" (not "${otherCase.name}"): start the record with v=${version}.`
      : `the record does not start with v=${version}: ${readers} ignore it; start it with "v=${version}; ${rule.next}".`;
    return [invalid(`${kind}.missing-version`, "v", message, rfc)];
  }
  const out: Diagnostic[] = [];
  const startsWithV = rule.spaceBeforeEquals ? /^v[ \t]*=/ : /^v=/;
  if (index !== 0 || !startsWithV.test(text)) {
    out.push(invalid(`${kind}.version-not-first`, "v", `v=${version} must be the very first tag: ${readers} discard records that do not begin with it. Move it to the front.`, rfc));
  }
  if (tags[index].value !== version) {
    out.push(invalid(`${kind}.version`, "v", `v=${printable(tags[index].value)} is not a version ${readers} know: write exactly v=${version} (case-sensitive).`, rfc));
  }
  return out;
}

/** Render tags as `a=1; b=2`. */
export function renderTagList(tags: readonly Tag[]): string {
  return tags.map((t) => `${t.name}=${t.value}`).join("; ");
}
