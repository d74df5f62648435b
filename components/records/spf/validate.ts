/**
 * Checks of an SPF record model: every term's syntax (so a model built in code is checked as fully
 * as a parsed one), the risky-but-valid settings, and the rules that span the record (§4.6.4 lookup
 * limit, §5.1 `all`, §6 modifiers at most once, §3.4 size).
 */
import * as ipaddr from "ipaddr.js";
import { Diagnostic, dedupeDiagnostics, invalid, note, risky } from "../diagnostics";

export { dedupeDiagnostics };
import { countDnsLookups, dnsLookupTerms, firstAllIndex, MAX_DNS_LOOKUPS } from "./lookups";
import { SpfMechanism, SpfModifier, SpfRecord, isMechanismName, show } from "./model";
import { checkTerm, renderTerm } from "./term";

/** A diagnostic with the index of the term it concerns, so callers can map it to their own fields. */
export interface TermDiagnostic {
  diagnostic: Diagnostic;
  termIndex?: number;
}

export interface ValidateOptions {
  /** The record text as published, when known: its length is what §3.4 limits. */
  text?: string;
}

/** Advised ceiling for the whole DNS answer carrying the record (§3.4). */
export const MAX_RECORD_OCTETS = 512;
/** Above this the record leaves little room in a 512-octet answer for the rest of the response. */
export const LONG_RECORD_OCTETS = 450;

export function validateSpf(record: SpfRecord): Diagnostic[] {
  return dedupeDiagnostics(validateSpfTerms(record).map((d) => d.diagnostic));
}

/** `validateSpf` with the term index of every term-level diagnostic. */
export function validateSpfTerms(record: SpfRecord, opts: ValidateOptions = {}): TermDiagnostic[] {
  const out: TermDiagnostic[] = [];
  const terms = Array.isArray(record?.terms) ? record.terms : [];
  if (!Array.isArray(record?.terms)) {
    out.push({ diagnostic: invalid("spf.term-syntax", "", "the SPF record model has no list of terms.", "RFC 7208 §4.6.1") });
  }
  const full = terms.map((t) => safeRender(t));
  const texts = full.map((t) => show(t, 200));
  const valid = terms.map((t, i) => {
    const d = checkTerm(t, texts[i]);
    out.push(...d.map((diagnostic) => ({ diagnostic, termIndex: i })));
    return !d.some((x) => x.breaksStandard);
  });
  const ok = { terms: terms.filter((_, i) => valid[i]) };
  const okIndex = terms.map((_, i) => i).filter((i) => valid[i]);
  const at = (j: number) => okIndex[j];

  ok.terms.forEach((t, j) => {
    const field = texts[at(j)];
    const push = (diagnostic: Diagnostic) => out.push({ diagnostic, termIndex: at(j) });
    if (t.kind === "mechanism") mechanismWarnings(t, field).forEach(push);
    else modifierNotes(t, field).forEach(push);
  });

  // §5.1: evaluation stops at the first "all"; what follows is dead, and "redirect" is ignored.
  const allIdx = firstAllIndex(ok);
  if (allIdx >= 0) {
    const all = ok.terms[allIdx] as SpfMechanism;
    const field = texts[at(allIdx)];
    if (all.qualifier === "+") {
      out.push({ diagnostic: risky("spf.pass-all", "error", field, `"+all" authorizes every host on the Internet to send mail as this domain, so SPF protects nothing: end the record with "-all" (or "~all" while testing).`, "RFC 7208 §5.1"), termIndex: at(allIdx) });
    } else if (all.qualifier === "?") {
      out.push({ diagnostic: risky("spf.neutral-all", "warning", field, `"?all" makes no assertion about other senders, so receivers and DMARC get no SPF protection from it: use "~all" or, once every sender is listed, "-all".`, "RFC 7208 §5.1; RFC 7208 §8.2"), termIndex: at(allIdx) });
    }
    ok.terms.forEach((t, j) => {
      if (j > allIdx && t.kind === "mechanism") {
        out.push({ diagnostic: risky("spf.after-all", "warning", texts[at(j)], `"${texts[at(j)]}" comes after "${texts[at(allIdx)]}", which always matches, so it is never evaluated: move it before the "all" or remove it.`, "RFC 7208 §5.1"), termIndex: at(j) });
      }
    });
  }
  const redirects = ok.terms.map((t, j) => ({ t, j })).filter(({ t }) => t.kind === "modifier" && t.name.toLowerCase() === "redirect");
  const exps = ok.terms.map((t, j) => ({ t, j })).filter(({ t }) => t.kind === "modifier" && t.name.toLowerCase() === "exp");
  if (allIdx >= 0 && redirects.length > 0) {
    const { j } = redirects[0];
    out.push({ diagnostic: risky("spf.redirect-ignored", "warning", texts[at(j)], `"${texts[at(j)]}" is ignored because the record has "${texts[at(allIdx)]}": remove one of them (keep redirect= to delegate the whole policy, or all to end it here).`, "RFC 7208 §5.1; RFC 7208 §6.1"), termIndex: at(j) });
  }
  if (allIdx < 0 && redirects.length === 0) {
    out.push({ diagnostic: risky("spf.no-all", "warning", "", `the record has neither an "all" mechanism nor "redirect=", so mail from any other host gets the neutral default result: end it with "-all" or "~all".`, "RFC 7208 §4.7") });
  }
  for (const [list, name] of [[redirects, "redirect"], [exps, "exp"]] as const) {
    list.slice(1).forEach(({ j }) => {
      out.push({ diagnostic: invalid("spf.duplicate-modifier", texts[at(j)], `"${name}=" appears more than once, which makes the record a permanent error: keep a single ${name}=.`, "RFC 7208 §6"), termIndex: at(j) });
    });
  }

  // Identical terms: harmless to receivers but a sign of a merge gone wrong, and each costs a lookup.
  const seen = new Set<string>();
  ok.terms.forEach((t, j) => {
    if (allIdx >= 0 && j > allIdx && t.kind === "mechanism") return;
    if (t.kind === "modifier" && ["redirect", "exp"].includes(t.name.toLowerCase())) return;
    const text = texts[at(j)];
    const key = text.includes("%") ? text : text.toLowerCase();
    if (seen.has(key)) {
      out.push({ diagnostic: risky("spf.duplicate-term", "warning", text, `"${text}" appears twice: remove the repeat (a repeated lookup term still counts against the limit of ${MAX_DNS_LOOKUPS}).`, "RFC 7208 §4.6.4"), termIndex: at(j) });
    }
    seen.add(key);
  });

  const lookups = countDnsLookups(ok);
  if (lookups > MAX_DNS_LOOKUPS) {
    const list = dnsLookupTerms(ok).map(renderTerm);
    out.push({ diagnostic: invalid("spf.too-many-lookups", "", `the record has ${lookups} terms that need DNS lookups (${show(list.join(" "), 120)}); receivers return a permanent error above ${MAX_DNS_LOOKUPS}, counting those inside includes: replace a and mx by ip4/ip6 ranges, drop unused includes, or move senders to a subdomain.`, "RFC 7208 §4.6.4") });
  }

  const length = Buffer.byteLength(opts.text ?? ["v=spf1", ...full].join(" "), "utf8");
  if (length > MAX_RECORD_OCTETS) {
    out.push({ diagnostic: risky("spf.record-too-long", "warning", "", `the record is ${length} octets; an answer over ${MAX_RECORD_OCTETS} octets needs TCP or EDNS and some receivers fail on it: shorten it (ip4 ranges instead of single addresses, fewer includes).`, "RFC 7208 §3.4") });
  } else if (length > LONG_RECORD_OCTETS) {
    out.push({ diagnostic: note("spf.record-long", "", `the record is ${length} octets, close to the ${MAX_RECORD_OCTETS}-octet answer size the RFC advises staying under, together with the other TXT records at the name.`, "RFC 7208 §3.4") });
  }
  return out;
}

function mechanismWarnings(t: SpfMechanism, field: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (t.name === "ptr") {
    out.push(risky("spf.ptr", "warning", field, `"${field}" relies on slow, unreliable reverse DNS and the RFC says it SHOULD NOT be used (some receivers skip it): list the senders with ip4/ip6, a or include instead.`, "RFC 7208 §5.5"));
  }
  // A short prefix on a term that authorizes: the same danger as "+all" for the addresses it covers.
  const authorizes = t.qualifier === "+";
  const prefixes: { len: number; v6: boolean }[] = [];
  if (t.name === "ip4") prefixes.push({ len: t.cidr4 ?? 32, v6: false });
  if (t.name === "ip6") prefixes.push({ len: t.cidr6 ?? 128, v6: true });
  if (t.name === "a" || t.name === "mx") {
    if (t.cidr4 !== undefined) prefixes.push({ len: t.cidr4, v6: false });
    if (t.cidr6 !== undefined) prefixes.push({ len: t.cidr6, v6: true });
  }
  if (authorizes) {
    const open = prefixes.find((p) => p.len === 0);
    const wide = prefixes.find((p) => p.len > 0 && p.len < (p.v6 ? 16 : 8));
    if (open) {
      out.push(risky("spf.open-network", "error", field, `"${field}" has prefix length /0, which authorizes every ${open.v6 ? "IPv6" : "IPv4"} address on the Internet, like "+all": give the real network, e.g. /24 or /32.`, "RFC 7208 §5.6"));
    } else if (wide) {
      out.push(risky("spf.wide-network", "warning", field, `"${field}" authorizes a /${wide.len} network, ${wide.v6 ? "a huge part of the IPv6 space" : `${2 ** (32 - wide.len)} addresses`}: check the prefix length; list only your senders' networks.`, "RFC 7208 §5.6"));
    }
  }
  if ((t.name === "ip4" || t.name === "ip6") && t.ip !== undefined) {
    const len = t.name === "ip4" ? t.cidr4 : t.cidr6;
    if (len !== undefined) {
      const network = networkAddress(t.ip, len);
      if (network !== undefined && network !== ipaddr.parse(t.ip).toString()) {
        out.push(note("spf.cidr-host-bits", field, `"${field}" has host bits set; it matches the whole network ${network}/${len}: write "${t.name}:${network}/${len}" to make that plain.`, "RFC 7208 §5.6"));
      }
    }
  }
  return out;
}

function networkAddress(ip: string, len: number): string | undefined {
  try {
    return ipaddr.IPv4.isValidFourPartDecimal(ip) ? ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${len}`).toString() : ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${len}`).toString();
  } catch {
    return undefined;
  }
}

function modifierNotes(t: SpfModifier, field: string): Diagnostic[] {
  const name = t.name.toLowerCase();
  if (name === "redirect" || name === "exp") return [];
  if (isMechanismName(name)) {
    return [risky("spf.mechanism-as-modifier", "error", field, `"${field}" is read as an unknown modifier and ignored, so it authorizes nothing: write "${name}:${t.value}" with a colon.`, "RFC 7208 §4.6.1; RFC 7208 §6")];
  }
  if (name === "v") {
    return [risky("spf.repeated-version", "warning", field, `a second "${field}" inside the record is read as an unknown modifier: two records were probably pasted into one; merge their terms under a single v=spf1.`, "RFC 7208 §4.5")];
  }
  const hint = name === "default" ? ` ("default=" comes from an early draft and was never standard: end the record with an all mechanism instead)` : "";
  return [note("spf.unknown-modifier", field, `"${field}" is not a modifier receivers know, so they ignore it${hint}: remove it unless a tool of yours reads it.`, "RFC 7208 §6")];
}

function safeRender(t: unknown): string {
  try {
    return renderTerm(t as Parameters<typeof renderTerm>[0]);
  } catch {
    return "?";
  }
}

