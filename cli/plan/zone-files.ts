/**
 * RFC 1035 master files, one per DNS zone of the plan: what the DNS manager will serve, in a form
 * BIND, Knot and NSD load as is (absolute names, TXT strings split at 255 octets and quoted).
 * Records whose values are secret are written as comments (`; … [secret]`), never in clear.
 * The SOA and NS records are placeholders (the DNS manager's own servers serve the real zone);
 * they point outside the zone so no glue is needed. Output is byte-identical for the same plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fqdn } from "../../components/records/names";
import { renderTxtRdata } from "../../components/records/txt";
import { printable } from "../../components/printable";
import { PlannedDnsRecord } from "./dns-records";

export function renderZoneFiles(records: readonly PlannedDnsRecord[]): Map<string, string> {
  const byZone = new Map<string, PlannedDnsRecord[]>();
  for (const r of records) byZone.set(r.zone, [...(byZone.get(r.zone) ?? []), r]);
  const files = new Map<string, string>();
  for (const [zone, recs] of [...byZone].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = [
      `; ${zone}: mail records planned by maildomain (${recs[0].manager === "route53" ? "Route 53" : "Cloudflare"})`,
      "; SOA and NS are placeholders: the DNS manager's own servers serve the real zone.",
      `$ORIGIN ${fqdn(zone)}`,
      "$TTL 3600",
      `@ 3600 IN SOA ns.placeholder.invalid. hostmaster.placeholder.invalid. 1 3600 900 604800 300`,
      `@ 3600 IN NS ns.placeholder.invalid.`,
    ];
    const sorted = [...recs].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    for (const r of sorted) {
      // A secret value is not written; the line says where it would be, and the zone still loads.
      // Names and values come from the program: a line break in one must not start a record of its own.
      const owner = printable(fqdn(r.name));
      if (r.secret) lines.push(`; ${owner} ${r.ttl} IN ${r.type} [secret]: a secret value (pulumi preview shows it as [secret]) is not written.`);
      else for (const v of r.values) lines.push(`${owner} ${r.ttl} IN ${r.type} ${rdata(r.type, v)}`);
    }
    files.set(zone, lines.join("\n") + "\n");
  }
  return files;
}

function rdata(type: string, value: string): string {
  return type === "TXT" ? renderTxtRdata(value) : printable(value);
}

/** Write `<zone>.zone` files into `dir` (created if needed); returns the paths written. */
export function writeZoneFiles(dir: string, files: Map<string, string>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return [...files].map(([zone, text]) => {
    const file = path.join(dir, `${zone}.zone`);
    fs.writeFileSync(file, text);
    return file;
  });
}
