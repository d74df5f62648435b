/**
 * The MTA-STS side of the verdict, from SMTP TLS reports (RFC 8460): can `mtaSts.mode` go from `testing` to
 * `enforce` (RFC 8461 §5)? In `testing`, a sender that fails to validate an MX host still delivers and reports the
 * failure; under `enforce` it refuses to deliver. So every failure type in the reports is mail that enforce
 * would not deliver, named by type and receiving MX host with what fixes it.
 *
 * Failures whose last report ended more than `RECENT_DAYS` days before the newest report are counted as fixed
 * (a certificate renewed last month no longer blocks). The live proof is `maildomain check`, which fetches the
 * policy and probes every MX host's STARTTLS as a sender does; the verdict points at it.
 */
import { MtaStsMode } from "../../components/records/enums";
import { isoSeconds } from "../summary";
import { ArgChange, renderChange } from "./change";
import { AdvisorOptions, Declaration, MtaStsVerdict, TlsEvidence } from "./model";
import { formatCount } from "../format";

const DAY = 86_400;
/** Failures seen in the last this many days of the window block enforce; older ones are taken as fixed. */
export const RECENT_DAYS = 7;
/** Fewer sessions than this say too little about the MX hosts. */
export const MIN_SESSIONS = 100;

/** What fixes each RFC 8460 §4.3 result type, for the MX host (or the policy host) named. */
function fixFor(resultType: string, mx: string | undefined, domain: string): string {
  const host = mx ?? "the MX host";
  switch (resultType) {
    case "starttls-not-supported":
      return `${host} does not offer STARTTLS: enable TLS on it (RFC 8461 §5 requires it under enforce)`;
    case "certificate-expired":
      return `the certificate of ${host} has expired: renew it, and automate the renewal`;
    case "certificate-host-mismatch":
      return `the certificate of ${host} does not name it: install one whose subjectAltName includes ${host} (RFC 8461 §4.2)`;
    case "certificate-not-trusted":
      return `${host} presents a certificate that does not chain to a public CA (self-signed, or the intermediate is missing): install a publicly trusted certificate with its full chain`;
    case "validation-failure":
      return `senders could not validate ${host} (an MX host the policy's mx patterns do not match, or a TLS failure the reporter did not classify): check the policy's mx lines against the MX records`;
    case "sts-policy-fetch-error":
      return `senders could not fetch https://mta-sts.${domain}/.well-known/mta-sts.txt: serve it (mtaSts.hosting) with a valid certificate and no redirect (RFC 8461 §3.3)`;
    case "sts-policy-invalid":
      return `the policy file at https://mta-sts.${domain}/.well-known/mta-sts.txt is not valid (RFC 8461 §3.2): let the component write it (mtaSts.hosting)`;
    case "sts-webpki-invalid":
      return `the certificate of mta-sts.${domain} is not valid for senders: give the policy host a publicly trusted certificate that names it`;
    default:
      return `senders report "${resultType}" for ${host} (RFC 8460 §4.3): fix it before enforcing`;
  }
}

export function mtaStsVerdict(ev: TlsEvidence, declaration: Declaration | undefined, opts: AdvisorOptions): MtaStsVerdict {
  const published = ev.publishedMode;
  const current = published ?? declaration?.mtaStsMode ?? null;
  const currentFrom = published ? "reports" : declaration?.mtaStsMode ? "declared" : "unknown";
  const sts = ev.sessions.find((s) => s.policyType === "sts");
  const successful = sts?.successful ?? 0;
  const failed = sts?.failed ?? 0;
  const sessions = successful + failed;
  const successRate = sessions === 0 ? null : Math.round((1000 * successful) / sessions) / 10;
  const noPolicy = sts === undefined;
  const next: "enforce" | null = current === MtaStsMode.Enforce || noPolicy ? null : "enforce";
  const recentFrom = ev.end - RECENT_DAYS * DAY;
  const blockers = ev.failures
    .filter((f) => f.policyType === "sts" && f.lastSeen >= recentFrom)
    .sort((a, b) => b.count - a.count || a.resultType.localeCompare(b.resultType))
    .map((f) => ({ resultType: f.resultType, ...(f.receivingMx ? { receivingMx: f.receivingMx } : {}), count: f.count, lastSeen: isoSeconds(f.lastSeen), fix: fixFor(f.resultType, f.receivingMx, ev.domain) }));

  let thin: string | undefined;
  if (ev.days < opts.minDays) thin = `only ${ev.days} day${ev.days === 1 ? "" : "s"} of TLS reports; at least ${opts.minDays} are needed (--min-days)`;
  else if (!noPolicy && sessions < MIN_SESSIONS) thin = `only ${formatCount(sessions)} TLS sessions reported under the MTA-STS policy (at least ${MIN_SESSIONS})`;
  const ready = next !== null && thin === undefined && blockers.length === 0 && successRate !== null && successRate >= opts.threshold;
  const changeArgs: ArgChange | undefined = next ? { set: { mtaSts: { mode: MtaStsMode.Enforce } } } : undefined;
  const check = `confirm with \`maildomain check ${ev.domain}\` (it fetches the policy and probes every MX host's STARTTLS as a sender does) just before the switch`;
  const rate = successRate === null ? "" : `${successRate} % of ${formatCount(sessions)} TLS sessions succeeded over ${ev.days} day${ev.days === 1 ? "" : "s"}`;
  let summary: string;
  if (noPolicy) {
    summary = `${ev.domain}: MTA-STS: senders found no policy (${ev.sessions.map((s) => `${s.policyType}: ${formatCount(s.successful + s.failed)} sessions`).join(", ")}); publish one in testing first: \`mtaSts: { mode: MtaStsMode.Testing }\` with tlsRpt.`;
  } else if (next === null) {
    summary = `${ev.domain}: MTA-STS already enforces — ${rate}${blockers.length ? `; ${formatCount(blockers.reduce((n, b) => n + b.count, 0))} sessions failed recently and were not delivered (first: ${blockers[0].fix})` : ""}.`;
  } else if (thin) {
    summary = `${ev.domain}: MTA-STS: not enough data to decide on enforce — ${thin}.`;
  } else if (ready) {
    summary = `${ev.domain}: MTA-STS ready for enforce — ${rate}, no failure in the last ${RECENT_DAYS} days; change \`${renderChange(changeArgs!).replace(/^`|`$/g, "")}\` and ${check}.`;
  } else {
    summary = `${ev.domain}: MTA-STS not ready for enforce — ${rate}${blockers.length ? `; ${blockers[0].fix} (${formatCount(blockers[0].count)} sessions)` : ` (threshold ${opts.threshold} %)`}; then ${check}.`;
  }
  return {
    current,
    currentFrom,
    next,
    ready,
    successful,
    failed,
    successRate,
    days: ev.days,
    ...(thin ? { thin } : {}),
    blockers,
    change: changeArgs ? renderChange(changeArgs).replace(/^`|`$/g, "") : null,
    ...(changeArgs ? { changeArgs } : {}),
    summary,
  };
}
