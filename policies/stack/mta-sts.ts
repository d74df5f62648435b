/**
 * MTA-STS in enforce mode in production (RFC 8461). The mode lives in the policy file served over
 * HTTPS, not in DNS, so this is a stack policy: it reads every policy file the stack holds (any
 * resource's string output that is an MTA-STS policy: the `mtaStsPolicy` output of `MailDomain`,
 * an S3 object or Worker holding the file…) and every receiving domain's `_mta-sts` record.
 * Advisory by default: a domain without MTA-STS still receives mail, over TLS that an attacker on
 * the path can strip.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseMtaStsPolicy } from "../../components/records/mta-sts";
import { childOwner, displayOwner, ownerKey, tryRead } from "../records";
import { groupByOwner, mailDomains } from "./domains";
import { exemptDomainsSchema, isExempt, stackPolicy } from "./common";

const POLICY_FILE = /^\s*version\s*:\s*STSv1\s*(?:\r?\n|$)/;

export const mtaStsEnforceInProduction: StackValidationPolicy = stackPolicy<{ exemptDomains: string[] }>({
  name: "mta-sts-enforce-in-production",
  description: "In production, domains that receive mail should publish MTA-STS (the _mta-sts TXT record and the policy file) in enforce mode, so that senders refuse to deliver over unauthenticated or downgraded TLS.",
  enforcementLevel: "advisory",
  severity: "medium",
  applies: "production",
  configProperties: exemptDomainsSchema,
  remediationSteps:
    "Publish MTA-STS in testing mode (MailDomain mtaSts with hosting serves the policy), read the TLS-RPT reports, run `maildomain check <domain>` until it says \"MTA-STS: safe to enforce\" (it fetches the policy and proves every MX host's STARTTLS certificate), then switch to mode: enforce.",
  check: (ctx) => {
    for (const r of ctx.args.resources) {
      const props = r.props as Record<string, unknown>;
      for (const key of Object.keys(props)) {
        const read = tryRead(props, key);
        if (!read.known || typeof read.value !== "string" || !POLICY_FILE.test(read.value)) continue;
        const mode = parseMtaStsPolicy(read.value).model.mode;
        if (mode === "enforce" || mode === undefined) continue;
        const why =
          mode === "testing"
            ? "senders still deliver when the TLS connection cannot be authenticated, and only report it"
            : "senders drop the policy: the domain is unprotected";
        ctx.report(
          `MTA-STS policy file in ${r.type} "${r.name}" (${key}) has mode: ${mode}: ${why}. Before switching to mode: enforce, run \`maildomain check <domain>\`: it fetches the served policy and proves each MX host's STARTTLS certificate (trusted, in date, naming the host), and says "MTA-STS: safe to enforce" or which MX host enforce would cut off. With MailDomain the id changes with the policy. [RFC 8461 §5]`,
          r.urn,
        );
      }
    }
    const { groups } = groupByOwner(ctx.records, ["TXT"]);
    for (const domain of mailDomains(ctx.records)) {
      if (!domain.receives || isExempt(domain.owner, ctx.config.exemptDomains)) continue;
      const sts = childOwner("_mta-sts", domain.owner);
      if (groups.has(ownerKey(sts))) continue;
      ctx.report(
        `${displayOwner(domain.owner)} receives mail but publishes no MTA-STS in this stack (no TXT at ${displayOwner(sts)}): senders deliver over opportunistic TLS that an attacker on the path can strip or redirect. Publish v=STSv1; id=… there and the policy file at https://mta-sts.<domain>/.well-known/mta-sts.txt (the MailDomain argument mtaSts publishes the record, and mtaSts.hosting serves the file on Cloudflare or AWS), in testing mode; \`maildomain check <domain>\` then says when enforce is safe. [RFC 8461 §3]`,
        domain.urn,
      );
    }
  },
});

export const mtaStsStackPolicies: readonly StackValidationPolicy[] = [mtaStsEnforceInProduction];
