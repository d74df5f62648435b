/**
 * Faulty DNS for the checker's error paths: a server that answers REFUSED or SERVFAIL, never answers, or truncates
 * every answer; a per-name (and per-type) fault layer in front of a real server; and the address of a port where
 * nothing listens.
 */
import * as dnsPacket from "dns-packet";
import { exchange } from "./client";
import { listen, type Handler, type Transport } from "./transport";
import { canonicalName } from "./zone";
import type { FaultMode, Faults } from "./types";

const RCODE = { servfail: 2, refused: 5 } as const;
const MODES: readonly FaultMode[] = ["refused", "servfail", "drop", "truncate", "truncate-udp"];

/** The flags of a response to `query`: QR set by the encoder, opcode and RD copied, the rcode added. */
export function responseFlags(query: dnsPacket.DecodedPacket, rcode: number, extra = 0): number {
  const opcodeBits = (query.flags ?? 0) & 0x7800;
  const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  return opcodeBits | rd | extra | (rcode & 0xf);
}

/** A bare response (question echoed, no records) with the given rcode; null when the query cannot be decoded. */
export function errorResponse(query: Buffer, rcode: number, extraFlags = 0): Buffer | null {
  let q: dnsPacket.DecodedPacket;
  try {
    q = dnsPacket.decode(query);
  } catch {
    if (query.length < 12) return null;
    // Undecodable: echo the header only, with FORMERR.
    const h = Buffer.alloc(12);
    query.copy(h, 0, 0, 4);
    h.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | 1, 2);
    return h;
  }
  return dnsPacket.encode({ type: "response", id: q.id, flags: responseFlags(q, rcode, extraFlags), questions: q.questions ?? [] });
}

function faultReply(query: Buffer, mode: FaultMode, transport: Transport): Buffer | null {
  switch (mode) {
    case "drop":
      return null;
    case "truncate":
    case "truncate-udp":
      // NOERROR, TC set, no records: "the answer did not fit; ask over TCP".
      if (transport === "tcp" && mode === "truncate-udp") return null;
      return errorResponse(query, 0, dnsPacket.TRUNCATED_RESPONSE | dnsPacket.AUTHORITATIVE_ANSWER);
    default:
      return errorResponse(query, RCODE[mode]);
  }
}

function checkMode(mode: unknown, what: string): FaultMode {
  if (!MODES.includes(mode as FaultMode)) throw new Error(`${what}: fault mode must be one of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  return mode as FaultMode;
}

/** Validate `faults` and return a lookup: the fault mode for a query name and type, if any. */
export function faultMatcher(faults: Faults): (qname: string, qtype?: string) => FaultMode | undefined {
  const exact = new Map<string, FaultMode>();
  const below: Array<[string, FaultMode]> = [];
  for (const [rawKey, mode] of Object.entries(faults)) {
    checkMode(mode, `faults["${rawKey}"]`);
    const typed = /^([A-Za-z0-9]+) +(\S+)$/.exec(rawKey);
    const type = typed ? typed[1].toUpperCase() : "*";
    const key = typed ? typed[2] : rawKey;
    if (key.startsWith("*.")) below.push([`${type} ${canonicalName(key.slice(2))}`, mode]);
    else exact.set(`${type} ${canonicalName(key)}`, mode);
  }
  return (qname, qtype) => {
    const n = canonicalName(qname);
    for (const type of qtype ? [qtype.toUpperCase(), "*"] : ["*"]) {
      const hit = exact.get(`${type} ${n}`);
      if (hit) return hit;
      for (const [k, mode] of below) {
        const space = k.indexOf(" ");
        if (k.slice(0, space) === type && n.endsWith("." + k.slice(space + 1))) return mode;
      }
    }
    return undefined;
  };
}

/** Wrap a handler so that faulty names get their fault and the rest goes to `inner`. */
export function withFaults(faults: Faults | undefined, inner: Handler): Handler {
  if (!faults || Object.keys(faults).length === 0) return inner;
  const match = faultMatcher(faults);
  return (query, transport) => {
    let question: { name: string; type: string } | undefined;
    try {
      question = dnsPacket.decode(query).questions?.[0];
    } catch {
      /* let inner decide */
    }
    const mode = question === undefined ? undefined : match(question.name, question.type);
    return mode ? faultReply(query, mode, transport) : inner(query, transport);
  };
}

/** A handler that passes each query unchanged to `upstream` over the same transport and relays the answer. */
export function forwardTo(upstream: string, timeoutMs = 3000): Handler {
  return async (query, transport) => {
    try {
      return await exchange(upstream, query, { tcp: transport === "tcp", timeoutMs });
    } catch {
      return errorResponse(query, RCODE.servfail);
    }
  };
}

export interface FaultServer {
  /** "127.0.0.1:PORT" */
  address: string;
  port: number;
  mode: FaultMode;
  stop(): Promise<void>;
}

/**
 * A DNS server (UDP and TCP on 127.0.0.1) that answers every query REFUSED or SERVFAIL, never answers ("drop":
 * node:dns then fails with ETIMEOUT after its timeout and tries), or truncates every answer ("truncate" over both
 * transports, "truncate-udp" with TCP silent). `tcp: false` listens on UDP only, so a TCP retry is refused.
 */
export async function startFaultServer(opts: { mode: FaultMode; tcp?: boolean }): Promise<FaultServer> {
  const mode = checkMode(opts?.mode, "startFaultServer");
  const l = await listen((query, transport) => faultReply(query, mode, transport), 0, { tcp: opts.tcp ?? true });
  return { address: `127.0.0.1:${l.port}`, port: l.port, mode, stop: () => l.close() };
}

/**
 * "127.0.0.1:PORT" of a port where nothing listens (UDP or TCP) at the time of the call: a UDP query there gets
 * ICMP port unreachable (node:dns: ECONNREFUSED or ETIMEOUT), a TCP connection is refused.
 */
export async function closedPortAddress(): Promise<string> {
  const l = await listen(() => null);
  const port = l.port;
  await l.close();
  return `127.0.0.1:${port}`;
}
