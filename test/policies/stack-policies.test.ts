/**
 * Stack policies: rules across resources and DNS managers, on the compliant baseline with one
 * change per test, on Cloudflare and on Route 53, in and outside production.
 */
import { readFileSync } from "node:fs";
import { stackPolicies } from "../../policies/all";
import {
  CF_ZONE,
  cloudflareResources,
  domainWith,
  DOMAIN,
  Manager,
  MANAGERS,
  notApplicableOf,
  resourcesFor,
  route53Resources,
  run,
  TLS_KEY,
  urnOf,
  violationsOf,
} from "./fixtures";
import type { PolicyResourceInput } from "../../policies/harness";

const stackOnly = { resourcePolicies: false } as const;
const without = (manager: Manager, name: string, type: "TXT" | "MX", stack = "prod") => domainWith(manager, { name, type, values: [] }, { stack });

describe("stack policies: compliant baseline", () => {
  test.each(MANAGERS)("%s: no stack policy is violated, in production or elsewhere", async (manager) => {
    for (const stack of ["prod", "dev"]) {
      const result = await run(domainWith(manager, undefined, { stack }), { stack, ...stackOnly });
      expect(result.violations).toEqual([]);
      expect(result.skipped).toEqual([]);
    }
  });

  test("both managers side by side, each with its own domain, pass", async () => {
    const result = await run([...domainWith("cloudflare"), ...domainWith("route53", undefined, { domain: "example.org" })], stackOnly);
    expect(result.violations).toEqual([]);
  });
});

describe("spf-single-record", () => {
  test("Cloudflare: a second SPF DnsRecord on the apex", async () => {
    const extra = cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 include:_spf.google.com ~all"] }, { resourceName: "second-spf" });
    const result = await run([...domainWith("cloudflare"), ...extra], stackOnly);
    const found = violationsOf(result, "spf-single-record");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ enforcementLevel: "mandatory", kind: "stack", urn: extra[0].urn });
    expect(found[0].message).toMatch(/^example\.com: 2 SPF records at one name .* \[RFC 7208 §4\.5\] They come from 2 resources: Cloudflare record "cf-example-com-txt-0": "v=spf1 mx/);
  });

  test("Route 53: a second Record resource with an SPF value on the apex", async () => {
    const extra = route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 include:_spf.google.com ~all"] }, { resourceName: "second-spf" });
    const result = await run([...domainWith("route53"), ...extra], stackOnly);
    expect(violationsOf(result, "spf-single-record")).toHaveLength(1);
    // …which Route 53 itself would refuse as a second record set.
    expect(violationsOf(result, "route53-single-record-set")).toHaveLength(1);
  });

  test("across DNS managers: Cloudflare and Route 53 both hold SPF for the name", async () => {
    const extra = route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "old-r53-spf" });
    const found = violationsOf(await run([...domainWith("cloudflare"), ...extra], stackOnly), "spf-single-record");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/in Cloudflare and Route 53: only the DNS manager the domain is delegated to serves/);
  });

  test("Cloudflare relative name @ in the same zone is the apex (zone name inferred from the zone's names)", async () => {
    const extra = cloudflareResources({ name: "@", type: "TXT", values: ["v=spf1 a -all"] }, { resourceName: "apex-spf" });
    expect(violationsOf(await run([...domainWith("cloudflare"), ...extra], stackOnly), "spf-single-record")).toHaveLength(1);
  });

  test("the same relative name in another zone is another name; an absolute name elsewhere is not the apex", async () => {
    const otherZone = cloudflareResources({ name: "@", type: "TXT", values: ["v=spf1 a -all"] }, { resourceName: "other-zone", zoneId: "f".repeat(32) });
    const sub = cloudflareResources({ name: `mail.${DOMAIN}`, type: "TXT", values: ["v=spf1 a -all"] }, { resourceName: "sub" });
    expect(violationsOf(await run([...domainWith("cloudflare"), ...otherZone, ...sub], stackOnly), "spf-single-record")).toEqual([]);
  });

  test("a zone resource in the stack names the zone of relative records", async () => {
    const zone: PolicyResourceInput = { type: "aws:route53/zone:Zone", name: "zone", inputs: { name: DOMAIN }, outputs: { name: DOMAIN, zoneId: "ZOWN" } };
    const a = route53Resources({ name: "", type: "TXT", values: ["v=spf1 a -all"] }, { resourceName: "apex", zoneId: "ZOWN" });
    const b = cloudflareResources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "cf" });
    expect(violationsOf(await run([zone, ...a, ...b], stackOnly), "spf-single-record")).toHaveLength(1);
  });
});

describe.each(MANAGERS)("dmarc-single-record on %s", (manager) => {
  test("a second DMARC record at _dmarc, written relative to the zone", async () => {
    const extra = resourcesFor(manager, { name: "_dmarc", type: "TXT", values: ["v=DMARC1; p=none"] }, { resourceName: "second-dmarc" });
    const found = violationsOf(await run([...domainWith(manager), ...extra], stackOnly), "dmarc-single-record");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^_dmarc\.example\.com: 2 TXT records here start with v=DMARC1; receivers then apply no DMARC at all/);
    expect(found[0].message).toMatch(/RFC 7489 §6\.6\.3/);
  });

  test("a DMARC record of another domain is no duplicate", async () => {
    const extra = resourcesFor(manager, { name: "_dmarc.example.org", type: "TXT", values: ["v=DMARC1; p=reject"] }, { resourceName: "other", zoneId: "other-zone" });
    expect(violationsOf(await run([...domainWith(manager), ...extra], stackOnly), "dmarc-single-record")).toEqual([]);
  });
});

describe("mx-null-mx-alone", () => {
  test("Cloudflare: a null MX DnsRecord beside the MX hosts", async () => {
    const extra = cloudflareResources({ name: DOMAIN, type: "MX", values: ["0 ."] }, { resourceName: "null-mx" });
    const found = violationsOf(await run([...domainWith("cloudflare"), ...extra], stackOnly), "mx-null-mx-alone");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/a null MX \("0 \."\) says the domain accepts no mail, yet 2 other MX record\(s\)/);
    expect(found[0].message).toMatch(/RFC 7505 §3/);
  });

  test("Route 53: a null MX in its own Record resource beside the MX set", async () => {
    const extra = route53Resources({ name: DOMAIN, type: "MX", values: ["0 ."] }, { resourceName: "null-mx" });
    expect(violationsOf(await run([...domainWith("route53"), ...extra], stackOnly), "mx-null-mx-alone")).toHaveLength(1);
  });

  test.each(MANAGERS)("%s: a null MX alone (a parked domain) passes", async (manager) => {
    const parked = domainWith(manager, { name: DOMAIN, type: "MX", values: ["0 ."] });
    expect(violationsOf(await run(parked, stackOnly), "mx-null-mx-alone")).toEqual([]);
  });
});

describe("route53-single-record-set", () => {
  test("SPF and a verification token in two Record resources on one name", async () => {
    const resources = [
      ...without("route53", DOMAIN, "TXT"),
      ...route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "spf" }),
      ...route53Resources({ name: DOMAIN, type: "TXT", values: ["google-site-verification=abc"] }, { resourceName: "verification" }),
    ];
    const found = violationsOf(await run(resources, stackOnly), "route53-single-record-set");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/TXT example\.com in hosted zone Z1D633PJN98FT9 is declared by 2 resources \("spf", "verification"\)/);
    expect(found[0].urn).toBe(urnOf("prod", "aws:route53/record:Record", "verification"));
  });

  test("two sets told apart by setIdentifier (routing policies), or in two zones, pass; Cloudflare records one per value pass", async () => {
    const resources = [
      ...without("route53", DOMAIN, "TXT"),
      ...route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "a", inputs: { setIdentifier: "eu" } }),
      ...route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "b", inputs: { setIdentifier: "us" } }),
      ...route53Resources({ name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] }, { resourceName: "private", zoneId: "ZPRIVATE" }),
    ];
    expect(violationsOf(await run(resources, stackOnly), "route53-single-record-set")).toEqual([]);
    expect(violationsOf(await run(domainWith("cloudflare"), stackOnly), "route53-single-record-set")).toEqual([]);
  });
});

describe.each(MANAGERS)("dmarc-required-in-production on %s", (manager) => {
  test("a mail domain without DMARC fails in production, and is an advisory elsewhere", async () => {
    const found = violationsOf(await run(without(manager, `_dmarc.${DOMAIN}`, "TXT"), stackOnly), "dmarc-required-in-production");
    expect(found).toHaveLength(1);
    expect(found[0].enforcementLevel).toBe("mandatory");
    expect(found[0].message).toMatch(/^_dmarc\.example\.com: no TXT record starting with v=DMARC1 here: .*Gmail and Yahoo require one.* \[RFC 7489 §6\.6\.3\] example\.com is a mail domain of this stack \(MX in /);

    const dev = await run(without(manager, `_dmarc.${DOMAIN}`, "TXT", "dev"), { stack: "dev", ...stackOnly });
    expect(violationsOf(dev, "dmarc-required-in-production")).toEqual([]);
    expect(notApplicableOf(dev, "dmarc-required-in-production")[0].reason).toMatch(/stack "dev" is not production/);
    const advisory = violationsOf(dev, "dmarc-required-non-production");
    expect(advisory.map((v) => v.enforcementLevel)).toEqual(["advisory"]);
    expect(advisory[0].message).toMatch(/^_dmarc\.example\.com: no TXT record starting with v=DMARC1 .* Advisory outside production; in production, dmarc-required-in-production refuses it\.$/);
    expect(violationsOf(await run(without(manager, `_dmarc.${DOMAIN}`, "TXT"), stackOnly), "dmarc-required-non-production")).toEqual([]);
  });

  test("a subdomain with MX is covered by the organizational domain's DMARC record (RFC 7489 §6.6.3)", async () => {
    const sub = resourcesFor(manager, { name: `shop.${DOMAIN}`, type: "MX", values: [`10 mx1.${DOMAIN}`] }, { resourceName: "shop-mx" });
    expect(violationsOf(await run([...domainWith(manager), ...sub], stackOnly), "dmarc-required-in-production")).toEqual([]);
  });

  test("an SPF record alone makes a mail domain; exemptDomains skips it", async () => {
    const other = resourcesFor(manager, { name: "example.net", type: "TXT", values: ["v=spf1 include:_spf.example.net -all"] }, { resourceName: "net-spf", zoneId: "zone-net" });
    const resources = [...domainWith(manager), ...other];
    const found = violationsOf(await run(resources, stackOnly), "dmarc-required-in-production");
    expect(found.map((v) => v.message)).toEqual([expect.stringMatching(/^_dmarc\.example\.net: .* example\.net is a mail domain of this stack \(an SPF record\)/)]);
    const exempt = await run(resources, { ...stackOnly, config: { "dmarc-required-in-production": { exemptDomains: ["*.net"] } } });
    expect(violationsOf(exempt, "dmarc-required-in-production")).toEqual([]);
  });
});

describe.each(MANAGERS)("dkim-required-in-production on %s", (manager) => {
  const noDkim = () => domainWith(manager).filter((r) => !String(r.inputs.name).includes("._domainkey."));

  test("a sending domain without any DKIM selector fails in production, and is an advisory elsewhere", async () => {
    const found = violationsOf(await run(noDkim(), stackOnly), "dkim-required-in-production");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^example\.com: the domain may send mail .* no DKIM key record .*550-5\.7\.26.* \[RFC 6376 §3\.6\.2\.1; RFC 7489 §3\.1\]/);
    const dev = noDkim().map((r) => ({ ...r, urn: r.urn!.replace("urn:pulumi:prod::", "urn:pulumi:dev::") }));
    const devRun = await run(dev, { stack: "dev", ...stackOnly });
    expect(violationsOf(devRun, "dkim-required-in-production")).toEqual([]);
    expect(violationsOf(devRun, "dkim-required-non-production").map((v) => [v.enforcementLevel, v.message])).toEqual([["advisory", expect.stringMatching(/^example\.com: the domain may send mail .*in production, dkim-required-in-production refuses it\. \[RFC 6376 §3\.6\.2\.1; RFC 7489 §3\.1\]$/)]]);
    expect(violationsOf(await run(noDkim(), stackOnly), "dkim-required-non-production")).toEqual([]);
  });

  test("a delegated selector (CNAME) counts", async () => {
    const cname = resourcesFor(manager, { name: `esp._domainkey.${DOMAIN}`, type: "CNAME", values: ["esp.dkim.example.net."] }, { resourceName: "esp" });
    expect(violationsOf(await run([...noDkim(), ...cname], stackOnly), "dkim-required-in-production")).toEqual([]);
  });

  test("a parked domain (null MX, v=spf1 -all) needs no DKIM, but still a DMARC record", async () => {
    const parked = [
      ...resourcesFor(manager, { name: DOMAIN, type: "MX", values: ["0 ."] }),
      ...resourcesFor(manager, { name: DOMAIN, type: "TXT", values: ["v=spf1 -all"] }),
    ];
    const result = await run(parked, stackOnly);
    expect(violationsOf(result, "dkim-required-in-production")).toEqual([]);
    expect(violationsOf(result, "dmarc-required-in-production")).toHaveLength(1);
  });
});

describe("dkim-generated-key-strength", () => {
  const key = (name: string, inputs: Record<string, unknown>, outputs?: Record<string, unknown>): PolicyResourceInput => ({ type: TLS_KEY, name, urn: urnOf("prod", TLS_KEY, name), inputs, outputs });

  test.each(MANAGERS)("%s: a 1024-bit RSA key the DKIM record depends on (its content unknown in preview)", async (manager) => {
    const weak = key("dkim-key", { algorithm: "RSA", rsaBits: 1024 });
    const record = resourcesFor(manager, { name: `new._domainkey.${DOMAIN}`, type: "TXT", values: ["placeholder"] }, { resourceName: "dkim-new" })[0];
    const field = manager === "cloudflare" ? "content" : "records";
    record.inputs[field] = manager === "cloudflare" ? { __pulumiUnknown: true } : [{ __pulumiUnknown: true }];
    record.propertyDependencies = { [field]: [weak.urn!] };
    const result = await run([...domainWith(manager), weak, record], stackOnly);
    const found = violationsOf(result, "dkim-generated-key-strength");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ enforcementLevel: "mandatory", urn: weak.urn });
    expect(found[0].message).toMatch(/tls\.PrivateKey "dkim-key" \(RSA, 1024 bits\) is published as the DKIM key at new\._domainkey\.example\.com: .*set rsaBits: 2048.* \[RFC 8301 §3\.2\]/);
    expect(result.skipped).toEqual([]);
  });

  test("ECDSA fails, Ed25519 and RSA 2048 (the provider's default size) pass; a key that feeds no DKIM record is ignored", async () => {
    const record = (name: string, dep: string) => ({ ...route53Resources({ name: `${name}._domainkey.${DOMAIN}`, type: "TXT", values: ["x"] }, { resourceName: name })[0], dependencies: [dep] });
    const ecdsa = key("ecdsa", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ed = key("ed", { algorithm: "ED25519" });
    const rsa = key("rsa", { algorithm: "RSA" });
    const tlsOnly = key("https", { algorithm: "RSA", rsaBits: 1024 });
    const result = await run([...domainWith("route53"), ecdsa, ed, rsa, tlsOnly, record("a", ecdsa.urn!), record("b", ed.urn!), record("c", rsa.urn!)], stackOnly);
    const found = violationsOf(result, "dkim-generated-key-strength");
    expect(found.map((v) => v.urn)).toEqual([ecdsa.urn]);
    expect(found[0].message).toMatch(/\(ECDSA\) .* DKIM keys are RSA or Ed25519 only/);
  });

  test("without dependencies (the offline plan), the key is matched by its public key in the record", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    const p = pair.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const weak = key("k", { algorithm: "RSA", rsaBits: 1024 }, { algorithm: "RSA", rsaBits: 1024, publicKeyPem: pem });
    const rec = cloudflareResources({ name: `s1._domainkey.${DOMAIN}`, type: "TXT", values: [`v=DKIM1; k=rsa; p=${p}`] }, { resourceName: "s1" });
    expect(violationsOf(await run([...domainWith("cloudflare"), weak, ...rec], stackOnly), "dkim-generated-key-strength")).toHaveLength(1);
    // minRsaBits lowered to 1024 accepts it.
    const lowered = await run([...domainWith("cloudflare"), weak, ...rec], { ...stackOnly, config: { "dkim-generated-key-strength": { minRsaBits: 1024 } } });
    expect(violationsOf(lowered, "dkim-generated-key-strength")).toEqual([]);
  });

  test("not applicable without tls.PrivateKey resources", async () => {
    const result = await run(domainWith("cloudflare"), stackOnly);
    expect(notApplicableOf(result, "dkim-generated-key-strength")[0].reason).toMatch(/tls:index\/privateKey:PrivateKey/);
  });
});

describe("mta-sts-enforce-in-production", () => {
  const policyFile = (mode: string) => `version: STSv1\r\nmode: ${mode}\r\nmx: mx1.${DOMAIN}\r\nmx: mx2.${DOMAIN}\r\nmax_age: 604800\r\n`;
  const component = (mode: string): PolicyResourceInput => ({
    type: "maildomain:index:MailDomain",
    name: "corp",
    custom: false,
    inputs: {},
    outputs: { mtaStsPolicy: policyFile(mode), zoneId: CF_ZONE },
  });

  test("a policy file in testing mode (here the MailDomain output) is advisory in production, not applicable elsewhere", async () => {
    const found = violationsOf(await run([...domainWith("cloudflare"), component("testing")], stackOnly), "mta-sts-enforce-in-production");
    expect(found).toHaveLength(1);
    expect(found[0].enforcementLevel).toBe("advisory");
    expect(found[0].message).toMatch(/MTA-STS policy file in maildomain:index:MailDomain "corp" \(mtaStsPolicy\) has mode: testing: .*switching to mode: enforce.* \[RFC 8461 §5\]/);
    // The proof that enforce is safe comes from the live check, which the message points at.
    expect(found[0].message).toMatch(/run `maildomain check <domain>`: it fetches the served policy and proves each MX host's STARTTLS certificate/);
    expect(violationsOf(await run([...domainWith("cloudflare"), component("enforce")], stackOnly), "mta-sts-enforce-in-production")).toEqual([]);
    const dev = domainWith("cloudflare", undefined, { stack: "dev" });
    expect(violationsOf(await run([...dev, { ...component("testing"), urn: urnOf("dev", "maildomain:index:MailDomain", "corp") }], { stack: "dev", ...stackOnly }), "mta-sts-enforce-in-production")).toEqual([]);
  });

  test.each(MANAGERS)("%s: a receiving domain without an _mta-sts record", async (manager) => {
    const found = violationsOf(await run(without(manager, `_mta-sts.${DOMAIN}`, "TXT"), stackOnly), "mta-sts-enforce-in-production");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^example\.com receives mail but publishes no MTA-STS in this stack \(no TXT at _mta-sts\.example\.com\)/);
    // A parked domain receives nothing: no MTA-STS needed.
    const parked = domainWith(manager, { name: DOMAIN, type: "MX", values: ["0 ."] }).filter((r) => r.inputs.name !== `_mta-sts.${DOMAIN}`);
    expect(violationsOf(await run(parked, stackOnly), "mta-sts-enforce-in-production")).toEqual([]);
  });
});

test("every stack policy is exercised in this file", () => {
  const src = readFileSync(__filename, "utf8");
  expect(stackPolicies.map((p) => p.name).filter((n) => !src.includes(`"${n}"`))).toEqual([]);
});

