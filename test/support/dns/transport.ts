/**
 * A UDP + TCP DNS listener on 127.0.0.1 (same port for both), driven by a handler that turns a query message into
 * a response message, or null to stay silent. Used by the in-process server, the fault server and the fault proxy.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";

export type Transport = "udp" | "tcp";
export type Handler = (query: Buffer, transport: Transport) => Buffer | null | Promise<Buffer | null>;

export interface Listener {
  port: number;
  close(): Promise<void>;
}

/** Idle TCP connections are closed after this long (clients reconnect as needed). */
const TCP_IDLE_MS = 10_000;

async function bindBoth(port: number): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  const tcp = net.createServer({ pauseOnConnect: false });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen({ host: "127.0.0.1", port, exclusive: true }, () => { tcp.off("error", reject); resolve(); });
  });
  const bound = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket({ type: "udp4" });
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind({ address: "127.0.0.1", port: bound, exclusive: true }, () => { udp.off("error", reject); resolve(); });
    });
  } catch (e) {
    udp.close();
    await new Promise<void>((r) => tcp.close(() => r()));
    throw e;
  }
  return { udp, tcp };
}

/**
 * Bind UDP and TCP on the same loopback port (a free one when `port` is 0) and serve `handler`. With `tcp: false`
 * only UDP is served: the TCP socket is closed at once, so a client's TCP retry is refused.
 */
export async function listen(handler: Handler, port = 0, opts: { tcp?: boolean } = {}): Promise<Listener> {
  let sockets: { udp: dgram.Socket; tcp: net.Server } | undefined;
  for (let attempt = 0; !sockets; attempt++) {
    try {
      sockets = await bindBoth(port);
    } catch (e) {
      if (port !== 0 || attempt >= 20 || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    }
  }
  const { udp, tcp } = sockets;
  const boundPort = (tcp.address() as net.AddressInfo).port;
  const tcpClosed = opts.tcp === false ? new Promise<void>((r) => tcp.close(() => r())) : undefined;
  let closed = false;
  const conns = new Set<net.Socket>();

  udp.on("message", (msg, rinfo) => {
    Promise.resolve()
      .then(() => handler(msg, "udp"))
      .then((resp) => { if (resp && !closed) udp.send(resp, rinfo.port, rinfo.address); })
      .catch(() => undefined);
  });
  udp.on("error", () => undefined);

  tcp.on("connection", (sock) => {
    if (closed) { sock.destroy(); return; }
    conns.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on("close", () => conns.delete(sock));
    sock.on("error", () => undefined);
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        Promise.resolve()
          .then(() => handler(msg, "tcp"))
          .then((resp) => {
            if (!resp || closed || sock.destroyed) return;
            const frame = Buffer.alloc(2 + resp.length);
            frame.writeUInt16BE(resp.length, 0);
            resp.copy(frame, 2);
            sock.write(frame);
          })
          .catch(() => undefined);
      }
    });
  });

  return {
    port: boundPort,
    async close() {
      if (closed) return;
      closed = true;
      for (const c of conns) c.destroy();
      await Promise.all([
        tcpClosed ?? new Promise<void>((r) => tcp.close(() => r())),
        new Promise<void>((r) => udp.close(() => r())),
      ]);
    },
  };
}
