/**
 * `check --message FILE.eml --ip ADDR [--helo NAME] [--mail-from ADDR]`: authenticate a real message with mailauth
 * against live DNS, through the run's resolver (so its questions are cached and bounded like the check's), and
 * say what Gmail would do with it.
 *
 * mailauth 4.x notes: `authenticate(message, { ip, helo, sender, mta, resolver })`; the results are in
 * `dkim.results[i].status.result`, `spf.status.result`, `dmarc.status.result`; without `sender` mailauth does not
 * read Return-Path (only with trustReceived), so the envelope sender is taken from --mail-from, else the message's
 * Return-Path, else its From:.
 */
import { DnsClient } from "./dns/resolver";
import { DomainResult } from "./domain";
import { Finding, finding } from "./findings";
import { GMAIL_HEADER_LIMITS_SOURCE, HeaderLimitExceeded, fieldValues, gmailHeaderLimits, readMessageHeader } from "./message-header";
import { checkReverseDns } from "./rdns";
import { ChecklistItem, Outcome, Verdict } from "./verdict";

export interface MessageReport {
  result: DomainResult;
  authenticationResults: string;
  from?: string;
  envelopeFrom: string;
  spf: { result: string; domain?: string; comment?: string };
  dkim: Array<{ domain?: string; selector?: string; result: string; comment?: string; aligned?: string | false }>;
  dmarc: { result: string; policy?: string; domain?: string; alignment?: { spf?: string | false; dkim?: string | false } };
}

interface AuthResult {
  headers: string;
  dkim: { headerFrom?: string[]; results: Array<{ signingDomain?: string; selector?: string; status: { result: string; comment?: string; aligned?: string | false } }> };
  spf: { domain?: string; status: { result: string; comment?: string } } | false;
  dmarc: { status: { result: string; comment?: string }; policy?: string; domain?: string; alignment?: { spf?: { result?: string | false }; dkim?: { result?: string | false } } } | false;
}

type AddressParser = (value: string, options?: { flatten?: boolean }) => Array<{ address?: string; name?: string }>;

/** The first address of an address field (From:, Return-Path:), read by nodemailer's RFC 5322 address parser. */
function firstAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = require("nodemailer/lib/addressparser") as AddressParser;
  const addr = parse(value, { flatten: true }).find((a) => a.address && a.address.includes("@"))?.address;
  return addr || undefined;
}

export async function checkMessage(message: Buffer, opts: { ip: string; helo?: string; mailFrom?: string }, dns: DnsClient): Promise<MessageReport> {
  const header = readMessageHeader(message);
  const from = firstAddress(fieldValues(header, "from")[0]);
  const envelopeFrom = opts.mailFrom ?? firstAddress(fieldValues(header, "return-path")[0]) ?? from ?? "";
  const fromDomain = (from ?? envelopeFrom).split("@").pop()?.toLowerCase() ?? "";

  const findings: Finding[] = [];
  const limits = gmailHeaderLimits(header);
  for (const l of limits) {
    findings.push(finding("message.header-limit", "error", `${l.message}: Gmail refuses the message at the end of DATA, whatever its authentication. Remove or shorten the fields that grew (usually a loop adding Received: fields, or a custom field carrying data).`, fromDomain, GMAIL_HEADER_LIMITS_SOURCE));
  }
  const auth = overHeaderBudget(limits) ? await spfOnly(envelopeFrom, opts, dns, findings) : await authenticateMessage(message, envelopeFrom, opts, dns);
  const spf = auth.spf ? { result: auth.spf.status.result, domain: auth.spf.domain, comment: auth.spf.status.comment } : { result: "none" };
  const dkim = auth.dkim.results.map((r) => ({ domain: r.signingDomain, selector: r.selector, result: r.status.result, comment: r.status.comment, aligned: r.status.aligned }));
  const dmarc = auth.dmarc
    ? { result: auth.dmarc.status.result, policy: auth.dmarc.policy, domain: auth.dmarc.domain, alignment: { spf: auth.dmarc.alignment?.spf?.result, dkim: auth.dmarc.alignment?.dkim?.result } }
    : { result: auth.notAuthenticated ? "not-evaluated" : "none" };

  for (const d of dkim) {
    if (d.result === "none") {
      findings.push(finding("message.dkim-none", "error", `the message is not DKIM-signed: Gmail and Yahoo require DKIM from bulk senders, and forwarded mail fails DMARC without it. Make the mail server sign with d=${fromDomain}.`, fromDomain, "RFC 6376"));
    } else if (d.result === "pass") {
      findings.push(finding("message.dkim-pass", "info", `DKIM signature d=${d.domain} s=${d.selector}: pass${d.aligned ? ` (aligned with From: ${fromDomain})` : ` (not aligned with From: ${fromDomain})`}.`, `${d.selector}._domainkey.${d.domain}`));
    } else {
      const name = `${d.selector}._domainkey.${d.domain}`;
      const hint = d.comment === "no key" ? `: no key is published at ${name}; publish the key the mail server signs with (the "v=DKIM1; k=rsa; p=…" record from its panel)` : d.comment === "bad signature" ? ": the published key does not match the signing key, or the message was changed in transit" : "";
      findings.push(finding("message.dkim-fail", "error", `DKIM signature d=${d.domain} s=${d.selector}: ${d.result}${d.comment ? ` (${d.comment})` : ""}${hint}.`, name, "RFC 6376 §6.1"));
    }
  }
  if (spf.result === "pass") findings.push(finding("message.spf-pass", "info", `SPF for ${envelopeFrom} from ${opts.ip}: pass.`, spf.domain));
  else findings.push(finding("message.spf-fail", spf.result === "temperror" ? "error" : "warning", `SPF for ${envelopeFrom || "(no envelope sender)"} from ${opts.ip}: ${spf.result}${spf.comment ? ` (${spf.comment.replace(/^maildomain: /, "")})` : ""}.`, spf.domain, "RFC 7208 §2.6"));
  if (dmarc.result === "pass") findings.push(finding("message.dmarc-pass", "info", `DMARC for From: ${fromDomain}: pass (policy ${dmarc.policy ?? "none"}).`, `_dmarc.${fromDomain}`));
  else if (dmarc.result === "not-evaluated") findings.push(finding("message.dmarc-not-evaluated", "info", `DMARC for From: ${fromDomain} was not evaluated: DKIM was not verified (see message.not-authenticated).`, `_dmarc.${fromDomain}`));
  else if (dmarc.result === "none") findings.push(finding("message.dmarc-none", "error", `DMARC for From: ${fromDomain}: none — the domain publishes no DMARC record, which Gmail and Yahoo require from bulk senders.`, `_dmarc.${fromDomain}`, "RFC 7489 §6.6.3"));
  else findings.push(finding("message.dmarc-fail", "error", `DMARC for From: ${fromDomain}: ${dmarc.result} (policy ${dmarc.policy ?? "none"}): neither SPF nor DKIM passed for a domain aligned with From:.`, `_dmarc.${fromDomain}`, "RFC 7489 §6.6.2"));

  const listUnsub = fieldValues(header, "list-unsubscribe");
  const oneClick = fieldValues(header, "list-unsubscribe-post").some((v) => /List-Unsubscribe=One-Click/i.test(v));
  if (listUnsub.length > 0 && !oneClick) {
    findings.push(finding("message.unsubscribe-one-click", "warning", "the message has List-Unsubscribe but no \"List-Unsubscribe-Post: List-Unsubscribe=One-Click\": Gmail and Yahoo require one-click unsubscribe for marketing mail from bulk senders.", fromDomain, "RFC 8058"));
  }

  const rdns = await checkReverseDns(opts.ip, dns);
  findings.push(...rdns.findings);

  const verdict = messageVerdict({ fromDomain, ip: opts.ip, spf, dkim, dmarc, rdnsOk: rdns.ok, oneClick: listUnsub.length > 0 ? oneClick : undefined, headerLimits: limits });
  return {
    result: { domain: fromDomain, ok: !findings.some((f) => f.severity === "error"), findings, verdict },
    authenticationResults: auth.headers === "" ? "" : auth.headers.split(/\r?\n(?=\S)/).find((h) => /^Authentication-Results:/i.test(h))?.trim() ?? "",
    from,
    envelopeFrom,
    spf,
    dkim,
    dmarc,
  };
}

/**
 * Over Gmail's field count or total size, the message is refused before authentication, and mailauth's header
 * parser (quadratic in the number of fields, see message-header.ts) would take minutes on it: only SPF, which does
 * not read the message, is evaluated. Within those two limits mailauth's cost stays bounded (measured: 4,000 fields
 * folded into 120,000 lines, 500 KB, in 0.7 s), so a message over a per-field limit is still authenticated.
 */
function overHeaderBudget(limits: readonly HeaderLimitExceeded[]): boolean {
  return limits.some((l) => l.limit === "field-count" || l.limit === "total-size");
}

type Authenticated = AuthResult & { notAuthenticated?: boolean };

async function authenticateMessage(message: Buffer, envelopeFrom: string, opts: { ip: string; helo?: string }, dns: DnsClient): Promise<Authenticated> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { authenticate } = require("mailauth") as { authenticate: (m: Buffer, o: Record<string, unknown>) => Promise<AuthResult> };
  return authenticate(message, { ip: opts.ip, helo: opts.helo, sender: envelopeFrom || undefined, mta: "maildomain", resolver: dns.resolverFunction() });
}

type SpfFn = (o: { sender: string; ip: string; helo?: string; mta?: string; resolver: unknown }) => Promise<{ domain?: string; status: { result: string; comment?: string } }>;

async function spfOnly(envelopeFrom: string, opts: { ip: string; helo?: string }, dns: DnsClient, findings: Finding[]): Promise<Authenticated> {
  findings.push(finding("message.not-authenticated", "info", "DKIM signatures were not verified and DMARC not evaluated: Gmail refuses the message for its header before it authenticates it. SPF, which needs only the envelope, was evaluated."));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spf } = require("mailauth/lib/spf") as { spf: SpfFn };
  const result = envelopeFrom ? await spf({ sender: envelopeFrom, ip: opts.ip, helo: opts.helo, mta: "maildomain", resolver: dns.resolverFunction() }) : undefined;
  return { headers: "", dkim: { results: [] }, spf: result ?? false, dmarc: false, notAuthenticated: true };
}

function messageVerdict(m: {
  fromDomain: string;
  ip: string;
  spf: MessageReport["spf"];
  dkim: MessageReport["dkim"];
  dmarc: MessageReport["dmarc"];
  rdnsOk?: boolean;
  oneClick?: boolean;
  headerLimits: readonly HeaderLimitExceeded[];
}): Verdict {
  const dkimPass = m.dkim.filter((d) => d.result === "pass");
  const spfPass = m.spf.result === "pass";
  const reasons: string[] = [];
  const failedDkim = m.dkim.filter((d) => d.result !== "pass" && d.result !== "none");
  if (dkimPass.length === 0) {
    reasons.push(failedDkim.length ? failedDkim.map((d) => `DKIM ${d.result} for s=${d.selector} d=${d.domain}${d.comment ? ` (${d.comment})` : ""}`).join("; ") : "the message is not DKIM-signed");
  }
  if (!spfPass) reasons.push(`SPF ${m.spf.result} for ${m.ip}`);
  const checks: ChecklistItem[] = [
    { check: "spf", ok: spfPass, detail: `SPF ${m.spf.result}` },
    { check: "dkim", ok: dkimPass.length > 0, detail: dkimPass.length ? `DKIM pass (d=${dkimPass.map((d) => d.domain).join(", ")})` : reasons[0] },
    { check: "dmarc", ok: m.dmarc.result !== "none", detail: m.dmarc.result === "none" ? `no DMARC record for ${m.fromDomain}` : `DMARC ${m.dmarc.result} (p=${m.dmarc.policy ?? "none"})` },
    { check: "alignment", ok: m.dmarc.result === "pass", detail: m.dmarc.result === "pass" ? `aligned: ${[m.dmarc.alignment?.spf ? `SPF ${m.dmarc.alignment.spf}` : "", m.dmarc.alignment?.dkim ? `DKIM ${m.dmarc.alignment.dkim}` : ""].filter(Boolean).join(", ")}` : `nothing that passed aligns with From: ${m.fromDomain}` },
  ];
  if (m.rdnsOk !== undefined) checks.push({ check: "reverse-dns", ok: m.rdnsOk, detail: m.rdnsOk ? `${m.ip} has forward-confirmed reverse DNS` : `${m.ip} lacks forward-confirmed reverse DNS` });
  const bulkSender = { ok: checks.every((c) => c.ok) && m.oneClick !== false, checks };
  const v = (outcome: Outcome, summary: string, smtp?: string): Verdict => ({ receiver: "Gmail", outcome, ...(smtp ? { smtp } : {}), summary, reasons, bulkSender });

  if (m.headerLimits.length > 0) {
    reasons.unshift(...m.headerLimits.map((l) => l.message));
    return v("reject", `Gmail will refuse this message before authenticating it: ${m.headerLimits.map((l) => l.message).join("; ")}.`);
  }
  if (m.dmarc.result === "temperror" || (m.spf.result === "temperror" && dkimPass.length === 0) || (m.dkim.some((d) => d.result === "temperror") && !spfPass && dkimPass.length === 0)) {
    return v("defer", `Gmail would defer this message (4xx): a DNS lookup during authentication failed.`);
  }
  if (m.rdnsOk === false) return v("reject", `Gmail will reject with 550-5.7.25: ${m.ip} has no reverse DNS that resolves back to it.`, "550-5.7.25");
  if (dkimPass.length === 0 && !spfPass) {
    if (m.dmarc.policy === "quarantine") return v("spam", `Gmail will put this message in spam (DMARC p=quarantine) or reject it with 550-5.7.26: ${reasons.join(" and ")}.`, "550-5.7.26");
    const why = m.dmarc.policy === "reject" ? `not accepted due to ${m.fromDomain}'s DMARC policy` : "Gmail requires every sender to pass SPF or DKIM";
    return v("reject", `Gmail will reject with 550-5.7.26: ${reasons.join(" and ")}; ${why}.`, "550-5.7.26");
  }
  if (m.dmarc.result === "fail") {
    if (m.dmarc.policy === "reject") return v("reject", `Gmail will reject with 550-5.7.26: DMARC fails (what passed does not align with From: ${m.fromDomain}) under p=reject.`, "550-5.7.26");
    if (m.dmarc.policy === "quarantine") return v("spam", `Gmail will put this message in spam: DMARC fails under p=quarantine.`);
    return v("at-risk", `Gmail will likely accept this message, but DMARC fails (nothing that passed aligns with From: ${m.fromDomain}): bulk mail is rejected.`);
  }
  const passed = [dkimPass.length ? `DKIM (d=${dkimPass.map((d) => d.domain).join(", ")})` : "", spfPass ? "SPF" : ""].filter(Boolean).join(" and ");
  return v("deliver", `Gmail will accept this message: ${passed} pass${m.dmarc.result === "pass" ? `, DMARC pass (p=${m.dmarc.policy ?? "none"})` : ", but no DMARC record (required for bulk senders)"}.`);
}
