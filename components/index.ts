/**
 * Public API of the maildomain component package (also the entry point of the source-based
 * Pulumi plugin: token `maildomain:index:MailDomain`).
 */
export { MailDomain } from "./mailDomain";
export type { MailRecord, DkimSelectorRecord } from "./mailDomain";
export type { MailDomainArgs } from "./args";
export type { MxHostArgs, SpfArgs, DkimArgs, DmarcArgs, MtaStsArgs, TlsRptArgs, BimiArgs, MailRecordsArgs } from "./plan/args";
export type { GoogleWorkspaceArgs, Microsoft365Args, AmazonSesArgs, FastmailArgs, ProtonMailArgs, ZohoMailArgs, MailgunArgs } from "./presets/args";
export { ZohoRegion, MailgunRegion } from "./presets/args";
export type { MailDomainMtaStsArgs, MtaStsHostingArgs, CloudflareMtaStsHostingArgs, AwsMtaStsHostingArgs } from "./hosting/args";
export type { CloudflareZoneArgs, Route53ZoneArgs } from "./providers/zone-args";
export type { DkimSigningConfig } from "./dkim/generated-keys";
export { MailDomainArgsError, isUserInputError } from "./errors";
export { SpfAll, DmarcPolicy, Alignment, DkimAlgorithm, MtaStsMode } from "./records/enums";
