/**
 * Cloudflare adapter: one `cloudflare.DnsRecord` per value (the v5 API and provider 6 model a
 * record per value; the deprecated `cloudflare.Record` is not used).
 *
 * Forms that Cloudflare stores exactly as sent, so that a second `pulumi up` shows no diff:
 * - TXT `content` is a list of quoted RFC 1035 character-strings of at most 255 octets separated
 *   by one space: `"v=DKIM1; k=rsa; p=MIIB…" "…rest"`. Cloudflare's API reference says the
 *   content "must consist of quoted character strings (RFC 1035), each with a length of up to 255
 *   bytes. Strings exceeding this allowed maximum length are automatically split" (quoted in
 *   go-acme/lego#2521); unquoted or unsplit values are rewritten by the API and show as drift on
 *   every run (cloudflare/terraform-provider-cloudflare#6238, ComputeCanada/magic_castle#408,
 *   fixed there by chunking at 255 characters); the docs' FAQ on split TXT records shows the
 *   strings separated by a space (cloudflare/cloudflare-docs#31237).
 * - `name` is the fully qualified name without a trailing dot: the API returns FQDNs, and a
 *   short name or a trailing dot shows as drift (cloudflare/terraform-provider-cloudflare#5517).
 * - `ttl` is required; 1 means automatic. MX `content` is the exchange host, `priority` separate;
 *   a null MX is content `.` with priority 0 (the provider's own acceptance test record_null_mx).
 */
import * as pulumi from "@pulumi/pulumi";
import { cloudflareComment, cloudflareTxtContent } from "./formats";
import { mapInput } from "./inputs";
import { providerPackages } from "./packages";
import type { CloudflareZoneArgs } from "./zone-args";
import { lookupZoneOnce } from "./zone-lookup";
import { AdapterContext, DnsAdapter, RecordSetInput } from "./types";


export function cloudflareAdapter(zone: CloudflareZoneArgs, zoneName: string, parent: pulumi.Resource): DnsAdapter {
  const cloudflare = providerPackages.cloudflare();
  const provider = parent.getProvider("cloudflare::DnsRecord");
  const zoneId: pulumi.Input<string> =
    zone.zoneId !== undefined
      ? zone.zoneId
      : lookupZoneOnce("cloudflare", zoneName, provider, () =>
          cloudflare.getZoneOutput({ filter: { name: zoneName } }, { provider }).apply((z) => z.zoneId ?? z.id),
        );
  return {
    kind: "cloudflare",
    zoneId,
    createRecords(sets: readonly RecordSetInput[], ctx: AdapterContext) {
      return sets.flatMap((set) =>
        set.values.map(
          (v) =>
            new cloudflare.DnsRecord(
              `${ctx.baseName}-${v.id}`,
              {
                zoneId,
                name: set.name,
                type: set.type,
                ttl: set.ttl,
                content: set.type === "TXT" ? mapInput(v.content, cloudflareTxtContent) : v.content,
                ...(set.type === "MX" ? { priority: v.priority } : {}),
                comment: cloudflareComment(set.comment),
              },
              { parent: ctx.parent, dependsOn: set.dependsOn },
            ),
        ),
      );
    },
  };
}
