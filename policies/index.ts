/**
 * The policy pack: `pulumi preview --policy-pack ./policies`, or the bundle in `dist/` built by
 * `npm --prefix policies run build` for `pulumi policy publish`. This file only constructs the
 * pack (which starts the policy server): the policies are in `all.ts`, and nothing else may
 * construct a PolicyPack (a second one in a process exits it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./all";

function readme(): string | undefined {
  try {
    return readFileSync(join(__dirname, "README.md"), "utf8");
  } catch {
    return undefined;
  }
}

new PolicyPack(PACK_NAME, {
  policies: [...allPolicies],
  enforcementLevel: "advisory",
  displayName: "Mail DNS guardrails",
  description: "SPF, DKIM, DMARC, MX and MTA-STS rules for Cloudflare and Route 53 DNS records, with production-aware enforcement.",
  tags: ["dns", "email", "spf", "dkim", "dmarc", "cloudflare", "route53"],
  readme: readme(),
});
