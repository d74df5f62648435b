/**
 * What `maildomain import` reports: the core's diagnostics (`spf.…`, `dkim.…`, `dmarc.…`), the zone
 * reader's (`zone.…`) and the mapping's (`import.…`), each with the place in the zone file it
 * concerns. One currency for every layer, as in the core.
 */
import { Diagnostic, Severity } from "../../components/records/diagnostics";
import { printable } from "../../components/printable";

export interface ImportFinding extends Diagnostic {
  /** The zone file (as given on the command line, or the `$INCLUDE`d file). */
  file?: string;
  /** 1-based line where the record (or directive) starts. */
  line?: number;
  /** The owner name the finding concerns, absolute, without the trailing dot. */
  owner?: string;
}

/** Where a record came from. */
export interface Place {
  file?: string;
  line?: number;
  owner?: string;
}

export function finding(code: string, severity: Severity, message: string, place: Place = {}, rfc = "", field = ""): ImportFinding {
  return { code, severity, field, message, rfc, breaksStandard: severity === "error", ...place };
}

/** Attach a place to the core's diagnostics; `prefix` names the record (`_dmarc.example.com`). */
export function located(diagnostics: readonly Diagnostic[], place: Place): ImportFinding[] {
  return diagnostics.map((d) => ({ ...d, ...place }));
}

/**
 * One line per finding: `zone.db:12: warning dmarc.pct-percent-sign (_dmarc.example.com pct): … [RFC 7489 §6.4]`.
 * The `file:line:` prefix is the form editors and CI logs turn into links.
 */
export function formatFinding(f: ImportFinding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : "";
  const about = [f.owner, f.field].filter((s) => s !== undefined && s !== "").join(" ");
  const rfc = f.rfc ? ` [${f.rfc}]` : "";
  // Names and values come from the zone file: control characters are shown escaped (\027), never raw.
  return printable(`${where}${f.severity} ${f.code}${about ? ` (${about})` : ""}: ${f.message}${rfc}`);
}

/** Stable order: by file, then line, then severity (errors first), then code. */
export function sortFindings(findings: readonly ImportFinding[]): ImportFinding[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...findings].sort(
    (a, b) =>
      (a.file ?? "\uffff").localeCompare(b.file ?? "\uffff") ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
      rank[a.severity] - rank[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

/** Drop exact repeats (same place, code, field and message). */
export function dedupeFindings(findings: readonly ImportFinding[]): ImportFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = [f.file, f.line, f.owner, f.code, f.field, f.message].join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Findings of one kind kept up to a budget: a file of a million broken lines must not become a
 * million messages (and a thousand times the file's size in memory). The first `perCode`
 * findings of each code are kept; the rest are counted, and `list()` ends each such code with one
 * finding that says how many more lines have the problem and where the last one is. Nothing is
 * lost: every line is either shown or counted.
 */
export class FindingBudget {
  private readonly kept: ImportFinding[] = [];
  private readonly overflow = new Map<string, { first: ImportFinding; count: number; last: ImportFinding }>();
  private readonly perCodeCount = new Map<string, number>();

  constructor(private readonly perCode = 200) {}

  push(...findings: ImportFinding[]): void {
    for (const f of findings) {
      const n = this.perCodeCount.get(f.code) ?? 0;
      this.perCodeCount.set(f.code, n + 1);
      if (n < this.perCode) {
        this.kept.push(f);
        continue;
      }
      const o = this.overflow.get(f.code);
      if (o) {
        o.count++;
        o.last = f;
      } else this.overflow.set(f.code, { first: f, count: 1, last: f });
    }
  }

  list(): ImportFinding[] {
    const summaries = [...this.overflow.values()].map(({ first, count, last }) =>
      finding(
        first.code,
        first.severity,
        `${count.toLocaleString("en-US")} more line${count === 1 ? "" : "s"} with this problem ${count === 1 ? "is" : "are"} not listed one by one (the first ${this.perCode} are); the last is ${last.file ? `${last.file}:` : "line "}${last.line ?? "?"}.`,
        { file: first.file, line: first.line },
        first.rfc,
      ),
    );
    return [...this.kept, ...summaries];
  }
}
