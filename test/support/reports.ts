/**
 * Report documents for tests, the fuzz properties and the benchmark: aggregate reports rendered as XML from the
 * model (in either schema), TLS reports as JSON, ARF failure reports as messages, and report e-mails composed by
 * nodemailer's MailComposer (a real MIME writer) the way receivers send them.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import yazl from "yazl";
import type { AggregateReport, TlsReport } from "../../reports/model";
import { DMARC2_NAMESPACE } from "../../reports/aggregate/parse";

export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function el(name: string, value: string | number | undefined, indent: string, prefix: string): string {
  return value === undefined ? "" : `${indent}<${prefix}${name}>${esc(String(value))}</${prefix}${name}>\n`;
}

/** An aggregate report as its XML document; `prefix` writes RFC 9990 elements with a namespace prefix. */
export function renderAggregateXml(r: AggregateReport, opts: { prefix?: string; declaration?: boolean } = {}): string {
  const p = opts.prefix ? `${opts.prefix}:` : "";
  const ns = r.namespace ?? (r.format === "rfc9990" ? DMARC2_NAMESPACE : undefined);
  const nsAttr = ns ? ` xmlns${opts.prefix ? `:${opts.prefix}` : ""}="${esc(ns)}"` : "";
  const m = r.metadata;
  const pp = r.policy;
  let x = opts.declaration === false ? "" : '<?xml version="1.0" encoding="UTF-8"?>\n';
  x += `<${p}feedback${nsAttr}>\n`;
  x += el("version", r.version, "  ", p);
  x += `  <${p}report_metadata>\n`;
  x += el("org_name", m.orgName, "    ", p) + el("email", m.email, "    ", p) + el("extra_contact_info", m.extraContactInfo, "    ", p) + el("report_id", m.reportId, "    ", p);
  x += `    <${p}date_range>\n${el("begin", m.begin, "      ", p)}${el("end", m.end, "      ", p)}    </${p}date_range>\n`;
  for (const e of m.errors) x += el("error", e, "    ", p);
  x += el("generator", m.generator, "    ", p);
  x += `  </${p}report_metadata>\n  <${p}policy_published>\n`;
  x += el("domain", pp.domain, "    ", p) + el("discovery_method", pp.discoveryMethod, "    ", p) + el("adkim", pp.adkim, "    ", p) + el("aspf", pp.aspf, "    ", p);
  x += el("p", pp.p, "    ", p) + el("sp", pp.sp, "    ", p) + el("np", pp.np, "    ", p) + el("pct", pp.pct, "    ", p) + el("fo", pp.fo, "    ", p) + el("testing", pp.testing, "    ", p);
  x += `  </${p}policy_published>\n`;
  for (const rec of r.records) {
    x += `  <${p}record>\n    <${p}row>\n`;
    x += el("source_ip", rec.sourceIp, "      ", p) + el("count", rec.count, "      ", p);
    x += `      <${p}policy_evaluated>\n${el("disposition", rec.disposition, "        ", p)}${el("dkim", rec.dkim, "        ", p)}${el("spf", rec.spf, "        ", p)}`;
    for (const reason of rec.reasons) x += `        <${p}reason>\n${el("type", reason.type, "          ", p)}${el("comment", reason.comment, "          ", p)}        </${p}reason>\n`;
    x += `      </${p}policy_evaluated>\n    </${p}row>\n    <${p}identifiers>\n`;
    x += el("envelope_to", rec.envelopeTo, "      ", p) + el("envelope_from", rec.envelopeFrom, "      ", p) + el("header_from", rec.headerFrom, "      ", p);
    x += `    </${p}identifiers>\n    <${p}auth_results>\n`;
    for (const d of rec.dkimResults) x += `      <${p}dkim>\n${el("domain", d.domain, "        ", p)}${el("selector", d.selector, "        ", p)}${el("result", d.result, "        ", p)}${el("human_result", d.humanResult, "        ", p)}      </${p}dkim>\n`;
    for (const s of rec.spfResults) x += `      <${p}spf>\n${el("domain", s.domain, "        ", p)}${el("scope", s.scope, "        ", p)}${el("result", s.result, "        ", p)}${el("human_result", s.humanResult, "        ", p)}      </${p}spf>\n`;
    x += `    </${p}auth_results>\n  </${p}record>\n`;
  }
  return `${x}</${p}feedback>\n`;
}

/** A TLS report as RFC 8460 §4.4 JSON. */
export function renderTlsJson(r: TlsReport): string {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return JSON.stringify(
    {
      "organization-name": r.orgName,
      "date-range": { "start-datetime": iso(r.begin), "end-datetime": iso(r.end) },
      ...(r.contactInfo !== undefined ? { "contact-info": r.contactInfo } : {}),
      "report-id": r.reportId,
      policies: r.policies.map((p) => ({
        policy: { "policy-type": p.policyType, "policy-string": p.policyString, "policy-domain": p.policyDomain, "mx-host": p.mxHost },
        summary: { "total-successful-session-count": p.successful, "total-failure-session-count": p.failed },
        ...(p.failures.length
          ? {
              "failure-details": p.failures.map((f) => ({
                "result-type": f.resultType,
                ...(f.sendingMtaIp !== undefined ? { "sending-mta-ip": f.sendingMtaIp } : {}),
                ...(f.receivingMxHostname !== undefined ? { "receiving-mx-hostname": f.receivingMxHostname } : {}),
                ...(f.receivingMxHelo !== undefined ? { "receiving-mx-helo": f.receivingMxHelo } : {}),
                ...(f.receivingIp !== undefined ? { "receiving-ip": f.receivingIp } : {}),
                "failed-session-count": f.failedSessions,
                ...(f.additionalInformation !== undefined ? { "additional-information": f.additionalInformation } : {}),
                ...(f.failureReasonCode !== undefined ? { "failure-reason-code": f.failureReasonCode } : {}),
              })),
            }
          : {}),
      })),
    },
    null,
    2,
  );
}

export interface Attachment {
  filename?: string;
  content: Buffer | string;
  contentType: string;
}

/** A report e-mail as receivers send one (RFC 7489 §7.2.1.1): a short text body and the report attached. */
export function composeMessage(opts: { from?: string; to?: string; subject?: string; messageId?: string; text?: string; attachments: Attachment[]; date?: Date }): Promise<Buffer> {
  const mail = new MailComposer({
    from: opts.from ?? "noreply-dmarc-support@google.com",
    to: opts.to ?? "dmarc@example.com",
    subject: opts.subject ?? "Report domain: example.com Submitter: google.com Report-ID: 1",
    messageId: opts.messageId,
    date: opts.date ?? new Date("2024-05-02T00:00:00Z"),
    text: opts.text ?? "This is an aggregate report from google.com.",
    attachments: opts.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return new Promise((resolve, reject) => mail.compile().build((err, msg) => (err ? reject(err) : resolve(msg))));
}

/** An ARF (RFC 5965) authentication failure report (RFC 6591) as a whole message. */
export function renderArfMessage(opts: {
  messageId?: string;
  from?: string;
  reportedDomain?: string;
  sourceIp?: string;
  fields?: string[];
  originalHeaders?: string;
  asRfc822?: boolean;
}): string {
  const boundary = "=_arf_boundary_1";
  const fields = opts.fields ?? [
    "Feedback-Type: auth-failure",
    "User-Agent: ExampleReporter/1.0",
    "Version: 1",
    "Auth-Failure: dmarc",
    `Source-IP: ${opts.sourceIp ?? "192.0.2.1"}`,
    "Arrival-Date: Thu, 02 May 2024 10:00:00 +0000",
    "Reporting-MTA: dns; mx.receiver.example",
    "Original-Mail-From: <bounce@example.com>",
    "Original-Rcpt-To: <user@receiver.example>",
    "Authentication-Results: mx.receiver.example; dmarc=fail header.from=example.com; spf=fail smtp.mailfrom=example.com; dkim=none",
    "Delivery-Result: reject",
    "Identity-Alignment: none",
    `Reported-Domain: ${opts.reportedDomain ?? "example.com"}`,
  ];
  const original =
    opts.originalHeaders ??
    ["Received: from spoof.example (spoof.example [192.0.2.1]) by mx.receiver.example", "From: CEO <ceo@example.com>", "To: user@receiver.example", "Subject: Urgent wire transfer", "Message-ID: <spoofed-1@spoof.example>", "Date: Thu, 02 May 2024 09:59:58 +0000"].join("\r\n");
  return [
    `From: ${opts.from ?? "DMARC failure reports <ruf@receiver.example>"}`,
    "To: dmarc-failures@example.com",
    "Subject: DMARC failure report for example.com",
    "Date: Thu, 02 May 2024 10:00:05 +0000",
    `Message-ID: ${opts.messageId ?? "<arf-1@receiver.example>"}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    'Content-Type: text/plain; charset="us-ascii"',
    "",
    "This is an authentication failure report for a message from 192.0.2.1.",
    "",
    `--${boundary}`,
    "Content-Type: message/feedback-report",
    "",
    ...fields,
    "",
    `--${boundary}`,
    opts.asRfc822 ? "Content-Type: message/rfc822" : "Content-Type: text/rfc822-headers",
    "",
    original,
    ...(opts.asRfc822 ? ["", "Please wire the money today."] : []),
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/** A small aggregate report model for tests. */
export function sampleAggregate(over: Partial<AggregateReport["metadata"]> & { domain?: string; records?: AggregateReport["records"]; format?: AggregateReport["format"] } = {}): AggregateReport {
  const { domain, records, format, ...meta } = over;
  return {
    kind: "aggregate",
    format: format ?? "rfc7489",
    version: "1.0",
    metadata: { orgName: "google.com", email: "noreply-dmarc-support@google.com", reportId: "1234567890", begin: 1714521600, end: 1714607999, errors: [], ...meta },
    policy: { domain: domain ?? "example.com", adkim: "r", aspf: "r", p: "none", sp: "none", pct: 100 },
    records: records ?? [
      {
        sourceIp: "203.0.113.5",
        count: 40,
        disposition: "none",
        dkim: "pass",
        spf: "pass",
        reasons: [],
        headerFrom: domain ?? "example.com",
        envelopeFrom: domain ?? "example.com",
        dkimResults: [{ domain: domain ?? "example.com", selector: "s2026", result: "pass" }],
        spfResults: [{ domain: domain ?? "example.com", scope: "mfrom", result: "pass" }],
      },
      {
        sourceIp: "198.51.100.7",
        count: 3,
        disposition: "none",
        dkim: "fail",
        spf: "fail",
        reasons: [],
        headerFrom: domain ?? "example.com",
        envelopeFrom: "spoof.example",
        dkimResults: [],
        spfResults: [{ domain: "spoof.example", scope: "mfrom", result: "softfail" }],
      },
    ],
  };
}

export function sampleTls(over: Partial<TlsReport> = {}): TlsReport {
  return {
    kind: "tlsrpt",
    orgName: "Google Inc.",
    reportId: "2024-05-01T00:00:00Z_example.com",
    contactInfo: "smtp-tls-reporting@google.com",
    begin: 1714521600,
    end: 1714607999,
    policies: [
      {
        policyType: "sts",
        policyString: ["version: STSv1", "mode: testing", "mx: mx1.example.com", "max_age: 86400"],
        policyDomain: "example.com",
        mxHost: ["mx1.example.com"],
        successful: 5326,
        failed: 303,
        failures: [
          { resultType: "certificate-expired", failedSessions: 200, sendingMtaIp: "2001:db8:abcd:12::1", receivingMxHostname: "mx1.example.com", receivingIp: "203.0.113.56" },
          { resultType: "starttls-not-supported", failedSessions: 103, sendingMtaIp: "2001:db8:abcd:13::1", receivingMxHostname: "mx2.example.com", receivingIp: "203.0.113.57", additionalInformation: "https://reports.example/starttls.txt" },
        ],
      },
    ],
    ...over,
  };
}

/** A zip archive of the given entries (a name ending in "/" is a folder), written by yazl. */
export function zipArchive(entries: [string, Buffer | string][]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, content] of entries) {
    if (name.endsWith("/")) z.addEmptyDirectory(name);
    else z.addBuffer(Buffer.from(content), name);
  }
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on("data", (c: Buffer) => chunks.push(c));
    z.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    z.outputStream.on("error", reject);
  });
}
