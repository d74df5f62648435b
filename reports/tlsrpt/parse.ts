/**
 * SMTP TLS reports (RFC 8460 §4) from their JSON text into the model. Never throws.
 *
 * Required for the numbers (absence rejects the report): `organization-name` and `report-id` (the dedup
 * identity), `date-range`, and per policy `policy-type`, `policy-domain` and the two summary counts. Failure
 * details without a count, and unknown result or policy types, are kept with a warning.
 */
import { canonicalIp, isIPv4, isIPv6 } from "../../components/records/ip";
import type { TlsFailureDetail, TlsPolicyResult, TlsReport } from "../model";
import { ReportFinding, quoted } from "../findings";
import { FindingCollector, guardedRead } from "../tree";

const RFC = "RFC 8460 §4.4";
const POLICY_TYPES = ["sts", "tlsa", "no-policy-found"];
/** RFC 8460 §4.3, and the MTA-STS and DANE result types registered since. */
const RESULT_TYPES = [
  "starttls-not-supported",
  "certificate-host-mismatch",
  "certificate-expired",
  "certificate-not-trusted",
  "validation-failure",
  "tlsa-invalid",
  "dnssec-invalid",
  "dane-required",
  "sts-policy-fetch-error",
  "sts-policy-invalid",
  "sts-webpki-invalid",
];

export interface TlsParse {
  report?: TlsReport;
  findings: ReportFinding[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An RFC 3339 date-time (`2016-04-01T00:00:00Z`, fractions and offsets allowed) as Unix seconds. */
export function rfc3339Seconds(s: unknown): number | undefined {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const ms = Date.parse(s.replace(" ", "T"));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Parse a TLS report's JSON text. */
export function parseTlsReport(text: string, source: string): TlsParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const c = new FindingCollector(source);
    c.add("tlsrpt.bad-json", "error", `the TLS report is not valid JSON (${(e as Error).message}); a truncated or damaged attachment looks like this. It was not read.`, "RFC 8460 §4.4; RFC 8259");
    return { findings: c.list() };
  }
  return readTlsReport(json, source);
}

/** Read a TLS report from its parsed JSON value. */
export function readTlsReport(json: unknown, source: string): TlsParse {
  const c = new FindingCollector(source);
  return guardedRead(c, "tlsrpt", "file", () => read(json, c));
}

/** True when a JSON value looks like a TLS report (used to tell TLS reports from other JSON). */
export function looksLikeTlsReport(json: unknown): boolean {
  return isObject(json) && ("policies" in json || "organization-name" in json) && ("report-id" in json || "date-range" in json);
}

function str(o: Record<string, unknown>, key: string, where: string, c: FindingCollector): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  c.add("tlsrpt.bad-field", "warning", `"${key}" in ${where} is ${Array.isArray(v) ? "a list" : typeof v}, not text; it was left out.`, RFC);
  return undefined;
}

function count(o: Record<string, unknown>, key: string, where: string, c: FindingCollector, required: boolean): number | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  if (typeof v === "string" && /^\d{1,15}$/.test(v)) {
    c.add("tlsrpt.count-as-text", "warning", `"${key}" in ${where} is written as text (${quoted(v)}) instead of a JSON number; it was read as ${v}.`, RFC);
    return Number(v);
  }
  c.add(required ? "tlsrpt.bad-count" : "tlsrpt.bad-failure-count", required ? "error" : "warning", `"${key}" in ${where} is ${v === undefined ? "missing" : quoted(JSON.stringify(v))}, not a whole number of sessions${required ? ": the report's totals would be wrong, so it was not read" : "; it was counted as 0"}.`, RFC);
  return required ? undefined : 0;
}

function stringList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

function read(json: unknown, c: FindingCollector): TlsReport | undefined {
  if (!isObject(json)) {
    c.add("tlsrpt.not-an-object", "error", "the TLS report is not a JSON object, so it was not read.", RFC);
    return undefined;
  }
  const orgName = str(json, "organization-name", "the report", c)?.trim();
  if (!orgName) c.add("tlsrpt.missing-organization", "error", `"organization-name" is missing or empty: reports are deduplicated by reporting organisation and report id, so this one was not read.`, RFC);
  const reportId = str(json, "report-id", "the report", c)?.trim();
  if (!reportId) c.add("tlsrpt.missing-report-id", "error", `"report-id" is missing or empty: reports are deduplicated by reporting organisation and report id, so this one was not read.`, RFC);
  const range = json["date-range"];
  const begin = isObject(range) ? rfc3339Seconds(range["start-datetime"]) : undefined;
  const end = isObject(range) ? rfc3339Seconds(range["end-datetime"]) : undefined;
  if (begin === undefined || end === undefined) {
    c.add("tlsrpt.bad-date-range", "error", `"date-range" needs "start-datetime" and "end-datetime" as RFC 3339 date-times (2016-04-01T00:00:00Z); got ${quoted(JSON.stringify(range ?? null))}, so the report cannot be placed in time and was not read.`, RFC);
  }
  const policiesJson = json["policies"];
  if (!Array.isArray(policiesJson)) c.add("tlsrpt.missing-policies", "error", `"policies" is missing or not a list: the report has no results, so it was not read.`, RFC);
  const policies = (Array.isArray(policiesJson) ? policiesJson : []).map((p, i) => readPolicy(p, i, c)).filter((p): p is TlsPolicyResult => p !== undefined);
  const report: TlsReport = { kind: "tlsrpt", orgName: orgName ?? "", reportId: reportId ?? "", begin: begin ?? 0, end: end ?? 0, policies };
  const contact = str(json, "contact-info", "the report", c);
  if (contact) report.contactInfo = contact;
  return report;
}

function readPolicy(p: unknown, i: number, c: FindingCollector): TlsPolicyResult | undefined {
  const where = `policies[${i}]`;
  if (!isObject(p) || !isObject(p["policy"])) {
    c.add("tlsrpt.bad-policy", "error", `${where} has no "policy" object: its sessions cannot be attributed, so the report was not read.`, RFC);
    return undefined;
  }
  const pol = p["policy"] as Record<string, unknown>;
  const policyType = (str(pol, "policy-type", `${where}.policy`, c) ?? "").toLowerCase();
  if (!policyType) c.add("tlsrpt.missing-policy-type", "error", `${where}.policy has no "policy-type" (sts, tlsa or no-policy-found), so the report was not read.`, RFC);
  else if (!POLICY_TYPES.includes(policyType)) c.add("tlsrpt.unknown-policy-type", "warning", `${where}.policy has "policy-type" ${quoted(policyType)}, not sts, tlsa or no-policy-found; it was kept as written.`, RFC);
  const policyDomain = (str(pol, "policy-domain", `${where}.policy`, c) ?? "").toLowerCase().replace(/\.$/, "");
  if (!policyDomain) c.add("tlsrpt.missing-policy-domain", "error", `${where}.policy has no "policy-domain": the report does not say which domain it is about, so it was not read.`, RFC);
  const summary = isObject(p["summary"]) ? (p["summary"] as Record<string, unknown>) : {};
  if (!isObject(p["summary"])) c.add("tlsrpt.missing-summary", "error", `${where} has no "summary" with the session counts, so the report was not read.`, RFC);
  const successful = count(summary, "total-successful-session-count", `${where}.summary`, c, true) ?? 0;
  const failed = count(summary, "total-failure-session-count", `${where}.summary`, c, true) ?? 0;

  const failures: TlsFailureDetail[] = [];
  const details = p["failure-details"];
  if (details !== undefined && !Array.isArray(details)) c.add("tlsrpt.bad-failure-details", "warning", `${where}."failure-details" is not a list; it was left out.`, RFC);
  for (const [j, d] of (Array.isArray(details) ? details : []).entries()) {
    const dw = `${where}.failure-details[${j}]`;
    if (!isObject(d)) {
      c.add("tlsrpt.bad-failure-details", "warning", `${dw} is not an object; it was left out.`, RFC);
      continue;
    }
    const resultType = (str(d, "result-type", dw, c) ?? "").toLowerCase();
    if (!resultType) c.add("tlsrpt.missing-result-type", "warning", `${dw} has no "result-type"; it was kept with an empty one.`, RFC);
    else if (!RESULT_TYPES.includes(resultType)) c.add("tlsrpt.unknown-result-type", "info", `${dw} has "result-type" ${quoted(resultType)}, which RFC 8460 does not list; it was kept as written.`, "RFC 8460 §4.3");
    const f: TlsFailureDetail = { resultType, failedSessions: count(d, "failed-session-count", dw, c, false) ?? 0 };
    const ip = (k: string) => {
      const v = str(d, k, dw, c);
      if (v === undefined) return undefined;
      return isIPv4(v) || isIPv6(v) ? canonicalIp(v) : v;
    };
    const set = <K extends keyof TlsFailureDetail>(k: K, v: TlsFailureDetail[K] | undefined) => {
      if (v !== undefined && v !== "") f[k] = v;
    };
    set("sendingMtaIp", ip("sending-mta-ip"));
    set("receivingIp", ip("receiving-ip"));
    set("receivingMxHostname", str(d, "receiving-mx-hostname", dw, c)?.toLowerCase().replace(/\.$/, ""));
    set("receivingMxHelo", str(d, "receiving-mx-helo", dw, c));
    set("additionalInformation", str(d, "additional-information", dw, c));
    set("failureReasonCode", str(d, "failure-reason-code", dw, c));
    failures.push(f);
  }
  const listed = failures.reduce((n, f) => n + f.failedSessions, 0);
  if (listed > failed) c.add("tlsrpt.failure-count-mismatch", "warning", `${where} lists ${listed} failed sessions in "failure-details" but its summary says ${failed}; both were kept as written.`, RFC);
  return { policyType, policyString: stringList(pol["policy-string"]), policyDomain, mxHost: stringList(pol["mx-host"]), successful, failed, failures };
}
