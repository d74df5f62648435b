/** DMARC (RFC 7489, RFC 9989): model, parse, render, validate, builder, record sets, external report authorization. */
export type { DmarcRecord } from "./model";
export { DMARC_TAGS, DMARC_URI_RULES } from "./model";
export { parseDmarc, isDmarcRecord } from "./parse";
export { renderDmarc } from "./render";
export { validateDmarc } from "./validate";
export type { DmarcArgs } from "./args";
export { validateDmarcArgs, buildDmarc, DMARC_ARGS } from "./args";
export type { ExternalReportDestination } from "./report-authorization";
export { externalReportDestinations, isReportAuthorization } from "./report-authorization";
export type { DmarcRecordSetCheck } from "./recordset";
export { checkDmarcRecordSet } from "./recordset";
export type { DmarcImport, DmarcLeftOut } from "./to-args";
export { dmarcToArgs } from "./to-args";
