/**
 * DMARC (RFC 7489, RFC 9989) on TXT records at `_dmarc.<domain>`: every value there is parsed by
 * the core (a value that is not a DMARC record at a `_dmarc` name is a mistake too).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ProviderRecord } from "../../components/providers/formats";
import type { Diagnostic } from "../../components/records/diagnostics";
import { checkDmarcRecordSet, DmarcRecord, parseDmarc } from "../../components/records/dmarc";
import { DnsRecordPolicySpec, dnsRecordPolicy, nonProductionRecordTwin } from "../define";
import { isDmarcName } from "../records";

interface DmarcValue {
  text: string;
  model: DmarcRecord;
  diagnostics: Diagnostic[];
}

const cache = new WeakMap<ProviderRecord, DmarcValue[]>();
function dmarcValues(record: ProviderRecord): DmarcValue[] {
  const hit = cache.get(record);
  if (hit) return hit;
  const out = record.values.map((text) => ({ text, ...parseDmarc(text) }));
  cache.set(record, out);
  return out;
}

const OWNED = new Set(["dmarc.policy-none", "dmarc.subdomain-policy-none", "dmarc.nonexistent-policy-none", "dmarc.pct-partial", "dmarc.testing", "dmarc.no-rua"]);

const common = {
  recordTypes: ["TXT"],
  appliesToName: isDmarcName,
  nameReason: "Policy only applies to TXT records at _dmarc names",
};

function reportCodes(codes: readonly string[]) {
  return (ctx: { record: ProviderRecord; reportDiagnostic(d: Diagnostic): void }) => {
    for (const v of dmarcValues(ctx.record)) for (const d of v.diagnostics) if (codes.includes(d.code)) ctx.reportDiagnostic(d);
  };
}

const noMonitorOnly: DnsRecordPolicySpec<object> = {
  name: "dmarc-no-monitor-only-in-production",
  description: "In production, DMARC must ask receivers to act on failing mail: p=none (and sp=none or np=none under a stricter p) only monitors and leaves the domain open to spoofing.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "production",
  ...common,
  remediationSteps: "Once the aggregate reports show every sender passes, set p=quarantine, then p=reject; remove sp=none and np=none.",
  check: reportCodes(["dmarc.policy-none", "dmarc.subdomain-policy-none", "dmarc.nonexistent-policy-none"]),
};
export const dmarcNoMonitorOnlyInProduction: ResourceValidationPolicy = dnsRecordPolicy(noMonitorOnly);
/** The same rule outside production, as an advisory: a p=none domain is never "all passed". */
export const dmarcNoMonitorOnlyNonProduction: ResourceValidationPolicy = dnsRecordPolicy(nonProductionRecordTwin(noMonitorOnly));

const fullCoverage: DnsRecordPolicySpec<{ minPct: number }> = {
  name: "dmarc-full-coverage-in-production",
  description: "In production, the DMARC policy must apply to all failing mail: no pct below 100 and no t=y (testing), which receivers treat as one policy level weaker.",
  enforcementLevel: "mandatory",
  severity: "medium",
  applies: "production",
  ...common,
  configProperties: {
    minPct: {
      type: "integer",
      minimum: 0,
      maximum: 100,
      default: 100,
      description: "Lowest pct= accepted in production (lower it temporarily while rolling out quarantine or reject).",
    },
  },
  remediationSteps: "Remove pct= (100 is the default) and t=y once the rollout is done.",
  check: (ctx) => {
    const min = Number.isInteger(ctx.config.minPct) ? ctx.config.minPct : 100;
    for (const v of dmarcValues(ctx.record)) {
      if (v.model.pct !== undefined && v.model.pct < min) {
        const core = v.diagnostics.find((d) => d.code === "dmarc.pct-partial");
        const message = core?.message ?? `pct=${v.model.pct}: the policy applies to only ${v.model.pct}% of failing mail.`;
        ctx.reportDiagnostic({ message: min < 100 ? `${message} This organization allows pct=${min} or more (minPct).` : message, rfc: core?.rfc ?? "RFC 7489 §6.3" });
      }
      for (const d of v.diagnostics) if (d.code === "dmarc.testing") ctx.reportDiagnostic(d);
    }
  },
};
export const dmarcFullCoverageInProduction: ResourceValidationPolicy = dnsRecordPolicy(fullCoverage);
export const dmarcFullCoverageNonProduction: ResourceValidationPolicy = dnsRecordPolicy(nonProductionRecordTwin(fullCoverage));

export const dmarcAggregateReports: ResourceValidationPolicy = dnsRecordPolicy({
  name: "dmarc-aggregate-reports",
  description: "DMARC should request aggregate reports (rua=): without them nobody sees who sends mail as the domain, and tightening the policy is guesswork.",
  enforcementLevel: "advisory",
  severity: "low",
  applies: "always",
  ...common,
  remediationSteps: "Add rua=mailto:dmarc-reports@<your domain> (an external address also needs its _report._dmarc authorization record).",
  check: reportCodes(["dmarc.no-rua"]),
});

export const dmarcValidSyntax: ResourceValidationPolicy = dnsRecordPolicy({
  name: "dmarc-valid-syntax",
  description: "DMARC records must be valid: receivers ignore a record with a bad v= or p=, apply no DMARC when two records exist, and drop bad tag values.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  ...common,
  check: (ctx) => {
    for (const d of checkDmarcRecordSet(ctx.record.values).diagnostics) if (d.code === "dmarc.multiple-records") ctx.reportDiagnostic(d);
    for (const v of dmarcValues(ctx.record)) for (const d of v.diagnostics) if (d.severity === "error" && !OWNED.has(d.code)) ctx.reportDiagnostic(d);
  },
});

export const dmarcPolicies: readonly ResourceValidationPolicy[] = [
  dmarcNoMonitorOnlyInProduction,
  dmarcNoMonitorOnlyNonProduction,
  dmarcFullCoverageInProduction,
  dmarcFullCoverageNonProduction,
  dmarcAggregateReports,
  dmarcValidSyntax,
];
