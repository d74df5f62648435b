/**
 * A real authoritative DNS server on loopback for tests: Knot DNS when knotd is installed, else an in-process
 * server with the same semantics. One entry point:
 *
 *   const dns = await startDnsServer([{ origin: "example.com", records: [...] }]);
 *   const r = new Resolver(); r.setServers([dns.address]);
 *   ...
 *   await dns.stop();
 *
 * Environment:
 *   MAILDOMAIN_DNS_SERVER=knot|in-process  force a server (default: knot when found, else in-process)
 *   CI=true                                a missing knotd is an error, never a silent fallback
 *   MAILDOMAIN_KNOTD=/path/to/knotd        use this knotd
 */
import { startInProcessServer } from "./in-process";
import { findKnotd, startKnotServer } from "./knot";
import type { DnsServer, StartOptions, Zone } from "./types";

export type { DnsServer, FaultMode, Faults, StartOptions, Zone, ZoneRecord, ZoneRecordType } from "./types";
export { renderZoneFile, prepareZone, DEFAULT_NS, DEFAULT_TTL } from "./zone";
export { startFaultServer, closedPortAddress, type FaultServer } from "./faults";
export { rawQuery, type RawQueryOptions, type RawResponse } from "./client";
export { findKnotd } from "./knot";
export { startInProcessServer } from "./in-process";

export const FALLBACK_NOTICE = "knotd not found: using the in-process DNS server";
let noticePrinted = false;

/** Which server startDnsServer will use here, or an Error saying why none can be used. */
export function selectDnsServerKind(): { kind: "knot"; knotd: string } | { kind: "in-process"; fallback: boolean } {
  const forced = (process.env.MAILDOMAIN_DNS_SERVER ?? "").trim().toLowerCase();
  if (forced !== "" && forced !== "auto" && forced !== "knot" && forced !== "in-process") {
    throw new Error(`MAILDOMAIN_DNS_SERVER must be "knot", "in-process" or "auto", got ${JSON.stringify(process.env.MAILDOMAIN_DNS_SERVER)}`);
  }
  if (forced === "in-process") return { kind: "in-process", fallback: false };
  const knotd = findKnotd();
  if (knotd) return { kind: "knot", knotd };
  if (forced === "knot" || process.env.CI === "true") {
    const why = forced === "knot" ? "MAILDOMAIN_DNS_SERVER=knot" : "CI=true";
    throw new Error(`knotd (Knot DNS) not found on PATH or in /usr/sbin, and ${why} forbids the in-process fallback: run .ci/install-system-deps to install it`);
  }
  return { kind: "in-process", fallback: true };
}

/** Start an authoritative DNS server on 127.0.0.1 serving `zones`; resolves once every zone is served. */
export async function startDnsServer(zones: Zone[], opts: StartOptions = {}): Promise<DnsServer> {
  const choice = selectDnsServerKind();
  if (choice.kind === "knot") return startKnotServer(choice.knotd, zones, opts);
  if (choice.fallback && !noticePrinted) {
    noticePrinted = true;
    process.stderr.write(`${FALLBACK_NOTICE}\n`);
  }
  return startInProcessServer(zones, opts);
}
