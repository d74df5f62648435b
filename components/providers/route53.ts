/**
 * Route 53 adapter: exactly one `aws.route53.Record` per (name, type), holding every value of the
 * set. Route 53 allows one record set per name and type, so an SPF record and site-verification
 * TXT values on the same name must share one resource (separate resources would overwrite each
 * other or fail with "already exists").
 *
 * A TXT value longer than 255 octets is given the way the provider documents it: one element whose
 * strings are joined by `""` (`first255""more`); the provider wraps the element in quotes, so
 * Route 53 receives `"first255" "more"`, one value of two strings. Splitting into separate array
 * elements would instead create two TXT records and break SPF and DKIM.
 */
import * as pulumi from "@pulumi/pulumi";
import { fqdn } from "../records/names";
import { route53MxValue, route53TxtValue } from "./formats";
import { mapInput } from "./inputs";
import { providerPackages } from "./packages";
import type { Route53ZoneArgs } from "./zone-args";
import { lookupZoneOnce } from "./zone-lookup";
import { AdapterContext, DnsAdapter, RecordSetInput, RecordValueInput } from "./types";


function route53Value(type: RecordSetInput["type"], v: RecordValueInput): pulumi.Input<string> {
  switch (type) {
    case "TXT":
      return mapInput(v.content, route53TxtValue);
    case "MX":
      return mapInput(v.content, (host) => route53MxValue(v.priority ?? 0, host));
    case "CNAME":
      return mapInput(v.content, fqdn);
  }
}

export function route53Adapter(zone: Route53ZoneArgs, zoneName: string, parent: pulumi.Resource): DnsAdapter {
  const route53 = providerPackages.route53();
  const provider = parent.getProvider("aws:route53/record:Record");
  const zoneId: pulumi.Input<string> =
    zone.zoneId !== undefined
      ? zone.zoneId
      : lookupZoneOnce("route53", zoneName, provider, () =>
          route53.getZoneOutput({ name: zoneName, privateZone: false }, { provider }).apply((z) => z.zoneId ?? z.id),
        );
  return {
    kind: "route53",
    zoneId,
    createRecords(sets: readonly RecordSetInput[], ctx: AdapterContext) {
      return sets.map(
        (set) =>
          new route53.Record(
            `${ctx.baseName}-${set.id}`,
            {
              zoneId,
              name: set.name,
              type: set.type,
              ttl: set.ttl,
              records: set.values.map((v) => route53Value(set.type, v)),
              allowOverwrite: zone.allowOverwrite ?? false,
            },
            { parent: ctx.parent, dependsOn: set.dependsOn },
          ),
      );
    },
  };
}
