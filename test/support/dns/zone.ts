/**
 * Zone data for the loopback DNS harness: validation, the automatic SOA and NS, RFC 1035 master files, and the
 * parsed rdata the in-process server answers with. Both servers read the same prepared zone, so a record means
 * the same thing to Knot and to the fallback.
 */
import { isIPv4, isIPv6 } from "node:net";
import type { Zone, ZoneRecord, ZoneRecordType } from "./types";

/** Name server name used when a zone declares no NS (out of zone, so no glue is needed; RFC 6761 `.test`). */
export const DEFAULT_NS = "ns.maildomain.test.";
export const DEFAULT_TTL = 300;
/** SOA timers of the automatic SOA; the last one (60 s) is the negative-caching TTL. */
const DEFAULT_SOA_TIMERS = "3600 600 86400 60";

const TYPES: readonly ZoneRecordType[] = ["A", "AAAA", "MX", "TXT", "CNAME", "NS", "SOA", "PTR"];

export interface MxRdata { preference: number; exchange: string }
export interface SoaRdata { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
/** Parsed rdata, in the shape dns-packet encodes (names absolute, without the trailing dot). */
export type Rdata = string | MxRdata | SoaRdata | Buffer[];

export interface PreparedRecord {
  /** Absolute owner name without the trailing dot, in the case given. */
  name: string;
  type: ZoneRecordType;
  ttl: number;
  /** Presentation-form rdata as given (trimmed), written verbatim to the zone file. */
  value: string;
  data: Rdata;
}

export interface PreparedZone {
  /** Origin without the trailing dot, in the case given. */
  origin: string;
  /** SOA first, then the apex NS set, then the remaining records in the order given (duplicates dropped). */
  records: PreparedRecord[];
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/** "Example.COM." → "example.com" (for comparisons). */
export function canonicalName(name: string): string {
  return stripDot(name).toLowerCase();
}

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** True when `name` equals `ancestor` or lies below it (both canonical, no trailing dot; "" is the root). */
export function isAtOrBelow(name: string, ancestor: string): boolean {
  return ancestor === "" || name === ancestor || name.endsWith("." + ancestor);
}

function checkNameSyntax(name: string, what: string, owner: boolean): void {
  if (name === "") return; // the root
  if (/[\s\\"();]/.test(name)) throw new Error(`${what} "${name}" contains whitespace, a quote, a backslash, a parenthesis or ';' (not supported by this harness)`);
  const labels = name.split(".");
  if (Buffer.byteLength(name) + 1 > 254) throw new Error(`${what} "${name}" is longer than 253 octets`);
  labels.forEach((label, i) => {
    if (label === "") throw new Error(`${what} "${name}" has an empty label`);
    if (Buffer.byteLength(label) > 63) throw new Error(`${what} "${name}" has a label longer than 63 octets`);
    if (owner && !(label === "*" && i === 0) && !/^[A-Za-z0-9_-]+$/.test(label)) {
      throw new Error(`${what} "${name}": label "${label}" may only contain letters, digits, '_' and '-' (a lone '*' is allowed as the first label; give IDNs in their A-label form)`);
    }
  });
}

/** Normalise a zone origin: trailing dot dropped, syntax checked. */
export function normalizeOrigin(origin: string): string {
  if (typeof origin !== "string" || stripDot(origin.trim()) === "") throw new Error(`zone origin must be a non-empty domain name, got ${JSON.stringify(origin)}`);
  const o = stripDot(origin.trim());
  checkNameSyntax(o, "zone origin", true);
  return o;
}

/** Resolve a record's owner name against the origin; it must be absolute and inside the zone. */
function ownerName(name: string, origin: string): string {
  if (typeof name !== "string" || name.trim() === "") throw new Error("record name must be a non-empty absolute name");
  const n = name.trim() === "@" ? origin : stripDot(name.trim());
  checkNameSyntax(n, "record name", true);
  if (!isAtOrBelow(n.toLowerCase(), origin.toLowerCase())) {
    throw new Error(`record name "${name}" is not inside zone "${origin}" (names must be absolute, e.g. "_dmarc.${origin}")`);
  }
  return n;
}

/** A domain name inside rdata, resolved as a master file would: "@" = origin, no trailing dot = relative. */
function rdataName(token: string, origin: string, what: string): string {
  let n: string;
  if (token === "@") n = origin;
  else if (token === ".") n = "";
  else if (token.endsWith(".")) n = token.slice(0, -1);
  else n = `${token}.${origin}`;
  checkNameSyntax(n, what, false);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Presentation-form rdata

interface Token { text: string; bytes: Buffer; quoted: boolean }

/** Split presentation-form rdata into tokens: quoted character-strings and bare words, with \X and \DDD escapes. */
export function tokenize(value: string): Token[] {
  if (/[\r\n]/.test(value)) throw new Error("rdata must be on one line (write a newline inside a TXT string as \\010)");
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === " " || c === "\t" || c === "(" || c === ")") { i++; continue; }
    if (c === ";") break; // comment
    const quoted = c === '"';
    if (quoted) i++;
    const start = i;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < value.length) {
      const ch = value[i];
      if (quoted && ch === '"') { closed = true; i++; break; }
      if (!quoted && (ch === " " || ch === "\t" || ch === '"' || ch === "(" || ch === ")" || ch === ";")) break;
      if (ch === "\\") {
        const ddd = /^\d{3}/.exec(value.slice(i + 1, i + 4));
        if (ddd) {
          const n = Number(ddd[0]);
          if (n > 255) throw new Error(`invalid escape \\${ddd[0]} in ${JSON.stringify(value)}`);
          bytes.push(n);
          i += 4;
          continue;
        }
        if (i + 1 >= value.length) throw new Error(`dangling backslash in ${JSON.stringify(value)}`);
        const cp = value.codePointAt(i + 1)!;
        const s = String.fromCodePoint(cp);
        bytes.push(...Buffer.from(s, "utf8"));
        i += 1 + s.length;
        continue;
      }
      const cp = value.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(s, "utf8"));
      i += s.length;
    }
    if (!closed) throw new Error(`unterminated quoted string in ${JSON.stringify(value)}`);
    tokens.push({ text: value.slice(start, quoted ? i - 1 : i), bytes: Buffer.from(bytes), quoted });
  }
  return tokens;
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function parseUint32(text: string, what: string, allowUnits: boolean): number {
  let n: number;
  if (/^\d+$/.test(text)) n = Number(text);
  else if (allowUnits && /^(\d+[smhdwSMHDW])+$/.test(text)) {
    n = 0;
    for (const m of text.matchAll(/(\d+)([smhdwSMHDW])/g)) n += Number(m[1]) * TTL_UNITS[m[2].toLowerCase()];
  } else throw new Error(`${what} must be an unsigned integer, got "${text}"`);
  if (n > 0xffffffff) throw new Error(`${what} ${text} does not fit in 32 bits`);
  return n;
}

function expectCount(tokens: Token[], n: number, type: string, shape: string): void {
  if (tokens.length !== n || tokens.some((t) => t.quoted)) throw new Error(`${type} rdata must be ${shape}`);
}

/** Parse one record's presentation-form rdata into the shape dns-packet encodes. */
export function parseRdata(type: ZoneRecordType, value: string, origin: string): Rdata {
  const tokens = tokenize(value);
  switch (type) {
    case "A":
      expectCount(tokens, 1, type, "one IPv4 address");
      if (!isIPv4(tokens[0].text)) throw new Error(`A rdata "${value}" is not an IPv4 address`);
      return tokens[0].text;
    case "AAAA":
      expectCount(tokens, 1, type, "one IPv6 address");
      if (!isIPv6(tokens[0].text) || tokens[0].text.includes("%")) throw new Error(`AAAA rdata "${value}" is not an IPv6 address`);
      return tokens[0].text;
    case "CNAME":
    case "NS":
    case "PTR":
      expectCount(tokens, 1, type, "one domain name");
      return rdataName(tokens[0].text, origin, `${type} target`);
    case "MX": {
      expectCount(tokens, 2, type, "'<preference> <exchange>', e.g. '10 mx.example.com.'");
      const preference = parseUint32(tokens[0].text, "MX preference", false);
      if (preference > 65535) throw new Error(`MX preference ${preference} exceeds 65535`);
      return { preference, exchange: rdataName(tokens[1].text, origin, "MX exchange") };
    }
    case "SOA": {
      expectCount(tokens, 7, type, "'<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>'");
      const [refresh, retry, expire, minimum] = tokens.slice(3).map((t, i) => parseUint32(t.text, ["refresh", "retry", "expire", "minimum"][i], true));
      return {
        mname: rdataName(tokens[0].text, origin, "SOA mname"),
        rname: rdataName(tokens[1].text, origin, "SOA rname"),
        serial: parseUint32(tokens[2].text, "SOA serial", false),
        refresh, retry, expire, minimum,
      };
    }
    case "TXT": {
      if (tokens.length === 0) throw new Error(`TXT rdata must be one or more quoted strings, e.g. '"v=spf1 -all"', got ${JSON.stringify(value)}`);
      const bare = tokens.find((t) => !t.quoted);
      if (bare) {
        throw new Error(`TXT rdata must consist of quoted strings, e.g. '"v=spf1 -all"' or '"part1" "part2"'; found the unquoted word "${bare.text}" in ${JSON.stringify(value)}`);
      }
      tokens.forEach((t, i) => {
        if (t.bytes.length > 255) {
          throw new Error(`TXT character-string #${i + 1} is ${t.bytes.length} octets; a character-string holds at most 255 (RFC 1035 §3.3): split the value into several quoted strings of ≤ 255 octets, e.g. '"first255…" "rest…"'`);
        }
      });
      return tokens.map((t) => t.bytes);
    }
    default:
      throw new Error(`unsupported record type ${JSON.stringify(type)} (supported: ${TYPES.join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Zones

function rdataKey(type: string, data: Rdata): string {
  if (Array.isArray(data)) return `${type} ${data.map((b) => b.toString("hex")).join(" ")}`;
  if (typeof data === "string") return `${type} ${data.toLowerCase()}`;
  return `${type} ${JSON.stringify(data).toLowerCase()}`;
}

/**
 * Validate a zone and complete it: adds `<origin> SOA ns.maildomain.test. hostmaster.<origin>. <serial> …` and
 * `<origin> NS ns.maildomain.test.` when missing, drops duplicate records. Throws with the zone and record named.
 */
export function prepareZone(zone: Zone, serial = 1): PreparedZone {
  if (!zone || typeof zone !== "object" || !Array.isArray(zone.records)) throw new Error("a zone is { origin: string; records: ZoneRecord[] }");
  const origin = normalizeOrigin(zone.origin);
  const originKey = origin.toLowerCase();
  const records: PreparedRecord[] = [];
  const seen = new Set<string>();
  zone.records.forEach((r: ZoneRecord, index) => {
    const where = `zone ${origin}: record #${index + 1} (${r?.name} ${r?.type} ${JSON.stringify(r?.value)})`;
    try {
      if (!TYPES.includes(r.type)) throw new Error(`unsupported record type ${JSON.stringify(r.type)} (supported: ${TYPES.join(", ")})`);
      if (typeof r.value !== "string") throw new Error("value must be a string of presentation-form rdata");
      const ttl = r.ttl ?? DEFAULT_TTL;
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) throw new Error(`ttl must be an integer 0…2147483647, got ${r.ttl}`);
      const name = ownerName(r.name, origin);
      const data = parseRdata(r.type, r.value, origin);
      if (r.type === "SOA" && name.toLowerCase() !== originKey) throw new Error("SOA must be at the zone origin");
      const key = `${name.toLowerCase()} ${rdataKey(r.type, data)}`;
      if (seen.has(key)) return;
      seen.add(key);
      records.push({ name, type: r.type, ttl, value: r.value.trim(), data });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
    }
  });

  const soas = records.filter((r) => r.type === "SOA");
  if (soas.length > 1) throw new Error(`zone ${origin}: more than one SOA record`);
  const byName = new Map<string, Set<string>>();
  for (const r of records) {
    const k = r.name.toLowerCase();
    if (!byName.has(k)) byName.set(k, new Set());
    byName.get(k)!.add(r.type);
  }
  for (const [name, types] of byName) {
    if (types.has("CNAME")) {
      if (name === originKey) throw new Error(`zone ${origin}: a CNAME cannot be at the zone origin`);
      const n = records.filter((r) => r.name.toLowerCase() === name && r.type === "CNAME").length;
      if (types.size > 1 || n > 1) throw new Error(`zone ${origin}: the CNAME at ${name} must be the only record at that name (RFC 1034 §3.6.2)`);
    }
  }

  const out: PreparedRecord[] = [];
  if (soas.length === 1) out.push(soas[0]);
  else {
    const value = `${DEFAULT_NS} hostmaster.${origin}. ${serial} ${DEFAULT_SOA_TIMERS}`;
    out.push({ name: origin, type: "SOA", ttl: DEFAULT_TTL, value, data: parseRdata("SOA", value, origin) });
  }
  const apexNs = records.filter((r) => r.type === "NS" && r.name.toLowerCase() === originKey);
  if (apexNs.length) out.push(...apexNs);
  else out.push({ name: origin, type: "NS", ttl: DEFAULT_TTL, value: DEFAULT_NS, data: stripDot(DEFAULT_NS) });
  out.push(...records.filter((r) => r.type !== "SOA" && !apexNs.includes(r)));
  return { origin, records: out };
}

/** Prepare several zones; origins must be distinct. */
export function prepareZones(zones: Zone[], serial = 1): PreparedZone[] {
  if (!Array.isArray(zones)) throw new Error("zones must be an array of { origin, records }");
  const prepared = zones.map((z) => prepareZone(z, serial));
  const origins = new Set<string>();
  for (const z of prepared) {
    const k = z.origin.toLowerCase();
    if (origins.has(k)) throw new Error(`zone ${z.origin} is given twice: merge its records into one Zone`);
    origins.add(k);
  }
  return prepared;
}

/** An RFC 1035 master file: $ORIGIN, $TTL, SOA, NS, then the records with absolute owner names. */
export function renderPreparedZone(zone: PreparedZone): string {
  const lines = [`$ORIGIN ${zone.origin}.`, `$TTL ${DEFAULT_TTL}`];
  for (const r of zone.records) lines.push(`${r.name}. ${r.ttl} IN ${r.type} ${r.value}`);
  return lines.join("\n") + "\n";
}

/**
 * Render a zone as an RFC 1035 master file, adding SOA (with `serial`) and NS when missing. Throws on invalid
 * data, including a TXT character-string over 255 octets (callers split long values into several strings).
 */
export function renderZoneFile(zone: Zone, opts: { serial?: number } = {}): string {
  return renderPreparedZone(prepareZone(zone, opts.serial ?? 1));
}
