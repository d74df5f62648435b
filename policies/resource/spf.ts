/**
 * SPF (RFC 7208) on TXT records (except at the names of DKIM, DMARC, MTA-STS, TLS-RPT and BIMI
 * records, where no SPF is evaluated): every value that receivers select as SPF (`v=spf1 …`) is
 * parsed by the core, and each policy reports the core diagnostics it owns.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ProviderRecord } from "../../components/providers/formats";
import type { Diagnostic } from "../../components/records/diagnostics";
import { checkSpfRecordSet, countDnsLookups, dnsLookupTerms, isSpfRecord, MAX_DNS_LOOKUPS, parseSpf, renderTerm } from "../../components/records/spf";
import { DnsRecordPolicySpec, dnsRecordPolicy, nonProductionRecordTwin } from "../define";
import { isOtherMechanismName } from "../records";

interface SpfValue {
  text: string;
  diagnostics: Diagnostic[];
  lookups: number;
  lookupTerms: string[];
}

/** The SPF values of a TXT record, parsed (cached per record object: several policies read one). */
const cache = new WeakMap<ProviderRecord, SpfValue[]>();
export function spfValues(record: ProviderRecord): SpfValue[] {
  const hit = cache.get(record);
  if (hit) return hit;
  const out = record.values.filter(isSpfRecord).map((text) => {
    const parsed = parseSpf(text);
    return { text, diagnostics: parsed.diagnostics, lookups: countDnsLookups(parsed.model), lookupTerms: dnsLookupTerms(parsed.model).map(renderTerm) };
  });
  cache.set(record, out);
  return out;
}

/** Codes owned by a dedicated policy, so `spf-valid-syntax` does not report them twice. */
const OWNED = new Set(["spf.pass-all", "spf.open-network", "spf.neutral-all", "spf.too-many-lookups", "spf.ptr"]);

function reportCodes(codes: readonly string[]) {
  return (ctx: { record: ProviderRecord; reportDiagnostic(d: Diagnostic): void }) => {
    for (const v of spfValues(ctx.record)) for (const d of v.diagnostics) if (codes.includes(d.code)) ctx.reportDiagnostic(d);
  };
}

/** SPF policies read TXT records, except at the names of other mechanisms (`_dmarc`, `<s>._domainkey`…). */
const spfRecords = {
  recordTypes: ["TXT"],
  appliesToName: (name: string) => !isOtherMechanismName(name),
  nameReason: "Policy does not apply to DKIM, DMARC, MTA-STS, TLS-RPT and BIMI records",
};

export const spfNoPassAll: ResourceValidationPolicy = dnsRecordPolicy({
  name: "spf-no-pass-all",
  description: 'SPF must not authorize every sender on the Internet ("+all", or an authorizing /0 network).',
  enforcementLevel: "mandatory",
  severity: "critical",
  applies: "always",
  ...spfRecords,
  remediationSteps: 'End the SPF record with "-all" (or "~all" while testing) and list the real senders before it.',
  check: reportCodes(["spf.pass-all", "spf.open-network"]),
});

/** `?all` in production: mandatory. */
const neutralAll: DnsRecordPolicySpec<object> = {
  name: "spf-no-neutral-all",
  description: 'SPF should not end with "?all", which gives receivers and DMARC no SPF protection.',
  enforcementLevel: "mandatory",
  severity: "medium",
  applies: "production",
  ...spfRecords,
  remediationSteps: 'End the SPF record with "~all", or "-all" once every sender is listed.',
  check: reportCodes(["spf.neutral-all"]),
};
export const spfNoNeutralAll: ResourceValidationPolicy = dnsRecordPolicy(neutralAll);

/** The same rule outside production: advisory. */
export const spfNoNeutralAllNonProduction: ResourceValidationPolicy = dnsRecordPolicy(nonProductionRecordTwin(neutralAll));

export const spfLookupLimit: ResourceValidationPolicy = dnsRecordPolicy<{ maxLookups: number }>({
  name: "spf-lookup-limit",
  description: `An SPF record must not need more than ${MAX_DNS_LOOKUPS} DNS lookups (include, a, mx, ptr, exists, redirect): receivers return a permanent error.`,
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  ...spfRecords,
  configProperties: {
    maxLookups: {
      type: "integer",
      minimum: 0,
      maximum: MAX_DNS_LOOKUPS,
      default: MAX_DNS_LOOKUPS,
      description: `Most DNS-querying terms allowed in the record itself (RFC 7208 allows ${MAX_DNS_LOOKUPS} per evaluation, nested includes included; a lower value leaves room for them).`,
    },
  },
  remediationSteps: "Replace a and mx by ip4/ip6 ranges, drop unused includes, or move some senders to a subdomain with its own SPF record.",
  check: (ctx) => {
    const max = Number.isInteger(ctx.config.maxLookups) ? ctx.config.maxLookups : MAX_DNS_LOOKUPS;
    for (const v of spfValues(ctx.record)) {
      if (v.lookups <= max) continue;
      const core = v.diagnostics.find((d) => d.code === "spf.too-many-lookups");
      if (core && max === MAX_DNS_LOOKUPS) ctx.reportDiagnostic(core);
      else {
        ctx.reportDiagnostic({
          message: `the record has ${v.lookups} terms that need DNS lookups (${v.lookupTerms.join(" ")}), above this organization's limit of ${max} (maxLookups), which leaves room for the lookups inside includes; receivers return a permanent error above ${MAX_DNS_LOOKUPS} in all: replace a and mx by ip4/ip6 ranges or drop unused includes.`,
          rfc: "RFC 7208 §4.6.4",
        });
      }
    }
  },
});

export const spfNoPtr: ResourceValidationPolicy = dnsRecordPolicy({
  name: "spf-no-ptr",
  description: 'SPF should not use the "ptr" mechanism: slow, unreliable, and the RFC says it SHOULD NOT be used.',
  enforcementLevel: "advisory",
  severity: "low",
  applies: "always",
  ...spfRecords,
  remediationSteps: "List the senders with ip4/ip6, a or include instead of ptr.",
  check: reportCodes(["spf.ptr"]),
});

export const spfValidSyntax: ResourceValidationPolicy = dnsRecordPolicy({
  name: "spf-valid-syntax",
  description: "SPF records must be valid: a syntax error, two SPF records in one record set, or a value meant as SPF that receivers do not select is a permanent error or no SPF at all.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  ...spfRecords,
  check: (ctx) => {
    const seen = new Set<string>();
    const report = (d: Diagnostic) => {
      const key = `${d.code}|${d.field}|${d.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      ctx.reportDiagnostic(d);
    };
    for (const d of checkSpfRecordSet(ctx.record.values)) if (d.severity === "error" && !OWNED.has(d.code)) report(d);
    for (const v of spfValues(ctx.record)) for (const d of v.diagnostics) if (d.severity === "error" && !OWNED.has(d.code)) report(d);
  },
});

export const spfPolicies: readonly ResourceValidationPolicy[] = [spfNoPassAll, spfNoNeutralAll, spfNoNeutralAllNonProduction, spfLookupLimit, spfNoPtr, spfValidSyntax];
