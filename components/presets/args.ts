/**
 * Arguments of the mail-provider presets. Each preset adds the records its provider publishes in
 * its documentation (cited in each preset's module); tenant-specific values (keys, tokens, tenant
 * names) come from the provider's admin console and are passed here. Each interface has its shape
 * beside it, for the shared argument rule (`../records/args-schema`).
 */
import { ArgFields, booleanArg, enumArg, listArg, objectArg, textArg } from "../records/args-schema";
import { MAX_PUBLIC_KEY_OCTETS } from "../records/dkim";

const PROVIDER_DOCS = "provider documentation";
const preset = <T>(fields: ArgFields<T>, example: string) => objectArg<T>(fields, { example, rfc: PROVIDER_DOCS });

/** Google Workspace (Gmail). */
export interface GoogleWorkspaceArgs {
  /** The DKIM public key from Admin console › Apps › Google Workspace › Gmail › Authenticate email. */
  dkimPublicKey?: string;
  /** DKIM selector chosen in the Admin console; default `google`. */
  dkimSelector?: string;
  /** `google-site-verification=…` values to publish on the domain. */
  siteVerification?: string[];
  /** Publish the five legacy `ASPMX.L.GOOGLE.COM` hosts instead of the single `smtp.google.com`. */
  legacyMx?: boolean;
}

export const GOOGLE_WORKSPACE_ARGS = preset<GoogleWorkspaceArgs>(
  { dkimPublicKey: textArg(MAX_PUBLIC_KEY_OCTETS), dkimSelector: textArg(), siteVerification: listArg(textArg()), legacyMx: booleanArg },
  '{ dkimPublicKey: "v=DKIM1; k=rsa; p=…" }',
);

/** Microsoft 365 (Exchange Online). */
export interface Microsoft365Args {
  /** The tenant's initial domain prefix: `contoso` for `contoso.onmicrosoft.com`. */
  tenant: string;
  /**
   * The dynamic partition character of the DKIM CNAME targets for domains added since May 2025
   * (`selector1-<domain>._domainkey.<tenant>.<partition>-v1.dkim.mail.microsoft`). Leave unset
   * for the older `…._domainkey.<tenant>.onmicrosoft.com` form the Defender portal shows for
   * existing domains.
   */
  dkimPartition?: string;
  /** The MX host the admin center shows, when it is not the classic `<domain>.mail.protection.outlook.com`. */
  mxHost?: string;
  /** The `MS=ms…` domain verification value. */
  verification?: string;
  /** Publish the `autodiscover` CNAME for Outlook clients; default true. */
  autodiscover?: boolean;
}

export const MICROSOFT_365_ARGS = preset<Microsoft365Args>(
  { tenant: textArg(), dkimPartition: textArg(), mxHost: textArg(), verification: textArg(), autodiscover: booleanArg },
  "{ tenant: contoso }",
);

/** Amazon SES (sending). */
export interface AmazonSesArgs {
  /** The SES region, e.g. `eu-west-1`. */
  region: string;
  /** The three Easy DKIM tokens SES shows for the identity (not needed with `createIdentity`). */
  dkimTokens?: string[];
  /** Custom MAIL FROM subdomain label, e.g. `mail` for `mail.<domain>`, so SPF aligns for DMARC. */
  mailFromSubdomain?: string;
  /** Route 53 only: also create the SES email identity and wire its DKIM tokens to CNAMEs. */
  createIdentity?: boolean;
}

export const AMAZON_SES_ARGS = preset<AmazonSesArgs>(
  { region: textArg(), dkimTokens: listArg(textArg(), { maxItems: 3, why: "SES Easy DKIM gives exactly three tokens" }), mailFromSubdomain: textArg(), createIdentity: booleanArg },
  '{ region: eu-west-1, dkimTokens: ["…", "…", "…"] }',
);

/** Fastmail (mailboxes and sending). */
export interface FastmailArgs {
  /** Publish Fastmail's MX hosts (default true); false when Fastmail only sends for the domain. */
  receive?: boolean;
}

export const FASTMAIL_ARGS = preset<FastmailArgs>({ receive: booleanArg }, "{}");

/** Proton Mail (mailboxes and sending). */
export interface ProtonMailArgs {
  /** The `protonmail-verification=…` value shown in Proton's domain settings. */
  verification: string;
  /** The three DKIM CNAME targets Proton shows (`protonmail.domainkey.<id>.domains.proton.ch`, …). */
  dkimTargets: string[];
}

export const PROTON_MAIL_ARGS = preset<ProtonMailArgs>(
  { verification: textArg(), dkimTargets: listArg(textArg(), { maxItems: 3, why: "Proton Mail publishes three DKIM selectors" }) },
  '{ verification: "protonmail-verification=…", dkimTargets: ["…", "…", "…"] }',
);

/** Zoho Mail data centre, by the domain suffix of its hosts. */
export enum ZohoRegion {
  UnitedStates = "com",
  Europe = "eu",
  India = "in",
  Australia = "com.au",
  Japan = "jp",
}

/** Zoho Mail (mailboxes and sending). */
export interface ZohoMailArgs {
  /** Data centre of the Zoho account; default United States (`com`). */
  region?: ZohoRegion;
  /** DKIM selector chosen in the Zoho Mail admin console. */
  dkimSelector?: string;
  /** The DKIM public key Zoho shows for that selector. */
  dkimPublicKey?: string;
  /** The `zoho-verification=…` value. */
  verification?: string;
}

export const ZOHO_MAIL_ARGS = preset<ZohoMailArgs>(
  { region: enumArg(ZohoRegion), dkimSelector: textArg(), dkimPublicKey: textArg(MAX_PUBLIC_KEY_OCTETS), verification: textArg() },
  "{ region: eu }",
);

/** Mailgun region. */
export enum MailgunRegion {
  UnitedStates = "us",
  Europe = "eu",
}

/** Mailgun (sending, optionally receiving). */
export interface MailgunArgs {
  /** DKIM selector Mailgun shows for the domain (e.g. `mx`, `pic`, `krs`). */
  dkimSelector: string;
  /** The DKIM public key Mailgun shows. */
  dkimPublicKey: string;
  region?: MailgunRegion;
  /** Publish Mailgun's MX hosts so it receives mail for the domain (routes). Default false. */
  receive?: boolean;
}

export const MAILGUN_ARGS = preset<MailgunArgs>(
  { dkimSelector: textArg(), dkimPublicKey: textArg(MAX_PUBLIC_KEY_OCTETS), region: enumArg(MailgunRegion), receive: booleanArg },
  '{ dkimSelector: mx, dkimPublicKey: "k=rsa; p=…" }',
);
