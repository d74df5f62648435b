/** SPF (RFC 7208): model, parser, renderer, validator, lookup counting, record selection, builder. */
export * from "./model";
export { parseSpf } from "./parse";
export { renderSpf, renderTerm } from "./render";
export { validateSpf, validateSpfTerms, dedupeDiagnostics, MAX_RECORD_OCTETS, LONG_RECORD_OCTETS } from "./validate";
export type { TermDiagnostic, ValidateOptions } from "./validate";
export type { ReferencedRecord } from "./lookups";
export { authorizesSomeSender, dnsLookupTerms, countDnsLookups, referencedRecords, firstAllIndex, MAX_DNS_LOOKUPS, MAX_VOID_LOOKUPS, MAX_NAMES_PER_LOOKUP } from "./lookups";
export { isSpfRecord, selectSpfRecords, checkSpfRecordSet, describeLookalike } from "./recordset";
export type { LookalikeKind } from "./recordset";
export { parseMacroString, checkDomainSpec, checkExplanation, hasMacro } from "./macro";
export type { MacroContext, MacroPart, ParsedMacroString } from "./macro";
export { parseTerm, checkTerm, parseIpNetwork } from "./term";
export { buildSpf, validateSpfPolicy, spfToPolicy, SPF_ARGS } from "./policy";
export type { SpfArgs, SpfLeftOut } from "./policy";
