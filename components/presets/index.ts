/** The presets, in the order the planner applies them. */
import { MailRecordsArgs } from "../plan/args";
import { amazonSes } from "./amazon-ses";
import { fastmail } from "./fastmail";
import { googleWorkspace } from "./google-workspace";
import { mailgun } from "./mailgun";
import { microsoft365 } from "./microsoft-365";
import { protonMail } from "./proton-mail";
import { PresetContribution } from "./types";
import { zohoMail } from "./zoho-mail";

export * from "./args";
export * from "./types";
export { sesDkimCname } from "./amazon-ses";

/** Every preset block present in the args, turned into its records. */
export function presetContributions(domain: string, args: MailRecordsArgs): PresetContribution[] {
  const out: PresetContribution[] = [];
  if (args.googleWorkspace) out.push(googleWorkspace(domain, args.googleWorkspace));
  if (args.microsoft365) out.push(microsoft365(domain, args.microsoft365));
  if (args.amazonSes) out.push(amazonSes(domain, args.amazonSes));
  if (args.fastmail) out.push(fastmail(domain, args.fastmail));
  if (args.protonMail) out.push(protonMail(domain, args.protonMail));
  if (args.zohoMail) out.push(zohoMail(domain, args.zohoMail));
  if (args.mailgun) out.push(mailgun(domain, args.mailgun));
  return out;
}
