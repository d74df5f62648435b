/**
 * The planner: typed args → validated core models → record sets. Pure (no Pulumi, no I/O), so the
 * component, the offline plan command, the importer and the benchmarks share it. Every rule it
 * applies lives in `components/records/`; this module only composes them, merges the presets and
 * checks what spans several records (parked domains, one SPF record per name, CNAME exclusivity,
 * what a name and a DNS answer can hold).
 *
 * The shape of the arguments comes first (`checkArgs` against `MAIL_DOMAIN_ARGS`: unknown keys,
 * types, sizes, private keys); a part whose shape is wrong is left out of everything after, so each
 * mistake is told once, in the words of the rule it breaks, and nothing reads a value of the wrong
 * type.
 */
import { createHash } from "node:crypto";
import { MAIL_DOMAIN_ARGS } from "../args";
import { ObjectArg, checkArgs } from "../records/args-schema";
import { Diagnostic, invalid } from "../records/diagnostics";
import { Alignment, DkimAlgorithm, DmarcPolicy, SpfAll } from "../records/enums";
import { normalizeName, ownerNames } from "../records/names";
import { checkNoControlCharacters } from "../records/txt";
import { buildSpf, checkSpfRecordSet, isSpfRecord, parseSpf, renderSpf, validateSpfPolicy } from "../records/spf";
import { MAX_MESSAGE_OCTETS, MAX_NAME_OCTETS, answerOctets } from "../records/wire";
import { buildDkimRecord, renderDkim, validateDkimArgs } from "../records/dkim";
import { buildDmarc, externalReportDestinations, renderDmarc, validateDmarcArgs } from "../records/dmarc";
import { buildMx, validateMxArgs } from "../records/mx";
import { buildMtaSts, renderMtaStsTxt, validateMtaStsArgs } from "../records/mta-sts";
import { buildTlsRpt, renderTlsRpt, validateTlsRptArgs } from "../records/tls-rpt";
import { buildBimi, checkBimiDmarcRequirement, renderBimi, validateBimiArgs } from "../records/bimi";
import { presetContributions, PresetContribution } from "../presets";
import { DkimArgs, DmarcArgs, MailRecordsArgs, MxHostArgs, SpfArgs } from "./args";
import { MailPlan, PlannedRecordSet, PlannedValue } from "./model";

export const DEFAULT_TTL = 3600;

/** Everything the planner needs beyond the args, as plain values. */
export interface PlanOptions {
  /** Field path prefix for messages (e.g. `domains[2]` in stack config). */
  fieldPrefix?: string;
  /** The shape the arguments are checked against, when they hold more than `MailDomainArgs` (a stack config entry's `name`). */
  schema?: ObjectArg;
}

/** Plan a mail domain. Never throws on user input: problems come back as `errors`. */
export function planMailDomain(given: MailRecordsArgs, options: PlanOptions = {}): MailPlan {
  const b = new PlanBuilder(options.fieldPrefix);
  const shape = checkArgs(given, options.schema ?? MAIL_DOMAIN_ARGS, "");
  b.add(shape);
  const args = withoutBrokenParts(given, shape);
  if (!args) return b.result("");
  const domainName = normalizeName(args.domain ?? "", "domain", { hostname: true });
  b.add(domainName.diagnostics);
  const domain = domainName.name;
  // Every record's name derives from the domain: without a valid one there is nothing to check.
  if (domainName.diagnostics.some((d) => d.breaksStandard)) return b.result(domain);
  const ttl = args.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 2147483647) {
    b.add([invalid("name.ttl", "ttl", `ttl ${ttl} must be a whole number of seconds from 1 to 2147483647 (3600 is a good default).`, "RFC 2181 §8")]);
  }

  const parked = args.parked === true;
  if (parked) checkParkedConflicts(args, b);
  const presets = presetContributions(domain, args);
  presets.forEach((p) => {
    b.add(p.diagnostics);
    b.notes.push(...(p.notes ?? []));
  });

  // MX ---------------------------------------------------------------------------------------
  const mxArgs = mergeMx(args, presets, b);
  b.add(validateMxArgs({ mx: mxArgs.mx, nullMx: mxArgs.nullMx || parked }, "mx"));
  // Invalid MX arguments build nothing, and MTA-STS (which reads the MX hosts) is not judged on them.
  const mxBroken = b.hasErrorsUnder("mx") || b.hasErrorsUnder("nullMx");
  const mx = mxBroken ? [] : buildMx({ mx: mxArgs.mx, nullMx: mxArgs.nullMx || parked });
  if (mx.length) {
    const ids = distinctIds(mx.map((r) => r.exchange), mxValueId);
    b.set("mx", "mx", domain, "MX", ttl, `MX for ${domain}`, mx.map((r) => ({ id: ids.get(r.exchange) as string, content: r.exchange, priority: r.priority })), { values: "mx" });
  }

  // SPF and other TXT on the domain's own name -------------------------------------------------
  const spfArgs: SpfArgs | undefined = parked ? { all: SpfAll.Fail } : mergeSpf(args.spf, presets);
  const apexTxt: PlannedValue[] = [];
  let spfRecord: string | undefined;
  if (spfArgs) {
    b.add(validateSpfPolicy(spfArgs, "spf"));
    if (!b.hasErrorsUnder("spf")) {
      spfRecord = renderSpf(buildSpf(spfArgs));
      apexTxt.push({ id: "spf", content: spfRecord });
    }
  }
  const extraTxt = [...(args.extraTxt ?? []), ...presets.flatMap((p) => p.extraTxt ?? [])];
  extraTxt.forEach((value, i) => {
    const field = i < (args.extraTxt?.length ?? 0) ? `extraTxt[${i}]` : "extraTxt";
    b.add(checkExtraTxt(value, field));
    // Receivers select SPF by its first term whatever the case (RFC 7208 §4.5): an SPF record
    // given as a plain TXT value is checked by the same rules as the structured spf argument.
    if (isSpfRecord(value)) b.add(parseSpf(value).diagnostics.map((d) => ({ ...d, field })));
    apexTxt.push({ id: `txt-${shortHash(value)}`, content: value });
  });
  if (apexTxt.length) {
    b.add(checkSpfRecordSet(apexTxt.map((v) => v.content), "extraTxt"));
    b.set("txt", "txt", domain, "TXT", ttl, `SPF and TXT for ${domain}`, dedupeValues(apexTxt, b, "extraTxt"), { values: "extraTxt" });
  }

  // DKIM ---------------------------------------------------------------------------------------
  // The user's selectors and the presets' are validated under their own field paths.
  const dkimSources: { field: string; entries: unknown }[] = [
    { field: "dkim", entries: args.dkim },
    ...presets.filter((p) => p.dkim?.length).map((p) => ({ field: `${p.field}.dkim`, entries: p.dkim })),
  ];
  const dkim: { entry: DkimArgs; field: string }[] = [];
  for (const source of dkimSources) {
    b.add(validateDkimArgs(source.entries, source.field));
    if (Array.isArray(source.entries)) source.entries.forEach((entry: DkimArgs, i) => dkim.push({ entry, field: `${source.field}[${i}]` }));
  }
  checkSelectorsUnique(dkim, b);
  if (!dkimSources.some((s) => b.hasErrorsUnder(s.field))) {
    const ids = distinctIds(dkim.map((d) => d.entry.selector.toLowerCase()), (s) => `dkim-${s.replace(/\./g, "-")}`);
    for (const { entry, field } of dkim) planDkim(entry, ids.get(entry.selector.toLowerCase()) as string, field, domain, ttl, b);
  }
  if (parked) {
    b.set("dkim-wildcard", "dkim", `*._domainkey.${domain}`, "TXT", ttl, `revoked DKIM for parked ${domain}`, [
      { id: "dkim-wildcard", content: "v=DKIM1; p=" },
    ]);
  }

  // DMARC --------------------------------------------------------------------------------------
  const dmarcArgs: DmarcArgs | undefined = parked
    ? { policy: DmarcPolicy.Reject, subdomainPolicy: DmarcPolicy.Reject, ...parkedAlignment() }
    : args.dmarc;
  let dmarcRecord: string | undefined;
  let dmarcModel: ReturnType<typeof buildDmarc> | undefined;
  if (dmarcArgs) {
    b.add(validateDmarcArgs(dmarcArgs, "dmarc"));
    if (!b.hasErrorsUnder("dmarc")) {
      dmarcModel = buildDmarc(dmarcArgs);
      dmarcRecord = renderDmarc(dmarcModel);
      b.set("dmarc", "dmarc", ownerNames.dmarc(domain), "TXT", ttl, `DMARC for ${domain}`, [{ id: "dmarc", content: dmarcRecord }]);
      for (const ext of externalReportDestinations(domain, dmarcModel)) {
        b.notes.push(
          `${domain}: DMARC ${ext.tag} reports to ${ext.uri} are sent only if ${ext.destinationHost} publishes TXT "v=DMARC1" at ${ext.authorizationName} (RFC 7489 §7.1); most report services publish it for every customer, check yours.`,
        );
      }
    }
  }

  // MTA-STS, TLS-RPT, BIMI -----------------------------------------------------------------------
  let mtaStsPolicy: string | undefined;
  if (args.mtaSts && !mxBroken) {
    // "." among the hosts (a null MX) is how the validator learns the domain receives no mail.
    b.add(validateMtaStsArgs(args.mtaSts, mx.map((r) => r.exchange), "mtaSts"));
    if (!b.hasErrorsUnder("mtaSts")) {
      const sts = buildMtaSts(args.mtaSts, mx.map((r) => r.exchange));
      mtaStsPolicy = sts.policyText;
      b.set("mta-sts", "mta-sts", ownerNames.mtaSts(domain), "TXT", ttl, `MTA-STS for ${domain}`, [{ id: "mta-sts", content: renderMtaStsTxt(sts.txt) }]);
      b.notes.push(mtaStsExternalNote(domain));
    }
  }
  if (args.tlsRpt) {
    b.add(validateTlsRptArgs(args.tlsRpt, "tlsRpt"));
    if (!b.hasErrorsUnder("tlsRpt")) {
      b.set("tls-rpt", "tls-rpt", ownerNames.tlsRpt(domain), "TXT", ttl, `TLS-RPT for ${domain}`, [{ id: "tls-rpt", content: renderTlsRpt(buildTlsRpt(args.tlsRpt)) }]);
    }
  }
  if (args.bimi) {
    b.add(validateBimiArgs(args.bimi, "bimi"));
    b.add(checkBimiDmarcRequirement(dmarcModel ? { p: dmarcModel.p, sp: dmarcModel.sp, pct: dmarcModel.pct } : undefined, "bimi"));
    if (!b.hasErrorsUnder("bimi")) {
      const selector = (args.bimi.selector ?? "default").toLowerCase();
      b.set(`bimi-${selector}`, "bimi", ownerNames.bimi(domain, selector), "TXT", ttl, `BIMI for ${domain}`, [
        { id: `bimi-${selector}`, content: renderBimi(buildBimi(args.bimi)) },
      ], { name: args.bimi.selector !== undefined ? "bimi.selector" : "domain", values: "bimi" });
    }
  }

  // Records the presets put on other names -------------------------------------------------------
  for (const p of presets) {
    for (const r of p.records ?? []) {
      b.set(r.id, p.field, r.name, r.type, ttl, `${p.provider} for ${domain}`, r.values, { name: p.field, values: p.field });
    }
  }

  b.checkCnameExclusivity();
  return b.result(domain, { spfRecord, dmarcRecord, mtaStsPolicy });
}

/** The note for a policy the user serves (`mtaSts.hosting` external or absent); hosted policies replace it. */
export function mtaStsExternalNote(domain: string): string {
  return `${domain}: serve the MTA-STS policy at https://${ownerNames.mtaStsPolicyHost(domain)}/.well-known/mta-sts.txt (output mtaStsPolicy) with a valid certificate, or set mtaSts.hosting; senders ignore the TXT record without it (RFC 8461 §3.3).`;
}

/** Parts of the arguments that other parts read: MTA-STS checks the MX hosts, BIMI the DMARC policy. */
const RECEIVING = ["mx", "nullMx", "parked", "googleWorkspace", "microsoft365", "fastmail", "protonMail", "zohoMail", "mailgun"];
const DEPENDENTS: Record<string, string[]> = {
  ...Object.fromEntries(RECEIVING.map((k) => [k, ["mtaSts"]])),
  parked: ["mtaSts", "bimi"],
  dmarc: ["bimi"],
};

/**
 * The arguments without the top-level parts whose shape is wrong (and the parts that read them);
 * undefined when nothing can be planned (the arguments or the domain are not usable).
 */
function withoutBrokenParts(args: MailRecordsArgs, shape: readonly Diagnostic[]): MailRecordsArgs | undefined {
  if (shape.length === 0) return args;
  const broken = new Set(shape.map((d) => d.field.split(/[.[]/)[0]));
  if (broken.has("") || broken.has("domain")) return undefined;
  const usable: Record<string, unknown> = { ...args };
  for (const key of broken) {
    delete usable[key];
    for (const dependent of DEPENDENTS[key] ?? []) delete usable[dependent];
  }
  return usable as unknown as MailRecordsArgs;
}

/** The field of the component args each tag of a built DKIM record comes from. */
const DKIM_TAG_FIELD: Record<string, string> = { p: "publicKey", t: "testing", k: "algorithm" };

function planDkim(entry: DkimArgs, id: string, field: string, domain: string, ttl: number, b: PlanBuilder): void {
  const selector = entry.selector.toLowerCase();
  const name = ownerNames.dkim(selector, domain);
  const comment = `DKIM ${selector} for ${domain}`;
  if (entry.cnameTarget) {
    const target = normalizeName(entry.cnameTarget, "cnameTarget").name;
    b.set(id, "dkim", name, "CNAME", ttl, comment, [{ id, content: target }], { name: `${field}.selector`, values: `${field}.cnameTarget` });
    return;
  }
  if (entry.publicKey !== undefined || entry.revoked) {
    const built = buildDkimRecord({ publicKey: entry.revoked ? undefined : entry.publicKey, revoked: entry.revoked, testing: entry.testing });
    b.add(built.diagnostics.map((d) => ({ ...d, field: `${field}.${DKIM_TAG_FIELD[d.field] ?? "publicKey"}` })));
    b.set(id, "dkim", name, "TXT", ttl, comment, [{ id, content: renderDkim(built.model) }], { name: `${field}.selector`, values: `${field}.publicKey` });
    return;
  }
  const spec = { id, selector, algorithm: entry.algorithm ?? DkimAlgorithm.Rsa2048, testing: entry.testing === true };
  b.generatedKeys.push(spec);
  b.set(id, "dkim", name, "TXT", ttl, comment, [{ id, content: "", generatedKey: spec }], { name: `${field}.selector` });
}

/** One key per selector, across the user's entries and the presets'. */
function checkSelectorsUnique(dkim: { entry: DkimArgs; field: string }[], b: PlanBuilder): void {
  const seen = new Map<string, string>();
  for (const { entry, field } of dkim) {
    if (typeof entry?.selector !== "string") continue;
    const key = entry.selector.toLowerCase();
    const first = seen.get(key);
    if (first && first.split("[")[0] !== field.split("[")[0]) {
      b.add([invalid("dkim.duplicate-selector", `${field}.selector`, `selector "${entry.selector}" is declared in ${first} and in ${field}: one selector publishes one key. Rename one of them.`, "RFC 6376 §3.1")]);
    }
    if (!first) seen.set(key, field);
  }
}

/** M3AAWG parked domains: strict alignment so nothing can pass DMARC for them. */
function parkedAlignment(): Partial<DmarcArgs> {
  return { dkimAlignment: Alignment.Strict, spfAlignment: Alignment.Strict };
}

function checkParkedConflicts(args: MailRecordsArgs, b: PlanBuilder): void {
  const conflicting = (["mx", "spf", "dkim", "dmarc", "mtaSts", "tlsRpt", "bimi", "googleWorkspace", "microsoft365", "amazonSes", "fastmail", "protonMail", "zohoMail", "mailgun"] as const).filter(
    (k) => args[k] !== undefined,
  );
  for (const k of conflicting) {
    b.add([
      invalid("plan.parked-conflict", k, `a parked domain sends and receives no mail, so it cannot also declare ${k}: remove ${k} or remove parked.`, "M3AAWG Protecting Parked Domains"),
    ]);
  }
}

function mergeMx(args: MailRecordsArgs, presets: PresetContribution[], b: PlanBuilder): { mx?: MxHostArgs[]; nullMx?: boolean } {
  const receivers = presets.filter((p) => (p.mx ?? []).length > 0);
  if (receivers.length > 1) {
    b.add([
      invalid("mx.several-providers", receivers.map((p) => p.field).join(", "), `${receivers.map((p) => p.provider).join(" and ")} would all receive mail for the domain: keep the MX hosts of one provider (set receive: false or drop the preset for the others).`, "RFC 5321 §5.1"),
    ]);
  }
  if (receivers.length && args.mx?.length) {
    b.add([invalid("mx.preset-and-mx", "mx", `mx is given and ${receivers[0].field} also publishes MX hosts: keep one of them.`, "RFC 5321 §5.1")]);
  }
  if (receivers.length && args.nullMx) {
    b.add([invalid("mx.null-mx-mixed", "nullMx", `nullMx says the domain receives no mail, but ${receivers[0].field} publishes MX hosts: remove one of them.`, "RFC 7505 §3")]);
  }
  const mx = args.mx ?? (receivers.length ? receivers[0].mx : undefined);
  return { mx, nullMx: args.nullMx };
}

function mergeSpf(spf: SpfArgs | undefined, presets: PresetContribution[]): SpfArgs | undefined {
  const includes = presets.flatMap((p) => p.spfInclude ?? []);
  if (!spf && !includes.length) return undefined;
  const base: SpfArgs = spf ?? {};
  const merged = [...(base.include ?? [])];
  for (const inc of includes) if (!merged.includes(inc)) merged.push(inc);
  return { ...base, include: merged.length ? merged : undefined };
}

function checkExtraTxt(value: string, field: string): Diagnostic[] {
  if (typeof value !== "string") return [invalid("txt.not-text", field, `${field} must be a string.`, "RFC 1035 §3.3.14")];
  const d = checkNoControlCharacters(value, field);
  if (/["\\]/.test(value)) {
    d.push(invalid("txt.quote", field, `${field} contains a quote or backslash: give the value itself, without zone-file quoting; verification tokens never contain them.`, "RFC 1035 §5.1"));
  }
  if (value === "") d.push(invalid("txt.empty", field, `${field} is empty: remove it.`, "RFC 1035 §3.3.14"));
  return d;
}

function dedupeValues(values: PlannedValue[], b: PlanBuilder, field: string): PlannedValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    if (seen.has(v.content)) {
      b.add([invalid("txt.duplicate", field, `the TXT value "${v.content.slice(0, 40)}" is given twice: remove one.`, "RFC 2181 §5")]);
      return false;
    }
    seen.add(v.content);
    return true;
  });
}

function mxValueId(exchange: string): string {
  return exchange === "." ? "null-mx" : `mx-${exchange.replace(/\./g, "-")}`;
}

/**
 * Child ids for values whose id spells "." as "-" (MX hosts, DKIM selectors): `a.b` and `a-b`
 * would both be `…-a-b`, and two children with one name are one resource to the engine. In such a
 * group the value without a hyphen keeps the plain id (the one it spells exactly) and the others
 * get a hash of their value. An id that collides with nothing is unchanged, so existing child
 * names stay what they were.
 */
function distinctIds(values: readonly string[], idOf: (value: string) => string): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const v of new Set(values)) {
    const id = idOf(v);
    const group = groups.get(id);
    if (group) group.push(v);
    else groups.set(id, [v]);
  }
  const ids = new Map<string, string>();
  for (const [id, members] of groups) {
    for (const v of members) ids.set(v, members.length === 1 || !v.includes("-") ? id : `${id}-${shortHash(v)}`);
  }
  return ids;
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/** Collects sets and diagnostics; splits diagnostics into errors and warnings. */
class PlanBuilder {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly notes: string[] = [];
  readonly sets: PlannedRecordSet[] = [];
  readonly generatedKeys: MailPlan["generatedKeys"] = [];

  constructor(private readonly prefix?: string) {}

  /** code and field of every diagnostic kept: the same finding can reach the plan twice (an argument check and the built record's check). */
  private readonly seen = new Set<string>();
  private readonly setsByKey = new Map<string, PlannedRecordSet>();

  add(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) {
      const field = this.prefix ? (d.field ? `${this.prefix}.${d.field}` : this.prefix) : d.field;
      const list = d.breaksStandard ? this.errors : d.severity !== "info" ? this.warnings : undefined;
      const key = `${d.breaksStandard ? "e" : "w"}\u0000${d.code}\u0000${field}`;
      if (!list || this.seen.has(key)) continue;
      this.seen.add(key);
      list.push({ ...d, field });
    }
  }

  hasErrorsUnder(field: string): boolean {
    const p = this.prefix ? `${this.prefix}.${field}` : field;
    return this.errors.some((e) => e.field === p || e.field.startsWith(`${p}.`) || e.field.startsWith(`${p}[`));
  }

  /**
   * Add a record set. `fields` name the arguments its owner name and its values come from, for the
   * limits every set must keep: a name of at most 253 octets, an answer of at most 65,535.
   */
  set(id: string, purpose: string, name: string, type: PlannedRecordSet["type"], ttl: number, comment: string, values: PlannedValue[], fields: { name?: string; values?: string } = {}): void {
    const key = `${name}\u0000${type}`;
    const existing = this.setsByKey.get(key);
    if (existing) {
      this.add([invalid("plan.duplicate-record", id, `two ${type} record sets would be published at ${name} (${existing.purpose} and ${purpose}): Route 53 allows one set per name and type, and two ${purpose.toUpperCase()} records at a name invalidate each other. Remove one.`, "RFC 2181 §5")]);
      return;
    }
    const nameOctets = Buffer.byteLength(name, "utf8");
    if (nameOctets > MAX_NAME_OCTETS) {
      const field = fields.name ?? "domain";
      const over = nameOctets - MAX_NAME_OCTETS;
      this.add([invalid("plan.name-too-long", field, `the ${purpose} record would be published at ${name.slice(0, 48)}…, a name of ${nameOctets} octets; a DNS name holds at most ${MAX_NAME_OCTETS}: shorten ${field === "domain" ? "the domain" : field} by ${over} octet${over === 1 ? "" : "s"}.`, "RFC 1035 §2.3.4; RFC 2181 §11")]);
      return;
    }
    const octets = answerOctets(name, type, values);
    if (octets > MAX_MESSAGE_OCTETS) {
      const field = fields.values ?? purpose;
      this.add([invalid("plan.answer-too-large", field, `the ${type} record set at ${name} (${values.length} value${values.length === 1 ? "" : "s"}) needs a DNS answer of ${octets} octets; no answer can carry more than ${MAX_MESSAGE_OCTETS} (the TCP length field is 16 bits), so resolvers would get nothing: publish fewer or shorter values.`, "RFC 1035 §4.2.2")]);
      return;
    }
    const set = { id, purpose, name, type, ttl, comment, values };
    this.setsByKey.set(key, set);
    this.sets.push(set);
  }

  /** A CNAME owns its name alone (RFC 1034 §3.6.2, RFC 2181 §10.1). */
  checkCnameExclusivity(): void {
    // Sets by name, so that 100,000 delegated DKIM selectors (CNAMEs) stay linear.
    const byName = new Map<string, PlannedRecordSet[]>();
    for (const s of this.sets) {
      const atName = byName.get(s.name);
      if (atName) atName.push(s);
      else byName.set(s.name, [s]);
    }
    for (const c of this.sets.filter((s) => s.type === "CNAME")) {
      const other = (byName.get(c.name) ?? []).find((s) => s !== c);
      if (other) {
        this.add([invalid("plan.cname-conflict", c.id, `${c.name} is a CNAME (${c.purpose}) and also has ${other.type} records (${other.purpose}): a CNAME cannot coexist with other data. Remove one.`, "RFC 1034 §3.6.2")]);
      }
    }
  }

  result(domain: string, extra: Partial<MailPlan> = {}): MailPlan {
    return { domain, sets: this.sets, errors: this.errors, warnings: this.warnings, notes: this.notes, generatedKeys: this.generatedKeys, ...extra };
  }
}
