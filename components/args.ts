/**
 * `MailDomainArgs`: the mail records of a domain (see `plan/args.ts`) and the DNS manager that
 * serves it. Exactly one of `cloudflare` and `route53` is given.
 */
import { MailDomainMtaStsArgs } from "./hosting/args";
import { MailRecordsArgs } from "./plan/args";
import { CloudflareZoneArgs } from "./providers/cloudflare";
import { Route53ZoneArgs } from "./providers/route53";

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
