/**
 * AWS hosting of the MTA-STS policy: the file as a private S3 object, served by a CloudFront distribution on
 * `mta-sts.<domain>` with an ACM certificate, all in the domain's Route 53 zone:
 *
 *   S3 bucket (all public access blocked) ── object .well-known/mta-sts.txt (text/plain)
 *     └─ bucket policy: s3:GetObject for cloudfront.amazonaws.com, only from this distribution (AWS:SourceArn)
 *   CloudFront origin access control (SigV4) ── distribution (alias mta-sts.<domain>, HTTPS only, GET/HEAD,
 *     caching disabled, TLS 1.2+, a viewer-request function answering 404 off the policy path)
 *   ACM certificate in us-east-1 (CloudFront takes certificates from there only), validated by DNS:
 *     the validation CNAME in the zone, and a CertificateValidation the distribution waits for
 *   alias A and AAAA records mta-sts.<domain> → the distribution
 *
 * us-east-1 is given per resource (`region`, AWS provider 7), so the certificate uses the same credentials and
 * settings as the rest of the program instead of a second provider configured separately.
 * Caching is disabled (the managed CachingDisabled policy): senders fetch the file rarely (when the id changes or
 * max_age expires), and a cached old file served under a new id would be kept by senders for max_age.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerPackages } from "../providers/packages";
import { AwsMtaStsHostingArgs } from "./args";
import { CLOUDFRONT_FUNCTION_RUNTIME, CLOUDFRONT_VIEWER_REQUEST_CODE } from "./cloudfront-function";
import { POLICY_PATH } from "./worker-script";
import { HostingContext, HostedPolicy } from "./types";

/** The certificate region CloudFront accepts. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";
/** AWS managed cache policy "Managed-CachingDisabled". */
export const CACHING_DISABLED_POLICY_ID = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ORIGIN_ID = "mta-sts-policy";

export function hostOnAws(args: AwsMtaStsHostingArgs, ctx: HostingContext): HostedPolicy {
  const [acm, cloudfront, route53, s3] = [providerPackages.acm(), providerPackages.cloudfront(), providerPackages.route53(), providerPackages.s3()];
  const opts = { parent: ctx.parent };
  const n = (suffix: string) => `${ctx.baseName}-mta-sts-${suffix}`;

  const bucket = new s3.Bucket(n("bucket"), { forceDestroy: true }, opts);
  const publicAccess = new s3.BucketPublicAccessBlock(
    n("bucket-public-access"),
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  const object = new s3.BucketObjectv2(
    n("policy"),
    { bucket: bucket.id, key: POLICY_PATH.slice(1), content: ctx.policyText, contentType: "text/plain; charset=utf-8", cacheControl: "no-store" },
    opts,
  );

  const certificate = new acm.Certificate(n("certificate"), { domainName: ctx.policyHost, validationMethod: "DNS", region: CLOUDFRONT_CERTIFICATE_REGION }, opts);
  // One name, so one validation option: ACM gives one CNAME per name on the certificate.
  const dvo = certificate.domainValidationOptions.apply((o) => o[0]);
  const validationRecord = new route53.Record(
    n("certificate-validation"),
    {
      zoneId: ctx.zoneId,
      name: dvo.apply((o) => o.resourceRecordName ?? ""),
      type: dvo.apply((o) => o.resourceRecordType ?? "CNAME"),
      records: [dvo.apply((o) => o.resourceRecordValue ?? "")],
      ttl: 300,
      // ACM's validation CNAME is the same for every certificate of this name in the account: a replaced
      // certificate must be able to take over the record its predecessor created.
      allowOverwrite: true,
    },
    opts,
  );
  const validation = new acm.CertificateValidation(
    n("certificate-validated"),
    { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn], region: CLOUDFRONT_CERTIFICATE_REGION },
    opts,
  );

  const oac = new cloudfront.OriginAccessControl(
    n("origin-access"),
    { description: `MTA-STS policy of ${ctx.domain}`, originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
    opts,
  );
  const notFound = new cloudfront.Function(
    n("not-found"),
    { runtime: CLOUDFRONT_FUNCTION_RUNTIME, code: CLOUDFRONT_VIEWER_REQUEST_CODE, comment: "404 off the MTA-STS policy path", publish: true },
    opts,
  );
  const distribution = new cloudfront.Distribution(
    n("distribution"),
    {
      enabled: true,
      comment: `MTA-STS policy of ${ctx.domain}`,
      aliases: [ctx.policyHost],
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: args.priceClass ?? "PriceClass_100",
      origins: [{ originId: ORIGIN_ID, domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: ORIGIN_ID,
        // Senders fetch over HTTPS only and must not follow redirects (RFC 8461 §3.3): no HTTP-to-HTTPS redirect.
        viewerProtocolPolicy: "https-only",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: CACHING_DISABLED_POLICY_ID,
        compress: false,
        functionAssociations: [{ eventType: "viewer-request", functionArn: notFound.arn }],
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { acmCertificateArn: validation.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    },
    opts,
  );
  const bucketPolicy = new s3.BucketPolicy(
    n("bucket-policy"),
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "CloudFrontReadsThePolicy",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${bucket.arn}/${POLICY_PATH.slice(1)}`,
            Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
          },
        ],
      }),
    },
    { ...opts, dependsOn: [publicAccess] },
  );
  const aliases = (["A", "AAAA"] as const).map(
    (type) =>
      new route53.Record(
        n(type === "A" ? "alias-a" : "alias-aaaa"),
        { zoneId: ctx.zoneId, name: ctx.policyHost, type, aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }] },
        opts,
      ),
  );
  return { servedBy: [object, bucketPolicy, distribution, ...aliases] };
}
