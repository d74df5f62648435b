/**
 * Choosing the DNS manager: exactly one of `cloudflare` and `route53`, and a zone that contains
 * the mail domain. Pure, and checked with the other arguments before any resource is registered.
 */
import type { MailDomainArgs } from "../args";
import { Diagnostic, invalid } from "../records/diagnostics";
import { isWithin, normalizeName } from "../records/names";
import { organizationalDomain } from "../records/orgdomain";
import { cloudflareTtlProblem } from "./formats";

export interface ZoneChoice {
  kind: "cloudflare" | "route53";
  /** The zone's name: given, or the mail domain's registered domain. */
  zoneName: string;
}

export function chooseZone(args: MailDomainArgs, domain: string): { zone?: ZoneChoice; diagnostics: Diagnostic[] } {
  const given = (["cloudflare", "route53"] as const).filter((k) => args[k] !== undefined && args[k] !== null);
  if (given.length !== 1) {
    const message =
      given.length === 0
        ? "no DNS manager is given: add cloudflare: {} or route53: {} (optionally with zoneId or zoneName)."
        : "both cloudflare and route53 are given: a domain is served by one DNS manager, keep the one its NS records point to.";
    return { diagnostics: [invalid("plan.dns-manager", "cloudflare/route53", message, "RFC 1034 §4.2")] };
  }
  const kind = given[0];
  const zoneArgs = args[kind] ?? {};
  const ttlProblem = kind === "cloudflare" && typeof args.ttl === "number" ? cloudflareTtlProblem(args.ttl) : undefined;
  if (ttlProblem) return { diagnostics: [invalid("plan.cloudflare-ttl", "ttl", ttlProblem, "Cloudflare API: DNS records")] };
  if (zoneArgs.zoneName === undefined) {
    return { zone: { kind, zoneName: organizationalDomain(domain) }, diagnostics: [] };
  }
  const zone = normalizeName(zoneArgs.zoneName, `${kind}.zoneName`);
  if (zone.diagnostics.length) return { diagnostics: zone.diagnostics };
  if (domain && !isWithin(domain, zone.name)) {
    return {
      diagnostics: [invalid("plan.zone-mismatch", `${kind}.zoneName`, `the domain ${domain} is not inside the zone ${zone.name}: give the zone that contains it.`, "RFC 1034 §4.2")],
    };
  }
  return { zone: { kind, zoneName: zone.name }, diagnostics: [] };
}
