/**
 * Which comparator a TXT value needs, by what it is meant to be (its version tag, or p= for a DKIM key without
 * v=), and the comparison itself: SPF, DMARC and DKIM by meaning, MTA-STS, TLS-RPT and BIMI tag by tag, anything
 * else as text. The types are in comparison.ts; MX sets are compared by mx.ts's compareMxSets.
 */
import { BIMI_VERSION } from "./bimi";
import { RecordComparison, compareTagLists, compareText } from "./comparison";
import { compareDkim } from "./dkim/compare";
import { isDkimKeyRecord } from "./dkim/parse";
import { compareDmarc } from "./dmarc/compare";
import { isDmarcRecord } from "./dmarc/parse";
import { STS_VERSION } from "./mta-sts";
import { compareSpf } from "./spf/compare";
import { isSpfRecord } from "./spf/recordset";
import { meantAs } from "./tags";
import { TLSRPT_VERSION } from "./tls-rpt";

export type { RecordComparison, RecordDifference } from "./comparison";
export { compareMxSets } from "./mx";

export type TxtKind = "spf" | "dmarc" | "dkim" | "mta-sts" | "tls-rpt" | "bimi" | "other";

/** What a TXT value is meant to be (lenient on case, as the check's record selection is). */
export function txtKind(value: string): TxtKind {
  if (isSpfRecord(value)) return "spf";
  if (isDmarcRecord(value)) return "dmarc";
  if (meantAs(value, STS_VERSION)) return "mta-sts";
  if (meantAs(value, TLSRPT_VERSION)) return "tls-rpt";
  if (meantAs(value, BIMI_VERSION)) return "bimi";
  if (isDkimKeyRecord(value)) return "dkim";
  return "other";
}

/**
 * Compare an expected TXT value with an actual one of the same kind; `domain` is the name the SPF record is
 * published at, when known (so "a:<domain>" means "a"). Values of different kinds are simply different.
 */
export function compareTxtRecords(expected: string, actual: string, domain?: string): RecordComparison & { kind: TxtKind } {
  const kind = txtKind(expected);
  if (txtKind(actual) !== kind) return { kind, ...compareText(expected, actual) };
  switch (kind) {
    case "spf":
      return { kind, ...compareSpf(expected, actual, domain) };
    case "dmarc":
      return { kind, ...compareDmarc(expected, actual) };
    case "dkim":
      return { kind, ...compareDkim(expected, actual) };
    case "mta-sts":
    case "tls-rpt":
    case "bimi":
      return { kind, ...compareTagLists(expected, actual, kind) };
    default:
      return { kind, ...compareText(expected, actual) };
  }
}
