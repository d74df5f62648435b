import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { isIPv4, isIPv6 } from "../../components/records/ip";
import { SpfMechanism, SpfModifier, SpfRecord, SpfTerm, buildSpf, countDnsLookups, parseSpf, renderSpf, validateSpfPolicy } from "../../components/records/spf";
import { NamedProperty, recordishString } from "./property";

const FRAGMENTS = [
  "v=spf1", "V=SPF1", " ", "  ", "-all", "~all", "?all", "+all", "all", "include:", "a", "mx", "ptr", "ip4:", "ip6:", "exists:", "redirect=", "exp=",
  "_spf.google.com", "example.com", ".", "..", "192.0.2.1", "/24", "//64", "/033", "2001:db8::", "::1.1.1.1", "%{i}", "%{l1r+-}", "%{D2}", "%{c}", "%%", "%_", "%-", "%(",
  "%{", "}", "=", ":", "/", "moo=cow", "v=spf2.0/pra", "xn--zckzah", "-", "+", "~", "?",
];

const SEVERITIES = new Set(["error", "warning", "info"]);
const wellFormed = (d: { code: string; severity: string; field: string; message: string; rfc: string; breaksStandard: boolean }) =>
  /^(spf|txt|name)\.[a-z0-9-]+$/.test(d.code) &&
  SEVERITIES.has(d.severity) &&
  typeof d.field === "string" &&
  d.message.length > 0 &&
  /^RFC \d+/.test(d.rfc) &&
  (!d.breaksStandard || d.severity === "error");

const neverThrows = (text: string): boolean => {
  const r = parseSpf(text);
  return Array.isArray(r.model.terms) && r.diagnostics.every(wellFormed);
};

// ---- an arbitrary valid model -------------------------------------------------------------------
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9_-]{0,8}[a-z0-9])?$/);
const toplabel = fc.stringMatching(/^[a-z]{2,6}$/);
const macro = fc.constantFrom("%{d}", "%{i}", "%{ir}", "%{l1r+-}", "%{D2}", "%{o}", "%{h}", "%{s}", "%{v}", "%%", "%_", "%-");
const literalDomain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), toplabel, fc.boolean()).map(([ls, top, dot]) => `${ls.join(".")}.${top}${dot ? "." : ""}`);
const macroDomain = fc.oneof(
  fc.tuple(macro, literalDomain).map(([m, d]) => `${m}.${d}`),
  fc.tuple(label, macro).map(([l, m]) => `${l}.${m}`),
  fc.tuple(macro, label, macro).map(([m1, l, m2]) => `${m1}.${l}.${m2}`),
);
const domainSpec = fc.oneof({ weight: 4, arbitrary: literalDomain }, { weight: 1, arbitrary: macroDomain });
const qualifier = fc.constantFrom<SpfMechanism["qualifier"]>("+", "-", "~", "?");
const cidr4 = fc.integer({ min: 1, max: 32 });
const cidr6 = fc.integer({ min: 1, max: 128 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Build the term object without undefined-valued keys, as the parser does. */
function mech(q: SpfMechanism["qualifier"], name: SpfMechanism["name"], extra: Partial<SpfMechanism>): SpfMechanism {
  const m: SpfMechanism = { kind: "mechanism", qualifier: q, name };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = v;
  return m;
}

const mechanism: fc.Arbitrary<SpfMechanism> = fc.oneof(
  fc.tuple(qualifier, fc.constantFrom<"a" | "mx">("a", "mx"), opt(domainSpec), opt(cidr4), opt(cidr6)).map(([q, n, d, c4, c6]) => mech(q, n, { domainSpec: d, cidr4: c4, cidr6: c6 })),
  fc.tuple(qualifier, fc.constantFrom<"include" | "exists">("include", "exists"), domainSpec).map(([q, n, d]) => mech(q, n, { domainSpec: d })),
  fc.tuple(qualifier, opt(domainSpec)).map(([q, d]) => mech(q, "ptr", { domainSpec: d })),
  fc.tuple(qualifier, fc.ipV4().filter(isIPv4), opt(cidr4)).map(([q, ip, c]) => mech(q, "ip4", { ip, cidr4: c })),
  fc.tuple(qualifier, fc.ipV6().filter(isIPv6), opt(cidr6)).map(([q, ip, c]) => mech(q, "ip6", { ip, cidr6: c })),
);
const RESERVED = new Set(["redirect", "exp", "v", "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);
const modifierValue = fc
  .array(fc.oneof(fc.stringMatching(/^[!-$&-~]{1,6}$/), macro), { maxLength: 4 })
  .map((parts) => parts.join(""));
const unknownModifier: fc.Arbitrary<SpfModifier> = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/).filter((n) => !RESERVED.has(n)), modifierValue)
  .map(([name, value]) => ({ kind: "modifier", name, value }));

export const validSpfRecord: fc.Arbitrary<SpfRecord> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 5, arbitrary: mechanism }, { weight: 1, arbitrary: unknownModifier }), { maxLength: 10 }),
    opt(fc.constantFrom<SpfMechanism["qualifier"]>("-", "~", "?")),
    opt(domainSpec),
    opt(domainSpec),
    fc.integer({ min: 0, max: 12 }),
  )
  .map(([body, all, redirect, exp, at]) => {
    const terms: SpfTerm[] = [...body];
    if (all !== undefined) terms.splice(Math.min(at, terms.length), 0, mech(all, "all", {}));
    if (redirect !== undefined) terms.push({ kind: "modifier", name: "redirect", value: redirect });
    if (exp !== undefined) terms.splice(Math.min(at, terms.length), 0, { kind: "modifier", name: "exp", value: exp });
    return { terms };
  })
  .filter((r) => countDnsLookups(r) <= 10);

const roundTrips = (model: SpfRecord): boolean => {
  const text = renderSpf(model);
  const back = parseSpf(text);
  const errors = back.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${text}: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  if (!isDeepStrictEqual(back.model, model)) throw new Error(`${text}: parsed to ${JSON.stringify(back.model)}`);
  return true;
};

// ---- policy arguments: whatever string an argument holds, it adds at most its own term ------------
const argString = fc.oneof(recordishString(FRAGMENTS), fc.string({ maxLength: 30 }), literalDomain);
const argsStayInTheirTerm = (include: string, ip4: string, redirect: string): boolean => {
  const policy = { include: [include], ip4: [ip4], redirect };
  const diagnostics = validateSpfPolicy(policy);
  const text = renderSpf(buildSpf(policy));
  const parsed = parseSpf(text);
  if (!diagnostics.every(wellFormed)) throw new Error("malformed diagnostic");
  // The builder emits only entries that passed their checks: the record has no syntax error and no
  // more than one term per argument (include, ip4, redirect).
  if (parsed.diagnostics.some((d) => d.breaksStandard && d.code !== "spf.too-many-lookups")) throw new Error(`${text}: ${JSON.stringify(parsed.diagnostics)}`);
  if (parsed.model.terms.length > 3) throw new Error(`${JSON.stringify(policy)} built ${text}`);
  return true;
};

/** What the parser accepts, it renders so that it reads back the same, with no new syntax error. */
const reparseStable = (s: string): boolean => {
  const first = parseSpf(`v=spf1 ${s}`).model;
  const again = parseSpf(renderSpf(first));
  if (!isDeepStrictEqual(again.model, first)) throw new Error(`${renderSpf(first)} reparsed to ${JSON.stringify(again.model)}`);
  const syntax = again.diagnostics.filter((d) => d.breaksStandard && !["spf.too-many-lookups", "spf.duplicate-modifier"].includes(d.code));
  if (syntax.length > 0) throw new Error(`${renderSpf(first)}: ${JSON.stringify(syntax)}`);
  return true;
};

export const properties: NamedProperty[] = [
  { name: "spf: parseSpf never throws on record-like strings; diagnostics are well-formed", property: fc.property(recordishString(FRAGMENTS), neverThrows) },
  { name: "spf: parseSpf never throws on arbitrary strings", property: fc.property(fc.string({ unit: "binary", maxLength: 80 }), neverThrows) },
  { name: "spf: parseSpf never throws on v=spf1 followed by anything", property: fc.property(fc.oneof(recordishString(FRAGMENTS), fc.string()), (s) => neverThrows(`v=spf1 ${s}`)) },
  { name: "spf: what parseSpf accepts renders and reads back the same", property: fc.property(fc.oneof(recordishString(FRAGMENTS), fc.string()), reparseStable) },
  { name: "spf: parse(render(model)) returns the model with no error", property: fc.property(validSpfRecord, roundTrips) },
  { name: "spf: a policy argument never adds a term or breaks the record", property: fc.property(argString, argString, argString, argsStayInTheirTerm) },
];
