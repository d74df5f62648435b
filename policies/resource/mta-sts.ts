/**
 * The DNS side of MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3): the `_mta-sts` and
 * `_smtp._tls` TXT records. Invalid ones do not lose mail, they only switch the protection off,
 * so these policies are advisory by default. Whether the policy file enforces is the stack policy
 * `mta-sts-enforce-in-production`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseMtaStsTxt } from "../../components/records/mta-sts";
import { parseTlsRpt } from "../../components/records/tls-rpt";
import { dnsRecordPolicy } from "../define";
import { isMtaStsName, isTlsRptName } from "../records";

export const mtaStsValidSyntax: ResourceValidationPolicy = dnsRecordPolicy({
  name: "mta-sts-valid-syntax",
  description: "The _mta-sts TXT record must be valid (v=STSv1; id=…): senders ignore MTA-STS for the domain otherwise.",
  enforcementLevel: "advisory",
  severity: "low",
  applies: "always",
  recordTypes: ["TXT"],
  appliesToName: isMtaStsName,
  nameReason: "Policy only applies to TXT records at _mta-sts names",
  check: (ctx) => {
    for (const value of ctx.record.values) for (const d of parseMtaStsTxt(value).diagnostics) if (d.severity === "error") ctx.reportDiagnostic(d);
  },
});

export const tlsRptValidSyntax: ResourceValidationPolicy = dnsRecordPolicy({
  name: "tls-rpt-valid-syntax",
  description: "The _smtp._tls TXT record must be valid (v=TLSRPTv1; rua=…): senders send no TLS reports otherwise.",
  enforcementLevel: "advisory",
  severity: "low",
  applies: "always",
  recordTypes: ["TXT"],
  appliesToName: isTlsRptName,
  nameReason: "Policy only applies to TXT records at _smtp._tls names",
  check: (ctx) => {
    for (const value of ctx.record.values) for (const d of parseTlsRpt(value).diagnostics) if (d.severity === "error") ctx.reportDiagnostic(d);
  },
});

export const mtaStsPolicies: readonly ResourceValidationPolicy[] = [mtaStsValidSyntax, tlsRptValidSyntax];
