/**
 * External report destinations (RFC 7489 §7.1). When a rua/ruf URI points at a host whose
 * Organizational Domain differs from the policy domain's, receivers send reports there only if
 * the destination publishes a TXT record starting with v=DMARC1 at
 *
 *   <policy domain>._report._dmarc.<destination host>
 *
 * built as §7.1 says: take the destination host (the host of the URI's authority; for mailto,
 * the address's domain), prepend "_report._dmarc", then prepend the domain the policy was
 * retrieved from, "after conversion to an A-label if needed". The full destination host is used,
 * not its organizational domain. A wildcard `*._report._dmarc.<destination host>` also answers.
 */
import { normalizeName, ownerNames } from "../names";
import { organizationalDomain } from "../orgdomain";
import { ReportUri, renderReportUri } from "../uris";
import { DmarcRecord } from "./model";

export interface ExternalReportDestination {
  tag: "rua" | "ruf";
  /** The URI as published (with its `!size`). */
  uri: string;
  /** The host that receives the reports (A-label, lower case). */
  destinationHost: string;
  /** Where the destination must publish TXT `v=DMARC1`. */
  authorizationName: string;
}

/**
 * The URIs of `record` that need an authorization record, each with the name it must be published
 * at. `policyDomain` is the domain whose `_dmarc` record this is (a leading `_dmarc.` is accepted).
 */
export function externalReportDestinations(policyDomain: string, record: DmarcRecord): ExternalReportDestination[] {
  const domain = normalizeName(policyDomain.replace(/^_dmarc\./i, "")).name;
  const org = organizationalDomain(domain);
  const out: ExternalReportDestination[] = [];
  const visit = (tag: "rua" | "ruf", uris: ReportUri[] | undefined) => {
    for (const u of uris ?? []) {
      const host = normalizeName(u.domain).name;
      if (!host || organizationalDomain(host) === org) continue;
      out.push({ tag, uri: renderReportUri(u), destinationHost: host, authorizationName: ownerNames.dmarcReportAuthorization(domain, host) });
    }
  };
  visit("rua", record.rua);
  visit("ruf", record.ruf);
  return out;
}

/**
 * Is this TXT value a report authorization? RFC 7489 §7.1 step 5: parsed like a policy record,
 * "the v=DMARC1 tag is mandatory and MUST appear first"; the value must be exactly DMARC1.
 */
export function isReportAuthorization(txt: string): boolean {
  return typeof txt === "string" && /^[ \t]*v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)/i.test(txt) && /=[ \t]*DMARC1/.test(txt);
}
