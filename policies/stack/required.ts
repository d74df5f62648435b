/**
 * In production, every mail domain of the stack (a name with MX records or an SPF record) has a
 * DMARC record and at least one DKIM selector. Gmail and Yahoo require DMARC (at least p=none)
 * and SPF or DKIM aligned with the From domain from bulk senders since 2024, and reject the rest
 * with `550-5.7.26`; DKIM is what keeps DMARC passing when mail is forwarded (SPF breaks).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { checkDmarcRecordSet, isDmarcRecord } from "../../components/records/dmarc";
import { organizationalDomain } from "../../components/records/orgdomain";
import { formatFinding } from "../define";
import { childOwner, displayOwner, DnsRecordView, OwnerName, ownerKey } from "../records";
import { groupByOwner, mailDomains } from "./domains";
import { exemptDomainsSchema, isExempt, nonProductionStackTwin, StackCheck, StackPolicySpec, stackPolicy } from "./common";

type ExemptConfig = { exemptDomains: string[] };

/** Records (TXT, or of unknown type) whose owner is unknown: one of them could be the missing record. */
function firstOwnerless(ctx: StackCheck<object>, types: readonly string[]): Error | undefined {
  return groupByOwner(ctx.records, types).ownerless.find((v) => v.unknown)?.unknown;
}

const dmarcRequired: StackPolicySpec<ExemptConfig> = {
  name: "dmarc-required-in-production",
  description: "In production, every mail domain (a name with MX records or an SPF record) must have a DMARC record, its own or its organizational domain's.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "production",
  configProperties: exemptDomainsSchema,
  remediationSteps: "Publish v=DMARC1; p=none; rua=mailto:… at _dmarc.<domain> (or give the domain a dmarc argument), then tighten the policy.",
  check: (ctx) => {
    const { groups } = groupByOwner(ctx.records, ["TXT"]);
    const hasDmarc = (owner: OwnerName): boolean => {
      const g = groups.get(ownerKey(owner));
      // A record at the name whose values are unknown (preview) is taken as the DMARC record.
      return !!g && g.records.some((v) => v.valuesUnknown || (v.record?.values ?? []).some(isDmarcRecord));
    };
    for (const domain of mailDomains(ctx.records)) {
      if (isExempt(domain.owner, ctx.config.exemptDomains)) continue;
      const own = childOwner("_dmarc", domain.owner);
      if (hasDmarc(own)) continue;
      // RFC 7489 §6.6.3: without its own record, a subdomain falls back to the organizational domain's.
      const org = domain.owner.space === "" ? organizationalDomain(domain.owner.name) : "";
      const fallback: OwnerName | undefined = domain.owner.space === "" ? (org !== domain.owner.name ? { space: "", name: `_dmarc.${org}` } : undefined) : domain.owner.name !== "" ? { space: domain.owner.space, name: "_dmarc" } : undefined;
      if (fallback && hasDmarc(fallback)) continue;
      const pending = firstOwnerless(ctx, ["TXT"]);
      if (pending) {
        ctx.undetermined(pending);
        continue;
      }
      const core = checkDmarcRecordSet([]).diagnostics[0];
      const also = fallback ? ` (nor at ${displayOwner(fallback)}, the organizational domain)` : "";
      ctx.report(`${formatFinding(`${displayOwner(own)}${also}`, core)} ${displayOwner(domain.owner)} is a mail domain of this stack (${describeDomain(domain.mx, domain.spf.length)}).`, domain.urn);
    }
  },
};
export const dmarcRequiredInProduction: StackValidationPolicy = stackPolicy(dmarcRequired);
/** Outside production, as an advisory: a mail domain without DMARC is never "all passed". */
export const dmarcRequiredNonProduction: StackValidationPolicy = stackPolicy(nonProductionStackTwin(dmarcRequired));

const dkimRequired: StackPolicySpec<ExemptConfig> = {
  name: "dkim-required-in-production",
  description: "In production, every mail domain that may send mail (a name with MX records or an SPF record, unless its SPF authorizes no sender) must publish at least one DKIM selector (TXT key or CNAME) in the stack.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "production",
  configProperties: exemptDomainsSchema,
  remediationSteps: "Publish the key of the selector your mail server or provider signs with at <selector>._domainkey.<domain> (or give the domain a dkim argument).",
  check: (ctx) => {
    const selectorsUnder = (owner: OwnerName): DnsRecordView[] => {
      const suffix = owner.name === "" ? "._domainkey" : `._domainkey.${owner.name}`;
      return ctx.records.records.filter(
        (v) => v.owner && v.owner.space === owner.space && v.owner.name.endsWith(suffix) && v.owner.name.length > suffix.length && (v.type === undefined || v.type === "TXT" || v.type === "CNAME"),
      );
    };
    for (const domain of mailDomains(ctx.records)) {
      if (!domain.sends || isExempt(domain.owner, ctx.config.exemptDomains)) continue;
      if (selectorsUnder(domain.owner).length) continue;
      const pending = firstOwnerless(ctx, ["TXT", "CNAME"]);
      if (pending) {
        ctx.undetermined(pending);
        continue;
      }
      const name = displayOwner(domain.owner);
      ctx.report(
        formatFinding(name, {
          message: `the domain may send mail (${describeDomain(domain.mx, domain.spf.length)}) but no DKIM key record (<selector>._domainkey.${domain.owner.space === "" ? name : "<domain>"}, TXT or CNAME) is in this stack: Gmail, Yahoo and Outlook require SPF or DKIM aligned with the From domain and reject the rest with 550-5.7.26, and only DKIM survives forwarding. Publish the key of the selector your mail server signs with. A domain that sends no mail should say so with "v=spf1 -all".`,
          rfc: "RFC 6376 §3.6.2.1; RFC 7489 §3.1",
        }),
        domain.urn,
      );
    }
  },
};
export const dkimRequiredInProduction: StackValidationPolicy = stackPolicy(dkimRequired);
/** Outside production, as an advisory: a sending domain without DKIM is never "all passed". */
export const dkimRequiredNonProduction: StackValidationPolicy = stackPolicy(nonProductionStackTwin(dkimRequired));

function describeDomain(mx: readonly DnsRecordView[], spfCount: number): string {
  const parts: string[] = [];
  if (mx.length) parts.push(`MX in ${mx.map((v) => `"${v.resource.name}"`).join(", ")}`);
  if (spfCount) parts.push("an SPF record");
  return parts.join(" and ");
}

export const requiredPolicies: readonly StackValidationPolicy[] = [dmarcRequiredInProduction, dmarcRequiredNonProduction, dkimRequiredInProduction, dkimRequiredNonProduction];
