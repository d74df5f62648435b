/**
 * MX records (RFC 1035 §3.3.9, RFC 5321 §5.1, RFC 7505): each value parsed by the core, and the
 * values of one resource (a Route 53 record set) checked together. MX and null MX split over
 * several resources (Cloudflare: one resource per value) are the stack policy `mx-null-mx-alone`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { Diagnostic } from "../../components/records/diagnostics";
import { MxRecord, parseMx, validateMxSet } from "../../components/records/mx";
import { dnsRecordPolicy } from "../define";

export const mxValid: ResourceValidationPolicy = dnsRecordPolicy({
  name: "mx-valid",
  description: "MX records must be valid: a host name (never an IP address), a preference from 0 to 65535, and a null MX (0 .) standing alone.",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  recordTypes: ["MX"],
  remediationSteps: "Point MX at a host name that has A/AAAA records; publish either real MX hosts or the single null MX 0 ., never both.",
  check: (ctx) => {
    const seen = new Set<string>();
    const report = (d: Diagnostic) => {
      const key = `${d.code}|${d.message}`;
      if (d.severity !== "error" || seen.has(key)) return;
      seen.add(key);
      ctx.reportDiagnostic(d);
    };
    const complete: MxRecord[] = [];
    for (const value of ctx.record.values) {
      const parsed = parseMx(value);
      parsed.diagnostics.forEach(report);
      if (parsed.model.priority !== undefined && parsed.model.exchange !== undefined) complete.push(parsed.model as MxRecord);
    }
    validateMxSet(complete, "mx").filter((d) => d.code === "mx.null-mx-mixed").forEach(report);
  },
});

export const mxPolicies: readonly ResourceValidationPolicy[] = [mxValid];
