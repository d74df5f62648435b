/**
 * DMARC failure reports: RFC 6591 authentication failure reports in the Abuse Reporting Format of RFC 5965 (a
 * `multipart/report; report-type=feedback-report` message). The MIME layer finds the parts; this module reads
 * the machine-readable `message/feedback-report` part (header-style fields, RFC 5965 §3.1) and the original
 * message's headers (`text/rfc822-headers` or the header section of `message/rfc822`). Never throws.
 *
 * ARF reports carry no report id, so a report's identity is a SHA-256 of its machine-readable part and the
 * original headers: the same report read from a file and from a mailbox is one report, two reports about two
 * messages are two.
 */
import { createHash } from "node:crypto";
import { canonicalIp, isIPv4, isIPv6 } from "../../components/records/ip";
import type { FailureReport } from "../model";
import { ReportFinding, quoted } from "../findings";
import { FindingCollector, guardedRead } from "../tree";

const RFC = "RFC 5965 §3.1; RFC 6591 §3";

export interface FailureInput {
  /** Text of the `message/feedback-report` part. */
  feedbackReport: string;
  /** The original message's header section, when the report carries it. */
  originalHeaders?: string;
  /** The report message's own headers. */
  message: { messageId?: string; date?: number; from?: string; subject?: string };
}

export interface FailureParse {
  report?: FailureReport;
  findings: ReportFinding[];
}

export interface HeaderField {
  name: string;
  value: string;
}

/** RFC 5322 §2.2 header fields: unfolded, names as written, values trimmed. Lines that are not fields are skipped. */
export function parseHeaderFields(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (const line of lines) {
    if (line === "") {
      if (fields.length > 0) break; // the end of a header section
      continue;
    }
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1].value += " " + line.trim();
      continue;
    }
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (m) fields.push({ name: m[1], value: m[2].trim() });
  }
  return fields;
}

const lower = (s: string) => s.toLowerCase();

/** The domain of an address in `Name <local@domain>` or `<local@domain>` or `local@domain` form. */
export function addressDomain(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const inAngle = /<([^<>]*)>/.exec(value);
  const addr = (inAngle ? inAngle[1] : value).trim();
  const at = addr.lastIndexOf("@");
  if (at < 0) return undefined;
  const d = addr.slice(at + 1).trim().replace(/[>\s].*$/, "").toLowerCase().replace(/\.$/, "");
  return /^[a-z0-9._-]+$/i.test(d) && d.includes(".") ? d : undefined;
}

/** `dns; mail.example.com` (RFC 3464 MTA-name-type; name) → `mail.example.com`. */
function mtaName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.includes(";") ? value.slice(value.indexOf(";") + 1) : value;
  return v.trim().toLowerCase() || undefined;
}

function dateSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ""));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

const normalized = (s: string) => s.replace(/\r\n?/g, "\n").trim();

export function parseFailureReport(input: FailureInput, source: string): FailureParse {
  const c = new FindingCollector(source);
  return guardedRead(c, "failure", "message", () => read(input, c));
}

function read(input: FailureInput, c: FindingCollector): FailureReport | undefined {
  const fields = parseHeaderFields(input.feedbackReport);
  const all = (name: string) => fields.filter((f) => lower(f.name) === lower(name)).map((f) => f.value);
  const one = (name: string) => all(name)[0];

  const feedbackType = (one("Feedback-Type") ?? "").toLowerCase();
  if (!feedbackType) {
    c.add("failure.missing-feedback-type", "error", "the message/feedback-report part has no Feedback-Type field, so it is not an ARF report and was not read.", "RFC 5965 §3.1");
    return undefined;
  }
  if (feedbackType !== "auth-failure") {
    c.add("failure.not-auth-failure", "info", `the ARF report has Feedback-Type ${quoted(feedbackType)}, not auth-failure: it is a feedback-loop report rather than a DMARC failure report, and was stored as a failure report with its type.`, "RFC 6591 §3.1");
  }
  for (const required of ["User-Agent", "Version"]) {
    if (one(required) === undefined) c.add("failure.missing-field", "warning", `the ARF report has no ${required} field, which RFC 5965 requires; it was read anyway.`, "RFC 5965 §3.1");
  }
  const authFailure = one("Auth-Failure");
  if (feedbackType === "auth-failure" && !authFailure) c.add("failure.missing-auth-failure", "warning", "the auth-failure report has no Auth-Failure field (which check failed: dkim, spf, dmarc…); it was read anyway.", "RFC 6591 §3.1");

  const original = input.originalHeaders !== undefined ? parseHeaderFields(input.originalHeaders) : [];
  const originalOne = (name: string) => original.find((f) => lower(f.name) === lower(name))?.value;
  if (input.originalHeaders === undefined) c.add("failure.no-original-headers", "warning", "the report carries neither the original message nor its headers (text/rfc822-headers); only the machine-readable fields were stored.", "RFC 6591 §3.1");

  const domain =
    (one("Reported-Domain") ?? "").trim().toLowerCase().replace(/\.$/, "") || addressDomain(originalOne("From")) || (one("DKIM-Domain") ?? "").toLowerCase() || addressDomain(one("Original-Mail-From")) || "";
  if (!domain) {
    c.add("failure.no-domain", "error", "the report names no domain (no Reported-Domain, no From: in the original headers, no DKIM-Domain), so it cannot be attributed and was not read.", RFC);
    return undefined;
  }

  const ipText = one("Source-IP");
  let sourceIp: string | undefined;
  if (ipText !== undefined) {
    const bare = ipText.trim().replace(/^\[|\]$/g, "");
    if (isIPv4(bare) || isIPv6(bare)) sourceIp = canonicalIp(bare);
    else c.add("failure.bad-source-ip", "warning", `Source-IP ${quoted(ipText)} is not an IP address; it was left out.`, "RFC 5965 §3.2");
  }
  const arrival = one("Arrival-Date") ?? one("Received-Date");
  const arrivalDate = dateSeconds(arrival);
  if (arrival !== undefined && arrivalDate === undefined) c.add("failure.bad-date", "warning", `Arrival-Date ${quoted(arrival)} is not an RFC 5322 date; the report message's Date: was used instead.`, "RFC 5965 §3.2");

  const orgName = mtaName(one("Reporting-MTA")) ?? addressDomain(input.message.from) ?? (one("User-Agent") || "unknown");
  const hash = createHash("sha256").update(normalized(input.feedbackReport)).update("\n\n").update(normalized(input.originalHeaders ?? "")).digest("hex");

  const report: FailureReport = {
    kind: "failure",
    orgName,
    reportId: `sha256:${hash}`,
    feedbackType,
    domain,
    originalRcptTo: all("Original-Rcpt-To"),
    original: {},
    message: { ...input.message },
  };
  const set = <K extends keyof FailureReport>(k: K, v: FailureReport[K] | undefined) => {
    if (v !== undefined && v !== "") report[k] = v;
  };
  set("userAgent", one("User-Agent"));
  set("version", one("Version"));
  set("sourceIp", sourceIp);
  set("arrivalDate", arrivalDate ?? input.message.date);
  set("authFailure", authFailure?.toLowerCase());
  const ar = all("Authentication-Results");
  set("authenticationResults", ar.length ? ar.join("\n") : undefined);
  set("originalMailFrom", one("Original-Mail-From"));
  set("reportingMta", mtaName(one("Reporting-MTA")));
  set("deliveryResult", one("Delivery-Result")?.toLowerCase());
  set("identityAlignment", one("Identity-Alignment")?.toLowerCase());
  set("dkimDomain", one("DKIM-Domain")?.toLowerCase());
  set("dkimSelector", one("DKIM-Selector"));
  set("dkimIdentity", one("DKIM-Identity"));
  set("spfDns", one("SPF-DNS"));
  if (input.originalHeaders !== undefined) report.originalHeaders = normalized(input.originalHeaders);
  for (const [k, name] of [["from", "From"], ["subject", "Subject"], ["messageId", "Message-ID"], ["date", "Date"]] as const) {
    const v = originalOne(name);
    if (v !== undefined) report.original[k] = v;
  }
  return report;
}
