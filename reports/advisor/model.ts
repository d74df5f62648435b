/**
 * The advisor's model: what it reads (the stored reports grouped per domain and source, the declaration from a
 * plan, what reverse DNS and the declared SPF say about each source IP) and what it answers (senders, a verdict
 * per domain, the MTA-STS verdict per TLS-RPT domain). Pure data: the store's queries, the DNS lookups and the
 * plan are the CLI's (cli/reports/advise/); everything decided from them is decided here.
 */
import type { ArgChange } from "./change";

// ---------------------------------------------------------------------------------------------------------------
// Inputs

/** One record set a plan declares (a `maildomain plan --json` resource, or a record of `--cwd` planned in process). */
export interface DeclaredRecordSet {
  /** Absolute name, lower case, no trailing dot. */
  name: string;
  type: string;
  /** TXT joined, MX `10 host.`, CNAME `target.` */
  values: string[];
}

/** What the plan declares for one mail domain, as the advisor compares it with the reports. */
export interface Declaration {
  domain: string;
  /** The SPF record at the domain, when exactly one is declared. */
  spf?: string;
  /** DKIM selectors at `<selector>._domainkey.<domain>`: a key (TXT) or a delegation (CNAME). */
  dkim: { selector: string; type: "TXT" | "CNAME"; value: string }[];
  /** The DMARC record at `_dmarc.<domain>`. */
  dmarc?: string;
  /** The MTA-STS mode of the declared policy file, when the plan holds it (the hosting resources carry the file). */
  mtaStsMode?: string;
  /** An `_mta-sts` TXT record is declared. */
  mtaSts: boolean;
  /** A `_smtp._tls` TLS-RPT record is declared. */
  tlsRpt: boolean;
  /** Every record set of the plan: the declared SPF is evaluated against these first (its `mx`, `a`, includes in the plan). */
  records: DeclaredRecordSet[];
}

/** One source IP of one domain, from the store (the receivers' results, summed over the stored reports). */
export interface SourceEvidence {
  ip: string;
  messages: number;
  /** Messages whose evaluated (aligned) DKIM, SPF, or either passed. */
  dkimPass: number;
  spfPass: number;
  dmarcPass: number;
  /** Messages a receiver said were forwarded or came through a mailing list (policy override reasons). */
  forwarded: number;
  /** Messages whose From: domain is a subdomain of the policy domain. */
  subdomain: number;
  /** The raw DKIM results (signing domain, selector, result) and SPF results (domain checked, scope, result). */
  dkim: { domain: string; selector?: string; result: string; messages: number }[];
  spf: { domain: string; scope?: string; result: string; messages: number }[];
}

/** Messages per UTC day, for the window and the chart. */
export interface DayEvidence {
  /** `2024-05-01` */
  day: string;
  messages: number;
  dmarcPass: number;
}

/** Everything the store holds about one policy domain, within the filters. */
export interface DomainEvidence {
  domain: string;
  reports: number;
  /** Distinct reporting organisations. */
  reporters: number;
  /** Unix seconds: the earliest begin and latest end of the stored reports. */
  begin: number;
  end: number;
  /** The policy the domain published, as the most recent report saw it. */
  published?: { p?: string; sp?: string; pct?: number };
  sources: SourceEvidence[];
  days: DayEvidence[];
  /** Messages per From: domain below the policy domain (subdomains that send) and source IP. */
  subdomains: { domain: string; ip: string; messages: number; dmarcPass: number }[];
}

/** What DNS and the declaration say about one source IP. */
export interface IpFacts {
  /** Reverse DNS (PTR) names; [] when there is none; undefined when not looked up. */
  rdns?: string[];
  /**
   * The PTR names that resolve back to the IP (forward-confirmed): only these recognize a service, since anyone
   * can write any PTR name for their own addresses. Only names that match a service or lie in a reported
   * domain's organization are confirmed (the others are not asked about).
   */
  confirmed?: string[];
  /** The declared SPF evaluated for the IP (mailauth through the plan and DNS): pass, fail, softfail, … */
  declaredSpf?: string;
}

/** The TLS-RPT evidence of one policy domain. */
export interface TlsEvidence {
  domain: string;
  reports: number;
  begin: number;
  end: number;
  /** Sessions by policy type (`sts`, `tlsa`, `no-policy-found`). */
  sessions: { policyType: string; successful: number; failed: number }[];
  /** Failures by result type and receiving MX, with the day the last report of them ended. */
  failures: { policyType: string; resultType: string; receivingMx?: string; count: number; lastSeen: number }[];
  /** The MTA-STS mode senders fetched, from the most recent report's policy string. */
  publishedMode?: string;
  days: number;
}

export interface AdvisorOptions {
  /** Percent of the legitimate senders' messages that must pass DMARC (default 98). */
  threshold: number;
  /** Days of reports needed to decide (default 14). */
  minDays: number;
}

export const DEFAULT_THRESHOLD = 98;
export const DEFAULT_MIN_DAYS = 14;
/** Fewer messages from legitimate senders than this is too little to decide on, whatever the window. */
export const MIN_MESSAGES = 100;

// ---------------------------------------------------------------------------------------------------------------
// Outputs

/**
 * - `service`: a sending service recognized from the provider table (services.ts);
 * - `own`: the domain's own servers: authorized by the declared SPF (or, without a declaration, by the live SPF
 *   the receivers evaluated), or signing with the domain's DKIM;
 * - `forwarder`: SPF fails but the domain's DKIM signature still passes aligned (forwarding, mailing lists);
 * - `unknown`: nothing of the domain's authorizes it and it fails DMARC: not a sender of the domain's.
 */
export type SenderKind = "service" | "own" | "forwarder" | "unknown";

export interface Sender {
  /** Stable id: `service:sendgrid`, `own:example.com`, `forwarder:example.edu`, `unknown:203.0.113.9`. */
  id: string;
  name: string;
  kind: SenderKind;
  /** Legitimate senders count towards the pass rate; unknown ones are what enforcement is for. */
  legitimate: boolean;
  /** The provider table's id, for services. */
  service?: string;
  messages: number;
  dmarcPass: number;
  dmarcFail: number;
  ips: string[];
  /** Forward-confirmed reverse DNS names of its IPs (the first few). */
  reverseDns: string[];
  dkim: { domain: string; selector?: string; result: string; messages: number; aligned: boolean }[];
  spf: { domain: string; result: string; messages: number; aligned: boolean }[];
  /** Does the declaration authorize it? null: no declaration to judge by. */
  authorized: { spf: boolean | null; dkim: boolean | null };
  /** One sentence: who it is and what the reports show. */
  summary: string;
  /** What is missing, in the component's terms; absent when nothing is. */
  fix?: string;
  /** The same as MailDomain argument changes, when the fix is one. */
  change?: ArgChange;
}

export type PolicyLevel = "none" | "quarantine" | "reject";

export interface Blocker {
  /** The sender's name. */
  sender: string;
  senderId: string;
  /** Messages that failed DMARC: what enforcement would quarantine or reject. */
  messages: number;
  fix: string;
  change?: ArgChange;
}

export interface Verdict {
  /** The policy in force: declared, else published (as the reports saw it); null when neither is known. */
  current: PolicyLevel | null;
  currentFrom: "declared" | "reports" | "unknown";
  /** The next step, or null when already at reject. */
  next: PolicyLevel | null;
  ready: boolean;
  /** Percent of the legitimate senders' messages that passed DMARC (one decimal); null without any. */
  passRate: number | null;
  /** Days with reports in the window. */
  days: number;
  from: string;
  to: string;
  reports: number;
  reporters: number;
  /** Messages from legitimate senders, and from unknown sources (enforcement stops those). */
  legitimateMessages: number;
  unknownMessages: number;
  unknownSources: number;
  threshold: number;
  minDays: number;
  /** Why the data are too thin to decide, when they are. */
  thin?: string;
  blockers: Blocker[];
  /** The exact argument change for the next step, as TypeScript (null when there is none). */
  change: string | null;
  changeArgs?: ArgChange;
  /** Subdomains that send mail under this policy domain, with their pass rate. */
  subdomains: { domain: string; messages: number; passRate: number }[];
  /** The one-line verdict (the table's first line, `maildomain check --db`). */
  summary: string;
}

export interface MtaStsVerdict {
  /** The mode senders see (the latest report's policy), else the declared one. */
  current: string | null;
  currentFrom: "reports" | "declared" | "unknown";
  next: "enforce" | null;
  ready: boolean;
  successful: number;
  failed: number;
  /** Percent of sessions that succeeded (one decimal), null without sessions. */
  successRate: number | null;
  days: number;
  thin?: string;
  /** Failures that enforce would turn into refused deliveries, by result type and MX, largest first. */
  blockers: { resultType: string; receivingMx?: string; count: number; lastSeen: string; fix: string }[];
  change: string | null;
  changeArgs?: ArgChange;
  summary: string;
}
