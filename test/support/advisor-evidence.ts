/** Small DomainEvidence values for the advisor's unit tests: sources as the store's queries would group them. */
import type { DomainEvidence, SourceEvidence } from "../../reports/advisor";

export const OPTS = { threshold: 98, minDays: 14 };
export const DAY = 86_400;
/** 2024-05-01T00:00:00Z */
export const BEGIN = 1714521600;

export function source(ip: string, messages: number, over: Partial<SourceEvidence> = {}): SourceEvidence {
  return { ip, messages, dkimPass: 0, spfPass: 0, dmarcPass: 0, forwarded: 0, subdomain: 0, dkim: [], spf: [], ...over };
}

/** A server of the domain's whose mail passes SPF and DKIM aligned. */
export const own = (ip: string, messages: number, domain = "example.com") =>
  source(ip, messages, { dkimPass: messages, spfPass: messages, dmarcPass: messages, dkim: [{ domain, selector: "s1", result: "pass", messages }], spf: [{ domain, scope: "mfrom", result: "pass", messages }] });

/** `days` days of reports holding `sources`, spread evenly. */
export function evidence(sources: SourceEvidence[], days = 20, domain = "example.com"): DomainEvidence {
  const total = sources.reduce((n, s) => n + s.messages, 0);
  const pass = sources.reduce((n, s) => n + s.dmarcPass, 0);
  return {
    domain,
    reports: days,
    reporters: 1,
    begin: BEGIN,
    end: BEGIN + days * DAY - 1,
    published: { p: "none" },
    sources,
    days: Array.from({ length: days }, (_, i) => ({ day: new Date((BEGIN + i * DAY) * 1000).toISOString().slice(0, 10), messages: Math.round(total / days), dmarcPass: Math.round(pass / days) })),
    subdomains: [],
  };
}
