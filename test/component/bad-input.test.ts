/**
 * Bad arguments: one MailDomainArgsError listing each problem with its field path, and nothing
 * registered (the error is thrown before the component itself registers).
 */
import { MailDomain, MailDomainArgs, MailDomainArgsError } from "../../components";
import { runProgram } from "../support/pulumi";
import { expectRefused, panelKey } from "./fixtures";
import { generateKeyPairSync } from "node:crypto";
import { ed25519SeedOffCurve } from "../support/keys";

const weakKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const base: MailDomainArgs = { domain: "example.com", cloudflare: {}, mx: [{ host: "mx.example.com", priority: 10 }] };
const cf = (extra: Partial<MailDomainArgs>): MailDomainArgs => ({ ...base, ...extra });
// YAML gives plain strings and numbers where TypeScript would check enums and types.
const any = (v: unknown) => v as never;
/** A valid domain of exactly `octets` octets (labels of at most 63). */
const domainOf = (octets: number) => {
  const labels: string[] = [];
  let left = octets - 4; // ".com"
  while (left > 0) {
    const n = Math.min(63, left - (labels.length ? 1 : 0));
    labels.push("a".repeat(n));
    left -= n + (labels.length > 1 ? 1 : 0);
  }
  return `${labels.join(".")}.com`;
};
const ed = generateKeyPairSync("ed25519").privateKey;
const edPrivateDer = ed.export({ type: "pkcs8", format: "der" }).toString("base64");
const seed = ed25519SeedOffCurve().seed.toString("base64");

const cases: [string, MailDomainArgs, string, RegExp?][] = [
  ["both DNS managers", { ...base, route53: {} }, "cloudflare/route53"],
  ["no DNS manager", { domain: "example.com", nullMx: true }, "cloudflare/route53"],
  ["an empty domain", cf({ domain: "" }), "domain"],
  ["a domain with a space", cf({ domain: "exa mple.com" }), "domain"],
  ["an IP address as domain", cf({ domain: "192.0.2.1" }), "domain"],
  ["a zone that does not contain the domain", cf({ cloudflare: { zoneName: "example.org" } }), "cloudflare.zoneName"],
  ["a TTL of 0", cf({ ttl: 0 }), "ttl"],
  ["a fractional TTL", cf({ ttl: 1.5 }), "ttl"],
  ["a TTL Cloudflare refuses", cf({ ttl: 30 }), "ttl", /1 \(automatic\) or 60 to 86400/],
  ["an MX host that is an IP literal", cf({ mx: [{ host: "192.0.2.10", priority: 10 }] }), "mx[0].host"],
  ["an MX priority above 65535", cf({ mx: [{ host: "mx.example.com", priority: 70000 }] }), "mx[0].priority"],
  ["null MX mixed with MX", cf({ nullMx: true }), "nullMx"],
  ["an ip4 of 300.1.1.1", cf({ spf: { ip4: ["300.1.1.1"] } }), "spf.ip4[0]"],
  ["an ip4 CIDR of /33", cf({ spf: { ip4: ["192.0.2.0/33"] } }), "spf.ip4[0]"],
  ["an ip6 that is not IPv6", cf({ spf: { ip6: ["2001:db8::zz"] } }), "spf.ip6[0]"],
  ["an include with an injected term", cf({ spf: { include: ["_spf.google.com ip4:0.0.0.0/0"] } }), "spf.include[0]"],
  ["an unknown all value", cf({ spf: { all: any("deny") } }), "spf.all"],
  ["more than 10 DNS lookups", cf({ spf: { include: Array.from({ length: 11 }, (_, i) => `s${i}.example.net`) } }), "spf"],
  ["a selector with a space", cf({ dkim: [{ selector: "my key" }] }), "dkim[0].selector"],
  ["a selector twice", cf({ dkim: [{ selector: "s1" }, { selector: "S1" }] }), "dkim[1].selector"],
  ["a 1024-bit generated key", cf({ dkim: [{ selector: "s1", algorithm: any("rsa1024") }] }), "dkim[0].algorithm"],
  ["a publicKey that is not a key", cf({ dkim: [{ selector: "s1", publicKey: "not a key" }] }), "dkim[0].publicKey"],
  ["a private key given as publicKey", cf({ dkim: [{ selector: "s1", publicKey: panelKey.privateKeyPem }] }), "dkim[0].publicKey", /PRIVATE|private/],
  ["publicKey and cnameTarget together", cf({ dkim: [{ selector: "s1", publicKey: weakKey, cnameTarget: "x.example.net" }] }), "dkim[0]"],
  ["a cnameTarget that is not a host name", cf({ dkim: [{ selector: "s1", cnameTarget: "not a host" }] }), "dkim[0].cnameTarget"],
  ["pct 150", cf({ dmarc: { policy: any("reject"), percent: 150 } }), "dmarc.percent"],
  ["pct 50.5", cf({ dmarc: { policy: any("reject"), percent: 50.5 } }), "dmarc.percent"],
  ["a rua without mailto:", cf({ dmarc: { policy: any("reject"), rua: ["dmarc@example.com"] } }), "dmarc.rua[0]", /mailto:/],
  ["a rua that injects a second p=", cf({ dmarc: { policy: any("reject"), rua: ["mailto:a@example.com; p=none"] } }), "dmarc.rua[0]"],
  ["a DMARC policy that does not exist", cf({ dmarc: { policy: any("block") } }), "dmarc.policy"],
  ["fo with an unknown option", cf({ dmarc: { policy: any("reject"), failureOptions: ["2"] } }), "dmarc.failureOptions[0]"],
  ["an adkim value that is not r or s", cf({ dmarc: { policy: any("reject"), dkimAlignment: any("x") } }), "dmarc.dkimAlignment"],
  ["MTA-STS max_age above a year", cf({ mtaSts: { mode: any("enforce"), maxAge: 40000000 } }), "mtaSts.maxAge"],
  ["MTA-STS enforce not covering the MX", cf({ mtaSts: { mode: any("enforce"), mx: ["other.example.net"] } }), "mtaSts.mx"],
  ["MTA-STS with a null MX", { ...base, mx: undefined, nullMx: true, mtaSts: { mode: any("testing") } }, "mtaSts"],
  ["a TLS-RPT rua that is not a URI", cf({ tlsRpt: { rua: ["tls at example.com"] } }), "tlsRpt.rua[0]"],
  ["BIMI over http", cf({ bimi: { logoUrl: "http://example.com/logo.svg" }, dmarc: { policy: any("reject") } }), "bimi.logoUrl"],
  ["BIMI without an enforcing DMARC", cf({ bimi: { logoUrl: "https://example.com/logo.svg" }, dmarc: { policy: any("none") } }), "bimi"],
  ["an extraTxt with a newline", cf({ extraTxt: ["token=1\nv=spf1 +all"] }), "extraTxt[0]"],
  ["an extraTxt that is a second SPF record", cf({ spf: {}, extraTxt: ["v=spf1 -all"] }), "extraTxt"],
  ["a parked domain that also declares MX", cf({ parked: true }), "mx"],
  ["two mailbox providers", cf({ mx: undefined, googleWorkspace: {}, fastmail: {} }), "googleWorkspace, fastmail"],
  ["a Microsoft 365 tenant with a dot", cf({ mx: undefined, microsoft365: { tenant: "contoso.onmicrosoft.com" } }), "microsoft365.tenant"],
  ["an SES region that does not exist", cf({ amazonSes: { region: "europe", dkimTokens: [] } }), "amazonSes.region"],
  // Misspelled and unknown arguments (issue 9)
  ["a misspelled spf", { ...base, ...({ spff: { mx: true } } as object) }, "spff", /unknown argument; did you mean `spf`\?/],
  ["a misspelled zoneName", { ...base, cloudflare: any({ zonename: "example.com" }) }, "cloudflare.zonename", /did you mean `zoneName`/],
  ["a misspelled DKIM key argument", cf({ dkim: [any({ selector: "s1", publickey: panelKey.publicKeyPem })] }), "dkim[0].publickey", /did you mean `publicKey`/],
  ["a DMARC tag name as argument", cf({ dmarc: any({ policy: "reject", pct: 100 }) }), "dmarc.pct", /did you mean `percent`/],
  ["a misspelled preset argument", cf({ mx: undefined, googleWorkspace: any({ siteVerfication: [] }) }), "googleWorkspace.siteVerfication", /did you mean `siteVerification`/],
  ["spf as its record text", cf({ spf: any("v=spf1 mx -all") }), "spf", /write spf: \{ mx: true, all: "-all" \}/],
  // Wrong types and sizes (issue 10)
  ["extraTxt as a string", cf({ extraTxt: any("MS=ms12345678") }), "extraTxt", /Write it as a list: extraTxt: \["MS=ms12345678"\]/],
  ["parked as a string", cf({ mx: undefined, parked: any("yes") }), "parked", /must be true or false/],
  ["an SPF extraTxt with a bad ip4", cf({ extraTxt: ["v=spf1 ip4:300.1.1.1 -all"] }), "extraTxt[0]", /not an IPv4 address/],
  ["an SPF extraTxt over 10 lookups", cf({ extraTxt: [`v=spf1 ${Array.from({ length: 12 }, (_, i) => `include:s${i}.example.net`).join(" ")} -all`] }), "extraTxt[0]", /spf\.too-many-lookups/],
  ["an SPF extraTxt with two redirects, in upper case", cf({ extraTxt: ["V=SPF1 redirect=a.example.net redirect=b.example.net"] }), "extraTxt[0]", /redirect/],
  ["a private key as extraTxt", cf({ extraTxt: [edPrivateDer] }), "extraTxt[0]", /PRIVATE key/],
  ["an Ed25519 private seed as publicKey", cf({ dkim: [{ selector: "ed", publicKey: seed }] }), "dkim[0].publicKey", /PRIVATE key/],
  ["a private key as a preset's DKIM key", cf({ mx: undefined, zohoMail: { dkimSelector: "zm", dkimPublicKey: panelKey.privateKeyPem } }), "zohoMail.dkimPublicKey", /PRIVATE key/],
  ["_dmarc. and a 251-octet domain", { ...base, domain: domainOf(251), cloudflare: {}, dmarc: { policy: any("reject") } }, "domain", /258 octets; a DNS name holds at most 253/],
  ["a selector whose record name is over 253 octets", { ...base, domain: domainOf(200), cloudflare: {}, dkim: [{ selector: `${"s".repeat(40)}.${"t".repeat(10)}` }] }, "dkim[0].selector", /a DNS name holds at most 253/],
  ["10,000 MX hosts", cf({ mx: Array.from({ length: 10_000 }, (_, i) => ({ host: `mx${i}.example.com`, priority: 10 })) }), "mx", /at most 50/],
  ["a 70,000-character TXT value", cf({ extraTxt: ["x".repeat(70_000)] }), "extraTxt[0]", /at most 2048/],
  ["a 2.6 MB DMARC record", cf({ dmarc: { policy: any("reject"), rua: [`mailto:${"d".repeat(2_600_000)}@example.com`] } }), "dmarc.rua[0]", /at most 1024/],
  ["a TXT answer over 65,535 octets", cf({ extraTxt: Array.from({ length: 40 }, (_, i) => `token${i}=${"x".repeat(2000)}`) }), "extraTxt", /no answer can carry more than 65535/],
];

describe("bad MailDomain arguments throw one error naming the field, and register nothing", () => {
  // Objects, not tuples: jest would pass its `done` callback in place of a missing fourth element.
  test.each(cases.map(([title, args, field, message]) => ({ title, args, field, message })))("$title", async ({ args, field, message }) => {
    const error = await expectRefused(args, field);
    expect(error.message).toContain(`- ${field}: `);
    expect(error.message).toMatch(/no DNS record was created/);
    if (message) expect(error.message).toMatch(message);
  });

  test("at least 30 distinct invalid argument sets are covered", () => {
    expect(new Set(cases.map((c) => c[0])).size).toBeGreaterThanOrEqual(30);
  });

  test("every problem is listed, not only the first", () => {
    try {
      new MailDomain("many", cf({ ttl: -1, spf: { ip4: ["1.2.3"] }, dmarc: { policy: any("reject"), percent: 101 } }));
      throw new Error("expected an error");
    } catch (e) {
      expect((e as MailDomainArgsError).diagnostics.map((d) => d.field)).toEqual(expect.arrayContaining(["ttl", "spf.ip4[0]", "dmarc.percent"]));
    }
  });

  test("an SPF record given as extraTxt is checked like spf: +all is the same warning, on its extraTxt path", async () => {
    const run = await runProgram(() => new MailDomain("txt-spf", cf({ extraTxt: ["v=spf1 mx +all"] })));
    const warnings = run.logs.filter((l) => l.severity === "warning").map((l) => l.message);
    expect(warnings.some((w) => w.includes("spf.pass-all") && w.includes("(extraTxt[0])"))).toBe(true);
    expect(run.engine.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord").map((r) => r.inputs.content)).toContain('"v=spf1 mx +all"');
  });

  test("a wrong shape in one part does not hide the problems of the others", () => {
    try {
      new MailDomain("mixed", cf({ ...({ spff: {} } as object), cloudflare: any({ zonename: "example.com" }), extraTxt: ['token"1'], dmarc: { policy: any("reject"), percent: 150 } }));
      throw new Error("expected an error");
    } catch (e) {
      expect((e as MailDomainArgsError).diagnostics.map((d) => d.field).sort()).toEqual(["cloudflare.zonename", "dmarc.percent", "extraTxt[0]", "spff"]);
    }
  });

  test("valid but risky settings do not throw: each is a warning on the component, and the records are created", async () => {
    const run = await runProgram(() => new MailDomain("risky", cf({ spf: { all: any("+all") }, dkim: [{ selector: "old", publicKey: weakKey, testing: true }], dmarc: { policy: any("none"), percent: 50 } })));
    const warnings = run.logs.filter((l) => l.severity === "warning").map((l) => l.message).join("\n");
    for (const code of ["spf.pass-all", "dkim.rsa-key-weak", "dkim.testing", "dmarc.policy-none", "dmarc.pct-partial"]) expect(warnings).toContain(code);
    expect(run.engine.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord")).toHaveLength(4);
  });
});
