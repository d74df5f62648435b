/**
 * `check --message`: the header is read in one linear pass (100,000 folded Received: fields used to take 87 s in
 * the project's own header reading), Gmail's header limits decide the verdict before authentication does, and a
 * message within them is still authenticated by mailauth against a real DNS server.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readMessageHeader, fieldValues, gmailHeaderLimits } from "../../cli/check/message-header";
import { messageWithReceived } from "../support/messages";
import { startDnsServer, type DnsServer } from "../support/dns";
import { checkJson, codes, compliantRecords, message, rsaKey } from "./check-support";

const key = rsaKey();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-message-"));
let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer([
    { origin: "example.com", records: compliantRecords("example.com", key, { ip: "192.0.2.1" }) },
    { origin: "2.0.192.in-addr.arpa", records: [{ name: "1.2.0.192.in-addr.arpa", type: "PTR", value: "mx1.example.com." }] },
  ]);
});
afterAll(async () => {
  await dns?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, content: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("reading the header", () => {
  test("folded fields are unfolded, LF-only line ends work, the body is not read as header", () => {
    const h = readMessageHeader(Buffer.from("From: \"Sales, EU\"\n <sales@example.com>\nSubject: a\n\tb\nX-Empty:\n\nFrom: body@example.org\n"));
    expect(h.fields.map((f) => [f.name, f.value])).toEqual([["From", '"Sales, EU" <sales@example.com>'], ["Subject", "a\tb"], ["X-Empty", ""]]);
    expect(h.lines).toBe(5);
    expect(h.hasBody).toBe(true);
    expect(fieldValues(h, "FROM")).toEqual(['"Sales, EU" <sales@example.com>']);
  });

  test("a line without a colon is counted as malformed, not glued to a field", () => {
    const h = readMessageHeader(Buffer.from("From: a@example.com\r\nthis is not a field\r\nTo: b@example.org\r\n\r\n"));
    expect(h.fields.map((f) => f.key)).toEqual(["from", "to"]);
    expect(h.malformed).toBe(1);
  });

  test("100,000 Received: fields are read whole, each once (the quadratic reader took 159 s on this size; npm run bench:message measures it)", () => {
    const h = readMessageHeader(messageWithReceived(100_000));
    expect(h.fields).toHaveLength(100_004);
    expect(h.fields.filter((f) => f.key === "received")).toHaveLength(100_000);
    expect(h.malformed).toBe(0);
  });

  test("Gmail's limits: field count, total size, one field, Message-ID, Subject", () => {
    const many = gmailHeaderLimits(readMessageHeader(messageWithReceived(6000)));
    expect(many.map((l) => l.limit)).toEqual(["total-size", "field-count"]);
    expect(many[1].message).toMatch(/6,004 fields \(6,000 of them Received:\) and Gmail accepts at most 5,000/);
    const fields = gmailHeaderLimits(readMessageHeader(Buffer.from(`From: a@example.com\r\nX-Data: ${"x".repeat(40_000)}\r\nTo: ${"b@example.org, ".repeat(3000)}\r\nMessage-ID: <${"m".repeat(600)}@example.com>\r\nSubject: ${"s".repeat(1200)}\r\n\r\n`)));
    expect(fields.map((l) => [l.limit, l.field])).toEqual([["field-size", "X-Data"], ["message-id", "Message-ID"], ["subject", "Subject"]]);
  });
});

describe("check --message", () => {
  test("100,000 folded Received: fields: Gmail's header limits, a reject verdict, SPF still evaluated, in seconds", async () => {
    const file = write("received-100k.eml", messageWithReceived(100_000));
    const { code, doc } = await checkJson(["--message", file, "--ip", "192.0.2.1", "--server", dns.address]);
    expect(code).toBe(1);
    const [r] = doc.results;
    expect(r.domain).toBe("example.com");
    const limits = r.findings.filter((f) => f.code === "message.header-limit");
    expect(limits.map((f) => f.message)).toEqual([
      expect.stringMatching(/^the header is 1\d\.\d MB and Gmail accepts at most 500 KB for all header fields together: Gmail refuses the message/),
      expect.stringMatching(/^the header has 100,004 fields \(100,000 of them Received:\) and Gmail accepts at most 5,000/),
    ]);
    expect(codes(r)).toEqual(expect.arrayContaining(["message.not-authenticated", "message.spf-pass", "message.dmarc-not-evaluated"]));
    expect(codes(r)).not.toContain("message.dkim-none");
    expect(r.verdict?.outcome).toBe("reject");
    expect(r.verdict?.summary).toMatch(/^Gmail will refuse this message before authenticating it: the header is 1\d\.\d MB/);
    expect(doc.message?.spf.result).toBe("pass");
    expect(doc.message?.authenticationResults).toBe("");
  }, 20_000);

  test("a Subject over 998 characters: still authenticated (DKIM passes), but Gmail refuses it", async () => {
    const text = (await message("sales@example.com")).toString().replace("Subject: Quarterly report", `Subject: ${"Quarterly report ".repeat(70)}`);
    const file = write("long-subject.eml", await sign(text));
    const { code, doc } = await checkJson(["--message", file, "--ip", "192.0.2.1", "--server", dns.address]);
    expect(code).toBe(1);
    const [r] = doc.results;
    expect(r.findings.find((f) => f.code === "message.header-limit")?.message).toMatch(/^the Subject: is 11\d\d characters and Gmail accepts at most 998/);
    expect(codes(r)).toContain("message.dkim-pass");
    expect(codes(r)).not.toContain("message.not-authenticated");
    expect(doc.message?.authenticationResults).toMatch(/dkim=pass/);
    expect(r.verdict?.outcome).toBe("reject");
  });

  test("the From: address is read by an RFC 5322 address parser (comments, quoted commas, groups)", async () => {
    const file = write("comment-from.eml", "From: sales@example.com (Sales, EU)\r\nTo: x@example.org\r\nSubject: hi\r\n\r\nhello\r\n");
    const { doc } = await checkJson(["--message", file, "--ip", "192.0.2.1", "--server", dns.address]);
    expect(doc.results[0].domain).toBe("example.com");
  });
});

/** DKIM-sign a message text with the test key, as selector s2026 of example.com. */
async function sign(text: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dkimSign } = require("mailauth") as { dkimSign: (m: string, o: unknown) => Promise<{ signatures: string }> };
  const signed = await dkimSign(text, { signatureData: [{ signingDomain: "example.com", selector: "s2026", privateKey: key.privateKeyPem }] });
  return Buffer.from(signed.signatures + text);
}
