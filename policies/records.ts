/**
 * Reading DNS records out of resources, for the policies.
 *
 * Any `cloudflare.DnsRecord`, deprecated `cloudflare.Record` or `aws.route53.Record` is read back
 * into logical values by `components/providers/formats.ts` (the same reader the live check uses),
 * whoever wrote the resource: TXT strings joined, Cloudflare content quoted or not, Route 53
 * `""`-joined strings, MX as `<priority> <host>.`.
 *
 * Unknown values (preview): resource policies read the props through the SDK's proxy and let its
 * `UnknownValueError` propagate, so the policy server skips that resource for that policy and says
 * so ("can't run policy … during preview"). Stack policies look at every resource at once, so they
 * read each record with `viewDnsRecord`, which never throws: what is unknown is marked, and each
 * stack policy decides whether it matters for its verdict.
 *
 * Names. Records are keyed by their fully qualified owner name, lower case, without trailing dot.
 * Providers accept names relative to the zone (Cloudflare `@`, `_dmarc`; the AWS provider appends
 * the zone name to a name that does not end with it), and a policy sees a zone id, not a zone name.
 * So:
 *  - the zone's name comes from a zone resource with that id in the stack (`aws.route53.Zone`,
 *    `cloudflare.Zone`) or, failing that, is inferred from the absolute names of the zone's other
 *    records when they all lie under one registrable domain (which is then the zone);
 *  - with a known zone name, a name is qualified as the provider does it (kept when it equals or
 *    ends with the zone name, otherwise the zone name is appended; `@` is the apex);
 *  - without one, a name ending in a dot or in a public suffix (`example.com`, `foo.github.io`) is
 *    taken as absolute, and any other (`@`, `_dmarc`, `s1._domainkey`) stays relative and is keyed
 *    with its zone id: it is compared only with names of the same zone id.
 * Route 53's `fqdn` and the deprecated Cloudflare record's `hostname` outputs, when known, are
 * the absolute name and win.
 */
import type { PolicyResource } from "@pulumi/policy";
import { parse as parseDomain } from "tldts";
import { CLOUDFLARE_DNS_RECORD, CLOUDFLARE_RECORD, ProviderRecord, ROUTE53_RECORD, readProviderRecord } from "../components/providers/formats";
import { organizationalDomain } from "../components/records/orgdomain";

export type DnsManager = "cloudflare" | "route53";

export const ROUTE53_ZONE = "aws:route53/zone:Zone";
export const CLOUDFLARE_ZONE = "cloudflare:index/zone:Zone";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";

export function dnsManagerOf(resourceType: string): DnsManager | undefined {
  if (resourceType === CLOUDFLARE_DNS_RECORD || resourceType === CLOUDFLARE_RECORD) return "cloudflare";
  if (resourceType === ROUTE53_RECORD) return "route53";
  return undefined;
}

export const MANAGER_NAMES: Record<DnsManager, string> = { cloudflare: "Cloudflare", route53: "Route 53" };

/**
 * A DNS record resource's record, read through the props as given: for resource policies the
 * props are the SDK's unknown-checking proxy, so an unknown value that the record needs throws
 * `UnknownValueError`, on purpose. Only the fields the record needs are read (an unknown `ttl`,
 * or an unknown `value` beside a known `content`, does not matter). Undefined for other types.
 *
 * Several policies read the same resource: the plain fields are the cache key, so they share one
 * `ProviderRecord` object (and the per-record parse caches keyed by it).
 */
export function readRecord(resourceType: string, props: Record<string, unknown>): ProviderRecord | undefined {
  const manager = dnsManagerOf(resourceType);
  if (!manager) return undefined;
  const plain: Record<string, unknown> = { type: props.type, name: props.name };
  const ttl = tryRead(props, "ttl");
  if (ttl.known) plain.ttl = ttl.value;
  if (manager === "cloudflare") {
    const content = props.content;
    if (typeof content === "string") plain.content = content;
    else plain.value = props.value;
    if (String(plain.type ?? "").toUpperCase() === "MX") {
      plain.priority = props.priority;
      if (typeof plain.priority !== "number") plain.data = strictCopy(props.data);
    }
  } else {
    plain.records = strictCopy(props.records);
  }
  const key = `${resourceType}\u0000${JSON.stringify(plain)}`;
  const hit = RECORD_CACHE.get(key);
  if (hit !== undefined || RECORD_CACHE.has(key)) return hit;
  const record = readProviderRecord(resourceType, plain);
  if (RECORD_CACHE.size >= 512) RECORD_CACHE.delete(RECORD_CACHE.keys().next().value as string);
  RECORD_CACHE.set(key, record);
  return record;
}

const RECORD_CACHE = new Map<string, ProviderRecord | undefined>();

/** A plain copy of a (proxied) value; an unknown part throws the SDK's UnknownValueError. */
function strictCopy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value) ?? "null") as unknown);
}

/** Lower-case labels of a name as written (`@` and the empty name have none). */
export function labelsOf(name: string): string[] {
  const n = name.trim().toLowerCase().replace(/\.$/, "");
  return n === "" || n === "@" ? [] : n.split(".");
}

/** `_dmarc.<domain>` (or a relative `_dmarc`): where a DMARC policy record lives (RFC 7489 §6.1). */
export function isDmarcName(name: string): boolean {
  return labelsOf(name)[0] === "_dmarc";
}

/** `<selector>._domainkey.<domain>`: a DKIM key record (RFC 6376 §3.6.2.1). */
export function isDkimName(name: string): boolean {
  return labelsOf(name).indexOf("_domainkey") >= 1;
}

/** `_mta-sts.<domain>` (RFC 8461 §3.1). */
export function isMtaStsName(name: string): boolean {
  return labelsOf(name)[0] === "_mta-sts";
}

/** `_smtp._tls.<domain>` (RFC 8460 §3). */
export function isTlsRptName(name: string): boolean {
  const l = labelsOf(name);
  return l[0] === "_smtp" && l[1] === "_tls";
}

/**
 * Names of other mail mechanisms (DKIM keys, DMARC, MTA-STS, TLS-RPT, BIMI): no SPF is evaluated
 * there, so the SPF policies leave their TXT records alone (in a preview, a new DKIM key record
 * with unknown content is then not "skipped" by every SPF policy). `_spf` names hold SPF records
 * (include targets) and are not among them.
 */
export function isOtherMechanismName(name: string): boolean {
  const l = labelsOf(name);
  return l.some((label) => label === "_domainkey" || label === "_dmarc" || label === "_mta-sts" || label === "_bimi") || (l[0] === "_smtp" && l[1] === "_tls");
}

/** The SDK's `UnknownValueError`, recognized by shape so that any copy of the SDK matches. */
export function isUnknownValueError(e: unknown): e is Error {
  return e instanceof Error && "unknownTypeSentinel" in e && Array.isArray((e as { props?: unknown }).props);
}

/** A property read through the SDK's unknown-checking proxy without throwing. */
export type Read<T = unknown> = { known: true; value: T } | { known: false; error: Error };

export function tryRead(props: Record<string, unknown>, key: string): Read {
  try {
    return { known: true, value: props[key] };
  } catch (e) {
    if (isUnknownValueError(e)) return { known: false, error: e };
    throw e;
  }
}

/** A deep plain copy of a proxied value; `unknown` is set when any part of it is unknown. */
export function plainCopy(value: unknown): { value: unknown; unknown?: Error } {
  let first: Error | undefined;
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
    for (const key of Object.keys(source)) {
      const r = tryRead(source, key);
      if (!r.known) {
        first ??= r.error;
        continue;
      }
      (out as Record<string, unknown>)[key] = copy(r.value);
    }
    return out;
  };
  const result = copy(value);
  return { value: result, unknown: first };
}

/** A fully qualified name (`space` "") or a name relative to a zone whose name is not known. */
export interface OwnerName {
  /** "" for fully qualified names, `zone:<id>` for names relative to an unresolved zone. */
  space: string;
  /** Lower case, no trailing dot; "" is the apex of an unresolved zone. */
  name: string;
}

export function ownerKey(o: OwnerName): string {
  return `${o.space}|${o.name}`;
}

export function displayOwner(o: OwnerName): string {
  if (o.space === "") return o.name;
  return `${o.name === "" ? "@" : o.name} (zone ${o.space.slice("zone:".length)})`;
}

/** The name `<label>.<owner>` in the same space. */
export function childOwner(label: string, o: OwnerName): OwnerName {
  return { space: o.space, name: o.name === "" ? label : `${label}.${o.name}` };
}

/** True when the name ends in a suffix of the Public Suffix List, so it can only be absolute. */
export function looksAbsolute(name: string): boolean {
  const p = parseDomain(name, { allowPrivateDomains: true, validateHostname: false, extractHostname: false });
  return p.domain !== null && (p.isIcann === true || p.isPrivate === true);
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** One DNS record resource as the stack policies see it. Never throws while being built. */
export interface DnsRecordView {
  resource: PolicyResource;
  manager: DnsManager;
  urn: string;
  /** The record type in upper case, when known. */
  type?: string;
  /** The name as written, when known. */
  rawName?: string;
  zoneId?: string;
  /** The owner name, qualified with what the stack tells about zones (see `resolveOwners`). */
  owner?: OwnerName;
  /** The record read back, when its values are known. */
  record?: ProviderRecord;
  /** Route 53 routing policies allow several record sets per name and type, told apart by this. */
  setIdentifier?: string;
  /** The first unknown value met in the name, type, zone or values. */
  unknown?: Error;
  nameUnknown: boolean;
  typeUnknown: boolean;
  /** Set when the zone id is unknown: a relative name then has no known owner. */
  zoneUnknown?: Error;
  valuesUnknown: boolean;
  /** An absolute name the provider computed (Route 53 `fqdn`, Cloudflare v4 `hostname`), when known. */
  absoluteName?: string;
}

const VALUE_KEYS = ["content", "value", "priority", "data", "records"];

export function viewDnsRecord(resource: PolicyResource): DnsRecordView | undefined {
  const manager = dnsManagerOf(resource.type);
  if (!manager) return undefined;
  const props = resource.props as Record<string, unknown>;
  const view: DnsRecordView = { resource, manager, urn: resource.urn, nameUnknown: false, typeUnknown: false, valuesUnknown: false };
  const note = (e: Error | undefined) => {
    if (e && !view.unknown) view.unknown = e;
  };
  const str = (key: string): { value?: string; unknown?: Error } => {
    const r = tryRead(props, key);
    if (!r.known) return { unknown: r.error };
    return { value: typeof r.value === "string" ? r.value : undefined };
  };
  const name = str("name");
  const type = str("type");
  const zone = str("zoneId");
  const setId = str("setIdentifier");
  const absolute = str(manager === "route53" ? "fqdn" : "hostname");
  view.nameUnknown = name.unknown !== undefined;
  view.typeUnknown = type.unknown !== undefined;
  note(name.unknown);
  note(type.unknown);
  view.rawName = name.value;
  view.type = type.value?.toUpperCase();
  view.zoneId = zone.value;
  view.zoneUnknown = zone.unknown;
  view.setIdentifier = setId.value;
  if (absolute.value && absolute.value.trim() !== "") view.absoluteName = normalize(absolute.value);
  const inputs: Record<string, unknown> = {};
  if (name.value !== undefined) inputs.name = name.value;
  if (type.value !== undefined) inputs.type = type.value;
  for (const key of VALUE_KEYS) {
    const r = tryRead(props, key);
    if (!r.known) {
      view.valuesUnknown = true;
      note(r.error);
      continue;
    }
    const copy = plainCopy(r.value);
    if (copy.unknown) {
      view.valuesUnknown = true;
      note(copy.unknown);
      continue;
    }
    if (copy.value !== undefined) inputs[key] = copy.value;
  }
  if (!view.valuesUnknown && !view.nameUnknown && !view.typeUnknown) {
    view.record = readProviderRecord(resource.type, inputs);
  }
  return view;
}

/** Zone id → zone name, from zone resources in the stack and from the records' absolute names. */
export function zoneNames(resources: readonly PolicyResource[], records: readonly DnsRecordView[]): Map<string, string> {
  const zones = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== ROUTE53_ZONE && r.type !== CLOUDFLARE_ZONE) continue;
    const props = r.props as Record<string, unknown>;
    const nameRead = tryRead(props, "name");
    const legacy = r.type === CLOUDFLARE_ZONE ? tryRead(props, "zone") : undefined;
    const name = nameRead.known && typeof nameRead.value === "string" ? nameRead.value : legacy?.known && typeof legacy.value === "string" ? legacy.value : undefined;
    const ids = ["zoneId", "id"].map((k) => tryRead(props, k)).filter((x): x is { known: true; value: string } => x.known && typeof x.value === "string" && x.value !== "");
    if (name) for (const id of ids) zones.set(id.value, normalize(name));
  }
  // Inference: the longest common label suffix of a zone's absolute names, when it is a registrable domain.
  const absoluteByZone = new Map<string, string[]>();
  for (const v of records) {
    if (!v.zoneId || zones.has(v.zoneId)) continue;
    const abs = v.absoluteName ?? (v.rawName !== undefined && (v.rawName.trim().endsWith(".") || looksAbsolute(normalize(v.rawName))) ? normalize(v.rawName) : undefined);
    if (!abs) continue;
    const list = absoluteByZone.get(v.zoneId) ?? [];
    list.push(abs);
    absoluteByZone.set(v.zoneId, list);
  }
  for (const [zoneId, names] of absoluteByZone) {
    const suffix = commonLabelSuffix(names);
    if (suffix && looksAbsolute(suffix) && organizationalDomain(suffix) === suffix) zones.set(zoneId, suffix);
  }
  return zones;
}

function commonLabelSuffix(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  let suffix = names[0].split(".");
  for (const n of names.slice(1)) {
    const labels = n.split(".");
    let i = 0;
    while (i < suffix.length && i < labels.length && suffix[suffix.length - 1 - i] === labels[labels.length - 1 - i]) i++;
    suffix = suffix.slice(suffix.length - i);
  }
  return suffix.length ? suffix.join(".") : undefined;
}

/** Qualify a name as written, given its zone id and what is known of the zone's name. */
export function qualify(rawName: string, zoneId: string | undefined, zones: ReadonlyMap<string, string>, absoluteName?: string): OwnerName | undefined {
  if (absoluteName) return { space: "", name: absoluteName };
  const trailingDot = rawName.trim().endsWith(".");
  const n = normalize(rawName);
  const zone = zoneId !== undefined ? zones.get(zoneId) : undefined;
  const apex = n === "" || n === "@";
  if (zone !== undefined) {
    if (apex) return { space: "", name: zone };
    if (trailingDot || n === zone || n.endsWith(`.${zone}`)) return { space: "", name: n };
    return { space: "", name: `${n}.${zone}` };
  }
  if (!apex && (trailingDot || looksAbsolute(n))) return { space: "", name: n };
  if (zoneId === undefined) return undefined;
  return { space: `zone:${zoneId}`, name: apex ? "" : n };
}

export interface StackRecords {
  records: DnsRecordView[];
  zones: Map<string, string>;
}

/** Every DNS record resource of a stack, with owner names qualified. */
export function stackRecords(resources: readonly PolicyResource[]): StackRecords {
  const records = resources.map(viewDnsRecord).filter((v): v is DnsRecordView => v !== undefined);
  const zones = zoneNames(resources, records);
  for (const v of records) {
    if (v.rawName !== undefined || v.absoluteName !== undefined) v.owner = qualify(v.rawName ?? "", v.zoneId, zones, v.absoluteName);
    if (!v.owner && v.zoneUnknown && !v.unknown) v.unknown = v.zoneUnknown;
  }
  return { records, zones };
}

/** A short description of a record resource for messages: `Route 53 record "corp-txt"`. */
export function describeResource(view: Pick<DnsRecordView, "manager" | "resource">): string {
  return `${MANAGER_NAMES[view.manager]} record "${view.resource.name}"`;
}
