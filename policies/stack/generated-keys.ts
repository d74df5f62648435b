/**
 * A `tls.PrivateKey` whose public key is published as a DKIM record must be at least 2048-bit RSA
 * or Ed25519. During a preview the DKIM record of a new key is unknown (the key does not exist
 * yet), so the resource policies cannot see its size; the key's own inputs can. A key feeds a DKIM
 * record when the record depends on it (the engine's property dependencies) or, when the values
 * are known, when the record's p= is the key's public key.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseDkim, publicKeyToDkim } from "../../components/records/dkim";
import { DnsRecordView, displayOwner, isDkimName, TLS_PRIVATE_KEY, tryRead } from "../records";
import { RSA_RECOMMENDED } from "../resource/dkim";
import { stackPolicy } from "./common";

/** The TLS provider's default `rsaBits`. */
const TLS_DEFAULT_RSA_BITS = 2048;

function dependsOn(record: PolicyResource, key: PolicyResource): boolean {
  if (record.dependencies?.some((d) => d.urn === key.urn)) return true;
  return Object.values(record.propertyDependencies ?? {}).some((deps) => deps.some((d) => d.urn === key.urn));
}

function publishesKey(view: DnsRecordView, key: PolicyResource): boolean {
  const pem = tryRead(key.props as Record<string, unknown>, "publicKeyPem");
  if (!pem.known || typeof pem.value !== "string" || pem.value === "") return false;
  const p = publicKeyToDkim(pem.value).p;
  return p !== "" && (view.record?.values ?? []).some((value) => parseDkim(value).model.publicKey === p);
}

export const dkimGeneratedKeyStrength: StackValidationPolicy = stackPolicy<{ minRsaBits: number }>({
  name: "dkim-generated-key-strength",
  description: `A tls.PrivateKey published as a DKIM key must be RSA of at least ${RSA_RECOMMENDED} bits or Ed25519 (RFC 8301, RFC 8463); DKIM has no ECDSA.`,
  enforcementLevel: "mandatory",
  severity: "high",
  applies: "always",
  configProperties: {
    minRsaBits: { type: "integer", minimum: 1024, default: RSA_RECOMMENDED, description: "Smallest RSA key size accepted for a generated DKIM key." },
  },
  remediationSteps: 'Generate the key with algorithm "RSA" and rsaBits 2048 (or 4096), or algorithm "ED25519" beside an RSA key.',
  check: (ctx) => {
    const min = Number.isInteger(ctx.config.minRsaBits) ? ctx.config.minRsaBits : RSA_RECOMMENDED;
    const keys = ctx.args.resources.filter((r) => r.type === TLS_PRIVATE_KEY);
    if (keys.length === 0) return ctx.args.notApplicable(`Policy only applies to stacks with ${TLS_PRIVATE_KEY} resources`);
    const dkimRecords = ctx.records.records.filter((v) => v.owner && isDkimName(v.owner.name) && (v.type === undefined || v.type === "TXT"));
    for (const key of keys) {
      const fed = dkimRecords.filter((v) => dependsOn(v.resource, key) || publishesKey(v, key));
      if (fed.length === 0) continue;
      const props = key.props as Record<string, unknown>;
      const algorithm = tryRead(props, "algorithm");
      const bits = tryRead(props, "rsaBits");
      if (!algorithm.known) {
        ctx.undetermined(algorithm.error);
        continue;
      }
      const names = fed.map((v) => displayOwner(v.owner!)).join(", ");
      const alg = String(algorithm.value ?? "").toUpperCase();
      if (alg === "RSA") {
        if (!bits.known) {
          ctx.undetermined(bits.error);
          continue;
        }
        const size = typeof bits.value === "number" ? bits.value : TLS_DEFAULT_RSA_BITS;
        if (size < min) {
          ctx.report(
            `tls.PrivateKey "${key.name}" (RSA, ${size} bits) is published as the DKIM key at ${names}: ${size < 1024 ? "verifiers must not accept RSA keys under 1024 bits, so every signature fails" : `RFC 8301 and M3AAWG recommend ${RSA_RECOMMENDED} bits`}; this organization requires at least ${min}: set rsaBits: ${Math.max(min, RSA_RECOMMENDED)} (a new key needs a new selector). [RFC 8301 §3.2]`,
            key.urn,
          );
        }
      } else if (alg !== "ED25519") {
        ctx.report(
          `tls.PrivateKey "${key.name}" (${alg || "no algorithm"}) is published as the DKIM key at ${names}: DKIM keys are RSA or Ed25519 only, so verifiers cannot use it and every signature fails: use algorithm "RSA" with rsaBits ${RSA_RECOMMENDED}, or "ED25519". [RFC 6376 §3.3; RFC 8463 §3]`,
          key.urn,
        );
      }
    }
  },
});

export const generatedKeyPolicies: readonly StackValidationPolicy[] = [dkimGeneratedKeyStrength];
