/**
 * `--selector` values: `s1` checks selector s1 at every domain on the command line, `example.com=s1` only at
 * example.com (repeatable, both forms mixed). A domain named in the second form must be one of the domains checked:
 * a selector for a domain that is not checked would silently check nothing.
 */
import { normalizeName, validateSelector } from "../../components/records/names";

export interface SelectorOptions {
  /** Selectors for every domain (lower case, no repeats). */
  all: string[];
  /** Selectors for one domain (normal form of the domain → lower-case selectors). */
  byDomain: Map<string, string[]>;
  /** The `--selector` text of each per-domain entry, for messages. */
  given: Map<string, string>;
}

/** Read the values; each problem is pushed as one usage message. */
export function readSelectorOptions(values: readonly string[], problems: string[]): SelectorOptions {
  const out: SelectorOptions = { all: [], byDomain: new Map(), given: new Map() };
  for (const raw of values) {
    const eq = raw.indexOf("=");
    const selector = eq < 0 ? raw : raw.slice(eq + 1);
    const problem = validateSelector(selector, "--selector")[0];
    if (problem) {
      problems.push(eq < 0 ? problem.message : `--selector ${raw}: ${problem.message}`);
      continue;
    }
    if (eq < 0) {
      add(out.all, selector);
      continue;
    }
    const domainText = raw.slice(0, eq);
    const n = normalizeName(domainText, "--selector");
    const bad = n.diagnostics.find((d) => d.severity === "error");
    if (bad || !n.name.includes(".")) {
      problems.push(`--selector ${raw}: "${domainText}" is not a domain name${bad ? ` (${bad.message})` : ""}; write --selector example.com=${selector}, or --selector ${selector} for every domain`);
      continue;
    }
    const list = out.byDomain.get(n.name) ?? [];
    add(list, selector);
    out.byDomain.set(n.name, list);
    out.given.set(n.name, raw);
  }
  return out;
}

/** Every domain named in `DOMAIN=SELECTOR` must be checked. */
export function checkSelectorDomains(options: SelectorOptions, domains: readonly string[], problems: string[]): void {
  for (const [domain, raw] of options.given) {
    if (!domains.includes(domain)) {
      problems.push(`--selector ${raw}: ${domain} is not among the domains checked (${domains.length ? domains.join(", ") : "none"}); add it to the command line or fix the name`);
    }
  }
}

/** The selectors to check at one domain: those for every domain, then its own. */
export function selectorsFor(options: SelectorOptions, domain: string): string[] {
  const own = options.byDomain.get(domain) ?? [];
  return own.length ? [...options.all, ...own.filter((s) => !options.all.includes(s))] : options.all;
}

function add(list: string[], selector: string): void {
  const s = selector.toLowerCase();
  if (!list.includes(s)) list.push(s);
}
