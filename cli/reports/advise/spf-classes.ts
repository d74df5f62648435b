/**
 * Which source IPs a declared SPF record cannot tell apart, so that the project's one SPF evaluation (mailauth,
 * cli/check/spf.ts) runs once per class of IPs instead of once per IP: a store of 10,000 reports has 8,000
 * sources to judge and, for a usual record, a handful of classes (npm run bench:reports: the evaluations were
 * a third of the advice's time).
 *
 * When a record (with every record its `include`s and `redirect` reach) has only `ip4`, `ip6`, `a`, `mx`,
 * `include`, `all`, `redirect` and `exp`, and no macro anywhere, its evaluation for an IP depends on the IP only
 * through which of the networks those terms name contain it (RFC 7208 §5: each mechanism matches by address;
 * which DNS queries are made, and so the lookup limits of §4.6.4, depend only on which terms came before the
 * match). Two IPs of the same family in the same networks then get the same result. Anything else (`ptr`,
 * `exists`, a macro such as `%{i}`, a record that cannot be read or resolved) and there are no classes: every IP
 * is evaluated on its own, as before. test/cli/reports-spf-classes.test.ts holds mailauth to this.
 */
import * as ipaddr from "ipaddr.js";
import { hasMacro, parseSpf } from "../../../components/records/spf";
import type { MailauthResolver } from "../../check/dns/resolver";

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Resolutions at most before giving up on classes (a record tree that large is evaluated IP by IP). */
const MAX_LOOKUPS = 40;

class NoClasses extends Error {}

/**
 * A function giving each IP its class for the SPF record of `domain` as `resolver` answers (the declared
 * resolver: the plan's records, then DNS); undefined when the record's result can depend on more than the
 * networks an IP is in.
 */
export async function spfClasses(domain: string, resolver: MailauthResolver): Promise<((ip: string) => string | undefined) | undefined> {
  const networks: Network[] = [];
  let lookups = 0;
  const ask = async (name: string, type: "TXT" | "A" | "AAAA" | "MX"): Promise<unknown[]> => {
    if (++lookups > MAX_LOOKUPS) throw new NoClasses();
    try {
      return (await resolver(name, type)) as unknown[];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // No such name, or no record of the type: the mechanism matches nothing (mailauth: a void lookup).
      if (code === "ENOTFOUND" || code === "ENODATA") return [];
      throw new NoClasses();
    }
  };
  const addresses = async (host: string, cidr4?: number, cidr6?: number) => {
    for (const a of await ask(host, "A")) networks.push([ipaddr.parse(String(a)), cidr4 ?? 32]);
    for (const a of await ask(host, "AAAA")) networks.push([ipaddr.parse(String(a)), cidr6 ?? 128]);
  };
  const visit = async (name: string, depth: number): Promise<void> => {
    // An evaluation that gets this deep has made more than 10 DNS-querying terms' lookups: a permerror for every
    // IP whose evaluation gets here, whatever networks lie below (RFC 7208 §4.6.4).
    if (depth > 10) return;
    const texts = (await ask(name, "TXT")).map((chunks) => (Array.isArray(chunks) ? chunks.join("") : String(chunks)));
    const records = texts.filter((t) => /^v=spf1( |$)/i.test(t));
    // No record, or several: the same error for every IP whose evaluation gets here (RFC 7208 §4.5, §5.2).
    if (records.length !== 1) return;
    const parsed = parseSpf(records[0]);
    // A term this parser does not read might be one whose result depends on the IP: no classes.
    if (parsed.diagnostics.some((d) => d.severity === "error")) throw new NoClasses();
    for (const t of parsed.model.terms) {
      if (t.kind === "modifier") {
        if (t.name === "redirect") {
          if (hasMacro(t.value)) throw new NoClasses();
          await visit(t.value, depth + 1);
        }
        continue;
      }
      const target = t.domainSpec ?? name;
      if (t.domainSpec !== undefined && hasMacro(t.domainSpec)) throw new NoClasses();
      switch (t.name) {
        case "ip4":
        case "ip6":
          networks.push([ipaddr.parse(t.ip!), t.name === "ip4" ? (t.cidr4 ?? 32) : (t.cidr6 ?? 128)]);
          break;
        case "a":
          await addresses(target, t.cidr4, t.cidr6);
          break;
        case "mx":
          for (const mx of await ask(target, "MX")) await addresses(String((mx as { exchange: string }).exchange), t.cidr4, t.cidr6);
          break;
        case "include":
          await visit(target, depth + 1);
          break;
        case "all":
          break;
        default:
          // ptr and exists: the result depends on the IP's reverse name, or on a lookup built from the IP.
          throw new NoClasses();
      }
    }
  };
  try {
    await visit(domain, 0);
  } catch (e) {
    if (e instanceof NoClasses) return undefined;
    throw e;
  }
  return (ip: string) => {
    if (!ipaddr.isValid(ip)) return undefined;
    const addr = ipaddr.parse(ip);
    // An IPv4-mapped IPv6 address may be matched as either family: evaluated on its own.
    if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return undefined;
    let key = addr.kind();
    for (const [net, bits] of networks) key += net.kind() === addr.kind() && addr.match(net, bits) ? "1" : "0";
    return key;
  };
}
