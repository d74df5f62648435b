/**
 * How each DNS manager's resources spell record values, in both directions. Pure (no Pulumi
 * import): the adapters render with it, and the policy pack and the live check read any such
 * resource back into logical values, whoever wrote it (MailDomain or a hand-written resource).
 *
 * Logical values: TXT as the whole joined string (no quotes, no splitting); MX as
 * `<priority> <host>.` (`0 .` for a null MX); CNAME as `target.`; names without a trailing dot.
 */
import { fqdn } from "../records/names";
import { joinTxt, parseTxtRdata, quoteTxtString, splitTxt } from "../records/txt";

export const CLOUDFLARE_DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
/** The deprecated `cloudflare.Record` of provider 5 and earlier; still found in programs. */
export const CLOUDFLARE_RECORD = "cloudflare:index/record:Record";
export const ROUTE53_RECORD = "aws:route53/record:Record";

export const DNS_RECORD_TYPES = [CLOUDFLARE_DNS_RECORD, CLOUDFLARE_RECORD, ROUTE53_RECORD] as const;

/**
 * Cloudflare accepts a TTL of 1 (automatic) or 60–86400 seconds (30 on Enterprise zones); anything
 * else fails at apply time, after a green preview.
 */
export function cloudflareTtlProblem(ttl: number): string | undefined {
  if (ttl === 1 || (ttl >= 60 && ttl <= 86400)) return undefined;
  return `Cloudflare accepts a TTL of 1 (automatic) or 60 to 86400 seconds, not ${ttl}: use 3600, or 1 for Cloudflare's automatic TTL.`;
}

/** Record comments hold 100 characters on every Cloudflare plan (more only on paid plans). */
export const CLOUDFLARE_COMMENT_MAX = 100;

export function cloudflareComment(text: string): string {
  return text.length <= CLOUDFLARE_COMMENT_MAX ? text : `${text.slice(0, CLOUDFLARE_COMMENT_MAX - 1)}…`;
}

/** Cloudflare TXT `content`: quoted strings of at most 255 octets, separated by one space. */
export function cloudflareTxtContent(value: string): string {
  return splitTxt(value).map(quoteTxtString).join(" ");
}

/** Route 53 TXT element: strings of at most 255 octets joined by `""` (the provider adds the outer quotes). */
export function route53TxtValue(value: string): string {
  return splitTxt(value).join('""');
}

/** Route 53 MX element: `10 mx.example.com.`. */
export function route53MxValue(priority: number, host: string): string {
  return `${priority} ${host === "." ? "." : fqdn(host)}`;
}

/** One record (set) of a provider resource, with its values in logical form. */
export interface ProviderRecord {
  /** As written in the resource (Cloudflare names may be relative: `@`, `_dmarc`). */
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  /** The raw strings of each TXT value, as the provider will serve them (for the 255-octet check). */
  txtStrings?: string[][];
}

/**
 * Read a Cloudflare or Route 53 record resource's inputs back into logical values. Returns
 * undefined for other resource types, or when the inputs lack what is needed.
 */
export function readProviderRecord(resourceType: string, inputs: Record<string, unknown>): ProviderRecord | undefined {
  const type = String(inputs.type ?? "").toUpperCase();
  const name = typeof inputs.name === "string" ? inputs.name.replace(/\.$/, "") : "";
  const ttl = typeof inputs.ttl === "number" ? inputs.ttl : undefined;
  if (resourceType === CLOUDFLARE_DNS_RECORD || resourceType === CLOUDFLARE_RECORD) {
    // cloudflare.Record (v4) called the field `value`; v5 and DnsRecord call it `content`.
    const raw = typeof inputs.content === "string" ? inputs.content : typeof inputs.value === "string" ? inputs.value : undefined;
    if (raw === undefined) return undefined;
    if (type === "TXT") {
      const strings = cloudflareTxtStrings(raw);
      return { name, type, ttl, values: [joinTxt(strings)], txtStrings: [strings] };
    }
    if (type === "MX") {
      const priority = typeof inputs.priority === "number" ? inputs.priority : Number((inputs.data as { priority?: number } | undefined)?.priority ?? NaN);
      return { name, type, ttl, values: [`${Number.isFinite(priority) ? priority : "?"} ${raw === "." ? "." : fqdn(raw)}`] };
    }
    return { name, type, ttl, values: [type === "CNAME" ? fqdn(raw) : raw] };
  }
  if (resourceType === ROUTE53_RECORD) {
    const records = Array.isArray(inputs.records) ? inputs.records.filter((r): r is string => typeof r === "string") : undefined;
    if (!records) return undefined;
    if (type === "TXT") {
      const strings = records.map(route53TxtStrings);
      return { name, type, ttl, values: strings.map(joinTxt), txtStrings: strings };
    }
    return { name, type, ttl, values: records.map((r) => (type === "CNAME" ? fqdn(r) : r.replace(/\s+/g, " ").trim())) };
  }
  return undefined;
}

/**
 * Cloudflare content: quoted character-strings when it starts with a quote, otherwise one
 * unquoted value (which Cloudflare stores as is and splits itself when serving).
 */
export function cloudflareTxtStrings(content: string): string[] {
  const trimmed = content.trim();
  if (!trimmed.startsWith('"')) return splitTxt(content);
  return parseTxtRdata(trimmed).model;
}

/**
 * Route 53 element: the provider wraps it in quotes, so `a""b` is the two strings `a` and `b`.
 * An element that is already quoted (`"a" "b"`, a common hand-written form) is read as rdata.
 */
export function route53TxtStrings(element: string): string[] {
  const trimmed = element.trim();
  if (trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2) return parseTxtRdata(trimmed).model;
  return element.split('""');
}
