/**
 * Organizational domains (RFC 7489 §3.2): the registered domain one label below a public suffix,
 * found with the Public Suffix List as packaged by tldts (kept current with the list upstream).
 * Pure: tldts carries the list in memory, nothing is fetched.
 */
import { getDomain, getPublicSuffix } from "tldts";

const OPTIONS = { allowPrivateDomains: true, validateHostname: false, extractHostname: false } as const;

/** The organizational domain of a name, or the name itself when it is a public suffix or unknown. */
export function organizationalDomain(name: string): string {
  const n = name.toLowerCase().replace(/\.$/, "");
  return getDomain(n, OPTIONS) ?? n;
}

/** True when the name is itself a public suffix (`com`, `co.uk`, `github.io`). */
export function isPublicSuffix(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  return getPublicSuffix(n, OPTIONS) === n && getDomain(n, OPTIONS) === null;
}

/** True when both names share an organizational domain (relaxed alignment, RFC 7489 §3.1). */
export function sameOrganization(a: string, b: string): boolean {
  return organizationalDomain(a) === organizationalDomain(b);
}
