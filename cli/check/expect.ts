/**
 * `--expect PLAN.json`: the records a `maildomain plan --json` output declares, compared with what live DNS
 * serves. Every declared record that DNS lacks or serves differently is an error: the DKIM key that was never
 * copied to the DNS manager that serves the domain is the case this exists for.
 *
 * The plan format: `{ resources: [{ type, name, urn, inputs }], violations: [...] }`; record resources are
 * Cloudflare `DnsRecord`/`Record` or Route 53 `Record`, read with the providers' own `readProviderRecord`.
 */
import { RecordDifference, compareMxSets, compareTxtRecords, txtKind } from "../../components/records/compare";
import { isIpLiteral, canonicalIp } from "../../components/records/ip";
import type { MxRecord } from "../../components/records/mx";
import { readProviderRecord } from "../../components/providers/formats";
import { declaredDomains } from "../../reports/advisor/declaration";
import { UsageError } from "../io";
import { SECRET } from "../plan/redact";
import { DnsClient, Lookup, MxAnswer, normalize } from "./dns/resolver";
import { Finding, describeAbsence, dnsFailureFinding, finding, joinedTxt } from "./findings";

export interface ExpectedRecordSet {
  /** Absolute name, normal form. */
  name: string;
  type: string;
  values: string[];
  /** The resources that declare it. */
  urns: string[];
}

const CHECKED_TYPES = new Set(["TXT", "MX", "CNAME", "A", "AAAA"]);

/** Read a plan JSON document; throws a UsageError when it is not one. */
export function readPlan(text: string, file: string): ExpectedRecordSet[] {
  return recordSetsOf(readPlanResources(text, file));
}

/** The `resources` list of a `maildomain plan --json` output; anything else is a usage error naming the file. */
export function readPlanResources(text: string, file: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--expect ${file} is not JSON (${(e as Error).message}): give the output of \`maildomain plan --json\`.`);
  }
  const resources = (doc as { resources?: unknown })?.resources;
  if (!Array.isArray(resources)) throw new UsageError(`--expect ${file} has no "resources" list: give the output of \`maildomain plan --json\`.`);
  return resources;
}

/** The plan's DNS records as record sets, read with the providers' own `readProviderRecord`. */
export function recordSetsOf(resources: readonly unknown[]): ExpectedRecordSet[] {
  const sets = new Map<string, ExpectedRecordSet>();
  for (const r of resources) {
    if (r === null || typeof r !== "object") continue;
    const { type, inputs, urn, name: resourceName } = r as { type?: unknown; inputs?: unknown; urn?: unknown; name?: unknown };
    if (typeof type !== "string" || inputs === null || typeof inputs !== "object") continue;
    const rec = readProviderRecord(type, inputs as Record<string, unknown>);
    if (!rec || rec.name === "" || rec.name === "@") continue;
    const name = normalize(rec.name);
    const key = `${rec.type} ${name}`;
    const set = sets.get(key) ?? { name, type: rec.type, values: [], urns: [] };
    for (const v of rec.values) if (!set.values.includes(v)) set.values.push(v);
    set.urns.push(typeof urn === "string" && urn ? urn : String(resourceName ?? type));
    sets.set(key, set);
  }
  return [...sets.values()];
}

/** The mail domains a plan declares: owners of `_dmarc.` records, MX records and SPF records (the advisor's rule). */
export const planDomains: (sets: readonly ExpectedRecordSet[]) => string[] = declaredDomains;

/** Assign each record set to the longest checked domain it lies at or below; sets under no domain are dropped. */
export function recordsByDomain(sets: readonly ExpectedRecordSet[], domains: readonly string[]): Map<string, ExpectedRecordSet[]> {
  const byDomain = new Map<string, ExpectedRecordSet[]>(domains.map((d) => [d, []]));
  const longestFirst = [...domains].sort((a, b) => b.length - a.length);
  for (const s of sets) {
    const d = longestFirst.find((x) => s.name === x || s.name.endsWith(`.${x}`));
    if (d) byDomain.get(d)!.push(s);
  }
  return byDomain;
}

/** The DKIM selectors a plan declares for a domain (`<selector>._domainkey.<domain>`). */
export function planSelectors(sets: readonly ExpectedRecordSet[], domain: string): string[] {
  const suffix = `._domainkey.${domain}`;
  return sets.filter((s) => s.name.endsWith(suffix) && (s.type === "TXT" || s.type === "CNAME")).map((s) => s.name.slice(0, -suffix.length));
}

function likelyCause(set: ExpectedRecordSet, domain: string): string {
  if (set.name.includes("._domainkey.")) {
    const selector = set.name.split("._domainkey.")[0];
    return ` This is the DKIM key for selector "${selector}": mail signed with it fails DKIM (Gmail: 550-5.7.26 unless SPF passes). Likely cause: the key exists where it was generated (the hosting panel's or the old DNS host's zone, e.g. cPanel or VestaCP) but was never created at the DNS manager that serves ${domain}: run \`pulumi up\` for this plan, and check that the domain's NS records point to that DNS manager.`;
  }
  return ` Likely cause: the plan was not applied (\`pulumi up\`), or the domain's NS records point to another DNS host than the one the plan manages.`;
}

const norm = {
  MX: (v: string) => {
    const [p, h = ""] = v.trim().split(/\s+/);
    return `${Number(p)} ${h === "." || h === "" ? "." : normalize(h)}`;
  },
  CNAME: (v: string) => normalize(v),
  A: (v: string) => (isIpLiteral(v) ? canonicalIp(v) : v),
  AAAA: (v: string) => (isIpLiteral(v) ? canonicalIp(v) : v),
};

/** Compare the declared record sets of one domain with live DNS. */
export async function compareExpected(domain: string, sets: readonly ExpectedRecordSet[], dns: DnsClient): Promise<Finding[]> {
  const results = await Promise.all(
    sets.map(async (set): Promise<Finding[]> => {
      if (!CHECKED_TYPES.has(set.type)) {
        return [finding("expect.unchecked", "info", `the plan declares ${set.type} ${set.name}; the check does not compare ${set.type} records.`, set.name)];
      }
      // A value the plan printed as [secret] (a secret the program put into a record) cannot be compared.
      const secret = set.values.filter((v) => isSecretValue(set.type, v)).length;
      if (secret === 0) return compareSet(set, dns, domain);
      const note = finding("expect.secret", "info", `the plan declares ${set.type} ${set.name} with ${secret === 1 ? "a secret value" : `${secret} secret values`} (printed as ${SECRET} by plan --json, as pulumi preview shows it): not compared.`, set.name);
      if (secret === set.values.length) return [note];
      return [note, ...(await compareSet({ ...set, values: set.values.filter((v) => !isSecretValue(set.type, v)) }, dns, domain))];
    }),
  );
  const out = results.flat();
  const compared = sets.filter((s) => CHECKED_TYPES.has(s.type)).length;
  if (!out.some((f) => f.severity === "error")) {
    out.push(finding("expect.match", "info", `all ${compared} record set(s) the plan declares for ${domain} are served as planned${out.some((f) => f.code === "expect.equivalent") ? " (some written differently, with the same meaning)" : ""}.`, domain));
  }
  return out;
}

/** A value plan --json redacted: a TXT value is the marker itself, an MX or CNAME has it as its host (`20 [secret].`). */
function isSecretValue(type: string, value: string): boolean {
  if (type === "TXT") return value === SECRET;
  return value.split(/\s+/).some((token) => token.replace(/\.$/, "") === SECRET);
}

/** One declared record set against what live DNS serves at its name. */
async function compareSet(set: ExpectedRecordSet, dns: DnsClient, domain: string): Promise<Finding[]> {
  const l = await dns.lookup(set.name, set.type as "TXT");
  const what = `${set.type} ${set.name} declared by the plan`;
  if (l.status === "failed") return [dnsFailureFinding(l.failure, set.name, what, "It could not be compared.")];
  if (set.type === "TXT") return compareTxtSet(set, l.status === "ok" ? joinedTxt(l.records as string[][]) : [], l, domain);
  if (set.type === "MX") return compareMxSet(set, l.status === "ok" ? (l.records as unknown as MxAnswer[]) : [], l, domain);
  const n = norm[set.type as keyof typeof norm];
  const live = l.status === "ok" ? (l.records as unknown[]).map((r) => n(String(r))) : [];
  const declared = set.values.map(n);
  const missing = declared.filter((v) => !live.includes(v));
  const extra = live.filter((v) => !declared.includes(v));
  if (missing.length > 0 && live.length === 0) {
    return [finding("expect.missing", "error", `the plan declares ${set.type} ${set.name} ${declared.join(", ")} but live DNS has none (${describeAbsence(l, set.type)}).${likelyCause(set, domain)}`, set.name)];
  }
  if (missing.length > 0 || extra.length > 0) {
    return [finding("expect.different", "error", `the plan declares ${set.type} ${set.name} ${declared.join(", ")} but live DNS serves ${live.join(", ")}${missing.length ? ` (missing: ${missing.join(", ")})` : ""}${extra.length ? ` (not in the plan: ${extra.join(", ")})` : ""}.`, set.name)];
  }
  return [];
}

/**
 * Each declared TXT value against the live values of its kind, by meaning (the core's comparators): an SPF record
 * that says "a mx" where the plan says "+a +mx" is served as planned; one that drops an ip4: is not, and the
 * finding names the term. Both values are shown whole.
 */
function compareTxtSet(set: ExpectedRecordSet, live: string[], l: Lookup<unknown>, domain: string): Finding[] {
  const f: Finding[] = [];
  for (const v of set.values) {
    if (live.includes(v)) continue;
    const kind = txtKind(v);
    const same = kind === "other" ? [] : live.filter((x) => txtKind(x) === kind);
    if (same.length === 0) {
      const why = l.status === "ok" ? (live.length ? `the name has ${live.length} other TXT record(s)` : "no TXT data") : describeAbsence(l, "TXT");
      f.push(finding("expect.missing", "error", `the plan declares TXT ${set.name} "${v}" but live DNS does not serve it (${why}).${likelyCause(set, domain)}`, set.name));
      continue;
    }
    const compared = same.map((x) => ({ live: x, c: compareTxtRecords(v, x, set.name) }));
    const equivalent = compared.find((x) => x.c.equivalent);
    if (equivalent) {
      f.push(equivalentFinding(`TXT ${set.name}`, v, equivalent.live, equivalent.c.cosmetic, set.name));
      continue;
    }
    const { live: other, c } = compared[0];
    const more = same.length > 1 ? ` (${same.length - 1} more ${kind} record(s) there differ too)` : "";
    f.push(differentFinding(`TXT ${set.name}`, v, other, c.differences, set.name, more));
  }
  return f;
}

/** The declared MX set against the live one, by the order senders try the hosts in (RFC 5321 §5.1). */
function compareMxSet(set: ExpectedRecordSet, liveRecords: MxAnswer[], l: Lookup<unknown>, domain: string): Finding[] {
  const toRecord = (v: string): MxRecord => {
    const [p, h = "."] = norm.MX(v).split(" ");
    return { priority: Number(p), exchange: h };
  };
  const declared = set.values.map(toRecord);
  const live = liveRecords.map((r) => toRecord(`${r.priority} ${r.exchange || "."}`));
  const show = (rs: MxRecord[]) => rs.map((r) => `${r.priority} ${r.exchange}`).join(", ");
  if (live.length === 0) {
    return [finding("expect.missing", "error", `the plan declares MX ${set.name} ${show(declared)} but live DNS has none (${describeAbsence(l, "MX")}).${likelyCause(set, domain)}`, set.name)];
  }
  const c = compareMxSets(declared, live);
  if (c.equivalent) return show(declared) === show(live) ? [] : [equivalentFinding(`MX ${set.name}`, show(declared), show(live), c.cosmetic, set.name)];
  return [differentFinding(`MX ${set.name}`, show(declared), show(live), c.differences, set.name, "")];
}

function equivalentFinding(what: string, planned: string, served: string, cosmetic: readonly string[], name: string): Finding {
  return finding("expect.equivalent", "info", `${what} is written differently than planned but means the same to receivers${cosmetic.length ? ` (${cosmetic.join("; ")})` : ""}: planned "${planned}", served "${served}".`, name);
}

function differentFinding(what: string, planned: string, served: string, differences: readonly RecordDifference[], name: string, more: string): Finding {
  const list = differences.map((d) => d.message).join("; ");
  const f = finding(
    "expect.different",
    "error",
    `live DNS serves ${what} with another meaning than the plan: ${list}${more}. Planned: "${planned}". Served: "${served}". The record was changed outside the plan, or the plan was not applied.`,
    name,
  );
  f.comparison = { expected: planned, actual: served, differences: differences.map((d) => ({ ...d })) };
  return f;
}
