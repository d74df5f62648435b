/**
 * Cloudflare hosting of the MTA-STS policy: a Worker holding the generated script and a Workers custom domain
 * `mta-sts.<domain>` in the domain's zone. Cloudflare creates the custom domain's DNS record and issues its
 * certificate itself, so no record of ours is needed (and none may exist at that name: the custom domain refuses
 * to take over an existing record).
 */
import * as pulumi from "@pulumi/pulumi";
import { providerPackages } from "../providers/packages";
import { CloudflareMtaStsHostingArgs } from "./args";
import { defaultWorkerName } from "./names";
import { mtaStsWorkerScript, WORKER_COMPATIBILITY_DATE, WORKER_MAIN_MODULE } from "./worker-script";
import { HostingContext, HostedPolicy } from "./types";

export function hostOnCloudflare(args: CloudflareMtaStsHostingArgs, ctx: HostingContext): HostedPolicy {
  const cloudflare = providerPackages.cloudflare();
  const scriptName = args.scriptName ?? defaultWorkerName(ctx.domain);
  const script = new cloudflare.WorkersScript(
    `${ctx.baseName}-mta-sts-worker`,
    {
      accountId: args.accountId,
      scriptName,
      content: mtaStsWorkerScript(ctx.policyText),
      mainModule: WORKER_MAIN_MODULE,
      compatibilityDate: WORKER_COMPATIBILITY_DATE,
    },
    { parent: ctx.parent },
  );
  const domain = new cloudflare.WorkersCustomDomain(
    `${ctx.baseName}-mta-sts-domain`,
    { accountId: args.accountId, hostname: ctx.policyHost, service: script.scriptName, zoneId: ctx.zoneId },
    { parent: ctx.parent },
  );
  return { servedBy: [script, domain] as pulumi.Resource[] };
}
