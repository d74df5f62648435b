/**
 * DMARC aggregate reports (RFC 7489 Appendix C; the RFC 9990 schema of DMARCbis, namespace
 * `urn:ietf:params:xml:ns:dmarc-2.0`; the older dmarc.org draft schemas) from a parsed XML tree into the model.
 *
 * What must be right for the numbers to be right is required, and its absence rejects the report (an error):
 * the reporting organisation and report id (the dedup identity), the date range, the policy domain, and each
 * record's source IP, count and evaluated DKIM/SPF results. A report is stored whole or not at all, so a
 * rejected report can be read again once fixed. Values the schemas enumerate are kept in the reporter's
 * spelling when unknown, with a warning; unknown elements (extensions) are ignored, as both RFCs ask.
 */
import { canonicalIp, isIPv4, isIPv6 } from "../../components/records/ip";
import type { AggregateFormat, AggregateRecord, AggregateReport, DkimAuthResult, PolicyOverrideReason, PolicyPublished, SpfAuthResult } from "../model";
import { ReportFinding, quoted } from "../findings";
import { children, child, FindingCollector, guardedRead, leaf, textOf, wholeNumber, XmlNode } from "../tree";
import type { XmlDocument } from "../xml";

export const DMARC2_NAMESPACE = "urn:ietf:params:xml:ns:dmarc-2.0";
const DRAFT_NAMESPACES = [/^http:\/\/dmarc\.org\/dmarc-xml\//];

const ALIGNMENT = ["r", "s"];
const POLICY = ["none", "quarantine", "reject"];
/** RFC 9990 adds "pass" (no action, passing DMARC under an enforcing policy). */
const DISPOSITION = ["none", "quarantine", "reject", "pass"];
const DMARC_RESULT = ["pass", "fail"];
const DKIM_RESULT = ["none", "pass", "fail", "policy", "neutral", "temperror", "permerror"];
/** "hardfail", "unknown" and "error" are RFC 7489-era spellings some generators still write. */
const SPF_RESULT = ["none", "neutral", "pass", "fail", "softfail", "temperror", "permerror", "hardfail", "unknown", "error"];
const SPF_SCOPE = ["mfrom", "helo"];
const OVERRIDE = ["forwarded", "sampled_out", "trusted_forwarder", "mailing_list", "local_policy", "other", "policy_test_mode"];
const TESTING = ["y", "n"];
const DISCOVERY = ["psl", "treewalk"];

export interface AggregateParse {
  report?: AggregateReport;
  findings: ReportFinding[];
}

function formatOf(doc: XmlDocument, c: FindingCollector): AggregateFormat {
  if (doc.namespace === undefined || doc.namespace === "") return "rfc7489";
  if (doc.namespace === DMARC2_NAMESPACE) return "rfc9990";
  if (DRAFT_NAMESPACES.some((r) => r.test(doc.namespace!))) return "draft";
  c.add("aggregate.unknown-namespace", "warning", `<feedback> is in the namespace ${quoted(doc.namespace)}, which is neither RFC 9990's (${DMARC2_NAMESPACE}) nor a known draft's: it was read as RFC 7489.`, "RFC 9990 Appendix A");
  return "rfc7489";
}

/** Read an aggregate report from its XML document (root `<feedback>`). Never throws. */
export function parseAggregateReport(doc: XmlDocument, source: string): AggregateParse {
  const c = new FindingCollector(source);
  return guardedRead(c, "aggregate", "file", () => read(doc, c));
}

function read(doc: XmlDocument, c: FindingCollector): AggregateReport {
  const format = formatOf(doc, c);
  const rfc = format === "rfc9990" ? "RFC 9990 Appendix A" : "RFC 7489 Appendix C";
  const fb = doc.value;
  const version = leaf(fb, "version", "<feedback>", c, "aggregate", rfc);

  const meta = child(fb, "report_metadata", "<feedback>", c, "aggregate.repeated-element", rfc);
  if (meta === undefined) c.add("aggregate.missing-metadata", "error", "<report_metadata> is missing: without the reporting organisation, report id and date range the report cannot be placed or deduplicated, so it was not read.", rfc);
  const orgName = leaf(meta, "org_name", "<report_metadata>", c, "aggregate", rfc);
  const reportId = leaf(meta, "report_id", "<report_metadata>", c, "aggregate", rfc);
  if (meta !== undefined && !orgName) c.add("aggregate.missing-org-name", "error", "<org_name> is missing or empty: reports are deduplicated by reporting organisation and report id, so this one was not read.", rfc);
  if (meta !== undefined && !reportId) c.add("aggregate.missing-report-id", "error", "<report_id> is missing or empty: reports are deduplicated by reporting organisation and report id, so this one was not read.", rfc);
  const range = child(meta, "date_range", "<report_metadata>", c, "aggregate.repeated-element", rfc);
  const beginText = leaf(range, "begin", "<date_range>", c, "aggregate", rfc);
  const endText = leaf(range, "end", "<date_range>", c, "aggregate", rfc);
  const begin = beginText === undefined ? undefined : wholeNumber(beginText);
  const end = endText === undefined ? undefined : wholeNumber(endText);
  if (meta !== undefined && (begin === undefined || end === undefined)) {
    c.add("aggregate.bad-date-range", "error", `<date_range> needs <begin> and <end> as Unix timestamps (seconds); got begin ${quoted(beginText ?? "(none)")} and end ${quoted(endText ?? "(none)")}, so the report cannot be placed in time and was not read.`, rfc);
  } else if (begin !== undefined && end !== undefined && begin > end) {
    c.add("aggregate.date-range-reversed", "warning", `<date_range> begins (${begin}) after it ends (${end}); the report was read with the range as given.`, rfc);
  }
  const errors = children(meta, "error").map((e) => textOf(e) ?? "").filter((e) => e !== "");

  const policy = readPolicy(child(fb, "policy_published", "<feedback>", c, "aggregate.repeated-element", rfc), format, rfc, c);

  const recordNodes = children(fb, "record");
  if (recordNodes.length === 0) c.add("aggregate.no-records", "warning", "the report has no <record>: it says the reporter saw no mail from the domain in its period (the schemas want at least one record). It was stored with 0 messages.", rfc);
  const records = recordNodes.map((r) => readRecord(r, rfc, c));

  const report: AggregateReport = {
    kind: "aggregate",
    format,
    metadata: { orgName: orgName ?? "", reportId: reportId ?? "", begin: begin ?? 0, end: end ?? 0, errors },
    policy,
    records,
  };
  if (doc.namespace) report.namespace = doc.namespace;
  if (version) report.version = version;
  const email = leaf(meta, "email", "<report_metadata>", c, "aggregate", rfc);
  if (email) report.metadata.email = email;
  const extra = leaf(meta, "extra_contact_info", "<report_metadata>", c, "aggregate", rfc);
  if (extra) report.metadata.extraContactInfo = extra;
  const generator = leaf(meta, "generator", "<report_metadata>", c, "aggregate", rfc);
  if (generator) report.metadata.generator = generator;
  return report;
}

/** A value the schema enumerates: lower-cased; an unknown one is kept with a warning. */
function enumerated(value: string | undefined, allowed: readonly string[], element: string, where: string, rfc: string, c: FindingCollector): string | undefined {
  if (value === undefined || value === "") return undefined;
  const v = value.toLowerCase();
  if (!allowed.includes(v)) c.add("aggregate.unknown-value", "warning", `<${element}> in ${where} is ${quoted(value)}, not one of ${allowed.join(", ")}; it was kept as written.`, rfc);
  return v;
}

function readPolicy(pp: XmlNode | undefined, format: AggregateFormat, rfc: string, c: FindingCollector): PolicyPublished {
  if (pp === undefined) {
    c.add("aggregate.missing-policy", "error", "<policy_published> is missing: the report does not say which domain it is about, so it was not read.", rfc);
    return { domain: "" };
  }
  const w = "<policy_published>";
  const domain = (leaf(pp, "domain", w, c, "aggregate", rfc) ?? "").toLowerCase().replace(/\.$/, "");
  if (!domain) c.add("aggregate.missing-domain", "error", "<policy_published> has no <domain>: the report does not say which domain it is about, so it was not read.", rfc);
  const policy: PolicyPublished = { domain };
  const set = <K extends keyof PolicyPublished>(k: K, v: PolicyPublished[K] | undefined) => {
    if (v !== undefined) policy[k] = v;
  };
  set("adkim", enumerated(leaf(pp, "adkim", w, c, "aggregate", rfc), ALIGNMENT, "adkim", w, rfc, c));
  set("aspf", enumerated(leaf(pp, "aspf", w, c, "aggregate", rfc), ALIGNMENT, "aspf", w, rfc, c));
  set("p", enumerated(leaf(pp, "p", w, c, "aggregate", rfc), POLICY, "p", w, rfc, c));
  set("sp", enumerated(leaf(pp, "sp", w, c, "aggregate", rfc), POLICY, "sp", w, rfc, c));
  set("np", enumerated(leaf(pp, "np", w, c, "aggregate", rfc), POLICY, "np", w, rfc, c));
  set("testing", enumerated(leaf(pp, "testing", w, c, "aggregate", rfc), TESTING, "testing", w, rfc, c));
  set("discoveryMethod", enumerated(leaf(pp, "discovery_method", w, c, "aggregate", rfc), DISCOVERY, "discovery_method", w, rfc, c));
  const fo = leaf(pp, "fo", w, c, "aggregate", rfc);
  if (fo) policy.fo = fo;
  const pct = leaf(pp, "pct", w, c, "aggregate", rfc);
  if (pct !== undefined && pct !== "") {
    const n = wholeNumber(pct);
    if (n === undefined || n > 100) c.add("aggregate.bad-pct", "warning", `<pct> is ${quoted(pct)}, not a whole number from 0 to 100; it was left out.`, "RFC 7489 §6.3");
    else policy.pct = n;
    if (format === "rfc9990") c.add("aggregate.pct-in-rfc9990", "info", "<pct> appears in an RFC 9990 report, whose schema removed it; it was kept.", "RFC 9990 Appendix A");
  }
  return policy;
}

function readRecord(rec: XmlNode, rfc: string, c: FindingCollector): AggregateRecord {
  const row = child(rec, "row", "<record>", c, "aggregate.repeated-element", rfc);
  if (row === undefined) c.add("aggregate.missing-row", "error", "a <record> has no <row>: its source IP and message count are unknown, so the report was not read.", rfc);
  const ipText = leaf(row, "source_ip", "<row>", c, "aggregate", rfc) ?? "";
  let sourceIp = ipText;
  if (row !== undefined) {
    // isIPv4 accepts only the four-part decimal form without leading zeros, which is already canonical; IPv6
    // has many spellings of one address (RFC 5952 picks one).
    if (isIPv4(ipText)) sourceIp = ipText;
    else if (isIPv6(ipText)) sourceIp = canonicalIp(ipText);
    else c.add("aggregate.bad-source-ip", "error", `<source_ip> ${quoted(ipText)} is not an IPv4 or IPv6 address: the record cannot be attributed to a sender, so the report was not read.`, rfc);
  }
  const countText = leaf(row, "count", "<row>", c, "aggregate", rfc) ?? "";
  const count = wholeNumber(countText);
  if (row !== undefined && count === undefined) c.add("aggregate.bad-count", "error", `<count> ${quoted(countText)} is not a whole number of messages: the report's totals would be wrong, so it was not read.`, rfc);

  const pe = child(row, "policy_evaluated", "<row>", c, "aggregate.repeated-element", rfc);
  if (row !== undefined && pe === undefined) c.add("aggregate.missing-policy-evaluated", "error", "a <row> has no <policy_evaluated>: whether its messages passed DMARC is unknown, so the report was not read.", rfc);
  const w = "<policy_evaluated>";
  const evaluated = (name: string, allowed: readonly string[]): string => {
    const v = enumerated(leaf(pe, name, w, c, "aggregate", rfc), allowed, name, w, rfc, c);
    if (pe !== undefined && v === undefined) c.add("aggregate.missing-evaluated-result", "error", `<policy_evaluated> has no <${name}>: whether the messages passed DMARC is unknown, so the report was not read.`, rfc);
    return v ?? "";
  };
  const disposition = evaluated("disposition", DISPOSITION);
  const dkim = evaluated("dkim", DMARC_RESULT);
  const spf = evaluated("spf", DMARC_RESULT);
  const reasons: PolicyOverrideReason[] = children(pe, "reason").map((r) => {
    const type = enumerated(leaf(r, "type", "<reason>", c, "aggregate", rfc), OVERRIDE, "type", "<reason>", rfc, c) ?? "";
    const comment = leaf(r, "comment", "<reason>", c, "aggregate", rfc);
    return comment ? { type, comment } : { type };
  });

  const ids = child(rec, "identifiers", "<record>", c, "aggregate.repeated-element", rfc);
  const headerFrom = (leaf(ids, "header_from", "<identifiers>", c, "aggregate", rfc) ?? "").toLowerCase();
  if (!headerFrom) c.add("aggregate.missing-header-from", "warning", "a <record> has no <identifiers><header_from>: its messages are counted for the policy domain.", rfc);
  const record: AggregateRecord = { sourceIp, count: count ?? 0, disposition, dkim, spf, reasons, headerFrom, dkimResults: [], spfResults: [] };
  const envelopeFrom = leaf(ids, "envelope_from", "<identifiers>", c, "aggregate", rfc);
  if (envelopeFrom) record.envelopeFrom = envelopeFrom.toLowerCase();
  const envelopeTo = leaf(ids, "envelope_to", "<identifiers>", c, "aggregate", rfc);
  if (envelopeTo) record.envelopeTo = envelopeTo.toLowerCase();

  const auth = child(rec, "auth_results", "<record>", c, "aggregate.repeated-element", rfc);
  for (const d of children(auth, "dkim")) {
    const r: DkimAuthResult = { domain: (leaf(d, "domain", "<auth_results><dkim>", c, "aggregate", rfc) ?? "").toLowerCase(), result: enumerated(leaf(d, "result", "<auth_results><dkim>", c, "aggregate", rfc), DKIM_RESULT, "result", "<auth_results><dkim>", rfc, c) ?? "" };
    const selector = leaf(d, "selector", "<auth_results><dkim>", c, "aggregate", rfc);
    if (selector) r.selector = selector;
    const human = leaf(d, "human_result", "<auth_results><dkim>", c, "aggregate", rfc);
    if (human) r.humanResult = human;
    record.dkimResults.push(r);
  }
  for (const s of children(auth, "spf")) {
    const r: SpfAuthResult = { domain: (leaf(s, "domain", "<auth_results><spf>", c, "aggregate", rfc) ?? "").toLowerCase(), result: enumerated(leaf(s, "result", "<auth_results><spf>", c, "aggregate", rfc), SPF_RESULT, "result", "<auth_results><spf>", rfc, c) ?? "" };
    const scope = enumerated(leaf(s, "scope", "<auth_results><spf>", c, "aggregate", rfc), SPF_SCOPE, "scope", "<auth_results><spf>", rfc, c);
    if (scope) r.scope = scope;
    const human = leaf(s, "human_result", "<auth_results><spf>", c, "aggregate", rfc);
    if (human) r.humanResult = human;
    record.spfResults.push(r);
  }
  return record;
}
