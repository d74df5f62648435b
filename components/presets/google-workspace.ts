/**
 * Google Workspace.
 * - MX: `smtp.google.com` priority 1 for domains set up since 2023; older domains publish the five
 *   `ASPMX.L.GOOGLE.COM` hosts (https://support.google.com/a/answer/174125, "Google Workspace MX
 *   record values").
 * - SPF: `include:_spf.google.com` (https://support.google.com/a/answer/10685031).
 * - DKIM: key generated in the Admin console, default selector `google`
 *   (https://support.google.com/a/answer/174124); Google does not accept an imported key, so the
 *   public key must be copied from the console into `dkimPublicKey`.
 */
import { GoogleWorkspaceArgs } from "./args";
import { PresetContribution } from "./types";
import { checkTokens } from "./validate";

const LEGACY_MX = [
  { host: "aspmx.l.google.com", priority: 1 },
  { host: "alt1.aspmx.l.google.com", priority: 5 },
  { host: "alt2.aspmx.l.google.com", priority: 5 },
  { host: "alt3.aspmx.l.google.com", priority: 10 },
  { host: "alt4.aspmx.l.google.com", priority: 10 },
];

export function googleWorkspace(domain: string, args: GoogleWorkspaceArgs, field = "googleWorkspace"): PresetContribution {
  const verification = args.siteVerification ?? [];
  return {
    field,
    provider: "Google Workspace",
    mx: args.legacyMx ? LEGACY_MX : [{ host: "smtp.google.com", priority: 1 }],
    spfInclude: ["_spf.google.com"],
    dkim: args.dkimPublicKey ? [{ selector: args.dkimSelector ?? "google", publicKey: args.dkimPublicKey }] : [],
    extraTxt: verification,
    diagnostics: checkTokens(verification, `${field}.siteVerification`, /^google-site-verification=[A-Za-z0-9_-]{20,}$/, "google-site-verification=<token>"),
    notes: args.dkimPublicKey
      ? []
      : [`${domain}: Google Workspace signs with the domain's own DKIM key only once it is published: copy the key from the Admin console (Apps › Google Workspace › Gmail › Authenticate email) into googleWorkspace.dkimPublicKey.`],
  };
}
