/**
 * A minimal DNS client on dns-packet, for readiness probes, the fault proxy and tests that need to see the wire
 * (TC bit, AA bit, rcode, raw sizes) rather than what node:dns makes of it.
 */
import * as dnsPacket from "dns-packet";
import { exchange } from "../../../cli/check/dns/wire";

export interface RawQueryOptions {
  /** Query over TCP instead of UDP. */
  tcp?: boolean;
  /** Advertise EDNS with this UDP payload size; false (default) sends a plain RFC 1035 query. */
  edns?: number | false;
  /** Give up after this long (default 1000 ms). */
  timeoutMs?: number;
}

export interface RawResponse {
  packet: dnsPacket.DecodedPacket & { rcode?: string };
  /** Size of the response message in octets. */
  size: number;
}

// The check's own exchange (connected UDP socket, RFC 1035 TCP framing): one implementation for both.
export { exchange };

/** Query `name`/`type` at `address` ("127.0.0.1:PORT") and decode the answer. */
export async function rawQuery(address: string, name: string, type: dnsPacket.RecordType, opts: RawQueryOptions = {}): Promise<RawResponse> {
  const query: dnsPacket.Packet = {
    type: "query",
    id: Math.floor(Math.random() * 65536),
    flags: 0,
    questions: [{ name, type, class: "IN" }],
    additionals: opts.edns
      ? [{ type: "OPT", name: ".", udpPayloadSize: opts.edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
      : [],
  };
  const resp = await exchange(address, dnsPacket.encode(query), opts);
  return { packet: dnsPacket.decode(resp) as RawResponse["packet"], size: resp.length };
}
