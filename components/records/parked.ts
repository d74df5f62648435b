/**
 * Parked domains: domains that neither send nor receive mail and say so in DNS, so that nobody can send mail in
 * their name. The pattern is M3AAWG's "Protecting Parked Domains Best Common Practices" (December 2015):
 *
 * - a null MX, `0 .` (RFC 7505 §3): the domain accepts no mail;
 * - an SPF record that authorizes no sender and fails the rest, `v=spf1 -all` (RFC 7208 §5.1);
 * - DMARC `p=reject` (RFC 7489 §6.3), with no weaker `sp`/`np` and no `pct` below 100: receivers reject mail that
 *   claims the domain, whatever else it carries;
 * - no usable DKIM key, and (recommended, not required) a revoked wildcard key `*._domainkey TXT "v=DKIM1; p="`
 *   (RFC 6376 §3.6.1: an empty p= is a revoked key), which also stops any key a verifier cached.
 *
 * A domain is taken as parked without being told when it accepts no mail (null MX), its SPF authorizes no sender and
 * it has no DKIM key: it neither receives nor sends. (A domain that receives mail but sends none is not parked.)
 * `assessParked` says what is missing either way; `--parked` asserts the pattern.
 */
import { Diagnostic, invalid, note, risky } from "./diagnostics";
import { DmarcPolicy } from "./enums";
import { MxRecord, isNullMx } from "./mx";
import { SpfRecord, authorizesSomeSender } from "./spf";

/** What DNS shows about the parts of the pattern; `undefined` where a lookup failed (nothing is known). */
export interface ParkedEvidence {
  /** The MX set: [] when there is none. */
  mx?: readonly MxRecord[];
  /** The one SPF record's model; null when the domain has no (single, valid) SPF record. */
  spf?: SpfRecord | null;
  /** The DMARC record that applies (null when there is none). */
  dmarc?: { p?: DmarcPolicy; sp?: DmarcPolicy; np?: DmarcPolicy; pct?: number } | null;
  /** Usable DKIM keys found (given or probed selectors). */
  dkimKeys?: number;
  /** `*._domainkey.<domain>` holds a revoked key (true), something else or nothing (false). */
  dkimWildcardRevoked?: boolean;
}

export type ParkedPartName = "mx" | "spf" | "dmarc" | "dkim" | "dkim-wildcard";

export interface ParkedPart {
  part: ParkedPartName;
  /** true: in place; false: missing or wrong; undefined: unknown (a lookup failed). */
  ok: boolean | undefined;
  /** The wildcard DKIM key is recommended; every other part is required. */
  required: boolean;
  /** What DNS shows, or what to publish. */
  detail: string;
}

export interface ParkedAssessment {
  /** Every required part is in place. */
  complete: boolean;
  /** Enough of the pattern to treat the domain as parked without --parked (see the module comment). */
  looksParked: boolean;
  parts: ParkedPart[];
}

export const M3AAWG_PARKED = "M3AAWG Protecting Parked Domains BCP (2015)";

/** The parts of the pattern, each in place or not, for a domain called `domain`. */
export function assessParked(domain: string, e: ParkedEvidence): ParkedAssessment {
  const parts: ParkedPart[] = [mxPart(e.mx), spfPart(e.spf), dmarcPart(domain, e.dmarc), dkimPart(e.dkimKeys), wildcardPart(domain, e.dkimWildcardRevoked)];
  const required = parts.filter((p) => p.required);
  const complete = required.every((p) => p.ok === true);
  const sendsNothing = e.spf !== undefined && e.spf !== null && !authorizesSomeSender(e.spf);
  const receivesNothing = parts[0].ok === true;
  return { complete, looksParked: e.dkimKeys === 0 && sendsNothing && receivesNothing, parts };
}

/**
 * The findings for a parked domain: when `asserted` (--parked), an error for each required part that is missing
 * and a note for the recommended wildcard key; otherwise, for a domain that looks parked, one warning naming what
 * the pattern still lacks. Nothing for a complete pattern but the note.
 */
export function parkedDiagnostics(domain: string, a: ParkedAssessment, asserted: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const missing = a.parts.filter((p) => p.required && p.ok === false);
  if (asserted) {
    for (const p of missing) out.push(invalid(`parked.${p.part}`, p.part, `${domain} is to be parked, but ${p.detail}`, rfcOf(p.part)));
  } else if (a.looksParked && missing.length > 0) {
    out.push(risky("parked.incomplete", "warning", "", `${domain} looks parked (it accepts no mail and authorizes no sender), but the parked-domain pattern lacks: ${missing.map((p) => p.detail).join("; ")}. Complete it, or pass --parked to have each missing part reported as an error.`, M3AAWG_PARKED));
  }
  const wildcard = a.parts.find((p) => p.part === "dkim-wildcard");
  if ((asserted || a.looksParked) && wildcard?.ok === false) out.push(note("parked.dkim-wildcard", "dkim", wildcard.detail, `${M3AAWG_PARKED}; RFC 6376 §3.6.1`));
  if ((asserted || a.looksParked) && a.complete) {
    out.push(note("parked.recognized", "", `${domain} is parked: it accepts no mail (null MX), authorizes no sender (SPF -all) and asks receivers to reject mail that claims it (DMARC p=reject), the M3AAWG parked-domain pattern. No DKIM key is expected.`, M3AAWG_PARKED));
  }
  return out;
}

function rfcOf(part: ParkedPartName): string {
  const rfc: Record<ParkedPartName, string> = { mx: "RFC 7505 §3", spf: "RFC 7208 §5.1", dmarc: "RFC 7489 §6.3", dkim: "RFC 6376 §3.6.1", "dkim-wildcard": "RFC 6376 §3.6.1" };
  return `${rfc[part]}; ${M3AAWG_PARKED}`;
}

function mxPart(mx: readonly MxRecord[] | undefined): ParkedPart {
  const part = (ok: boolean | undefined, detail: string): ParkedPart => ({ part: "mx", ok, required: true, detail });
  if (mx === undefined) return part(undefined, "the MX records could not be looked up");
  if (mx.length === 1 && isNullMx(mx[0])) return part(true, 'null MX ("0 .")');
  if (mx.length === 0) return part(false, 'it has no MX record, so mail to it goes to its A/AAAA address: publish a null MX ("MX 0 .")');
  return part(false, `it has MX hosts (${mx.filter((r) => !isNullMx(r)).map((r) => r.exchange).join(", ")}) and so receives mail: replace them by a null MX ("MX 0 .")`);
}

function spfPart(spf: SpfRecord | null | undefined): ParkedPart {
  const part = (ok: boolean | undefined, detail: string): ParkedPart => ({ part: "spf", ok, required: true, detail });
  if (spf === undefined) return part(undefined, "the SPF record could not be looked up");
  if (spf === null) return part(false, 'it has no SPF record: publish "v=spf1 -all" (no sender is authorized)');
  if (authorizesSomeSender(spf)) return part(false, 'its SPF record authorizes senders: publish "v=spf1 -all" instead (no sender is authorized)');
  const all = spf.terms.find((t) => t.kind === "mechanism" && t.name === "all");
  if (!all || all.kind !== "mechanism" || all.qualifier !== "-") {
    return part(false, `its SPF record authorizes nobody but ends in ${all && all.kind === "mechanism" ? `"${all.qualifier}all"` : "no all"}, which does not fail other senders: write "v=spf1 -all"`);
  }
  return part(true, 'SPF "v=spf1 -all" (no sender)');
}

function dmarcPart(domain: string, d: ParkedEvidence["dmarc"]): ParkedPart {
  const part = (ok: boolean | undefined, detail: string): ParkedPart => ({ part: "dmarc", ok, required: true, detail });
  if (d === undefined) return part(undefined, "the DMARC record could not be looked up");
  const fix = `publish TXT _dmarc.${domain} "v=DMARC1; p=reject" (with rua= to see who abuses the name)`;
  if (d === null) return part(false, `it has no DMARC record: ${fix}`);
  if (d.p !== DmarcPolicy.Reject) return part(false, `its DMARC policy is p=${d.p ?? "none"}, so mail claiming it is ${d.p === DmarcPolicy.Quarantine ? "only junked" : "not stopped"}: ${fix}`);
  const weak = (["sp", "np"] as const).filter((t) => d[t] !== undefined && d[t] !== DmarcPolicy.Reject);
  if (weak.length) return part(false, `its DMARC record weakens the policy for subdomains (${weak.map((t) => `${t}=${d[t]}`).join(", ")}): remove ${weak.join(" and ")} or set them to reject`);
  if (d.pct !== undefined && d.pct < 100) return part(false, `its DMARC record applies p=reject to only ${d.pct}% of the mail (pct=${d.pct}): remove pct`);
  return part(true, "DMARC p=reject");
}

function dkimPart(keys: number | undefined): ParkedPart {
  if (keys === undefined) return { part: "dkim", ok: undefined, required: true, detail: "the DKIM keys could not be looked up" };
  if (keys === 0) return { part: "dkim", ok: true, required: true, detail: "no usable DKIM key" };
  return { part: "dkim", ok: false, required: true, detail: `it publishes ${keys} usable DKIM key${keys > 1 ? "s" : ""}, with which mail can be signed in its name: revoke ${keys > 1 ? "them" : "it"} (an empty p=) or remove ${keys > 1 ? "them" : "it"}` };
}

function wildcardPart(domain: string, revoked: boolean | undefined): ParkedPart {
  const detail = revoked
    ? 'a revoked wildcard DKIM key ("*._domainkey" "v=DKIM1; p=")'
    : `recommended for a parked domain: a revoked wildcard DKIM key, TXT *._domainkey.${domain} "v=DKIM1; p=", so that verifiers treat every selector as revoked`;
  return { part: "dkim-wildcard", ok: revoked, required: false, detail };
}
