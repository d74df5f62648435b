/**
 * Serving the MTA-STS policy file (RFC 8461 §3.3) where the domain's DNS is: a Cloudflare Worker, or S3 behind
 * CloudFront on AWS, or nowhere (external: the user serves the `mtaStsPolicy` output). Arguments in `args.ts`,
 * their check in `validate.ts`; the generated Worker and CloudFront function sources are pure modules.
 */
import { MtaStsHostingArgs } from "./args";
import { hostOnAws } from "./aws";
import { hostOnCloudflare } from "./cloudflare";
import { HostingContext, HostedPolicy } from "./types";
import { hostingKind } from "./validate";

export type { MtaStsHostingArgs, CloudflareMtaStsHostingArgs, AwsMtaStsHostingArgs, MailDomainMtaStsArgs } from "./args";
export { validateMtaStsHosting, hostingKind } from "./validate";
export type { HostingContext, HostedPolicy } from "./types";

/** Register the hosting resources; undefined for external hosting. */
export function hostMtaStsPolicy(hosting: MtaStsHostingArgs | undefined, ctx: HostingContext): HostedPolicy | undefined {
  switch (hostingKind(hosting)) {
    case "cloudflare":
      return hostOnCloudflare(hosting!.cloudflare!, ctx);
    case "aws":
      return hostOnAws(hosting!.aws!, ctx);
    default:
      return undefined;
  }
}
