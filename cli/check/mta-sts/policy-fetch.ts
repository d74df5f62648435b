/**
 * Fetching the MTA-STS policy as a sender must (RFC 8461 §3.3): HTTPS GET https://mta-sts.<domain>/.well-known/
 * mta-sts.txt, a certificate valid for the policy host, no redirect followed, media type text/plain, at most
 * 64 KiB read, bounded time. The connection goes to an address the check's own resolver found (so the check asks
 * the DNS it was told to ask, e.g. `--server`), with the policy host as SNI and Host.
 */
import * as https from "node:https";
import * as tls from "node:tls";
import { POLICY_PATH } from "../../../components/hosting/worker-script";
import { judgePeer, PeerJudgement } from "./tls-peer";

/** RFC 8461 §3.3: senders may cap the policy body at 64 KiB. */
export const MAX_POLICY_BYTES = 65536;

export interface FetchOptions {
  port: number;
  timeout: number;
  ca: string[];
  now?: () => Date;
}

export type FetchProblem =
  | { kind: "unreachable"; message: string }
  | { kind: "tls"; message: string }
  | { kind: "redirect"; message: string; location?: string }
  | { kind: "status"; message: string; status: number }
  | { kind: "content-type"; message: string; contentType: string }
  | { kind: "too-large"; message: string };

export interface FetchResult {
  url: string;
  address?: string;
  /** The peer's judgement, once a handshake completed. */
  peer?: PeerJudgement;
  /** The body, when a 200 answer was read whole. */
  body?: string;
  problems: FetchProblem[];
}

/** Try the addresses in order until one answers at the HTTP level (a connection failure moves on to the next). */
export async function fetchPolicy(host: string, addresses: readonly string[], opts: FetchOptions): Promise<FetchResult> {
  const url = `https://${host}${opts.port === 443 ? "" : `:${opts.port}`}${POLICY_PATH}`;
  const unreachable: string[] = [];
  for (const address of addresses) {
    const r = await fetchFrom(host, address, url, opts);
    if (r.problems.length === 1 && r.problems[0].kind === "unreachable") {
      unreachable.push(`${address}: ${r.problems[0].message}`);
      continue;
    }
    return r;
  }
  return { url, problems: [{ kind: "unreachable", message: unreachable.join("; ") || "no address to connect to" }] };
}

function fetchFrom(host: string, address: string, url: string, opts: FetchOptions): Promise<FetchResult> {
  return new Promise((resolve) => {
    const result: FetchResult = { url, address, problems: [] };
    let settled = false;
    const finish = (problem?: FetchProblem) => {
      if (settled) return;
      settled = true;
      clearTimeout(cutoff);
      if (problem) result.problems.push(problem);
      req.destroy();
      resolve(result);
    };
    // Each wait is bounded by the socket's idle timeout; the whole fetch by three of them (connect and handshake,
    // the answer's headers, its body).
    const cutoff = setTimeout(() => finish({ kind: "unreachable", message: `no complete answer within ${3 * opts.timeout} ms` }), 3 * opts.timeout);
    const req = https.request({
      host: address,
      port: opts.port,
      servername: host,
      path: POLICY_PATH,
      method: "GET",
      headers: { host: opts.port === 443 ? host : `${host}:${opts.port}`, "user-agent": "maildomain-check (MTA-STS policy fetch)", accept: "text/plain" },
      ca: opts.ca,
      rejectUnauthorized: false,
      // The name is judged by judgePeer with the core's rule (SAN DNS-IDs only).
      checkServerIdentity: () => undefined,
      agent: false,
      timeout: opts.timeout,
    });
    req.on("socket", (socket) => {
      socket.once("secureConnect", () => {
        result.peer = judgePeer(socket as tls.TLSSocket, host, opts.now?.());
      });
    });
    req.on("timeout", () => finish({ kind: "unreachable", message: `timed out after ${opts.timeout} ms ${result.peer ? "waiting for the answer" : "connecting"}` }));
    req.on("error", (e: NodeJS.ErrnoException) => {
      // A failure after the handshake began is a TLS problem; before, the host is unreachable from here.
      const tlsFailure = /SSL|TLS|certificate|handshake|alert|wrong version/i.test(e.message) || (e.code ?? "").startsWith("ERR_SSL");
      finish({ kind: tlsFailure ? "tls" : "unreachable", message: `${e.code ? `${e.code}: ` : ""}${e.message}` });
    });
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        const location = res.headers.location;
        return finish({ kind: "redirect", status, location, message: `answers ${status} ${res.statusMessage ?? ""}`.trim() + (location ? ` redirecting to ${location}` : "") } as FetchProblem);
      }
      if (status !== 200) return finish({ kind: "status", status, message: `answers ${status} ${res.statusMessage ?? ""}`.trim() });
      const contentType = String(res.headers["content-type"] ?? "");
      const mediaType = contentType.split(";")[0].trim().toLowerCase();
      if (mediaType !== "text/plain") result.problems.push({ kind: "content-type", contentType, message: contentType ? `serves it as ${contentType}` : "serves it without a Content-Type" });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_POLICY_BYTES) return finish({ kind: "too-large", message: `sends more than ${MAX_POLICY_BYTES} bytes (64 KiB); senders stop reading there` });
        chunks.push(c);
      });
      res.on("end", () => {
        result.body = Buffer.concat(chunks).toString("utf8");
        finish();
      });
      res.on("error", (e) => finish({ kind: "unreachable", message: `the answer broke off: ${e.message}` }));
    });
    req.end();
  });
}
