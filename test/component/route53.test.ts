import { MailDomain, MailDomainArgs } from "../../components";
import { placeholderZoneId } from "../../cli/plan/mock-engine";
import { route53TxtStrings } from "../../components/providers/formats";
import { runProgram, valueOf } from "../support/pulumi";
import { fullArgs, MAIL_DOMAIN, panelKey, pOf, ROUTE53_RECORD } from "./fixtures";

describe("MailDomain on Route 53", () => {
  let run: Awaited<ReturnType<typeof runProgram<MailDomain>>>;
  beforeAll(async () => {
    run = await runProgram(() => new MailDomain("corp", fullArgs({ route53: { zoneName: "example.com" } })));
  });
  const sets = () => run.ofType(ROUTE53_RECORD);
  const byName = (name: string) => sets().find((r) => r.name === name)!;

  test("exactly one Record per (name, type), named from the record's meaning", () => {
    expect(sets().map((r) => r.name).sort()).toEqual(
      ["corp-mx", "corp-txt", "corp-dkim-s2026", "corp-dkim-ed2026", "corp-dkim-panel", "corp-dkim-esp", "corp-dmarc", "corp-mta-sts", "corp-tls-rpt", "corp-bimi-default"].sort(),
    );
    const keys = sets().map((r) => `${r.inputs.name} ${r.inputs.type}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("every child has the component as parent and the looked-up zone id", () => {
    for (const r of sets()) {
      expect(r.urn).toContain(`::${MAIL_DOMAIN}$${ROUTE53_RECORD}::${r.name}`);
      expect(r.inputs.zoneId).toBe(placeholderZoneId("route53", "example.com"));
      expect(r.inputs.allowOverwrite).toBe(false);
    }
    expect(run.engine.calls.map((c) => c.token)).toEqual(["aws:route53/getZone:getZone"]);
    expect(run.engine.calls[0].inputs).toMatchObject({ name: "example.com", privateZone: false });
  });

  test("the SPF record and the verification token share the apex TXT set", () => {
    expect(byName("corp-txt").inputs).toMatchObject({
      name: "example.com",
      type: "TXT",
      ttl: 3600,
      records: ["v=spf1 mx ip4:192.0.2.25 include:_spf.example.net -all", fullArgs({}).extraTxt![0]],
    });
  });

  test("MX values are '<priority> <host>.' in one set", () => {
    expect(byName("corp-mx").inputs.records).toEqual(["10 mx1.example.com.", "20 mx2.example.com."]);
  });

  test("long TXT values are split inside one element with \"\" and every chunk is at most 255 octets", () => {
    for (const name of ["corp-dkim-s2026", "corp-dkim-panel"]) {
      const records = byName(name).inputs.records as string[];
      expect(records).toHaveLength(1);
      const chunks = records[0].split('""');
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(255);
      expect(route53TxtStrings(records[0])).toEqual(chunks);
    }
    const key = run.engine.keys.get("corp-dkim-s2026-key")!;
    expect((byName("corp-dkim-s2026").inputs.records as string[])[0].split('""').join("")).toBe(`v=DKIM1; k=rsa; p=${pOf(key.publicKeyPem)}`);
    expect((byName("corp-dkim-panel").inputs.records as string[])[0].split('""').join("")).toBe(`v=DKIM1; k=rsa; p=${panelKey.p}`);
  });

  test("a delegated selector is a CNAME to the FQDN target", () => {
    expect(byName("corp-dkim-esp").inputs).toMatchObject({ type: "CNAME", name: "esp._domainkey.example.com", records: ["esp.dkim.example.net."] });
  });

  test("allowOverwrite is passed through", async () => {
    const r = await runProgram(() => new MailDomain("o", { domain: "example.com", route53: { zoneId: "Z123", allowOverwrite: true }, nullMx: true }));
    expect(r.ofType(ROUTE53_RECORD)[0].inputs).toMatchObject({ zoneId: "Z123", allowOverwrite: true, records: ["0 ."] });
    expect(r.engine.calls).toHaveLength(0);
  });
});

describe("MailDomain is deterministic", () => {
  const program = (dns: Pick<MailDomainArgs, "cloudflare" | "route53">) => () => new MailDomain("corp", fullArgs(dns));
  test.each([
    ["cloudflare", { cloudflare: {} }],
    ["route53", { route53: {} }],
  ])("two runs on %s give byte-identical resource inputs", async (_name, dns) => {
    // stableKeys: generated keys persist between runs, as they do in the stack's state.
    const first = await runProgram(program(dns), { stableKeys: true });
    const second = await runProgram(program(dns), { stableKeys: true });
    const dump = (r: typeof first) => JSON.stringify(r.engine.resources.map((x) => [x.type, x.name, x.inputs]));
    expect(dump(second)).toBe(dump(first));
  });

  test("adding an MX host or a selector replaces no existing record", async () => {
    const base = await runProgram(program({ cloudflare: {} }));
    const more = fullArgs({ cloudflare: {} });
    more.mx = [{ host: "mx0.example.com", priority: 5 }, ...more.mx!];
    more.dkim = [{ selector: "new2027" }, ...more.dkim!];
    const grown = await runProgram(() => new MailDomain("corp", more));
    const names = (r: typeof base) => new Set(r.engine.resources.map((x) => x.name));
    for (const n of names(base)) expect(names(grown).has(n)).toBe(true);
    expect(names(grown).size).toBe(names(base).size + 3); // the MX value, the DKIM record and its key
  });
});

describe("Amazon SES identity on Route 53", () => {
  test("creates the identity, wires its three DKIM tokens to CNAMEs and sets the MAIL FROM domain", async () => {
    const run = await runProgram(() => new MailDomain("ses", { domain: "example.com", route53: {}, amazonSes: { region: "eu-west-1", createIdentity: true, mailFromSubdomain: "mail" }, dmarc: { policy: "reject" as never, rua: ["mailto:d@example.com"] } }));
    const identity = run.ofType("aws:sesv2/emailIdentity:EmailIdentity");
    expect(identity).toHaveLength(1);
    expect(identity[0].inputs).toMatchObject({ emailIdentity: "example.com", region: "eu-west-1" });
    expect(run.ofType("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")[0].inputs).toMatchObject({ mailFromDomain: "mail.example.com" });
    const cnames = run.ofType(ROUTE53_RECORD).filter((r) => r.name.startsWith("ses-ses-dkim-"));
    expect(cnames).toHaveLength(3);
    for (const c of cnames) {
      const token = String(c.inputs.name).split(".")[0];
      expect(token).toMatch(/^[a-f0-9]{32}$/);
      expect(c.inputs).toMatchObject({ type: "CNAME", name: `${token}._domainkey.example.com`, records: [`${token}.dkim.amazonses.com.`] });
    }
    const mailFrom = run.ofType(ROUTE53_RECORD).filter((r) => r.inputs.name === "mail.example.com");
    expect(mailFrom.map((r) => r.inputs.records)).toEqual([["10 feedback-smtp.eu-west-1.amazonses.com."], ["v=spf1 include:amazonses.com ~all"]]);
    const recs = await valueOf(run.result.records);
    expect(recs.filter((r) => r.type === "CNAME")).toHaveLength(3);
  });
});
