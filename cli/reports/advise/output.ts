/**
 * The advice as the human output of `maildomain reports` starts: the verdict per domain (with the exact change,
 * or the blockers with their fixes), its senders, and the MTA-STS verdicts; part 1's table follows.
 */
import type { AdvisedDocument, AdvisedDomain } from "../../../reports/advisor/document";
import { table } from "../output";
import { formatCount, formatPercent } from "../../../reports/format";

const SENDERS_SHOWN = 10;
const BLOCKERS_SHOWN = 5;
const KIND: Record<string, string> = { service: "service", own: "yours", forwarder: "forwarder", unknown: "unknown" };

const yesNo = (v: boolean | null) => (v === null ? "–" : v ? "yes" : "no");

function domainLines(d: AdvisedDomain): string[] {
  const v = d.verdict;
  const lines = [`  ${v.summary}`];
  if (!v.ready || v.next === null) {
    v.blockers.slice(0, BLOCKERS_SHOWN).forEach((b, i) => lines.push(`    ${i + 1}. ${b.fix}`));
    if (v.blockers.length > BLOCKERS_SHOWN) lines.push(`    … ${v.blockers.length - BLOCKERS_SHOWN} more senders that fail (--json or --html lists all)`);
    if (v.change && !v.thin && v.next !== null) lines.push(`    Then: ${v.change}`);
  }
  if (d.senders.length === 0) return lines;
  const rows = [["sender", "kind", "messages", "DMARC pass", "SPF declared", "DKIM declared"]];
  for (const s of d.senders.slice(0, SENDERS_SHOWN)) rows.push([s.name, KIND[s.kind], formatCount(s.messages), formatPercent(s.dmarcPass, s.messages), yesNo(s.authorized.spf), yesNo(s.authorized.dkim)]);
  lines.push(...table(rows, ["l", "l", "r", "r", "l", "l"]).map((l) => `    ${l}`));
  const rest = d.senders.slice(SENDERS_SHOWN);
  if (rest.length) lines.push(`    … ${formatCount(rest.length)} more senders with ${formatCount(rest.reduce((n, s) => n + s.messages, 0))} messages (--json lists all)`);
  return lines;
}

export function renderAdvice(doc: AdvisedDocument): string {
  const a = doc.advice;
  const tls = doc.tls.filter((t) => t.verdict);
  if (doc.domains.length === 0 && tls.length === 0) return "";
  const lines = [`Verdicts (at least ${a.threshold} % of your senders' messages passing DMARC over at least ${a.minDays} days; ${a.declaration ? `declared: ${a.declaration}` : "no declaration: give --expect PLAN.json or --cwd DIR --stack NAME to compare with your records"}):`];
  for (const d of doc.domains) lines.push(...domainLines(d));
  for (const t of tls) {
    const v = t.verdict!;
    lines.push(`  ${v.summary}`);
    if (!v.ready) v.blockers.slice(0, BLOCKERS_SHOWN).forEach((b, i) => lines.push(`    ${i + 1}. ${b.resultType}${b.receivingMx ? ` at ${b.receivingMx}` : ""} (${formatCount(b.count)} sessions, last ${b.lastSeen.slice(0, 10)}): ${b.fix}`));
  }
  return `${lines.join("\n")}\n\n`;
}
