/**
 * No private key material in any DNS record, whoever declared it: a DKIM private key pasted as the
 * key, a key file pasted into a verification token, an Ed25519 seed given as `p=`. DNS is public,
 * so a published private key is compromised for good. The core's detector decides
 * (`components/records/private-key.ts`), the same that refuses such values in `MailDomain`.
 *
 * Every record type is read except those whose values are addresses or host names, which no key
 * material can be written in.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { findPrivateKey } from "../../components/records/private-key";
import { dnsRecordPolicy } from "../define";

const ADDRESS_AND_NAME_TYPES = ["A", "AAAA", "MX", "CNAME", "NS", "PTR", "SRV", "DNAME", "ALIAS"];

export const dnsNoPrivateKey: ResourceValidationPolicy = dnsRecordPolicy({
  name: "dns-no-private-key",
  description: "A DNS record must not publish private key material (a PEM or base64 private key, an Ed25519 seed).",
  enforcementLevel: "mandatory",
  severity: "critical",
  applies: "always",
  recordTypes: { except: ADDRESS_AND_NAME_TYPES },
  remediationSteps: "Remove the value; publish only the public key (openssl pkey -in private.pem -pubout). If the private key was ever published or shared, generate a new key pair.",
  check: (ctx) => {
    ctx.record.values.forEach((value, i) => {
      const found = findPrivateKey(value);
      if (!found) return;
      const which = ctx.record.values.length > 1 ? `value ${i + 1}` : "the value";
      ctx.reportDiagnostic({
        message: `${which} holds a PRIVATE key (${found.what}). DNS is public: anyone who reads it can sign mail as the domain, or use the key for whatever else it protects. Remove it and publish only the public key (openssl pkey -in private.pem -pubout); if it was ever published or shared, generate a new key pair.`,
        rfc: "RFC 6376 §3.6.1",
      });
    });
  },
});

export const privateKeyPolicies: readonly ResourceValidationPolicy[] = [dnsNoPrivateKey];
