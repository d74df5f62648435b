/**
 * What a receiver will do with mail from the domain, from the findings: Gmail's rules (the strictest of the large
 * mailbox providers, and the source of the 550-5.7.26 the project exists for), and the Gmail/Yahoo 2024
 * bulk-sender checklist.
 *
 * The mail considered is a message whose From: and MAIL FROM are at the checked domain, signed with the selectors
 * given (or found), sent from `--ip` when given. Without `--ip` SPF can only be judged as "passes for the servers
 * it lists"; without a selector DKIM only as "a key was found by probing".
 *
 * Gmail's rules (https://support.google.com/a/answer/81126, February 2024): every sender must pass SPF or DKIM
 * (550-5.7.26 otherwise); sending IPs need forward-confirmed reverse DNS (550-5.7.25); bulk senders (5,000+
 * messages a day to Gmail) need SPF and DKIM, a DMARC record (p=none at least) and From: aligned with SPF or DKIM.
 * A DMARC failure under p=reject is rejected (550-5.7.26 "due to DMARC policy"), under p=quarantine junked.
 */
import type { ParkedPartName } from "../../components/records/parked";
import type { DkimOutcome } from "./dkim";
import type { DmarcOutcome } from "./dmarc";
import type { MxOutcome } from "./mx";
import type { ParkedOutcome } from "./parked";
import type { RdnsOutcome } from "./rdns";
import type { SpfOutcome } from "./spf";

export type Outcome = "deliver" | "at-risk" | "spam" | "reject" | "defer" | "parked";

export interface ChecklistItem {
  check: "spf" | "dkim" | "dmarc" | "alignment" | "reverse-dns";
  ok: boolean;
  detail: string;
}

export interface Verdict {
  receiver: "Gmail";
  outcome: Outcome;
  /** The SMTP reply Gmail gives, when it rejects. */
  smtp?: string;
  /** One sentence, e.g. "Gmail will reject with 550-5.7.26: no DKIM key at selector default and SPF does not authorize 192.0.2.7". */
  summary: string;
  reasons: string[];
  /** The Gmail/Yahoo 2024 bulk-sender requirements that DNS decides. */
  bulkSender: { ok: boolean; checks: ChecklistItem[] };
  /** The M3AAWG parked-domain pattern, for a domain that is parked or asserted to be (--parked). */
  parked?: { ok: boolean; checks: ParkedChecklistItem[] };
}

export interface ParkedChecklistItem {
  check: ParkedPartName;
  /** false also when it could not be looked up (the detail says so). */
  ok: boolean;
  /** The wildcard DKIM key is recommended, not required. */
  required: boolean;
  detail: string;
}

export interface VerdictInput {
  domain: string;
  ip?: string;
  mx: MxOutcome;
  spf: SpfOutcome;
  dkim: DkimOutcome;
  dmarc: DmarcOutcome;
  rdns?: RdnsOutcome;
  parked?: ParkedOutcome;
}

type SpfState = "pass" | "fail" | "possible" | "none" | "permerror" | "temperror";
type DkimState = "pass" | "fail" | "possible" | "unknown" | "temperror";

export function spfState(spf: SpfOutcome): SpfState {
  if (spf.evaluation) {
    const r = spf.evaluation.result;
    if (r === "pass") return "pass";
    if (r === "none") return "none";
    if (r === "permerror" || r === "temperror") return r;
    return "fail";
  }
  if (spf.temperror) return "temperror";
  if (spf.missing) return "none";
  if (spf.permerror) return "permerror";
  return "possible";
}

export function dkimState(dkim: DkimOutcome): DkimState {
  if (dkim.given) {
    const givenOk = dkim.keys.filter((k) => k.given);
    if (givenOk.length > 0) return "pass";
    if (dkim.failed.length > 0) return "temperror";
    return "fail";
  }
  if (dkim.keys.length > 0) return "possible";
  // Every probe failed: nothing is known, which is a DNS failure, not an absence.
  return dkim.probed > 0 && dkim.probesFailed === dkim.probed ? "temperror" : "unknown";
}

function spfReason(spf: SpfOutcome, state: SpfState, domain: string): string {
  switch (state) {
    case "pass":
      return `SPF authorizes ${spf.evaluation?.ip}`;
    case "fail":
      return `SPF does not authorize IP ${spf.evaluation?.ip} (result ${spf.evaluation?.result})`;
    case "none":
      return `${domain} has no SPF record`;
    case "permerror": {
      const first = spf.findings.find((f) => f.severity === "error" && f.code.startsWith("spf."));
      return `the SPF of ${domain} is a permanent error${first ? ` (${first.code})` : ""}`;
    }
    case "temperror":
      return `the SPF lookups of ${domain} fail (temperror)`;
    default:
      return `SPF passes only for the servers it lists`;
  }
}

function dkimReason(dkim: DkimOutcome, state: DkimState): string {
  switch (state) {
    case "pass": {
      const k = dkim.keys.filter((x) => x.given).map((x) => x.selector);
      return `a DKIM key is published at selector ${k.join(", ")}`;
    }
    case "fail":
      return `no DKIM key at selector ${dkim.missing.join(", ")}`;
    case "temperror":
      return dkim.failed.length > 0
        ? `the DKIM key lookup for selector ${dkim.failed.join(", ")} fails`
        : "the DKIM key lookups at the common selectors fail, so whether a key is published is unknown";
    case "possible":
      return `DKIM keys are published at ${dkim.keys.map((k) => k.selector).join(", ")} (if the server signs with one of them)`;
    default:
      return "no DKIM key was found at the common selectors (give --selector to check yours)";
  }
}

export function verdictFor(v: VerdictInput): Verdict {
  const { domain } = v;
  const spf = spfState(v.spf);
  const dkim = dkimState(v.dkim);
  const checks = checklist(v, spf, dkim);
  const bulkSender = { ok: checks.every((c) => c.ok), checks };
  const missingBulk = checks.filter((c) => !c.ok).map((c) => c.check);
  const bulkNote = missingBulk.length ? `bulk mail (5,000+ messages a day to Gmail) is rejected or junked: the checklist fails on ${missingBulk.join(", ")}` : undefined;
  const parked = v.parked ? parkedChecklist(v.parked) : undefined;
  const make = (outcome: Outcome, summary: string, reasons: string[], smtp?: string): Verdict => ({
    receiver: "Gmail",
    outcome,
    ...(smtp ? { smtp } : {}),
    summary,
    reasons: bulkNote && outcome !== "reject" ? [...reasons, bulkNote] : reasons,
    bulkSender,
    ...(parked ? { parked } : {}),
  });

  if (v.mx.nxdomain) {
    // Nothing to tick off for a domain that does not exist.
    return { ...make("reject", `Gmail and every other receiver will reject mail from ${domain}: the domain does not exist (NXDOMAIN).`, [`${domain} does not exist`]), bulkSender: { ok: false, checks: [] } };
  }
  if (v.parked?.parked && parked) {
    // It sends no mail: the bulk-sender checklist does not apply, the parked-domain one does.
    return { receiver: "Gmail", outcome: "parked", ...parkedSummary(domain, parked), bulkSender: { ok: false, checks: [] }, parked };
  }
  const spfText = spfReason(v.spf, spf, domain);
  const dkimText = dkimReason(v.dkim, dkim);
  const temp: string[] = [];
  if (spf === "temperror" && dkim !== "pass") temp.push(spfText);
  if (dkim === "temperror" && spf !== "pass") temp.push(dkimText);
  if (v.dmarc.temperror) temp.push(`the DMARC lookup for ${domain} fails`);
  if (temp.length > 0) {
    return make("defer", `Gmail will defer (4xx) or junk mail from ${domain}: ${temp.join(" and ")}; fix the DNS first.`, temp);
  }
  if (v.rdns && v.rdns.ok === false) {
    return make("reject", `Gmail will reject with 550-5.7.25: ${v.ip} has no reverse DNS that resolves back to it.`, [`${v.ip} lacks forward-confirmed reverse DNS`], "550-5.7.25");
  }

  const authPass = spf === "pass" || dkim === "pass";
  const authPossible = spf === "possible" || dkim === "possible";
  const policy = v.dmarc.missing ? undefined : v.dmarc.policy;
  const passAll = v.spf.passAll ? [`the SPF of ${domain} authorizes every IP (+all or /0), so forged mail passes too`] : [];

  if (authPass) {
    const how = [spf === "pass" ? spfText : "", dkim === "pass" ? dkimText : ""].filter(Boolean).join(" and ");
    const dm = policy ? `DMARC p=${policy} passes aligned` : "DMARC is not published";
    return make("deliver", `Gmail will accept mail from ${domain}: ${how}; ${dm}.`, [how, ...(spf !== "pass" ? [spfText] : []), ...(dkim !== "pass" ? [dkimText] : []), ...passAll]);
  }
  if (!authPossible && dkim !== "unknown") {
    const reasons = [dkimText, spfText];
    if (policy === "quarantine") {
      return make("spam", `Gmail will put mail from ${domain} in spam (DMARC p=quarantine) or reject it with 550-5.7.26: ${reasons.join(" and ")}.`, reasons, "550-5.7.26");
    }
    const why = policy === "reject" ? `unauthenticated mail is not accepted due to ${domain}'s DMARC policy (p=reject)` : "Gmail requires every sender to pass SPF or DKIM";
    return make("reject", `Gmail will reject with 550-5.7.26: ${reasons.join(" and ")}; ${why}.`, reasons, "550-5.7.26");
  }
  if (dkim === "unknown" && (spf === "fail" || spf === "none" || spf === "permerror")) {
    const reasons = [spfText, dkimText];
    return make("reject", `Gmail will reject with 550-5.7.26 unless the server signs with a DKIM key not found here: ${reasons.join(" and ")}.`, reasons, "550-5.7.26");
  }
  // One of SPF or DKIM can pass, the other cannot or is unknown.
  if (spf === "possible" && (dkim === "possible")) {
    return make("deliver", `Gmail will accept mail from ${domain} sent through a server its SPF lists or signed with ${v.dkim.keys.map((k) => k.selector).join(", ")}${policy ? `; DMARC p=${policy}` : ""}.`, [spfText, dkimText, ...passAll]);
  }
  if (spf === "possible") {
    return make("at-risk", `Gmail accepts mail from ${domain} only from servers its SPF lists: ${dkimText}, so mail from any other server, and forwarded mail, gets 550-5.7.26.`, [dkimText, spfText, ...passAll]);
  }
  return make("at-risk", `Gmail accepts mail from ${domain} only when it is DKIM-signed: ${spfText}, so ${dkim === "possible" ? "unsigned mail" : "mail"} gets 550-5.7.26.`, [spfText, dkimText]);
}

function checklist(v: VerdictInput, spf: SpfState, dkim: DkimState): ChecklistItem[] {
  const d = v.domain;
  const spfOk = spf === "pass" || spf === "possible";
  const dkimOk = dkim === "pass" || dkim === "possible";
  const items: ChecklistItem[] = [
    { check: "spf", ok: spfOk, detail: spfOk ? (spf === "pass" ? `SPF passes for ${v.spf.evaluation?.ip}` : `SPF record published and valid (${v.spf.lookups} of 10 lookups)`) : spfReason(v.spf, spf, d) },
    { check: "dkim", ok: dkimOk, detail: dkimOk ? `DKIM key${v.dkim.keys.length > 1 ? "s" : ""} at ${v.dkim.keys.map((k) => k.selector).join(", ")}` : dkimReason(v.dkim, dkim) },
    {
      check: "dmarc",
      ok: !v.dmarc.missing && !v.dmarc.temperror,
      detail: v.dmarc.missing || v.dmarc.temperror ? (v.dmarc.temperror ? "DMARC lookup fails" : "no usable DMARC record") : `DMARC p=${v.dmarc.policy}${v.dmarc.inherited ? " (from the organizational domain)" : ""}`,
    },
    {
      check: "alignment",
      ok: spfOk || dkimOk,
      detail: spfOk || dkimOk ? `From: ${d} can align with ${[spfOk ? `SPF (MAIL FROM @${d})` : "", dkimOk ? `DKIM (d=${d})` : ""].filter(Boolean).join(" and ")}` : `neither SPF nor DKIM can pass for ${d}, so nothing aligns with From:`,
    },
  ];
  if (v.rdns && v.rdns.ok !== undefined) {
    items.push({ check: "reverse-dns", ok: v.rdns.ok, detail: v.rdns.ok ? `${v.ip} → ${v.rdns.names.join(", ")} → ${v.ip}` : `${v.ip} lacks forward-confirmed reverse DNS` });
  }
  return items;
}

function parkedChecklist(p: ParkedOutcome): { ok: boolean; checks: ParkedChecklistItem[] } {
  const checks = p.assessment.parts.map((part) => ({ check: part.part, ok: part.ok === true, required: part.required, detail: part.detail }));
  return { ok: p.assessment.complete, checks };
}

function parkedSummary(domain: string, parked: { ok: boolean; checks: ParkedChecklistItem[] }): { summary: string; reasons: string[] } {
  const missing = parked.checks.filter((c) => c.required && !c.ok);
  if (missing.length === 0) {
    return {
      summary: `${domain} is parked: it accepts no mail and authorizes no sender, and Gmail rejects mail that claims to come from it (SPF -all, DMARC p=reject), as a parked domain should.`,
      reasons: parked.checks.filter((c) => c.required).map((c) => c.detail),
    };
  }
  const reasons = missing.map((c) => c.detail);
  const dmarcMissing = missing.some((c) => c.check === "dmarc");
  const consequence = dmarcMissing
    ? "until DMARC says p=reject, mail forged in its name that passes some other domain's check may be delivered"
    : "until then receivers cannot tell for sure that it sends no mail";
  return { summary: `${domain} is parked (it accepts no mail and authorizes no sender), but ${reasons.join("; ")}: ${consequence}.`, reasons };
}
