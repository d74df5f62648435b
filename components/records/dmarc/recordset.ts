/**
 * All the TXT values at one `_dmarc` name taken together (RFC 7489 §6.6.3): receivers keep those
 * that start with v=DMARC1; if more than one remains, "policy discovery terminates and DMARC
 * processing is not applied": two DMARC records are as good as none.
 */
import { Diagnostic, invalid, risky } from "../diagnostics";
import { isDmarcRecord } from "./parse";
import { RFC_DISCOVERY } from "./model";

export interface DmarcRecordSetCheck {
  /** The one DMARC record at the name, when there is exactly one. */
  record?: string;
  diagnostics: Diagnostic[];
}

export function checkDmarcRecordSet(txtValues: readonly string[]): DmarcRecordSetCheck {
  const records = (txtValues ?? []).filter(isDmarcRecord);
  if (records.length === 1) return { record: records[0], diagnostics: [] };
  if (records.length === 0) {
    return {
      diagnostics: [risky("dmarc.no-record", "warning", "", "no TXT record starting with v=DMARC1 here: receivers apply no DMARC to this domain, and Gmail and Yahoo require one (at least p=none) from bulk senders. Publish v=DMARC1; p=none; rua=mailto:… and tighten the policy later.", RFC_DISCOVERY)],
    };
  }
  return {
    diagnostics: [invalid("dmarc.multiple-records", "", `${records.length} TXT records here start with v=DMARC1; receivers then apply no DMARC at all, as if there were none. Merge them into a single record and delete the others.`, RFC_DISCOVERY)],
  };
}
