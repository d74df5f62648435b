/**
 * The STARTTLS probe of one MX address (RFC 3207): connect to port 25, read the 220 greeting, EHLO, require the
 * STARTTLS extension, STARTTLS, the TLS handshake, then QUIT. No MAIL, RCPT or DATA: nothing is sent. The
 * handshake accepts TLS 1.0 and 1.1 (at OpenSSL security level 0) only to see whether the server is stuck on
 * them; the certificate is judged afterwards by `judgePeer`.
 *
 * Written on node:net and node:tls: the SMTP client libraries (nodemailer's smtp-connection) always continue into
 * a mail transaction or hide the raw handshake result, and the probe needs to stop at each step and say which.
 *
 * Time: the socket's idle timeout is `timeout` (each wait: connecting, each reply, the handshake), and the whole
 * probe is cut off after 6 × `timeout` (six waits: connect, greeting, EHLO, STARTTLS, handshake, QUIT).
 */
import * as net from "node:net";
import * as os from "node:os";
import * as tls from "node:tls";
import { isOldTls, judgePeer, PeerJudgement } from "./tls-peer";

export interface SmtpProbeOptions {
  port: number;
  timeout: number;
  /** Trusted roots (Node's plus --ca). */
  ca: string[];
  /** EHLO name; default the machine's host name, or our address literal when it has no dot. */
  ehloName?: string;
  now?: () => Date;
}

export type SmtpFailure =
  | { kind: "unreachable"; message: string }
  | { kind: "refused"; message: string }
  | { kind: "no-starttls"; message: string }
  | { kind: "handshake"; message: string };

export interface SmtpProbeResult {
  host: string;
  address: string;
  /** Set when the TLS handshake completed. */
  tls?: PeerJudgement & { oldVersion: boolean };
  failure?: SmtpFailure;
  /** The server's greeting line (first line of the 220 reply). */
  greeting?: string;
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads SMTP replies (RFC 5321 §4.2: "250-…" continues, "250 …" ends) from a socket. */
class ReplyReader {
  private buffer = "";
  private lines: string[] = [];
  private waiting?: { resolve: (r: Reply) => void; reject: (e: Error) => void };
  private ready: Reply[] = [];
  private failed?: Error;

  constructor(socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.feed(chunk.toString("latin1")));
  }

  private feed(text: string): void {
    this.buffer += text;
    if (this.buffer.length > 65536) return this.fail(new Error("the server sent a reply line longer than 64 KiB"));
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, "");
      this.buffer = this.buffer.slice(nl + 1);
      this.lines.push(line);
      const m = /^(\d{3})([ -]|$)/.exec(line);
      if (!m) return this.fail(new Error(`the server sent a line that is not an SMTP reply: "${line.slice(0, 80)}"`));
      if (m[2] !== "-") {
        this.ready.push({ code: Number(m[1]), lines: this.lines });
        this.lines = [];
      }
    }
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const w = this.waiting;
    if (this.ready.length) {
      this.waiting = undefined;
      w.resolve(this.ready.shift()!);
    } else if (this.failed) {
      this.waiting = undefined;
      w.reject(this.failed);
    }
  }

  fail(e: Error): void {
    this.failed ??= e;
    this.deliver();
  }

  next(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }
}

function ehloName(socket: net.Socket, given?: string): string {
  if (given) return given;
  const h = os.hostname();
  if (h.includes(".")) return h;
  const local = socket.localAddress ?? "127.0.0.1";
  return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
}

const text = (r: Reply) => r.lines.join(" / ").slice(0, 200);

export async function probeSmtp(host: string, address: string, opts: SmtpProbeOptions): Promise<SmtpProbeResult> {
  const result: SmtpProbeResult = { host, address };
  const socket = net.connect({ host: address, port: opts.port });
  let secure: tls.TLSSocket | undefined;
  const cutoff = setTimeout(() => fail(new Error(`no result within ${6 * opts.timeout} ms`)), 6 * opts.timeout);
  let connected = false;
  const reader = new ReplyReader(socket);
  const fail = (e: Error) => {
    reader.fail(e);
    socket.destroy();
    secure?.destroy();
  };
  socket.setTimeout(opts.timeout, () => fail(new Error(`timed out after ${opts.timeout} ms ${connected ? "waiting for the server" : "connecting"}`)));
  socket.on("error", (e) => fail(e));
  socket.on("close", () => fail(new Error("the server closed the connection")));
  socket.on("connect", () => (connected = true));
  const where = `${host} (${address} port ${opts.port})`;
  try {
    let reply: Reply;
    try {
      reply = await reader.next();
    } catch (e) {
      result.failure = { kind: "unreachable", message: `could not talk to ${where}: ${(e as Error).message}` };
      return result;
    }
    result.greeting = reply.lines[0];
    if (reply.code !== 220) {
      result.failure = { kind: "refused", message: `${where} does not accept a session from here: "${text(reply)}"` };
      return result;
    }
    socket.write(`EHLO ${ehloName(socket, opts.ehloName)}\r\n`);
    reply = await reader.next();
    if (reply.code !== 250) {
      result.failure = { kind: "refused", message: `${where} refused EHLO: "${text(reply)}"` };
      return result;
    }
    if (!reply.lines.slice(1).some((l) => /^\d{3}[ -]STARTTLS\b/i.test(l))) {
      socket.write("QUIT\r\n");
      result.failure = { kind: "no-starttls", message: `${where} does not offer STARTTLS (EHLO lists ${reply.lines.slice(1).map((l) => l.slice(4).split(" ")[0]).join(", ") || "no extensions"})` };
      return result;
    }
    socket.write("STARTTLS\r\n");
    reply = await reader.next();
    if (reply.code !== 220) {
      result.failure = { kind: "handshake", message: `${where} refused STARTTLS: "${text(reply)}"` };
      return result;
    }
    // Tagged, not `instanceof Error`: errors from node:tls may come from another realm (test runners).
    const handshake = await new Promise<{ ok: true; judgement: PeerJudgement } | { ok: false; message: string }>((resolve) => {
      socket.removeAllListeners("data");
      const failed = (e: Error) => resolve({ ok: false, message: e.message });
      secure = tls.connect({ socket, servername: host, ca: opts.ca, rejectUnauthorized: false, minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" }, () =>
        resolve({ ok: true, judgement: judgePeer(secure!, host, opts.now?.()) }),
      );
      secure.on("error", failed);
      reader.fail = failed;
    });
    if (!handshake.ok) {
      result.failure = { kind: "handshake", message: `the TLS handshake with ${where} failed after STARTTLS: ${handshake.message}` };
      return result;
    }
    const judgement = handshake.judgement;
    result.tls = { ...judgement, oldVersion: isOldTls(judgement.protocol) };
    // Polite end of the session; the answer does not matter.
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      secure!.once("data", done);
      secure!.once("close", done);
      secure!.once("error", done);
      secure!.write("QUIT\r\n");
      setTimeout(done, Math.min(opts.timeout, 1000)).unref();
    });
    return result;
  } catch (e) {
    result.failure ??= { kind: "unreachable", message: `the session with ${where} broke off: ${(e as Error).message}` };
    return result;
  } finally {
    clearTimeout(cutoff);
    secure?.destroy();
    socket.destroy();
  }
}
