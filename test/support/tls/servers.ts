/**
 * TLS servers on loopback for the MTA-STS tests: HTTPS policy hosts and SMTP servers with STARTTLS (nodemailer's
 * smtp-server), one per loopback address so that each host name has its own certificate, all on one port (the
 * check's --https-port / --smtp-port). Addresses 127.0.83.x keep clear of other tests' servers.
 */
import * as https from "node:https";
import * as net from "node:net";
import { SMTPServer } from "smtp-server";

export interface Listener {
  close(): Promise<void>;
}

/** Listen on the same port on every address, retrying with another port when one is taken. */
export async function onOnePort(addresses: readonly string[], start: (address: string, port: number) => Promise<Listener>): Promise<{ port: number; close: () => Promise<void> }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const started: Listener[] = [];
    try {
      for (const a of addresses) started.push(await start(a, port));
      return { port, close: async () => void (await Promise.all(started.map((l) => l.close()))) };
    } catch (e) {
      await Promise.all(started.map((l) => l.close()));
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    }
  }
  throw new Error(`no port free on all of ${addresses.join(", ")}`);
}

function listening(server: net.Server, address: string, port: number): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve({ close: () => new Promise<void>((r) => { (server as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}

export interface HttpsSpec {
  address: string;
  certPem: string;
  keyPem: string;
  handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void;
}

export function startHttps(spec: HttpsSpec, port: number): Promise<Listener> {
  const server = https.createServer({ cert: spec.certPem, key: spec.keyPem }, spec.handler);
  return listening(server, spec.address, port);
}

export interface SmtpSpec {
  address: string;
  /** Omit for a server without STARTTLS. */
  certPem?: string;
  keyPem?: string;
  /** Serve only this TLS version (e.g. "TLSv1" for a server stuck on TLS 1.0). */
  onlyTls?: "TLSv1" | "TLSv1.1";
}

/** A real SMTP server (smtp-server) that refuses every message: the probe must never send one. */
export function startSmtp(spec: SmtpSpec, port: number, seen: string[]): Promise<Listener> {
  const tlsOptions = spec.onlyTls ? { minVersion: spec.onlyTls, maxVersion: spec.onlyTls, ciphers: "DEFAULT@SECLEVEL=0" } : { minVersion: "TLSv1.2" };
  const server = new SMTPServer({
    name: `mx-${spec.address}`,
    secure: false,
    ...(spec.certPem ? { key: spec.keyPem, cert: spec.certPem, ...tlsOptions } : { hideSTARTTLS: true, disabledCommands: ["STARTTLS"] }),
    authOptional: true,
    logger: false,
    onConnect(session, cb) {
      seen.push(`connect ${spec.address}`);
      cb();
    },
    onMailFrom(address, session, cb) {
      seen.push(`MAIL FROM ${address.address}`);
      cb(new Error("the probe must not start a mail transaction"));
    },
    onData(stream, session, cb) {
      seen.push("DATA");
      stream.resume();
      cb(new Error("no"));
    },
  } as ConstructorParameters<typeof SMTPServer>[0]);
  return new Promise((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, spec.address, () => {
      server.server.off("error", reject);
      resolve({ close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

/**
 * An SMTP server that offers STARTTLS, says 220 to it, then answers the TLS ClientHello with garbage: a broken TLS
 * set-up (wrong certificate file, a proxy in the way) as a sender meets it.
 */
export function startBrokenStarttls(address: string, port: number): Promise<Listener> {
  const server = net.createServer((socket) => {
    socket.write("220 broken.test ESMTP\r\n");
    let buffer = "";
    socket.on("data", (d) => {
      buffer += d.toString("latin1");
      if (/^EHLO .*\r\n$/m.test(buffer)) {
        buffer = "";
        socket.write("250-broken.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
      } else if (/^STARTTLS\r\n$/m.test(buffer)) {
        buffer = "";
        socket.write("220 go ahead\r\n");
        socket.once("data", () => socket.end("this is not TLS\r\n"));
      }
    });
    socket.on("error", () => undefined);
  });
  return listening(server, address, port);
}
