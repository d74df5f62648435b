/** The plan as people read it: one table per mail domain, then the program's notes and the policy results. */
import { PolicyRunResult } from "../../policies/harness";
import { Io } from "../io";
import { mailDomainOf, PlannedDnsRecord } from "./dns-records";
import { ProgramLog } from "./run-program";

export interface PlanReport {
  project: string;
  stack: string;
  records: PlannedDnsRecord[];
  logs: ProgramLog[];
  policies: PolicyRunResult;
  resourceCount: number;
  zoneFiles?: string[];
}

export function printPlan(report: PlanReport, io: Io): void {
  const out: string[] = [];
  out.push(`Plan of ${report.project} (stack ${report.stack}): ${report.resourceCount} resources, ${report.records.length} DNS record sets`);
  for (const [domain, recs] of groupByMailDomain(report.records)) {
    const manager = recs[0].manager === "route53" ? "Route 53" : "Cloudflare";
    out.push("", `${domain}  (${manager} zone ${recs[0].zone})`);
    const rows = mergeSets(recs).flatMap((r) => r.values.map((v, i) => [i === 0 ? r.name : "", i === 0 ? r.type : "", i === 0 ? String(r.ttl) : "", v]));
    out.push(...table(["NAME", "TYPE", "TTL", "VALUE"], rows, io));
    for (const r of recs.filter((x) => x.previewKey)) {
      out.push(`  ${r.name}: preview key, generated for this plan only; pulumi up generates the key the stack keeps (secret).`);
    }
  }
  const notes = report.logs.filter((l) => l.severity !== "error");
  if (notes.length) {
    out.push("", "Notes from the program:");
    for (const l of notes) out.push(`  ${l.severity === "warning" ? "warning" : "info   "}  ${l.message}`);
  }
  out.push("", policySummary(report.policies));
  for (const v of [...report.policies.violations].sort((a, b) => level(a.enforcementLevel) - level(b.enforcementLevel))) {
    out.push(`  ${v.enforcementLevel.padEnd(9)} ${v.policy}${v.urn ? `  ${resourceName(v.urn)}` : ""}`);
    for (const line of v.message.split("\n")) out.push(`            ${line}`);
  }
  for (const w of report.policies.warnings) out.push(`  policy config: ${w}`);
  if (report.zoneFiles?.length) out.push("", `Zone files written: ${report.zoneFiles.join(", ")}`);
  io.stdout(out.join("\n") + "\n");
}

function policySummary(p: PolicyRunResult): string {
  const mandatory = p.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = p.violations.length - mandatory;
  if (!p.violations.length) return "Policies: all passed.";
  return `Policies: ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}${mandatory ? " (pulumi preview would fail)" : ""}, ${advisory} advisory.`;
}

const level = (l: string) => (l === "mandatory" ? 0 : 1);

function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * One row group per (name, type) in canonical order: MX, the domain's own TXT (SPF), DKIM, DMARC,
 * MTA-STS, TLS-RPT, BIMI, then anything else. Cloudflare has one resource per value; they merge.
 */
function mergeSets(records: readonly PlannedDnsRecord[]): PlannedDnsRecord[] {
  const sets = new Map<string, PlannedDnsRecord>();
  for (const r of records) {
    const key = `${r.name}|${r.type}`;
    const prior = sets.get(key);
    sets.set(key, prior ? { ...prior, values: [...prior.values, ...r.values] } : { ...r, values: [...r.values] });
  }
  for (const s of sets.values()) if (s.type === "MX") s.values.sort((a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0]) || a.localeCompare(b));
  return [...sets.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
}

const RANKS: [RegExp, number][] = [
  [/\._domainkey\./, 2],
  [/^_dmarc\./, 3],
  [/^_mta-sts\./, 4],
  [/^_smtp\._tls\./, 5],
  [/\._bimi\./, 6],
];

function rank(r: PlannedDnsRecord): number {
  if (mailDomainOf(r.name) === r.name && r.name !== "") return r.type === "MX" ? 0 : r.type === "TXT" ? 1 : 7;
  return RANKS.find(([re]) => re.test(r.name))?.[1] ?? 7;
}

/** Records grouped by the mail domain they serve, domains in alphabetical order. */
export function groupByMailDomain(records: readonly PlannedDnsRecord[]): Map<string, PlannedDnsRecord[]> {
  // A MailDomain's records share a parent: the domain is the shortest name among them.
  const byParent = new Map<string, PlannedDnsRecord[]>();
  for (const r of records) if (r.parent) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  const domainOfParent = new Map([...byParent].map(([p, recs]) => [p, recs.map((r) => mailDomainOf(r.name)).sort((a, b) => a.length - b.length)[0]]));
  const groups = new Map<string, PlannedDnsRecord[]>();
  for (const r of records) {
    const domain = (r.parent && domainOfParent.get(r.parent)) || mailDomainOf(r.name);
    groups.set(domain, [...(groups.get(domain) ?? []), r]);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}

/** A plain-text table; on a terminal, long values are shortened to fit the width. */
function table(header: string[], rows: string[][], io: Io): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < header.length - 1 ? r[i].length : 0))));
  const lead = widths.slice(0, -1).reduce((a, w) => a + w + 2, 2);
  const room = io.stdoutIsTTY ? Math.max(30, (io.columns ?? 100) - lead) : Infinity;
  const fmt = (cells: string[]) => "  " + cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]) : shorten(c, room))).join("  ");
  return [fmt(header), ...rows.map(fmt)];
}

function shorten(value: string, room: number): string {
  if (value.length <= room) return value;
  const suffix = `… (${value.length} chars)`;
  const keep = Math.max(8, room - suffix.length);
  return value.slice(0, keep) + suffix;
}
