/**
 * MX of one domain: the record set by the core's rules (null MX alone, no IP literals, preferences), every
 * exchange resolving to A/AAAA and not being an alias (RFC 2181 §10.3), and the implicit MX of RFC 5321 §5.1 when
 * there is none. The MX answer also tells
 * whether the domain exists at all (NXDOMAIN).
 */
import { MxRecord, isNullMx, mxHostIsAlias, validateMxSet } from "../../components/records/mx";
import { isIpLiteral } from "../../components/records/ip";
import { DnsClient, normalize } from "./dns/resolver";
import { Finding, dnsFailureFinding, finding, fromDiagnostic } from "./findings";

export interface MxOutcome {
  findings: Finding[];
  /** The domain does not exist (NXDOMAIN on its MX). */
  nxdomain: boolean;
  nullMx: boolean;
  /** Exchanges (normal form); empty for a null MX or none. */
  hosts: string[];
  /** No MX record: mail goes to the domain's own A/AAAA, if any. */
  implicit: boolean;
  /** The MX records read (normal form); empty when there are none or the lookup failed. */
  records: MxRecord[];
  temperror: boolean;
}

export async function checkMx(domain: string, dns: DnsClient): Promise<MxOutcome> {
  const out: MxOutcome = { findings: [], nxdomain: false, nullMx: false, hosts: [], implicit: false, temperror: false, records: [] };
  const l = await dns.lookup(domain, "MX");
  if (l.status === "failed") {
    out.temperror = true;
    out.findings.push(dnsFailureFinding(l.failure, domain, "MX records", "Senders and receivers that verify the domain get a temporary error."));
    return out;
  }
  if (l.status === "nxdomain") {
    out.nxdomain = true;
    out.findings.push(
      finding(
        "dns.nxdomain",
        "error",
        `${domain} does not exist (NXDOMAIN from ${dns.serverLabel}): receivers reject mail from a domain that does not exist (Postfix reject_unknown_sender_domain, Gmail), and nothing can be delivered to it. Check the spelling, the registration, and that the DNS asked serves the domain.`,
        domain,
        "RFC 8020",
      ),
    );
    return out;
  }
  const records: MxRecord[] = l.status === "ok" ? l.records.map((r) => ({ priority: r.priority, exchange: r.exchange === "" || r.exchange === "." ? "." : normalize(r.exchange) })) : [];
  out.records = records;
  if (records.length === 0) {
    out.implicit = true;
    const [a, aaaa] = await Promise.all([dns.lookup(domain, "A"), dns.lookup(domain, "AAAA")]);
    const addrs = [...(a.status === "ok" ? a.records : []), ...(aaaa.status === "ok" ? aaaa.records : [])];
    if (addrs.length > 0) {
      out.findings.push(
        finding("mx.implicit", "warning", `${domain} has no MX record, so mail to it goes to the domain's own address (${addrs.join(", ")}, the implicit MX): publish an MX record naming the mail server, or a null MX ("0 .") if ${domain} receives no mail.`, domain, "RFC 5321 §5.1; RFC 7505"),
      );
    } else {
      const failed = [a, aaaa].find((x) => x.status === "failed");
      if (failed && failed.status === "failed") {
        // Without the address answer nobody knows whether the implicit MX exists: a DNS failure, not an absence.
        out.temperror = true;
        out.findings.push(dnsFailureFinding(failed.failure, domain, `addresses for the implicit MX (${domain} has no MX record)`, "Whether the domain can receive mail is unknown; senders that get this failure retry later."));
        return out;
      }
      out.findings.push(
        finding("mx.none", "error", `${domain} has neither MX nor A/AAAA records, so it cannot receive mail: bounces and replies are lost, and receivers that verify sender domains (Postfix reject_unknown_sender_domain, many spam filters) reject its mail. Publish an MX record, or a null MX ("0 .") if the domain only sends.`, domain, "RFC 5321 §5.1; RFC 7505 §3"),
      );
    }
    return out;
  }

  out.findings.push(...validateMxSet(records, "mx").map((d) => fromDiagnostic(d, domain, `MX of ${domain}`)));
  if (records.some(isNullMx)) {
    out.nullMx = true;
    if (records.length === 1) out.findings.push(finding("mx.null", "info", `${domain} publishes a null MX ("0 ."): it accepts no mail. Receivers may reject mail from it (550 5.7.27), so it should not send mail either.`, domain, "RFC 7505 §3; RFC 7505 §4.2"));
    return out;
  }
  const sorted = [...records].sort((x, y) => x.priority - y.priority);
  const hosts = [...new Set(sorted.map((r) => r.exchange))].filter((h) => !isIpLiteral(h));
  out.hosts = hosts;
  // The CNAME question tells an alias apart: a recursive resolver follows it silently in the address answers.
  const addrs = await Promise.all(hosts.map((h) => Promise.all([dns.lookup(h, "A"), dns.lookup(h, "AAAA"), dns.lookup(h, "CNAME")])));
  const shown = new Map<string, string>();
  const unresolvable: string[] = [];
  hosts.forEach((h, i) => {
    const [a, aaaa, cname] = addrs[i];
    const chain = a.chain.length ? a.chain : aaaa.chain.length ? aaaa.chain : cname.status === "ok" && cname.records.length ? cname.records.map(normalize) : [];
    if (chain.length > 0) out.findings.push(fromDiagnostic(mxHostIsAlias(h, chain, "mx"), domain, `MX of ${domain}`));
    const list = [...(a.status === "ok" ? a.records : []), ...(aaaa.status === "ok" ? aaaa.records : [])];
    const failed = [a, aaaa].find((x) => x.status === "failed");
    if (list.length === 0 && failed && failed.status === "failed") {
      out.findings.push(dnsFailureFinding(failed.failure, h, `addresses of MX host ${h}`, "Senders cannot deliver to this host until it resolves.", "warning"));
      shown.set(h, "address lookup failed");
      return;
    }
    if (list.length === 0) {
      unresolvable.push(`${h} (${a.status === "nxdomain" ? "does not exist" : "no A or AAAA record"})`);
      shown.set(h, "no address");
      return;
    }
    shown.set(h, list.join(", "));
  });
  if (unresolvable.length > 0) {
    const all = unresolvable.length === hosts.length;
    out.findings.push(
      finding(
        "mx.host-unresolvable",
        all ? "error" : "warning",
        `MX host${unresolvable.length > 1 ? "s" : ""} of ${domain} without an address: ${unresolvable.join(", ")}. ${all ? "No mail can be delivered to the domain, and receivers that verify sender domains reject its mail" : "Senders skip to the other MX hosts after a delay"}: publish A/AAAA records for ${unresolvable.length > 1 ? "them" : "it"} or fix the MX.`,
        domain,
        "RFC 5321 §5.1",
      ),
    );
  }
  out.findings.push(finding("mx.found", "info", `MX of ${domain}: ${sorted.map((r) => `${r.priority} ${r.exchange}${shown.has(r.exchange) ? ` (${shown.get(r.exchange)})` : ""}`).join(", ")}.`, domain));
  return out;
}
