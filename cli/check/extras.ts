/**
 * The optional records: MTA-STS (RFC 8461: the `_mta-sts` TXT and the policy host's address), TLS-RPT (RFC 8460)
 * and BIMI (draft-brand-indicators-for-message-identification: the assertion record and its DMARC requirement).
 * Their absence is information, not a problem; a broken one is.
 */
import { BIMI_VERSION, checkBimiDmarcRequirement, parseBimi } from "../../components/records/bimi";
import { isMtaStsTxtRecord, parseMtaStsTxt } from "../../components/records/mta-sts";
import { ownerNames } from "../../components/records/names";
import { leadingVersion, meantAs } from "../../components/records/tags";
import { parseTlsRpt, TLSRPT_VERSION } from "../../components/records/tls-rpt";
import { DnsClient } from "./dns/resolver";
import type { DmarcOutcome } from "./dmarc";
import { Finding, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "./findings";

export async function checkMtaSts(domain: string, dns: DnsClient): Promise<Finding[]> {
  const name = ownerNames.mtaSts(domain);
  const l = await dns.lookup(name, "TXT");
  if (l.status === "failed") return [dnsFailureFinding(l.failure, name, "MTA-STS record", "Senders treat the domain as having no MTA-STS policy for now.", "warning")];
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const sts = values.filter(isMtaStsTxtRecord);
  const attempts = values.filter((v) => (leadingVersion(v) ?? "").toLowerCase().startsWith("sts") && !sts.includes(v));
  const out: Finding[] = [];
  if (sts.length === 0 && attempts.length === 0) {
    return [finding("mta-sts.none", "info", `no MTA-STS record at ${name}: senders may deliver to ${domain} without verified TLS. Optional; publish one with a policy at https://${ownerNames.mtaStsPolicyHost(domain)}/.well-known/mta-sts.txt to require TLS.`, name, "RFC 8461 §3.1")];
  }
  if (sts.length > 1) {
    return [finding("mta-sts.multiple-records", "error", `${sts.length} MTA-STS records at ${name}: senders then assume the domain has no MTA-STS policy. Keep one.`, name, "RFC 8461 §3.1")];
  }
  const text = sts[0] ?? attempts[0];
  const parsed = parseMtaStsTxt(text);
  out.push(...parsed.diagnostics.map((d) => fromDiagnostic(d, name, `MTA-STS at ${name}`)));
  // The policy is fetched over HTTPS from mta-sts.<domain>: without an address there is no policy.
  const host = ownerNames.mtaStsPolicyHost(domain);
  const [a, aaaa] = await Promise.all([dns.lookup(host, "A"), dns.lookup(host, "AAAA")]);
  const addrs = [...(a.status === "ok" ? a.records : []), ...(aaaa.status === "ok" ? aaaa.records : [])];
  if (addrs.length === 0 && a.status !== "failed" && aaaa.status !== "failed") {
    out.push(finding("mta-sts.policy-host-missing", "error", `the MTA-STS record says a policy exists, but ${host} has no A/AAAA record, so senders cannot fetch https://${host}/.well-known/mta-sts.txt and treat the domain as having no policy: publish the policy host (a static site or a CNAME to one).`, host, "RFC 8461 §3.3"));
  }
  out.push(finding("mta-sts.found", "info", `MTA-STS at ${name}: "${text}"; policy host ${host}${addrs.length ? ` (${addrs.join(", ")})` : ""}. (The policy file itself is not fetched.)`, name));
  return out;
}

export async function checkTlsRpt(domain: string, dns: DnsClient): Promise<Finding[]> {
  const name = ownerNames.tlsRpt(domain);
  const l = await dns.lookup(name, "TXT");
  if (l.status === "failed") return [dnsFailureFinding(l.failure, name, "TLS-RPT record", "Senders cannot send TLS reports for now.", "warning")];
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const rpt = values.filter((v) => meantAs(v, TLSRPT_VERSION));
  if (rpt.length === 0) return [finding("tls-rpt.none", "info", `no TLS-RPT record at ${name}: senders send no reports about TLS failures delivering to ${domain}. Optional.`, name, "RFC 8460 §3")];
  if (rpt.length > 1) return [finding("tls-rpt.multiple-records", "error", `${rpt.length} TLS-RPT records at ${name}: senders then send no reports. Keep one.`, name, "RFC 8460 §3")];
  const parsed = parseTlsRpt(rpt[0]);
  return [...parsed.diagnostics.map((d) => fromDiagnostic(d, name, `TLS-RPT at ${name}`)), finding("tls-rpt.found", "info", `TLS-RPT at ${name}: "${rpt[0]}".`, name)];
}

export async function checkBimi(domain: string, dns: DnsClient, dmarc: Promise<DmarcOutcome>): Promise<Finding[]> {
  const name = ownerNames.bimi(domain);
  const l = await dns.lookup(name, "TXT");
  if (l.status === "failed") return [dnsFailureFinding(l.failure, name, "BIMI record", "Receivers show no logo for now.", "warning")];
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const bimi = values.filter((v) => meantAs(v, BIMI_VERSION));
  if (bimi.length === 0) return [];
  if (bimi.length > 1) return [finding("bimi.multiple-records", "error", `${bimi.length} BIMI records at ${name}: receivers show no logo. Keep one.`, name)];
  const parsed = parseBimi(bimi[0]);
  const out = parsed.diagnostics.map((d) => fromDiagnostic(d, name, `BIMI at ${name}`));
  const d = await dmarc;
  const effective = d.model && !d.missing ? { p: d.policy, sp: d.model.sp, pct: d.model.pct } : undefined;
  out.push(...checkBimiDmarcRequirement(effective, "bimi").map((x) => fromDiagnostic(x, name, `BIMI at ${name}`)));
  out.push(finding("bimi.found", "info", `BIMI at ${name}: "${bimi[0]}".`, name));
  return out;
}
