/**
 * The one name-matching rule of MTA-STS, shared by the component (do the policy's `mx` patterns cover the declared
 * MX hosts?), the check (do they cover the live MX hosts? does each MX certificate name its host?) and the policy
 * host's certificate check.
 *
 * RFC 8461 §4.1: an MX host is valid if its name matches an `mx` pattern; "*." may replace the whole leftmost label
 * and then matches exactly one label ("*.example.com" matches "mx.example.com", not "example.com" nor
 * "a.b.example.com"). RFC 8461 §4.2 and §3.3: the certificate must carry a subjectAltName DNS-ID matching the host
 * by the rules of RFC 6125 §6.4: case-insensitive comparison of A-labels, a wildcard only as the complete leftmost
 * label, never the Common Name when DNS-IDs exist (MTA-STS requires the SAN, so the CN never counts here).
 * Partial-label wildcards ("m*.example.com", RFC 6125 §6.4.3 "MAY") are not honoured: most sender TLS stacks
 * reject them, so a certificate that depends on one is a certificate some senders refuse.
 */

/** Lower case, no trailing dot: the form both sides are compared in. */
function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** Does an MX host match a policy pattern (both in any case, with or without a trailing dot)? */
export function mxPatternMatches(pattern: string, host: string): boolean {
  const p = canonical(pattern);
  const h = canonical(host);
  if (!p.startsWith("*.")) return p === h;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The hosts no pattern covers, in the order given. */
export function uncoveredMxHosts(patterns: readonly string[], hosts: readonly string[]): string[] {
  return hosts.filter((h) => !patterns.some((p) => mxPatternMatches(p, h)));
}

/**
 * Does a certificate with these subjectAltName DNS-IDs name `host`? A DNS-ID is matched like an `mx` pattern (one
 * leftmost wildcard label); anything with a "*" elsewhere never matches.
 */
export function certificateNamesHost(dnsNames: readonly string[], host: string): boolean {
  return dnsNames.some((n) => {
    const c = canonical(n);
    if (c.slice(c.startsWith("*.") ? 2 : 0).includes("*")) return false;
    return mxPatternMatches(c, host);
  });
}
