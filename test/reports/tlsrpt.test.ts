/** SMTP TLS reports (RFC 8460 §4): the RFC's example, every field, and what rejects a report. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseReportDocument } from "../../reports/document";
import type { TlsReport } from "../../reports/model";
import { parseTlsReport, rfc3339Seconds } from "../../reports/tlsrpt/parse";
import { renderTlsJson, sampleTls } from "../support/reports";

const FIXTURES = path.join(__dirname, "..", "fixtures", "reports");

test("the RFC 8460 example: policy, summary, failure details by result type and receiving MX", () => {
  const r = parseReportDocument(fs.readFileSync(path.join(FIXTURES, "tlsrpt-rfc8460.json")), "rfc8460.json");
  expect(r.kind).toBe("report");
  const t = (r as { report: TlsReport }).report;
  expect(r.findings).toEqual([]);
  expect(t).toMatchObject({ kind: "tlsrpt", orgName: "Company-X", reportId: "5065427c-23d3-47ca-b6e0-946ea0e8c4be", contactInfo: "sts-reporting@company-x.example", begin: 1459468800, end: 1459555199 });
  expect(t.policies).toHaveLength(1);
  const p = t.policies[0];
  expect(p).toMatchObject({ policyType: "sts", policyDomain: "company-y.example", mxHost: ["*.mail.company-y.example"], successful: 5326, failed: 303 });
  expect(p.policyString).toContain("mode: testing");
  expect(p.failures.map((f) => [f.resultType, f.failedSessions, f.receivingMxHostname])).toEqual([
    ["certificate-expired", 100, "mx1.mail.company-y.example"],
    ["starttls-not-supported", 200, "mx2.mail.company-y.example"],
    ["validation-failure", 3, "mx-backup.mail.company-y.example"],
  ]);
  expect(p.failures[0].sendingMtaIp).toBe("2001:db8:abcd:12::1");
  expect(p.failures[2].failureReasonCode).toBe("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
});

test("the model round-trips through its JSON", () => {
  const t = sampleTls();
  expect(parseTlsReport(renderTlsJson(t), "t.json")).toEqual({ report: t, findings: [] });
});

test("RFC 3339 date-times, with fractions and offsets; anything else is not one", () => {
  expect(rfc3339Seconds("2016-04-01T00:00:00Z")).toBe(1459468800);
  expect(rfc3339Seconds("2016-04-01T02:00:00.5+02:00")).toBe(1459468800);
  expect(rfc3339Seconds("2016-04-01")).toBeUndefined();
  expect(rfc3339Seconds(1459468800)).toBeUndefined();
});

describe("rejected, with the field named", () => {
  const base = () => JSON.parse(renderTlsJson(sampleTls()));
  test.each([
    ["organization-name", (j: Record<string, unknown>) => delete j["organization-name"], "tlsrpt.missing-organization"],
    ["report-id", (j: Record<string, unknown>) => (j["report-id"] = ""), "tlsrpt.missing-report-id"],
    ["date-range", (j: Record<string, unknown>) => (j["date-range"] = { "start-datetime": "yesterday" }), "tlsrpt.bad-date-range"],
    ["policies", (j: Record<string, unknown>) => delete j.policies, "tlsrpt.missing-policies"],
    ["policy-domain", (j: { policies: { policy: Record<string, unknown> }[] }) => delete j.policies[0].policy["policy-domain"], "tlsrpt.missing-policy-domain"],
    ["summary count", (j: { policies: { summary: Record<string, unknown> }[] }) => (j.policies[0].summary["total-failure-session-count"] = -1), "tlsrpt.bad-count"],
  ])("without a readable %s", (_n, mutate, code) => {
    const j = base();
    (mutate as (x: unknown) => void)(j);
    const r = parseTlsReport(JSON.stringify(j), "t.json");
    expect(r.report).toBeUndefined();
    expect(r.findings.map((f) => f.code)).toContain(code);
    expect(r.findings.every((f) => f.source === "t.json")).toBe(true);
  });

  test("truncated JSON", () => {
    const r = parseReportDocument(Buffer.from(renderTlsJson(sampleTls()).slice(0, 200)), "t.json");
    expect(r.kind).toBe("rejected");
    expect(r.findings[0].code).toBe("tlsrpt.bad-json");
  });
});

test("dialects are read with warnings: counts as text, unknown result types, more failures than the summary", () => {
  const j = JSON.parse(renderTlsJson(sampleTls()));
  j.policies[0].summary["total-successful-session-count"] = "5326";
  j.policies[0]["failure-details"][0]["result-type"] = "sts-cert-weird";
  j.policies[0]["failure-details"][0]["failed-session-count"] = 1000;
  const r = parseTlsReport(JSON.stringify(j), "t.json");
  expect(r.report?.policies[0].successful).toBe(5326);
  expect(r.findings.map((f) => f.code).sort()).toEqual(["tlsrpt.count-as-text", "tlsrpt.failure-count-mismatch", "tlsrpt.unknown-result-type"]);
});

test("JSON that is not a TLS report is skipped, not rejected", () => {
  const r = parseReportDocument(Buffer.from('{"name": "package", "version": "1.0.0"}'), "package.json");
  expect(r.kind).toBe("other");
});
