/** Rendering check results: readable text grouped per domain, or one JSON document. */
import type { Io } from "../io";
import type { DomainResult } from "./domain";
import { Finding, SEVERITY_ORDER, countBySeverity } from "./findings";
import type { MessageReport } from "./message";

export interface RunSummary {
  server: string;
  queries: number;
  answered: number;
  failed: number;
  cacheHits: number;
  ms: number;
}

export interface CheckDocument {
  results: DomainResult[];
  message?: Omit<MessageReport, "result">;
  dns: RunSummary;
}

/**
 * The JSON document. Indented for a few results; for many (a fleet of domains) one result per line, which is as
 * easy to grep and diff and takes half the time to write. Consumers must not depend on the whitespace.
 */
export function renderJson(doc: CheckDocument): string {
  if (doc.results.length <= 20) return JSON.stringify(doc, null, 2) + "\n";
  const { results, ...rest } = doc;
  const tail = JSON.stringify(rest).slice(1);
  return `{"results":[\n${results.map((r) => JSON.stringify(r)).join(",\n")}\n],${tail}\n`;
}

const LABEL: Record<Finding["severity"], string> = { error: "error  ", warning: "warning", info: "info   " };
const OUTCOME: Record<string, string> = { deliver: "DELIVER", "at-risk": "AT RISK", spam: "SPAM", reject: "REJECT", defer: "DEFER", parked: "PARKED" };

/** Wrap `text` to `width` columns with `indent` on continuation lines (only on a terminal). */
function wrap(text: string, width: number | undefined, indent: string, firstWidth: number): string {
  if (!width || width < 40) return text;
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  let limit = width - firstWidth;
  for (const w of words) {
    if (line && line.length + 1 + w.length > limit) {
      lines.push(line);
      line = w;
      limit = width - indent.length;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

export function renderHuman(doc: CheckDocument, io: Pick<Io, "stdoutIsTTY" | "columns">): string {
  const width = io.stdoutIsTTY ? io.columns : undefined;
  const out: string[] = [];
  if (doc.message) {
    out.push(`Message: From ${doc.message.from ?? "(none)"}, envelope from ${doc.message.envelopeFrom || "(none)"}`);
    out.push(doc.message.authenticationResults || "Authentication-Results: (none)");
    out.push("");
  }
  for (const r of doc.results) {
    const c = countBySeverity(r.findings);
    const head = [`${c.error} error${c.error === 1 ? "" : "s"}`, `${c.warning} warning${c.warning === 1 ? "" : "s"}`].join(", ");
    out.push(`${r.domain}: ${r.ok ? "OK" : "FAIL"} (${head})`);
    const sorted = [...r.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    for (const f of sorted) {
      const prefix = `  ${LABEL[f.severity]} ${f.code}: `;
      out.push(prefix + wrap(f.message, width, " ".repeat(12), prefix.length));
    }
    if (r.verdict) {
      const v = r.verdict;
      const prefix = `  Verdict (${v.receiver}): ${OUTCOME[v.outcome] ?? v.outcome}${v.smtp ? ` ${v.smtp}` : ""} — `;
      out.push(prefix + wrap(v.summary, width, "    ", prefix.length));
      if (v.bulkSender.checks.length > 0) out.push(`  Bulk-sender checklist (Gmail/Yahoo 2024): ${v.bulkSender.ok ? "met" : "NOT met"}`);
      for (const item of v.bulkSender.checks) {
        const prefix = `    [${item.ok ? "x" : " "}] ${item.check.padEnd(11)} `;
        out.push(prefix + wrap(item.detail, width, " ".repeat(prefix.length), prefix.length));
      }
      if (v.parked) out.push(`  Parked-domain checklist (M3AAWG): ${v.parked.ok ? "met" : "NOT met"}`);
      for (const item of v.parked?.checks ?? []) {
        const prefix = `    [${item.ok ? "x" : " "}] ${item.check.padEnd(13)} `;
        out.push(prefix + wrap(`${item.required ? "" : "(recommended) "}${item.detail}`, width, " ".repeat(prefix.length), prefix.length));
      }
    }
    if (r.mtaSts) out.push(`  ${wrap(r.mtaSts.summary, width, "    ", 2)}`);
    if (r.reports?.verdict) out.push(`  ${wrap(`Reports: ${r.reports.verdict.summary}`, width, "    ", 2)}`);
    if (r.reports?.mtaSts) out.push(`  ${wrap(`Reports: ${r.reports.mtaSts.summary}`, width, "    ", 2)}`);
    out.push("");
  }
  const d = doc.dns;
  const ok = doc.results.filter((r) => r.ok).length;
  out.push(wrap(
    `Checked ${doc.results.length} domain${doc.results.length === 1 ? "" : "s"}: ${ok} without errors, ${doc.results.length - ok} with errors. ${d.queries} DNS question${d.queries === 1 ? "" : "s"} to ${d.server} (${d.failed} failed, ${d.cacheHits} answered from the cache), ${(d.ms / 1000).toFixed(2)} s.`,
    width, "  ", 0,
  ));
  return out.join("\n") + "\n";
}

/** A one-line progress indicator on stderr, only when it is a terminal. */
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly io: Io, private readonly total: number, private readonly now: () => number = Date.now) {}

  update(done: number, queries: number): void {
    if (!this.io.stderrIsTTY || this.total < 2) return;
    const t = this.now();
    if (done < this.total && t - this.last < 100) return;
    this.last = t;
    this.shown = true;
    this.io.stderr(`\r\x1b[Kchecking ${done}/${this.total} domains, ${queries} DNS questions…`);
  }

  done(): void {
    if (this.shown) this.io.stderr("\r\x1b[K");
  }
}
