/**
 * The provider SDKs, loaded on first use. `@pulumi/cloudflare` and `@pulumi/aws` are optional
 * peer dependencies of maildomain: a program that publishes on Cloudflare does not have to install
 * the AWS SDK (about 84 MB) and the other way round, and a program that already depends on one
 * shares its copy (one provider plugin version, one place to upgrade). A MailDomain on a DNS
 * manager whose SDK is missing fails before anything is registered, saying what to install.
 *
 * Only type imports at the top: the modules themselves are required here, nowhere else.
 */
import type * as CloudflareSdk from "@pulumi/cloudflare";
import type * as Route53Sdk from "@pulumi/aws/route53";
import type * as SesV2Sdk from "@pulumi/aws/sesv2";
import type * as AcmSdk from "@pulumi/aws/acm";
import type * as CloudFrontSdk from "@pulumi/aws/cloudfront";
import type * as S3Sdk from "@pulumi/aws/s3";

/** A provider SDK that is not installed: a set-up mistake, printed without a stack trace. */
export class MissingProviderPackageError extends Error {
  constructor(
    readonly componentName: string,
    readonly packageName: string,
    readonly usedFor: string,
  ) {
    super(
      `MailDomain "${componentName}" publishes ${usedFor}, which needs the package ${packageName}, and it is not installed; ` +
        `no DNS record was created. Install it next to maildomain: npm install ${packageName}@${PEER_RANGES[packageName] ?? "latest"}`,
    );
    this.name = "MissingProviderPackageError";
  }
}

/** The peer ranges of package.json, for the message (kept equal by a test). */
export const PEER_RANGES: Record<string, string> = {
  "@pulumi/cloudflare": "^6.0.0",
  "@pulumi/aws": "^7.0.0",
};

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
export const providerPackages = {
  cloudflare: (): typeof CloudflareSdk => require("@pulumi/cloudflare"),
  route53: (): typeof Route53Sdk => require("@pulumi/aws/route53"),
  sesv2: (): typeof SesV2Sdk => require("@pulumi/aws/sesv2"),
  acm: (): typeof AcmSdk => require("@pulumi/aws/acm"),
  cloudfront: (): typeof CloudFrontSdk => require("@pulumi/aws/cloudfront"),
  s3: (): typeof S3Sdk => require("@pulumi/aws/s3"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const PACKAGE_OF: Record<keyof typeof providerPackages, string> = {
  cloudflare: "@pulumi/cloudflare",
  route53: "@pulumi/aws",
  sesv2: "@pulumi/aws",
  acm: "@pulumi/aws",
  cloudfront: "@pulumi/aws",
  s3: "@pulumi/aws",
};

/** Check that an SDK can be loaded, before anything is registered. */
export function requireProviderPackage(componentName: string, which: keyof typeof providerPackages, usedFor: string): void {
  try {
    providerPackages[which]();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(PACKAGE_OF[which])) {
      throw new MissingProviderPackageError(componentName, PACKAGE_OF[which], usedFor);
    }
    throw e;
  }
}
