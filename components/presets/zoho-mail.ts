/**
 * Zoho Mail: MX `mx.zoho.<dc>` 10, `mx2.zoho.<dc>` 20, `mx3.zoho.<dc>` 50
 * (https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html), SPF
 * `include:zohomail.<dc>` (https://www.zoho.com/mail/help/adminconsole/spf-configuration.html),
 * DKIM key generated in the admin console with a selector of the administrator's choice
 * (https://www.zoho.com/mail/help/adminconsole/dkim-configuration.html).
 */
import { ZohoMailArgs, ZohoRegion } from "./args";
import { PresetContribution } from "./types";
import { checkEnum, checkTokens } from "./validate";

export function zohoMail(domain: string, args: ZohoMailArgs, field = "zohoMail"): PresetContribution {
  const dc = args.region ?? ZohoRegion.UnitedStates;
  const diagnostics = [
    ...checkEnum(dc, Object.values(ZohoRegion), `${field}.region`),
    ...checkTokens(args.verification ? [args.verification] : [], `${field}.verification`, /^zoho-verification=[A-Za-z0-9.]+$/, "zoho-verification=<token>"),
  ];
  const notes: string[] = [];
  if (!args.dkimPublicKey) {
    notes.push(`${domain}: Zoho Mail signs with the domain's own DKIM key only once it is published: copy the selector and key from the Zoho Mail admin console (Domains › Email configuration › DKIM) into zohoMail.dkimSelector and zohoMail.dkimPublicKey.`);
  }
  return {
    field,
    provider: "Zoho Mail",
    mx: [
      { host: `mx.zoho.${dc}`, priority: 10 },
      { host: `mx2.zoho.${dc}`, priority: 20 },
      { host: `mx3.zoho.${dc}`, priority: 50 },
    ],
    spfInclude: [`zohomail.${dc}`],
    dkim: args.dkimPublicKey ? [{ selector: args.dkimSelector ?? "zmail", publicKey: args.dkimPublicKey }] : [],
    extraTxt: args.verification ? [args.verification] : [],
    diagnostics,
    notes,
  };
}
