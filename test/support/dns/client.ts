/**
 * A minimal DNS client on dns-packet, for readiness probes, the fault proxy and tests that need to see the wire
 * (TC bit, AA bit, rcode, raw sizes) rather than what node:dns makes of it.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import * as dnsPacket from "dns-packet";

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

export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) throw new Error(`address must be HOST:PORT, got ${address}`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** Send `message` (a DNS message) and return the raw response; rejects with code ETIMEOUT on timeout. */
export function exchange(address: string, message: Buffer, opts: { tcp?: boolean; timeoutMs?: number } = {}): Promise<Buffer> {
  const { host, port } = splitAddress(address);
  const timeoutMs = opts.timeoutMs ?? 1000;
  return new Promise<Buffer>((resolve, reject) => {
    let finish: (err: Error | null, resp?: Buffer) => void;
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`no answer from ${address} within ${timeoutMs} ms`), { code: "ETIMEOUT" });
      finish(err);
    }, timeoutMs);
    if (opts.tcp) {
      const sock = net.connect({ host, port });
      let buf = Buffer.alloc(0);
      let done = false;
      finish = (err, resp) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        if (err) reject(err); else resolve(resp!);
      };
      sock.on("connect", () => {
        const frame = Buffer.alloc(2 + message.length);
        frame.writeUInt16BE(message.length, 0);
        message.copy(frame, 2);
        sock.write(frame);
      });
      sock.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(null, buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on("error", (e) => finish(e));
      sock.on("close", () => finish(Object.assign(new Error(`connection to ${address} closed without an answer`), { code: "ECONNRESET" })));
    } else {
      const sock = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
      let done = false;
      finish = (err, resp) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.close();
        if (err) reject(err); else resolve(resp!);
      };
      const id = message.readUInt16BE(0);
      sock.on("message", (msg) => { if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(null, msg); });
      // A connected socket reports ICMP port unreachable as ECONNREFUSED at once instead of timing out.
      sock.on("error", (e) => finish(e));
      sock.connect(port, host, () => sock.send(message, (e) => { if (e) finish(e); }));
    }
  });
}

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
