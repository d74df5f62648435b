/**
 * Fastmail: MX `in1-smtp.messagingengine.com` 10 and `in2-smtp.messagingengine.com` 20, SPF
 * `include:spf.messagingengine.com`, DKIM CNAMEs `fm1`, `fm2`, `fm3` `._domainkey` →
 * `fmN.<domain>.dkim.fmhosted.com` (https://www.fastmail.help/hc/en-us/articles/360060591153,
 * "Full list of DNS records").
 */
import { FastmailArgs } from "./args";
import { PresetContribution } from "./types";

export function fastmail(domain: string, args: FastmailArgs, field = "fastmail"): PresetContribution {
  return {
    field,
    provider: "Fastmail",
    mx:
      args.receive === false
        ? []
        : [
            { host: "in1-smtp.messagingengine.com", priority: 10 },
            { host: "in2-smtp.messagingengine.com", priority: 20 },
          ],
    spfInclude: ["spf.messagingengine.com"],
    dkim: [1, 2, 3].map((n) => ({ selector: `fm${n}`, cnameTarget: `fm${n}.${domain}.dkim.fmhosted.com` })),
    diagnostics: [],
  };
}
