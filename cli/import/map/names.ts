/** Where each mail record lives, by its owner name. */

export type NameKind =
  | { kind: "plain" }
  | { kind: "dmarc"; domain: string }
  | { kind: "report-authorization"; domain: string }
  | { kind: "domainkeys-policy"; domain: string }
  | { kind: "adsp"; domain: string }
  | { kind: "dkim"; domain: string; selector: string }
  | { kind: "mta-sts"; domain: string }
  | { kind: "tls-rpt"; domain: string }
  | { kind: "bimi"; domain: string; selector: string };

/** Where a mail record lives, by its owner name (RFC 7489 §6.1, RFC 6376 §3.6.2.1, RFC 8461 §3.1, RFC 8460 §3). */
export function classifyName(name: string): NameKind {
  let m = /^(.+)\._report\._dmarc\.(.+)$/.exec(name);
  if (m) return { kind: "report-authorization", domain: m[2] };
  if ((m = /^_dmarc\.(.+)$/.exec(name))) return { kind: "dmarc", domain: m[1] };
  if ((m = /^_adsp\._domainkey\.(.+)$/.exec(name))) return { kind: "adsp", domain: m[1] };
  if ((m = /^_domainkey\.(.+)$/.exec(name))) return { kind: "domainkeys-policy", domain: m[1] };
  if ((m = /^(.+?)\._domainkey\.(.+)$/.exec(name))) return { kind: "dkim", domain: m[2], selector: m[1] };
  if ((m = /^_mta-sts\.(.+)$/.exec(name))) return { kind: "mta-sts", domain: m[1] };
  if ((m = /^_smtp\._tls\.(.+)$/.exec(name))) return { kind: "tls-rpt", domain: m[1] };
  if ((m = /^(.+?)\._bimi\.(.+)$/.exec(name))) return { kind: "bimi", domain: m[2], selector: m[1] };
  return { kind: "plain" };
}
