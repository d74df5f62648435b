/**
 * Every resource policy on Cloudflare and on Route 53: the compliant baseline passes, and one
 * change to it is reported at the policy's level, with the core's message and RFC.
 */
import { generateKeyPairSync } from "node:crypto";
import { cloudflareTxtContent } from "../../components/providers/formats";
import { resourcePolicies } from "../../policies/all";
import { CLOUDFLARE_LEGACY, domainWith, DOMAIN, keys, Manager, MANAGERS, notApplicableOf, RecordSpec, resourcesFor, run, urnOf, violationsOf } from "./fixtures";
import { ed25519SeedOffCurve } from "../support/keys";

interface Case {
  policy: string;
  /** What the test changes in the baseline. */
  title: string;
  change: RecordSpec;
  stack?: string;
  level: "mandatory" | "advisory";
  /** Part of the expected message (the core diagnostic's) and its RFC. */
  message: RegExp;
  rfc: RegExp;
}

const apexTxt = (spf: string): RecordSpec => ({ name: DOMAIN, type: "TXT", values: [spf] });
const dmarc = (value: string): RecordSpec => ({ name: `_dmarc.${DOMAIN}`, type: "TXT", values: [value] });
const dkim = (value: string): RecordSpec => ({ name: `s2026._domainkey.${DOMAIN}`, type: "TXT", values: [value] });
// Key material made once per file: private keys pasted where public values belong.
const rsaPrivate = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const privateDer = rsaPrivate.export({ type: "pkcs8", format: "der" }).toString("base64");
const privatePem = rsaPrivate.export({ type: "pkcs1", format: "pem" }).toString();
const seed = ed25519SeedOffCurve().seed.toString("base64");
const elevenIncludes = `v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:_spf${i}.example.net`).join(" ")} -all`;

const cases: Case[] = [
  { policy: "spf-no-pass-all", title: "+all", change: apexTxt("v=spf1 mx +all"), level: "mandatory", message: /"\+all" authorizes every host/, rfc: /RFC 7208 §5\.1/ },
  { policy: "spf-no-pass-all", title: "an authorizing /0 network", change: apexTxt("v=spf1 ip4:0.0.0.0/0 -all"), level: "mandatory", message: /prefix length \/0/, rfc: /RFC 7208 §5\.6/ },
  { policy: "spf-no-pass-all", title: "+all outside production", change: apexTxt("v=spf1 mx +all"), stack: "dev", level: "mandatory", message: /"\+all"/, rfc: /RFC 7208/ },
  { policy: "spf-no-neutral-all", title: "?all in production", change: apexTxt("v=spf1 mx ?all"), level: "mandatory", message: /"\?all" makes no assertion/, rfc: /RFC 7208 §5\.1/ },
  { policy: "spf-no-neutral-all-non-production", title: "?all outside production", change: apexTxt("v=spf1 mx ?all"), stack: "dev", level: "advisory", message: /"\?all"/, rfc: /RFC 7208 §5\.1/ },
  { policy: "spf-lookup-limit", title: "11 includes", change: apexTxt(elevenIncludes), level: "mandatory", message: /11 terms that need DNS lookups/, rfc: /RFC 7208 §4\.6\.4/ },
  { policy: "spf-no-ptr", title: "ptr", change: apexTxt("v=spf1 ptr -all"), level: "advisory", message: /reverse DNS/, rfc: /RFC 7208 §5\.5/ },
  { policy: "spf-valid-syntax", title: "an invalid ip4", change: apexTxt("v=spf1 ip4:300.1.1.1 -all"), level: "mandatory", message: /300\.1\.1\.1/, rfc: /RFC 7208/ },
  { policy: "spf-valid-syntax", title: "an unknown mechanism", change: apexTxt("v=spf1 mx include _spf.example.net -all"), level: "mandatory", message: /include/, rfc: /RFC 7208/ },
  { policy: "dmarc-no-monitor-only-in-production", title: "p=none in production", change: dmarc(`v=DMARC1; p=none; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /p=none only monitors/, rfc: /RFC 7489/ },
  { policy: "dmarc-no-monitor-only-in-production", title: "sp=none under p=reject", change: dmarc(`v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /sp=none leaves every subdomain/, rfc: /RFC 7489/ },
  { policy: "dmarc-full-coverage-in-production", title: "pct=50", change: dmarc(`v=DMARC1; p=reject; pct=50; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /pct=50/, rfc: /RFC 7489/ },
  { policy: "dmarc-full-coverage-in-production", title: "t=y", change: dmarc(`v=DMARC1; p=reject; t=y; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /t=y \(testing\)/, rfc: /RFC 9989/ },
  { policy: "dmarc-aggregate-reports", title: "no rua", change: dmarc("v=DMARC1; p=reject"), level: "advisory", message: /no rua=/, rfc: /RFC 7489/ },
  { policy: "dmarc-valid-syntax", title: "p=block", change: dmarc(`v=DMARC1; p=block; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /block/, rfc: /RFC 7489/ },
  { policy: "dmarc-valid-syntax", title: "pct=50% (the article's mistake)", change: dmarc(`v=DMARC1; p=quarantine; pct=50%; rua=mailto:dmarc@${DOMAIN}`), level: "mandatory", message: /%/, rfc: /RFC 7489/ },
  { policy: "dkim-min-key-size", title: "a 1024-bit key in production", change: dkim(`v=DKIM1; k=rsa; p=${keys.rsa1024}`), level: "mandatory", message: /1024 bits/, rfc: /RFC 8301 §3\.2/ },
  { policy: "dkim-min-key-size", title: "a 512-bit key outside production", change: dkim(`v=DKIM1; k=rsa; p=${keys.rsa512}`), stack: "dev", level: "mandatory", message: /512 bits; verifiers must not accept/, rfc: /RFC 8301 §3\.2/ },
  { policy: "dkim-min-key-size-non-production", title: "a 1024-bit key outside production (an advisory)", change: dkim(`v=DKIM1; k=rsa; p=${keys.rsa1024}`), stack: "dev", level: "advisory", message: /1024 bits.*Advisory outside production; in production, dkim-min-key-size refuses it\./, rfc: /RFC 8301 §3\.2/ },
  { policy: "dkim-no-testing-non-production", title: "t=y outside production (an advisory)", change: dkim(`v=DKIM1; k=rsa; t=y; p=${keys.rsa2048}`), stack: "dev", level: "advisory", message: /t=y marks the key as in testing.*in production, dkim-no-testing-in-production refuses it/, rfc: /RFC 6376/ },
  { policy: "dmarc-no-monitor-only-non-production", title: "p=none outside production (an advisory)", change: dmarc(`v=DMARC1; p=none; rua=mailto:dmarc@${DOMAIN}`), stack: "dev", level: "advisory", message: /p=none only monitors.*in production, dmarc-no-monitor-only-in-production refuses it/, rfc: /RFC 7489/ },
  { policy: "dmarc-full-coverage-non-production", title: "pct=50 outside production (an advisory)", change: dmarc(`v=DMARC1; p=reject; pct=50; rua=mailto:dmarc@${DOMAIN}`), stack: "dev", level: "advisory", message: /pct=50.*in production, dmarc-full-coverage-in-production refuses it/, rfc: /RFC 7489/ },
  { policy: "dkim-no-sha1", title: "h=sha1", change: dkim(`v=DKIM1; k=rsa; h=sha1; p=${keys.rsa2048}`), level: "mandatory", message: /h=sha1 allows only rsa-sha1/, rfc: /RFC 8301 §3\.1/ },
  { policy: "dkim-no-testing-in-production", title: "t=y in production", change: dkim(`v=DKIM1; k=rsa; t=y; p=${keys.rsa2048}`), level: "mandatory", message: /t=y marks the key as in testing/, rfc: /RFC 6376/ },
  { policy: "dkim-valid-key", title: "a key cut at 255 characters", change: dkim(`v=DKIM1; k=rsa; p=${keys.rsa2048.slice(0, 200)}`), level: "mandatory", message: /cut/, rfc: /RFC 6376/ },
  { policy: "dkim-valid-key", title: "an Ed25519 key published with k=rsa", change: dkim(`v=DKIM1; k=rsa; p=${keys.ed25519}`), level: "mandatory", message: /k=ed25519/, rfc: /RFC 8463/ },
  { policy: "mx-valid", title: "an IP address as MX host", change: { name: DOMAIN, type: "MX", values: ["10 192.0.2.1"] }, level: "mandatory", message: /is an IP address/, rfc: /RFC 5321/ },
  { policy: "mta-sts-valid-syntax", title: "an id with dashes", change: { name: `_mta-sts.${DOMAIN}`, type: "TXT", values: ["v=STSv1; id=2026-01-01"] }, level: "advisory", message: /id=2026-01-01/, rfc: /RFC 8461/ },
  { policy: "dns-no-private-key", title: "a base64 private key as a verification token", change: apexTxt(privateDer), level: "mandatory", message: /the value holds a PRIVATE key \(a private key in base64 DER form: an RSA key, PKCS#8\)/, rfc: /RFC 6376 §3\.6\.1/ },
  { policy: "dns-no-private-key", title: "an Ed25519 seed as a DKIM key", change: dkim(`v=DKIM1; k=ed25519; p=${seed}`), level: "mandatory", message: /PRIVATE key .*the private seed of an Ed25519 key/, rfc: /RFC 6376/ },
  { policy: "tls-rpt-valid-syntax", title: "no rua", change: { name: `_smtp._tls.${DOMAIN}`, type: "TXT", values: ["v=TLSRPTv1"] }, level: "advisory", message: /rua/, rfc: /RFC 8460/ },
];

describe("resource policies: compliant baseline", () => {
  test.each(MANAGERS)("%s: no resource policy is violated or skipped in production or elsewhere", async (manager) => {
    for (const stack of ["prod", "dev"]) {
      const result = await run(domainWith(manager, undefined, { stack }), { stackPolicies: false });
      expect(result.violations).toEqual([]);
      expect(result.skipped).toEqual([]);
    }
  });

  test("every resource policy has a failing case here (and so runs on both managers)", () => {
    const covered = new Set([...cases.map((c) => c.policy), "txt-string-length"]);
    expect(resourcePolicies.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
  });
});

describe.each(MANAGERS)("resource policies on %s: one change to the baseline", (manager: Manager) => {
  test.each(cases.map((c) => [c.policy, c.title, c] as const))("%s: %s", async (policy, _title, c) => {
    const stack = c.stack ?? "prod";
    const result = await run(domainWith(manager, c.change, { stack }), { stack, stackPolicies: false });
    const found = violationsOf(result, policy);
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const v of found) {
      expect(v.enforcementLevel).toBe(c.level);
      expect(v.message).toMatch(c.message);
      expect(v.message).toMatch(c.rfc);
      expect(v.message).toContain(manager === "cloudflare" ? "Cloudflare" : "Route 53");
      expect(v.urn).toContain(`urn:pulumi:${stack}::`);
      expect(v.kind).toBe("resource");
    }
    // One change, one kind of problem: nothing else in the baseline is reported.
    const others = result.violations.filter((v) => v.policy !== policy);
    expect(others.every((v) => relatedPolicies[policy]?.includes(v.policy))).toBe(true);
  });
});

/** Changes that legitimately trip a second policy. */
const relatedPolicies: Record<string, string[]> = {
  "spf-no-pass-all": [],
  "dns-no-private-key": ["dkim-valid-key"],
  "dmarc-valid-syntax": ["dmarc-no-monitor-only-in-production", "dmarc-full-coverage-in-production"],
};

describe.each(MANAGERS)("environment split on %s", (manager) => {
  const neutral = apexTxt("v=spf1 mx ?all");

  test("?all: the production policy is not applicable outside production, its twin not in production", async () => {
    const prod = await run(domainWith(manager, neutral, { stack: "prod" }), { stack: "prod", stackPolicies: false });
    expect(violationsOf(prod, "spf-no-neutral-all")).toHaveLength(1);
    expect(violationsOf(prod, "spf-no-neutral-all-non-production")).toHaveLength(0);
    expect(notApplicableOf(prod, "spf-no-neutral-all-non-production").map((n) => n.reason)).toContainEqual(expect.stringMatching(/outside production: stack "prod" is production/));

    const dev = await run(domainWith(manager, neutral, { stack: "dev" }), { stack: "dev", stackPolicies: false });
    expect(violationsOf(dev, "spf-no-neutral-all")).toHaveLength(0);
    expect(notApplicableOf(dev, "spf-no-neutral-all").map((n) => n.reason)).toContainEqual(expect.stringMatching(/in production: stack "dev" is not production/));
    expect(violationsOf(dev, "spf-no-neutral-all-non-production")).toHaveLength(1);
  });

  test("p=none, pct=50, DKIM t=y and a 1024-bit key: mandatory in production, advisories elsewhere (never all green)", async () => {
    for (const [change, production, twin] of [
      [dmarc(`v=DMARC1; p=none; rua=mailto:dmarc@${DOMAIN}`), "dmarc-no-monitor-only-in-production", "dmarc-no-monitor-only-non-production"],
      [dmarc(`v=DMARC1; p=reject; pct=50; rua=mailto:dmarc@${DOMAIN}`), "dmarc-full-coverage-in-production", "dmarc-full-coverage-non-production"],
      [dkim(`v=DKIM1; k=rsa; t=y; p=${keys.rsa2048}`), "dkim-no-testing-in-production", "dkim-no-testing-non-production"],
      [dkim(`v=DKIM1; k=rsa; p=${keys.rsa1024}`), "dkim-min-key-size", "dkim-min-key-size-non-production"],
    ] as const) {
      const dev = await run(domainWith(manager, change, { stack: "dev" }), { stack: "dev", stackPolicies: false });
      expect(dev.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([[twin, "advisory"]]);
      const prod = await run(domainWith(manager, change, { stack: "prod" }), { stack: "prod", stackPolicies: false });
      expect(prod.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([[production, "mandatory"]]);
    }
  });
});

describe.each(MANAGERS)("txt-string-length on %s", (manager) => {
  const long = `google-site-verification=${"x".repeat(280)}`;

  test("a string over 255 octets is reported with the manager's fix; a split one passes", async () => {
    const change: RecordSpec = { name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all"] };
    const resources = domainWith(manager, change);
    const txt = resources.find((r) => r.inputs.type === "TXT" && r.inputs.name === DOMAIN)!;
    if (manager === "cloudflare") txt.inputs.content = `"${long}"`;
    else txt.inputs.records = ["v=spf1 mx -all", long];
    const result = await run(resources, { stackPolicies: false });
    const found = violationsOf(result, "txt-string-length");
    expect(found).toHaveLength(1);
    expect(found[0].enforcementLevel).toBe("mandatory");
    expect(found[0].message).toMatch(/is 305 octets; a TXT string holds at most 255/);
    expect(found[0].message).toMatch(/RFC 1035 §3\.3/);
    expect(found[0].message).toMatch(manager === "cloudflare" ? /Cloudflare splits it itself/ : /Route 53 rejects the change/);

    // The baseline's 2048-bit DKIM key is longer than 255 octets, split as each provider wants.
    if (manager === "cloudflare") txt.inputs.content = cloudflareTxtContent(long);
    else txt.inputs.records = ["v=spf1 mx -all", `${long.slice(0, 255)}""${long.slice(255)}`];
    expect(violationsOf(await run(resources, { stackPolicies: false }), "txt-string-length")).toEqual([]);
  });
});

describe.each(MANAGERS)("dns-no-private-key on %s: any record, whoever declared it", (manager) => {
  test("a PEM private key split over TXT strings, at a name no mail policy reads, is found in the joined value", async () => {
    const result = await run([...domainWith(manager), ...resourcesFor(manager, { name: `backup.${DOMAIN}`, type: "TXT", values: ["ok", privatePem.replace(/\n/g, " ")] }, { resourceName: "backup" })], { stackPolicies: false });
    const found = violationsOf(result, "dns-no-private-key");
    expect(found.map((v) => v.enforcementLevel)).toEqual(["mandatory"]);
    expect(found[0].message).toMatch(manager === "cloudflare" ? /the value holds a PRIVATE key \(a PEM "RSA PRIVATE KEY" block\)/ : /value 2 holds a PRIVATE key \(a PEM "RSA PRIVATE KEY" block\)/);
    expect(found[0].message).toContain(`TXT backup.${DOMAIN}`);
  });

  test("public keys, tokens and addresses pass; address and name records are not read", async () => {
    const result = await run(domainWith(manager), { stackPolicies: false });
    expect(violationsOf(result, "dns-no-private-key")).toEqual([]);
    expect(notApplicableOf(result, "dns-no-private-key").map((n) => n.reason)).toContain("Policy does not apply to A, AAAA, MX, CNAME, NS, PTR, SRV, DNAME, ALIAS records");
  });
});

describe("more cases", () => {
  test("Route 53: two SPF values in one record set are one resource's syntax error", async () => {
    const result = await run(domainWith("route53", { name: DOMAIN, type: "TXT", values: ["v=spf1 mx -all", "v=spf1 a -all"] }), { stackPolicies: false });
    const found = violationsOf(result, "spf-valid-syntax");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/2 SPF records at one name/);
  });

  test("Route 53: MX beside a null MX in one record set", async () => {
    const result = await run(domainWith("route53", { name: DOMAIN, type: "MX", values: ["0 .", `10 mx1.${DOMAIN}`] }), { stackPolicies: false });
    expect(violationsOf(result, "mx-valid")[0].message).toMatch(/null MX .*RFC 7505 §3/);
  });

  test("Cloudflare: SPF content quoted twice is not selected as SPF by receivers", async () => {
    const resources = domainWith("cloudflare");
    resources.find((r) => r.inputs.type === "TXT" && r.inputs.name === DOMAIN)!.inputs.content = '"\\"v=spf1 mx -all\\""';
    const found = violationsOf(await run(resources, { stackPolicies: false }), "spf-valid-syntax");
    expect(found.map((v) => v.message)).toEqual([expect.stringMatching(/has quote characters as part of its text .* receivers ignore it/)]);
  });

  test("the deprecated cloudflare.Record (content or v4 value) is read like DnsRecord", async () => {
    for (const field of ["content", "value"]) {
      const name = `legacy-${field}`;
      const result = await run([{ type: CLOUDFLARE_LEGACY, name, urn: urnOf("prod", CLOUDFLARE_LEGACY, name), inputs: { zoneId: "z", name: DOMAIN, type: "TXT", [field]: "v=spf1 +all" } }], { stackPolicies: false });
      expect(violationsOf(result, "spf-no-pass-all")).toHaveLength(1);
    }
  });

  test("DMARC policies ignore TXT records that are not at _dmarc names; DKIM policies those not at _domainkey names", async () => {
    const result = await run(domainWith("cloudflare", { name: `_report._dmarc.${DOMAIN}`, type: "TXT", values: ["v=DMARC1"] }), { stackPolicies: false });
    expect(result.violations).toEqual([]);
    expect(notApplicableOf(result, "dmarc-valid-syntax").some((n) => /_dmarc names/.test(n.reason ?? ""))).toBe(true);
    expect(notApplicableOf(result, "dkim-valid-key").some((n) => /_domainkey names/.test(n.reason ?? ""))).toBe(true);
  });

  test("non-DNS resources are not applicable to every resource policy", async () => {
    const result = await run([{ type: "aws:s3/bucket:Bucket", name: "b", inputs: { bucket: "b" } }], { stackPolicies: false });
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toHaveLength(resourcePolicies.length);
    expect(result.notApplicable[0].reason).toMatch(/Cloudflare and Route 53 DNS records/);
  });
});
