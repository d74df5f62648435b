/**
 * What each legitimate sender is missing, in the component's terms: the DKIM selectors to declare (CNAMEs to the
 * service's keys, or the key its console shows), the SPF include or addresses to add, or, when the declaration
 * already has it all, that live DNS does not serve the declaration yet. Every change is an `ArgChange` the
 * planner accepts once its placeholders are filled (the tests run each through it).
 */
import type { DkimArgs } from "../../components/records/dkim";
import { isIpLiteral } from "../../components/records/ip";
import { parseSpf } from "../../components/records/spf";
import { ArgChange, mergeChanges, renderChange } from "./change";
import type { Declaration, Sender } from "./model";
import { network, type ClassifiedSource } from "./senders";
import { serviceById, SendingService } from "./services";
import { formatCount, formatWholePercent } from "../format";


/** The include targets of the declared SPF record (lower case). */
export function declaredIncludes(declaration?: Declaration): string[] {
  if (!declaration?.spf) return [];
  return parseSpf(declaration.spf).model.terms.flatMap((t) => (t.kind === "mechanism" && t.name === "include" && t.domainSpec ? [t.domainSpec.toLowerCase()] : []));
}

/** Sets `fix` and `change` on every legitimate sender that would lose mail or that the declaration leaves out. */
export function addFixes(domain: string, senders: Sender[], classified: readonly ClassifiedSource[], declaration: Declaration | undefined, year: number): void {
  const byKey = new Map<string, ClassifiedSource[]>();
  for (const c of classified) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c]);
  for (const s of senders) {
    if (!s.legitimate) continue;
    const members = byKey.get(s.id) ?? [];
    const f = s.kind === "service" ? serviceFix(domain, s, serviceById(s.service!)!, declaration) : s.kind === "own" ? ownFix(domain, s, members, declaration, year) : forwarderFix(s);
    if (!f) continue;
    s.fix = f.text;
    if (f.change) s.change = f.change;
  }
}

interface Fix {
  text: string;
  change?: ArgChange;
}

const lead = (s: Sender) => `${s.name} (${formatCount(s.messages)} messages, ${formatWholePercent(s.dmarcPass, s.messages)} aligned)`;

function serviceFix(domain: string, s: Sender, service: SendingService, declaration: Declaration | undefined): Fix | undefined {
  const alignedPass = s.dkim.filter((d) => d.aligned && d.result === "pass").reduce((n, d) => n + d.messages, 0);
  const dkimOk = alignedPass * 100 >= s.messages * 98;
  const declaredSelectors = new Set((declaration?.dkim ?? []).map((d) => d.selector.toLowerCase()));
  const seen = {
    dkimDomains: [...new Set(s.dkim.filter((d) => !d.aligned).map((d) => d.domain.toLowerCase()))],
    selectors: [...new Set(s.dkim.filter((d) => d.domain === domain && d.selector).map((d) => d.selector!.toLowerCase()))],
  };
  const parts: string[] = [];
  let dkimChange: ArgChange | undefined;
  if (!dkimOk) {
    const unaligned = s.dkim.filter((d) => !d.aligned && d.result === "pass").map((d) => `d=${d.domain}`);
    const failing = s.dkim.filter((d) => d.aligned && d.result !== "pass" && d.selector);
    const declaredFailing = failing.filter((d) => declaredSelectors.has(d.selector!.toLowerCase()));
    if (declaredFailing.length > 0 && declaredFailing.length === failing.length) {
      const sels = [...new Set(declaredFailing.map((d) => d.selector))].join(", ");
      parts.push(`it signs with d=${domain} at selector ${sels}, which the plan declares, but the signatures fail: the key ${service.name} signs with is not the one published (or the plan is not applied yet). Compare with \`maildomain check ${domain} --expect PLAN.json\`, and copy the key again from ${service.dkim.where}`);
    } else {
      const records = service.dkim.records(domain, seen).filter((r) => !declaredSelectors.has(r.selector.toLowerCase()));
      const why = unaligned.length ? `DKIM is signed with ${[...new Set(unaligned)].slice(0, 2).join(", ")}, which does not align with ${domain}` : failing.length ? `its DKIM signatures with d=${domain} fail (selector ${[...new Set(failing.map((d) => d.selector))].join(", ")} is not declared)` : "the mail is not DKIM-signed";
      if (records.length) {
        const placeholders = service.dkim.placeholders(domain, seen);
        dkimChange = {
          add: { dkim: records.map((r): DkimArgs => (r.cnameTarget !== undefined ? { selector: r.selector, cnameTarget: r.cnameTarget } : { selector: r.selector, publicKey: r.publicKey! })) },
          ...(placeholders.length ? { placeholders } : {}),
        };
        parts.push(`${why}; switch on signing with ${domain} in ${service.dkim.where} and declare its selectors`);
      } else {
        parts.push(`${why}; the plan declares the selectors ${service.name} uses, so switch signing with ${domain} on in ${service.dkim.where}`);
      }
    }
  }
  let spfChange: ArgChange | undefined;
  const includes = declaredIncludes(declaration);
  const authorizedBySpf = s.authorized.spf === true || (declaration === undefined && s.spf.some((r) => r.aligned && r.result === "pass"));
  const missingIncludes = service.spfInclude.filter((i) => !includes.includes(i.toLowerCase()));
  if (!authorizedBySpf && missingIncludes.length > 0 && (declaration !== undefined || !dkimOk)) {
    spfChange = { add: { spfInclude: missingIncludes } };
    if (parts.length === 0) parts.push(`the declared SPF does not authorize ${service.name}`);
  }
  const change = mergeChanges(dkimChange, spfChange);
  if (!change && parts.length === 0) return undefined;
  const spfWhy = spfChange ? ` The include authorizes ${service.name}'s servers; SPF aligns only when ${service.name} sends with a MAIL FROM at ${domain}, so DKIM is what makes its mail pass.` : !dkimOk && service.spfNote ? ` ${service.spfNote[0].toUpperCase()}${service.spfNote.slice(1)}.` : "";
  return { text: `${lead(s)}: ${parts.join("; ")}${change ? `; add ${renderChange(change)}` : ""}.${spfWhy}`, change };
}

function ownFix(domain: string, s: Sender, members: readonly ClassifiedSource[], declaration: Declaration | undefined, year: number): Fix | undefined {
  const failing = s.dmarcFail > 0;
  const parts: string[] = [];
  const changes: ArgChange[] = [];
  if (declaration) {
    const notDeclared = members.filter((m) => m.facts.declaredSpf !== "pass").map((m) => m.source.ip).filter(isIpLiteral);
    const declaredButFailing = members.filter((m) => m.facts.declaredSpf === "pass" && m.source.spfPass < m.source.messages);
    if (notDeclared.length > 0 && members.some((m) => m.source.spfPass > 0)) {
      const { ip4, ip6, text } = addresses(notDeclared);
      changes.push({ add: { ...(ip4.length ? { spfIp4: ip4 } : {}), ...(ip6.length ? { spfIp6: ip6 } : {}) } });
      parts.push(`the live SPF authorizes ${text} but the declared SPF does not: once the plan is applied ${notDeclared.length === 1 ? "it fails" : "they fail"} SPF`);
    } else if (notDeclared.length > 0 && failing) {
      const { ip4, ip6, text } = addresses(notDeclared);
      changes.push({ add: { ...(ip4.length ? { spfIp4: ip4 } : {}), ...(ip6.length ? { spfIp6: ip6 } : {}) } });
      parts.push(`neither SPF authorizes ${text}`);
    }
    if (declaredButFailing.length > 0) {
      parts.push(`the declared SPF authorizes ${declaredButFailing.length === 1 ? declaredButFailing[0].source.ip : `${declaredButFailing.length} of its IPs`} but receivers saw SPF fail: live DNS does not serve the declared record yet; apply the plan (pulumi up) and confirm with \`maildomain check ${domain} --expect PLAN.json\``);
    }
  } else if (failing && s.spf.every((r) => !(r.aligned && r.result === "pass"))) {
    const { ip4, ip6, text } = addresses(s.ips.filter(isIpLiteral));
    changes.push({ add: { ...(ip4.length ? { spfIp4: ip4 } : {}), ...(ip6.length ? { spfIp6: ip6 } : {}) } });
    parts.push(`SPF does not authorize ${text}`);
  }
  // Per server, not per group: one server of a group that does not sign is still a server to fix.
  const unsignedMembers = members.filter((m) => m.source.dmarcPass < m.source.messages && m.source.dkimPass * 2 < m.source.messages);
  if (unsignedMembers.length > 0) {
    const declared = new Set((declaration?.dkim ?? []).map((d) => d.selector.toLowerCase()));
    const who = unsignedMembers.length === 1 ? unsignedMembers[0].source.ip : `${unsignedMembers.length} of its IPs`;
    const brokenSelectors = [...new Set(unsignedMembers.flatMap((m) => m.source.dkim.filter((d) => d.domain === domain && d.result !== "pass" && d.selector).map((d) => d.selector!)))];
    if (brokenSelectors.some((x) => declared.has(x.toLowerCase()))) {
      parts.push(`the DKIM signatures of ${who} at selector ${brokenSelectors.join(", ")} fail: the server signs with another key than the one published; install the private key from the stack's dkimPrivateKeys output (or publish the server's key as dkim publicKey)`);
    } else {
      let selector = `s${year}`;
      for (let n = 2; declared.has(selector); n++) selector = `s${year}-${n}`;
      changes.push({ add: { dkim: [{ selector }] } });
      parts.push(`${brokenSelectors.length ? `the DKIM signatures of ${who} (selector ${brokenSelectors.join(", ")}) fail` : `${who} does not sign with DKIM`}; declare a selector (the component generates the key) and install the private key from the stack's dkimPrivateKeys output, with the signingConfigs output for Exim, Postfix/OpenDKIM or rspamd`);
    }
  }
  const change = mergeChanges(...changes);
  if (parts.length === 0) return undefined;
  return { text: `${lead(s)}: ${parts.join("; ")}${change ? `; add ${renderChange(change)}` : ""}.`, change };
}

function forwarderFix(s: Sender): Fix | undefined {
  if (s.dmarcFail === 0) return undefined;
  return {
    text: `${lead(s)}: ${formatCount(s.dmarcFail)} forwarded messages arrived without your DKIM signature passing (a mailing list or forwarder that changes the message): nothing in your DNS fixes that; the forwarder can rewrite From: or add an ARC seal (RFC 8617), which Gmail and Microsoft honour.`,
  };
}

/** IPs as SPF arguments: at most 20 single addresses, else their /24 (IPv4) or /64 (IPv6) networks. */
function addresses(ips: string[]): { ip4: string[]; ip6: string[]; text: string } {
  const v4 = ips.filter((ip) => !ip.includes(":")).sort();
  const v6 = ips.filter((ip) => ip.includes(":")).sort();
  if (v4.length + v6.length <= 20) return { ip4: v4, ip6: v6, text: ips.length === 1 ? ips[0] : `${ips.length} of its IPs` };
  const ip4 = [...new Set(v4.map(network))];
  const ip6 = [...new Set(v6.map(network))];
  return { ip4, ip6, text: `its ${ips.length} IPs (as ${ip4.length + ip6.length} networks: check that no one else sends from them)` };
}
