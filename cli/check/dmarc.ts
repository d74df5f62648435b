/**
 * DMARC of one domain (RFC 7489): policy discovery with the organizational-domain fallback of §6.6.3, the record's
 * syntax by the core's parser, and the external report authorization of §7.1 for every rua/ruf destination outside
 * the domain's organization.
 */
import {
  DmarcRecord,
  checkDmarcRecordSet,
  externalReportDestinations,
  isReportAuthorization,
  parseDmarc,
} from "../../components/records/dmarc";
import { ownerNames } from "../../components/records/names";
import { organizationalDomain } from "../../components/records/orgdomain";
import { DnsClient, Lookup, RecordData } from "./dns/resolver";
import { Finding, describeAbsence, dnsFailureFinding, finding, fromDiagnostic, joinedTxt } from "./findings";

export interface DmarcOutcome {
  findings: Finding[];
  /** The record receivers apply, when there is exactly one. */
  record?: string;
  model?: DmarcRecord;
  /** Where the record was found: `_dmarc.<domain>` or `_dmarc.<organizational domain>`. */
  recordName?: string;
  /** Found at the organizational domain: its sp= (or p=) applies. */
  inherited: boolean;
  /** The policy receivers apply to this domain's mail. */
  policy?: string;
  pct?: number;
  /** No usable DMARC (missing, several records, or invalid). */
  missing: boolean;
  temperror: boolean;
}

export async function checkDmarc(domain: string, dns: DnsClient): Promise<DmarcOutcome> {
  const out: DmarcOutcome = { findings: [], inherited: false, missing: true, temperror: false };
  const own = ownerNames.dmarc(domain);
  const first = await dns.lookup(own, "TXT");
  let found = await examine(first, own, out);
  const org = found === "none" || found === "failed" ? organizationalDomain(domain) : domain;
  let orgLookup: Lookup<RecordData["TXT"]> | undefined;
  if (found === "none" && org !== domain) {
    const orgName = ownerNames.dmarc(org);
    orgLookup = await dns.lookup(orgName, "TXT");
    found = await examine(orgLookup, orgName, out);
    if (found === "record") out.inherited = true;
  }
  if (found === "failed") return out;
  if (found === "none") {
    const where = orgLookup ? `${own} (${describeAbsence(first, "TXT")}) nor at the organizational domain's ${ownerNames.dmarc(org)} (${describeAbsence(orgLookup, "TXT")})` : `${own} (${describeAbsence(first, "TXT")})`;
    out.findings.push(
      finding(
        "dmarc.missing",
        "error",
        `no DMARC record at ${where}: Gmail, Yahoo and Microsoft require one from bulk senders (at least p=none) and junk or reject their mail without it. Publish TXT ${own} "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}", read the reports, then move to p=quarantine and p=reject.`,
        own,
        "RFC 7489 §6.6.3",
      ),
    );
    return out;
  }
  if (found === "multiple") return out;

  const record = out.record!;
  const recordName = out.recordName!;
  const parsed = parseDmarc(record);
  out.model = parsed.model;
  out.findings.push(...parsed.diagnostics.map((d) => fromDiagnostic(d, recordName, `DMARC at ${recordName}`)));
  const broken = parsed.diagnostics.some((d) => d.breaksStandard);
  out.missing = broken && parsed.model.p === undefined;
  const p = out.inherited ? parsed.model.sp ?? parsed.model.p : parsed.model.p;
  out.policy = p ?? (broken ? undefined : "none");
  out.pct = parsed.model.pct;
  out.findings.push(
    finding(
      "dmarc.found",
      "info",
      `DMARC at ${recordName}: "${record}"${out.inherited ? ` (inherited from the organizational domain ${recordName.slice(7)}: its ${parsed.model.sp ? "sp" : "p"}=${p ?? "?"} applies to ${domain})` : ""}.`,
      recordName,
    ),
  );

  // RFC 7489 §7.1: reports to another organization's addresses need its consent in DNS.
  const policyDomain = recordName.replace(/^_dmarc\./, "");
  // Destinations at or below the policy domain are in its organization: only others need the PSL and a lookup.
  const inside = (u: { domain: string }) => u.domain.toLowerCase() === policyDomain || u.domain.toLowerCase().endsWith(`.${policyDomain}`);
  const allInside = [...(parsed.model.rua ?? []), ...(parsed.model.ruf ?? [])].every(inside);
  const destinations = allInside ? [] : externalReportDestinations(policyDomain, parsed.model);
  const answers = await Promise.all(destinations.map((d) => dns.lookup(d.authorizationName, "TXT")));
  destinations.forEach((d, i) => {
    const l = answers[i];
    if (l.status === "failed") {
      out.findings.push(dnsFailureFinding(l.failure, d.authorizationName, `report authorization for ${d.tag}=${d.uri}`, "Receivers that cannot confirm it send no reports there.", "warning"));
      return;
    }
    const values = l.status === "ok" ? joinedTxt(l.records) : [];
    if (values.some(isReportAuthorization)) {
      out.findings.push(finding("dmarc.report-authorized", "info", `${d.tag}=${d.uri}: ${d.destinationHost} authorizes reports for ${policyDomain} (TXT v=DMARC1 at ${d.authorizationName}).`, d.authorizationName, "RFC 7489 §7.1"));
      return;
    }
    const why = l.status === "ok" ? "no TXT record there starts with v=DMARC1" : describeAbsence(l, "TXT");
    out.findings.push(
      finding(
        "dmarc.report-unauthorized",
        "warning",
        `${d.tag}=${d.uri} is outside ${policyDomain}'s organization and ${d.destinationHost} does not authorize it (${d.authorizationName}: ${why}): receivers send no ${d.tag === "rua" ? "aggregate" : "failure"} reports there. Ask the report service to publish TXT ${d.authorizationName} "v=DMARC1" (most do on sign-up), or report to an address in your own domain.`,
        d.authorizationName,
        "RFC 7489 §7.1",
      ),
    );
  });
  return out;
}

/** Look at the TXT set at one `_dmarc` name; records what it finds in `out`. */
async function examine(l: Lookup<RecordData["TXT"]>, name: string, out: DmarcOutcome): Promise<"record" | "none" | "multiple" | "failed"> {
  if (l.status === "failed") {
    out.temperror = true;
    out.findings.push(dnsFailureFinding(l.failure, name, "DMARC record", "Receivers get a DMARC temperror and may defer the mail or apply no policy."));
    return "failed";
  }
  const values = l.status === "ok" ? joinedTxt(l.records) : [];
  const set = checkDmarcRecordSet(values);
  if (set.record !== undefined) {
    out.record = set.record;
    out.recordName = name;
    out.missing = false;
    return "record";
  }
  const multiple = set.diagnostics.filter((d) => d.code === "dmarc.multiple-records");
  if (multiple.length > 0) {
    out.findings.push(...multiple.map((d) => fromDiagnostic(d, name, `DMARC at ${name}`)));
    return "multiple";
  }
  return "none";
}
