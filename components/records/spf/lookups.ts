/**
 * The DNS-lookup limits of RFC 7208 §4.6.4, as the one place that knows which terms cost a query.
 *
 * The record-level count lives here; the live checker recurses through `include` and `redirect`
 * with these same functions and adds the counts of the records it reaches (the limit of 10 is for
 * the whole evaluation, nested records included).
 */
import { SpfMechanismName, SpfRecord, SpfTerm } from "./model";

/** At most 10 terms that cause DNS queries per SPF evaluation, nested ones included (§4.6.4). */
export const MAX_DNS_LOOKUPS = 10;
/** At most 2 lookups that return no answer (NXDOMAIN or no data) (§4.6.4). */
export const MAX_VOID_LOOKUPS = 2;
/** At most 10 names from one `mx` (MX hosts) or `ptr` (PTR names) are looked up (§4.6.4). */
export const MAX_NAMES_PER_LOOKUP = 10;

const LOOKUP_MECHANISMS: ReadonlySet<SpfMechanismName> = new Set<SpfMechanismName>(["include", "a", "mx", "ptr", "exists"]);

/** Index of the first `all` mechanism, or -1. */
export function firstAllIndex(record: SpfRecord): number {
  return record.terms.findIndex((t) => t.kind === "mechanism" && t.name === "all");
}

/**
 * The terms that cost a DNS query when the record is evaluated: `include a mx ptr exists` and
 * `redirect` (§4.6.4; `ip4`, `ip6`, `all` and `exp` do not count). Mechanisms after the first `all`
 * are never evaluated (§5.1: "all" always matches), and `redirect` is ignored when the record has an
 * `all` (§5.1, §6.1), so neither can cost a query on any evaluation path.
 */
export function dnsLookupTerms(record: SpfRecord): SpfTerm[] {
  const all = firstAllIndex(record);
  return record.terms.filter((t, i) => {
    if (t.kind === "mechanism") return LOOKUP_MECHANISMS.has(t.name) && (all < 0 || i < all);
    return t.name.toLowerCase() === "redirect" && all < 0;
  });
}

/** Number of DNS-querying terms in this record alone (see `dnsLookupTerms`). */
export function countDnsLookups(record: SpfRecord): number {
  return dnsLookupTerms(record).length;
}

/**
 * The records evaluation can reach from this one: `include` targets and the effective `redirect`,
 * as domain-specs (the checker expands macros where it can, or skips them).
 */
export interface ReferencedRecord {
  via: "include" | "redirect";
  domainSpec: string;
}

export function referencedRecords(record: SpfRecord): ReferencedRecord[] {
  return dnsLookupTerms(record).flatMap((t): ReferencedRecord[] => {
    if (t.kind === "mechanism" && t.name === "include" && t.domainSpec !== undefined) return [{ via: "include", domainSpec: t.domainSpec }];
    if (t.kind === "modifier") return [{ via: "redirect", domainSpec: t.value }];
    return [];
  });
}

/**
 * True when the record authorizes some sender: a mechanism with the pass qualifier, or
 * `redirect=`. False for `v=spf1 -all` and the like, the record of a domain that sends no mail
 * (M3AAWG parked domains; a null MX beside it is consistent, RFC 7505 §4.2).
 */
export function authorizesSomeSender(record: SpfRecord): boolean {
  return record.terms.some((t) => (t.kind === "mechanism" ? t.qualifier === "+" : t.name === "redirect"));
}
