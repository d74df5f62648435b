/**
 * Amazon SES identity created by the component (`amazonSes.createIdentity`): the domain identity
 * with Easy DKIM (2048-bit keys), its three DKIM tokens wired to CNAMEs, and the custom MAIL FROM
 * domain. The token values exist only after SES creates the identity, so the CNAME names are
 * Outputs; their child names use the token's slot (SES always returns exactly three).
 */
import * as pulumi from "@pulumi/pulumi";
import { AmazonSesArgs } from "../presets/args";
import { sesDkimCname } from "../presets";
import { providerPackages } from "./packages";
import { RecordSetInput } from "./types";

export function sesIdentityRecords(componentName: string, domain: string, ses: AmazonSesArgs, ttl: number, parent: pulumi.Resource): RecordSetInput[] {
  const sesv2 = providerPackages.sesv2();
  const identity = new sesv2.EmailIdentity(
    `${componentName}-ses-identity`,
    { emailIdentity: domain, region: ses.region, dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" } },
    { parent },
  );
  if (ses.mailFromSubdomain) {
    new sesv2.EmailIdentityMailFromAttributes(
      `${componentName}-ses-mail-from`,
      { emailIdentity: identity.emailIdentity, region: ses.region, mailFromDomain: `${ses.mailFromSubdomain.toLowerCase()}.${domain}`, behaviorOnMxFailure: "USE_DEFAULT_VALUE" },
      { parent },
    );
  }
  return [1, 2, 3].map((slot) => {
    const token = identity.dkimSigningAttributes.apply((a) => a?.tokens?.[slot - 1] ?? "");
    const cname = token.apply((t) => sesDkimCname(domain, t));
    return {
      id: `ses-dkim-${slot}`,
      name: cname.apply((c) => `${c.selector}._domainkey.${domain}`),
      type: "CNAME",
      ttl,
      comment: `Amazon SES DKIM ${slot} for ${domain}`,
      values: [{ id: `ses-dkim-${slot}`, content: cname.apply((c) => c.cnameTarget) }],
    };
  });
}
