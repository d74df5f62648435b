/**
 * Part 1's document (`maildomain reports --json`) with the advice: every domain gains `senders` and `verdict`,
 * and each TLS-RPT domain's `sts` entry (or its first entry, when senders found no policy) gains the MTA-STS
 * `verdict`; `advice` says what the verdicts were judged against. Part 1's fields are kept as they are.
 */
import type { DomainSummary, ReportsDocument, TlsSummary } from "../summary";
import type { DayEvidence, MtaStsVerdict, Sender, Verdict } from "./model";

export interface AdvisedDomain extends DomainSummary {
  senders: Sender[];
  verdict: Verdict;
  /** Messages and DMARC passes per UTC day (the HTML report's chart). */
  days: DayEvidence[];
}

export interface AdvisedTls extends TlsSummary {
  verdict?: MtaStsVerdict;
}

export interface AdviceInfo {
  /** The declaration compared with: a plan file, a program, or null (the reports alone). */
  declaration: string | null;
  threshold: number;
  minDays: number;
  /** The resolver reverse DNS and the declared SPF's lookups asked (null with --no-rdns and no declaration). */
  dns: { server: string; queries: number; answered: number; failed: number } | null;
}

export interface AdvisedDocument extends Omit<ReportsDocument, "domains" | "tls"> {
  domains: AdvisedDomain[];
  tls: AdvisedTls[];
  advice: AdviceInfo;
}
