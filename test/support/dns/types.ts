/** Shared types of the loopback DNS test harness. */

export type ZoneRecordType = "A" | "AAAA" | "MX" | "TXT" | "CNAME" | "NS" | "SOA" | "PTR";

export interface ZoneRecord {
  /** Absolute owner name, e.g. "_dmarc.example.com" (a trailing dot is optional; "@" means the origin). */
  name: string;
  type: ZoneRecordType;
  /** Seconds; defaults to 300. */
  ttl?: number;
  /**
   * Zone-file (RFC 1035 presentation form) rdata, e.g. '10 mx.example.com.', '"v=spf1 -all"' or
   * '"part1" "part2"'. Names without a trailing dot are relative to the zone origin, as in a master file.
   * TXT values must be one or more quoted character-strings of at most 255 octets each.
   */
  value: string;
}

export interface Zone {
  /** e.g. "example.com" (a trailing dot is optional). */
  origin: string;
  records: ZoneRecord[];
}

/**
 * How a faulty name (or fault server) behaves: answer REFUSED, answer SERVFAIL, never answer, or answer with the
 * TC bit set and no records: "truncate" does so over UDP and TCP alike (a broken server or middlebox that truncates
 * every answer), "truncate-udp" over UDP while TCP gets no answer at all (TCP port 53 filtered).
 */
export type FaultMode = "refused" | "servfail" | "drop" | "truncate" | "truncate-udp";

/**
 * Per-name faults, keyed by absolute name (case-insensitive, trailing dot optional). A key "*.example.net"
 * applies to every name strictly below example.net; a key may start with a record type and a space
 * ("A mail.example.net", "AAAA *.example.net") to fault only that type. A faulty name behaves so over UDP and TCP
 * (see FaultMode); all other names and types are answered from the zones.
 */
export type Faults = Record<string, FaultMode>;

export interface DnsServer {
  host: "127.0.0.1";
  port: number;
  kind: "knot" | "in-process";
  /** "127.0.0.1:PORT", ready for `Resolver.setServers([address])`. */
  address: string;
  /** Replace the served data; resolves once the new data is served. */
  setZones(zones: Zone[]): Promise<void>;
  /** Stop serving and release every resource (idempotent). */
  stop(): Promise<void>;
}

export interface StartOptions {
  faults?: Faults;
  /**
   * Knot only: serve these master files verbatim (origin → file text) instead of rendering the
   * zones' records, to prove a file loads as is. The zone must still be listed in `zones` (its
   * records are what the in-process fallback serves).
   */
  zoneFileText?: Record<string, string>;
}
