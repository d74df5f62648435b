/**
 * Reverse DNS of the sending IP (`--ip`): Gmail and Yahoo require a PTR record whose name resolves back to the IP
 * (forward-confirmed reverse DNS); Gmail answers 550-5.7.25 otherwise.
 */
import * as ipaddr from "ipaddr.js";
import { DnsClient } from "./dns/resolver";
import { Finding, finding } from "./findings";

export interface RdnsOutcome {
  findings: Finding[];
  /** true: forward-confirmed; false: missing or not confirmed; undefined: could not be checked. */
  ok?: boolean;
  names: string[];
}

/** The PTR owner name of an address (in-addr.arpa / ip6.arpa). */
export function reverseName(ip: string): string {
  const addr = ipaddr.process(ip);
  if (addr.kind() === "ipv4") return `${addr.toByteArray().reverse().join(".")}.in-addr.arpa`;
  const hex = addr.toByteArray().map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.split("").reverse().join(".")}.ip6.arpa`;
}

export async function checkReverseDns(ip: string, dns: DnsClient): Promise<RdnsOutcome> {
  const name = reverseName(ip);
  const rule = "Gmail requires sending IPs to have a PTR record whose host name resolves back to the IP (550-5.7.25), and Yahoo and Microsoft junk or reject mail without one";
  const l = await dns.lookup(name, "PTR");
  if (l.status === "failed") {
    // Reverse zones are served by the IP's owner, often not by the server asked: only information.
    return { names: [], findings: [finding("rdns.unknown", "info", `reverse DNS of ${ip} could not be checked (${l.failure.message}).`, name)] };
  }
  if (l.status !== "ok" || l.records.length === 0) {
    return { ok: false, names: [], findings: [finding("rdns.missing", "error", `${ip} has no reverse DNS (no PTR record at ${name}, ${l.status === "nxdomain" ? "NXDOMAIN" : "NODATA"}). ${rule}: ask whoever owns the IP (hosting or ISP) to set its PTR to the mail server's host name.`, name, "RFC 1912 §2.1")] };
  }
  const names = l.records.map((n) => n.replace(/\.$/, "").toLowerCase());
  const family = ipaddr.process(ip).kind() === "ipv4" ? "A" : "AAAA";
  const want = ipaddr.process(ip).toNormalizedString();
  const forward = await Promise.all(names.map((n) => dns.lookup(n, family)));
  const confirmed = names.filter((_, i) => {
    const f = forward[i];
    return f.status === "ok" && f.records.some((a) => ipaddr.isValid(a) && ipaddr.process(a).toNormalizedString() === want);
  });
  const forwardFailed = forward.find((f) => f.status === "failed");
  if (confirmed.length === 0 && forwardFailed && forwardFailed.status === "failed") {
    // A name whose address lookup failed may well resolve back: unknown, not a mismatch.
    return { names, findings: [finding("rdns.unknown", "info", `reverse DNS of ${ip} is ${names.join(", ")}, but whether it resolves back could not be checked (${forwardFailed.failure.message}).`, name)] };
  }
  if (confirmed.length === 0) {
    return { ok: false, names, findings: [finding("rdns.mismatch", "error", `${ip} has reverse DNS ${names.join(", ")}, but ${names.length > 1 ? "none of these names resolves" : "that name does not resolve"} back to ${ip} (${family}). ${rule}: add a ${family} record ${names[0]} → ${ip}, or change the PTR.`, name, "RFC 1912 §2.1")] };
  }
  return { ok: true, names, findings: [finding("rdns.found", "info", `reverse DNS of ${ip}: ${confirmed.join(", ")}, which resolves back to it.`, name)] };
}
