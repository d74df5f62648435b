/**
 * The stack's records grouped by owner name, and its mail domains: names with MX records or an
 * SPF record (the definition the stack policies share).
 */
import { isNullMx, parseMx } from "../../components/records/mx";
import { authorizesSomeSender, isSpfRecord, parseSpf } from "../../components/records/spf";
import { DnsRecordView, ownerKey, OwnerName, StackRecords } from "../records";

export interface OwnerGroup {
  owner: OwnerName;
  records: DnsRecordView[];
}

/** Records of the given types (type unknown counts too) grouped by owner; records without a known owner apart. */
export function groupByOwner(records: StackRecords, types: readonly string[]): { groups: Map<string, OwnerGroup>; ownerless: DnsRecordView[] } {
  const groups = new Map<string, OwnerGroup>();
  const ownerless: DnsRecordView[] = [];
  for (const v of records.records) {
    if (v.type !== undefined && !types.includes(v.type)) continue;
    if (!v.owner) {
      ownerless.push(v);
      continue;
    }
    const key = ownerKey(v.owner);
    const g = groups.get(key) ?? { owner: v.owner, records: [] };
    g.records.push(v);
    groups.set(key, g);
  }
  return { groups, ownerless };
}

/** One value of a record, with the resource it comes from. */
export interface SourcedValue {
  view: DnsRecordView;
  value: string;
}

export function valuesOf(records: readonly DnsRecordView[], keep: (value: string) => boolean): SourcedValue[] {
  return records.flatMap((view) => (view.record?.values ?? []).filter(keep).map((value) => ({ view, value })));
}

export interface MailDomain {
  owner: OwnerName;
  /** MX record resources at the name. */
  mx: DnsRecordView[];
  /** Known SPF values at the name. */
  spf: SourcedValue[];
  /** A known MX value other than the null MX: the domain receives mail. */
  receives: boolean;
  /**
   * False only when the domain's SPF authorizes nobody (`v=spf1 -all`, the M3AAWG parked-domain
   * record): such a domain sends no mail. Otherwise it may send.
   */
  sends: boolean;
  /** The resource to attach a domain-level violation to. */
  urn: string;
}

export function mailDomains(records: StackRecords): MailDomain[] {
  const { groups } = groupByOwner(records, ["MX", "TXT"]);
  const out: MailDomain[] = [];
  for (const g of groups.values()) {
    const mx = g.records.filter((v) => v.type === "MX");
    const spf = valuesOf(g.records.filter((v) => v.type === "TXT"), isSpfRecord);
    if (mx.length === 0 && spf.length === 0) continue;
    const receives = mx.some((v) => (v.record?.values ?? []).some((value) => {
      const m = parseMx(value).model;
      return m.exchange !== undefined && !isNullMx({ exchange: m.exchange });
    }));
    const sends = spf.length === 0 || spf.some((s) => authorizesSomeSender(parseSpf(s.value).model));
    out.push({ owner: g.owner, mx, spf, receives, sends, urn: (mx[0] ?? spf[0].view).urn });
  }
  return out;
}
