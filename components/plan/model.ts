/** The planner's output: record sets ready for any DNS adapter, and what to tell the user. */
import { DkimAlgorithm } from "../records/enums";
import { Diagnostic } from "../records/diagnostics";

export type PlannedRecordType = "MX" | "TXT" | "CNAME";

/** A DKIM key the component must generate before the selector's value is known. */
export interface GeneratedKeySpec {
  /** The id of the selector's record set (`dkim-s2026`), which names the key resource too. */
  id: string;
  selector: string;
  algorithm: DkimAlgorithm;
  testing: boolean;
}

export interface PlannedValue {
  /** Stable id from the value's meaning, used in child names (`spf`, `mx-smtp-google-com`). */
  id: string;
  /** TXT: the whole logical value; MX: the exchange host (`.` for null MX); CNAME: the target. */
  content: string;
  /** MX preference. */
  priority?: number;
  /** Set when the value is a DKIM record whose key is generated: `content` is then empty. */
  generatedKey?: GeneratedKeySpec;
}

export interface PlannedRecordSet {
  /** Stable id from the set's meaning (`mx`, `txt`, `dmarc`, `dkim-s2026`), used in child names. */
  id: string;
  /** What the set is for: `mx`, `spf`, `dkim`, `dmarc`, `mta-sts`, `tls-rpt`, `bimi`, `txt`, or a preset's. */
  purpose: string;
  /** Absolute owner name, normalized, without trailing dot. */
  name: string;
  type: PlannedRecordType;
  ttl: number;
  comment: string;
  values: PlannedValue[];
}

export interface MailPlan {
  /** The mail domain, normalized (A-labels, lower case). */
  domain: string;
  /** Record sets in canonical order, one per (name, type). */
  sets: PlannedRecordSet[];
  /** Problems that break a standard: the component refuses the args. */
  errors: Diagnostic[];
  /** Valid but risky settings (`+all`, `p=none`, `t=y`): warned about, decided by the policy pack. */
  warnings: Diagnostic[];
  /** Things the user must know or do elsewhere (report authorizations, the MTA-STS policy file). */
  notes: string[];
  /** The rendered SPF record of the mail domain, if any. */
  spfRecord?: string;
  /** The rendered DMARC record, if any. */
  dmarcRecord?: string;
  /** The MTA-STS policy file to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt. */
  mtaStsPolicy?: string;
  /** Keys to generate. */
  generatedKeys: GeneratedKeySpec[];
}
