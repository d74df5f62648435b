/**
 * Senders, not IPs: the sources of one policy domain grouped into the services and servers that send as it.
 *
 * Each source IP is classified once, in this order (the first that applies):
 * 1. a **service** of the provider table, by its forward-confirmed reverse DNS, or by the MAIL FROM domain whose
 *    SPF passed for it (the service's own SPF authorizes the IP);
 * 2. the domain's **own** servers: the declared SPF authorizes the IP, or its forward-confirmed reverse DNS
 *    name is in the domain's own organizational domain;
 * 3. a **forwarder**: SPF fails while the domain's DKIM signature still passes aligned, or the receiver said it
 *    was forwarded (RFC 7489 §6.7 override reasons `forwarded`, `mailing_list`, `trusted_forwarder`);
 * 4. a service recognized only by the `d=` of its signatures;
 * 5. **own** again: the live SPF the receivers evaluated authorizes it (aligned SPF pass), or it signs with the
 *    domain's `d=` (even when that signature fails: a server of the domain's with a broken key);
 * 6. otherwise **unknown**: nothing of the domain's authorizes it and it fails DMARC.
 *
 * Sources are then grouped: a service is one sender; own servers, forwarders and unknown sources are grouped by
 * the organizational domain of their reverse DNS; without reverse DNS, the own servers the declaration
 * authorizes are one sender, unknown sources one per /24 (IPv6: /64), forwarders one per IP.
 */
import { organizationalDomain, sameOrganization } from "../../components/records/orgdomain";
import type { Declaration, DomainEvidence, IpFacts, Sender, SenderKind, SourceEvidence } from "./model";
import { SendingService, serviceByDkimDomain, serviceByEnvelope, serviceByRdns } from "./services";
import { formatCount, formatWholePercent } from "../format";

export interface ClassifiedSource {
  source: SourceEvidence;
  kind: SenderKind;
  service?: SendingService;
  /** The group it belongs to (the sender's id). */
  key: string;
  /** The name of the group (for own servers, forwarders and unknown sources). */
  label: string;
  facts: IpFacts;
}


export function classifySource(domain: string, s: SourceEvidence, facts: IpFacts): ClassifiedSource {
  const names = facts.rdns ?? [];
  const org = names.length ? organizationalDomain(names[0]) : undefined;
  // Own servers without reverse DNS are one sender; forwarders and unknown sources without it, one per IP.
  const grouped = (kind: SenderKind, named: string, unnamed: string, group = kind === "own"): ClassifiedSource => ({
    source: s,
    kind,
    key: `${kind}:${org ?? (group ? "(no reverse DNS)" : s.ip)}`,
    label: org ? named : unnamed,
    facts,
  });
  // With a declaration, the servers it authorizes and those it leaves out are separate senders (each its own fix).
  const own = () =>
    facts.declaredSpf === undefined || facts.declaredSpf === "pass"
      ? grouped("own", `your servers at ${org}`, "your servers without reverse DNS")
      : { ...grouped("own", `servers at ${org} the declared SPF leaves out`, s.ip, false), key: `own:undeclared:${org ?? s.ip}` };
  const service =
    (facts.confirmed ?? []).map(serviceByRdns).find((x) => x !== undefined) ??
    s.spf.filter((r) => r.result === "pass" && !sameOrganization(r.domain, domain)).map((r) => serviceByEnvelope(r.domain)).find((x) => x !== undefined);
  if (service) return { source: s, kind: "service", service, key: `service:${service.id}`, label: service.name, facts };
  if (facts.declaredSpf === "pass") return own();
  // A server whose forward-confirmed name is in the domain's own organization is the domain's, whatever SPF says.
  if ((facts.confirmed ?? []).some((n) => sameOrganization(n, domain))) return own();
  const forwarded = s.forwarded > 0 && s.forwarded * 2 >= s.messages;
  if ((s.dkimPass > 0 && s.spfPass * 2 < s.messages) || forwarded) return grouped("forwarder", `forwarded by ${org}`, `forwarded by ${s.ip}`);
  const signer = s.dkim.map((r) => serviceByDkimDomain(r.domain)).find((x) => x !== undefined);
  if (signer) return { source: s, kind: "service", service: signer, key: `service:${signer.id}`, label: signer.name, facts };
  const signsAsDomain = s.dkim.some((r) => sameOrganization(r.domain, domain) && r.result !== "none");
  if (s.spfPass * 2 >= s.messages || signsAsDomain) return own();
  // Unknown sources without reverse DNS by network: a botnet's thousand addresses are a few senders, not a
  // thousand (each sender still lists every IP).
  return org ? grouped("unknown", `hosts of ${org}`, s.ip) : { source: s, kind: "unknown", key: `unknown:${network(s.ip)}`, label: s.ip, facts };
}

/** The /24 of an IPv4 address, the /64 of an IPv6 one. */
export function network(ip: string): string {
  if (!ip.includes(":")) return `${ip.split(".").slice(0, 3).join(".")}.0/24`;
  const [head, tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t].slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "").toLowerCase());
  return `${groups.join(":")}::/64`;
}

/** The sources of one domain as senders, largest first. */
export function groupSenders(ev: DomainEvidence, facts: ReadonlyMap<string, IpFacts>, declaration?: Declaration): { senders: Sender[]; classified: ClassifiedSource[] } {
  const classified = ev.sources.map((s) => classifySource(ev.domain, s, facts.get(s.ip) ?? {}));
  const groups = new Map<string, ClassifiedSource[]>();
  for (const c of classified) {
    const list = groups.get(c.key) ?? [];
    list.push(c);
    groups.set(c.key, list);
  }
  const declaredSelectors = new Set((declaration?.dkim ?? []).map((d) => d.selector.toLowerCase()));
  const senders: Sender[] = [...groups.values()].map((members) => {
    const first = members[0];
    const messages = members.reduce((n, m) => n + m.source.messages, 0);
    const dmarcPass = members.reduce((n, m) => n + m.source.dmarcPass, 0);
    const dkim = new Map<string, Sender["dkim"][number]>();
    const spf = new Map<string, Sender["spf"][number]>();
    for (const m of members) {
      for (const r of m.source.dkim) {
        const k = `${r.domain} ${r.selector ?? ""} ${r.result}`;
        const e = dkim.get(k) ?? { domain: r.domain, ...(r.selector ? { selector: r.selector } : {}), result: r.result, messages: 0, aligned: sameOrganization(r.domain, ev.domain) };
        e.messages += r.messages;
        dkim.set(k, e);
      }
      for (const r of m.source.spf) {
        if (r.scope === "helo") continue;
        const k = `${r.domain} ${r.result}`;
        const e = spf.get(k) ?? { domain: r.domain, result: r.result, messages: 0, aligned: sameOrganization(r.domain, ev.domain) };
        e.messages += r.messages;
        spf.set(k, e);
      }
    }
    const byMessages = <T extends { messages: number }>(a: T, b: T) => b.messages - a.messages;
    const reverseDns = [...new Set(members.flatMap((m) => m.facts.rdns ?? []))].slice(0, 5);
    const ips = members.map((m) => m.source.ip);
    const dkimList = [...dkim.values()].sort(byMessages);
    const legitimate = first.kind !== "unknown";
    const authorized: Sender["authorized"] = declaration
      ? {
          spf: declaration.spf ? members.every((m) => m.facts.declaredSpf === "pass") : false,
          dkim: dkimList.some((d) => d.domain === ev.domain && d.selector !== undefined && declaredSelectors.has(d.selector.toLowerCase())),
        }
      : { spf: null, dkim: null };
    const sender: Sender = {
      id: first.key,
      name: first.kind === "unknown" && members.length > 1 && first.key === `unknown:${network(first.source.ip)}` ? `${network(first.source.ip)} (${formatCount(members.length)} addresses without reverse DNS)` : first.label,
      kind: first.kind,
      legitimate,
      ...(first.service ? { service: first.service.id } : {}),
      messages,
      dmarcPass,
      dmarcFail: messages - dmarcPass,
      ips,
      reverseDns,
      dkim: dkimList,
      spf: [...spf.values()].sort(byMessages),
      authorized,
      summary: "",
    };
    sender.summary = describe(sender, ev.domain, members);
    return sender;
  });
  senders.sort((a, b) => b.messages - a.messages || a.id.localeCompare(b.id));
  return { senders, classified };
}

/** Who the sender is and what the reports show, in one sentence. */
function describe(s: Sender, domain: string, members: ClassifiedSource[]): string {
  const named = s.name.includes("reverse DNS");
  const ips = s.ips.length === 1 && s.name !== s.ips[0] ? `${s.ips[0]}, ` : s.ips.length > 1 && !named ? `${formatCount(s.ips.length)} IPs, ` : "";
  const head = `${s.name} (${ips}${s.kind === "unknown" && s.reverseDns.length === 0 && !named ? "no reverse DNS, " : ""}${formatCount(s.messages)} messages, ${formatWholePercent(s.dmarcPass, s.messages)} aligned)`;
  const signed = s.dkim.filter((d) => d.result === "pass");
  const dkimText = signed.length
    ? `DKIM is signed with ${[...new Set(signed.map((d) => `d=${d.domain}${d.aligned ? "" : " (not aligned)"}`))].slice(0, 3).join(", ")}`
    : s.dkim.length
      ? `DKIM fails (${[...new Set(s.dkim.map((d) => `d=${d.domain}${d.selector ? ` s=${d.selector}` : ""} ${d.result}`))].slice(0, 2).join(", ")})`
      : "the mail is not DKIM-signed";
  const spfPass = s.spf.filter((r) => r.result === "pass");
  const spfText = spfPass.length
    ? `SPF passes for ${[...new Set(spfPass.map((r) => `${r.domain}${r.aligned ? "" : " (not aligned)"}`))].slice(0, 2).join(", ")}`
    : s.spf.length
      ? `SPF ${[...new Set(s.spf.map((r) => r.result))].join("/")} for ${[...new Set(s.spf.map((r) => r.domain))].slice(0, 2).join(", ")}`
      : "no SPF result";
  switch (s.kind) {
    case "unknown":
      return `${head}: ${s.dmarcPass === 0 ? "failing everything" : `${dkimText}; ${spfText}`}; nothing of ${domain}'s authorizes it: not a sender of yours, enforcement will stop it.`;
    case "forwarder": {
      const reasons = members.reduce((n, m) => n + m.source.forwarded, 0);
      return `${head}: forwarding${reasons ? ` (the receivers said so for ${formatCount(reasons)} messages)` : ""}: SPF fails at the forwarder as expected, ${s.dmarcPass === s.messages ? "and your DKIM signature survives, so the mail passes" : `${dkimText}`}.`;
    }
    default:
      return `${head}: ${dkimText}; ${spfText}.`;
  }
}
