/**
 * The typed arguments of a mail domain, except the choice of DNS manager (see
 * `components/args.ts`). Plain values only: this layer is pure and is shared by the component,
 * the offline planner and the zone importer. Each record kind's arguments are declared, with
 * their validator and builder, in its core module. Enum-typed fields accept the enum members in
 * TypeScript and their string values from YAML stack config; every value is validated.
 *
 * `MAIL_RECORDS_ARG_FIELDS` is the shape of `MailRecordsArgs` for the shared argument rule
 * (`../records/args-schema`): a key added to the interface needs its line there.
 */
import { ArgFields, booleanArg, listArg, numberArg, textArg } from "../records/args-schema";
import { BIMI_ARGS, BimiArgs } from "../records/bimi";
import { DKIM_LIST_ARGS, DkimArgs } from "../records/dkim";
import { DMARC_ARGS, DmarcArgs } from "../records/dmarc";
import { MTA_STS_ARGS, MtaStsArgs } from "../records/mta-sts";
import { MX_LIST_ARGS, MxHostArgs } from "../records/mx";
import { SPF_ARGS, SpfArgs } from "../records/spf";
import { TLS_RPT_ARGS, TlsRptArgs } from "../records/tls-rpt";
import {
  AMAZON_SES_ARGS,
  AmazonSesArgs,
  FASTMAIL_ARGS,
  FastmailArgs,
  GOOGLE_WORKSPACE_ARGS,
  GoogleWorkspaceArgs,
  MAILGUN_ARGS,
  MICROSOFT_365_ARGS,
  MailgunArgs,
  Microsoft365Args,
  PROTON_MAIL_ARGS,
  ProtonMailArgs,
  ZOHO_MAIL_ARGS,
  ZohoMailArgs,
} from "../presets/args";

export type { BimiArgs, DkimArgs, DmarcArgs, MtaStsArgs, MxHostArgs, SpfArgs, TlsRptArgs };

/** Everything about a mail domain's records, independent of where they are hosted. */
export interface MailRecordsArgs {
  /** The mail domain: a zone apex or a name inside the zone. */
  domain: string;
  /** TTL of every record in seconds. Default 3600. */
  ttl?: number;
  mx?: MxHostArgs[];
  /** Publish a null MX (`0 .`, RFC 7505): the domain receives no mail. */
  nullMx?: boolean;
  spf?: SpfArgs;
  dkim?: DkimArgs[];
  dmarc?: DmarcArgs;
  mtaSts?: MtaStsArgs;
  tlsRpt?: TlsRptArgs;
  bimi?: BimiArgs;
  /** A domain that sends and receives no mail: null MX, `v=spf1 -all`, DMARC reject, revoked wildcard DKIM (M3AAWG). */
  parked?: boolean;
  /** Other TXT values on the mail domain's own name (site verification tokens). */
  extraTxt?: string[];
  googleWorkspace?: GoogleWorkspaceArgs;
  microsoft365?: Microsoft365Args;
  amazonSes?: AmazonSesArgs;
  fastmail?: FastmailArgs;
  protonMail?: ProtonMailArgs;
  zohoMail?: ZohoMailArgs;
  mailgun?: MailgunArgs;
}

/** An `extraTxt` value: room for an SPF record or any verification token (8 strings of 255 octets). */
export const MAX_EXTRA_TXT_OCTETS = 2048;

export const MAIL_RECORDS_ARG_FIELDS: ArgFields<MailRecordsArgs> = {
  domain: textArg(),
  ttl: numberArg("a whole number of seconds"),
  mx: MX_LIST_ARGS,
  nullMx: booleanArg,
  spf: SPF_ARGS,
  dkim: DKIM_LIST_ARGS,
  dmarc: DMARC_ARGS,
  mtaSts: MTA_STS_ARGS,
  tlsRpt: TLS_RPT_ARGS,
  bimi: BIMI_ARGS,
  parked: booleanArg,
  extraTxt: listArg(textArg(MAX_EXTRA_TXT_OCTETS), { why: "verification tokens of a few dozen services at most; each value is one more record in the domain's TXT answer" }),
  googleWorkspace: GOOGLE_WORKSPACE_ARGS,
  microsoft365: MICROSOFT_365_ARGS,
  amazonSes: AMAZON_SES_ARGS,
  fastmail: FASTMAIL_ARGS,
  protonMail: PROTON_MAIL_ARGS,
  zohoMail: ZOHO_MAIL_ARGS,
  mailgun: MAILGUN_ARGS,
};
