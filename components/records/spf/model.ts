/**
 * The SPF record model (RFC 7208 §4.6.1, §5, §6).
 *
 * The model keeps what the record says, not how it was spelled: mechanism and modifier names are
 * lower case (they are case-insensitive, §4.6.1), an omitted qualifier is "+" (§4.6.2). Domain-specs,
 * addresses and modifier values are kept as written: macros are case-sensitive (`%{D}` URL-escapes,
 * §7.3), and the builder, not the model, decides on canonical address forms.
 */
import { printable } from "../names";

export type SpfQualifier = "+" | "-" | "~" | "?";
export type SpfMechanismName = "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";

export interface SpfMechanism {
  kind: "mechanism";
  qualifier: SpfQualifier;
  name: SpfMechanismName;
  /** include/exists (required), a/mx/ptr (optional). */
  domainSpec?: string;
  /** ip4/ip6: the address as written, without its CIDR length. */
  ip?: string;
  /** ip4: `/n`; a/mx: the IPv4 half of the dual-cidr-length (§5.6). */
  cidr4?: number;
  /** ip6: `/n`; a/mx: the IPv6 half of the dual-cidr-length, written `//n` (§5.6). */
  cidr6?: number;
}

/** `redirect`, `exp`, or an unknown modifier (which receivers ignore, §6). Name in lower case. */
export interface SpfModifier {
  kind: "modifier";
  name: string;
  value: string;
}

export type SpfTerm = SpfMechanism | SpfModifier;

export interface SpfRecord {
  terms: SpfTerm[];
}

export const SPF_VERSION = "v=spf1";
export const QUALIFIERS: readonly SpfQualifier[] = ["+", "-", "~", "?"];
export const MECHANISM_NAMES: readonly SpfMechanismName[] = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"];
export const KNOWN_MODIFIERS: readonly string[] = ["redirect", "exp"];

/** The section of RFC 7208 that defines each mechanism and modifier, for diagnostics. */
const SECTIONS: Record<string, string> = {
  all: "§5.1",
  include: "§5.2",
  a: "§5.3",
  mx: "§5.4",
  ptr: "§5.5",
  ip4: "§5.6",
  ip6: "§5.6",
  exists: "§5.7",
  redirect: "§6.1",
  exp: "§6.2",
};

export function rfcFor(name: string): string {
  return `RFC 7208 ${SECTIONS[name] ?? "§4.6.1"}`;
}

export function isMechanismName(name: string): name is SpfMechanismName {
  return (MECHANISM_NAMES as readonly string[]).includes(name);
}

export function isQualifier(q: string): q is SpfQualifier {
  return (QUALIFIERS as readonly string[]).includes(q);
}

/** A term's text for messages, with control characters made visible and long text cut. */
export function show(s: string, max = 80): string {
  const p = printable(s);
  return p.length > max ? `${p.slice(0, max)}…` : p;
}
