/**
 * The optional records: TLS-RPT (RFC 8460) and BIMI (draft-brand-indicators-for-message-identification: the assertion record and its DMARC requirement).
 * Their absence is information, not a problem; a broken one is. MTA-STS has a folder of its own (mta-sts/).
 */
import { BIMI_VERSION, checkBimiDmarcRequirement, parseBimi } from "../../components/records/bimi";
import { ownerNames } from "../../components/records/names";
import { meantAs } from "../../components/records/tags";
import { parseTlsRpt, TLSRPT_VERSION } from "../../components/records/tls-rpt";
import { DnsClient } from "./dns/resolver";
import type { DmarcOutcome } from "./dmarc";
import { Finding, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "./findings";

export interface TlsRptOutcome {
  findings: Finding[];
  /** A valid record is published; its report destinations. */
  published: boolean;
  rua?: string[];
}

export async function checkTlsRpt(domain: string, dns: DnsClient): Promise<TlsRptOutcome> {
  const name = ownerNames.tlsRpt(domain);
  const l = await dns.lookup(name, "TXT");
  const none = (findings: Finding[]): TlsRptOutcome => ({ findings, published: false });
  if (l.status === "failed") return none([dnsFailureFinding(l.failure, name, "TLS-RPT record", "Senders cannot send TLS reports for now.", "warning")]);
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const rpt = values.filter((v) => meantAs(v, TLSRPT_VERSION));
  if (rpt.length === 0) return none([finding("tls-rpt.none", "info", `no TLS-RPT record at ${name}: senders send no reports about TLS failures delivering to ${domain}. Optional.`, name, "RFC 8460 §3")]);
  if (rpt.length > 1) return none([finding("tls-rpt.multiple-records", "error", `${rpt.length} TLS-RPT records at ${name}: senders then send no reports. Keep one.`, name, "RFC 8460 §3")]);
  const parsed = parseTlsRpt(rpt[0]);
  const findings = [...parsed.diagnostics.map((d) => fromDiagnostic(d, name, `TLS-RPT at ${name}`)), finding("tls-rpt.found", "info", `TLS-RPT at ${name}: "${rpt[0]}".`, name)];
  const ok = !parsed.diagnostics.some((d) => d.severity === "error") && (parsed.model.rua ?? []).length > 0;
  return { findings, published: ok, ...(ok ? { rua: parsed.model.rua } : {}) };
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
  // A failed DMARC lookup is reported on its own; whether BIMI's requirement holds is then unknown.
  if (d.temperror) {
    out.push(finding("bimi.found", "info", `BIMI at ${name}: "${bimi[0]}" (its DMARC requirement could not be checked: the DMARC lookup failed).`, name));
    return out;
  }
  const effective = d.model && !d.missing ? { p: d.policy, sp: d.model.sp, pct: d.model.pct } : undefined;
  out.push(...checkBimiDmarcRequirement(effective, "bimi").map((x) => fromDiagnostic(x, name, `BIMI at ${name}`)));
  out.push(finding("bimi.found", "info", `BIMI at ${name}: "${bimi[0]}".`, name));
  return out;
}
