/**
 * One SPF term: reading it from text (§4.6.1, §5, §6 ABNF) and checking a term object's syntax.
 *
 *   directive        = [ qualifier ] mechanism
 *   modifier         = redirect / explanation / unknown-modifier
 *   unknown-modifier = name "=" macro-string
 *   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 *   ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT)        ; §5.6: no leading zeros, 0–32
 *   ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT)        ; 0–128
 *   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 *
 * A modifier is told from a mechanism by the "=" right after its name, before any ":" or "/"
 * (§4.6.1). Written by hand: the grammar is small and every branch needs its own diagnostic.
 */
import { closestName } from "../similar";
import { Diagnostic, invalid } from "../diagnostics";
import { isIPv4, isIPv6 } from "../ip";
import { checkCharacters, checkDomainSpec, parseMacroString } from "./macro";
import { KNOWN_MODIFIERS, MECHANISM_NAMES, SpfMechanism, SpfMechanismName, SpfModifier, SpfTerm, isMechanismName, isQualifier, rfcFor, show } from "./model";

export const MODIFIER_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const MODIFIER_TERM = /^([A-Za-z][A-Za-z0-9_.-]*)=([\s\S]*)$/;
const CIDR_DIGITS = /^(?:0|[1-9]\d*)$/;

export interface TermResult {
  /** The term, when it is syntactically valid; left out otherwise. */
  term?: SpfTerm;
  diagnostics: Diagnostic[];
}

/** Canonical text of one term (§4.6.1): lower-case names, `+` omitted except on `all`. */
export function renderTerm(term: SpfTerm): string {
  if (term.kind === "modifier") return `${term.name}=${term.value}`;
  const q = term.qualifier === "+" && term.name !== "all" ? "" : term.qualifier;
  let s = `${q}${term.name}`;
  if (term.domainSpec !== undefined) s += `:${term.domainSpec}`;
  if (term.ip !== undefined) s += `:${term.ip}`;
  if (term.name === "ip6") {
    if (term.cidr6 !== undefined) s += `/${term.cidr6}`;
    return s;
  }
  if (term.cidr4 !== undefined) s += `/${term.cidr4}`;
  if (term.cidr6 !== undefined) s += `//${term.cidr6}`;
  return s;
}

/** Read one space-delimited term. Invalid terms are left out, with their diagnostics. */
export function parseTerm(raw: string): TermResult {
  const field = show(raw);
  const chars = checkCharacters(raw, field);
  if (chars.length > 0) return { diagnostics: chars };

  const mod = MODIFIER_TERM.exec(raw);
  if (mod) return keepIfValid({ kind: "modifier", name: mod[1].toLowerCase(), value: mod[2] }, field);

  if (/^[+\-~?][A-Za-z][A-Za-z0-9_.-]*=/.test(raw)) {
    return fail(invalid("spf.term-syntax", field, `"${field}" puts a qualifier before a modifier: modifiers take no qualifier; remove the "${raw[0]}".`, "RFC 7208 §4.6.1"));
  }
  const sep = /[=:/]/.exec(raw);
  if (sep && sep[0] === "=") {
    return fail(invalid("spf.modifier-name-syntax", field, `"${field}" looks like a modifier, but a modifier name must start with a letter and contain only letters, digits, "-", "_" and ".": fix the name before "=".`, "RFC 7208 §4.6.1"));
  }

  const hasQualifier = isQualifier(raw[0] ?? "");
  const qualifier = hasQualifier ? (raw[0] as SpfMechanism["qualifier"]) : "+";
  const body = hasQualifier ? raw.slice(1) : raw;
  const nameRaw = /^[^:/]*/.exec(body)?.[0] ?? "";
  const name = nameRaw.toLowerCase();
  const args = body.slice(nameRaw.length);
  if (!isMechanismName(name)) return fail(unknownMechanism(raw, nameRaw, field));
  const rfc = rfcFor(name);
  const mech: SpfMechanism = { kind: "mechanism", qualifier, name };

  switch (name) {
    case "all":
      if (args !== "") return fail(unexpected(field, `"all" takes no argument or CIDR length: write just "${qualifier === "+" ? "" : qualifier}all".`, rfc));
      break;
    case "include":
    case "exists":
      if (args === "" || args === ":") return fail(missingDomain(field, name, `${name} needs a domain: write "${name}:_spf.example.com".`));
      if (args[0] === "/") return fail(unexpected(field, `${name} takes no CIDR length: write "${name}:domain" and remove "${show(args, 20)}".`, rfc));
      mech.domainSpec = args.slice(1);
      break;
    case "ptr":
      if (args[0] === "/") return fail(unexpected(field, `ptr takes no CIDR length: remove "${show(args, 20)}" (and better, replace ptr by ip4/ip6 or a).`, rfc));
      if (args === ":") return fail(missingDomain(field, name, `"ptr:" has an empty domain: write "ptr" alone or "ptr:example.com".`));
      if (args !== "") mech.domainSpec = args.slice(1);
      break;
    case "a":
    case "mx": {
      let cidrText = args;
      if (args[0] === ":") {
        // The CIDR lengths are the trailing "/digits" groups; a "/" inside the domain-spec stays there
        // ("a:foo:bar/baz.example.com" is a valid domain-spec, §7.1 macro-literal).
        const rest = args.slice(1);
        const tail = /(?:\/\d*)+$/.exec(rest);
        const domain = tail ? rest.slice(0, tail.index) : rest;
        if (domain === "") return fail(missingDomain(field, name, `"${show(raw, 40)}" has an empty domain after ":": write "${name}" alone for the current domain or "${name}:example.com".`));
        mech.domainSpec = domain;
        cidrText = tail ? tail[0] : "";
      }
      if (cidrText !== "") {
        const dual = parseDualCidr(cidrText, field, name);
        if (dual.diagnostics.length > 0) return fail(...dual.diagnostics);
        if (dual.cidr4 !== undefined) mech.cidr4 = dual.cidr4;
        if (dual.cidr6 !== undefined) mech.cidr6 = dual.cidr6;
      }
      break;
    }
    case "ip4":
    case "ip6": {
      if (args[0] !== ":" || args === ":") return fail(invalid("spf.ip-missing", field, `${name} needs an address: write "${name}:${name === "ip4" ? "192.0.2.0/24" : "2001:db8::/32"}".`, rfc));
      const net = parseIpNetwork(args.slice(1), name, field);
      if (net.diagnostics.length > 0) return fail(...net.diagnostics);
      mech.ip = net.ip;
      if (net.cidr !== undefined) mech[name === "ip4" ? "cidr4" : "cidr6"] = net.cidr;
      break;
    }
  }
  return keepIfValid(mech, field);
}

function keepIfValid(term: SpfTerm, field: string): TermResult {
  const diagnostics = checkTerm(term, field);
  return diagnostics.some((d) => d.breaksStandard) ? { diagnostics } : { term, diagnostics: [] };
}

const fail = (...diagnostics: Diagnostic[]): TermResult => ({ diagnostics });
const unexpected = (field: string, message: string, rfc: string) => invalid("spf.unexpected-argument", field, message, rfc);
const missingDomain = (field: string, name: string, message: string) => invalid("spf.missing-domain", field, message, rfcFor(name));

/**
 * Parse `addr[/len]` for ip4/ip6 (§5.6): the address through ip.ts, the length without leading zeros
 * and in range. Shared by the record parser and the policy argument validator.
 */
export function parseIpNetwork(text: string, kind: "ip4" | "ip6", field: string): { ip?: string; cidr?: number; diagnostics: Diagnostic[] } {
  const rfc = rfcFor(kind);
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const cidrText = slash < 0 ? undefined : text.slice(slash + 1);
  if (addr === "") return { diagnostics: [invalid("spf.ip-missing", field, `${kind} needs an address before the CIDR length: write "${kind}:${kind === "ip4" ? "192.0.2.0/24" : "2001:db8::/32"}".`, rfc)] };
  const ipDiag = checkIp(addr, kind, field);
  if (ipDiag) return { diagnostics: [ipDiag] };
  if (cidrText === undefined) return { ip: addr, diagnostics: [] };
  const max = kind === "ip4" ? 32 : 128;
  if (cidrText.startsWith("/")) {
    return { diagnostics: [invalid("spf.cidr-syntax", field, `${kind} takes a single "/length" ("//" is only for the IPv6 length of a and mx): write "${kind}:${addr}/${cidrText.replace(/^\/+/, "") || max}".`, rfc)] };
  }
  const n = cidrNumber(cidrText, field, kind, max, rfc);
  return typeof n === "number" ? { ip: addr, cidr: n, diagnostics: [] } : { diagnostics: [n] };
}

function checkIp(addr: string, kind: "ip4" | "ip6", field: string): Diagnostic | undefined {
  const rfc = rfcFor(kind);
  if (kind === "ip4") {
    if (isIPv4(addr)) return undefined;
    if (isIPv6(addr)) return invalid("spf.ip-family-mismatch", field, `"${show(addr)}" is an IPv6 address: write it as "ip6:${show(addr)}".`, rfc);
    if (/^\d+(\.\d+){3}:\d+$/.test(addr)) return invalid("spf.ip4-address", field, `"${show(addr)}" has a port number: SPF matches addresses only; remove ":${addr.split(":")[1]}".`, rfc);
    if (/^\d+(\.\d+){0,2}\.?$/.test(addr)) return invalid("spf.ip4-address", field, `"${show(addr)}" is not a full IPv4 address: write all four numbers and a CIDR length for a network, such as "ip4:192.0.2.0/24".`, rfc);
    return invalid("spf.ip4-address", field, `"${show(addr)}" is not an IPv4 address: write four numbers from 0 to 255 without leading zeros, such as "192.0.2.1".`, rfc);
  }
  if (isIPv6(addr)) return undefined;
  if (isIPv4(addr)) return invalid("spf.ip-family-mismatch", field, `"${show(addr)}" is an IPv4 address: write it as "ip4:${show(addr)}".`, rfc);
  return invalid("spf.ip6-address", field, `"${show(addr)}" is not an IPv6 address: write it in RFC 4291 form, such as "2001:db8::1", without brackets or a zone.`, rfc);
}

function cidrNumber(text: string, field: string, kind: string, max: number, rfc: string): number | Diagnostic {
  if (text === "") return invalid("spf.cidr-syntax", field, `${kind} has a "/" with no length after it: write the prefix length (0–${max}) or remove the "/".`, rfc);
  if (!CIDR_DIGITS.test(text)) {
    const why = /^\d+$/.test(text) ? "has a leading zero" : "is not a number";
    return invalid("spf.cidr-syntax", field, `${kind} CIDR length "/${show(text, 20)}" ${why}: write a plain number from 0 to ${max}.`, rfc);
  }
  const n = Number(text);
  if (n > max) return invalid("spf.cidr-range", field, `${kind} CIDR length /${show(text, 20)} is out of range: an ${max === 32 ? "IPv4" : "IPv6"} prefix length is 0–${max}.`, rfc);
  return n;
}

function parseDualCidr(text: string, field: string, name: string): { cidr4?: number; cidr6?: number; diagnostics: Diagnostic[] } {
  const rfc = rfcFor(name);
  const m = /^(?:\/(\d*))?(?:\/\/(\d*))?$/.exec(text);
  if (!m) {
    const hint = /^\/\d+\/\d+$/.test(text) ? ` (the IPv6 length follows two slashes: "${name}${text.replace(/\/(\d+)$/, "//$1")}")` : "";
    return { diagnostics: [invalid("spf.cidr-syntax", field, `${name} CIDR lengths "${show(text, 30)}" are malformed${hint}: write "/24" for IPv4, "//64" for IPv6, or "/24//64" for both.`, rfc)] };
  }
  const out: { cidr4?: number; cidr6?: number; diagnostics: Diagnostic[] } = { diagnostics: [] };
  if (m[1] !== undefined) {
    const n = cidrNumber(m[1], field, `${name} IPv4`, 32, rfc);
    if (typeof n === "number") out.cidr4 = n;
    else out.diagnostics.push(n);
  }
  if (m[2] !== undefined) {
    const n = cidrNumber(m[2], field, `${name} IPv6`, 128, rfc);
    if (typeof n === "number") out.cidr6 = n;
    else out.diagnostics.push(n);
  }
  return out;
}

function unknownMechanism(raw: string, nameRaw: string, field: string): Diagnostic {
  const rfc = "RFC 7208 §5; RFC 7208 §4.6.1";
  const name = nameRaw.toLowerCase();
  if (nameRaw === "") {
    return invalid("spf.term-syntax", field, `"${field}" has no mechanism name: write a mechanism such as "include:_spf.example.com" or "-all".`, rfc);
  }
  if (isQualifier(nameRaw[0])) {
    return invalid("spf.term-syntax", field, `"${field}" has two qualifiers: keep one of + - ~ ? before the mechanism.`, rfc);
  }
  if ((KNOWN_MODIFIERS as readonly string[]).includes(name)) {
    return invalid("spf.unknown-mechanism", field, `"${field}": ${name} is a modifier, written with "=": write "${name}=${show(raw.slice(raw.indexOf(nameRaw) + nameRaw.length + 1), 40)}".`, "RFC 7208 §6; RFC 7208 §4.6.1");
  }
  const prefix = MECHANISM_NAMES.find((m) => name.startsWith(m) && !/[a-z0-9]/.test(name[m.length]));
  if (prefix) {
    const how = prefix === "all" ? `"all" takes no argument: write just "all" with its qualifier` : `write "${prefix}:" before the ${prefix === "ip4" || prefix === "ip6" ? "address" : "domain"}`;
    return invalid("spf.unexpected-argument", field, `"${field}" is not a valid ${prefix} mechanism: ${how}.`, rfcFor(prefix));
  }
  const guess = suggest(name);
  const hint = guess ? ` Did you mean "${guess}"?` : " The mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists.";
  return invalid("spf.unknown-mechanism", field, `"${field}" is not an SPF mechanism, so receivers return a permanent error for the whole record.${hint}`, rfc);
}

/** The closest mechanism name within a small edit distance, for typos like `inlude` or `ipv4`. */
function suggest(name: string): SpfMechanismName | undefined {
  if (name.length > 12) return undefined;
  return closestName(name, MECHANISM_NAMES, { limit: (_n, m) => (m.length <= 3 ? 1 : 2) }) as SpfMechanismName | undefined;
}

/**
 * Syntax of a term object, for models built in code as much as for parsed ones: every field the term
 * carries must be one its mechanism takes, and valid. Errors, plus the warnings of its macros.
 */
export function checkTerm(term: SpfTerm, field: string): Diagnostic[] {
  if (!term || typeof term !== "object") return [invalid("spf.term-syntax", field, "an SPF term must be a mechanism or a modifier object.", "RFC 7208 §4.6.1")];
  if (term.kind === "modifier") return checkModifier(term, field);
  if (term.kind !== "mechanism") return [invalid("spf.term-syntax", field, `term kind "${show(String((term as { kind: unknown }).kind))}" is neither "mechanism" nor "modifier".`, "RFC 7208 §4.6.1")];
  const d: Diagnostic[] = [];
  const name = term.name;
  if (!isMechanismName(name)) return [invalid("spf.unknown-mechanism", field, `"${show(String(name))}" is not an SPF mechanism: use one of ${MECHANISM_NAMES.join(", ")}.`, "RFC 7208 §5")];
  const rfc = rfcFor(name);
  if (!isQualifier(term.qualifier)) d.push(invalid("spf.term-syntax", field, `qualifier "${show(String(term.qualifier))}" is not one of + - ~ ?.`, "RFC 7208 §4.6.2"));
  const takesDomain = name === "include" || name === "exists" || name === "a" || name === "mx" || name === "ptr";
  const takesIp = name === "ip4" || name === "ip6";
  const takesCidr4 = name === "a" || name === "mx" || name === "ip4";
  const takesCidr6 = name === "a" || name === "mx" || name === "ip6";
  if (term.domainSpec !== undefined && !takesDomain) d.push(unexpected(field, `${name} takes no domain: remove "${show(String(term.domainSpec), 40)}".`, rfc));
  if (term.ip !== undefined && !takesIp) d.push(unexpected(field, `${name} takes no IP address: remove "${show(String(term.ip), 40)}".`, rfc));
  if (term.cidr4 !== undefined && !takesCidr4) d.push(unexpected(field, `${name} takes no IPv4 CIDR length: remove /${term.cidr4}.`, rfc));
  if (term.cidr6 !== undefined && !takesCidr6) d.push(unexpected(field, `${name} takes no IPv6 CIDR length: remove it.`, rfc));
  if (term.cidr4 !== undefined && takesCidr4) d.push(...cidrValue(term.cidr4, 32, field, name));
  if (term.cidr6 !== undefined && takesCidr6) d.push(...cidrValue(term.cidr6, 128, field, name));
  if ((name === "include" || name === "exists") && term.domainSpec === undefined) d.push(missingDomain(field, name, `${name} needs a domain: write "${name}:_spf.example.com".`));
  if (takesDomain && term.domainSpec !== undefined) {
    if (typeof term.domainSpec !== "string" || term.domainSpec === "") d.push(missingDomain(field, name, `${name} has an empty domain: give a domain name${name === "include" || name === "exists" ? "" : ` or leave the domain out`}.`));
    else d.push(...checkDomainSpec(term.domainSpec, field, { term: name, rfc }));
  }
  if (takesIp) {
    if (typeof term.ip !== "string" || term.ip === "") d.push(invalid("spf.ip-missing", field, `${name} needs an address.`, rfc));
    else {
      const chars = checkCharacters(term.ip, field);
      if (chars.length > 0) d.push(...chars);
      else {
        const ip = checkIp(term.ip, name, field);
        if (ip) d.push(ip);
      }
    }
  }
  return d;
}

function cidrValue(n: unknown, max: number, field: string, name: string): Diagnostic[] {
  if (typeof n !== "number" || !Number.isInteger(n)) return [invalid("spf.cidr-syntax", field, `${name} CIDR length ${show(String(n), 20)} is not a whole number: give 0–${max}.`, rfcFor(name))];
  if (n < 0 || n > max) return [invalid("spf.cidr-range", field, `${name} CIDR length /${n} is out of range: give 0–${max}.`, rfcFor(name))];
  return [];
}

function checkModifier(term: SpfModifier, field: string): Diagnostic[] {
  if (typeof term.name !== "string" || !MODIFIER_NAME.test(term.name)) {
    return [invalid("spf.modifier-name-syntax", field, `modifier name "${show(String(term.name))}" must start with a letter and contain only letters, digits, "-", "_" and ".".`, "RFC 7208 §4.6.1")];
  }
  if (typeof term.value !== "string") return [invalid("spf.term-syntax", field, `modifier ${term.name} has no text value.`, "RFC 7208 §4.6.1")];
  const name = term.name.toLowerCase();
  if (name === "redirect" || name === "exp") {
    if (term.value === "") {
      const what = name === "redirect" ? `"redirect=" needs the domain whose SPF record applies instead: write "redirect=_spf.example.com"` : `"exp=" needs the domain of an explanation TXT record: write "exp=explain.example.com" or remove it`;
      return [missingDomain(field, name, `${what}.`)];
    }
    return checkDomainSpec(term.value, field, { term: name, rfc: rfcFor(name) });
  }
  return parseMacroString(term.value, field, "modifier").diagnostics;
}
