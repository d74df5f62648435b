/**
 * IP addresses, through ipaddr.js (a well-kept parser) rather than hand-written regular
 * expressions: it knows every IPv6 shorthand, and its strict `isValidFourPartDecimal` rejects
 * the octal and hex forms that `inet_aton` would silently accept.
 */
import * as ipaddr from "ipaddr.js";

/** A dotted-quad IPv4 address in the strict four-part decimal form RFC 7208 §5.6 requires. */
export function isIPv4(s: string): boolean {
  // Cheap pre-check: ipaddr.js costs ~15 µs on a host name, and names are the common input.
  if (!/^[0-9.]+$/.test(s)) return false;
  return ipaddr.IPv4.isValidFourPartDecimal(s) && !/(^|\.)0\d/.test(s);
}

/** An IPv6 address in RFC 4291 §2.2 text form (no zone id). */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f.:]+$/.test(s)) return false;
  return !s.includes("%") && ipaddr.IPv6.isValid(s);
}

export function isIpLiteral(s: string): boolean {
  const bare = s.startsWith("[") && s.endsWith("]") ? s.slice(1, -1) : s;
  return isIPv4(bare) || isIPv6(bare);
}

/** Canonical text form (RFC 5952 for IPv6) used when rendering records. */
export function canonicalIp(s: string): string {
  return ipaddr.parse(s).toString();
}

/**
 * The network an address/prefix names, in canonical form without a full-length prefix: "192.0.2.77/24" →
 * "192.0.2.0/24", "192.0.2.1/32" → "192.0.2.1", "2001:DB8::1/128" → "2001:db8::1". Two texts that give the same
 * result match the same addresses.
 */
export function canonicalNetwork(ip: string, prefix?: number): string {
  const addr = ipaddr.parse(ip);
  const full = addr.kind() === "ipv4" ? 32 : 128;
  const bits = prefix ?? full;
  if (bits >= full) return addr.toString();
  const network = addr.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}
