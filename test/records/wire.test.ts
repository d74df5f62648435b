/** What a record set costs on the wire, checked against messages encoded by dns-packet. */
import * as dnsPacket from "dns-packet";
import { answerOctets, nameWireOctets } from "../../components/records/wire";
import { splitTxt } from "../../components/records/txt";

/** dns-packet writes every owner name in full; the formula counts them compressed to a 2-octet pointer. */
function encodedOctets(name: string, type: "MX" | "TXT" | "CNAME", values: { content: string; priority?: number }[]): number {
  const answers = values.map((v) => {
    if (type === "TXT") return { type, name, ttl: 3600, data: splitTxt(v.content).map((s) => Buffer.from(s)) };
    if (type === "MX") return { type, name, ttl: 3600, data: { preference: v.priority ?? 0, exchange: v.content } };
    return { type, name, ttl: 3600, data: v.content };
  });
  const message = dnsPacket.encode({ type: "response", id: 1, questions: [{ type, name }], answers } as dnsPacket.Packet);
  return message.length - values.length * (nameWireOctets(name) - 2);
}

test.each([
  ["one SPF record", "example.com", "TXT", [{ content: "v=spf1 mx -all" }]],
  ["a 2048-bit DKIM key in two strings", "s1._domainkey.example.com", "TXT", [{ content: `v=DKIM1; k=rsa; p=${"A".repeat(392)}` }]],
  ["forty long verification tokens", "example.com", "TXT", Array.from({ length: 40 }, (_, i) => ({ content: `t${i}=${"x".repeat(600)}` }))],
  ["an empty TXT value", "example.com", "TXT", [{ content: "" }]],
  ["non-ASCII text", "example.com", "TXT", [{ content: "é".repeat(200) }]],
  ["three MX hosts", "example.com", "MX", [{ content: "mx1.example.com", priority: 10 }, { content: "mx2.example.com", priority: 20 }, { content: "backup.example.net", priority: 30 }]],
  ["a null MX", "example.com", "MX", [{ content: ".", priority: 0 }]],
  ["a CNAME", "s1._domainkey.example.com", "CNAME", [{ content: "s1.dkim.example.net" }]],
] as const)("%s", (_title, name, type, values) => {
  expect(answerOctets(name, type, values)).toBe(encodedOctets(name, type, [...values]));
});

test("names in wire form: labels with their lengths and the root", () => {
  expect(nameWireOctets(".")).toBe(1);
  expect(nameWireOctets("example.com")).toBe(13);
  expect(nameWireOctets("example.com.")).toBe(13);
});
