/** DMARC failure reports (RFC 6591 in the RFC 5965 format): the machine-readable fields and the identity. */
import { parseFailureReport, parseHeaderFields, addressDomain } from "../../reports/failure/parse";

const FIELDS = [
  "Feedback-Type: auth-failure",
  "User-Agent: SomeGenerator/1.0",
  "Version: 1",
  "Original-Mail-From: <somespammer@example.net>",
  "Original-Rcpt-To: <user@example.com>",
  "Original-Rcpt-To: <other@example.com>",
  "Arrival-Date: Tue, 08 Mar 2005 14:00:00 -0400",
  "Source-IP: 192.0.2.1",
  "Reporting-MTA: dns; mail.receiver.example",
  "Authentication-Results: mail.example.com;",
  "    dkim=fail header.d=example.net",
  "Auth-Failure: signature",
  "Delivery-Result: delivered",
  "DKIM-Domain: example.net",
  "DKIM-Identity: @example.net",
  "DKIM-Selector: testing",
  "Reported-Domain: Example.NET",
].join("\r\n");
const HEADERS = "From: <someone@example.net>\r\nTo: <user@example.com>\r\nSubject: Earn money\r\nMessage-ID: <12345.abc@example.net>\r\nDate: Tue, 08 Mar 2005 14:00:00 -0400\r\n";

test("every RFC 6591 field is read; folded fields are unfolded", () => {
  const r = parseFailureReport({ feedbackReport: FIELDS, originalHeaders: HEADERS, message: { messageId: "<r1@receiver.example>", from: "ruf@receiver.example" } }, "r.eml");
  expect(r.findings).toEqual([]);
  expect(r.report).toMatchObject({
    kind: "failure",
    orgName: "mail.receiver.example",
    feedbackType: "auth-failure",
    userAgent: "SomeGenerator/1.0",
    version: "1",
    domain: "example.net",
    sourceIp: "192.0.2.1",
    arrivalDate: 1110304800,
    authFailure: "signature",
    authenticationResults: "mail.example.com; dkim=fail header.d=example.net",
    originalMailFrom: "<somespammer@example.net>",
    originalRcptTo: ["<user@example.com>", "<other@example.com>"],
    reportingMta: "mail.receiver.example",
    deliveryResult: "delivered",
    dkimDomain: "example.net",
    dkimSelector: "testing",
    dkimIdentity: "@example.net",
    original: { from: "<someone@example.net>", subject: "Earn money", messageId: "<12345.abc@example.net>" },
  });
  expect(r.report!.reportId).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test("the identity: the same report is the same id whatever its line endings; another message is another id", () => {
  const a = parseFailureReport({ feedbackReport: FIELDS, originalHeaders: HEADERS, message: {} }, "a").report!;
  const b = parseFailureReport({ feedbackReport: FIELDS.replace(/\r\n/g, "\n"), originalHeaders: HEADERS.replace(/\r\n/g, "\n"), message: { messageId: "<other>" } }, "b").report!;
  const c = parseFailureReport({ feedbackReport: FIELDS, originalHeaders: HEADERS.replace("12345.abc", "67890.def"), message: {} }, "c").report!;
  expect(a.reportId).toBe(b.reportId);
  expect(a.reportId).not.toBe(c.reportId);
});

test("the domain falls back to the original From:, and the reporter to the report's From: domain", () => {
  const fields = FIELDS.split("\r\n").filter((l) => !/^(Reported-Domain|Reporting-MTA|DKIM-Domain)/.test(l)).join("\r\n");
  const r = parseFailureReport({ feedbackReport: fields, originalHeaders: "From: Boss <boss@Shop.Example>\r\n", message: { from: "Reports <ruf@mx.receiver.example>" } }, "r").report!;
  expect(r.domain).toBe("shop.example");
  expect(r.orgName).toBe("mx.receiver.example");
});

test("a report without Feedback-Type, or without any domain, is rejected with the reason", () => {
  const noType = parseFailureReport({ feedbackReport: "User-Agent: x\r\n", message: {} }, "r");
  expect(noType.report).toBeUndefined();
  expect(noType.findings[0].code).toBe("failure.missing-feedback-type");
  const noDomain = parseFailureReport({ feedbackReport: "Feedback-Type: auth-failure\r\nUser-Agent: x\r\nVersion: 1\r\nAuth-Failure: dmarc\r\n", message: {} }, "r");
  expect(noDomain.report).toBeUndefined();
  expect(noDomain.findings.map((f) => f.code)).toEqual(["failure.no-original-headers", "failure.no-domain"]);
});

test("dialects: a bad Source-IP, a bad date, a feedback-loop type are read with findings", () => {
  const r = parseFailureReport({ feedbackReport: "Feedback-Type: abuse\r\nUser-Agent: x\r\nVersion: 1\r\nSource-IP: unknown\r\nArrival-Date: someday\r\nReported-Domain: example.com\r\n", originalHeaders: "", message: { date: 1714600000 } }, "r");
  expect(r.report).toMatchObject({ feedbackType: "abuse", arrivalDate: 1714600000 });
  expect(r.report!.sourceIp).toBeUndefined();
  expect(r.findings.map((f) => f.code).sort()).toEqual(["failure.bad-date", "failure.bad-source-ip", "failure.not-auth-failure"]);
});

test("header fields and addresses", () => {
  expect(parseHeaderFields("A: 1\r\n  continued\r\nB:2\r\n\r\nC: body")).toEqual([{ name: "A", value: "1 continued" }, { name: "B", value: "2" }]);
  expect(addressDomain('"Name" <a@Example.com>')).toBe("example.com");
  expect(addressDomain("a@example.com")).toBe("example.com");
  expect(addressDomain("nobody")).toBeUndefined();
});
