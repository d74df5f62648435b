/**
 * Where a mail domain is published: the zone arguments of each DNS manager, with their shapes for
 * the shared argument rule (`../records/args-schema`). Pure: the planner and the stack-config
 * reader check them without loading a provider.
 */
import type { Input } from "@pulumi/pulumi";
import { booleanArg, inputArg, objectArg, textArg } from "../records/args-schema";

export interface CloudflareZoneArgs {
  /** The zone id. Preferred: no lookup call is made. */
  zoneId?: Input<string>;
  /** The zone's name, looked up once per program run when no `zoneId` is given. */
  zoneName?: string;
}

export interface Route53ZoneArgs {
  /** The hosted zone id. Preferred: no lookup call is made. */
  zoneId?: Input<string>;
  /** The hosted zone's name, looked up once per program run when no `zoneId` is given. */
  zoneName?: string;
  /** Take over record sets that already exist (UPSERT instead of CREATE). Default false. */
  allowOverwrite?: boolean;
}

/** `cloudflare: "example.com"` or a zone id given bare: the object that says which it is. */
function zoneHint(idForm: RegExp) {
  return (text: string, key: string): string => {
    const v = JSON.stringify(text.trim().slice(0, 80));
    return idForm.test(text.trim()) ? `Write ${key}: { zoneId: ${v} }.` : `Write ${key}: { zoneName: ${v} } (or { zoneId: "…" }, which saves a lookup).`;
  };
}

export const CLOUDFLARE_ZONE_ARGS = objectArg<CloudflareZoneArgs>(
  { zoneId: inputArg(), zoneName: textArg() },
  { example: "{ zoneName: example.com }", rfc: "Cloudflare API: DNS records", fromString: zoneHint(/^[0-9a-f]{32}$/i) },
);

export const ROUTE53_ZONE_ARGS = objectArg<Route53ZoneArgs>(
  { zoneId: inputArg(), zoneName: textArg(), allowOverwrite: booleanArg },
  { example: "{ zoneName: example.com }", rfc: "Amazon Route 53 API: ChangeResourceRecordSets", fromString: zoneHint(/^Z[0-9A-Z]{5,31}$/) },
);
