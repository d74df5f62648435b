/**
 * One DNS exchange on the wire, seen as it is (TC bit, rcode), with dns-packet: what node:dns cannot tell the
 * check. c-ares retries a truncated UDP answer over TCP, and when the TCP answer is truncated too (a broken server or
 * middlebox that truncates every answer) it reports "no data" (ENODATA); when TCP is refused it reports
 * ECONNREFUSED as if nothing listened. Both look like facts about the zone ("no SPF record", "server down") when
 * they are failures of the transport. The resolver confirms those two outcomes here before believing them.
 */
import * as dgram from "node:dgram";
import { isIP } from "node:net";
import * as net from "node:net";
import * as dnsPacket from "dns-packet";

/** "host:port", "[v6]:port", a bare IPv4/IPv6 address or host (port 53). */
export function splitServer(server: string): { host: string; port: number } {
  if (isIP(server) === 6) return { host: server, port: 53 };
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracket) return { host: bracket[1], port: bracket[2] ? Number(bracket[2]) : 53 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(server);
  if (!m) throw new Error(`not a DNS server address: ${server}`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
}

/**
 * Send one DNS message and return the raw response (the first one whose id matches). UDP uses a connected socket,
 * so ICMP port unreachable comes back as ECONNREFUSED at once; TCP uses the two-octet length framing of RFC 1035
 * §4.2.2. Rejects with an Error carrying `code` (ETIMEOUT, ECONNREFUSED, ECONNRESET, …).
 */
export function exchange(server: string, message: Buffer, opts: { tcp?: boolean; timeoutMs?: number } = {}): Promise<Buffer> {
  const { host, port } = splitServer(server);
  const timeoutMs = opts.timeoutMs ?? 1000;
  return new Promise<Buffer>((resolve, reject) => {
    let settle: (err: Error | null, resp?: Buffer) => void = () => undefined;
    const timer = setTimeout(() => settle(Object.assign(new Error(`no answer from ${server} within ${timeoutMs} ms`), { code: "ETIMEOUT" })), timeoutMs);
    if (opts.tcp) {
      const sock = net.connect({ host, port });
      let buf = Buffer.alloc(0);
      let done = false;
      settle = (err, resp) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        if (err) reject(err);
        else resolve(resp!);
      };
      sock.on("connect", () => {
        const frame = Buffer.alloc(2 + message.length);
        frame.writeUInt16BE(message.length, 0);
        message.copy(frame, 2);
        sock.write(frame);
      });
      sock.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) settle(null, buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on("error", (e) => settle(e));
      sock.on("close", () => settle(Object.assign(new Error(`the TCP connection to ${server} closed without an answer`), { code: "ECONNRESET" })));
      return;
    }
    const sock = dgram.createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    let done = false;
    settle = (err, resp) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(resp!);
    };
    const id = message.readUInt16BE(0);
    sock.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) settle(null, msg);
    });
    sock.on("error", (e) => settle(e));
    sock.connect(port, host, () => sock.send(message, (e) => e && settle(e)));
  });
}

/** A query as c-ares sends it: recursion desired, EDNS(0) with a 1232-octet UDP payload. */
export function encodeQuery(name: string, type: string, id = Math.floor(Math.random() * 65536)): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: "IN" }],
    additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as unknown as dnsPacket.Answer],
  });
}

/** What one name+type looks like on the wire, for the two outcomes the resolver doubts. */
export type WireVerdict =
  /** The server answers over UDP without truncation: believe node:dns. */
  | { kind: "plain" }
  /** The UDP answer is truncated and TCP gives no usable answer (why: the TCP outcome). */
  | { kind: "truncated"; tcp: string }
  /** Nothing could be learned (the probe itself got no answer): believe node:dns. */
  | { kind: "unknown" };

/**
 * Looks at questions on the wire for the resolver of one run, at one server. After a NODATA the server has just
 * answered, so the UDP question goes out on one shared socket (a socket per question costs more than the question;
 * answers are matched by id and must come from the server); after an ECONNREFUSED it goes out on a connected socket
 * of its own, the only kind an ICMP "port unreachable" reaches. A truncated UDP answer is asked once more over TCP.
 * Never throws.
 */
export class TruncationProbe {
  private readonly host: string;
  private readonly port: number;
  private socket?: dgram.Socket;
  private readonly pending = new Map<number, (msg: Buffer) => void>();

  constructor(private readonly server: string) {
    ({ host: this.host, port: this.port } = splitServer(server));
  }

  /** Both attempts end by `deadline` (a Date.now() value), so the probe never stretches the question's budget. */
  async check(name: string, type: string, deadline: number, opts: { afterRefusal: boolean }): Promise<WireVerdict> {
    let udp: dnsPacket.DecodedPacket;
    try {
      const timeoutMs = Math.max(1, deadline - Date.now());
      const answer = opts.afterRefusal ? await exchange(this.server, encodeQuery(name, type), { timeoutMs }) : await this.shared(name, type, timeoutMs);
      udp = dnsPacket.decode(answer);
    } catch {
      return { kind: "unknown" };
    }
    if (!udp.flag_tc) return { kind: "plain" };
    const left = deadline - Date.now();
    if (left <= 0) return { kind: "truncated", tcp: "no time was left to retry over TCP" };
    try {
      const tcp = dnsPacket.decode(await exchange(this.server, encodeQuery(name, type), { tcp: true, timeoutMs: left }));
      if (tcp.flag_tc) return { kind: "truncated", tcp: "the TCP answer is truncated too" };
      return { kind: "plain" };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "error";
      const why: Record<string, string> = { ECONNREFUSED: "TCP is refused (ECONNREFUSED)", ETIMEOUT: "TCP gets no answer (timed out)", ECONNRESET: "the TCP connection closes without an answer" };
      return { kind: "truncated", tcp: why[code] ?? `TCP fails (${code})` };
    }
  }

  close(): void {
    for (const settle of this.pending.values()) settle(Buffer.alloc(0));
    this.pending.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  private shared(name: string, type: string, timeoutMs: number): Promise<Buffer> {
    const sock = (this.socket ??= this.open());
    let id = Math.floor(Math.random() * 65536);
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    const message = encodeQuery(name, type, id);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error(`no answer from ${this.server} within ${timeoutMs} ms`), { code: "ETIMEOUT" }));
      }, timeoutMs);
      this.pending.set(id, (msg) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (msg.length < 12) reject(Object.assign(new Error("probe closed"), { code: "ECANCELLED" }));
        else resolve(msg);
      });
      sock.send(message, this.port, this.host, (e) => {
        if (e) this.pending.get(id)?.(Buffer.alloc(0));
      });
    });
  }

  private open(): dgram.Socket {
    const sock = dgram.createSocket(isIP(this.host) === 6 ? "udp6" : "udp4");
    sock.on("message", (msg, rinfo) => {
      // Only the server asked answers: a datagram from anywhere else is not an answer.
      if (msg.length < 2 || rinfo.port !== this.port || !sameAddress(rinfo.address, this.host)) return;
      this.pending.get(msg.readUInt16BE(0))?.(msg);
    });
    sock.on("error", () => undefined);
    sock.unref();
    return sock;
  }
}

function sameAddress(a: string, b: string): boolean {
  return a === b || a.replace(/^::ffff:/, "") === b.replace(/^::ffff:/, "");
}
