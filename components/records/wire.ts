/**
 * What a record set costs on the wire, for the limits no configuration can lift: a name holds at
 * most 255 octets in wire form, 253 in text form (RFC 1035 §2.3.4, RFC 2181 §11), and a DNS
 * message at most 65,535 octets, the most its two-octet TCP length prefix can say (RFC 1035
 * §4.2.2). A record set larger than that cannot be served at all: resolvers get no answer.
 */
import { splitTxt } from "./txt";

export const MAX_NAME_OCTETS = 253;
export const MAX_MESSAGE_OCTETS = 65535;
/** Header (RFC 1035 §4.1.1). */
const HEADER_OCTETS = 12;
/** An owner name compressed to a pointer to the question (§4.1.4), then type, class, TTL, RDLENGTH. */
const RR_FIXED_OCTETS = 2 + 2 + 2 + 4 + 2;

/** Octets of a name in wire form: each label with its length octet, then the root's zero octet. */
export function nameWireOctets(name: string): number {
  const n = name.replace(/\.$/, "");
  return n === "" ? 1 : Buffer.byteLength(n, "utf8") + 2;
}

export interface WireValue {
  content: string;
  priority?: number;
}

/**
 * Octets of the smallest response that carries the whole set: header, question, and one resource
 * record per value with its owner compressed; MX and CNAME targets are counted uncompressed, as a
 * server may send them.
 */
export function answerOctets(name: string, type: "MX" | "TXT" | "CNAME", values: readonly WireValue[]): number {
  let total = HEADER_OCTETS + nameWireOctets(name) + 4;
  for (const v of values) total += RR_FIXED_OCTETS + rdataOctets(type, v.content);
  return total;
}

function rdataOctets(type: "MX" | "TXT" | "CNAME", content: string): number {
  if (type === "TXT") return Buffer.byteLength(content, "utf8") + splitTxt(content).length;
  if (type === "MX") return 2 + nameWireOctets(content);
  return nameWireOctets(content);
}
