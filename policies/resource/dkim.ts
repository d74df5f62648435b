/**
 * DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463) on TXT records at
 * `<selector>._domainkey.<domain>`: every value there is parsed by the core, and its public key is
 * decoded to learn its type and size.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ProviderRecord } from "../../components/providers/formats";
import type { Diagnostic } from "../../components/records/diagnostics";
import { DkimKeyInfo, inspectDkimPublicKey, parseDkim } from "../../components/records/dkim";
import { DnsRecordPolicySpec, dnsRecordPolicy, nonProductionMeta, nonProductionRecordTwin, productionNote } from "../define";
import { isDkimName } from "../records";

/** RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits. */
export const RSA_FLOOR = 1024;
export const RSA_RECOMMENDED = 2048;

interface DkimValue {
  text: string;
  key?: DkimKeyInfo;
  diagnostics: Diagnostic[];
}

const cache = new WeakMap<ProviderRecord, DkimValue[]>();
export function dkimValues(record: ProviderRecord): DkimValue[] {
  const hit = cache.get(record);
  if (hit) return hit;
  const out = record.values.map((text) => {
    const parsed = parseDkim(text);
    const p = parsed.model.publicKey;
    const keyType = parsed.model.keyType ?? "rsa";
    const key = p && (keyType === "rsa" || keyType === "ed25519") ? inspectDkimPublicKey(p, keyType).key : undefined;
    return { text, key, diagnostics: parsed.diagnostics };
  });
  cache.set(record, out);
  return out;
}

const OWNED = new Set(["dkim.rsa-key-too-short", "dkim.rsa-key-weak", "dkim.sha1-only", "dkim.testing"]);

const common = {
  recordTypes: ["TXT"],
  appliesToName: isDkimName,
  nameReason: "Policy only applies to TXT records at <selector>._domainkey names",
};

export const dkimMinKeySize: ResourceValidationPolicy = dnsRecordPolicy<{ minRsaBits: number; minRsaBitsNonProduction: number }>({
  name: "dkim-min-key-size",
  description: `DKIM RSA keys must be large enough: at least ${RSA_RECOMMENDED} bits in production (RFC 8301, M3AAWG), and never under ${RSA_FLOOR} bits, which verifiers must reject.`,
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  environmentAware: true,
  ...common,
  configProperties: {
    minRsaBits: { type: "integer", minimum: RSA_FLOOR, default: RSA_RECOMMENDED, description: "Smallest RSA key accepted in production." },
    minRsaBitsNonProduction: { type: "integer", minimum: RSA_FLOOR, default: RSA_FLOOR, description: "Smallest RSA key accepted outside production." },
  },
  remediationSteps: "Generate a 2048-bit RSA key (or Ed25519 beside it) under a new selector, publish it, switch signing to it, then revoke the old selector.",
  check: (ctx) => {
    const production = ctx.environment.environment === "production";
    const configured = production ? ctx.config.minRsaBits : ctx.config.minRsaBitsNonProduction;
    const min = Math.max(RSA_FLOOR, Number.isInteger(configured) ? configured : production ? RSA_RECOMMENDED : RSA_FLOOR);
    for (const v of dkimValues(ctx.record)) {
      if (v.key?.type !== "rsa" || v.key.bits >= min) continue;
      const core = v.diagnostics.find((d) => d.code === "dkim.rsa-key-too-short" || d.code === "dkim.rsa-key-weak");
      const where = production ? "in production" : "outside production";
      const own = `the RSA key has ${v.key.bits} bits; this organization requires at least ${min} bits ${where} (${production ? "minRsaBits" : "minRsaBitsNonProduction"}): generate a ${Math.max(min, RSA_RECOMMENDED)}-bit key.`;
      ctx.reportDiagnostic(core && (core.code === "dkim.rsa-key-too-short" || min === RSA_RECOMMENDED) ? core : { message: own, rfc: "RFC 8301 §3.2" });
    }
  },
});

/**
 * Outside production, dkim-min-key-size refuses only what no verifier accepts (under 1024 bits); a
 * key that production would refuse (under minRsaBits, 2048) is said here as an advisory.
 */
export const dkimMinKeySizeNonProduction: ResourceValidationPolicy = dnsRecordPolicy<{ minRsaBits: number }>({
  ...nonProductionMeta({
    name: "dkim-min-key-size",
    description: `DKIM RSA keys should have the ${RSA_RECOMMENDED} bits production requires (RFC 8301, M3AAWG).`,
    enforcementLevel: "mandatory",
    severity: "medium",
    applies: "production",
  }),
  ...common,
  configProperties: {
    minRsaBits: { type: "integer", minimum: RSA_FLOOR, default: RSA_RECOMMENDED, description: "The RSA key size production requires (dkim-min-key-size's minRsaBits)." },
  },
  remediationSteps: "Generate a 2048-bit RSA key under a new selector before this stack's configuration reaches production.",
  check: (ctx) => {
    const min = Math.max(RSA_FLOOR, Number.isInteger(ctx.config.minRsaBits) ? ctx.config.minRsaBits : RSA_RECOMMENDED);
    for (const v of dkimValues(ctx.record)) {
      // Under the floor, dkim-min-key-size itself refuses the key everywhere.
      if (v.key?.type !== "rsa" || v.key.bits >= min || v.key.bits < RSA_FLOOR) continue;
      const core = v.diagnostics.find((d) => d.code === "dkim.rsa-key-weak");
      const message = core && min === RSA_RECOMMENDED ? core.message : `the RSA key has ${v.key.bits} bits; production requires at least ${min} bits (minRsaBits): generate a ${Math.max(min, RSA_RECOMMENDED)}-bit key.`;
      ctx.reportDiagnostic({ message: `${message}${productionNote("dkim-min-key-size")}`, rfc: core?.rfc ?? "RFC 8301 §3.2" });
    }
  },
});

export const dkimNoSha1: ResourceValidationPolicy = dnsRecordPolicy({
  name: "dkim-no-sha1",
  description: "A DKIM key must allow sha256 signatures: h=sha1 alone allows only rsa-sha1, which verifiers must no longer accept (RFC 8301).",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  ...common,
  remediationSteps: "Write h=sha256, or remove h= (all algorithms allowed), and sign with rsa-sha256.",
  check: (ctx) => {
    for (const v of dkimValues(ctx.record)) for (const d of v.diagnostics) if (d.code === "dkim.sha1-only") ctx.reportDiagnostic(d);
  },
});

const noTesting: DnsRecordPolicySpec<object> = {
  name: "dkim-no-testing-in-production",
  description: "In production, DKIM keys must not be flagged t=y (testing): receivers may ignore failing or even valid signatures made with them.",
  enforcementLevel: "mandatory",
  severity: "medium",
  applies: "production",
  ...common,
  remediationSteps: "Remove t=y from the key record once signing works.",
  check: (ctx) => {
    for (const v of dkimValues(ctx.record)) for (const d of v.diagnostics) if (d.code === "dkim.testing") ctx.reportDiagnostic(d);
  },
};
export const dkimNoTestingInProduction: ResourceValidationPolicy = dnsRecordPolicy(noTesting);
export const dkimNoTestingNonProduction: ResourceValidationPolicy = dnsRecordPolicy(nonProductionRecordTwin(noTesting));

export const dkimValidKey: ResourceValidationPolicy = dnsRecordPolicy({
  name: "dkim-valid-key",
  description: "DKIM key records must be valid: a bad tag, a cut or mistyped key, a key of the wrong type or a published private key makes every signature fail (or worse).",
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  ...common,
  check: (ctx) => {
    for (const v of dkimValues(ctx.record)) for (const d of v.diagnostics) if (d.severity === "error" && !OWNED.has(d.code)) ctx.reportDiagnostic(d);
  },
});

export const dkimPolicies: readonly ResourceValidationPolicy[] = [dkimMinKeySize, dkimMinKeySizeNonProduction, dkimNoSha1, dkimNoTestingInProduction, dkimNoTestingNonProduction, dkimValidKey];
