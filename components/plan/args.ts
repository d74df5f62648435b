/**
 * The typed arguments of a mail domain, except the choice of DNS manager (see
 * `components/args.ts`). Plain values only: this layer is pure and is shared by the component,
 * the offline planner and the zone importer. Each record kind's arguments are declared, with
 * their validator and builder, in its core module. Enum-typed fields accept the enum members in
 * TypeScript and their string values from YAML stack config; every value is validated.
 */
import { BimiArgs } from "../records/bimi";
import { DkimArgs } from "../records/dkim";
import { DmarcArgs } from "../records/dmarc";
import { MtaStsArgs } from "../records/mta-sts";
import { MxHostArgs } from "../records/mx";
import { SpfArgs } from "../records/spf";
import { TlsRptArgs } from "../records/tls-rpt";
import {
  AmazonSesArgs,
  FastmailArgs,
  GoogleWorkspaceArgs,
  MailgunArgs,
  Microsoft365Args,
  ProtonMailArgs,
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
