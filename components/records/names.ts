/**
 * Domain names: normalization, IDNA, size limits, and the owner names mail records live at.
 *
 * Normal form everywhere in the project: ASCII (A-labels), lower case, no trailing dot. `fqdn()`
 * adds the dot where a zone file or a provider needs it.
 */
import { toASCII } from "tr46";
import { Diagnostic, invalid } from "./diagnostics";
import { isIpLiteral } from "./ip";

export interface NormalizedName {
  /** The normalized name, or the best effort at it when diagnostics has errors. */
  name: string;
  diagnostics: Diagnostic[];
}

export interface NameRules {
  /**
   * Host names (MX targets, A/AAAA owners) follow the LDH rule of RFC 1123 §2.1; other owner names
   * may carry underscore labels such as `_dmarc` (RFC 8552).
   */
  hostname?: boolean;
  /** Accept a single `*` as the first label (wildcard owner, RFC 4592). */
  wildcard?: boolean;
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const OWNER_LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * Normalize a domain name and check it against RFC 1035 §2.3.4 (label ≤ 63 octets, name ≤ 253
 * octets in text form), IDNA2008/UTS #46 (RFC 5891: Unicode labels become A-labels) and the
 * character rules for host names or owner names.
 */
export function normalizeName(input: string, field = "name", rules: NameRules = {}): NormalizedName {
  const diagnostics: Diagnostic[] = [];
  // Checked before trimming: a line break at either end of user text is a mistake to report, not
  // whitespace to drop silently (a newline must never reach a record).
  if (/[\u0000-\u001f\u007f]/.test(input)) {
    diagnostics.push(invalid("name.invalid-character", field, `${field} "${printable(input)}" contains a line break or control character: remove it.`, "RFC 1035 §2.3.1"));
    return { name: input.trim().toLowerCase(), diagnostics };
  }
  const trimmed = input.trim();
  let name = trimmed.endsWith(".") && trimmed !== "." ? trimmed.slice(0, -1) : trimmed;
  if (name === "" || name === ".") {
    diagnostics.push(invalid("name.empty", field, `${field} is empty: give a domain name such as example.com.`, "RFC 1035 §2.3.1"));
    return { name: "", diagnostics };
  }
  if (isIpLiteral(name)) {
    diagnostics.push(invalid("name.ip-literal", field, `${field} "${input}" is an IP address, not a domain name: give the host name that resolves to it.`, "RFC 5321 §5.1"));
    return { name, diagnostics };
  }
  if (/[\u0000-\u0020\u007f]/.test(name)) {
    diagnostics.push(invalid("name.invalid-character", field, `${field} "${printable(input)}" contains a space or control character: remove it.`, "RFC 1035 §2.3.1"));
    return { name, diagnostics };
  }
  if (/[^\u0000-\u007f]/.test(name) || /(^|\.)xn--/i.test(name)) {
    // tr46 implements UTS #46 processing, the IDNA mapping browsers and mail software use.
    const ascii = toASCII(name, {
      checkHyphens: false,
      checkBidi: true,
      checkJoiners: true,
      useSTD3ASCIIRules: false,
      transitionalProcessing: false,
      verifyDNSLength: false,
    });
    if (ascii === null) {
      diagnostics.push(invalid("name.idna", field, `${field} "${input}" is not a valid internationalized domain name: check its spelling or give its A-label (xn--…) form.`, "RFC 5891 §4"));
      return { name: name.toLowerCase(), diagnostics };
    }
    name = ascii;
  }
  name = name.toLowerCase();
  const labels = name.split(".");
  labels.forEach((label, i) => {
    if (label === "") {
      diagnostics.push(invalid("name.empty-label", field, `${field} "${input}" has an empty label (two dots in a row or a leading dot): remove the extra dot.`, "RFC 1035 §2.3.1"));
      return;
    }
    if (Buffer.byteLength(label, "utf8") > 63) {
      diagnostics.push(invalid("name.label-too-long", field, `${field} label "${label.slice(0, 20)}…" is ${Buffer.byteLength(label)} octets; a label holds at most 63.`, "RFC 1035 §2.3.4"));
      return;
    }
    if (rules.wildcard && i === 0 && label === "*") return;
    const ok = rules.hostname ? LDH_LABEL.test(label) : OWNER_LABEL.test(label);
    if (!ok) {
      const allowed = rules.hostname ? "letters, digits and inner hyphens" : "letters, digits, underscores and inner hyphens";
      diagnostics.push(invalid("name.invalid-character", field, `${field} label "${printable(label)}" may contain only ${allowed}.`, rules.hostname ? "RFC 1123 §2.1" : "RFC 2181 §11"));
    }
  });
  if (Buffer.byteLength(name) > 253) {
    diagnostics.push(invalid("name.too-long", field, `${field} is ${Buffer.byteLength(name)} octets; a domain name holds at most 253 in text form.`, "RFC 1035 §2.3.4"));
  }
  if (labels.length > 1 && /^[0-9]+$/.test(labels[labels.length - 1])) {
    diagnostics.push(invalid("name.numeric-tld", field, `${field} "${input}" ends in an all-numeric label, which no top-level domain has: check for a typo or an IP address.`, "RFC 3696 §2"));
  }
  return { name, diagnostics };
}

/** A DKIM selector: one or more dot-separated LDH labels (RFC 6376 §3.1, sub-domain of RFC 5321). */
export function validateSelector(selector: string, field = "selector"): Diagnostic[] {
  if (selector === "") {
    return [invalid("name.selector-empty", field, `${field} is empty: give a selector such as "mail" or "s2026".`, "RFC 6376 §3.1")];
  }
  const labels = selector.split(".");
  if (labels.some((l) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l) || l.length > 63)) {
    return [invalid("name.selector-syntax", field, `${field} "${printable(selector)}" is not a valid DKIM selector: use letters, digits and inner hyphens, optionally in dot-separated labels (no spaces or underscores).`, "RFC 6376 §3.1")];
  }
  return [];
}

/** The name with its trailing dot, as zone files and fully qualified rdata want it. */
export function fqdn(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

/** True when `name` equals `zone` or lies below it. Both in normal form. */
export function isWithin(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The name relative to its zone, `@` for the apex (zone-file and provider short form). */
export function relativeName(name: string, zone: string): string {
  if (name === zone) return "@";
  return isWithin(name, zone) ? name.slice(0, -(zone.length + 1)) : fqdn(name);
}

/** Owner names mail records live at. */
export const ownerNames = {
  /** DMARC policy record (RFC 7489 §6.1). */
  dmarc: (domain: string): string => `_dmarc.${domain}`,
  /** DKIM key record (RFC 6376 §3.6.2.1). */
  dkim: (selector: string, domain: string): string => `${selector.toLowerCase()}._domainkey.${domain}`,
  /** MTA-STS policy indicator (RFC 8461 §3.1). */
  mtaSts: (domain: string): string => `_mta-sts.${domain}`,
  /** Host that serves the MTA-STS policy file over HTTPS (RFC 8461 §3.2). */
  mtaStsPolicyHost: (domain: string): string => `mta-sts.${domain}`,
  /** TLS-RPT policy (RFC 8460 §3). */
  tlsRpt: (domain: string): string => `_smtp._tls.${domain}`,
  /** BIMI assertion record (draft-brand-indicators-for-message-identification §4). */
  bimi: (domain: string, selector = "default"): string => `${selector.toLowerCase()}._bimi.${domain}`,
  /** External DMARC report authorization (RFC 7489 §7.1). */
  dmarcReportAuthorization: (domain: string, destination: string): string => `${domain}._report._dmarc.${destination}`,
};

/** Render control characters visibly in messages. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
