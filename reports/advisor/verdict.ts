/**
 * The verdict per domain: can the DMARC policy go one step further (none → quarantine → reject, RFC 7489 §6.3
 * `p`) without losing legitimate mail, and if not, which senders to fix first.
 *
 * - `current`: the declared policy, else the one the most recent report saw published;
 * - `passRate`: the legitimate senders' messages that passed DMARC, in percent (unknown sources are left out:
 *   stopping them is what enforcement is for);
 * - `ready`: there is a next step, the data are not too thin (at least `minDays` days with reports and
 *   `MIN_MESSAGES` messages from legitimate senders), and `passRate` is at least `threshold`;
 * - `blockers`: the legitimate senders with messages that failed DMARC, most failing first, each with its fix;
 * - `change`: the declared `dmarc` arguments with the next policy (and `subdomainPolicy` when subdomains send).
 */
import { DmarcArgs, dmarcToArgs, parseDmarc } from "../../components/records/dmarc";
import { DmarcPolicy } from "../../components/records/enums";
import { isoSeconds } from "../summary";
import { ArgChange, renderChange } from "./change";
import { AdvisorOptions, Declaration, DomainEvidence, MIN_MESSAGES, PolicyLevel, Sender, Verdict } from "./model";
import type { ClassifiedSource } from "./senders";
import { formatCount } from "../format";

const LEVELS: PolicyLevel[] = ["none", "quarantine", "reject"];
const asLevel = (p: string | undefined): PolicyLevel | undefined => (LEVELS as string[]).includes(p ?? "") ? (p as PolicyLevel) : undefined;
const round1 = (x: number) => Math.round(x * 10) / 10;
const DAY = 86_400;

export function domainVerdict(ev: DomainEvidence, senders: readonly Sender[], classified: readonly ClassifiedSource[], declaration: Declaration | undefined, opts: AdvisorOptions): Verdict {
  const declared = declaration?.dmarc ? parseDmarc(declaration.dmarc) : undefined;
  const declaredLevel = asLevel(declared?.model.p);
  const current = declaredLevel ?? asLevel(ev.published?.p) ?? null;
  const currentFrom = declaredLevel ? "declared" : current ? "reports" : "unknown";
  const next = current === null ? "quarantine" : current === "reject" ? null : LEVELS[LEVELS.indexOf(current) + 1];

  const legitimate = senders.filter((s) => s.legitimate);
  const unknown = senders.filter((s) => !s.legitimate);
  const legitMessages = legitimate.reduce((n, s) => n + s.messages, 0);
  const legitPass = legitimate.reduce((n, s) => n + s.dmarcPass, 0);
  const unknownMessages = unknown.reduce((n, s) => n + s.messages, 0);
  const unknownSources = unknown.reduce((n, s) => n + s.ips.length, 0);
  const passRate = legitMessages === 0 ? null : round1((100 * legitPass) / legitMessages);
  const days = ev.days.length;

  let thin: string | undefined;
  if (days < opts.minDays) {
    const decide = isoSeconds(ev.end + (opts.minDays - days) * DAY).slice(0, 10);
    thin = `only ${days} day${days === 1 ? "" : "s"} of reports (${isoSeconds(ev.begin).slice(0, 10)} to ${isoSeconds(ev.end).slice(0, 10)}); at least ${opts.minDays} are needed (--min-days): look again after ${decide}, when a full cycle of weekly and monthly senders has reported`;
  } else if (legitMessages > 0 && legitMessages < MIN_MESSAGES) {
    thin = `only ${formatCount(legitMessages)} messages from legitimate senders in ${days} days: too few to tell a broken sender from chance (at least ${MIN_MESSAGES})`;
  }

  const blockers = legitimate
    .filter((s) => s.dmarcFail > 0)
    .sort((a, b) => b.dmarcFail - a.dmarcFail || a.id.localeCompare(b.id))
    .map((s) => ({ sender: s.name, senderId: s.id, messages: s.dmarcFail, fix: s.fix ?? `${s.summary} Find out why its mail fails DMARC before enforcing.`, ...(s.change ? { change: s.change } : {}) }));

  const subdomains = subdomainRates(ev, classified);
  const ready = next !== null && thin === undefined && (passRate === null || passRate >= opts.threshold);
  const changeArgs = next ? nextChange(declared ? dmarcToArgs(declared.model, declared.diagnostics).args : undefined, next, subdomains, opts.threshold, ev.published?.sp) : undefined;
  const verdict: Verdict = {
    current,
    currentFrom,
    next,
    ready,
    passRate,
    days,
    from: isoSeconds(ev.begin),
    to: isoSeconds(ev.end),
    reports: ev.reports,
    reporters: ev.reporters,
    legitimateMessages: legitMessages,
    unknownMessages,
    unknownSources,
    threshold: opts.threshold,
    minDays: opts.minDays,
    ...(thin ? { thin } : {}),
    blockers,
    change: changeArgs ? renderChange(changeArgs).replace(/^`|`$/g, "") : null,
    ...(changeArgs ? { changeArgs } : {}),
    subdomains,
    summary: "",
  };
  verdict.summary = summarize(ev.domain, verdict);
  return verdict;
}

/** Pass rates of the subdomains that send, over their legitimate sources only. */
function subdomainRates(ev: DomainEvidence, classified: readonly ClassifiedSource[]): Verdict["subdomains"] {
  const legit = new Set(classified.filter((c) => c.kind !== "unknown").map((c) => c.source.ip));
  const by = new Map<string, { messages: number; pass: number }>();
  for (const s of ev.subdomains) {
    if (!legit.has(s.ip)) continue;
    const e = by.get(s.domain) ?? { messages: 0, pass: 0 };
    e.messages += s.messages;
    e.pass += s.dmarcPass;
    by.set(s.domain, e);
  }
  return [...by].map(([domain, e]) => ({ domain, messages: e.messages, passRate: round1((100 * e.pass) / e.messages) })).sort((a, b) => b.messages - a.messages || a.domain.localeCompare(b.domain));
}

/**
 * The declared `dmarc` arguments with the next policy. Subdomains inherit `p` unless `subdomainPolicy` says
 * otherwise (RFC 7489 §6.3 `sp`): when subdomains send mail that is not ready, they are kept where they are;
 * when they are ready (or none sends), `subdomainPolicy` follows the new policy. `percent` goes: the step
 * applies to all failing mail.
 */
function nextChange(declared: DmarcArgs | undefined, next: PolicyLevel, subdomains: Verdict["subdomains"], threshold: number, publishedSp?: string): ArgChange {
  const args: DmarcArgs = { ...(declared ?? {}), policy: next as DmarcPolicy };
  delete args.percent;
  const notReady = subdomains.filter((s) => s.passRate < threshold);
  const keepSp = asLevel(declared?.subdomainPolicy ?? publishedSp) ?? DmarcPolicy.None;
  if (notReady.length > 0) args.subdomainPolicy = LEVELS.indexOf(keepSp) < LEVELS.indexOf(next) ? (keepSp as DmarcPolicy) : (next as DmarcPolicy);
  else if (subdomains.length > 0 || args.subdomainPolicy !== undefined) args.subdomainPolicy = next as DmarcPolicy;
  return { set: { dmarc: args } };
}

function summarize(domain: string, v: Verdict): string {
  const of = v.legitimateMessages ? `${v.passRate} % of ${formatCount(v.legitimateMessages)} messages from your senders passed DMARC over ${v.days} day${v.days === 1 ? "" : "s"}` : `no mail from a legitimate sender in ${v.days} day${v.days === 1 ? "" : "s"}`;
  const stopped = v.unknownMessages ? `; ${formatCount(v.unknownMessages)} messages from ${formatCount(v.unknownSources)} unknown source${v.unknownSources === 1 ? "" : "s"} would be ${v.next === "reject" ? "rejected" : "quarantined"}` : "";
  if (v.next === null) return `${domain}: already at p=reject — ${of}${v.blockers.length ? `; ${v.blockers[0].sender} loses ${formatCount(v.blockers[0].messages)} messages to it` : ""}.`;
  const step = `p=${v.next}`;
  if (v.thin) return `${domain}: not enough data to decide on ${step} — ${v.thin}.`;
  if (v.ready) {
    const cost = v.blockers.length ? `; ${formatCount(v.blockers.reduce((n, b) => n + b.messages, 0))} failing messages from ${v.blockers.length} sender${v.blockers.length === 1 ? "" : "s"} would go with them (first: ${v.blockers[0].sender})` : "";
    return `${domain}: ready for ${step} — ${of}${stopped}${cost}. Change: ${v.change}.`;
  }
  const first = v.blockers[0];
  return `${domain}: not ready for ${step} — ${of} (threshold ${v.threshold} %)${first ? `; fix ${first.sender} first (${formatCount(first.messages)} failing messages)` : ""}.`;
}
