/**
 * `MailDomainArgs`: the mail records of a domain (see `plan/args.ts`) and the DNS manager that
 * serves it. Exactly one of `cloudflare` and `route53` is given.
 *
 * `MAIL_DOMAIN_ARGS` is its shape for the shared argument rule (`records/args-schema`), which the
 * component, the planner and the stack-config reader all apply.
 */
import { ArgFields, objectArg } from "./records/args-schema";
import { MAIL_DOMAIN_MTA_STS_ARGS, MailDomainMtaStsArgs } from "./hosting/args";
import { MAIL_RECORDS_ARG_FIELDS, MailRecordsArgs } from "./plan/args";
import { CLOUDFLARE_ZONE_ARGS, CloudflareZoneArgs, ROUTE53_ZONE_ARGS, Route53ZoneArgs } from "./providers/zone-args";

export interface MailDomainArgs extends MailRecordsArgs {
  /**
   * Publish on Cloudflare. With neither `zoneId` nor `zoneName`, the zone is looked up by the
   * mail domain's registered domain (e.g. `example.com` for `mail.example.com`).
   */
  cloudflare?: CloudflareZoneArgs;
  /** Publish on Route 53. Zone lookup as for `cloudflare`. */
  route53?: Route53ZoneArgs;
  /** MTA-STS: the `_mta-sts` record, the policy file, and where the file is served (`hosting`, see hosting/args.ts). */
  mtaSts?: MailDomainMtaStsArgs;
}

export const MAIL_DOMAIN_ARG_FIELDS: ArgFields<MailDomainArgs> = {
  ...MAIL_RECORDS_ARG_FIELDS,
  cloudflare: CLOUDFLARE_ZONE_ARGS,
  route53: ROUTE53_ZONE_ARGS,
  mtaSts: MAIL_DOMAIN_MTA_STS_ARGS,
};

export const MAIL_DOMAIN_ARGS = objectArg<MailDomainArgs>(MAIL_DOMAIN_ARG_FIELDS, {
  example: "{ domain: example.com, cloudflare: {}, mx: [{ host: mx1.example.com, priority: 10 }] }",
  rfc: "MailDomain arguments",
});
