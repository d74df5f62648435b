/**
 * The enforce verdict of a domain: can its MTA-STS policy be switched to (or kept in) `mode: enforce` without
 * senders refusing to deliver? A postmaster who has been bitten wants one sentence naming the host and the reason,
 * and to know whether TLS-RPT will tell them about failures.
 *
 * States:
 * - `safe`: the policy is served and valid, covers every live MX host, and every address of every MX host was
 *   probed and passes (STARTTLS, trusted chain, inside its dates, names the host, TLS 1.2 or later);
 * - `blocked`: at least one MX host would not (or, under enforce, does not) receive mail from MTA-STS senders;
 * - `not-in-effect`: senders see no usable policy (it cannot be fetched or is invalid), so no mode matters yet;
 * - `unproven`: nothing found wrong, but not everything could be tried (--no-smtp, port 25 unreachable);
 * - `no-policy`: the domain publishes no `_mta-sts` record.
 */
import type { SmtpProbeResult } from "./smtp-probe";

export type MtaStsState = "safe" | "blocked" | "not-in-effect" | "unproven" | "no-policy";

export interface MtaStsVerdict {
  state: MtaStsState;
  /** "MTA-STS: safe to enforce…", "enforce would stop delivery to mx2.example.com: its certificate expired on …". */
  summary: string;
  /** The live policy's mode, when one was fetched. */
  mode?: string;
  policyUrl?: string;
  tlsRpt: { published: boolean; rua?: string };
  /** Whether the MX hosts were probed over SMTP. */
  smtpProbed: boolean;
  hosts: HostReport[];
}

export interface HostReport {
  host: string;
  address: string;
  ok: boolean;
  protocol?: string;
  certificate?: { subject: string; issuer: string; names: string[]; validTo: string };
  problems: string[];
  /** Set when the address could not be probed (no verdict either way). */
  unprobed?: string;
}

export function hostReport(r: SmtpProbeResult): HostReport {
  const problems: string[] = [];
  if (r.failure && r.failure.kind !== "unreachable" && r.failure.kind !== "refused") problems.push(r.failure.message);
  if (r.tls) {
    problems.push(...r.tls.problems.map((p) => p.message));
    if (r.tls.oldVersion) problems.push(`it speaks only ${r.tls.protocol}, below TLS 1.2`);
  }
  const unprobed = r.failure && (r.failure.kind === "unreachable" || r.failure.kind === "refused") ? r.failure.message : undefined;
  const c = r.tls?.certificate;
  return {
    host: r.host,
    address: r.address,
    ok: problems.length === 0 && !unprobed,
    ...(r.tls ? { protocol: r.tls.protocol } : {}),
    ...(c ? { certificate: { subject: c.subject, issuer: c.issuer, names: c.names, validTo: c.validTo } } : {}),
    problems,
    ...(unprobed ? { unprobed } : {}),
  };
}

export interface VerdictInput {
  domain: string;
  /** `_mta-sts` TXT published (valid or not). */
  published: boolean;
  /** Why senders see no usable policy, when they do not. */
  notInEffect?: string;
  mode?: string;
  policyUrl?: string;
  /** MX hosts the policy's patterns do not cover. */
  uncovered: string[];
  /** Why the MX hosts were not probed (--no-smtp, no MX hosts), when they were not. */
  notProbed?: string;
  hosts: HostReport[];
  tlsRpt: { published: boolean; rua?: string };
}

function tlsRptSentence(t: VerdictInput["tlsRpt"]): string {
  return t.published
    ? `TLS-RPT is published${t.rua ? ` (reports to ${t.rua})` : ""}, so senders report failed deliveries.`
    : `TLS-RPT is not published: add TXT _smtp._tls "v=TLSRPTv1; rua=mailto:…" to hear from senders when delivery fails (RFC 8460).`;
}

export function mtaStsVerdict(v: VerdictInput): MtaStsVerdict {
  const base = { mode: v.mode, policyUrl: v.policyUrl, tlsRpt: v.tlsRpt, smtpProbed: v.notProbed === undefined, hosts: v.hosts };
  const make = (state: MtaStsState, sentence: string): MtaStsVerdict => ({ state, summary: `${sentence} ${tlsRptSentence(v.tlsRpt)}`, ...base });
  const enforcing = v.mode === "enforce";

  // Per host: the first problem found on any of its addresses.
  const blockedHosts = new Map<string, string>();
  for (const h of v.uncovered) blockedHosts.set(h, `it matches no mx pattern of the policy`);
  for (const r of v.hosts) if (!r.ok && r.problems.length && !blockedHosts.has(r.host)) blockedHosts.set(r.host, `${r.problems[0]}${r.address ? ` (${r.address})` : ""}`);
  const blocked = [...blockedHosts].map(([host, why]) => `${host}: ${why}`);

  if (!v.published) {
    if (v.notProbed === undefined && v.hosts.length && blocked.length === 0 && v.hosts.every((h) => h.ok)) {
      return make("no-policy", `MTA-STS: not published. Every MX host passes the STARTTLS checks, so a policy in testing mode can be published now.`);
    }
    if (blocked.length) return make("no-policy", `MTA-STS: not published, and enforce would stop delivery to ${blocked.join("; ")}.`);
    return make("no-policy", `MTA-STS: not published.`);
  }
  if (v.notInEffect) {
    return make("not-in-effect", `MTA-STS is not in effect: ${v.notInEffect}; senders treat ${v.domain} as having no policy, whatever its mode. Fix that first.`);
  }
  if (blocked.length) {
    const verb = enforcing ? "enforce stops delivery now to" : "enforce would stop delivery to";
    return make("blocked", `MTA-STS: ${verb} ${blocked.join("; ")}.`);
  }
  const unprobed = v.hosts.filter((h) => h.unprobed);
  if (v.notProbed !== undefined) return make("unproven", `MTA-STS: not proven safe to enforce: ${v.notProbed}.`);
  if (unprobed.length) {
    return make("unproven", `MTA-STS: not proven safe to enforce: ${unprobed.map((h) => h.unprobed).join("; ")}. (Is outbound port 25 blocked here? Run the check from a server that can reach port 25.)`);
  }
  const hostNames = [...new Set(v.hosts.map((h) => h.host))];
  const passes = `every MX host (${hostNames.join(", ")}) offers STARTTLS with a trusted certificate that names it, on TLS 1.2 or later, and the policy covers them all`;
  if (enforcing) return make("safe", `MTA-STS: enforced, and safe: ${passes}.`);
  if (v.mode === "none") return make("safe", `MTA-STS: safe to enforce (the policy is in mode none now): ${passes}.`);
  return make("safe", `MTA-STS: safe to enforce: ${passes}.`);
}
