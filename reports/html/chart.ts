/**
 * The daily volume chart of the HTML report: stacked bars (passed DMARC below, failed above) per day, as inline
 * SVG written here. Our own SVG rather than a charting library: the chart is one bar kind with two series, it
 * needs no script (the file stays static, so a Content-Security-Policy can forbid every script and request), it
 * prints, and CSS variables give it the page's light and dark colours. Each bar has a `<title>` (the figures on
 * hover) and the whole chart an accessible name.
 */
import { escapeHtml } from "./escape";
import { formatCount } from "../format";

export interface ChartDay {
  /** `2024-05-01` */
  day: string;
  messages: number;
  dmarcPass: number;
}

const W = 960;
const H = 220;
const LEFT = 56;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 30;
const DAY_MS = 86_400_000;
/** Longer windows are drawn per week, so a bar stays wide enough to see and hover. */
const MAX_DAILY_BARS = 120;


/** Every day from the first to the last (days without reports are zero), or weeks when the window is long. */
export function buckets(days: readonly ChartDay[]): { label: string; messages: number; dmarcPass: number }[] {
  if (days.length === 0) return [];
  const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
  const first = Date.parse(`${sorted[0].day}T00:00:00Z`);
  const last = Date.parse(`${sorted[sorted.length - 1].day}T00:00:00Z`);
  const span = Math.round((last - first) / DAY_MS) + 1;
  const size = span > MAX_DAILY_BARS ? 7 : 1;
  const out = Array.from({ length: Math.ceil(span / size) }, (_, i) => {
    const start = new Date(first + i * size * DAY_MS).toISOString().slice(0, 10);
    return { label: size === 1 ? start : `week of ${start}`, messages: 0, dmarcPass: 0 };
  });
  for (const d of sorted) {
    const i = Math.floor(Math.round((Date.parse(`${d.day}T00:00:00Z`) - first) / DAY_MS) / size);
    out[i].messages += d.messages;
    out[i].dmarcPass += d.dmarcPass;
  }
  return out;
}

/** A round axis maximum and its tick step (1, 2 or 5 times a power of ten). */
function axis(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

export function dailyChart(id: string, title: string, days: readonly ChartDay[]): string {
  const bars = buckets(days);
  if (bars.length === 0) return `<p class="muted">No reports with messages in the window.</p>`;
  const { top, step } = axis(Math.max(...bars.map((b) => b.messages)));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / bars.length;
  const barW = Math.max(1, slot * 0.8);
  const y = (v: number) => TOP + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= top; t += step) {
    parts.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${formatCount(t)}</text>`);
  }
  bars.forEach((b, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    const fail = b.messages - b.dmarcPass;
    const passH = (b.dmarcPass / top) * plotH;
    const failH = (fail / top) * plotH;
    const tip = `${b.label}: ${formatCount(b.messages)} messages, ${formatCount(b.dmarcPass)} passed DMARC, ${formatCount(fail)} failed`;
    parts.push(
      `<g class="bar"><title>${escapeHtml(tip)}</title>` +
        (passH > 0 ? `<rect class="pass" x="${x.toFixed(1)}" y="${(TOP + plotH - passH).toFixed(1)}" width="${barW.toFixed(1)}" height="${passH.toFixed(1)}"/>` : "") +
        (failH > 0 ? `<rect class="fail" x="${x.toFixed(1)}" y="${(TOP + plotH - passH - failH).toFixed(1)}" width="${barW.toFixed(1)}" height="${failH.toFixed(1)}"/>` : "") +
        `</g>`,
    );
  });
  const labelEvery = Math.max(1, Math.ceil(bars.length / 6));
  bars.forEach((b, i) => {
    if (i % labelEvery !== 0) return;
    const x = LEFT + i * slot + slot / 2;
    parts.push(`<text class="tick" x="${x.toFixed(1)}" y="${H - 10}" text-anchor="middle">${escapeHtml(b.label.replace("week of ", "").slice(5))}</text>`);
  });
  parts.push(`<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}"/>`);
  const total = bars.reduce((n, b) => n + b.messages, 0);
  const pass = bars.reduce((n, b) => n + b.dmarcPass, 0);
  const label = `${title}: ${formatCount(total)} messages over ${bars.length} ${bars[0].label.startsWith("week") ? "weeks" : "days"}, ${formatCount(pass)} passed DMARC, ${formatCount(total - pass)} failed`;
  return `<figure class="chart"><svg id="${escapeHtml(id)}" class="daily" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}" preserveAspectRatio="xMidYMid meet">${parts.join("")}</svg><figcaption><span class="key pass"></span> passed DMARC <span class="key fail"></span> failed DMARC <span class="muted">(per ${bars[0].label.startsWith("week") ? "week" : "day"}, UTC)</span></figcaption></figure>`;
}
