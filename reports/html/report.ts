/**
 * `maildomain reports --html FILE`: the advice as one self-contained HTML file: the verdicts, a chart of daily
 * volume with pass/fail per domain, the senders, and the TLS-RPT failures. Pure (a string from the document).
 *
 * Self-contained on purpose: no script, no font, no image, no stylesheet to fetch; a Content-Security-Policy of
 * `default-src 'none'` (styles inline only) makes the browser refuse any request the page might make, so it opens
 * the same from disk, from an e-mail attachment or behind a proxy. Light and dark colours follow
 * `prefers-color-scheme`; tables scroll sideways on a narrow screen. Everything from the reports is escaped.
 */
import type { AdvisedDocument, AdvisedDomain, AdvisedTls } from "../advisor/document";
import type { MtaStsVerdict, Sender } from "../advisor/model";
import { dailyChart } from "./chart";
import { escapeHtml } from "./escape";
import { STYLE } from "./style";
import { formatCount, formatPercent } from "../format";

export interface HtmlContext {
  /** Where the reports are stored, for the header. */
  store: string;
  generated: Date;
}

/** Senders listed per domain; the rest are summed in one row (the JSON lists all). */
const SENDERS_SHOWN = 50;

const day = (iso: string) => iso.slice(0, 10);
/** Escaped text with `code` spans as <code>. */
const rich = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
const anchor = (domain: string) => `d-${domain.replace(/[^a-z0-9.-]/gi, "-")}`;

function badge(d: AdvisedDomain): { cls: string; text: string } {
  const v = d.verdict;
  if (v.next === null) return { cls: "ok", text: "at p=reject" };
  if (v.thin) return { cls: "thin", text: `not enough data for p=${v.next}` };
  return v.ready ? { cls: "ok", text: `ready for p=${v.next}` } : { cls: "blocked", text: `not ready for p=${v.next}` };
}

function verdictCard(d: AdvisedDomain): string {
  const v = d.verdict;
  const b = badge(d);
  const rate = v.passRate === null ? "no legitimate mail" : `${v.passRate} %`;
  const facts = [
    ["policy now", v.current ? `p=${v.current} (${v.currentFrom})` : "unknown"],
    ["your senders pass", `${rate} of ${formatCount(v.legitimateMessages)}`],
    ["unknown sources", `${formatCount(v.unknownMessages)} messages from ${formatCount(v.unknownSources)}`],
    ["window", `${v.days} days with reports, ${day(v.from)} to ${day(v.to)}`],
    ["reports", `${formatCount(v.reports)} from ${formatCount(v.reporters)} reporter${v.reporters === 1 ? "" : "s"}`],
  ];
  const blockers = v.blockers.length
    ? `<h4>${v.ready ? "Senders that still fail" : "Fix first"}</h4><ol class="blockers">${v.blockers.slice(0, 10).map((x) => `<li><strong>${escapeHtml(x.sender)}</strong> — ${formatCount(x.messages)} failing messages<br>${rich(x.fix)}</li>`).join("")}</ol>${v.blockers.length > 10 ? `<p class="muted">… ${v.blockers.length - 10} more (see the senders table)</p>` : ""}`
    : "";
  const change = v.change && !v.thin ? `<h4>${v.ready ? "The change to make" : "Then"}</h4><pre><code>${escapeHtml(v.change)}</code></pre>` : "";
  const subs = v.subdomains.length ? `<p class="muted">Subdomains that send: ${v.subdomains.slice(0, 8).map((s) => `${escapeHtml(s.domain)} (${formatCount(s.messages)}, ${s.passRate} % pass)`).join(", ")}</p>` : "";
  return `<article class="verdict card ${b.cls}" id="${anchor(d.domain)}" data-domain="${escapeHtml(d.domain)}" data-ready="${v.ready}">
<header><h3>${escapeHtml(d.domain)}</h3><span class="badge ${b.cls}">${escapeHtml(b.text)}</span></header>
<p class="summary">${rich(v.change ? v.summary.replace(` Change: ${v.change}.`, "") : v.summary)}</p>
<dl class="facts">${facts.map(([k, x]) => `<div><dt>${k}</dt><dd>${escapeHtml(x)}</dd></div>`).join("")}</dl>
${v.ready ? change + blockers : blockers + change}${subs}
${dailyChart(`chart-${anchor(d.domain)}`, `Daily messages for ${d.domain}`, d.days)}
</article>`;
}

const KIND: Record<Sender["kind"], string> = { service: "service", own: "your servers", forwarder: "forwarder", unknown: "unknown" };
const yesNo = (v: boolean | null) => (v === null ? "–" : v ? "yes" : "<strong>no</strong>");

function sendersTable(d: AdvisedDomain): string {
  const shown = d.senders.slice(0, SENDERS_SHOWN);
  const rest = d.senders.slice(SENDERS_SHOWN);
  const rows = shown.map(
    (s) => `<tr class="${s.kind}${s.dmarcFail && s.legitimate ? " failing" : ""}"><td><strong>${escapeHtml(s.name)}</strong>${s.reverseDns.length ? `<br><span class="muted">${escapeHtml(s.reverseDns.slice(0, 2).join(", "))}</span>` : ""}</td><td>${KIND[s.kind]}</td><td class="n">${formatCount(s.messages)}</td><td class="n">${formatPercent(s.dmarcPass, s.messages)}</td><td>${yesNo(s.authorized.spf)}</td><td>${yesNo(s.authorized.dkim)}</td><td>${rich(s.fix ?? s.summary)}</td></tr>`,
  );
  if (rest.length) rows.push(`<tr><td colspan="2">… ${formatCount(rest.length)} more senders</td><td class="n">${formatCount(rest.reduce((n, s) => n + s.messages, 0))}</td><td class="n">${formatPercent(rest.reduce((n, s) => n + s.dmarcPass, 0), rest.reduce((n, s) => n + s.messages, 0))}</td><td colspan="3" class="muted">the JSON document (--json) lists every one</td></tr>`);
  return `<section class="card senders"><h3>${escapeHtml(d.domain)}: ${formatCount(d.senders.length)} senders</h3><div class="scroll"><table><thead><tr><th>sender</th><th>kind</th><th class="n">messages</th><th class="n">DMARC pass</th><th>SPF declared</th><th>DKIM declared</th><th>what the reports show, what to do</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function tlsCard(t: AdvisedTls, all: readonly AdvisedTls[]): string {
  const v = t.verdict as MtaStsVerdict;
  const cls = v.ready || (v.next === null && v.blockers.length === 0 && v.currentFrom !== "unknown") ? "ok" : v.thin ? "thin" : "blocked";
  const text = v.next === null ? (v.current === "enforce" ? "enforcing" : "no policy") : v.thin ? "not enough data for enforce" : v.ready ? "ready for enforce" : "not ready for enforce";
  const entries = all.filter((x) => x.domain === t.domain);
  const failures = entries.flatMap((e) => e.failures.map((f) => ({ ...f, policyType: e.policyType })));
  const rows = failures.map((f) => {
    const blocker = v.blockers.find((b) => b.resultType === f.resultType && b.receivingMx === f.receivingMx);
    return `<tr><td>${escapeHtml(f.resultType)}</td><td>${escapeHtml(f.receivingMx ?? "–")}</td><td>${escapeHtml(f.policyType)}</td><td class="n">${formatCount(f.count)}</td><td>${blocker ? rich(blocker.fix) : '<span class="muted">not seen in the last days of the window</span>'}</td></tr>`;
  });
  const sessions = entries.map((e) => `${escapeHtml(e.policyType)}: ${formatCount(e.successful)} succeeded, ${formatCount(e.failed)} failed (${formatPercent(e.failed, e.successful + e.failed)})`).join("; ");
  return `<article class="tls card ${cls}" data-domain="${escapeHtml(t.domain)}"><header><h3>${escapeHtml(t.domain)}</h3><span class="badge ${cls}">${escapeHtml(text)}</span></header>
<p class="summary">${rich(v.summary)}</p><p class="muted">${sessions}; ${day(t.from)} to ${day(t.to)}</p>
${rows.length ? `<div class="scroll"><table><thead><tr><th>failure</th><th>receiving MX</th><th>policy</th><th class="n">sessions</th><th>fix</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` : '<p class="muted">No failed session reported.</p>'}</article>`;
}

export function renderHtmlReport(doc: AdvisedDocument, ctx: HtmlContext): string {
  const a = doc.advice;
  const tls = doc.tls.filter((t) => t.verdict);
  const ready = doc.domains.filter((d) => d.verdict.ready).length;
  const nav = doc.domains.length > 1 ? `<nav>${doc.domains.map((d) => `<a href="#${anchor(d.domain)}">${escapeHtml(d.domain)}</a>`).join(" ")}</nav>` : "";
  const intro = doc.domains.length
    ? `${formatCount(doc.domains.length)} domain${doc.domains.length === 1 ? "" : "s"}, ${ready} ready for the next DMARC step. The verdict needs at least ${a.threshold} % of your senders' messages passing over at least ${a.minDays} days.`
    : "The store holds no aggregate reports within the filters.";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="maildomain reports --html">
<title>DMARC and TLS reports: ${escapeHtml(doc.domains.map((d) => d.domain).slice(0, 3).join(", ") || "maildomain")}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="page"><h1>DMARC and TLS reports</h1>
<p>${escapeHtml(intro)}</p>
<p class="muted">Store ${escapeHtml(ctx.store)} · ${a.declaration ? `declared: ${escapeHtml(a.declaration)}` : "no declaration given (--expect PLAN.json or --cwd DIR --stack NAME)"} · generated ${escapeHtml(ctx.generated.toISOString().replace(/\.\d{3}Z$/, "Z"))} by maildomain</p>${nav}</header>
<main>
<section id="verdicts"><h2>Verdicts</h2>${doc.domains.map(verdictCard).join("\n") || '<p class="muted">No domain.</p>'}</section>
${doc.domains.length ? `<section id="senders"><h2>Senders</h2>${doc.domains.map(sendersTable).join("\n")}</section>` : ""}
${tls.length ? `<section id="tls"><h2>TLS-RPT: MTA-STS</h2>${tls.map((t) => tlsCard(t, doc.tls)).join("\n")}</section>` : ""}
</main>
<footer class="muted">Reports read: ${formatCount(doc.stored.aggregate)} aggregate, ${formatCount(doc.stored.failure)} failure, ${formatCount(doc.stored.tlsrpt)} TLS. Figures are messages as the receivers counted them (RFC 7489 Appendix C, RFC 8460).</footer>
</body>
</html>
`;
}
