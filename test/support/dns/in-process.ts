/**
 * The fallback server: an authoritative DNS server in this process (UDP and TCP on 127.0.0.1, dns-packet) serving the
 * same prepared zones as Knot, with the semantics a checker depends on: AA answers, NXDOMAIN vs NODATA with the SOA
 * in the authority section, empty non-terminals, CNAME chains inside the zone, wildcards, referrals below
 * delegations, REFUSED outside the served zones, TXT character-strings exactly as given, and TC over UDP when the
 * answer exceeds 512 octets (no EDNS) or the advertised EDNS size (capped at 1232 like Knot), so clients retry
 * over TCP.
 */
import * as dnsPacket from "dns-packet";
import { errorResponse, responseFlags, withFaults } from "./faults";
import { listen, type Handler, type Transport } from "./transport";
import { isAtOrBelow, prepareZones, type PreparedRecord, type PreparedZone, type SoaRdata } from "./zone";
import type { DnsServer, StartOptions, Zone } from "./types";

/** Largest UDP payload the server sends (Knot's default udp-max-payload). */
export const MAX_UDP_PAYLOAD = 1232;

const RC = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

interface ZoneIndex {
  origin: string;
  originKey: string;
  soa: PreparedRecord;
  /** canonical owner name → records */
  nodes: Map<string, PreparedRecord[]>;
  /** every name that exists: owners and their ancestors up to the origin (empty non-terminals) */
  existing: Set<string>;
}

function indexZone(zone: PreparedZone): ZoneIndex {
  const originKey = zone.origin.toLowerCase();
  const nodes = new Map<string, PreparedRecord[]>();
  const existing = new Set<string>([originKey]);
  for (const r of zone.records) {
    const k = r.name.toLowerCase();
    if (!nodes.has(k)) nodes.set(k, []);
    nodes.get(k)!.push(r);
    for (let n = k; n !== originKey && n.includes("."); n = n.slice(n.indexOf(".") + 1)) existing.add(n);
  }
  return { origin: zone.origin, originKey, soa: zone.records.find((r) => r.type === "SOA")!, nodes, existing };
}

function toAnswer(r: PreparedRecord, owner = r.name): dnsPacket.Answer {
  return { name: owner, type: r.type, ttl: r.ttl, class: "IN", data: r.data } as dnsPacket.Answer;
}

function negativeSoa(z: ZoneIndex): dnsPacket.Answer {
  const ttl = Math.min(z.soa.ttl, (z.soa.data as SoaRdata).minimum);
  return { ...toAnswer(z.soa), ttl } as dnsPacket.Answer;
}

function parent(name: string): string {
  const i = name.indexOf(".");
  return i < 0 ? "" : name.slice(i + 1);
}

interface Result {
  rcode: number;
  aa: boolean;
  answers: dnsPacket.Answer[];
  authorities: dnsPacket.Answer[];
  additionals: dnsPacket.Answer[];
}

/** Resolve qname/qtype against the served zones, as an authoritative-only server does. */
function resolve(zones: ZoneIndex[], qname: string, qtype: string): Result | null {
  const qkey = qname.toLowerCase().replace(/\.$/, "");
  let zone: ZoneIndex | undefined;
  for (const z of zones) if (isAtOrBelow(qkey, z.originKey) && (!zone || z.originKey.length > zone.originKey.length)) zone = z;
  if (!zone) return null; // not authoritative: REFUSED

  const res: Result = { rcode: RC.NOERROR, aa: true, answers: [], authorities: [], additionals: [] };
  const seen = new Set<string>();
  let owner = qname.replace(/\.$/, "");
  for (;;) {
    const key = owner.toLowerCase();
    seen.add(key);

    // A delegation at or above the name (below the apex) gives a referral.
    for (let n = key; n !== zone.originKey && isAtOrBelow(n, zone.originKey) && n !== ""; n = parent(n)) {
      const ns = zone.nodes.get(n)?.filter((r) => r.type === "NS");
      if (ns && ns.length) {
        if (res.answers.length === 0) {
          res.aa = false;
          res.authorities.push(...ns.map((r) => toAnswer(r)));
          for (const r of ns) {
            const glue = zone.nodes.get((r.data as string).toLowerCase())?.filter((g) => g.type === "A" || g.type === "AAAA") ?? [];
            res.additionals.push(...glue.map((g) => toAnswer(g)));
          }
        }
        return res;
      }
    }

    let records = zone.nodes.get(key);
    if (!records && !zone.existing.has(key)) {
      // RFC 4592: look for *.<closest encloser>.
      let ce = parent(key);
      while (!zone.existing.has(ce) && ce !== zone.originKey) ce = parent(ce);
      const wild = `*.${ce}`;
      if (zone.existing.has(wild)) records = zone.nodes.get(wild) ?? [];
      else {
        res.rcode = RC.NXDOMAIN;
        res.authorities.push(negativeSoa(zone));
        return res;
      }
    }
    records ??= []; // an empty non-terminal

    const cname = records.find((r) => r.type === "CNAME");
    if (cname && qtype !== "CNAME") {
      res.answers.push(toAnswer(cname, owner));
      const target = cname.data as string;
      const tkey = target.toLowerCase();
      // Follow the chain while it stays in this zone (as Knot does); the client follows the rest.
      if (!isAtOrBelow(tkey, zone.originKey) || seen.has(tkey)) return res;
      owner = target;
      continue;
    }
    const matching = qtype === "ANY" ? records : records.filter((r) => r.type === qtype);
    if (matching.length === 0) res.authorities.push(negativeSoa(zone));
    else res.answers.push(...matching.map((r) => toAnswer(r, owner)));
    // Additional section processing, as Knot does: addresses of in-zone MX exchanges and NS targets.
    for (const r of matching) {
      const target = r.type === "MX" ? (r.data as { exchange: string }).exchange : r.type === "NS" ? (r.data as string) : undefined;
      if (target === undefined) continue;
      const addrs = zone.nodes.get(target.toLowerCase())?.filter((a) => a.type === "A" || a.type === "AAAA") ?? [];
      res.additionals.push(...addrs.map((a) => toAnswer(a)));
    }
    return res;
  }
}

/** Answer one query message; exported for unit use without sockets. */
export function answerQuery(zones: ZoneIndex[], query: Buffer, transport: Transport): Buffer | null {
  let q: dnsPacket.DecodedPacket;
  try {
    q = dnsPacket.decode(query);
  } catch {
    return errorResponse(query, RC.FORMERR);
  }
  if (q.type === "response") return null;
  const opcode = ((q.flags ?? 0) >> 11) & 0xf;
  if (opcode !== 0) return errorResponse(query, RC.NOTIMP);
  const questions = q.questions ?? [];
  if (questions.length !== 1) return errorResponse(query, RC.FORMERR);
  const question = questions[0];

  const opt = (q.additionals ?? []).find((a) => a.type === "OPT") as dnsPacket.OptAnswer | undefined;
  const ednsOut = (extendedRcode = 0): dnsPacket.Answer[] =>
    opt ? [{ type: "OPT", name: ".", udpPayloadSize: MAX_UDP_PAYLOAD, extendedRcode, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
  const base = { type: "response" as const, id: q.id, questions };
  if (opt && opt.ednsVersion !== 0) {
    // BADVERS (16): extended rcode 1, header rcode 0.
    return dnsPacket.encode({ ...base, flags: responseFlags(q, 0), additionals: ednsOut(1) });
  }
  if ((question.class ?? "IN") !== "IN") return dnsPacket.encode({ ...base, flags: responseFlags(q, RC.REFUSED), additionals: ednsOut() });

  const res = resolve(zones, question.name, question.type);
  if (!res) return dnsPacket.encode({ ...base, flags: responseFlags(q, RC.REFUSED), additionals: ednsOut() });

  const aa = res.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
  const full = dnsPacket.encode({
    ...base,
    flags: responseFlags(q, res.rcode, aa),
    answers: res.answers,
    authorities: res.authorities,
    additionals: [...res.additionals, ...ednsOut()],
  });
  if (transport === "tcp") return full;
  const limit = opt ? Math.min(Math.max(512, opt.udpPayloadSize), MAX_UDP_PAYLOAD) : 512;
  if (full.length <= limit) return full;
  if (res.aa && res.additionals.length) {
    // Optional additional data is left out before anything is truncated (referral glue is not optional).
    const lean = dnsPacket.encode({ ...base, flags: responseFlags(q, res.rcode, aa), answers: res.answers, authorities: res.authorities, additionals: ednsOut() });
    if (lean.length <= limit) return lean;
  }
  // Too big for UDP: TC set, sections emptied; the client retries over TCP.
  return dnsPacket.encode({ ...base, flags: responseFlags(q, res.rcode, aa | dnsPacket.TRUNCATED_RESPONSE), additionals: ednsOut() });
}

/** Start the in-process authoritative server on a free loopback port. */
export async function startInProcessServer(zones: Zone[], opts: StartOptions = {}): Promise<DnsServer> {
  let serial = 1;
  let index = prepareZones(zones, serial).map(indexZone);
  const handler: Handler = withFaults(opts.faults, (query, transport) => answerQuery(index, query, transport));
  const l = await listen(handler);
  let stopped = false;
  return {
    host: "127.0.0.1",
    port: l.port,
    kind: "in-process",
    address: `127.0.0.1:${l.port}`,
    async setZones(next: Zone[]) {
      if (stopped) throw new Error("setZones: the DNS server is stopped");
      index = prepareZones(next, ++serial).map(indexZone);
    },
    async stop() {
      stopped = true;
      await l.close();
    },
  };
}
