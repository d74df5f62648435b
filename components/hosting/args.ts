/**
 * Where the MTA-STS policy file is served: `mtaSts.hosting` of `MailDomain`. The one declaration of these
 * arguments, with their shapes for the shared argument rule (`../records/args-schema`), which refuses unknown keys
 * and wrong types before `validate.ts` checks what the values mean.
 *
 *   mtaSts: { mode, maxAge?, mx?, hosting?: {
 *     cloudflare?: { accountId, scriptName? }   // a Worker on the custom domain mta-sts.<domain> (DNS on Cloudflare)
 *     aws?: { priceClass? }                     // S3 + CloudFront + ACM in us-east-1 (DNS on Route 53)
 *     external?: true                           // you serve the file (output mtaStsPolicy); the default
 *   } }
 *
 * Exactly one of the three. Senders ignore the `_mta-sts` TXT record unless the policy is served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt with a valid certificate (RFC 8461 §3.3), so hosting it where the
 * DNS is managed is what makes the feature work without hand-built infrastructure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { booleanArg, enumArg, inputArg, objectArg, textArg } from "../records/args-schema";
import { MTA_STS_ARGS, MtaStsArgs } from "../records/mta-sts";

export interface CloudflareMtaStsHostingArgs {
  /** The Cloudflare account that owns the zone (32 hexadecimal digits; Workers belong to accounts, not zones). */
  accountId: pulumi.Input<string>;
  /** The Worker's name in the account; default `mta-sts-<domain with dashes>`. */
  scriptName?: string;
}

export interface AwsMtaStsHostingArgs {
  /** CloudFront price class: `PriceClass_100` (default, cheapest), `PriceClass_200` or `PriceClass_All`. */
  priceClass?: string;
}

export interface MtaStsHostingArgs {
  /** Serve the policy with a Cloudflare Worker on the custom domain mta-sts.<domain>; Cloudflare issues the certificate. */
  cloudflare?: CloudflareMtaStsHostingArgs;
  /** Serve the policy from a private S3 object behind CloudFront, with an ACM certificate validated in the Route 53 zone. */
  aws?: AwsMtaStsHostingArgs;
  /** The policy is served elsewhere: the component only outputs the file (`mtaStsPolicy`). */
  external?: boolean;
}

/** `MailDomain`'s `mtaSts`: the records and the policy (core arguments) plus where the policy is served. */
export interface MailDomainMtaStsArgs extends MtaStsArgs {
  hosting?: MtaStsHostingArgs;
}

export const AWS_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

const RFC_HOSTING = "RFC 8461 §3.3";

export const CLOUDFLARE_MTA_STS_HOSTING_ARGS = objectArg<CloudflareMtaStsHostingArgs>(
  { accountId: inputArg(), scriptName: textArg() },
  { example: '{ accountId: "0123456789abcdef0123456789abcdef" }', rfc: RFC_HOSTING },
);

export const AWS_MTA_STS_HOSTING_ARGS = objectArg<AwsMtaStsHostingArgs>({ priceClass: enumArg(AWS_PRICE_CLASSES) }, { example: "{}", rfc: RFC_HOSTING });

export const MTA_STS_HOSTING_ARGS = objectArg<MtaStsHostingArgs>(
  { cloudflare: CLOUDFLARE_MTA_STS_HOSTING_ARGS, aws: AWS_MTA_STS_HOSTING_ARGS, external: booleanArg },
  { example: "{ external: true }", rfc: RFC_HOSTING },
);

/** `MailDomain`'s `mtaSts`: the core's MTA-STS arguments and `hosting`. */
export const MAIL_DOMAIN_MTA_STS_ARGS = objectArg<MailDomainMtaStsArgs>({ ...MTA_STS_ARGS.fields, hosting: MTA_STS_HOSTING_ARGS }, { example: MTA_STS_ARGS.example, rfc: MTA_STS_ARGS.rfc, fromString: MTA_STS_ARGS.fromString });
