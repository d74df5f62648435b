/**
 * The DNS records a planned program would publish, read back from the provider resources it
 * registered (whoever declared them: MailDomain or hand-written resources), grouped by zone and
 * by mail domain.
 */
import { createHash } from "node:crypto";
import { CLOUDFLARE_DNS_RECORD, CLOUDFLARE_RECORD, DNS_RECORD_TYPES, readProviderRecord, ROUTE53_RECORD } from "../../components/providers/formats";
import { isWithin } from "../../components/records/names";
import { organizationalDomain } from "../../components/records/orgdomain";
import { MockEngine, placeholderZoneId, RecordedResource } from "./mock-engine";
import { SECRET } from "./redact";

export interface PlannedDnsRecord {
  /** Absolute name, lower case, no trailing dot. */
  name: string;
  type: string;
  ttl: number;
  /** Logical values: TXT joined, MX `10 host.`, CNAME `target.`. */
  values: string[];
  zone: string;
  manager: "cloudflare" | "route53";
  /** The resource that declares it. */
  urn: string;
  /** URN of the MailDomain (or other component) the resource belongs to. */
  parent?: string;
  /** The value holds a DKIM key generated for this plan only (`pulumi up` generates the stack's own). */
  previewKey: boolean;
  /** The values are secret (`pulumi.secret`, or derived from a secret output): shown as `[secret]`. */
  secret: boolean;
}

/** The inputs a record's values are read from (formats.ts `readProviderRecord`). */
const VALUE_INPUTS = ["content", "value", "data", "priority", "records"];

export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";

/** Cloudflare's automatic TTL (`ttl: 1`) is served as 300 seconds. */
const CLOUDFLARE_AUTO_TTL = 300;

export function plannedDnsRecords(engine: Pick<MockEngine, "resources" | "calls">): PlannedDnsRecord[] {
  const zoneNames = knownZoneNames(engine);
  const keyUrns = new Set(engine.resources.filter((r) => r.type === TLS_PRIVATE_KEY).map((r) => r.urn));
  const out: PlannedDnsRecord[] = [];
  for (const r of engine.resources) {
    if (!(DNS_RECORD_TYPES as readonly string[]).includes(r.type)) continue;
    const rec = readProviderRecord(r.type, r.inputs);
    if (!rec) continue;
    const manager = r.type === ROUTE53_RECORD ? "route53" : "cloudflare";
    const zoneId = typeof r.inputs.zoneId === "string" ? r.inputs.zoneId : undefined;
    const zone = (zoneId && zoneNames.get(`${manager}:${zoneId}`)) ?? guessZone(rec.name, zoneNames);
    const name = absoluteName(rec.name, zone);
    const ttl = rec.ttl === 1 && (r.type === CLOUDFLARE_DNS_RECORD || r.type === CLOUDFLARE_RECORD) ? CLOUDFLARE_AUTO_TTL : (rec.ttl ?? 3600);
    const previewKey = r.dependencies.some((d) => keyUrns.has(d));
    const secret = r.secretPaths.some((k) => VALUE_INPUTS.includes(k));
    out.push({ name, type: rec.type, ttl, values: secret ? rec.values.map(() => SECRET) : rec.values, zone, manager, urn: r.urn, parent: r.parent, previewKey, secret });
  }
  return out;
}

/** Zone ids the program looked up by name (placeholders in the plan), mapped back to names. */
function knownZoneNames(engine: Pick<MockEngine, "calls">): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of engine.calls) {
    if (c.token === "cloudflare:index/getZone:getZone" && c.inputs?.filter?.name) m.set(`cloudflare:${placeholderZoneId("cloudflare", c.inputs.filter.name)}`, c.inputs.filter.name);
    if (c.token === "aws:route53/getZone:getZone" && c.inputs?.name) m.set(`route53:${placeholderZoneId("route53", c.inputs.name)}`, String(c.inputs.name).replace(/\.$/, ""));
  }
  return m;
}

function guessZone(name: string, known: Map<string, string>): string {
  const n = name.toLowerCase();
  const byKnown = [...known.values()].filter((z) => isWithin(n, z)).sort((a, b) => b.length - a.length)[0];
  return byKnown ?? organizationalDomain(n === "@" ? "" : n);
}

function absoluteName(name: string, zone: string): string {
  const n = name.toLowerCase().replace(/\.$/, "");
  if (n === "@" || n === "") return zone;
  return isWithin(n, zone) || !zone ? n : `${n}.${zone}`;
}

/** The mail domain a record belongs to: its name without the mail-record labels in front. */
export function mailDomainOf(name: string): string {
  return name.replace(/^(?:_dmarc|[^.]+\._domainkey|\*\._domainkey|_mta-sts|_smtp\._tls|[^.]+\._bimi|[^.]+\._report\._dmarc)\./, "");
}

/** A short stable id, for naming things after a value. */
export function shortId(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

export function isDnsRecordResource(r: RecordedResource): boolean {
  return (DNS_RECORD_TYPES as readonly string[]).includes(r.type);
}
