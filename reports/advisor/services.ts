/**
 * The services people send a domain's mail through, as the advisor recognizes them in DMARC aggregate reports and
 * fixes them in MailDomain arguments: one table, one entry per service.
 *
 * For each service:
 * - `rdns`: name suffixes of its sending servers' reverse DNS (PTR) names, forward-confirmed before use;
 * - `dkimDomains`: the `d=` domains it signs with when the customer has not set up signing with their own domain
 *   (the signature passes but does not align with the From: domain, so DMARC fails unless SPF aligns);
 * - `envelopeDomains`: the MAIL FROM domains it uses by default (what the reports' SPF results name);
 * - `spfInclude`: the include the service documents for the customer's SPF record, when one helps (a service that
 *   always sends with its own MAIL FROM needs none: SPF cannot align there, and an include only costs a lookup);
 * - `dkim`: how the customer's domain gets an aligned signature: CNAMEs to the service's keys, or a key record
 *   whose public key the service's console shows;
 * - `sources`: where the identifiers come from: the provider's own documentation, by URL or title; PTR names that
 *   no document lists are marked as the names receivers see (in Received: headers and in reports).
 *
 * The seven services that have a preset (components/presets/) take their SPF include and DKIM records from the
 * preset itself, so the table repeats none of the presets' data.
 */
import { amazonSes, sesDkimCname } from "../../components/presets/amazon-ses";
import { fastmail } from "../../components/presets/fastmail";
import { googleWorkspace } from "../../components/presets/google-workspace";
import { mailgun } from "../../components/presets/mailgun";
import { microsoft365 } from "../../components/presets/microsoft-365";
import { protonMail } from "../../components/presets/proton-mail";
import { zohoMail } from "../../components/presets/zoho-mail";
import type { Placeholder } from "./change";

/** What the reports showed the service doing for this domain, for setups that depend on it. */
export interface SeenSigning {
  /** `d=` domains of the service's signatures (e.g. `contoso.onmicrosoft.com`). */
  dkimDomains: string[];
  /** Selectors it signed the domain's own `d=` with (the customer started the setup). */
  selectors: string[];
}

export interface DkimRecordSuggestion {
  selector: string;
  cnameTarget?: string;
  publicKey?: string;
}

export interface DkimSetup {
  /** The records for `domain`; strings may hold `{placeholders}`. */
  records: (domain: string, seen: SeenSigning) => DkimRecordSuggestion[];
  placeholders: (domain: string, seen: SeenSigning) => Placeholder[];
  /** Where the customer switches signing on (and finds the values to copy). */
  where: string;
}

export interface SendingService {
  id: string;
  name: string;
  rdns: string[];
  dkimDomains: string[];
  envelopeDomains: string[];
  spfInclude: string[];
  /** Why SPF needs no include, when `spfInclude` is empty. */
  spfNote?: string;
  dkim: DkimSetup;
  /** The preset of components/presets/ that declares this service's records, if any. */
  preset?: string;
  sources: string[];
}

const dashed = (d: string) => d.replace(/\./g, "-");
/** `s1` → `s1.domainkey.{sendgridId}.sendgrid.net` style: CNAMEs with fixed selectors and targets. */
const cnames = (list: [string, string][]) => () => list.map(([selector, cnameTarget]) => ({ selector, cnameTarget }));
const none = () => [];
const keyAt = (selector: string, provider: string, where: string): DkimSetup => ({
  records: (_d, seen) => [{ selector: seen.selectors[0] ?? selector, publicKey: "{publicKey}" }],
  placeholders: () => [{ name: "publicKey", what: `the DKIM public key ${provider} shows (${where})`, example: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…" }],
  where,
});
/** Placeholders that stand for a whole selector or target the provider generates per account. */
const shown = (name: string, what: string, example: string): Placeholder => ({ name, what, example });

// Preset-derived data: the preset functions called with neutral arguments (what they publish for any domain).
const GOOGLE_INCLUDE = googleWorkspace("example.com", {}).spfInclude ?? [];
const MICROSOFT_INCLUDE = microsoft365("example.com", { tenant: "tenant" }).spfInclude ?? [];
const FASTMAIL_INCLUDE = fastmail("example.com", {}).spfInclude ?? [];
const PROTON_INCLUDE = protonMail("example.com", { verification: "protonmail-verification=x", dkimTargets: [] }).spfInclude ?? [];
const ZOHO_INCLUDE = zohoMail("example.com", {}).spfInclude ?? [];
const MAILGUN_INCLUDE = mailgun("example.com", { dkimSelector: "x", dkimPublicKey: "x" }).spfInclude ?? [];
const SES_MAIL_FROM_SPF = (amazonSes("example.com", { region: "us-east-1", mailFromSubdomain: "mail", dkimTokens: [] }).records ?? []).find((r) => r.type === "TXT")?.values[0].content;

export const SENDING_SERVICES: readonly SendingService[] = [
  {
    id: "google-workspace",
    name: "Google Workspace",
    rdns: ["google.com"],
    dkimDomains: ["gappssmtp.com"],
    envelopeDomains: [],
    spfInclude: GOOGLE_INCLUDE,
    dkim: keyAt("google", "Google", "Admin console › Apps › Google Workspace › Gmail › Authenticate email; or set googleWorkspace.dkimPublicKey"),
    preset: "googleWorkspace",
    sources: [
      "https://support.google.com/a/answer/10685031 (SPF: include:_spf.google.com)",
      "https://support.google.com/a/answer/174124 (DKIM: selector google; unsigned domains are signed d=<domain>.<suffix>.gappssmtp.com)",
      "https://support.google.com/a/answer/81126 (sender guidelines: Google's own servers have PTR names under google.com, mail-*.google.com)",
    ],
  },
  {
    id: "microsoft-365",
    name: "Microsoft 365",
    rdns: ["outbound.protection.outlook.com"],
    dkimDomains: ["onmicrosoft.com"],
    envelopeDomains: [],
    spfInclude: MICROSOFT_INCLUDE,
    dkim: {
      // The tenant is in the d= of the signatures Microsoft makes before custom DKIM is on: <tenant>.onmicrosoft.com.
      records: (domain, seen) => {
        const tenant = tenantOf(seen) ?? "{tenant}";
        return (microsoft365(domain, { tenant }).dkim ?? []).map((d) => ({ selector: d.selector, cnameTarget: d.cnameTarget }));
      },
      placeholders: (_d, seen) => (tenantOf(seen) ? [] : [shown("tenant", "your tenant's initial domain prefix (contoso for contoso.onmicrosoft.com)", "contoso")]),
      where: "Microsoft Defender portal › Email & collaboration › Policies › Email authentication settings › DKIM; or the microsoft365 preset",
    },
    preset: "microsoft365",
    sources: [
      "https://learn.microsoft.com/microsoft-365/enterprise/external-domain-name-system-records (SPF include:spf.protection.outlook.com)",
      "https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure (selector1/selector2 CNAMEs; default signing d=<tenant>.onmicrosoft.com)",
      "PTR names of Exchange Online's outbound hosts as receivers see them: mail-<id>.outbound.protection.outlook.com",
    ],
  },
  {
    id: "amazon-ses",
    name: "Amazon SES",
    rdns: ["amazonses.com"],
    dkimDomains: ["amazonses.com"],
    envelopeDomains: ["amazonses.com"],
    spfInclude: [],
    spfNote: `SES sends with its own MAIL FROM domain (…amazonses.com), so SPF cannot align on the domain itself; for aligned SPF give SES a MAIL FROM subdomain (amazonSes.mailFromSubdomain, which publishes "${SES_MAIL_FROM_SPF}" there)`,
    dkim: {
      records: (domain) => ["{token1}", "{token2}", "{token3}"].map((t) => sesDkimCname(domain, t)),
      placeholders: () => [1, 2, 3].map((n) => shown(`token${n}`, `Easy DKIM token ${n} of 3 from the SES console (Verified identities › the domain › DKIM), or use amazonSes.createIdentity on Route 53`, "abcdefghijklmnopqrstuvwxyz012345")),
      where: "SES console › Verified identities › the domain › Authentication (Easy DKIM); or the amazonSes preset",
    },
    preset: "amazonSes",
    sources: [
      "https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html (Easy DKIM CNAMEs; unsigned mail is signed d=amazonses.com)",
      "https://docs.aws.amazon.com/ses/latest/dg/mail-from.html (default MAIL FROM under amazonses.com; custom MAIL FROM with include:amazonses.com)",
      "PTR names of SES's shared sending hosts as receivers see them: a<n>-<n>.smtp-out.<region>.amazonses.com",
    ],
  },
  {
    id: "sendgrid",
    name: "SendGrid",
    rdns: ["sendgrid.net"],
    dkimDomains: ["sendgrid.net", "sendgrid.info"],
    envelopeDomains: ["sendgrid.net"],
    spfInclude: ["sendgrid.net"],
    dkim: {
      records: cnames([
        ["s1", "s1.domainkey.{sendgridId}.sendgrid.net"],
        ["s2", "s2.domainkey.{sendgridId}.sendgrid.net"],
      ]),
      placeholders: () => [shown("sendgridId", "the u<number>.wl<number> part of the CNAME targets SendGrid shows (Settings › Sender Authentication › Authenticate Your Domain)", "u1234567.wl233")],
      where: "SendGrid › Settings › Sender Authentication › Authenticate Your Domain",
    },
    sources: [
      "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-domain-authentication (s1/s2._domainkey CNAMEs to s1.domainkey.u<id>.wl<n>.sendgrid.net; include:sendgrid.net with manual security)",
      "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/dkim-records (unauthenticated mail is signed d=sendgrid.net)",
      "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-reverse-dns (shared IPs' PTR names under sendgrid.net)",
    ],
  },
  {
    id: "mailchimp",
    name: "Mailchimp",
    rdns: ["mcsv.net", "mcdlv.net", "rsgsv.net"],
    dkimDomains: ["mcsv.net", "mcdlv.net", "mailchimpapp.net"],
    envelopeDomains: ["mcsv.net", "mcdlv.net", "rsgsv.net"],
    spfInclude: [],
    spfNote: "Mailchimp sends with its own MAIL FROM domain (mcsv.net), so SPF cannot align and no include is needed: the DKIM CNAMEs are the fix",
    dkim: {
      records: cnames([
        ["k2", "dkim2.mcsv.net"],
        ["k3", "dkim3.mcsv.net"],
      ]),
      placeholders: none,
      where: "Mailchimp › Account › Domains › Authenticate",
    },
    sources: [
      "https://mailchimp.com/help/set-up-email-domain-authentication/ (k2/k3._domainkey CNAMEs to dkim2/dkim3.mcsv.net; default signing and MAIL FROM under mcsv.net)",
      "PTR names of Mailchimp's sending hosts as receivers see them: mail<n>.<…>.mcsv.net, mcdlv.net, rsgsv.net",
    ],
  },
  {
    id: "mandrill",
    name: "Mailchimp Transactional (Mandrill)",
    rdns: ["mandrillapp.com"],
    dkimDomains: ["mandrillapp.com"],
    envelopeDomains: ["mandrillapp.com"],
    spfInclude: ["spf.mandrillapp.com"],
    dkim: {
      records: cnames([
        ["mte1", "dkim1.mandrillapp.com"],
        ["mte2", "dkim2.mandrillapp.com"],
      ]),
      placeholders: none,
      where: "Mandrill › Settings › Sending Domains",
    },
    sources: [
      "https://mailchimp.com/developer/transactional/docs/authentication-delivery/ (mte1/mte2._domainkey CNAMEs to dkim1/dkim2.mandrillapp.com, include:spf.mandrillapp.com; sending hosts under mandrillapp.com)",
    ],
  },
  {
    id: "mailgun",
    name: "Mailgun",
    rdns: ["mailgun.net"],
    dkimDomains: ["mailgun.org"],
    envelopeDomains: ["mailgun.org"],
    spfInclude: MAILGUN_INCLUDE,
    dkim: keyAt("{selector}", "Mailgun", "Mailgun › Sending › Domain settings › DNS records; or the mailgun preset"),
    preset: "mailgun",
    sources: [
      "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#add-a-domain (include:mailgun.org, the DKIM key record at the selector shown)",
      "https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/ (shared sending hosts under mailgun.net; unsigned mail d=mailgun.org)",
    ],
  },
  {
    id: "postmark",
    name: "Postmark",
    rdns: ["mtasv.net"],
    dkimDomains: ["pm.mtasv.net", "mtasv.net"],
    envelopeDomains: ["pm.mtasv.net", "mtasv.net"],
    spfInclude: [],
    spfNote: "Postmark aligns SPF through a custom Return-Path (CNAME pm-bounces.<domain> → pm.mtasv.net, a record outside the MailDomain arguments), not an include",
    dkim: keyAt("{selector}", "Postmark", "Postmark › Sender Signatures › DNS Settings (the selector ends in pm)"),
    sources: [
      "https://postmarkapp.com/support/article/1091-how-do-i-set-up-dkim-for-postmark (DKIM key record at <date>pm._domainkey)",
      "https://postmarkapp.com/support/article/910-adding-a-custom-return-path-domain (Return-Path CNAME to pm.mtasv.net; default signing and MAIL FROM pm.mtasv.net; sending hosts under mtasv.net)",
    ],
  },
  {
    id: "sparkpost",
    name: "SparkPost",
    rdns: ["sparkpostmail.com"],
    dkimDomains: ["sparkpostmail.com"],
    envelopeDomains: ["sparkpostmail.com"],
    spfInclude: ["sparkpostmail.com"],
    dkim: keyAt("{selector}", "SparkPost", "SparkPost › Configuration › Sending Domains (selector scph<MMYY>)"),
    sources: [
      "https://support.sparkpost.com/docs/getting-started/setting-up-domains (DKIM key record at scph<MMYY>._domainkey; bounce domain and include:sparkpostmail.com; default signing and MAIL FROM sparkpostmail.com; sending hosts under sparkpostmail.com)",
    ],
  },
  {
    id: "brevo",
    name: "Brevo (Sendinblue)",
    rdns: ["sendinblue.com", "brevo.com", "sender-sib.com"],
    dkimDomains: ["sendinblue.com", "brevo.com", "sender-sib.com"],
    envelopeDomains: ["sender-sib.com", "sendinblue.com", "brevo.com"],
    spfInclude: ["spf.brevo.com"],
    dkim: {
      records: () => [
        { selector: "brevo1", cnameTarget: "{brevoTarget1}" },
        { selector: "brevo2", cnameTarget: "{brevoTarget2}" },
      ],
      placeholders: (domain) => [1, 2].map((n) => shown(`brevoTarget${n}`, `the target of the brevo${n}._domainkey CNAME Brevo shows (Senders, domains & dedicated IPs › Domains › Authenticate)`, `b${n}.${dashed(domain)}.dkim.brevo.com`)),
      where: "Brevo › Senders, domains & dedicated IPs › Domains › Authenticate",
    },
    sources: [
      "Brevo help: Authenticate your domain with Brevo (Brevo code, DKIM, DMARC): brevo1/brevo2._domainkey CNAMEs, include:spf.brevo.com",
      "https://help.brevo.com/hc/en-us/articles/17286219877778 (FAQs about domain authentication: unauthenticated mail is sent from Brevo's own domains, MAIL FROM sender-sib.com)",
    ],
  },
  {
    id: "zoho",
    name: "Zoho Mail",
    rdns: ["zoho.com", "zohomail.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp", "zohocloud.ca"],
    dkimDomains: ["zoho.com", "zohomail.com", "zoho.eu"],
    envelopeDomains: [],
    spfInclude: ZOHO_INCLUDE,
    dkim: keyAt("zmail", "Zoho", "Zoho Mail admin console › Domains › Email configuration › DKIM; or zohoMail.dkimSelector and zohoMail.dkimPublicKey"),
    preset: "zohoMail",
    sources: [
      "https://www.zoho.com/mail/help/adminconsole/spf-configuration.html (include:zohomail.<dc>)",
      "https://www.zoho.com/mail/help/adminconsole/dkim-configuration.html (DKIM key record at the selector you choose)",
      "PTR names of Zoho's sending hosts as receivers see them: sender<n>.zoho.<dc>, *.zohomail.<dc>",
    ],
  },
  {
    id: "fastmail",
    name: "Fastmail",
    rdns: ["messagingengine.com"],
    dkimDomains: ["messagingengine.com"],
    envelopeDomains: [],
    spfInclude: FASTMAIL_INCLUDE,
    dkim: {
      records: (domain) => (fastmail(domain, {}).dkim ?? []).map((d) => ({ selector: d.selector, cnameTarget: d.cnameTarget })),
      placeholders: none,
      where: "Fastmail › Settings › Domains; or the fastmail preset",
    },
    preset: "fastmail",
    sources: ["https://www.fastmail.help/hc/en-us/articles/360060591153 (fm1–fm3._domainkey CNAMEs, include:spf.messagingengine.com; outbound hosts under messagingengine.com)"],
  },
  {
    id: "proton",
    name: "Proton Mail",
    rdns: ["protonmail.ch", "proton.ch"],
    dkimDomains: ["protonmail.ch", "proton.ch", "protonmail.com", "proton.me"],
    envelopeDomains: [],
    spfInclude: PROTON_INCLUDE,
    dkim: {
      records: () => ["protonmail", "protonmail2", "protonmail3"].map((selector, i) => ({ selector, cnameTarget: `{protonTarget${i + 1}}` })),
      placeholders: () => [1, 2, 3].map((n) => shown(`protonTarget${n}`, `the CNAME target ${n} of 3 Proton shows (Settings › Domain names › DKIM)`, `protonmail${n === 1 ? "" : n}.domainkey.dabcdefghijklmnopqrstuvwxyz0123456789.domains.proton.ch`)),
      where: "Proton › Settings › Domain names › DKIM; or the protonMail preset",
    },
    preset: "protonMail",
    sources: ["https://proton.me/support/anti-spoofing-custom-domain (include:_spf.protonmail.ch, protonmail/protonmail2/protonmail3._domainkey CNAMEs; outbound hosts under protonmail.ch)"],
  },
  {
    id: "salesforce",
    name: "Salesforce",
    rdns: ["salesforce.com", "exacttarget.com"],
    dkimDomains: ["salesforce.com", "exacttarget.com"],
    envelopeDomains: ["salesforce.com", "bounce.exacttarget.com"],
    spfInclude: ["_spf.salesforce.com"],
    dkim: {
      records: () => [{ selector: "{selector}", cnameTarget: "{salesforceTarget}" }],
      placeholders: () => [
        shown("selector", "the selector of the DKIM key you create in Salesforce (Setup › DKIM Keys)", "sf2024"),
        shown("salesforceTarget", "the CNAME target Salesforce shows for that key", "sf2024.abcdef.custdkim.salesforce.com"),
      ],
      where: "Salesforce › Setup › DKIM Keys",
    },
    sources: [
      "Salesforce help: Create a DKIM Key (published as a CNAME to <selector>.<id>.custdkim.salesforce.com)",
      "Salesforce help: Email Security Compliance, SPF (include:_spf.salesforce.com); Marketing Cloud sends from exacttarget.com hosts",
    ],
  },
  {
    id: "hubspot",
    name: "HubSpot",
    rdns: ["hubspotemail.net", "hubspot.net"],
    dkimDomains: ["hubspotemail.net", "hubspot.com"],
    envelopeDomains: ["hubspotemail.net"],
    spfInclude: [],
    spfNote: "HubSpot's shared IPs send with its own MAIL FROM domain (hubspotemail.net), so SPF cannot align and no include is needed; DKIM is the fix (a dedicated IP comes with a domain-specific SPF record from HubSpot)",
    dkim: {
      records: () => [
        { selector: "hs1-{hubspotId}", cnameTarget: "{hubspotTarget1}" },
        { selector: "hs2-{hubspotId}", cnameTarget: "{hubspotTarget2}" },
      ],
      placeholders: (domain) => [
        shown("hubspotId", "your HubSpot account id in the two DKIM CNAME names HubSpot shows (Settings › Domains & URLs › Email Sending)", "12345678"),
        ...[1, 2].map((n) => shown(`hubspotTarget${n}`, `the target of the hs${n}-<id>._domainkey CNAME HubSpot shows`, `${dashed(domain)}.hs${n}-12345678.dkim.hubspotemail.net`)),
      ],
      where: "HubSpot › Settings › Content › Domains & URLs › Email Sending",
    },
    sources: [
      "https://knowledge.hubspot.com/email/do-i-need-to-add-hubspot-to-our-spf-record (Manage your email authentication in HubSpot: two DKIM CNAMEs per sending domain)",
      "HubSpot knowledge base: Set up a dedicated IP address (shared IPs send with a MAIL FROM under hubspotemail.net)",
    ],
  },
  {
    id: "zendesk",
    name: "Zendesk",
    rdns: ["zendesk.com", "zdsys.com"],
    dkimDomains: ["zendesk.com", "zendesk1.com"],
    envelopeDomains: ["zendesk.com"],
    spfInclude: ["mail.zendesk.com"],
    dkim: {
      records: () => [
        { selector: "zendesk1", cnameTarget: "{zendeskTarget1}" },
        { selector: "zendesk2", cnameTarget: "{zendeskTarget2}" },
      ],
      placeholders: () => [1, 2].map((n) => shown(`zendeskTarget${n}`, `the target of the zendesk${n}._domainkey CNAME Zendesk shows (Admin Center › Channels › Email › DKIM)`, `zendesk${n}._domainkey.zendesk.com`)),
      where: "Zendesk Admin Center › Channels › Talk and email › Email › Digitally sign my emails",
    },
    sources: [
      "https://support.zendesk.com/hc/en-us/articles/4867238761626 (What are SPF, DNS, and TXT records: include:mail.zendesk.com)",
      "Zendesk help: Digitally signing your email with DKIM or DMARC (zendesk1/zendesk2._domainkey CNAMEs to the targets Admin Center shows)",
      "PTR names of Zendesk's sending hosts as receivers see them: under zendesk.com and zdsys.com",
    ],
  },
];

function tenantOf(seen: SeenSigning): string | undefined {
  for (const d of seen.dkimDomains) {
    const m = /^([a-z0-9-]+)\.onmicrosoft\.com$/.exec(d);
    if (m) return m[1];
  }
  return undefined;
}

type Index = Map<string, SendingService>;
function index(key: (s: SendingService) => string[]): Index {
  const m: Index = new Map();
  for (const s of SENDING_SERVICES) for (const suffix of key(s)) m.set(suffix, s);
  return m;
}
const BY_RDNS = index((s) => s.rdns);
const BY_DKIM = index((s) => s.dkimDomains);
const BY_ENVELOPE = index((s) => s.envelopeDomains);

/** The service whose suffix is the longest one `name` ends with (`a8-29.smtp-out.amazonses.com` → Amazon SES). */
function lookup(byIndex: Index, name: string): SendingService | undefined {
  let n = name.toLowerCase().replace(/\.$/, "");
  for (;;) {
    const hit = byIndex.get(n);
    if (hit) return hit;
    const dot = n.indexOf(".");
    if (dot < 0) return undefined;
    n = n.slice(dot + 1);
  }
}

export const serviceByRdns = (name: string) => lookup(BY_RDNS, name);
export const serviceByDkimDomain = (name: string) => lookup(BY_DKIM, name);
export const serviceByEnvelope = (name: string) => lookup(BY_ENVELOPE, name);
export const serviceById = (id: string): SendingService | undefined => SENDING_SERVICES.find((s) => s.id === id);
