/** What the mapping of a zone's records to MailDomain args works with and returns. */
import { MailRecordsArgs } from "../../../components/plan/args";
import { MailPlan } from "../../../components/plan/model";
import { ImportFinding, Place } from "../findings";
import { ZoneRecord } from "../zonefile";

/** One imported mail domain. */
export interface ImportedDomain {
  args: MailRecordsArgs;
  /** The zone records its args came from. */
  records: ZoneRecord[];
  /** The component's plan of the args (errors are reported as findings too). */
  plan: MailPlan;
}

export interface ImportResult {
  apex: string;
  /** The apex first, then the other mail domains by name. */
  domains: ImportedDomain[];
  findings: ImportFinding[];
  /** Records that went into args. */
  importedRecords: number;
  /** Mail-related records left out, each reported with its reason. */
  leftOutMail: number;
  /** Other records (A, NS, SRV, …), reported as one summary line per type. */
  leftOutOther: number;
}

export interface Txt {
  record: ZoneRecord;
  /** The strings joined: the logical value mail software reads (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
  value: string;
  strings: string[];
}

export interface NameRecords {
  name: string;
  mx: ZoneRecord[];
  txt: Txt[];
  cname: ZoneRecord[];
  other: ZoneRecord[];
}

export interface DomainBuild {
  domain: string;
  mx: ZoneRecord[];
  txt: Txt[];
  dkim: Map<string, { txt: Txt[]; cname: ZoneRecord[] }>;
  dmarc: Txt[];
  mtaSts: Txt[];
  tlsRpt: Txt[];
  bimi: Map<string, Txt[]>;
}


export const place = (r: ZoneRecord): Place => ({ file: r.file, line: r.line, owner: r.owner });
