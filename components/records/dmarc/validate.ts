/**
 * Checks of a DMARC record model (RFC 7489 §6.3, RFC 9989), parsed from DNS or built in code.
 * Field names are tag names (`p`, `rua[1]`); the argument validator maps them to argument paths.
 */
import { Diagnostic, invalid, note, risky } from "../diagnostics";
import { DmarcPolicy } from "../enums";
import { printable } from "../names";
import { ReportUri, parseReportUri, renderReportUri } from "../uris";
import {
  ALIGNMENTS, DMARC_TAGS, DMARC_URI_RULES, DmarcRecord, FAILURE_OPTIONS, MAX_RI, POLICIES, REPORT_FORMATS,
  RFC_9989, RFC_DISCOVERY, RFC_GRAMMAR, RFC_TAGS, closestTag, dedupe, policyRank,
} from "./model";

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const TAG_VALUE = /^(?:[\x21-\x3a\x3c-\x7e]+(?: [\x21-\x3a\x3c-\x7e]+)*)?$/;

export function validateDmarc(rec: DmarcRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  out.push(...checkPolicies(rec));
  for (const tag of ["adkim", "aspf"] as const) {
    const v = rec[tag];
    if (v !== undefined && !ALIGNMENTS.includes(v)) {
      out.push(invalid("dmarc.invalid-alignment", tag, `${tag}=${printable(String(v))} is not r (relaxed) or s (strict).`, RFC_TAGS));
    }
  }
  if (rec.pct !== undefined) {
    if (!Number.isInteger(rec.pct) || rec.pct < 0 || rec.pct > 100) {
      out.push(invalid("dmarc.invalid-pct", "pct", `pct=${rec.pct} is not a whole number from 0 to 100.`, RFC_TAGS));
    } else if (rec.pct < 100) {
      out.push(risky("dmarc.pct-partial", "warning", "pct", `pct=${rec.pct}: the policy applies to only ${rec.pct}% of failing mail; the rest is handled as if the policy were one level weaker. Use it only while rolling out quarantine or reject, then remove pct (100 is the default).`, RFC_TAGS));
    }
    out.push(note("dmarc.pct-removed", "pct", "RFC 9989 (DMARCbis) removed pct; receivers following it ignore it. To test a policy, RFC 9989 defines t=y instead.", RFC_9989));
  }
  if (rec.ri !== undefined) {
    if (!Number.isInteger(rec.ri) || rec.ri < 0 || rec.ri > MAX_RI) {
      out.push(invalid("dmarc.invalid-ri", "ri", `ri=${rec.ri} is not a number of seconds from 0 to ${MAX_RI}.`, RFC_TAGS));
    }
    out.push(note("dmarc.ri-removed", "ri", "RFC 9989 (DMARCbis) removed ri; most receivers send aggregate reports once a day whatever it says. You can remove it.", RFC_9989));
  }
  if (rec.rf !== undefined) {
    const bad = rec.rf.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
    if (bad.length || rec.rf.length === 0) {
      out.push(invalid("dmarc.invalid-rf", "rf", `rf=${printable(rec.rf.join(":"))}: the only failure report format is afrf. Write rf=afrf or remove rf.`, RFC_TAGS));
    }
    out.push(note("dmarc.rf-removed", "rf", "RFC 9989 (DMARCbis) removed rf; failure reports are always in the afrf format. You can remove it.", RFC_9989));
  }
  if (rec.fo !== undefined) {
    const bad = rec.fo.filter((f) => !(FAILURE_OPTIONS as readonly string[]).includes(f));
    if (bad.length || rec.fo.length === 0) {
      out.push(invalid("dmarc.invalid-fo", "fo", `fo=${printable(rec.fo.join(":"))}: failure options are 0, 1, d and s, separated by ":" (for example fo=1 or fo=d:s).`, RFC_TAGS));
    }
    if (!rec.ruf?.length) {
      out.push(note("dmarc.fo-without-ruf", "fo", "fo= only matters with ruf= (failure reports); without ruf receivers ignore it.", RFC_TAGS));
    }
  }
  if (rec.t !== undefined) {
    if (rec.t !== "y" && rec.t !== "n") out.push(invalid("dmarc.invalid-t", "t", `t=${printable(String(rec.t))} is not y or n.`, RFC_9989));
    else if (rec.t === "y" && policyRank(rec.p) > 0) {
      out.push(risky("dmarc.testing", "warning", "t", `t=y (testing): receivers following RFC 9989 apply the policy one level below p=${rec.p}. Remove t=y once the reports show your mail passes.`, RFC_9989));
    }
  }
  if (rec.psd !== undefined) {
    if (rec.psd !== "y" && rec.psd !== "n" && rec.psd !== "u") out.push(invalid("dmarc.invalid-psd", "psd", `psd=${printable(String(rec.psd))} is not y, n or u.`, RFC_9989));
    else if (rec.psd === "y") {
      out.push(risky("dmarc.psd-yes", "warning", "psd", "psd=y declares this domain a public suffix (like a TLD operator): receivers then treat its subdomains as separate organizations, which breaks relaxed alignment for ordinary domains. Remove psd unless you operate a public suffix.", RFC_9989));
    }
  }
  out.push(...checkUris(rec.rua, "rua"), ...checkUris(rec.ruf, "ruf"));
  if (!rec.rua?.length) {
    const policyNone = policyRank(rec.p) === 0;
    const message = "no rua=: nobody sends you aggregate reports, so you cannot see who sends mail as your domain or whether it passes. Add rua=mailto:dmarc-reports@<your domain>.";
    out.push(policyNone ? risky("dmarc.no-rua", "warning", "rua", `${message} With p=none and no reports the record has no effect at all.`, RFC_TAGS) : note("dmarc.no-rua", "rua", message, RFC_TAGS));
  }
  out.push(...checkExtraTags(rec));
  return dedupe(out);
}

function checkPolicies(rec: DmarcRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const tag of ["p", "sp", "np"] as const) {
    const v = rec[tag];
    if (v !== undefined && !POLICIES.includes(v)) {
      out.push(invalid("dmarc.invalid-policy", tag, `${tag}=${printable(String(v))} is not none, quarantine or reject.`, RFC_TAGS));
    }
  }
  if (rec.p === undefined) {
    const why = rec.rua?.length
      ? "Receivers following RFC 7489 §6.6.3 treat a record without a valid p= but with rua= as p=none (monitoring only)."
      : "Without p= (and without rua=) receivers following RFC 7489 apply no DMARC at all.";
    out.push(invalid("dmarc.missing-policy", "p", `the record has no p= tag, which RFC 7489 requires right after v=DMARC1. ${why} Add p=none to start monitoring, then p=quarantine or p=reject.`, RFC_DISCOVERY));
  } else if (rec.p === DmarcPolicy.None) {
    out.push(risky("dmarc.policy-none", "warning", "p", "p=none only monitors: receivers deliver mail that fails DMARC as usual, so the domain is not protected against spoofing. Once the rua reports show all your senders pass, move to p=quarantine, then p=reject.", RFC_TAGS));
  }
  const p = policyRank(rec.p);
  if (rec.sp === DmarcPolicy.None && p > 0) {
    out.push(risky("dmarc.subdomain-policy-none", "warning", "sp", `sp=none leaves every subdomain unprotected while the domain itself has p=${rec.p}: spoofers simply use a subdomain. Remove sp (subdomains then follow p) or set it to quarantine or reject.`, RFC_TAGS));
  }
  const effective = rec.sp ?? rec.p;
  if (rec.np === DmarcPolicy.None && policyRank(effective) > 0) {
    out.push(risky("dmarc.nonexistent-policy-none", "warning", "np", `np=none leaves non-existent subdomains (made-up names a spoofer invents) unprotected while existing ones have ${effective}: remove np or set it to quarantine or reject.`, RFC_9989));
  }
  return out;
}

function checkUris(uris: ReportUri[] | undefined, tag: "rua" | "ruf"): Diagnostic[] {
  if (uris === undefined) return [];
  if (uris.length === 0) {
    return [invalid("dmarc.empty-uri-list", tag, `${tag}= is empty: give at least one mailto: address or remove ${tag}.`, RFC_GRAMMAR)];
  }
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  uris.forEach((u, i) => {
    const rendered = typeof u?.uri === "string" ? renderReportUri(u) : "";
    out.push(...parseReportUri(rendered, `${tag}[${i}]`, DMARC_URI_RULES).diagnostics);
    const key = rendered.toLowerCase();
    if (seen.has(key)) {
      out.push(risky("dmarc.duplicate-uri", "warning", `${tag}[${i}]`, `${tag} lists ${printable(rendered)} twice: receivers may send every report twice. Remove the repeat.`, "RFC 7489 §6.2"));
    }
    seen.add(key);
  });
  if (uris.length > 2) {
    out.push(risky("dmarc.too-many-uris", "warning", tag, `${tag} lists ${uris.length} destinations; receivers need only send to the first two, so the others may get nothing. Keep two at most.`, "RFC 7489 §6.2"));
  }
  return out;
}

function checkExtraTags(rec: DmarcRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const tag of rec.extraTags ?? []) {
    if (!TAG_NAME.test(tag.name)) {
      out.push(invalid("dmarc.tag-syntax", tag.name, `"${printable(tag.name)}" is not a valid tag name: tag names are letters.`, RFC_GRAMMAR));
      continue;
    }
    if (!TAG_VALUE.test(tag.value)) {
      out.push(invalid("dmarc.tag-value-syntax", tag.name, `the value of ${tag.name}= contains a character a tag value may not hold (";", control characters, non-ASCII or repeated spaces): remove it.`, RFC_GRAMMAR));
      continue;
    }
    if ((DMARC_TAGS as readonly string[]).includes(tag.name.toLowerCase())) {
      out.push(invalid("dmarc.duplicate-tag", tag.name, `${tag.name}= is a DMARC tag given as an extra tag: it would appear twice in the record. Set it through its own field.`, RFC_GRAMMAR));
      continue;
    }
    const close = closestTag(tag.name);
    const hint = close ? ` Did you mean ${close}=?` : " Remove it, or check its spelling against the DMARC tags (p, sp, np, rua, ruf, adkim, aspf, fo, pct, t).";
    out.push(risky("dmarc.unknown-tag", "warning", tag.name, `${tag.name}= is not a DMARC tag; receivers ignore it.${hint}`, RFC_TAGS));
  }
  return out;
}
