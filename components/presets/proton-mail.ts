/**
 * Proton Mail: verification TXT `protonmail-verification=…`, MX `mail.protonmail.ch` 10 and
 * `mailsec.protonmail.ch` 20, SPF `include:_spf.protonmail.ch`, and DKIM CNAMEs `protonmail`,
 * `protonmail2`, `protonmail3` `._domainkey` → the domain-specific targets Proton shows
 * (https://proton.me/support/custom-domain, https://proton.me/support/anti-spoofing-custom-domain).
 */
import { ProtonMailArgs } from "./args";
import { PresetContribution } from "./types";
import { checkHost, checkTokens, invalidArg } from "./validate";

const SELECTORS = ["protonmail", "protonmail2", "protonmail3"];

export function protonMail(domain: string, args: ProtonMailArgs, field = "protonMail"): PresetContribution {
  const targets = args.dkimTargets ?? [];
  const diagnostics = [
    ...checkTokens([args.verification ?? ""], `${field}.verification`, /^protonmail-verification=[A-Za-z0-9]+$/, "protonmail-verification=<token>"),
    ...targets.flatMap((t, i) => checkHost(t, `${field}.dkimTargets[${i}]`)),
  ];
  if (targets.length !== 3) {
    diagnostics.push(invalidArg(`${field}.dkimTargets`, `Proton Mail publishes three DKIM selectors; ${targets.length} targets given. Copy all three CNAME targets from Proton's domain settings (DKIM tab).`));
  }
  return {
    field,
    provider: "Proton Mail",
    mx: [
      { host: "mail.protonmail.ch", priority: 10 },
      { host: "mailsec.protonmail.ch", priority: 20 },
    ],
    spfInclude: ["_spf.protonmail.ch"],
    dkim: targets.slice(0, 3).map((t, i) => ({ selector: SELECTORS[i], cnameTarget: t })),
    extraTxt: args.verification ? [args.verification] : [],
    diagnostics,
  };
}
