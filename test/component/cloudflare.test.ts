import { createHash } from "node:crypto";
import * as cloudflare from "@pulumi/cloudflare";
import { MailDomain } from "../../components";
import { parseTxtRdata } from "../../components/records/txt";
import { placeholderZoneId } from "../../cli/plan/mock-engine";
import { runProgram, valueOf, isSecret } from "../support/pulumi";
import { CLOUDFLARE_DNS_RECORD, fullArgs, MAIL_DOMAIN, pOf, panelKey, TLS_PRIVATE_KEY } from "./fixtures";

describe("MailDomain on Cloudflare", () => {
  let run: Awaited<ReturnType<typeof runProgram<MailDomain>>>;
  beforeAll(async () => {
    run = await runProgram(() => new MailDomain("corp", fullArgs({ cloudflare: { zoneName: "example.com" } })));
  });

  const records = () => run.ofType(CLOUDFLARE_DNS_RECORD);
  const byName = (name: string) => records().find((r) => r.name === name);

  test("one DnsRecord per value, named from the component name and the record's meaning", () => {
    const verification = fullArgs({}).extraTxt![0];
    const txtId = createHash("sha256").update(verification).digest("hex").slice(0, 8);
    expect(records().map((r) => r.name).sort()).toEqual(
      [
        "corp-mx-mx1-example-com",
        "corp-mx-mx2-example-com",
        "corp-spf",
        `corp-txt-${txtId}`,
        "corp-dkim-s2026",
        "corp-dkim-ed2026",
        "corp-dkim-panel",
        "corp-dkim-esp",
        "corp-dmarc",
        "corp-mta-sts",
        "corp-tls-rpt",
        "corp-bimi-default",
      ].sort(),
    );
    expect(run.engine.resources.some((r) => r.type === "cloudflare:index/record:Record")).toBe(false);
  });

  test("every child has the component as parent", () => {
    for (const r of run.engine.resources.filter((x) => x.type !== MAIL_DOMAIN)) {
      expect(r.urn).toContain(`::${MAIL_DOMAIN}$${r.type}::${r.name}`);
    }
  });

  test("records carry FQDN names, the zone id looked up once, the TTL and a comment", () => {
    const zoneId = placeholderZoneId("cloudflare", "example.com");
    for (const r of records()) {
      expect(r.inputs.zoneId).toBe(zoneId);
      expect(r.inputs.ttl).toBe(3600);
      expect(String(r.inputs.name)).toMatch(/(^|\.)example\.com$/);
      expect(String(r.inputs.comment).length).toBeLessThanOrEqual(100);
    }
    expect(run.engine.calls.filter((c) => c.token === "cloudflare:index/getZone:getZone")).toHaveLength(1);
  });

  test("MX content is the host and priority is separate", () => {
    expect(byName("corp-mx-mx1-example-com")?.inputs).toMatchObject({ type: "MX", name: "example.com", content: "mx1.example.com", priority: 10 });
  });

  test("TXT content is quoted 255-octet strings, the form Cloudflare stores unchanged", () => {
    for (const r of records().filter((x) => x.inputs.type === "TXT")) {
      const content = String(r.inputs.content);
      expect(content.startsWith('"') && content.endsWith('"')).toBe(true);
      const strings = parseTxtRdata(content);
      expect(strings.diagnostics).toEqual([]);
      for (const s of strings.model) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
    }
    expect(byName("corp-spf")?.inputs.content).toBe('"v=spf1 mx ip4:192.0.2.25 include:_spf.example.net -all"');
    expect(byName("corp-dmarc")?.inputs).toMatchObject({ name: "_dmarc.example.com", content: '"v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@example.com; adkim=r"' });
  });

  test("the generated RSA key's p= is the real public key, split over two strings", () => {
    const key = run.engine.keys.get("corp-dkim-s2026-key")!;
    const strings = parseTxtRdata(String(byName("corp-dkim-s2026")?.inputs.content)).model;
    expect(strings.length).toBe(2);
    expect(strings.join("")).toBe(`v=DKIM1; k=rsa; p=${pOf(key.publicKeyPem)}`);
    expect(run.ofType(TLS_PRIVATE_KEY).find((k) => k.name === "corp-dkim-s2026-key")?.inputs).toEqual({ algorithm: "RSA", rsaBits: 2048 });
  });

  test("the generated Ed25519 key's p= is the raw 32-byte key (RFC 8463)", () => {
    const key = run.engine.keys.get("corp-dkim-ed2026-key")!;
    const content = parseTxtRdata(String(byName("corp-dkim-ed2026")?.inputs.content)).model.join("");
    expect(content).toBe(`v=DKIM1; k=ed25519; p=${pOf(key.publicKeyPem)}`);
    expect(Buffer.from(pOf(key.publicKeyPem), "base64")).toHaveLength(32);
  });

  test("a supplied key is published as given; a delegated selector is a CNAME", () => {
    expect(parseTxtRdata(String(byName("corp-dkim-panel")?.inputs.content)).model.join("")).toBe(`v=DKIM1; k=rsa; p=${panelKey.p}`);
    expect(byName("corp-dkim-esp")?.inputs).toMatchObject({ type: "CNAME", name: "esp._domainkey.example.com", content: "esp.dkim.example.net" });
  });

  test("outputs: records in canonical order, SPF, DMARC, DKIM per selector, MTA-STS policy", async () => {
    const out = await valueOf(run.result.records);
    expect(out.map((r) => `${r.type} ${r.name}`)).toEqual([
      "MX example.com",
      "TXT example.com",
      "TXT s2026._domainkey.example.com",
      "TXT ed2026._domainkey.example.com",
      "TXT panel._domainkey.example.com",
      "CNAME esp._domainkey.example.com",
      "TXT _dmarc.example.com",
      "TXT _mta-sts.example.com",
      "TXT _smtp._tls.example.com",
      "TXT default._bimi.example.com",
    ]);
    expect(out[0].values).toEqual(["10 mx1.example.com.", "20 mx2.example.com."]);
    expect(await valueOf(run.result.spfRecord)).toBe("v=spf1 mx ip4:192.0.2.25 include:_spf.example.net -all");
    expect(await valueOf(run.result.dmarcRecord)).toMatch(/^v=DMARC1; p=reject;/);
    const dkim = await valueOf(run.result.dkim);
    expect(Object.keys(dkim).sort()).toEqual(["ed2026", "esp", "panel", "s2026"]);
    expect(dkim.esp).toEqual({ name: "esp._domainkey.example.com", type: "CNAME", value: "esp.dkim.example.net." });
    expect(await valueOf(run.result.mtaStsPolicy)).toBe("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 604800\r\n");
    expect(await valueOf(run.result.zoneId)).toBe(placeholderZoneId("cloudflare", "example.com"));
  });

  test("private keys and signing configs are secrets; no private key reaches a DNS record", async () => {
    expect(await isSecret(run.result.dkimPrivateKeys)).toBe(true);
    expect(await isSecret(run.result.signingConfigs)).toBe(true);
    const keys = await valueOf(run.result.dkimPrivateKeys);
    expect(Object.keys(keys).sort()).toEqual(["ed2026", "s2026"]);
    expect(keys.s2026).toBe(run.engine.keys.get("corp-dkim-s2026-key")!.privateKeyPem);
    expect(keys.ed2026).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const configs = await valueOf(run.result.signingConfigs);
    expect(configs.s2026.exim).toContain("dkim_selector");
    expect(configs.s2026.opendkim).toContain("s2026._domainkey.example.com");
    expect(configs.s2026.rspamd).toContain("selector");
    const recordInputs = JSON.stringify(run.engine.resources.filter((r) => r.type !== TLS_PRIVATE_KEY).map((r) => r.inputs));
    expect(recordInputs).not.toMatch(/PRIVATE KEY/);
  });
});

describe("MailDomain on Cloudflare: zones and providers", () => {
  test("a given zoneId makes no lookup call", async () => {
    const run = await runProgram(() => new MailDomain("z", { domain: "example.org", cloudflare: { zoneId: "0123456789abcdef0123456789abcdef" }, nullMx: true }));
    expect(run.engine.calls).toHaveLength(0);
    expect(run.ofType(CLOUDFLARE_DNS_RECORD)[0].inputs).toMatchObject({ zoneId: "0123456789abcdef0123456789abcdef", type: "MX", content: ".", priority: 0 });
  });

  test("many domains in one zone look the zone up once per program run", async () => {
    const run = await runProgram(() =>
      ["a", "b", "c", "d"].map((l) => new MailDomain(l, { domain: `${l}.example.com`, cloudflare: {}, nullMx: true })),
    );
    expect(run.engine.calls.filter((c) => c.token === "cloudflare:index/getZone:getZone").map((c) => c.inputs.filter.name)).toEqual(["example.com"]);
  });

  test("TTL 1 is Cloudflare's automatic TTL; long comments are cut to the 100 characters every plan allows", async () => {
    const domain = `${"a".repeat(60)}.${"b".repeat(60)}.example.com`;
    const run = await runProgram(() => new MailDomain("long", { domain, cloudflare: { zoneName: "example.com" }, ttl: 1, nullMx: true }));
    const record = run.ofType(CLOUDFLARE_DNS_RECORD)[0];
    expect(record.inputs.ttl).toBe(1);
    expect(String(record.inputs.comment)).toHaveLength(100);
    expect(String(record.inputs.comment).endsWith("…")).toBe(true);
  });

  test.each(["providers", "provider"] as const)("an explicit provider passed to the component (opts.%s) reaches every child and the zone lookup", async (form) => {
    const run = await runProgram(() => {
      const provider = new cloudflare.Provider("account-b", { apiToken: "x" });
      const opts = form === "providers" ? { providers: [provider] } : { provider };
      return new MailDomain("p", { domain: "example.com", cloudflare: {}, nullMx: true, dkim: [{ selector: "s1" }] }, opts);
    });
    const record = run.ofType(CLOUDFLARE_DNS_RECORD)[0];
    expect(record.provider).toMatch(/::account-b::/);
    expect(run.engine.calls[0].provider).toMatch(/::account-b::/);
    // the tls key uses the default tls provider: only cloudflare resources take the cloudflare provider
    expect(run.ofType(TLS_PRIVATE_KEY)[0].provider ?? "").not.toMatch(/account-b/);
  });

  test("risky but valid settings are logged as warnings on the component, not refused", async () => {
    const run = await runProgram(() => new MailDomain("w", { domain: "example.com", cloudflare: {}, nullMx: true, spf: { all: "+all" as never } }));
    expect(run.logs.filter((l) => l.severity === "warning").map((l) => l.message).join("\n")).toContain("spf.pass-all");
    expect(run.ofType(CLOUDFLARE_DNS_RECORD).length).toBeGreaterThan(0);
  });
});
