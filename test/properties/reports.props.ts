/**
 * Properties of the report parsers (run with a few hundred cases by jest, 100,000 each by `npm run fuzz`):
 * aggregate XML, TLS-RPT JSON, ARF fields, content sniffing and text decoding never throw on any input and
 * always give well-formed findings; valid models survive rendering and parsing unchanged; and the container
 * reader (gzip, zip, MIME) never throws on damaged archives and messages.
 */
import { isDeepStrictEqual } from "node:util";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { canonicalIp } from "../../components/records/ip";
import { extract } from "../../cli/reports/sources/extract";
import { DEFAULT_LIMITS } from "../../cli/reports/sources/limits";
import { parseReportDocument } from "../../reports/document";
import { parseFailureReport } from "../../reports/failure/parse";
import type { ReportFinding } from "../../reports/findings";
import type { AggregateRecord, AggregateReport, TlsPolicyResult, TlsReport } from "../../reports/model";
import { sniff } from "../../reports/sniff";
import { decodeText } from "../../reports/text";
import { parseTlsReport } from "../../reports/tlsrpt/parse";
import { renderAggregateXml, renderArfMessage, renderTlsJson } from "../support/reports";
import { NamedProperty, recordishString } from "./property";

const NAMESPACES = ["xml", "text", "aggregate", "failure", "tlsrpt", "source"];

export function wellFormedFindings(findings: readonly ReportFinding[], source: string): boolean {
  return findings.every(
    (f) =>
      NAMESPACES.some((n) => f.code.startsWith(`${n}.`)) &&
      /^[a-z-]+\.[a-z0-9-]+$/.test(f.code) &&
      ["error", "warning", "info"].includes(f.severity) &&
      typeof f.message === "string" &&
      f.message.length > 10 &&
      f.source.startsWith(source) &&
      (f.rfc === undefined || f.rfc.length > 0),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Valid models

/** Text an XML document can carry and the parser gives back: XML characters, no surrounding white space. */
const text = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 16 })
  .map((s) => s.replace(/[^\t\n\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|\r/gu, "x").trim())
  .filter((s) => s.length > 0);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 2, maxLength: 3 }).map((l) => l.join("."));
const ip = fc.oneof(fc.ipV4(), fc.ipV6().map((a) => canonicalIp(a)));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const record: fc.Arbitrary<AggregateRecord> = fc
  .record({
    sourceIp: ip,
    count: fc.nat({ max: 2 ** 40 }),
    disposition: fc.constantFrom("none", "quarantine", "reject", "pass"),
    dkim: fc.constantFrom("pass", "fail"),
    spf: fc.constantFrom("pass", "fail"),
    reasons: fc.array(fc.record({ type: fc.constantFrom("forwarded", "local_policy", "mailing_list", "policy_test_mode"), comment: opt(text) }).map(defined), { maxLength: 2 }),
    headerFrom: domain,
    envelopeFrom: opt(domain),
    envelopeTo: opt(domain),
    dkimResults: fc.array(fc.record({ domain, selector: opt(label), result: fc.constantFrom("pass", "fail", "none", "temperror"), humanResult: opt(text) }).map(defined), { maxLength: 3 }),
    spfResults: fc.array(fc.record({ domain, scope: opt(fc.constantFrom("mfrom", "helo")), result: fc.constantFrom("pass", "fail", "softfail", "neutral", "permerror"), humanResult: opt(text) }).map(defined), { maxLength: 2 }),
  })
  .map(defined);

const aggregate: fc.Arbitrary<AggregateReport> = fc
  .record({
    format: fc.constantFrom("rfc7489" as const, "rfc9990" as const),
    version: opt(fc.constantFrom("1.0", "2.0")),
    orgName: text,
    email: opt(text),
    extraContactInfo: opt(text),
    reportId: text,
    begin: fc.nat({ max: 2 ** 33 }),
    length: fc.nat({ max: 2 ** 20 }),
    errors: fc.array(text, { maxLength: 2 }),
    generator: opt(text),
    policy: fc
      .record({
        domain,
        adkim: opt(fc.constantFrom("r", "s")),
        aspf: opt(fc.constantFrom("r", "s")),
        p: opt(fc.constantFrom("none", "quarantine", "reject")),
        sp: opt(fc.constantFrom("none", "quarantine", "reject")),
        np: opt(fc.constantFrom("none", "quarantine", "reject")),
        fo: opt(fc.constantFrom("0", "1", "d:s")),
        testing: opt(fc.constantFrom("y", "n")),
        discoveryMethod: opt(fc.constantFrom("psl", "treewalk")),
      })
      .map(defined),
    pct: opt(fc.integer({ min: 0, max: 100 })),
    records: fc.array(record, { minLength: 1, maxLength: 4 }),
  })
  .map((m) => {
    const r: AggregateReport = {
      kind: "aggregate",
      format: m.format,
      metadata: defined({ orgName: m.orgName, email: m.email, extraContactInfo: m.extraContactInfo, reportId: m.reportId, begin: m.begin, end: m.begin + m.length, errors: m.errors, generator: m.generator }),
      policy: m.format === "rfc7489" && m.pct !== undefined ? { ...m.policy, pct: m.pct } : m.policy,
      records: m.records,
    };
    if (m.format === "rfc9990") r.namespace = "urn:ietf:params:xml:ns:dmarc-2.0";
    if (m.version !== undefined) r.version = m.version;
    return r;
  });

const tlsPolicy: fc.Arbitrary<TlsPolicyResult> = fc
  .record({
    policyType: fc.constantFrom("sts", "tlsa", "no-policy-found"),
    policyString: fc.array(text, { maxLength: 3 }),
    policyDomain: domain,
    mxHost: fc.array(domain, { maxLength: 2 }),
    successful: fc.nat({ max: 2 ** 40 }),
    failures: fc.array(
      fc.record({
        resultType: fc.constantFrom("certificate-expired", "starttls-not-supported", "validation-failure", "sts-policy-fetch-error"),
        failedSessions: fc.nat({ max: 10_000 }),
        sendingMtaIp: opt(ip),
        receivingMxHostname: opt(domain),
        receivingMxHelo: opt(text),
        receivingIp: opt(ip),
        additionalInformation: opt(text),
        failureReasonCode: opt(text),
      }).map(defined),
      { maxLength: 3 },
    ),
    extraFailed: fc.nat({ max: 1000 }),
  })
  .map(({ extraFailed, ...p }) => ({ ...p, failed: p.failures.reduce((n, f) => n + f.failedSessions, 0) + extraFailed }));

const tls: fc.Arbitrary<TlsReport> = fc
  .record({ orgName: text, reportId: text, contactInfo: opt(text), begin: fc.nat({ max: 2 ** 33 }), length: fc.nat({ max: 2 ** 20 }), policies: fc.array(tlsPolicy, { maxLength: 3 }) })
  .map(({ length, ...t }) => defined({ kind: "tlsrpt" as const, ...t, end: t.begin + length }));

// ---------------------------------------------------------------------------------------------------------------
// Hostile inputs

const XML_FRAGMENTS = [
  '<?xml version="1.0"?>', "<feedback>", "</feedback>", "<report_metadata>", "<org_name>", "</org_name>", "<report_id>", "<date_range><begin>1</begin><end>2</end></date_range>",
  "<policy_published><domain>example.com</domain></policy_published>", "<record>", "<row><source_ip>192.0.2.1</source_ip><count>3</count>", "<policy_evaluated>",
  "<dkim>pass</dkim>", "<spf>fail</spf>", "</row>", "<![CDATA[", "]]>", "<!--", "-->", "&amp;", "&#x0;", "&#65;", "&lol;", "<!DOCTYPE x>", 'xmlns="urn:ietf:params:xml:ns:dmarc-2.0"', "<a:b>", "/>", "=",
];
const JSON_FRAGMENTS = ['{"organization-name":', '"report-id":', '"date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-02T00:00:00Z"}', '"policies":[', '{"policy":{"policy-type":"sts","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}', "]", "}", ",", "null", "-1", '"x"', "1e400"];
const ARF_FRAGMENTS = ["Feedback-Type: auth-failure\r\n", "User-Agent: x\r\n", "Version: 1\r\n", "Source-IP: 192.0.2.1\r\n", "Reported-Domain: example.com\r\n", "Arrival-Date: Thu, 02 May 2024 10:00:00 +0000\r\n", " folded\r\n", "\r\n", ":", "Reporting-MTA: dns;", "From: <a@b.example>\r\n"];

/** A valid document cut, spliced or with random bytes inserted. */
const mutated = (doc: fc.Arbitrary<string>) =>
  fc.tuple(doc, fc.nat(), fc.nat(), fc.string({ unit: "binary", maxLength: 8 })).map(([d, a, b, ins]) => {
    const i = a % (d.length + 1);
    const j = i + (b % 16);
    return d.slice(0, i) + ins + d.slice(j);
  });

export const properties: NamedProperty[] = [
  {
    name: "reports: aggregate XML never throws, findings are well-formed",
    property: fc.property(fc.oneof(recordishString(XML_FRAGMENTS), mutated(aggregate.map((r) => renderAggregateXml(r))), fc.string({ unit: "binary" })), (s) => {
      const r = parseReportDocument(Buffer.from(s, "utf8"), "f.xml");
      return ["report", "rejected", "other"].includes(r.kind) && wellFormedFindings(r.findings, "f.xml") && (r.kind !== "rejected" || r.findings.some((f) => f.severity === "error"));
    }),
  },
  {
    name: "reports: aggregate parse(render(model)) returns the model with no finding",
    property: fc.property(aggregate, fc.boolean(), (model, prefixed) => {
      const r = parseReportDocument(Buffer.from(renderAggregateXml(model, { prefix: prefixed && model.format === "rfc9990" ? "d" : undefined })), "f.xml");
      return r.kind === "report" && r.findings.length === 0 && isDeepStrictEqual(r.report, model);
    }),
  },
  {
    name: "reports: TLS-RPT JSON never throws, findings are well-formed",
    property: fc.property(fc.oneof(recordishString(JSON_FRAGMENTS), mutated(tls.map(renderTlsJson)), fc.json(), fc.string()), (s) => {
      const r = parseTlsReport(s, "t.json");
      return wellFormedFindings(r.findings, "t.json") && (r.report !== undefined || r.findings.some((f) => f.severity === "error"));
    }),
  },
  {
    name: "reports: TLS-RPT parse(render(model)) returns the model with no error",
    property: fc.property(tls, (model) => {
      const r = parseTlsReport(renderTlsJson(model), "t.json");
      return r.report !== undefined && !r.findings.some((f) => f.severity === "error") && isDeepStrictEqual(r.report, model);
    }),
  },
  {
    name: "reports: ARF fields never throw; a report's identity depends only on its content",
    property: fc.property(recordishString(ARF_FRAGMENTS), fc.option(recordishString(ARF_FRAGMENTS), { nil: undefined }), (fields, headers) => {
      const a = parseFailureReport({ feedbackReport: fields, originalHeaders: headers, message: {} }, "a.eml");
      const b = parseFailureReport({ feedbackReport: fields, originalHeaders: headers, message: { messageId: "<x@y>" } }, "b.eml");
      return wellFormedFindings(a.findings, "a.eml") && a.report?.reportId === b.report?.reportId && (a.report === undefined) === (b.report === undefined);
    }),
  },
  {
    name: "reports: sniffing and text decoding never throw on any bytes",
    property: fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(undefined, "utf-8", "iso-8859-1", "windows-1252", "utf-16", "x-unknown"), (bytes, charset) => {
      const kind = sniff(bytes);
      const d = decodeText(bytes, "b", charset);
      return typeof kind === "string" && typeof d.text === "string" && wellFormedFindings(d.findings, "b");
    }),
  },
  {
    name: "reports: containers (gzip, zip, MIME) never throw on damaged input",
    property: fc.asyncProperty(
      fc.oneof(
        mutated(aggregate.map((r) => renderAggregateXml(r))).map((s) => zlib.gzipSync(s)).chain((gz) => fc.nat({ max: gz.length }).map((n) => gz.subarray(0, n))),
        fc.uint8Array({ maxLength: 96 }).map((b) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(b)])),
        mutated(fc.constant(renderArfMessage({}))).map((s) => Buffer.from(s, "latin1")),
        recordishString(["From: a@b.example\r\n", "To: c@d.example\r\n", "Content-Type: multipart/mixed; boundary=b\r\n", "\r\n--b\r\n", "Content-Transfer-Encoding: base64\r\n", "--b--", "H4sI", "<feedback>"]).map((s) => Buffer.from(`Received: x\r\nSubject: s\r\n${s}`, "latin1")),
      ),
      async (bytes) => {
        const x = await extract(Buffer.from(bytes), "in", DEFAULT_LIMITS);
        return wellFormedFindings(x.findings, "in") && x.rejected >= 0;
      },
    ),
  },
];
