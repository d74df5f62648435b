/**
 * Zone records → `MailDomain` args, one entry per mail domain of the zone.
 *
 * Every rule comes from the core (components/records/): the importer only decides which record
 * goes where, calls the core's parsers, validators and reverse mappings (`spfToPolicy`), and
 * reports what they say with the record's line. The result is then planned with the component's
 * own planner (`planMailDomain`), so the printed args are exactly what the component accepts, and
 * anything it would refuse is reported.
 *
 * A mail domain is any name with MX or SPF records, and any name D with `_dmarc.D`,
 * `<selector>._domainkey.D`, `_mta-sts.D`, `_smtp._tls.D` or `<selector>._bimi.D` records: an
 * Amazon SES MAIL FROM subdomain with its own MX and SPF becomes its own entry.
 *
 * The rules live in one module per record kind beside this one; this module runs them in order.
 */
import { finding } from "../findings";
import { ZoneRecord } from "../zonefile";
import { buildDomain } from "./build";
import { MapContext } from "./context";
import { ImportResult } from "./model";
import { collectDomains, indexRecord, route, summarizeNotMail } from "./zone-index";

export type { ImportedDomain, ImportResult } from "./model";
export { classifyName } from "./names";

/** Map the records of one zone. Pure; never throws on the records' content. */
export function mapZone(apex: string, records: readonly ZoneRecord[]): ImportResult {
  const ctx = new MapContext(apex);
  for (const r of records) indexRecord(ctx, r);
  collectDomains(ctx);
  for (const n of ctx.names.values()) route(ctx, n);
  const domains = [...ctx.builds.values()]
    .sort((a, b) => (a.domain === ctx.apex ? -1 : b.domain === ctx.apex ? 1 : a.domain.localeCompare(b.domain)))
    .map((b) => buildDomain(ctx, b))
    // A name whose every mail record was left out (an SPF look-alike alone) declares nothing.
    .filter((d) => Object.keys(d.args).some((k) => k !== "domain" && k !== "ttl"));
  summarizeNotMail(ctx);
  if (domains.length === 0) {
    ctx.findings.push(finding("import.no-mail-records", "warning", `the zone ${ctx.apex} has no mail records (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI): nothing to import.`, {}));
  }
  const leftOutOther = [...ctx.notMail.values()].reduce((n, l) => n + l.length, 0);
  return { apex: ctx.apex, domains, findings: ctx.findings, importedRecords: ctx.imported, leftOutMail: ctx.leftOutMail, leftOutOther };
}
