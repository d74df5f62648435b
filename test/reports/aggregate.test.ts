/**
 * DMARC aggregate reports: RFC 7489 reports written by a real generator (Mail::DMARC), the RFC 9990 schema with
 * its new fields, old drafts, and the documents that must be refused (XXE, billion laughs, malformed, missing
 * identity) or read with a warning (invalid UTF-8, unknown values).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseReportDocument, type DocumentResult } from "../../reports/document";
import type { AggregateReport } from "../../reports/model";
import { generateWithMailDmarc, mailDmarcAvailable } from "../support/mail-dmarc";
import { renderAggregateXml, sampleAggregate } from "../support/reports";

const FIXTURES = path.join(__dirname, "..", "fixtures", "reports");
const parse = (text: string | Buffer, source = "test.xml"): DocumentResult => parseReportDocument(typeof text === "string" ? Buffer.from(text, "utf8") : text, source);
const report = (r: DocumentResult): AggregateReport => {
  if (r.kind !== "report" || r.report.kind !== "aggregate") throw new Error(`not an aggregate report: ${JSON.stringify(r.findings)}`);
  return r.report;
};
const codes = (r: DocumentResult) => r.findings.map((f) => f.code);

describe("RFC 7489 reports written by Mail::DMARC", () => {
  const run = mailDmarcAvailable() ? test : test.skip;
  run("every field the generator writes is read back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-agg-"));
    const records = sampleAggregate().records;
    const [xml] = generateWithMailDmarc(
      [{ orgName: "mail-dmarc.example", email: "dmarc@mail-dmarc.example", reportId: "md-1", begin: 1714521600, end: 1714607999, policy: { domain: "example.com", p: "quarantine", adkim: "s", aspf: "r", pct: 50 }, records }],
      dir,
    ).xml;
    const r = parse(fs.readFileSync(xml), xml);
    expect(r.findings).toEqual([]);
    const a = report(r);
    expect(a.format).toBe("rfc7489");
    expect(a.metadata).toMatchObject({ orgName: "mail-dmarc.example", email: "dmarc@mail-dmarc.example", reportId: "md-1", begin: 1714521600, end: 1714607999 });
    expect(a.policy).toMatchObject({ domain: "example.com", p: "quarantine", sp: "quarantine", adkim: "s", aspf: "r", pct: 50 });
    expect(a.records.map((x) => [x.sourceIp, x.count, x.dkim, x.spf, x.disposition])).toEqual([
      ["203.0.113.5", 40, "pass", "pass", "none"],
      ["198.51.100.7", 3, "fail", "fail", "none"],
    ]);
    expect(a.records[0].dkimResults).toEqual([{ domain: "example.com", selector: "s2026", result: "pass" }]);
    expect(a.records[1].spfResults).toEqual([{ domain: "spoof.example", scope: "mfrom", result: "softfail" }]);
    expect(a.records[1].envelopeFrom).toBe("spoof.example");
  });
});

describe("RFC 9990 (DMARCbis) reports", () => {
  test("the fixture: namespace, np, testing, discovery_method, generator, selector, scope, human_result, extensions ignored", () => {
    const r = parse(fs.readFileSync(path.join(FIXTURES, "aggregate-rfc9990.xml")));
    expect(r.findings).toEqual([]);
    const a = report(r);
    expect(a.format).toBe("rfc9990");
    expect(a.namespace).toBe("urn:ietf:params:xml:ns:dmarc-2.0");
    expect(a.metadata.generator).toBe("ExampleMTA 4.2");
    expect(a.metadata.errors).toEqual(["rua: the URI mailto:dmarc@thirdparty.example is not authorized"]);
    expect(a.policy).toEqual({ domain: "example.com", discoveryMethod: "treewalk", adkim: "r", aspf: "s", p: "quarantine", sp: "reject", np: "reject", testing: "n", fo: "1" });
    expect(a.records).toHaveLength(2);
    expect(a.records[0]).toMatchObject({ sourceIp: "2001:db8::25", count: 1200, disposition: "pass", dkim: "pass", spf: "fail" });
    expect(a.records[0].dkimResults).toEqual([
      { domain: "example.com", selector: "s2026", result: "pass", humanResult: "good signature" },
      { domain: "esp.example", selector: "k1", result: "pass" },
    ]);
    expect(a.records[0].spfResults).toEqual([{ domain: "bounce.esp.example", scope: "mfrom", result: "fail", humanResult: "not in the SPF record" }]);
    expect(a.records[1].reasons).toEqual([{ type: "policy_test_mode" }, { type: "mailing_list", comment: "list.example" }]);
    expect(a.records[1].envelopeTo).toBe("receiver.example");
  });

  test("with a namespace prefix on every element", () => {
    const model = sampleAggregate({ format: "rfc9990" });
    model.namespace = "urn:ietf:params:xml:ns:dmarc-2.0";
    const a = report(parse(renderAggregateXml(model, { prefix: "dmarc" })));
    expect(a.format).toBe("rfc9990");
    expect(a.records.map((r) => r.count)).toEqual([40, 3]);
  });
});

describe("dialects and old drafts", () => {
  test("the dmarc.org draft schema: no version, no scope, legacy result names", () => {
    const r = parse(fs.readFileSync(path.join(FIXTURES, "aggregate-draft.xml")));
    const a = report(r);
    expect(a.format).toBe("draft");
    expect(a.version).toBeUndefined();
    expect(a.records[0].spfResults).toEqual([{ domain: "example.com", result: "hardfail" }]);
    expect(r.findings).toEqual([]);
  });

  test("unknown enumerated values are kept, lower-cased, with one warning each", () => {
    const x = renderAggregateXml(sampleAggregate()).replace("<disposition>none</disposition>", "<disposition>Delivered</disposition>").replace("<p>none</p>", "<p>monitor</p>");
    const r = parse(x);
    const a = report(r);
    expect(a.records[0].disposition).toBe("delivered");
    expect(a.policy.p).toBe("monitor");
    expect(codes(r)).toEqual(["aggregate.unknown-value", "aggregate.unknown-value"]);
  });

  test("a repeated problem is one finding with its count", () => {
    const model = sampleAggregate();
    model.records = Array.from({ length: 5 }, (_, i) => ({ ...model.records[0], sourceIp: `192.0.2.${i + 1}`, disposition: "bounced" }));
    const r = parse(renderAggregateXml(model));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toMatch(/\(5 times in this report\)$/);
  });

  test("entities and character references are decoded; CDATA is taken literally", () => {
    const x = renderAggregateXml(sampleAggregate({ orgName: "AT&T Mail" })).replace("<email>noreply-dmarc-support@google.com</email>", "<email>caf&#xE9;&#64;example.com</email>").replace("<report_id>1234567890</report_id>", "<report_id><![CDATA[id&amp;<1>]]></report_id>");
    const a = report(parse(x));
    expect(a.metadata.orgName).toBe("AT&T Mail");
    expect(a.metadata.email).toBe("café@example.com");
    expect(a.metadata.reportId).toBe("id&amp;<1>");
  });

  test("an empty report (no record) is stored with a warning", () => {
    const r = parse(renderAggregateXml(sampleAggregate({ records: [] })));
    expect(report(r).records).toEqual([]);
    expect(codes(r)).toEqual(["aggregate.no-records"]);
  });

  test("IPv6 source addresses are stored in RFC 5952 form", () => {
    const model = sampleAggregate();
    model.records[0].sourceIp = "2001:0DB8:0000:0000:0000:0000:0000:0025";
    expect(report(parse(renderAggregateXml(model))).records[0].sourceIp).toBe("2001:db8::25");
  });
});

describe("character encodings", () => {
  test("invalid UTF-8 is read with U+FFFD and a warning naming the offset", () => {
    const x = Buffer.from(renderAggregateXml(sampleAggregate({ extraContactInfo: "Müller" })), "utf8");
    const i = x.indexOf(Buffer.from("ü"));
    const broken = Buffer.concat([x.subarray(0, i), Buffer.from([0xfc]), x.subarray(i + 2)]);
    const r = parse(broken);
    expect(report(r).metadata.extraContactInfo).toBe("M\uFFFDller");
    expect(r.findings).toEqual([expect.objectContaining({ code: "text.invalid-utf8", severity: "warning", source: "test.xml" })]);
    expect(r.findings[0].message).toContain(`offset ${i}`);
  });

  test("a declared windows-1252 document and a UTF-16 document with a BOM", () => {
    const xml = renderAggregateXml(sampleAggregate({ extraContactInfo: "Müller – €" })).replace('encoding="UTF-8"', 'encoding="windows-1252"');
    const cp1252 = Buffer.from(xml.replace("Müller – €", "M\u00fcller \u0096 \u0080"), "latin1");
    expect(report(parse(cp1252)).metadata.extraContactInfo).toBe("Müller – €");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(renderAggregateXml(sampleAggregate({ extraContactInfo: "Müller" })).replace('encoding="UTF-8"', 'encoding="UTF-16"'), "utf16le")]);
    expect(report(parse(utf16)).metadata.extraContactInfo).toBe("Müller");
  });
});

describe("refused: reports are attacked through their XML", () => {
  test("XXE: an external entity is refused, never fetched or read", () => {
    const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-xxe-")), "secret.txt");
    fs.writeFileSync(secret, "TOP-SECRET");
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file://${secret}">]>\n` + renderAggregateXml(sampleAggregate({ orgName: "&xxe;" }), { declaration: false }).replace("&amp;xxe;", "&xxe;");
    const r = parse(xxe);
    expect(r.kind).toBe("rejected");
    expect(codes(r)).toEqual(["xml.doctype-refused"]);
    expect(JSON.stringify(r)).not.toContain("TOP-SECRET");
  });

  test("billion laughs: entity expansion is refused at once", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("");
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]><feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`;
    const t0 = Date.now();
    const r = parse(bomb);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.kind).toBe("rejected");
    expect(codes(r)).toEqual(["xml.doctype-refused"]);
  });

  test("an undeclared entity makes the document not well-formed", () => {
    const r = parse(renderAggregateXml(sampleAggregate()).replace("<org_name>google.com</org_name>", "<org_name>&nbsp;google.com</org_name>"));
    expect(r.kind).toBe("rejected");
    expect(codes(r)).toEqual(["xml.not-well-formed"]);
    expect(r.findings[0].message).toMatch(/undefined entity/);
  });

  test("a truncated document is refused whole, with the line it broke at", () => {
    const x = renderAggregateXml(sampleAggregate());
    const r = parse(x.slice(0, Math.floor(x.length * 0.7)));
    expect(r.kind).toBe("rejected");
    expect(r.findings[0]).toMatchObject({ code: "xml.not-well-formed", severity: "error" });
    expect(r.findings[0].message).toMatch(/at line \d+/);
  });
});

describe("refused: what the numbers depend on", () => {
  test.each([
    ["org_name", (x: string) => x.replace("<org_name>google.com</org_name>", ""), "aggregate.missing-org-name"],
    ["report_id", (x: string) => x.replace("<report_id>1234567890</report_id>", "<report_id> </report_id>"), "aggregate.missing-report-id"],
    ["date_range", (x: string) => x.replace("<begin>1714521600</begin>", "<begin>yesterday</begin>"), "aggregate.bad-date-range"],
    ["policy domain", (x: string) => x.replace("<domain>example.com</domain>\n    <adkim>", "<adkim>"), "aggregate.missing-domain"],
    ["source_ip", (x: string) => x.replace("<source_ip>203.0.113.5</source_ip>", "<source_ip>203.0.113.500</source_ip>"), "aggregate.bad-source-ip"],
    ["count", (x: string) => x.replace("<count>40</count>", "<count>-4</count>"), "aggregate.bad-count"],
    ["repeated count", (x: string) => x.replace("<count>40</count>", "<count>40</count><count>41</count>"), "aggregate.repeated-element"],
    ["evaluated dkim", (x: string) => x.replace("<dkim>pass</dkim>\n        <spf>", "<spf>"), "aggregate.missing-evaluated-result"],
  ])("a report without a readable %s is rejected", (_name, mutate, code) => {
    const r = parse(mutate(renderAggregateXml(sampleAggregate())));
    expect(r.kind).toBe("rejected");
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.code)).toContain(code);
    for (const f of r.findings) expect(f.message.length).toBeGreaterThan(20);
  });

  test("other XML is not a report: skipped with a warning, not rejected", () => {
    const r = parse('<?xml version="1.0"?><rss><channel/></rss>');
    expect(r.kind).toBe("other");
    expect(r.findings).toEqual([expect.objectContaining({ code: "source.not-a-report", severity: "warning" })]);
  });
});
