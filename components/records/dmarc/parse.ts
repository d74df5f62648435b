/**
 * Reading a DMARC record (RFC 7489 §6.3–§6.4, RFC 9989) from its TXT text (strings joined).
 * Never throws: invalid values are left out of the model, each with one diagnostic.
 */
import { Diagnostic, Parsed, invalid, risky } from "../diagnostics";
import { Alignment, DmarcPolicy } from "../enums";
import { printable } from "../names";
import { duplicateTagNames, parseTagList } from "../tags";
import { ReportUri, parseReportUri } from "../uris";
import {
  ALIGNMENTS, DMARC_TAGS, DMARC_URI_RULES, DmarcRecord, FAILURE_OPTIONS, MAX_RI, POLICIES,
  RFC_9989, RFC_DISCOVERY, RFC_GRAMMAR, RFC_TAGS, dedupe,
} from "./model";
import { validateDmarc } from "./validate";

/**
 * A bad value of an optional tag is an error (what the owner asked for is lost) that does not
 * break the record: RFC 7489 §6.3 and RFC 9989 tell receivers to discard it in favour of the
 * default and go on applying the record. Only v, p and sp problems make receivers drop the record.
 */
function tagError(code: string, field: string, message: string, rfc: string): Diagnostic {
  return risky(code, "error", field, message, rfc);
}

export function parseDmarc(text: string): Parsed<DmarcRecord> {
  const input = typeof text === "string" ? text : "";
  const model: DmarcRecord = {};
  const diagnostics: Diagnostic[] = [];
  if (/^\s*"/.test(input)) {
    diagnostics.push(invalid("dmarc.quoted-record", "", `the record text starts with a quote: it was copied in zone-file form ("…"). Give the text inside the quotes, without them.`, RFC_GRAMMAR));
  }
  const list = parseTagList(input, "dmarc", RFC_GRAMMAR);
  diagnostics.push(...list.diagnostics);
  diagnostics.push(...checkVersion(input, list.tags));
  // Tag names are matched case-insensitively, as the ABNF's quoted literals are (RFC 5234 §2.3).
  for (const name of duplicateTagNames(list.tags, true)) {
    diagnostics.push(invalid("dmarc.duplicate-tag", name, `${name}= appears more than once: DMARC records follow the DKIM tag-list syntax, where a repeated tag makes the whole record invalid, and receivers disagree on which value wins. Keep one ${name}=.`, "RFC 7489 §6.3; RFC 6376 §3.2"));
  }
  const badPolicies: { tag: "p" | "sp" | "np"; value: string }[] = [];
  const seen = new Set<string>();
  for (const tag of list.tags) {
    const name = tag.name.toLowerCase();
    if (seen.has(name)) continue; // the first occurrence stands for the model
    seen.add(name);
    const value = tag.value;
    if (name !== tag.name && name !== "v" && (DMARC_TAGS as readonly string[]).includes(name)) {
      // Same reasoning as for "V=DMARC1" in checkVersion: valid to the grammar, risky in practice.
      diagnostics.push(risky("dmarc.tag-case", "warning", tag.name, `write the tag name in lower case (${name}=): the DMARC grammar accepts ${tag.name}=, but DMARC inherits the case-sensitive DKIM tag syntax and strict receivers ignore ${tag.name}=.`, "RFC 7489 §6.3; RFC 6376 §3.2"));
    }
    switch (name) {
      case "v":
        break;
      case "p":
      case "sp":
      case "np": {
        const policy = value.toLowerCase();
        if (POLICIES.includes(policy)) model[name] = policy as DmarcPolicy;
        else badPolicies.push({ tag: name, value });
        break;
      }
      case "adkim":
      case "aspf": {
        const mode = value.toLowerCase();
        if (ALIGNMENTS.includes(mode)) model[name] = mode as Alignment;
        else diagnostics.push(tagError("dmarc.invalid-alignment", name, `${name}=${printable(value)} is not r (relaxed) or s (strict); receivers use the default r. Write ${name}=r or ${name}=s.`, RFC_TAGS));
        break;
      }
      case "pct":
        parsePct(value, model, diagnostics);
        break;
      case "ri":
        if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_RI) model.ri = Number(value);
        else diagnostics.push(tagError("dmarc.invalid-ri", "ri", `ri=${printable(value)} is not a number of seconds (0 to ${MAX_RI}, no unit): write ri=86400 for daily reports, or remove ri (daily is the default).`, RFC_TAGS));
        break;
      case "rua":
      case "ruf": {
        const uris = parseUriList(name, value, diagnostics);
        if (uris.length) model[name] = uris;
        break;
      }
      case "fo": {
        const items = value.split(":").map((s) => s.trim());
        const good = items.filter((f) => (FAILURE_OPTIONS as readonly string[]).includes(f.toLowerCase())).map((f) => f.toLowerCase());
        if (good.length !== items.length) {
          diagnostics.push(tagError("dmarc.invalid-fo", "fo", `fo=${printable(value)}: failure options are 0, 1, d and s, separated by ":" (for example fo=1 or fo=d:s); receivers ignore the rest.`, RFC_TAGS));
        }
        if (good.length) model.fo = good;
        break;
      }
      case "rf": {
        const items = value.split(":").map((s) => s.trim().toLowerCase());
        if (items.includes("iodef")) {
          diagnostics.push(risky("dmarc.rf-iodef", "warning", "rf", "rf=iodef: IODEF failure reports were dropped before DMARC was published; receivers send afrf. Write rf=afrf or remove rf.", RFC_TAGS));
        }
        const others = items.filter((f) => f !== "afrf" && f !== "iodef");
        if (others.length) {
          diagnostics.push(tagError("dmarc.invalid-rf", "rf", `rf=${printable(value)}: the only failure report format is afrf. Write rf=afrf or remove rf.`, RFC_TAGS));
        }
        if (items.includes("afrf")) model.rf = items.filter((f) => f === "afrf");
        break;
      }
      case "t":
      case "psd": {
        const flag = value.toLowerCase();
        const allowed = name === "t" ? ["y", "n"] : ["y", "n", "u"];
        if (allowed.includes(flag)) (model as Record<string, unknown>)[name] = flag;
        else diagnostics.push(tagError(`dmarc.invalid-${name}`, name, `${name}=${printable(value)} is not ${allowed.join(", ").replace(/, (?=[^,]*$)/, " or ")}; receivers ignore it.`, RFC_9989));
        break;
      }
      default:
        (model.extraTags ??= []).push({ name: tag.name, value });
    }
  }
  // Reported after the loop: the consequence depends on whether a valid rua= exists anywhere.
  for (const bad of badPolicies) diagnostics.push(policyError(bad.tag, bad.value, Boolean(model.rua?.length)));
  const policyRejected = badPolicies.some((b) => b.tag === "p");
  // A rua= whose URIs were all rejected was reported URI by URI: do not also call it missing.
  const ruaRejected = seen.has("rua") && !model.rua;
  const checks = validateDmarc(model).filter(
    (d) => !(policyRejected && d.code === "dmarc.missing-policy") && !(ruaRejected && d.code === "dmarc.no-rua"),
  );
  return { model, diagnostics: dedupe([...diagnostics, ...checks]) };
}

/**
 * v=DMARC1 must open the record (RFC 7489 §6.3, §6.6.3; RFC 9989).
 *
 * Upper-case "V=DMARC1" (the seed article's example) is a warning, not an error: both grammars
 * (RFC 7489 §6.4 `"v" *WSP "=" …`, RFC 9989 `"v" equals %s"DMARC1"`) write the tag name as an ABNF
 * quoted string, which is case-insensitive (RFC 5234 §2.3), and mailauth 4.13.3 discovers records
 * with /^v=DMARC1\b/i, so receivers built that way apply it. But RFC 7489 §6.3 also says DMARC
 * records follow the DKIM tag-list syntax, whose tag names are case-sensitive (RFC 6376 §3.2), and
 * §6.6.3 discards records that do not start with "v=": a strict receiver ignores the record. The
 * value is different: both RFCs say it "MUST match precisely", so "v=dmarc1" is an error.
 */
function checkVersion(input: string, tags: readonly { name: string; value: string }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const v = tags.find((t) => t.name.toLowerCase() === "v");
  if (!v) {
    out.push(invalid("dmarc.missing-version", "v", "the record does not start with v=DMARC1, so receivers do not recognize it as DMARC and ignore it: put v=DMARC1; at the very beginning.", RFC_DISCOVERY));
    return out;
  }
  if (!/^[ \t\r\n]*v[ \t]*=/i.test(input)) {
    out.push(invalid("dmarc.version-not-first", "v", "v=DMARC1 is not the first tag; receivers ignore DMARC records that do not start with it: move v=DMARC1; to the very beginning.", RFC_DISCOVERY));
  }
  if (v.name === "V") {
    out.push(risky("dmarc.version-case", "warning", "V", `write v=DMARC1 with a lower-case "v": the DMARC grammar accepts V=, and many receivers do, but DMARC inherits the case-sensitive DKIM tag syntax and strict receivers ignore a record that does not start with "v=".`, "RFC 7489 §6.3; RFC 7489 §6.6.3"));
  }
  if (v.value !== "DMARC1") {
    const hint = /^DMARC1\s/i.test(v.value)
      ? ` A ";" is missing after DMARC1: separate tags with "; ".`
      : v.value.toUpperCase() === "DMARC1"
        ? " The value is case-sensitive: write DMARC1 in upper case."
        : "";
    out.push(invalid("dmarc.invalid-version", "v", `v=${printable(v.value)} is not exactly DMARC1, so receivers ignore the record.${hint}`, RFC_GRAMMAR));
  }
  return out;
}

function policyError(tag: "p" | "sp" | "np", value: string, hasRua: boolean): Diagnostic {
  const fix = `Write ${tag}=none, ${tag}=quarantine or ${tag}=reject.`;
  if (tag === "np") {
    return tagError("dmarc.invalid-policy", tag, `np=${printable(value)} is not none, quarantine or reject; receivers ignore it and use sp or p. ${fix}`, RFC_9989);
  }
  // RFC 7489 §6.6.3: an invalid p or sp makes receivers use p=none if rua is present, else no DMARC.
  const effect = hasRua
    ? "receivers treat the whole record as p=none (monitoring only) because it has rua="
    : "receivers apply no DMARC at all";
  return invalid("dmarc.invalid-policy", tag, `${tag}=${printable(value)} is not none, quarantine or reject, so ${effect}. ${fix}`, RFC_DISCOVERY);
}

function parsePct(value: string, model: DmarcRecord, diagnostics: Diagnostic[]): void {
  if (/^\d{1,3}$/.test(value) && Number(value) <= 100) {
    model.pct = Number(value);
    return;
  }
  const percent = /^(\d{1,3})\s*%$/.exec(value);
  if (percent && Number(percent[1]) <= 100) {
    diagnostics.push(tagError("dmarc.pct-percent-sign", "pct", `pct=${printable(value)} has a "%" sign, which makes the value invalid, so receivers ignore it and apply the policy to all failing mail: write pct=${Number(percent[1])} (a plain number).`, RFC_GRAMMAR));
    return;
  }
  diagnostics.push(tagError("dmarc.invalid-pct", "pct", `pct=${printable(value)} is not a whole number from 0 to 100; receivers ignore it and apply the policy to all failing mail. Write pct=100 or remove pct.`, RFC_GRAMMAR));
}

function parseUriList(tag: "rua" | "ruf", value: string, diagnostics: Diagnostic[]): ReportUri[] {
  const uris: ReportUri[] = [];
  // RFC 7489 §6.4: dmarc-uri *(*WSP "," *WSP dmarc-uri): a space after the comma is allowed.
  value.split(",").forEach((raw, i) => {
    const r = parseReportUri(raw, `${tag}[${i}]`, DMARC_URI_RULES);
    // A bad URI is skipped by receivers; the record still applies (see tagError).
    diagnostics.push(...r.diagnostics.map((d) => ({ ...d, breaksStandard: false })));
    if (r.uri) uris.push(r.uri);
  });
  return uris;
}

/**
 * Does this TXT value look like a DMARC record? Case-insensitive on purpose, so that a check finds
 * `V=DMARC1` or `v=dmarc1` records and reports them, as mailauth 4.13.3 discovery does.
 */
export function isDmarcRecord(txt: string): boolean {
  return typeof txt === "string" && /^\s*v\s*=\s*DMARC1\b/i.test(txt);
}
