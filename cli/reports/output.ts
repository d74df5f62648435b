/**
 * The human output of `maildomain reports`: what the run read, what the store holds, then per domain its DMARC
 * results and its largest sources, the TLS results, the failure reports, and the findings. `--json` prints the
 * same document whole (command.ts).
 */
import type { ReportFilter } from "../../reports/filter";
import type { ReportFinding } from "../../reports/findings";
import { isoSeconds, type DomainSummary, type ReportsDocument, type SourceSummary } from "../../reports/summary";
import { formatCount, formatPercent } from "../../reports/format";

const SOURCES_SHOWN = 10;
const FINDINGS_SHOWN = 50;

const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function runLine(doc: ReportsDocument): string {
  const r = doc.reports;
  const parts = [plural(r.aggregate, "aggregate report"), plural(r.failure, "failure report"), plural(r.tlsrpt, "TLS report")];
  return `Read ${parts.join(", ")}; ${formatCount(r.duplicates)} ${r.duplicates === 1 ? "was" : "were"} already stored, ${formatCount(r.rejected)} could not be read.`;
}

function filterText(filter: ReportFilter): string {
  const parts: string[] = [];
  if (filter.domains.length) parts.push(filter.domains.join(", "));
  if (filter.since !== undefined) parts.push(`from ${isoSeconds(filter.since)}`);
  if (filter.until !== undefined) parts.push(`before ${isoSeconds(filter.until)}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function dkimText(s: SourceSummary): string {
  if (s.dkim.length === 0) return "unsigned";
  return s.dkim
    .slice(0, 2)
    .map((d) => `${d.domain}${d.selector ? `/${d.selector}` : ""} ${d.result}`)
    .join(", ") + (s.dkim.length > 2 ? ", …" : "");
}

function dispositionText(s: SourceSummary): string {
  return Object.entries(s.disposition)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${formatCount(v)}`)
    .join(", ");
}

/** Rows as aligned columns (the last column is not padded). */
export function table(rows: string[][], align: ("l" | "r")[]): string[] {
  const widths = align.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : align[i] === "r" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd());
}

function domainBlock(d: DomainSummary): string[] {
  const lines = [`${d.domain}: ${plural(d.reports, "aggregate report")}, ${day(d.from)} to ${day(d.to)}, ${plural(d.messages, "message")}, ${formatCount(d.dmarcPass)} pass DMARC (${formatPercent(d.dmarcPass, d.messages)}), ${formatCount(d.dmarcFail)} fail`];
  if (d.sources.length === 0) return lines;
  const rows = [["source IP", "messages", "DMARC pass", "SPF aligned", "DKIM", "disposition"]];
  for (const s of d.sources.slice(0, SOURCES_SHOWN)) rows.push([s.ip, formatCount(s.messages), formatPercent(s.dmarcPass, s.messages), formatPercent(s.spf.pass, s.messages), dkimText(s), dispositionText(s)]);
  lines.push(...table(rows, ["l", "r", "r", "r", "l", "l"]).map((l) => `  ${l}`));
  const rest = d.sources.slice(SOURCES_SHOWN);
  if (rest.length) lines.push(`  … ${plural(rest.length, "more source")} with ${plural(rest.reduce((n, s) => n + s.messages, 0), "message")} (--json lists all)`);
  return lines;
}

function findingLines(findings: ReportFinding[]): string[] {
  if (findings.length === 0) return [];
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const lines = ["", `Findings (${plural(errors, "error")}, ${plural(warnings, "warning")}, ${plural(findings.length - errors - warnings, "note")}):`];
  for (const f of sorted.slice(0, FINDINGS_SHOWN)) lines.push(`  ${f.severity.padEnd(7)} ${f.code} ${f.source}: ${f.message}${f.rfc ? ` [${f.rfc}]` : ""}`);
  if (sorted.length > FINDINGS_SHOWN) lines.push(`  … ${plural(sorted.length - FINDINGS_SHOWN, "more finding")} (--json lists all)`);
  return lines;
}

export function renderHuman(doc: ReportsDocument, ctx: { store: string; read: boolean; filter: ReportFilter; columns?: number }): string {
  const lines: string[] = [];
  if (ctx.read) lines.push(runLine(doc));
  const s = doc.stored;
  const total = s.aggregate + s.failure + s.tlsrpt;
  lines.push(
    total === 0
      ? `The store ${ctx.store} holds no reports${filterText(ctx.filter)}${ctx.read ? "" : " yet: give files, folders, mbox files, Maildirs or --imap to read some"}.`
      : `The store ${ctx.store} holds ${plural(s.aggregate, "aggregate report")}, ${plural(s.failure, "failure report")} and ${plural(s.tlsrpt, "TLS report")}${filterText(ctx.filter)}.`,
  );
  for (const d of doc.domains) lines.push("", ...domainBlock(d));
  if (doc.tls.length) {
    lines.push("", "SMTP TLS reports (RFC 8460):");
    for (const t of doc.tls) {
      lines.push(`  ${t.domain} (${t.policyType}): ${plural(t.reports, "report")}, ${day(t.from)} to ${day(t.to)}, ${formatCount(t.successful)} sessions succeeded, ${formatCount(t.failed)} failed (${formatPercent(t.failed, t.successful + t.failed)})`);
      for (const f of t.failures.slice(0, SOURCES_SHOWN)) lines.push(`    ${f.resultType.padEnd(26)} ${formatCount(f.count).padStart(9)}  ${f.receivingMx ?? ""}`.trimEnd());
      if (t.failures.length > SOURCES_SHOWN) lines.push(`    … ${plural(t.failures.length - SOURCES_SHOWN, "more failure type")} (--json lists all)`);
    }
  }
  if (doc.failures.length) {
    lines.push("", "DMARC failure reports (RFC 6591):");
    for (const f of doc.failures) {
      const ips = f.sources.slice(0, 5).map((x) => `${x.ip} (${formatCount(x.reports)})`).join(", ");
      lines.push(`  ${f.domain}: ${plural(f.reports, "report")}${f.from ? `, ${day(f.from)} to ${day(f.to ?? f.from)}` : ""}${ips ? `, from ${ips}${f.sources.length > 5 ? ", …" : ""}` : ""}`);
    }
  }
  lines.push(...findingLines(doc.findings));
  return lines.join("\n") + "\n";
}
