/**
 * TXT character-strings (RFC 1035 §3.3): at most 255 octets each. A value whose strings are
 * longer is rejected by Route 53 when the change is applied (after a green preview), and is split
 * by Cloudflare itself, which then differs from the program on every run.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkStringLengths } from "../../components/records/txt";
import { dnsRecordPolicy } from "../define";

const FIX = {
  route53: `Route 53 rejects the change: give a long value as ONE element of records with the strings joined by "" (first255""rest), not as separate elements (which would be separate TXT records).`,
  cloudflare: `Cloudflare splits it itself and the provider then shows a change on every run: give content as quoted strings of at most 255 octets separated by one space ("first255" "rest").`,
};

export const txtStringLength: ResourceValidationPolicy = dnsRecordPolicy({
  name: "txt-string-length",
  description: "Each character-string of a TXT value must hold at most 255 octets (DKIM keys and long SPF records must be split into several strings of one value).",
  enforcementLevel: "mandatory",
  severity: "medium",
  applies: "always",
  recordTypes: ["TXT"],
  check: (ctx) => {
    (ctx.record.txtStrings ?? []).forEach((strings, i) => {
      for (const d of checkStringLengths(strings, `value ${i + 1}`)) ctx.reportDiagnostic({ message: `${d.field}: ${d.message} ${FIX[ctx.manager]}`, rfc: d.rfc });
    });
  },
});

export const txtPolicies: readonly ResourceValidationPolicy[] = [txtStringLength];
