/**
 * `maildomain import`: real cPanel, VestaCP and BIND exports (test/fixtures/zones/) mapped into
 * MailDomain args, the findings and left-out records reported with their lines, the YAML output
 * read back and planned by the component's planner, exit codes and usage errors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { importZoneFile } from "../../cli/import/command";
import { ImportFinding } from "../../cli/import/findings";
import { mapZone } from "../../cli/import/map";
import { renderYaml } from "../../cli/import/render";
import { readZoneFile } from "../../cli/import/zonefile";
import { Io } from "../../cli/io";
import { main } from "../../cli/main";
import { MailDomainArgs } from "../../components/args";
import { planMailDomain } from "../../components/plan/plan";
import { stackDomains } from "../../components/stack-config";

const FIXTURES = path.join(__dirname, "..", "fixtures", "zones");
const fixture = (name: string) => path.join(FIXTURES, name);
const CPANEL = fixture("cpanel/example.com.db");
const VESTA = fixture("vestacp/example.net.db");
const BIND = fixture("bind/example.org.zone");
const SEED = fixture("seed-article/abcdqwerty.example.zone");

/** The p= value exactly as the fixture publishes it: the record's strings joined, read without the importer. */
const keyOf = (file: string, selector: string): string => {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${selector}._domainkey`));
  let text = lines[start] ?? "";
  for (let i = start + 1; i < lines.length && /^\s/.test(lines[i]); i++) text += lines[i];
  const joined = (text.match(/"[^"]*"/g) ?? []).map((s) => s.slice(1, -1)).join("");
  return /p=([^;]*)/.exec(joined)?.[1] ?? "";
};

function yamlDomains(output: string): MailDomainArgs[] {
  const doc = parseYaml(output) as { config: Record<string, unknown> };
  return stackDomains(doc.config["maildomain:domains"]).map((d) => d.args);
}

const at = (findings: ImportFinding[], code: string) => findings.filter((f) => f.code === code).map((f) => f.line);
const codesOf = (findings: ImportFinding[], severity?: string) => findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

function memoryIo(): Io & { out: string; err: string } {
  const io = { out: "", err: "", stdoutIsTTY: false, stderrIsTTY: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe("cPanel export (example.com.db)", () => {
  const run = importZoneFile({ zonefile: CPANEL });

  test("every mail record becomes args: MX, SPF, the split DKIM key, DMARC, the verification token", () => {
    expect(run.exitCode).toBe(0);
    expect(yamlDomains(run.output)).toEqual([
      {
        domain: "example.com",
        cloudflare: { zoneName: "example.com" },
        ttl: 14400,
        mx: [{ host: "example.com", priority: 0 }],
        spf: { a: true, mx: true, ip4: ["203.0.113.10"], include: ["relay.mailchannels.net"], all: "~all" },
        dkim: [{ selector: "default", publicKey: keyOf(CPANEL, "default") }],
        dmarc: { policy: "quarantine", rua: ["mailto:dmarc-reports@example.com"], dkimAlignment: "r", spfAlignment: "r" },
        extraTxt: ["google-site-verification=Qv8pRmL2nXo4sTk7wYc1bZd9fJh3gAe6uVi0yNs5KqM"],
      },
    ]);
    expect(keyOf(CPANEL, "default")).toMatch(/^MIIBIjAN[A-Za-z0-9+/]{378}IDAQAB$/);
  });

  test("everything else is left out in one summary line per type", () => {
    const summary = run.findings.filter((f) => f.code === "import.not-mail").map((f) => f.message.replace(/ \(.*?\):.*/, ""));
    expect(summary).toEqual([
      "left out 9 A records",
      "left out 1 AAAA record",
      "left out 2 CAA records",
      "left out 2 CNAME records",
      "left out 2 NS records",
      "left out 1 SOA record",
      "left out 5 SRV records",
      "left out 5 TXT records",
    ]);
    expect(codesOf(run.findings, "error")).toEqual([]);
    expect(codesOf(run.findings, "warning")).toEqual([]);
    expect(run.result?.leftOutOther).toBe(27);
  });
});

describe("VestaCP export (example.net.db, no $ORIGIN)", () => {
  const run = importZoneFile({ zonefile: VESTA });

  test("args, with the origin from the file name, the 1024-bit key kept and warned about", () => {
    expect(run.exitCode).toBe(0);
    expect(yamlDomains(run.output)).toEqual([
      {
        domain: "example.net",
        cloudflare: { zoneName: "example.net" },
        ttl: 14400,
        mx: [{ host: "mail.example.net", priority: 10 }],
        spf: { a: true, mx: true, ip4: ["198.51.100.7"], all: "?all" },
        dkim: [{ selector: "mail", publicKey: keyOf(VESTA, "mail") }],
        dmarc: { policy: "none" },
      },
    ]);
    expect(at(run.findings, "zone.origin-from-file-name")).toEqual([undefined]);
    expect(at(run.findings, "dkim.rsa-key-weak")).toEqual([24]);
    expect(at(run.findings, "spf.neutral-all")).toEqual([21]);
    expect(at(run.findings, "dmarc.policy-none")).toEqual([22]);
  });

  test("the DomainKeys policy record gets its own left-out line with the reason", () => {
    const left = run.findings.filter((f) => f.code === "import.left-out");
    expect(left.map((f) => [f.line, f.owner])).toEqual([[23, "_domainkey.example.net"]]);
    expect(left[0].message).toMatch(/DomainKeys \(RFC 4870/);
  });

  test("the mail records' TTLs differ (14400, DKIM 3600): one TTL, noted", () => {
    expect(run.findings.find((f) => f.code === "import.ttl")?.message).toMatch(/3 with 14400, 1 with 3600/);
  });
});

describe("BIND/registrar export (example.org.zone): every mail record kind, a MAIL FROM subdomain", () => {
  const run = importZoneFile({ zonefile: BIND, dns: "route53" });
  const domains = yamlDomains(run.output);

  test("the apex: Google MX, SPF with \\126all decoded, DKIM TXT (RSA split over lines, Ed25519) and SES CNAMEs, DMARC, MTA-STS, TLS-RPT, BIMI", () => {
    expect(run.exitCode).toBe(0);
    expect(domains[0]).toEqual({
      domain: "example.org",
      route53: { zoneName: "example.org" },
      mx: [
        { host: "aspmx.l.google.com", priority: 1 },
        { host: "alt1.aspmx.l.google.com", priority: 5 },
        { host: "alt2.aspmx.l.google.com", priority: 5 },
        { host: "alt3.aspmx.l.google.com", priority: 10 },
        { host: "alt4.aspmx.l.google.com", priority: 10 },
      ],
      spf: { include: ["_spf.google.com", "amazonses.com"], all: "~all" },
      dkim: [
        { selector: "abcdefghijklmnopqrstuvwxyz234567", cnameTarget: "abcdefghijklmnopqrstuvwxyz234567.dkim.amazonses.com" },
        { selector: "bcdefghijklmnopqrstuvwxyz2345672", cnameTarget: "bcdefghijklmnopqrstuvwxyz2345672.dkim.amazonses.com" },
        { selector: "cdefghijklmnopqrstuvwxyz23456723", cnameTarget: "cdefghijklmnopqrstuvwxyz23456723.dkim.amazonses.com" },
        { selector: "ed2026", publicKey: keyOf(BIND, "ed2026") },
        { selector: "google", publicKey: keyOf(BIND, "google") },
      ],
      dmarc: {
        policy: "reject",
        subdomainPolicy: "quarantine",
        percent: 100,
        rua: ["mailto:dmarc@example.org", "mailto:reports@dmarc.example.net"],
        ruf: ["mailto:dmarc-forensic@example.org"],
        failureOptions: ["1"],
        reportInterval: 86400,
      },
      mtaSts: { mode: "testing" },
      tlsRpt: { rua: ["mailto:tls-reports@example.org"] },
      bimi: { logoUrl: "https://example.org/brand/logo.svg", authorityUrl: "https://example.org/brand/vmc.pem" },
      extraTxt: ["MS=ms47281937"],
    });
    expect(keyOf(BIND, "google")).toHaveLength(392);
  });

  test("the Amazon SES MAIL FROM subdomain with its own MX and SPF is its own entry", () => {
    expect(domains[1]).toEqual({
      domain: "bounce.example.org",
      route53: { zoneName: "example.org" },
      mx: [{ host: "feedback-smtp.us-east-1.amazonses.com", priority: 10 }],
      spf: { include: ["amazonses.com"], all: "~all" },
    });
    expect(domains).toHaveLength(2);
  });

  test("MTA-STS: the mode is unknown from DNS: imported as testing, and said so", () => {
    const f = run.findings.find((x) => x.code === "import.mta-sts-mode");
    expect(f).toMatchObject({ severity: "warning", line: 35 });
    expect(f?.message).toMatch(/imported as mode "testing"/);
    expect(at(run.findings, "import.mta-sts-id")).toEqual([35]);
  });

  test("each left-out mail record has its own line and reason", () => {
    const left = run.findings.filter((f) => f.code === "import.left-out").map((f) => [f.line, f.owner, f.message.replace(/^.* is left out: /, "").slice(0, 30)]);
    expect(left).toEqual([
      [36, "mta-sts.example.org", "the host that serves example.o"],
      [39, "example.com._report._dmarc.example.org", "authorizes example.com to send"],
      [40, "_domainkey.example.org", "an outsending policy of Domain"],
      [48, "_amazonses.example.org", "the legacy Amazon SES domain v"],
      [50, "example.org", "the SPF record type (99) was r"],
    ]);
  });

  test("providers are recognized only as notes: Google Workspace, SES DKIM, SES MAIL FROM", () => {
    const hints = run.findings.filter((f) => f.code === "import.preset").map((f) => f.message);
    expect(hints).toEqual([
      expect.stringMatching(/^example\.org looks like Google Workspace: .*googleWorkspace preset \(legacyMx: true\)/),
      expect.stringMatching(/^example\.org has 3 Amazon SES Easy DKIM CNAMEs/),
      expect.stringMatching(/^bounce\.example\.org is an Amazon SES custom MAIL FROM domain \(region us-east-1\).*mailFromSubdomain: bounce/),
    ]);
    expect(domains[0]).not.toHaveProperty("googleWorkspace");
  });
});

describe("the seed article's mistakes (V=DMARC1, pct=50%)", () => {
  const run = importZoneFile({ zonefile: SEED });

  test("reported with the core's diagnostics on the record's line; exit code 1", () => {
    expect(run.exitCode).toBe(1);
    const dmarc = run.findings.filter((f) => f.owner === "_dmarc.abcdqwerty.example");
    expect(dmarc.map((f) => [f.line, f.severity, f.code])).toEqual([
      [13, "error", "dmarc.pct-percent-sign"],
      [13, "warning", "dmarc.subdomain-policy-none"],
      [13, "warning", "dmarc.version-case"],
      [13, "warning", "import.dmarc-tag-left-out"],
    ]);
    expect(codesOf(run.findings, "error")).toEqual(["dmarc.pct-percent-sign"]);
  });

  test("the args do what receivers do today: pct is dropped (policy on all failing mail), v is written lower case", () => {
    expect(yamlDomains(run.output)[0].dmarc).toEqual({
      policy: "quarantine",
      subdomainPolicy: "none",
      rua: ["mailto:dmarc@abcdqwerty.example"],
      ruf: ["mailto:dmarc@abcdqwerty.example"],
      failureOptions: ["0"],
    });
    expect(run.result?.domains[0].plan.dmarcRecord).toBe("v=DMARC1; p=quarantine; sp=none; rua=mailto:dmarc@abcdqwerty.example; ruf=mailto:dmarc@abcdqwerty.example; fo=0");
  });

  test("MX 10 mail (relative, as panels write it) is resolved against the origin", () => {
    expect(yamlDomains(run.output)[0].mx).toEqual([{ host: "mail.abcdqwerty.example", priority: 10 }]);
  });
});

describe("the YAML output is stack config the stack program accepts, and the component plans it without errors", () => {
  test.each([CPANEL, VESTA, BIND, SEED])("%s", (file) => {
    const run = importZoneFile({ zonefile: file });
    expect(run.output).toMatch(/^# Imported by `maildomain import /);
    expect(run.output).toMatch(/\nconfig:\n {2}maildomain:domains:\n/);
    const entries = yamlDomains(run.output);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const plan = planMailDomain(entry);
      expect(plan.errors).toEqual([]);
      expect(plan.generatedKeys).toEqual([]); // every DKIM selector keeps its existing key
    }
    // SPF qualifiers are quoted as in Pulumi.dev.yaml.
    expect(run.output).not.toMatch(/all: [~?+-]all/);
  });
});

// ------------------------------------------------------------------------------------------------
// Mapping rules, on small zones

function importText(text: string) {
  const zone = readZoneFile(text, { file: "t.zone" });
  const result = mapZone(zone.apex as string, zone.records);
  return { zone, result, findings: [...zone.findings, ...result.findings], args: result.domains.map((d) => d.args) };
}
const HEAD = "$ORIGIN example.com.\n$TTL 3600\n";

describe("mapping rules", () => {
  test("SPF terms the args cannot express are each reported; the rest is imported", () => {
    const r = importText(`${HEAD}@ MX 10 mx.example.com.\n@ TXT "v=spf1 mx ptr -ip4:192.0.2.9 ip4:192.0.2.0/24 a:relay.example.net exp=explain.example.com ~all"`);
    expect(r.args[0].spf).toEqual({ mx: true, ip4: ["192.0.2.0/24"], all: "~all" });
    expect(r.findings.filter((f) => f.code === "import.spf-term-left-out").map((f) => f.message.split('"')[1])).toEqual(["ptr", "-ip4:192.0.2.9", "a:relay.example.net", "exp=explain.example.com"]);
  });

  test("two SPF records: the core's error, the second left out on its own line", () => {
    const r = importText(`${HEAD}@ TXT "v=spf1 mx -all"\n@ TXT "v=spf1 include:_spf.google.com ~all"`);
    expect(codesOf(r.findings, "error")).toEqual(["spf.multiple-records", "import.left-out"]);
    expect(r.findings.find((f) => f.code === "import.left-out")?.line).toBe(4);
    expect(r.args[0].spf).toEqual({ mx: true, all: "-all" });
  });

  test("unquoted TXT words are separate strings joined without spaces: warned, and the broken SPF left out", () => {
    const r = importText(`${HEAD}@ MX 10 mx.example.com.\n@ TXT v=spf1 mx -all`);
    expect(codesOf(r.findings)).toEqual(expect.arrayContaining(["zone.txt-unquoted", "spf.lookalike-record", "import.left-out"]));
    expect(r.args[0].spf).toBeUndefined();
  });

  test("no all and no redirect: imported as ?all, noted", () => {
    const r = importText(`${HEAD}@ TXT "v=spf1 mx"`);
    expect(r.args[0].spf).toEqual({ mx: true, all: "?all" });
    expect(codesOf(r.findings)).toContain("import.spf-no-all");
  });

  test("DKIM: t=y → testing, empty p= → revoked, h=sha256 noted, a cut key left out, k= mismatch left out", () => {
    const key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAosCM/wmCGar7azfq5xcAs3iwmXdgumDOTXilP31fT9shlvchCwIJluo2dYpKAeJQTCoHgk1E/5kEYqj7LU1BO0CqXCNJ5l46EDaQlaPQs3vYvQg8XYJVY3QBkzHcU8xGUUoA80taiee4p7GMF172lsgBohZV/s/rzV2f0sP4iUaxC+JYwRnKwaz5vf62YISe/KAN1Uu/5w52zUbyStzsulxssDKBLtM/tPgR0c5NeXTghXHU6wWBIenf5EBhBkQg500QlrybIc3m46jo55lHeShtGrEMNs6REhB1VNoeg6rbGjsZ0R82QxWJew/386NMqQ2SsVC8DHQnm6Gm7Q3+7QIDAQAB";
    const split = (v: string) => `"${v.slice(0, 200)}" "${v.slice(200)}"`;
    const r = importText(
      [
        HEAD,
        `s1._domainkey TXT ${split(`v=DKIM1; k=rsa; t=y; h=sha256; p=${key}`)}`,
        `old._domainkey TXT "v=DKIM1; p="`,
        `cut._domainkey TXT "v=DKIM1; k=rsa; p=${key.slice(0, 200)}"`,
        `ed._domainkey TXT ${split(`v=DKIM1; k=ed25519; p=${key}`)}`,
      ].join("\n"),
    );
    expect(r.args[0].dkim).toEqual([
      { selector: "old", revoked: true },
      { selector: "s1", publicKey: key, testing: true },
    ]);
    expect(r.findings.filter((f) => f.code === "import.left-out").map((f) => f.owner)).toEqual(["cut._domainkey.example.com", "ed._domainkey.example.com"]);
    expect(r.findings.find((f) => f.code === "import.dkim-tag-left-out")).toMatchObject({ severity: "info", line: 4 });
  });

  test("null MX → nullMx; a relative MX host that repeats the origin is warned about", () => {
    expect(importText(`${HEAD}@ MX 0 .`).args[0]).toEqual({ domain: "example.com", nullMx: true });
    const r = importText(`${HEAD}@ MX 10 mail.example.com`);
    expect(r.args[0].mx).toEqual([{ host: "mail.example.com.example.com", priority: 10 }]);
    expect(codesOf(r.findings)).toContain("zone.relative-name");
  });

  test("DMARC: invalid p with rua → policy none (RFC 7489 §6.6.3); without rua → not imported; at the wrong name → left out", () => {
    const a = importText(`${HEAD}_dmarc TXT "v=DMARC1; p=rejekt; rua=mailto:d@example.com"`);
    expect(a.args[0].dmarc).toEqual({ policy: "none", rua: ["mailto:d@example.com"] });
    expect(codesOf(a.findings, "error")).toEqual(["dmarc.invalid-policy"]);
    const b = importText(`${HEAD}@ MX 0 .\n_dmarc TXT "v=DMARC1; p=rejekt"`);
    expect(b.args[0].dmarc).toBeUndefined();
    expect(codesOf(b.findings, "error")).toEqual(expect.arrayContaining(["dmarc.invalid-policy", "import.dmarc-tag-left-out"]));
    const c = importText(`${HEAD}@ MX 0 .\n@ TXT "v=DMARC1; p=reject"`);
    expect(c.args[0].extraTxt).toBeUndefined();
    expect(c.findings.find((f) => f.code === "import.left-out")?.message).toMatch(/_dmarc\.example\.com/);
  });

  test("a CNAME at _dmarc and a wildcard MX are left out with reasons", () => {
    const r = importText(`${HEAD}@ MX 10 mx.example.com.\n_dmarc CNAME example.com._dmarc.provider.example.\n* MX 10 mx.example.com.`);
    const left = r.findings.filter((f) => f.code === "import.left-out");
    expect(left.map((f) => f.line)).toEqual([4, 5]);
    expect(left[0].message).toMatch(/delegates the DMARC record/);
    expect(left[1].message).toMatch(/wildcard MX/);
  });

  test("an MTA-STS record on a domain without MX: the component's refusal is an error finding", () => {
    const r = importText(`${HEAD}_mta-sts TXT "v=STSv1; id=1"`);
    const refused = r.findings.filter((f) => f.message.startsWith("the component refuses"));
    expect(refused.map((f) => f.code)).toEqual(["mta-sts.policy-missing-mx"]);
  });

  test("other TXT on the domain's own name → extraTxt; one with a quote is left out", () => {
    const r = importText(`${HEAD}@ MX 0 .\n@ TXT "token=abc"\n@ TXT "say \\"hi\\""`);
    expect(r.args[0].extraTxt).toEqual(["token=abc"]);
    expect(r.findings.find((f) => f.code === "import.left-out")?.line).toBe(5);
  });

  test("a zone without mail records: a warning and an empty list", () => {
    const r = importText(`${HEAD}www A 192.0.2.1`);
    expect(r.args).toEqual([]);
    expect(codesOf(r.findings)).toEqual(["import.not-mail", "import.no-mail-records"]);
  });
});

// ------------------------------------------------------------------------------------------------
// The command

describe("maildomain import (through the CLI)", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "maildomain-import-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("stdout holds only the YAML; findings and the summary go to stderr", async () => {
    const io = memoryIo();
    expect(await main(["import", VESTA], io)).toBe(0);
    expect(() => parseYaml(io.out)).not.toThrow();
    expect(io.out.split("\n").filter((l) => !l.startsWith("#")).join("\n")).not.toMatch(/warning|left out|error/);
    expect(io.err).toMatch(/example\.net\.db:24: warning dkim\.rsa-key-weak \(mail\._domainkey\.example\.net p\): /);
    expect(io.err.trim().split("\n").pop()).toMatch(/^maildomain import: .*1 mail domain \(example\.net\) from 4 records; 1 mail record and 12 other records left out; 0 errors, 4 warnings, \d+ notes\.$/);
  });

  test("--origin for an export without $ORIGIN or an absolute SOA owner (a registrar's zone.txt)", async () => {
    const file = path.join(dir, "zone.txt");
    fs.writeFileSync(file, '$TTL 300\n@ IN SOA ns1 hostmaster ( 1 7200 3600 1209600 300 )\n@ IN MX 10 mx1\n@ IN TXT "v=spf1 mx -all"\n');
    const noOrigin = memoryIo();
    expect(await main(["import", file], noOrigin)).toBe(2);
    expect(noOrigin.err).toMatch(/origin is unknown.*--origin/);
    expect(noOrigin.out).toBe("");
    const io = memoryIo();
    expect(await main(["import", file, "--origin", "example.biz"], io)).toBe(0);
    expect(yamlDomains(io.out)).toEqual([{ domain: "example.biz", cloudflare: { zoneName: "example.biz" }, ttl: 300, mx: [{ host: "mx1.example.biz", priority: 10 }], spf: { mx: true, all: "-all" } }]);
  });

  test("malformed lines: an error finding with the line, the rest imported, exit code 1", async () => {
    const file = path.join(dir, "broken.example.db");
    fs.writeFileSync(file, '$TTL 300\n@ IN MX 10 mx1\n@ IN TXT "v=spf1 mx -all\n_dmarc IN TXT "v=DMARC1; p=reject"\n@ IN MXX 20 mx2\n');
    const io = memoryIo();
    expect(await main(["import", file], io)).toBe(1);
    expect(io.err).toMatch(/broken\.example\.db:3: error zone\.unterminated-quote/);
    expect(io.err).toMatch(/broken\.example\.db:5: error zone\.unknown-type/);
    expect(yamlDomains(io.out)[0]).toMatchObject({ domain: "broken.example", mx: [{ host: "mx1.broken.example", priority: 10 }], dmarc: { policy: "reject" } });
  });

  test("usage errors: a missing file, a directory, a binary file, not a zone file, a bad --format (exit code 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["import", path.join(dir, "nope.zone")], /cannot read the zone file .*nope\.zone: no such file/],
      [["import", dir], /is a directory/],
      [["import", CPANEL, "--format", "json"], /Allowed choices are yaml, ts/],
    ];
    const bin = path.join(dir, "binary.db");
    fs.writeFileSync(bin, Buffer.from([0x24, 0x00, 0x01]));
    cases.push([["import", bin], /not a text file/]);
    const json = path.join(dir, "example.com.json");
    fs.writeFileSync(json, '{ "records": [ { "type": "MX" } ] }\n');
    cases.push([["import", json], /holds no DNS records: give a BIND-format zone file/]);
    for (const [argv, message] of cases) {
      const io = memoryIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.err).toMatch(message);
    }
  });

  test("--dns route53 names the Route 53 zone", async () => {
    const io = memoryIo();
    await main(["import", CPANEL, "--dns", "route53"], io);
    expect(yamlDomains(io.out)[0]).toMatchObject({ route53: { zoneName: "example.com" } });
    expect(yamlDomains(io.out)[0]).not.toHaveProperty("cloudflare");
  });
});

describe("never throws on user input", () => {
  test("random zones of mail-ish names, types and (often broken) data map without an exception", () => {
    const owners = ["@", "mail", "_dmarc", "s1._domainkey", "_domainkey", "_mta-sts", "mta-sts", "_smtp._tls", "default._bimi", "*", "*._domainkey", "x._report._dmarc", "sub", "_dmarc.sub", "a\\.b", "other.example.", "  "];
    const types = ["MX", "TXT", "CNAME", "A", "SPF", "SRV", "IN TXT", "60 IN MX"];
    const data = [
      "10 mx",
      "0 .",
      "x",
      "70000 mx.example.com.",
      '"v=spf1 mx -all"',
      '"v=spf1 ptr ip4:300.1.1.1 redirect=x include:"',
      '"v=DKIM1; k=rsa; p=MIIB"',
      '"v=DKIM1; p="',
      '"v=DMARC1; p=reject; pct=50%; rua=mailto:x"',
      '"V=DMARC1"',
      '"v=STSv1; id=-"',
      '"v=TLSRPTv1; rua=ftp://x"',
      '"v=BIMI1; l="',
      '"a\\"b"',
      '"\\300"',
      "( \"a\" \"b\" )",
      "target.example.",
      "@",
    ];
    const line = fc.tuple(fc.constantFrom(...owners), fc.constantFrom(...types), fc.constantFrom(...data)).map(([o, t, d]) => `${o} ${t} ${d}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (lines) => {
        const zone = readZoneFile(`$ORIGIN example.com.\n$TTL 300\n${lines.join("\n")}\n`, { file: "fuzz.zone" });
        const result = mapZone(zone.apex as string, zone.records);
        for (const d of result.domains) expect(typeof d.args.domain).toBe("string");
      }),
      { numRuns: 400 },
    );
  });
});

test("a name whose only mail record is left out (an SPF look-alike) gives no empty domain entry", () => {
  const r = importText(`${HEAD}@ MX 0 .\nsub TXT "\\"v=spf1 -all\\""`);
  expect(r.args.map((a) => a.domain)).toEqual(["example.com"]);
  expect(r.findings.find((f) => f.code === "import.left-out")).toMatchObject({ owner: "sub.example.com", severity: "error" });
});

test("YAML output: strings YAML could misread are quoted and read back unchanged", () => {
  const tricky = ["a: b", "x #y", "2024", "true", "yes", "On", "null", "~", "- x", "*x", "&a", "!tag", "%p", "@at", "[x]", "{x}", "'q'", "v=spf1 -all", "~all", "?all", "google-site-verification=abc"];
  const out = renderYaml([{ domain: "example.com", extraTxt: tricky } as MailDomainArgs]);
  expect((parseYaml(out) as { config: Record<string, { extraTxt: string[] }[]> }).config["maildomain:domains"][0].extraTxt).toEqual(tricky);
  expect(out).toContain('- "yes"');
  expect(out).toContain('- "~all"');
});
