/**
 * The HTML report's pure renderer: everything from the reports escaped, no script, nothing to fetch, dark mode,
 * and the chart's days and weeks. (test/cli/reports-html.test.ts opens it in a real browser.)
 */
import { adviseDomain } from "../../reports/advisor";
import { BEGIN, DAY, evidence, OPTS, own, source } from "../support/advisor-evidence";
import type { AdvisedDocument } from "../../reports/advisor/document";
import { buckets } from "../../reports/html/chart";
import { renderHtmlReport } from "../../reports/html/report";

describe("the HTML report", () => {
  function doc(): AdvisedDocument {
    const hostile = '<img src=x onerror="alert(1)">';
    const ev = evidence([own("192.0.2.1", 1000), source("198.51.100.9", 50, { dkim: [{ domain: `${hostile}.example`, selector: "</style><script>x()</script>", result: "fail", messages: 50 }] })]);
    const a = adviseDomain(ev, new Map([["198.51.100.9", { rdns: [`${hostile}.evil.example`] }]]), undefined, OPTS);
    return {
      reports: { aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, rejected: 0 },
      stored: { aggregate: 20, failure: 0, tlsrpt: 0 },
      findings: [],
      domains: [{ domain: "example.com", reports: 20, messages: 1050, dmarcPass: 1000, dmarcFail: 50, from: "2024-05-01T00:00:00Z", to: "2024-05-20T23:59:59Z", sources: [], senders: a.senders, verdict: a.verdict, days: ev.days }],
      tls: [],
      failures: [],
      advice: { declaration: null, threshold: 98, minDays: 14, dns: null },
    };
  }

  test("everything from the reports is escaped; the page has no script and can fetch nothing", () => {
    const html = renderHtmlReport(doc(), { store: "s.sqlite", generated: new Date("2024-06-01T00:00:00Z") });
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)/);
    expect(html).toMatch(/<svg id="chart-d-example\.com" class="daily" viewBox="0 0 960 220" role="img" aria-label="Daily messages for example\.com: /);
  });

  test("the chart has a bar for every day of the window, and weeks for long windows", () => {
    expect(buckets([{ day: "2024-05-01", messages: 5, dmarcPass: 4 }, { day: "2024-05-04", messages: 1, dmarcPass: 1 }]).map((b) => [b.label, b.messages])).toEqual([["2024-05-01", 5], ["2024-05-02", 0], ["2024-05-03", 0], ["2024-05-04", 1]]);
    const year = Array.from({ length: 200 }, (_, i) => ({ day: new Date((BEGIN + i * DAY) * 1000).toISOString().slice(0, 10), messages: 1, dmarcPass: 1 }));
    const weeks = buckets(year);
    expect(weeks).toHaveLength(29);
    expect(weeks[0]).toEqual({ label: "week of 2024-05-01", messages: 7, dmarcPass: 7 });
    expect(weeks.reduce((n, w) => n + w.messages, 0)).toBe(200);
  });
});
