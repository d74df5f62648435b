/**
 * Microsoft 365 (Exchange Online).
 * - MX `<domain-with-dashes>.mail.protection.outlook.com` priority 0, SPF
 *   `include:spf.protection.outlook.com`, CNAME `autodiscover` → `autodiscover.outlook.com`
 *   (https://learn.microsoft.com/microsoft-365/enterprise/external-domain-name-system-records).
 * - DKIM: CNAMEs `selector1._domainkey` and `selector2._domainkey` to
 *   `selectorN-<domain-with-dashes>._domainkey.<tenant>.onmicrosoft.com`, or for domains added since
 *   May 2025 `selectorN-<domain-with-dashes>._domainkey.<tenant>.<partition>-vN.dkim.mail.microsoft`
 *   (https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure, "Syntax
 *   for DKIM CNAME records"). Both selectors are published: Microsoft rotates between them.
 */
import { Microsoft365Args } from "./args";
import { PresetContribution } from "./types";
import { checkHost, checkLabel, checkTokens } from "./validate";

export function microsoft365(domain: string, args: Microsoft365Args, field = "microsoft365"): PresetContribution {
  const dashed = domain.replace(/\./g, "-");
  const tenant = (args.tenant ?? "").toLowerCase();
  const partition = args.dkimPartition?.toLowerCase();
  const dkimTarget = (n: 1 | 2) =>
    partition
      ? `selector${n}-${dashed}._domainkey.${tenant}.${partition}-v${n}.dkim.mail.microsoft`
      : `selector${n}-${dashed}._domainkey.${tenant}.onmicrosoft.com`;
  const mxHost = args.mxHost ?? `${dashed}.mail.protection.outlook.com`;
  const verification = args.verification ? [args.verification] : [];
  return {
    field,
    provider: "Microsoft 365",
    mx: [{ host: mxHost, priority: 0 }],
    spfInclude: ["spf.protection.outlook.com"],
    dkim: [
      { selector: "selector1", cnameTarget: dkimTarget(1) },
      { selector: "selector2", cnameTarget: dkimTarget(2) },
    ],
    extraTxt: verification,
    records:
      args.autodiscover === false
        ? []
        : [{ id: "autodiscover", name: `autodiscover.${domain}`, type: "CNAME", values: [{ id: "autodiscover", content: "autodiscover.outlook.com" }] }],
    diagnostics: [
      ...checkLabel(args.tenant, `${field}.tenant`, "the prefix of the tenant's initial domain, e.g. contoso for contoso.onmicrosoft.com"),
      ...(args.dkimPartition !== undefined ? checkLabel(args.dkimPartition, `${field}.dkimPartition`, "the single letter before -v1 in the CNAME targets the Defender portal shows") : []),
      ...(args.mxHost !== undefined ? checkHost(args.mxHost, `${field}.mxHost`) : []),
      ...checkTokens(verification, `${field}.verification`, /^MS=ms\d+$/, "MS=ms<digits>"),
    ],
  };
}
