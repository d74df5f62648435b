/**
 * Amazon SES (sending).
 * - Easy DKIM: three CNAMEs `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`
 *   (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html).
 * - Custom MAIL FROM `<sub>.<domain>`: MX `10 feedback-smtp.<region>.amazonses.com` and TXT
 *   `v=spf1 include:amazonses.com ~all`, so that SPF passes with an aligned domain
 *   (https://docs.aws.amazon.com/ses/latest/dg/mail-from.html). Without it SES uses its own
 *   MAIL FROM domain: SPF passes but does not align, and DMARC then rests on DKIM alone.
 * With `createIdentity` (Route 53) the component creates the identity and the DKIM CNAMEs from
 * its tokens; this pure part then leaves the DKIM CNAMEs out.
 */
import { AmazonSesArgs } from "./args";
import { PresetContribution, PresetRecord } from "./types";
import { checkLabel, invalidArg } from "./validate";

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const TOKEN = /^[a-z0-9]{32}$/;

export function sesDkimCname(domain: string, token: string) {
  return { selector: token, cnameTarget: `${token}.dkim.amazonses.com` };
}

export function amazonSes(domain: string, args: AmazonSesArgs, field = "amazonSes"): PresetContribution {
  const diagnostics = [];
  if (!REGION.test(args.region ?? "")) {
    diagnostics.push(invalidArg(`${field}.region`, `"${args.region ?? ""}" is not an AWS region name: give the SES region such as eu-west-1 or us-east-1.`));
  }
  const tokens = args.dkimTokens ?? [];
  if (args.createIdentity && tokens.length) {
    diagnostics.push(invalidArg(`${field}.dkimTokens`, "give either dkimTokens (an identity that already exists) or createIdentity, not both."));
  }
  if (!args.createIdentity && tokens.length !== 3) {
    diagnostics.push(invalidArg(`${field}.dkimTokens`, `SES Easy DKIM gives exactly three tokens; ${tokens.length} given. Copy all three from the SES console (Verified identities › the domain › DKIM), or set createIdentity on Route 53.`));
  }
  tokens.forEach((t, i) => {
    if (!TOKEN.test(t)) diagnostics.push(invalidArg(`${field}.dkimTokens[${i}]`, `"${t}" is not an SES DKIM token (32 lower-case letters and digits, the part before ._domainkey).`));
  });
  const records: PresetRecord[] = [];
  if (args.mailFromSubdomain !== undefined) {
    diagnostics.push(...checkLabel(args.mailFromSubdomain, `${field}.mailFromSubdomain`, "one label such as mail or bounce"));
    const name = `${args.mailFromSubdomain.toLowerCase()}.${domain}`;
    records.push(
      { id: "ses-mail-from-mx", name, type: "MX", values: [{ id: "ses-mail-from-mx", content: `feedback-smtp.${args.region}.amazonses.com`, priority: 10 }] },
      { id: "ses-mail-from-spf", name, type: "TXT", values: [{ id: "ses-mail-from-spf", content: "v=spf1 include:amazonses.com ~all" }] },
    );
  }
  return {
    field,
    provider: "Amazon SES",
    dkim: args.createIdentity ? [] : tokens.map((t) => sesDkimCname(domain, t)),
    records,
    diagnostics,
  };
}
