/**
 * `--domain`, `--since`, `--until`: which stored reports a summary covers. A report is in when its domain is one
 * of the given domains or a subdomain of one, and its date range overlaps [since, until).
 */

export interface ReportFilter {
  /** Lower-case domains without a trailing dot; empty means all. */
  domains: string[];
  /** Unix seconds, inclusive. */
  since?: number;
  /** Unix seconds, exclusive. */
  until?: number;
}

const DAY = 86_400;

/**
 * A date bound as the user writes it: `2024-05-01` (a whole UTC day: `--until 2024-05-31` includes that day),
 * an ISO 8601 date-time with a zone (`2024-05-01T12:00:00Z`), or a number of days before now (`30d`).
 * Returns an error message naming the option when it cannot be read.
 */
export function parseDateBound(text: string, option: "--since" | "--until", now: number): { seconds: number } | { error: string } {
  const t = text.trim();
  const days = /^(\d{1,5})d$/.exec(t);
  if (days) {
    const startOfToday = Math.floor(now / DAY) * DAY;
    return { seconds: option === "--since" ? startOfToday - Number(days[1]) * DAY : startOfToday - Number(days[1]) * DAY + DAY };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    if (Number.isFinite(ms) && new Date(ms).toISOString().startsWith(t)) return { seconds: ms / 1000 + (option === "--until" ? DAY : 0) };
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return { seconds: Math.floor(ms / 1000) };
  }
  return { error: `${option} ${JSON.stringify(text)} is not a date: write 2024-05-01 (a UTC day), 2024-05-01T12:00:00Z (a moment with its zone), or 30d (30 days ago).` };
}

/** A domain as `--domain` takes it; undefined when it cannot be a domain name. */
export function normalizeFilterDomain(text: string): string | undefined {
  const d = text.trim().toLowerCase().replace(/\.$/, "");
  return /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(d) ? d : undefined;
}

export function domainMatches(domain: string, filter: ReportFilter): boolean {
  return filter.domains.length === 0 || filter.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function periodMatches(begin: number, end: number, filter: ReportFilter): boolean {
  return (filter.since === undefined || end >= filter.since) && (filter.until === undefined || begin < filter.until);
}
