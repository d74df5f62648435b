/**
 * Mailgun: SPF `include:mailgun.org`, a DKIM key record at the selector Mailgun shows, and for
 * receiving MX `mxa.mailgun.org` and `mxb.mailgun.org` priority 10 (EU region:
 * `mxa.eu.mailgun.org`, `mxb.eu.mailgun.org`)
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#add-a-domain,
 * "DNS records"). Mailgun is usually set up on a sending subdomain such as `mg.example.com`.
 */
import { MailgunArgs, MailgunRegion } from "./args";
import { PresetContribution } from "./types";
import { checkEnum } from "./validate";

export function mailgun(domain: string, args: MailgunArgs, field = "mailgun"): PresetContribution {
  const region = args.region ?? MailgunRegion.UnitedStates;
  const mxDomain = region === MailgunRegion.Europe ? "eu.mailgun.org" : "mailgun.org";
  return {
    field,
    provider: "Mailgun",
    mx: args.receive
      ? [
          { host: `mxa.${mxDomain}`, priority: 10 },
          { host: `mxb.${mxDomain}`, priority: 10 },
        ]
      : [],
    spfInclude: ["mailgun.org"],
    dkim: [{ selector: args.dkimSelector, publicKey: args.dkimPublicKey }],
    diagnostics: checkEnum(region, Object.values(MailgunRegion), `${field}.region`),
  };
}
