/**
 * The structured SPF arguments of the MailDomain component: building the record from them,
 * validating them with field paths (`spf.include[2]`), and mapping an existing record back to them
 * for the zone importer.
 *
 * Every string argument lands inside a TXT value, so each must be exactly one domain or one network:
 * whitespace (which would add terms), a mechanism prefix, quotes or other stray characters are errors
 * that name the field, and the builder leaves out any item that fails, so it can never emit them.
 */
import { booleanArg, enumArg, flowStyle, listArg, objectArg, textArg, unknownKeys } from "../args-schema";
import { Diagnostic, invalid } from "../diagnostics";
import { SpfAll } from "../enums";
import { canonicalIp, isIPv6 } from "../ip";
import { normalizeName } from "../names";
import { checkDomainSpec, hasMacro } from "./macro";
import { SpfMechanism, SpfQualifier, SpfRecord, SpfTerm, show } from "./model";
import { parseSpf } from "./parse";
import { isSpfRecord } from "./recordset";
import { parseIpNetwork, renderTerm } from "./term";
import { dedupeDiagnostics, validateSpfTerms } from "./validate";

export interface SpfArgs {
  /** Authorize the domain's own A/AAAA addresses (`a`). */
  a?: boolean;
  /** Authorize the domain's MX hosts (`mx`). */
  mx?: boolean;
  /** IPv4 addresses or networks, e.g. `192.0.2.10` or `192.0.2.0/24`. */
  ip4?: string[];
  /** IPv6 addresses or networks, e.g. `2001:db8::/32`. */
  ip6?: string[];
  /** Domains whose SPF records authorize more senders, e.g. `_spf.google.com`. */
  include?: string[];
  /** Domain-specs for `exists` (normally with macros, e.g. `%{i}._spf.mta.salesforce.com`). */
  exists?: string[];
  /** Delegate the whole policy to another domain's record (no `all` is emitted unless given). */
  redirect?: string;
  /** How to treat every other sender; default `~all` unless `redirect` is given. */
  all?: SpfAll;
}

/** The shape of `SpfArgs`, for the shared argument rule (`../args-schema`). */
export const SPF_ARGS = objectArg<SpfArgs>(
  {
    a: booleanArg,
    mx: booleanArg,
    ip4: listArg(textArg()),
    ip6: listArg(textArg()),
    include: listArg(textArg()),
    exists: listArg(textArg()),
    redirect: textArg(),
    all: enumArg(SpfAll),
  },
  { example: '{ mx: true, all: "-all" }', rfc: "RFC 7208 §5", fromString: spfArgsForRecord },
);

/** `spf: "v=spf1 mx -all"`: the structured arguments that publish that very record. */
function spfArgsForRecord(text: string, key: string): string | undefined {
  if (!isSpfRecord(text)) return undefined;
  const { policy, leftOut } = spfToPolicy(parseSpf(text).model);
  const lost = leftOut.length ? ` (${leftOut.map((l) => `"${show(l.term, 40)}"`).join(", ")} cannot be expressed: ${leftOut[0].reason})` : "";
  return `The component writes the record from its parts: for that record write ${key}: ${flowStyle(policy)}${lost}.`;
}

type ListKey = "ip4" | "ip6" | "include" | "exists";
const LIST_KEYS: readonly ListKey[] = ["ip4", "ip6", "include", "exists"];
const ALL_VALUES: readonly string[] = Object.values(SpfAll);
const PREFIX = /^(?:[+\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists|redirect|exp)(?:[:=/]|$)/i;

/** The record in canonical order: a mx ip4… ip6… include… exists… then all or redirect=. */
export function buildSpf(policy: SpfArgs): SpfRecord {
  return buildWithPaths(policy, "spf").record;
}

interface Built {
  record: SpfRecord;
  /** Field path of each term of the record. */
  paths: string[];
  diagnostics: Diagnostic[];
}

function buildWithPaths(policy: SpfArgs, field: string): Built {
  const diagnostics: Diagnostic[] = [];
  const terms: SpfTerm[] = [];
  const paths: string[] = [];
  const add = (t: SpfTerm, path: string) => {
    terms.push(t);
    paths.push(path);
  };
  const p = (policy && typeof policy === "object" ? policy : {}) as Record<string, unknown>;
  if (!policy || typeof policy !== "object" || Array.isArray(policy)) {
    diagnostics.push(invalid("spf.arg-type", field, `${field} must be an object such as ${SPF_ARGS.example}.`, "RFC 7208 §4.6.1"));
  } else {
    diagnostics.push(...unknownKeys(p, SPF_ARGS, field));
  }
  for (const key of ["a", "mx"] as const) {
    const v = p[key];
    if (v === undefined || v === false) continue;
    if (v === true) add({ kind: "mechanism", qualifier: "+", name: key }, `${field}.${key}`);
    else diagnostics.push(invalid("spf.arg-type", `${field}.${key}`, `${field}.${key} must be true or false, not ${show(JSON.stringify(v) ?? String(v), 40)}.`, "RFC 7208 §5"));
  }
  for (const key of LIST_KEYS) {
    const v = p[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) {
      diagnostics.push(invalid("spf.arg-type", `${field}.${key}`, `${field}.${key} must be a list of strings (one ${key === "ip4" || key === "ip6" ? "address or network" : "domain"} per entry).`, "RFC 7208 §5"));
      continue;
    }
    v.forEach((item, i) => {
      const path = `${field}.${key}[${i}]`;
      if (key === "ip4" || key === "ip6") {
        const r = ipItem(item, key, path);
        diagnostics.push(...r.diagnostics);
        if (r.term) add(r.term, path);
      } else {
        const r = domainItem(item, key, path);
        diagnostics.push(...r.diagnostics);
        if (r.spec !== undefined) add({ kind: "mechanism", qualifier: "+", name: key, domainSpec: r.spec }, path);
      }
    });
  }
  const allValue = p.all;
  const redirect = p.redirect;
  if (allValue !== undefined && !(typeof allValue === "string" && ALL_VALUES.includes(allValue))) {
    diagnostics.push(invalid("spf.arg-all", `${field}.all`, `${field}.all is ${show(JSON.stringify(allValue) ?? String(allValue), 40)}; it must be one of ${ALL_VALUES.map((x) => `"${x}"`).join(", ")} ("-all" or "~all" recommended).`, "RFC 7208 §5.1"));
  } else if (allValue !== undefined || redirect === undefined) {
    const value = (allValue as string | undefined) ?? SpfAll.SoftFail;
    add({ kind: "mechanism", qualifier: value[0] as SpfQualifier, name: "all" }, `${field}.all`);
  }
  if (redirect !== undefined) {
    const r = domainItem(redirect, "redirect", `${field}.redirect`);
    diagnostics.push(...r.diagnostics);
    if (r.spec !== undefined) add({ kind: "modifier", name: "redirect", value: r.spec }, `${field}.redirect`);
  }
  return { record: { terms }, paths, diagnostics };
}

/** One ip4/ip6 entry: `addr` or `addr/len`, checked as the record parser checks it. */
function ipItem(item: unknown, kind: "ip4" | "ip6", path: string): { term?: SpfMechanism; diagnostics: Diagnostic[] } {
  const pre = itemText(item, kind, path);
  if (typeof pre !== "string") return { diagnostics: pre };
  const net = parseIpNetwork(pre, kind, path);
  if (net.diagnostics.length > 0 || net.ip === undefined) return { diagnostics: net.diagnostics };
  const term: SpfMechanism = { kind: "mechanism", qualifier: "+", name: kind, ip: canonicalIp(net.ip) };
  if (net.cidr !== undefined) term[kind === "ip4" ? "cidr4" : "cidr6"] = net.cidr;
  return { term, diagnostics: [] };
}

/**
 * One include/exists/redirect entry: a domain name (normalized: lower case, A-labels) or a
 * domain-spec with macros, whose literal parts may hold only letters, digits, "-", "_" and ".".
 */
function domainItem(item: unknown, kind: "include" | "exists" | "redirect", path: string): { spec?: string; diagnostics: Diagnostic[] } {
  const pre = itemText(item, kind, path);
  if (typeof pre !== "string") return { diagnostics: pre };
  let spec = pre;
  if (hasMacro(pre)) {
    const literal = pre.replace(/%\{[^}]*\}|%[%_-]/g, "");
    const bad = /[^A-Za-z0-9._-]/.exec(literal);
    if (bad) {
      return { diagnostics: [invalid("spf.arg-character", path, `${path} "${show(pre)}" contains "${show(bad[0])}": outside its macros a domain may contain only letters, digits, "-", "_" and ".".`, "RFC 7208 §7.1")] };
    }
  } else {
    const n = normalizeName(pre, path);
    if (n.diagnostics.length > 0) return { diagnostics: n.diagnostics };
    spec = n.name;
  }
  const rfc = kind === "redirect" ? "RFC 7208 §6.1" : kind === "include" ? "RFC 7208 §5.2" : "RFC 7208 §5.7";
  const d = checkDomainSpec(spec, path, { term: kind, rfc });
  return d.some((x) => x.breaksStandard) ? { diagnostics: d } : { spec, diagnostics: [] };
}

/** The checks every string entry needs before its own syntax: type, emptiness, injection, prefixes. */
function itemText(item: unknown, kind: string, path: string): string | Diagnostic[] {
  const example = kind === "ip4" ? "192.0.2.0/24" : kind === "ip6" ? "2001:db8::/32" : kind === "exists" ? "%{i}._spf.example.com" : "_spf.example.com";
  if (typeof item !== "string") return [invalid("spf.arg-type", path, `${path} must be a string such as "${example}".`, "RFC 7208 §5")];
  if (item === "") return [invalid(kind === "ip4" || kind === "ip6" ? "spf.ip-missing" : "spf.missing-domain", path, `${path} is empty: give one value such as "${example}" or remove the entry.`, "RFC 7208 §5")];
  const ws = /[\s\u0000-\u001f\u007f]/.exec(item);
  if (ws) {
    const extra = item.trim().split(/[\s\u0000-\u001f\u007f]+/).slice(1).join(" ");
    const what = extra ? `, which would add "${show(extra, 40)}" to the record as more SPF terms` : "";
    return [invalid("spf.arg-injection", path, `${path} "${show(item)}" contains whitespace or a control character${what}: give exactly one value per entry, such as "${example}".`, "RFC 7208 §4.6.1")];
  }
  // An IPv6 address may itself begin like "a:" ("a::1"): only flag prefixes on what is not one.
  const prefix = kind === "ip6" && isIPv6(item.split("/")[0]) ? null : PREFIX.exec(item);
  if (prefix) {
    const bare = item.slice(prefix[0].length);
    return [invalid("spf.arg-mechanism-prefix", path, `${path} "${show(item)}" includes the SPF syntax "${show(prefix[0], 20)}": give only the value${bare ? `, "${show(bare, 60)}"` : ""}; the component writes the ${kind} term itself.`, "RFC 7208 §5")];
  }
  return item;
}

/**
 * Check the structured arguments: each entry with its field path, then the record they build
 * (lookup limit, `+all`, duplicates…) with its diagnostics mapped back to the argument fields.
 */
export function validateSpfPolicy(policy: SpfArgs, field = "spf"): Diagnostic[] {
  const built = buildWithPaths(policy, field);
  const recordLevel = validateSpfTerms(built.record).map(({ diagnostic, termIndex }) => ({
    ...diagnostic,
    field: termIndex === undefined ? field : built.paths[termIndex],
  }));
  return dedupeDiagnostics([...built.diagnostics, ...recordLevel]);
}

export interface SpfLeftOut {
  /** The term as it appears in the record. */
  term: string;
  /** Why the structured arguments cannot express it. */
  reason: string;
}

/**
 * Map a record to the structured arguments, for the zone importer: everything they can express, and
 * every term they cannot, with the reason. A record with neither `all` nor `redirect` maps to
 * `all: "?all"`, which gives the same neutral result as the missing `all` (§4.7) where the
 * component's default would be `~all`.
 */
export function spfToPolicy(record: SpfRecord): { policy: SpfArgs; leftOut: SpfLeftOut[] } {
  const policy: SpfArgs = {};
  const leftOut: SpfLeftOut[] = [];
  const terms = Array.isArray(record?.terms) ? record.terms : [];
  const allIdx = terms.findIndex((t) => t.kind === "mechanism" && t.name === "all");
  const seen = new Set<string>();
  const skip = (t: SpfTerm, reason: string) => leftOut.push({ term: renderTerm(t), reason });
  terms.forEach((t, i) => {
    if (t.kind === "modifier") {
      const name = t.name.toLowerCase();
      if (name === "redirect") {
        if (allIdx >= 0) skip(t, `receivers ignore redirect= when the record has an "all" mechanism (RFC 7208 §6.1), so it is left out`);
        else if (policy.redirect !== undefined) skip(t, "a second redirect= is a permanent error (RFC 7208 §6); only the first is kept");
        else policy.redirect = t.value;
      } else if (name === "exp") skip(t, "the structured arguments have no explanation (exp=) setting; add it to the record by hand if you need it");
      else skip(t, "unknown modifier: receivers ignore it (RFC 7208 §6)");
      return;
    }
    if (allIdx >= 0 && i > allIdx) return skip(t, `comes after "${renderTerm(terms[allIdx])}" and is never evaluated (RFC 7208 §5.1)`);
    if (t.name === "all") {
      policy.all = `${t.qualifier}all` as SpfAll;
      return;
    }
    if (t.qualifier !== "+") return skip(t, `the qualifier "${t.qualifier}" cannot be expressed: the structured arguments list only authorized senders ("+")`);
    const key = renderTerm(t).toLowerCase();
    if (seen.has(key)) return skip(t, "duplicate of an earlier term");
    seen.add(key);
    switch (t.name) {
      case "a":
      case "mx":
        if (t.domainSpec !== undefined || t.cidr4 !== undefined || t.cidr6 !== undefined) {
          return skip(t, `${t.name} with a domain or a CIDR length cannot be expressed: the structured "${t.name}: true" means the domain's own ${t.name === "a" ? "addresses" : "MX hosts"}`);
        }
        policy[t.name] = true;
        return;
      case "ip4":
      case "ip6": {
        const len = t.name === "ip4" ? t.cidr4 : t.cidr6;
        (policy[t.name] ??= []).push(`${t.ip}${len !== undefined ? `/${len}` : ""}`);
        return;
      }
      case "include":
      case "exists":
        (policy[t.name] ??= []).push(t.domainSpec ?? "");
        return;
      case "ptr":
        return skip(t, "ptr is not supported: the RFC says it SHOULD NOT be used (RFC 7208 §5.5); list the senders' addresses with ip4/ip6 instead");
    }
  });
  if (policy.all === undefined && policy.redirect === undefined) policy.all = SpfAll.Neutral;
  return { policy, leftOut };
}
